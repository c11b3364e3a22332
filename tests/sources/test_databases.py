"""Database connectors against the machine's real PostgreSQL and MariaDB (own database per test), and SQLite."""

from __future__ import annotations

import hashlib
import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from click.testing import CliRunner
from databases import BIG_ROWS, SCHEMA_NOTES, mariadb, postgres

from pdscan.cli.main import main
from pdscan.errors import SourceError
from pdscan.model import ScanResult
from pdscan.scan import ScanOptions, scan
from pdscan.sources import open_source
from pdscan.sources.base import SourceOptions

pytestmark = pytest.mark.slow


def _by_column(result: ScanResult) -> dict[tuple[str, str], set[str]]:
    out: dict[tuple[str, str], set[str]] = {}
    for finding in result.findings:
        out.setdefault((finding.location.table or "", finding.location.column or ""), set()).add(finding.entity)
    return out


def _assert_expected(result: ScanResult, tables: set[str]) -> None:
    found = _by_column(result)
    for table in tables:
        for column, entities in SCHEMA_NOTES[table].items():
            assert found.get((table, column)) == entities, f"{table}.{column}: {found.get((table, column))}"
    expected = {(t, c) for t in tables for c in SCHEMA_NOTES[t]}
    extra = {k: v for k, v in found.items() if k not in expected}
    assert not extra, f"unexpected findings {extra}"


def _table(result: ScanResult, name: str) -> Any:
    return next(t for t in result.tables if t.location.table == name)


# --- PostgreSQL --------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def pg_big() -> Any:
    with postgres(with_system_rows=True, big=True) as db:
        yield db


def test_postgres_finds_every_personal_column(pg_big: Any) -> None:
    result = scan([pg_big.url], ScanOptions())
    _assert_expected(result, set(SCHEMA_NOTES))
    assert [(e.location.table, e.reason) for e in result.errors if e.location] == [
        ("salaiset", "permission denied for table salaiset")
    ]
    assert "skipped columns: kuva (binary)" in _table(result, "asiakkaat").notes
    big = _table(result, "tapahtumat")
    assert big.rows_scanned == 10_000 and big.truncated
    assert big.sampling == "random sample: TABLESAMPLE SYSTEM_ROWS(10000)"
    assert abs(big.estimated_rows - BIG_ROWS) < BIG_ROWS * 0.05  # from pg_class, not COUNT(*)
    # A view has no statistics: its rows are counted (at most the sample size + 1), and 300 rows are read whole.
    assert _table(result, "v_asiakkaat").sampling == "all rows (300, counted)"
    email = next(f for f in result.findings if f.location.column == "sahkoposti" and f.location.table == "asiakkaat")
    assert email.primary_key == ["id"]
    assert email.estimated_rows == 300
    assert email.source.startswith("postgresql+psycopg://pdscan_reader_") and ":***@" in email.source
    assert "lukija" not in json.dumps(result.to_dict())


def test_postgres_leaves_the_database_untouched(pg_big: Any) -> None:
    engine = sa.create_engine(pg_big.admin_url)
    query = sa.text(
        "SELECT md5(string_agg(t::text, ',' ORDER BY id)) FROM asiakkaat t UNION ALL "
        "SELECT sum(n_tup_ins + n_tup_upd + n_tup_del)::text FROM pg_stat_user_tables"
    )
    with engine.connect() as conn:
        before = conn.execute(query).scalars().all()
    scan([pg_big.url], ScanOptions(workers=2))
    with engine.connect() as conn:
        after = conn.execute(query).scalars().all()
    engine.dispose()
    assert before == after
    # And the sessions pdscan opens refuse to write, whatever happens.
    source = open_source(pg_big.admin_url)  # a superuser: only the read-only session stops it
    with source.engine.connect() as conn, pytest.raises(sa.exc.DBAPIError, match="read-only transaction"):  # type: ignore[attr-defined]
        conn.execute(sa.text("CREATE TABLE pdscan_should_not_exist (id int)"))
    source.close()


def test_postgres_bernoulli_without_the_extension_and_full_streaming() -> None:
    with postgres(with_system_rows=False, big=False) as db:
        sampled = scan([db.url], ScanOptions(sample_size=1_000, include_tables=("tapahtumat",)))
        table = _table(sampled, "tapahtumat")
        assert table.sampling.startswith("random sample: TABLESAMPLE BERNOULLI(")
        assert 0 < table.rows_scanned <= 1_000
        full = scan([db.url], ScanOptions(full=True, chunk_rows=3_000, include_tables=("tapahtumat",)))
        table = _table(full, "tapahtumat")
        assert table.rows_scanned == 20_000 and not table.truncated
        assert table.sampling == "all rows (--full, streamed)"


def test_postgres_statement_timeout_skips_the_table() -> None:
    with postgres(big=False) as db:
        admin = sa.create_engine(db.admin_url)
        with admin.begin() as conn:
            conn.execute(sa.text("CREATE VIEW hidas AS SELECT pg_sleep(3)::text AS t, 'x@example.fi'::text AS email"))
            reader = db.url.split("://")[1].split(":")[0]
            conn.execute(sa.text(f"GRANT SELECT ON hidas TO {reader}"))
        admin.dispose()
        result = scan([db.url], ScanOptions(table_timeout=0.5))
        errors = {e.location.table: e.reason for e in result.errors if e.location}
        assert errors["hidas"].startswith("timed out after 0.5 s (--table-timeout)")
        assert ("asiakkaat", "sahkoposti") in _by_column(result)  # the rest of the scan went on


def test_postgres_schema_and_table_filters_and_workers() -> None:
    with postgres(big=False) as db:
        admin = sa.create_engine(db.admin_url)
        reader = db.url.split("://")[1].split(":")[0]
        with admin.begin() as conn:
            conn.execute(sa.text("CREATE SCHEMA crm"))
            conn.execute(sa.text("CREATE TABLE crm.yhteyshenkilot (id int PRIMARY KEY, email text)"))
            conn.execute(sa.text("INSERT INTO crm.yhteyshenkilot VALUES (1, 'aino@example.fi')"))
            conn.execute(sa.text(f"GRANT USAGE ON SCHEMA crm TO {reader}"))
            conn.execute(sa.text(f"GRANT SELECT ON crm.yhteyshenkilot TO {reader}"))
        admin.dispose()
        only_crm = scan([db.url], ScanOptions(schemas=("crm",)))
        assert [(t.location.schema, t.location.table) for t in only_crm.tables] == [("crm", "yhteyshenkilot")]
        some = scan([db.url], ScanOptions(include_tables=("asiakk*", "crm.*"), exclude_tables=("crm.*",)))
        assert [t.location.table for t in some.tables] == ["asiakkaat"]
        one = scan([db.url], ScanOptions(workers=1))
        four = scan([db.url], ScanOptions(workers=4))
        assert [f.to_dict() for f in one.findings] == [f.to_dict() for f in four.findings]
        assert [t.location for t in one.tables] == [t.location for t in four.tables]


def test_connection_errors_are_one_line_without_password() -> None:
    result = scan(["postgresql+psycopg://scanner:Salasana123@127.0.0.1:1/none"], ScanOptions())
    assert len(result.errors) == 1
    line = result.errors[0].one_line()
    assert "Salasana123" not in line and "scanner:***@" in line and "\n" not in line
    with pytest.raises(SourceError, match=r"driver not installed for 'mssql\+pyodbc'"):
        open_source("mssql+pyodbc://u:p@host/db")
    missing = CliRunner().invoke(main, ["scan", "postgresql+nosuchdriver://u:pw@h/db"])
    assert missing.exit_code == 2
    assert "pw" not in missing.stderr.replace("pdscan", "")


# --- MariaDB ----------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def maria() -> Any:
    with mariadb(big=False) as db:
        yield db


def test_mariadb_finds_every_personal_column(maria: Any) -> None:
    result = scan([maria.url], ScanOptions())
    _assert_expected(result, set(SCHEMA_NOTES))
    # MariaDB does not even list a table the user has no privilege on.
    assert "salaiset" not in {t.location.table for t in result.tables}
    assert not result.errors
    big = _table(result, "tapahtumat")
    # Ten runs of at most 1000 keys, each stopping where the next starts (no row read twice).
    assert 9_000 <= big.rows_scanned <= 10_000 and big.truncated
    assert big.sampling == "random primary-key ranges (10 × 1000 rows by id)"
    assert "skipped columns: kuva (binary)" in _table(result, "asiakkaat").notes


def test_mariadb_is_read_only_and_times_out(maria: Any) -> None:
    source = open_source(maria.admin_url)  # root may write: only the read-only session stops it
    with source.engine.connect() as conn, pytest.raises(sa.exc.DBAPIError, match="READ ONLY"):  # type: ignore[attr-defined]
        conn.execute(sa.text("INSERT INTO tilaukset VALUES (1, 1, 'x', 1)"))
    source.close()
    admin = sa.create_engine(maria.admin_url)
    user = maria.url.split("://")[1].split(":")[0]
    with admin.begin() as conn:
        conn.execute(sa.text("CREATE VIEW hidas AS SELECT SLEEP(3) AS t, 'x@example.fi' AS email"))
        conn.execute(sa.text(f"GRANT SELECT, SHOW VIEW ON hidas TO '{user}'@'%'"))
        conn.execute(sa.text(f"GRANT SELECT, SHOW VIEW ON hidas TO '{user}'@'localhost'"))
    admin.dispose()
    result = scan([maria.url], ScanOptions(table_timeout=0.5, include_tables=("hidas", "henkilosto")))
    errors = {e.location.table: e.reason for e in result.errors if e.location}
    assert errors["hidas"].startswith("timed out after 0.5 s (--table-timeout)")
    assert ("henkilosto", "hetu") in _by_column(result)


# --- SQLite -----------------------------------------------------------------------------------------------


@pytest.fixture()
def sqlite_db(tmp_path: Path) -> Path:
    path = tmp_path / "crm.sqlite"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE asiakkaat (id INTEGER PRIMARY KEY, nimi TEXT, sahkoposti TEXT, kuva BLOB)")
        conn.executemany(
            "INSERT INTO asiakkaat (nimi, sahkoposti, kuva) VALUES (?, ?, x'00')",
            [(f"Matti Virtanen {i}", f"asiakas{i}@example.fi") for i in range(50_000)],
        )
        conn.execute("CREATE TABLE avaimet (koodi TEXT PRIMARY KEY, hetu TEXT) WITHOUT ROWID")
        conn.execute("INSERT INTO avaimet VALUES ('a', '131052-308T')")
        conn.execute("CREATE VIEW v AS SELECT sahkoposti FROM asiakkaat")
        conn.execute(
            "CREATE VIEW hidas AS WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 500000000)"
            " SELECT count(*) AS n, 'x@example.fi' AS email FROM c"
        )
    conn.close()
    return path


def test_sqlite_random_ranges_read_only_and_timeout(sqlite_db: Path) -> None:
    before = hashlib.sha256(sqlite_db.read_bytes()).hexdigest()
    result = scan([f"sqlite:///{sqlite_db}"], ScanOptions(sample_size=1_000, table_timeout=0.5))
    table = _table(result, "asiakkaat")
    assert 900 <= table.rows_scanned <= 1_000 and table.truncated
    assert table.sampling == "random primary-key ranges (10 × 100 rows by id)"
    assert table.estimated_rows == 50_000
    assert _table(result, "avaimet").sampling == "all rows (1, counted)"  # no statistics in SQLite: counted
    errors = {e.location.table: e.reason for e in result.errors if e.location}
    assert errors["hidas"].startswith("timed out after 0.5 s")
    found = _by_column(result)
    assert found[("asiakkaat", "sahkoposti")] == {"EMAIL_ADDRESS"}
    assert found[("avaimet", "hetu")] == {"FI_PERSONAL_IDENTITY_CODE"}
    assert found[("v", "sahkoposti")] == {"EMAIL_ADDRESS"}
    assert hashlib.sha256(sqlite_db.read_bytes()).hexdigest() == before
    # The same sample every run: diffs between scheduled scans compare like with like.
    again = scan([f"sqlite:///{sqlite_db}"], ScanOptions(sample_size=1_000, include_tables=("asiakkaat",)))
    assert [f.to_dict() for f in again.findings] == [
        f.to_dict() for f in result.findings if f.location.table == "asiakkaat"
    ]


def test_sqlite_numbers_only_where_a_name_speaks_for_them(tmp_path: Path) -> None:
    path = tmp_path / "luvut.sqlite"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, asiakasnumero INTEGER, summa INTEGER, nimi TEXT)")
        conn.executemany(
            "INSERT INTO t (asiakasnumero, summa, nimi) VALUES (?, ?, ?)", [(1000 + i, i, "x") for i in range(20)]
        )
    conn.close()
    source = open_source(f"sqlite:///{path}", SourceOptions())
    table = next(iter(source.tables()))
    from pdscan.detect.rules import load_rules

    read = ScanOptions().read_options(load_rules())
    columns = {c.name for batch in table.batches(read) for c in batch.columns}  # type: ignore[union-attr]
    assert columns == {"asiakasnumero", "nimi"}  # summa and id are numbers no rule's column name speaks for
    source.close()


def test_key_ranges_never_read_a_row_twice(tmp_path: Path) -> None:
    """A table smaller than its statistics say (or than ten runs of keys) must not be over-counted."""
    path = tmp_path / "pieni.sqlite"
    with sqlite3.connect(path) as con:
        con.execute("create table asiakkaat (id integer primary key, sahkoposti text)")
        con.executemany(
            "insert into asiakkaat (id, sahkoposti) values (?, ?)", [(i * 7, f"a{i}@example.fi") for i in range(400)]
        )
    result = scan([f"sqlite:///{path}"], ScanOptions(sample_size=300))
    table = _table(result, "asiakkaat")
    assert table.sampling.startswith("random primary-key ranges")
    (finding,) = result.findings
    assert finding.match_count == finding.values_scanned == table.rows_scanned <= 300
    assert table.truncated


def test_a_sqlite_file_is_scanned_as_a_database_and_query_passwords_are_masked(sqlite_db: Path) -> None:
    from pdscan.sources.sql import mask_url

    result = scan([str(sqlite_db)], ScanOptions(sample_size=1_000, include_tables=("asiakkaat",)))
    assert result.sources[0].kind == "database" and result.sources[0].source == f"sqlite:///{sqlite_db}"
    assert _by_column(result)[("asiakkaat", "sahkoposti")] == {"EMAIL_ADDRESS"}
    masked = mask_url("postgresql://u@db.example/crm?sslmode=require&password=hunter2")
    assert "hunter2" not in masked and "password=***" in masked and "sslmode=require" in masked
