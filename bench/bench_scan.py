"""Full-scan throughput of pdscan against peers measured in the same run.

Generates a synthetic 200k-row, 17-column Finnish CRM export (no real data), then measures whole processes, as a user
runs them, alternating, medians of 3 (wall time, cores busy = CPU time / wall time, peak memory):
  * pandas.read_csv of the file with every column as text (the floor: reading alone);
  * a plain Python ``re`` loop over every cell with the same email/phone/HETU shapes (what a naive scanner does);
  * presidio-analyzer's BatchAnalyzerEngine with its predefined pattern recognizers (a blank spaCy pipeline, so
    no NER cost), on the first rows only (it is slow), as cells/s;
  * ``pdscan scan FILE --full`` with all built-in rules, validators included (and once on a file twice as long,
    for its peak memory).
Prints cells/s, cores busy, peak memory and the ratios.
Run: ``python bench/bench_scan.py [--rows 200000] [--repeats 3]``.
Timings are printed, never asserted: they depend on the machine.
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import re
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

_CHECK = "0123456789ABCDEFHJKLMNPRSTUVWXY"
FIRST = ["Matti", "Liisa", "Juha", "Anna", "Mikko", "Maria", "Jari", "Aino", "Timo", "Helena"]
LAST = ["Korhonen", "Virtanen", "Mäkinen", "Nieminen", "Hämäläinen", "Laine", "Heikkinen", "Koskinen"]
CITIES = ["Helsinki", "Espoo", "Tampere", "Vantaa", "Oulu", "Turku", "Jyväskylä", "Lahti"]


def _hetu(rng: random.Random) -> str:
    day, month, year = rng.randint(1, 28), rng.randint(1, 12), rng.randint(40, 99)
    number = rng.randint(2, 899)
    digits = f"{day:02d}{month:02d}{year:02d}"
    return f"{digits}-{number:03d}{_CHECK[int(digits + f'{number:03d}') % 31]}"


STREETS = ["Mannerheimintie", "Hämeenkatu", "Koivukuja", "Rantatie", "Kirkkokatu", "Puistotie", "Aleksanterinkatu"]
COMPANIES = ["Esimerkki Oy", "Testi Ab", "Malli Ky", "Demo Oyj", "Kokeilu Tmi"]
COMMENTS = [
    "Toimitus ok",
    "Soita 050 123 4567 iltapäivällä",
    "Ei kommenttia",
    "",
    "Asiakas Matti Virtanen pyysi tarjousta",
    "Laskutus sähköpostilla, viite 12345",
    "Tapasin Korhosen messuilla, kiinnostunut",
]
HEADER = [
    "asiakasnumero", "etunimi", "sukunimi", "sahkoposti", "puhelin", "henkilotunnus", "katuosoite", "postinumero",
    "postitoimipaikka", "yritys", "y_tunnus", "tilinumero", "luotu", "tila", "summa", "tilausnumero", "kommentti",
]  # fmt: skip


def _ytunnus(rng: random.Random) -> str:
    digits = [rng.randint(0, 9) for _ in range(7)]
    remainder = sum(d * w for d, w in zip(digits, (7, 9, 10, 5, 8, 4, 2), strict=True)) % 11
    if remainder == 1:
        return _ytunnus(rng)
    return "".join(map(str, digits)) + f"-{0 if remainder == 0 else 11 - remainder}"


def _iban(rng: random.Random) -> str:
    bban = f"{rng.randint(100000, 999999)}{rng.randint(10000000, 99999999)}"
    check = 98 - int(bban + "151800") % 97  # F=15, I=18, then 00
    return f"FI{check:02d}{bban}"


def generate(path: Path, rows: int, seed: int = 42) -> int:
    """A Finnish CRM export: 17 columns, ';'-separated, UTF-8 (about 310 bytes a row)."""
    rng = random.Random(seed)
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, delimiter=";")
        writer.writerow(HEADER)
        for i in range(rows):
            first, last = rng.choice(FIRST), rng.choice(LAST)
            local = f"{first.lower()}.{last.lower()}{i}".replace("ä", "a").replace("ö", "o")
            writer.writerow(
                [
                    100000 + i,
                    first,
                    last,
                    f"{local}@example.fi",
                    f"040 {rng.randint(100, 999)} {rng.randint(1000, 9999)}",
                    _hetu(rng),
                    f"{rng.choice(STREETS)} {rng.randint(1, 120)}",
                    f"{rng.randint(0, 99):02d}{rng.randint(0, 9)}{rng.randint(0, 9)}0",
                    rng.choice(CITIES),
                    rng.choice(COMPANIES),
                    _ytunnus(rng),
                    _iban(rng),
                    f"2024-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
                    rng.choice(["aktiivinen", "passiivinen", "uusi"]),
                    f"{rng.randint(1, 99999) / 100:.2f}",
                    f"2024{i:06d}",
                    rng.choice(COMMENTS),
                ]
            )
    return rows * len(HEADER)


NAIVE = [
    re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[A-Za-z]{2,}"),
    re.compile(r"(?:\+358|0)[ -]?\d{1,3}[ -]?\d{3,4}[ -]?\d{3,4}"),
    re.compile(r"\b\d{6}[-+A-FU-Y]\d{3}[0-9A-Y]\b"),
]


def naive_loop(path: Path) -> int:
    hits = 0
    with path.open(encoding="utf-8", newline="") as fh:
        for row in csv.reader(fh, delimiter=";"):
            for cell in row:
                for pattern in NAIVE:
                    if pattern.search(cell):
                        hits += 1
    return hits


def presidio_cells_per_second(path: Path, rows: int) -> float | None:
    """presidio-analyzer's batch engine with its pattern recognizers over the first ``rows`` rows, cell by cell."""
    try:
        import spacy
        from presidio_analyzer import AnalyzerEngine, BatchAnalyzerEngine
        from presidio_analyzer.nlp_engine import SpacyNlpEngine
    except ImportError:
        print("  presidio-analyzer not installed (pip install 'pdscan[presidio]'): no presidio ratio")
        return None
    with tempfile.TemporaryDirectory() as model:
        spacy.blank("en").to_disk(model)
        engine = SpacyNlpEngine(models=[{"lang_code": "en", "model_name": model}])
        batch = BatchAnalyzerEngine(AnalyzerEngine(nlp_engine=engine, supported_languages=["en"]))
        frame = pd.read_csv(path, sep=";", dtype=str, nrows=rows).fillna("")
        cells = [v for column in frame.columns for v in frame[column].tolist()]
        batch.analyzer_engine.analyze("warm up matti@example.fi", language="en")
        start = time.perf_counter()
        for _ in batch.analyze_iterator(cells, language="en"):
            pass
        elapsed = time.perf_counter() - start
    print(f"  {'presidio BatchAnalyzerEngine (patterns)':<38} {elapsed:7.2f} s for {len(cells):,} cells")
    return len(cells) / elapsed


def timed(label: str, func: object) -> float:
    start = time.perf_counter()
    func()  # type: ignore[operator]
    elapsed = time.perf_counter() - start
    print(f"  {label:<38} {elapsed:7.2f} s")
    return elapsed


@dataclass
class Run:
    wall: float
    cpu: float  # user + system seconds of the process
    peak_mb: float

    @property
    def cores(self) -> float:
        return self.cpu / self.wall if self.wall else 0.0


def run_process(command: list[str]) -> Run:
    """A whole process (imports included, as a user runs it), its wall time, CPU time and peak memory."""
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode not in (0, 1):  # 1: findings over the threshold is a successful scan
        raise RuntimeError(f"{command[:4]} failed: {process.stderr.read().decode()[-500:] if process.stderr else ''}")
    return Run(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024)


def median_runs(commands: dict[str, list[str]], repeats: int) -> dict[str, Run]:
    """Each command ``repeats`` times, alternating (so a busy moment hits both alike); the median of each."""
    runs: dict[str, list[Run]] = {name: [] for name in commands}
    for _ in range(repeats):
        for name, command in commands.items():
            runs[name].append(run_process(command))
    out = {}
    for name, results in runs.items():
        out[name] = Run(
            statistics.median(r.wall for r in results),
            statistics.median(r.cpu for r in results),
            max(r.peak_mb for r in results),
        )
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--repeats", type=int, default=3, help="runs of each process, alternating; medians")
    parser.add_argument("--presidio-rows", type=int, default=300, help="rows given to presidio (it is slow)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"contacts_{args.rows}.csv"
        cells = generate(path, args.rows)
        size = path.stat().st_size / 1e6
        shape = f"{args.rows:,} rows x {len(HEADER)} columns = {cells:,} cells ({size:.1f} MB)"
        print(f"bench: {shape}, {os.cpu_count()} cores")
        read = f"import pandas as pd; pd.read_csv({str(path)!r}, sep=';', dtype=str)"
        commands = {
            "pandas.read_csv(sep=';', dtype=str)": [sys.executable, "-c", read],
            "pdscan scan --full": [sys.executable, "-m", "pdscan.cli.main", "scan", str(path), "--full", "-q",
                                   "-f", "json", "-o", os.devnull],
        }  # fmt: skip
        results = median_runs(commands, args.repeats)
        print(f"  {'whole process, median of ' + str(args.repeats):<38} {'wall':>7} {'cores':>6} {'peak':>8}")
        for name, run in results.items():
            print(f"  {name:<38} {run.wall:6.2f}s {run.cores:6.2f} {run.peak_mb:6.0f}MB")
        # Memory is bounded by the chunk, not the file: the same scan of a file twice as long, once.
        double = Path(tmp) / f"contacts_{2 * args.rows}.csv"
        generate(double, 2 * args.rows, seed=7)
        twice = run_process([sys.executable, "-m", "pdscan.cli.main", "scan", str(double), "--full", "-q",
                             "-f", "json", "-o", os.devnull])  # fmt: skip
        print(f"  {'pdscan scan --full, twice the rows':<38} {twice.wall:6.2f}s {twice.cores:6.2f} "
              f"{twice.peak_mb:6.0f}MB")  # fmt: skip
        t_naive = timed("plain re loop, 3 patterns per cell", lambda: naive_loop(path))
        presidio = presidio_cells_per_second(path, args.presidio_rows)
        pandas_run, pdscan_run = results["pandas.read_csv(sep=';', dtype=str)"], results["pdscan scan --full"]
        print(f"pdscan --full: {cells / pdscan_run.wall:,.0f} cells/s, {pdscan_run.cores:.2f} cores busy, "
              f"peak {pdscan_run.peak_mb:.0f} MB")  # fmt: skip
        print(f"ratio pdscan / pandas read (whole processes): {pdscan_run.wall / pandas_run.wall:5.2f}x (goal <= 2)")
        print(f"cores busy: {pdscan_run.cores:.2f} of {os.cpu_count()} (goal >= 1.7 on 2)")
        print(f"peak memory: {pdscan_run.peak_mb:.0f} MB for {args.rows:,} rows, {twice.peak_mb:.0f} MB for "
              f"{2 * args.rows:,} (bounded by --chunk-rows, not by the file)")  # fmt: skip
        print(f"ratio plain re loop / pdscan time:            {t_naive / pdscan_run.wall:5.2f}x (higher is better)")
        if presidio:
            ratio = cells / pdscan_run.wall / presidio
            print(f"presidio: {presidio:,.0f} cells/s; pdscan throughput / presidio: {ratio:,.0f}x (goal >= 200)")


if __name__ == "__main__":
    main()
