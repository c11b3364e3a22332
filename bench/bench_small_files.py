"""Many small files: pdscan against a Python loop that reads each file with pandas (issue 25).

Writes N CSV files (default 20,000, in folders of 1,000) of 5-50 rows each, all with the 17-column header of the
CRM export in bench_scan.py and realistic high-cardinality contact rows from its HighCardinality generator (distinct
e-mails, phones, HETUs, IBANs and notes; DVV names by holders), seeded. Then measures whole processes, alternating,
medians of --repeats (wall time, cores busy = CPU time / wall time of the child, peak RSS):
  * a Python loop reading each file with ``pandas.read_csv(sep=';', dtype=str)`` (the floor: reading alone);
  * ``pdscan scan DIR --full -q -f json -o /dev/null``.
Prints files/s for each, the ratio and the goal (<= 2x the pandas loop), with the machine it ran on.
Run: ``python bench/bench_small_files.py [--files 20000] [--repeats 3]``; ``--repeats 1`` for a quick run (a run of
pdscan on 20,000 files can take minutes). Timings are printed, never asserted.
"""

from __future__ import annotations

import argparse
import csv
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_scan import (
    HEADER,
    HighCardinality,
    compile_bytecode,
    dvv_missing,
    load,
    machine,
    median_runs,
    pdscan_command,
    print_table,
    verdict,
)

PANDAS_LOOP = """
import sys
from pathlib import Path

import pandas as pd

for path in sorted(Path(sys.argv[1]).rglob("*.csv")):
    pd.read_csv(path, sep=";", dtype=str)
"""


def write_files(root: Path, files: int, seed: int = 25) -> tuple[int, int]:
    """``files`` CSVs of 5-50 contact rows in folders of 1,000; the number of rows and of bytes written."""
    generator = HighCardinality(seed)
    sizes = random.Random(seed)
    rows = size = 0
    for number in range(files):
        folder = root / f"export_{number // 1000:03d}"
        if number % 1000 == 0:
            folder.mkdir(parents=True)
        path = folder / f"contacts_{number:05d}.csv"
        count = sizes.randint(5, 50)
        with path.open("w", encoding="utf-8", newline="") as fh:
            writer = csv.writer(fh, delimiter=";")
            writer.writerow(HEADER)
            writer.writerows(generator.rows(count))
        rows += count
        size += path.stat().st_size
    return rows, size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--files", type=int, default=20_000)
    parser.add_argument("--repeats", type=int, default=3, help="runs of each process, alternating; medians")
    args = parser.parse_args()
    print(machine())
    print(compile_bytecode())
    why = dvv_missing()
    if why:
        print(f"NOTE: {why.replace('high-cardinality case', 'small-files bench')}")
        return
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "exports"
        started = time.perf_counter()
        rows, size = write_files(root, args.files)
        print(f"{args.files:,} CSV files of 5-50 rows ({rows:,} rows, {rows * len(HEADER):,} cells, "
              f"{size / 1e6:.1f} MB), written in {time.perf_counter() - started:.0f} s; whole processes, "
              f"alternating, median of {args.repeats}")  # fmt: skip
        commands = {
            "pandas": [sys.executable, "-c", PANDAS_LOOP, str(root)],
            "pdscan": pdscan_command(str(root)),
        }
        results = median_runs(commands, args.repeats)
        print(f"  {'':<50} {'wall':>8} {'cores':>6} {'peak':>8} {'files/s':>9}")
        labels = {"pandas": "Python loop, pandas.read_csv(sep=';', dtype=str)", "pdscan": "pdscan scan DIR --full"}
        for name, label in labels.items():
            run = results[name]
            print(f"  {label:<50} {run.wall:7.2f}s {run.cores:6.2f} {run.peak_mb:6.0f}MB "
                  f"{args.files / run.wall:9,.0f}")  # fmt: skip
    pandas_run, pdscan_run = results["pandas"], results["pdscan"]
    ratio = pdscan_run.wall / pandas_run.wall
    print(f"summary (issue 25 goals; timings are printed, never asserted; load average now {load()}):")
    print_table(
        [
            (
                f"small files, {args.files:,} CSVs of 5-50 rows",
                f"{args.files / pdscan_run.wall:,.0f} files/s ({pdscan_run.wall:.1f} s)",
                f"{args.files / pandas_run.wall:,.0f} files/s pandas loop ({pandas_run.wall:.1f} s)",
                f"{ratio:.2f}x",
                "<= 2x",
                verdict(ratio <= 2.0),
            ),
            (
                "small files cores busy",
                f"{pdscan_run.cores:.2f}",
                f"{pandas_run.cores:.2f} pandas loop",
                "",
                "",
                "",
            ),
        ]
    )


if __name__ == "__main__":
    main()
