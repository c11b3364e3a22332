"""Date profiles for retention hints: which columns, which formats, and an associative merge."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pyarrow as pa
import pytest
import yaml

from pdscan.detect.core import DetectOptions, detect_batch
from pdscan.detect.dates import DateRange, date_columns, profile_dates
from pdscan.detect.rules import load_rules
from pdscan.detect.stats import merge_stats
from pdscan.model import Batch, Column
from pdscan.resources import builtin_rules_dir
from pdscan.scan import ScanOptions, scan

VOCABULARY = yaml.safe_load((builtin_rules_dir() / "retention" / "date_columns.yaml").read_text(encoding="utf-8"))


@pytest.mark.parametrize(
    ("column", "role"),
    [(c, "created") for c in VOCABULARY["examples"]["created"]]
    + [(c, "activity") for c in VOCABULARY["examples"]["activity"]]
    + [(c, None) for c in VOCABULARY["examples"]["no_match"]],
)
def test_date_column_vocabulary_examples(column: str, role: str | None) -> None:
    assert date_columns().role(column) == role


def test_profile_reads_iso_finnish_and_timestamps_and_ignores_the_rest() -> None:
    values = pa.array(
        [
            "2019-03-01",
            "2021-12-31T23:59:59+02:00",
            "5.1.2015",
            "05.01.2016 12.00",
            "2024-13-01",
            "ei tiedossa",
            None,
            "1.1.85",
            "2020-02-02 10:00:00",
        ]
    )
    assert profile_dates(values) == DateRange(count=5, oldest="2015-01-05", newest="2021-12-31")
    assert profile_dates(pa.array(["abc", "12345"])) is None
    assert profile_dates(pa.array([], pa.string())) is None


def test_date_profile_merges_associatively() -> None:
    rules = load_rules()
    options = DetectOptions(date_columns=date_columns())
    dates = [f"20{10 + i % 14:02d}-{1 + i % 12:02d}-{1 + i % 28:02d}" for i in range(900)]
    parts = [dates[i : i + 250] for i in range(0, len(dates), 250)]
    stats = [detect_batch(Batch([Column("created_at", pa.array(p))], len(p)), rules, options) for p in parts]
    left = stats[0]
    for s in stats[1:]:
        left = merge_stats(left, s, 3)
    right = stats[-1]
    for s in reversed(stats[:-1]):
        right = merge_stats(s, right, 3)
    whole = detect_batch(Batch([Column("created_at", pa.array(dates))], len(dates)), rules, options)
    assert left["created_at"].dates == right["created_at"].dates == whole["created_at"].dates
    assert whole["created_at"].dates == DateRange(900, "2010-01-01", "2023-12-28")
    # Columns that are neither named as dates nor typed as dates are not profiled.
    other = detect_batch(Batch([Column("tilausnumero", pa.array(dates))], len(dates)), rules, options)
    assert other["tilausnumero"].dates is None


def test_sqlite_dates_in_any_format_are_read_and_profiled(tmp_path: Path) -> None:
    """SQLite keeps '1.1.2024' in a DATE column; SQLAlchemy's date processor would raise for the whole table."""
    path = tmp_path / "crm.sqlite"
    with sqlite3.connect(path) as con:
        con.execute(
            "create table asiakkaat (id integer primary key, email text, created_at timestamp, "
            "viimeksi_kirjautunut date, syntymaaika date)"
        )
        con.executemany(
            "insert into asiakkaat (email, created_at, viimeksi_kirjautunut, syntymaaika) values (?, ?, ?, ?)",
            [
                (f"a{i}@example.fi", f"201{i % 10}-03-01 10:00:00", f"{1 + i % 28}.{1 + i % 12}.2024", "1980-05-17")
                for i in range(50)
            ],
        )
    result = scan([f"sqlite:///{path}"], ScanOptions())
    assert result.errors == []
    (table,) = result.tables
    assert {d["column"]: (d["role"], d["oldest"]) for d in table.dates} == {
        "created_at": ("created", "2010-03-01"),
        "viimeksi_kirjautunut": ("activity", "2024-01-01"),
    }  # the date of birth is personal data itself, not a row age
    assert {(f.location.column, f.entity) for f in result.findings} >= {("syntymaaika", "DATE_OF_BIRTH")}
    assert {c["name"]: c["scanned"] for c in table.schema} == {
        "id": False,
        "email": True,
        "created_at": True,
        "viimeksi_kirjautunut": True,
        "syntymaaika": True,
    }


def test_impossible_days_of_the_month_are_no_dates() -> None:
    assert profile_dates(pa.array(["31.2.2020", "2021-02-29", "2024-02-29", "30.4.2019"])) == DateRange(
        2, "2019-04-30", "2024-02-29"
    )
