"""Database scanning load and speed against PostgreSQL, with peers measured in the same run.

Creates its own database on the local PostgreSQL (127.0.0.1:5432) with a 1,000,000-row table of synthetic
customers (name, email, phone, HETU-shaped id, free text), then measures:
  * a default scan (``pdscan scan URL``): wall time and rows fetched (goal: under 2 s, at most the sample size);
  * a ``--full`` scan: rows/s, against ``psql \\copy (SELECT ...) TO file`` of the same table, the floor for
    reading every row out of the server;
and drops the database. Run: ``python bench/bench_db.py [--rows 1000000]``. Needs the postgres extra and psql.
"""

from __future__ import annotations

import argparse
import subprocess
import tempfile
import time
import uuid
from pathlib import Path

import psycopg

from pdscan.scan import ScanOptions, scan

ADMIN = {"host": "127.0.0.1", "port": 5432, "user": "postgres", "dbname": "postgres"}


def fill(name: str, rows: int) -> None:
    with psycopg.connect(**{**ADMIN, "dbname": name}, autocommit=True) as conn:  # type: ignore[arg-type]
        conn.execute("CREATE EXTENSION IF NOT EXISTS tsm_system_rows")
        conn.execute(
            f"""CREATE TABLE asiakkaat AS SELECT g AS id,
                (ARRAY['Matti','Liisa','Juha','Anna','Mikko','Aino'])[1 + g % 6] || ' ' ||
                (ARRAY['Virtanen','Korhonen','Mäkinen','Nieminen','Laine'])[1 + g % 5] AS nimi,
                'asiakas' || g || '@example.fi' AS sahkoposti,
                '040 ' || (100 + g % 900) || ' ' || (1000 + g % 9000) AS puhelin,
                'Tilaus ' || g || ' toimitettu' AS kommentti,
                now() - (g || ' minutes')::interval AS luotu
            FROM generate_series(1, {rows}) g"""
        )
        conn.execute("ALTER TABLE asiakkaat ADD PRIMARY KEY (id)")
        conn.execute("ANALYZE asiakkaat")


def timed(label: str, func: object) -> float:
    start = time.perf_counter()
    func()  # type: ignore[operator]
    elapsed = time.perf_counter() - start
    print(f"  {label:<44} {elapsed:7.2f} s")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=1_000_000)
    args = parser.parse_args()
    name = f"pdscan_bench_{uuid.uuid4().hex[:8]}"
    admin = psycopg.connect(**ADMIN, autocommit=True)  # type: ignore[arg-type]
    admin.execute(f'CREATE DATABASE "{name}"')
    try:
        fill(name, args.rows)
        url = f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"
        print(f"bench: PostgreSQL table of {args.rows:,} rows x 6 columns")
        results = {}
        t_default = timed(
            "pdscan scan URL (default sample)", lambda: results.update(default=scan([url], ScanOptions()))
        )
        fetched = results["default"].tables[0]
        print(f"    rows fetched: {fetched.rows_scanned:,} ({fetched.sampling})")
        t_full = timed("pdscan scan URL --full", lambda: results.update(full=scan([url], ScanOptions(full=True))))
        with tempfile.TemporaryDirectory() as tmp:
            out = Path(tmp) / "copy.csv"
            command = [
                "psql",
                "-h",
                "127.0.0.1",
                "-U",
                "postgres",
                "-d",
                name,
                "-q",
                "-c",
                f"\\copy (SELECT * FROM asiakkaat) TO '{out}' CSV",
            ]
            t_copy = timed("psql \\copy of the same table to a file", lambda: subprocess.run(command, check=True))
        print(f"default scan: {t_default:.2f} s, {fetched.rows_scanned:,} rows fetched of {args.rows:,}")
        print(
            f"--full: {args.rows / t_full:,.0f} rows/s; psql \\copy: {args.rows / t_copy:,.0f} rows/s; "
            f"ratio {t_full / t_copy:.1f}x the time of the copy"
        )
    finally:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


if __name__ == "__main__":
    main()
