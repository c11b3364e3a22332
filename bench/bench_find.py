"""DSAR search speed (``pdscan find``) against the same search in plain SQL and in pandas, in one run.

PostgreSQL: a database of its own on 127.0.0.1:5432 with a 1,000,000-row customer table: an indexed email column,
a phone column and a free-text column; the person is planted three times (the email in other case, the phone in
the free text, the name). Timed:
  * plain SQL ``SELECT * FROM asiakkaat WHERE lower(email) = :email`` (the peer: finds only the email rows);
  * ``pdscan find --email --phone --name`` over the database: every text column, every row, exhaustive;
  * the same with the inventory knowing the email column (equality on it, substring search elsewhere).
CSV: a 200,000-row file of the same shape, ``pdscan find`` against pandas ``read_csv`` + ``str.lower() == email``.
Run: ``python bench/bench_find.py [--rows 1000000] [--csv-rows 200000]``. Needs the postgres extra.
"""

from __future__ import annotations

import argparse
import csv
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd
import psycopg
import sqlalchemy as sa

from pdscan.dsar.identity import Person
from pdscan.dsar.search import FindOptions, find

ADMIN = {"host": "127.0.0.1", "port": 5432, "user": "postgres", "dbname": "postgres"}
EMAIL, PHONE, NAME = "matti.virtanen@example.fi", "040 123 4567", "Matti Virtanen"


def fill(name: str, rows: int) -> None:
    with psycopg.connect(**{**ADMIN, "dbname": name}, autocommit=True) as conn:  # type: ignore[arg-type]
        conn.execute(
            f"""CREATE TABLE asiakkaat AS SELECT g AS id,
                (ARRAY['Liisa','Juha','Anna','Mikko','Aino'])[1 + g % 5] || ' ' ||
                (ARRAY['Korhonen','Mäkinen','Nieminen','Laine'])[1 + g % 4] AS nimi,
                'asiakas' || g || '@example.fi' AS email,
                '050 ' || (100 + g % 900) || ' ' || (1000 + g % 9000) AS puhelin,
                'Tilaus ' || g || ' toimitettu, asiakas tyytyväinen' AS kommentti
            FROM generate_series(1, {rows}) g"""
        )
        conn.execute("ALTER TABLE asiakkaat ADD PRIMARY KEY (id)")
        conn.execute("CREATE INDEX asiakkaat_email ON asiakkaat (email)")
        conn.execute(
            "UPDATE asiakkaat SET email = 'Matti.Virtanen@Example.fi', nimi = 'Matti Virtanen' WHERE id = 1234"
        )
        conn.execute(f"UPDATE asiakkaat SET kommentti = 'Soita numeroon 0401234567' WHERE id = {rows // 2}")
        conn.execute(f"UPDATE asiakkaat SET nimi = 'Virtanen Matti' WHERE id = {rows - 7}")
        conn.execute("ANALYZE asiakkaat")


def timed(label: str, func: Callable[[], Any]) -> tuple[float, Any]:
    start = time.perf_counter()
    value = func()
    elapsed = time.perf_counter() - start
    print(f"  {label:<62} {elapsed:7.2f} s")
    return elapsed, value


def write_csv(path: Path, rows: int) -> None:
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f, delimiter=";")
        writer.writerow(["id", "nimi", "email", "puhelin", "kommentti"])
        for g in range(1, rows + 1):
            email = "MATTI.virtanen@example.fi" if g == rows // 3 else f"asiakas{g}@example.fi"
            writer.writerow(
                [
                    g,
                    "Liisa Laine",
                    email,
                    f"050 {100 + g % 900} {1000 + g % 9000}",
                    "Soita 040-123 4567" if g == rows // 2 else f"Tilaus {g} toimitettu",
                ]
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--csv-rows", type=int, default=200_000)
    args = parser.parse_args()
    person = Person.from_identifiers(emails=[EMAIL], phones=[PHONE], names=[NAME])
    name = f"pdscan_bench_{uuid.uuid4().hex[:8]}"
    admin = psycopg.connect(**ADMIN, autocommit=True)  # type: ignore[arg-type]
    admin.execute(f'CREATE DATABASE "{name}"')
    url = f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"
    try:
        print(f"PostgreSQL, {args.rows:,} rows (indexed email, phone, free text)")
        fill(name, args.rows)
        engine = sa.create_engine(url)
        table = sa.Table("asiakkaat", sa.MetaData(), autoload_with=engine)

        def plain() -> int:
            with engine.connect() as conn:
                return len(conn.execute(sa.select(table).where(sa.func.lower(table.c.email) == EMAIL)).all())

        timed("warm-up (plain SQL)", plain)
        base, hits = timed("plain SQL: WHERE lower(email) = :email", plain)
        full, result = timed("pdscan find --email --phone --name (every text column)", lambda: find(person, [url]))
        known = {(result.matches[0].source, "asiakkaat", "email"): "EMAIL_ADDRESS"} if result.matches else {}
        knew, _ = timed(
            "pdscan find, email column known from the inventory",
            lambda: find(person, [url], FindOptions(known_columns=known)),
        )
        kinds = sorted((m.key["id"], m.kind) for m in result.matches)
        print(f"    plain SQL found {hits} row; pdscan found {kinds}")
        print(f"    ratio pdscan / plain SQL: {full / base:.1f}x (exhaustive), {knew / base:.1f}x (email column known)")
        engine.dispose()

        print(f"CSV, {args.csv_rows:,} rows")
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "asiakkaat.csv"
            write_csv(path, args.csv_rows)

            def pandas_peer() -> int:
                frame = pd.read_csv(path, sep=";", dtype=str)
                return int((frame["email"].str.strip().str.lower() == EMAIL).sum())

            peer, _ = timed("pandas read_csv + email.str.lower() == email", pandas_peer)
            mine, found = timed("pdscan find --email --phone --name (every column)", lambda: find(person, [str(path)]))
            print(f"    pdscan found rows {sorted(m.key['row'] for m in found.matches)}")
            print(f"    ratio pdscan / pandas: {mine / peer:.1f}x")
    finally:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


if __name__ == "__main__":
    main()
