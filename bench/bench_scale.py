"""Scale-out throughput: a generated data lake of Parquet files scanned with --engine local and --engine dask.

Generates (once, cached under --dir) a lake of at least --gigabytes of Parquet in --files files: customer rows with
names, emails, phone numbers, HETUs, IBANs, free text and numbers. Then scans it with ``--full``:
  * ``--engine local``: one process, columns on threads;
  * ``--engine dask`` on a LocalCluster of one worker process, then of one per core (``--workers`` to change);
and prints wall time, throughput (MB/s of Parquet, rows/s), peak memory of the process / of each worker, the scaling
ratio (N workers against one), and whether every run found the same (source, location, entity, counts).
Run: ``python bench/bench_scale.py [--gigabytes 2] [--files 40] [--dir /tmp/pdscan-lake]``. Needs the dask extra.
"""

from __future__ import annotations

import argparse
import os
import random
import threading
import time
from pathlib import Path
from typing import Any

import numpy as np
import psutil
import pyarrow as pa
import pyarrow.parquet as pq

from pdscan.scan import ScanOptions, scan

FIRST = ["Matti", "Liisa", "Juha", "Anna", "Mikko", "Aino", "Timo", "Sanna", "Jari", "Helena", "Pekka", "Tuula"]
LAST = ["Virtanen", "Korhonen", "Mäkinen", "Nieminen", "Laine", "Heikkinen", "Koskinen", "Järvinen", "Lehtonen"]
CHECK = "0123456789ABCDEFHJKLMNPRSTUVWXY"


def _hetus(rng: np.random.Generator, n: int) -> list[str]:
    day, month, year = rng.integers(1, 29, n), rng.integers(1, 13, n), rng.integers(40, 100, n)
    number = rng.integers(2, 900, n)
    out = []
    for d, m, y, k in zip(day.tolist(), month.tolist(), year.tolist(), number.tolist(), strict=True):
        digits = f"{d:02d}{m:02d}{y:02d}"
        out.append(f"{digits}-{k:03d}{CHECK[int(digits + f'{k:03d}') % 31]}")
    return out


def make_file(path: Path, rows: int, seed: int) -> None:
    rng = np.random.default_rng(seed)
    r = random.Random(seed)
    first = np.array(FIRST)[rng.integers(0, len(FIRST), rows)]
    last = np.array(LAST)[rng.integers(0, len(LAST), rows)]
    ids = np.arange(rows) + seed * rows
    table = pa.table(
        {
            "asiakasnumero": ids,
            "nimi": pa.array([f"{a} {b}" for a, b in zip(first.tolist(), last.tolist(), strict=True)]),
            "sahkoposti": pa.array([f"asiakas{i}@example.fi" for i in ids.tolist()]),
            "puhelin": pa.array(
                [
                    f"040 {x:03d} {y:04d}"
                    for x, y in zip(
                        rng.integers(100, 999, rows).tolist(), rng.integers(1000, 9999, rows).tolist(), strict=True
                    )
                ]
            ),
            "hetu": pa.array(_hetus(rng, rows)),
            "summa": rng.random(rows) * 1000,
            "kommentti": pa.array(
                [
                    f"Tilaus {i} toimitettu, asiakas {r.choice(FIRST)} tyytyväinen. Viite {r.randint(10**9, 10**10)}"
                    for i in range(rows)
                ]
            ),
        }
    )
    pq.write_table(table, path, row_group_size=100_000, compression="snappy")


def make_lake(directory: Path, gigabytes: float, files: int) -> int:
    directory.mkdir(parents=True, exist_ok=True)
    existing = sorted(directory.glob("*.parquet"))
    size = sum(p.stat().st_size for p in existing)
    if len(existing) >= files and size >= gigabytes * 1e9:
        return size
    for p in existing:
        p.unlink()
    probe = directory / "probe.parquet"
    make_file(probe, 100_000, 0)
    per_row = probe.stat().st_size / 100_000
    probe.unlink()
    rows = int(gigabytes * 1e9 / files / per_row) + 1
    for i in range(files):
        make_file(directory / f"part-{i:04d}.parquet", rows, i + 1)
        print(f"\r  generating {i + 1}/{files} files", end="", flush=True)
    print()
    return sum(p.stat().st_size for p in directory.glob("*.parquet"))


class Peak:
    """Peak resident memory of this process (local engine) or of every Dask worker, polled."""

    def __init__(self, client: Any = None) -> None:
        self.client = client
        self.peaks: dict[str, int] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._poll, daemon=True)

    def __enter__(self) -> Peak:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _poll(self) -> None:
        me = psutil.Process()
        while not self._stop.is_set():
            if self.client is None:
                self.peaks["process"] = max(self.peaks.get("process", 0), me.memory_info().rss)
            else:
                for address, info in self.client.scheduler_info()["workers"].items():
                    memory = int(info.get("metrics", {}).get("memory", 0))
                    self.peaks[address] = max(self.peaks.get(address, 0), memory)
            time.sleep(0.2)


def key(result: Any) -> list[tuple[Any, ...]]:
    return sorted((f.source, f.location.display(), f.entity, f.match_count, f.values_scanned) for f in result.findings)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--gigabytes", type=float, default=2.0)
    parser.add_argument("--files", type=int, default=40)
    parser.add_argument("--dir", type=Path, default=Path("/tmp/pdscan-lake"))
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args()
    size = make_lake(args.dir, args.gigabytes, args.files)
    rows = sum(pq.ParquetFile(p).metadata.num_rows for p in args.dir.glob("*.parquet"))
    print(
        f"lake: {size / 1e9:.2f} GB of Parquet, {args.files} files, {rows:,} rows x 7 columns; {os.cpu_count()} cores"
    )

    with Peak() as peak:
        start = time.perf_counter()
        local = scan([str(args.dir)], ScanOptions(full=True))
        local_s = time.perf_counter() - start
    print(
        f"  --engine local: {local_s:7.1f} s  {size / 1e6 / local_s:7.1f} MB/s  {rows / local_s:,.0f} rows/s  "
        f"peak {peak.peaks['process'] / 1e6:,.0f} MB"
    )

    runs = {n: _dask_run(args.dir, n, size, rows) for n in sorted({1, args.workers})}
    one, many = runs[1], runs[args.workers]
    print(f"  scaling: dask {args.workers} workers / 1 worker = {one[0] / many[0]:.2f}x (goal >= 1.7 on 2 cores)")
    print(f"  dask {args.workers} workers / local engine = {local_s / many[0]:.2f}x")
    same = all(key(local) == key(result) for _, result in runs.values())
    print(f"  same findings (source, location, entity, counts) on every run: {same}")


def _dask_run(directory: Path, workers: int, size: int, rows: int) -> tuple[float, Any]:
    from dask.distributed import Client, LocalCluster

    with (
        LocalCluster(n_workers=workers, threads_per_worker=1, dashboard_address=":0") as cluster,
        Client(cluster) as client,
        Peak(client) as peaks,
    ):
        start = time.perf_counter()
        result = scan([str(directory)], ScanOptions(full=True, engine="dask", scheduler=cluster.scheduler_address))
        elapsed = time.perf_counter() - start
    per_worker = ", ".join(f"{v / 1e6:,.0f}" for v in peaks.peaks.values())
    label = f"--engine dask ({workers} worker{'s' if workers > 1 else ''})"
    print(
        f"  {label}: {elapsed:7.1f} s  {size / 1e6 / elapsed:7.1f} MB/s  {rows / elapsed:,.0f} rows/s  "
        f"peak per worker {per_worker} MB"
    )
    return elapsed, result


if __name__ == "__main__":
    main()
