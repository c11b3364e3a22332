"""The fast paths of ``pdscan find`` in databases stay correct (issue 26, item 11), on SQLite and the real PostgreSQL
and MariaDB: identifier columns the inventory knows are compared by normalised equality, through an index where one
serves and saying where none does; a table the inventory read is searched only where an identifier could be, yet a
table or column it does not know is still searched everywhere; ``Matti.Virtanen@Example.FI`` and ``+358 40 123 4567``
are found by their normalised forms. Timings are the bench's (bench/bench_find.py), never asserted here."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import dsar_data
import pytest
import sqlalchemy as sa
from click.testing import CliRunner
from databases import mariadb_empty, postgres_empty

from pdscan.cli.main import main
from pdscan.dsar.document import identifier_columns
from pdscan.dsar.identity import Person
from pdscan.dsar.search import Finder, FindOptions, FindResult, find, table_knowledge
from pdscan.inventory.store import Inventory
from pdscan.sources.sql import DatabaseSource
from pdscan.sources.sql.dialects import dialect_for

EMAIL, PHONE = "matti.virtanen@example.fi", "040 1234567"
PERSON = Person.from_identifiers(emails=[EMAIL], phones=[PHONE])
# (source, table) keys the tests' inventory knowledge uses, the source named as find names it
EMAIL_ENTITY, PHONE_ENTITY, NAME_ENTITY = "EMAIL_ADDRESS", "PHONE_NUMBER", "PERSON"


@pytest.fixture(params=["sqlite", "postgresql", "mariadb"])
def database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'crm.sqlite'}"
        _build(url)
        yield url
    elif request.param == "postgresql":
        with postgres_empty() as url:
            _build(url)
            yield url
    else:
        with mariadb_empty() as (url, _name):
            _build(url)
            yield url


def _build(url: str) -> None:
    """asiakkaat: an indexed email column (PostgreSQL and SQLite: on lower(); MariaDB: its _ci collation), a phone
    column, a free-text column and a column added after the inventory's scan. yhteystiedot: an email column without
    an index and phones kept as integers. uusi_taulu: a table the inventory never read."""
    engine = sa.create_engine(url)
    backend = engine.dialect.name
    with engine.begin() as conn:
        conn.exec_driver_sql(
            "CREATE TABLE asiakkaat (id INTEGER PRIMARY KEY, nimi VARCHAR(80), sahkoposti VARCHAR(120), "
            "puhelin VARCHAR(40), kommentti VARCHAR(200), lisatty VARCHAR(200))"
        )
        if backend == "mysql":
            conn.exec_driver_sql("CREATE INDEX asiakkaat_sahkoposti ON asiakkaat (sahkoposti)")
        else:
            conn.exec_driver_sql("CREATE INDEX asiakkaat_sahkoposti ON asiakkaat (lower(sahkoposti))")
        conn.exec_driver_sql(
            "CREATE TABLE yhteystiedot (id INTEGER PRIMARY KEY, email VARCHAR(120), phone_number BIGINT, "
            "huom VARCHAR(200))"
        )
        conn.exec_driver_sql("CREATE TABLE uusi_taulu (id INTEGER PRIMARY KEY, muistio VARCHAR(300))")
        rows = [
            (1, "Liisa Laine", "liisa.laine@example.fi", "050 111 2222", "Tilaus toimitettu", None),
            (2, "Matti Virtanen", "Matti.Virtanen@Example.FI", "050 333 4444", "Ei huomioita", None),
            (3, "Juha Korhonen", "juha.k@example.fi", "+358 40 123 4567", "Asiakas soitti", None),
            (4, "Anna Nieminen", "anna@example.fi", "050 555 6666", "Ei huomioita", "ks. MATTI.VIRTANEN@example.fi"),
            # Look-alikes: another address that contains the person's, another number ending alike.
            (5, "Aino Mäkinen", "x.matti.virtanen@example.fi.invalid", "040 1234568", "Ei huomioita", None),
        ]
        for row in rows:
            conn.execute(
                sa.text("INSERT INTO asiakkaat VALUES (:a, :b, :c, :d, :e, :f)"),
                dict(zip("abcdef", row, strict=True)),
            )
        for row in [
            (1, "MATTI.VIRTANEN@example.fi", None, "uusi osoite"),
            (2, "liisa.laine@example.fi", 358401234567, "puhelin numerona"),
            (3, "mikko@example.fi", 401234567, None),
            (4, "aino@example.fi", 358501234567, None),
        ]:
            conn.execute(
                sa.text("INSERT INTO yhteystiedot VALUES (:a, :b, :c, :d)"), dict(zip("abcd", row, strict=True))
            )
        conn.execute(
            sa.text("INSERT INTO uusi_taulu VALUES (1, :m), (2, :n)"),
            {"m": "Soita Matille: Matti.Virtanen@example.fi tai +358 40 123 4567", "n": "Ei mitään"},
        )
    engine.dispose()


def _knowledge(url: str) -> FindOptions:
    """An inventory that read asiakkaat (before lisatty was added) and yhteystiedot, never uusi_taulu: the email and
    phone columns pure identifier columns, phones as integers found nowhere (four rows: no finding)."""
    source = DatabaseSource(url).name
    known = {
        (source, "asiakkaat", "sahkoposti"): EMAIL_ENTITY,
        (source, "asiakkaat", "puhelin"): PHONE_ENTITY,
        (source, "yhteystiedot", "email"): EMAIL_ENTITY,
    }
    inventoried = {
        (source, "asiakkaat"): {
            "id": frozenset(),
            "nimi": frozenset({NAME_ENTITY}),
            "sahkoposti": frozenset({EMAIL_ENTITY}),
            "puhelin": frozenset({PHONE_ENTITY}),
            "kommentti": frozenset(),
        },
        (source, "yhteystiedot"): {"id": frozenset(), "email": frozenset({EMAIL_ENTITY}), "huom": frozenset()},
    }
    return FindOptions(hops=0, known_columns=known, inventoried=inventoried)


def _rows(result: FindResult) -> set[tuple[str, int]]:
    return {(m.location.table or "", int(m.key["id"])) for m in result.matches if m.kind == "direct"}


def _methods(result: FindResult) -> dict[str, str]:
    return {s.location.table or "": s.method for s in result.searched}


EXPECTED = {
    ("asiakkaat", 2),  # Matti.Virtanen@Example.FI, by equality on the normalised form
    ("asiakkaat", 3),  # +358 40 123 4567, by its digits
    ("asiakkaat", 4),  # in lisatty, a column the inventory never read
    ("yhteystiedot", 1),  # MATTI.VIRTANEN@example.fi in a column without an index
    ("yhteystiedot", 2),  # 358401234567 kept as an integer
    ("yhteystiedot", 3),  # 401234567: the national number as an integer
    ("uusi_taulu", 1),  # a table the inventory never read
}


def test_inventory_paths_find_what_the_exhaustive_search_finds(database: str) -> None:
    exhaustive = find(PERSON, [database], FindOptions(hops=0))
    fast = find(PERSON, [database], _knowledge(database))
    assert exhaustive.errors == [] and fast.errors == []
    assert _rows(exhaustive) == EXPECTED
    assert _rows(fast) == EXPECTED
    methods = _methods(fast)
    # The indexed email column is looked up through its index; the unindexed one says it is a full scan.
    assert "index asiakkaat_sahkoposti" in methods["asiakkaat"], methods["asiakkaat"]
    assert "no index" in methods["yhteystiedot"].split(";")[0] and "a full scan" in methods["yhteystiedot"]
    # A column the inventory read and found nothing in is not searched; one it never read is.
    searched, not_searched = methods["asiakkaat"].split("not searched in ")
    assert "kommentti" in not_searched.split(":")[0] and "lisatty" in searched
    assert "phone numbers as integers in phone_number" in methods["yhteystiedot"]
    # A table the inventory does not know: every text column, as without an inventory.
    assert methods["uusi_taulu"] == "database search: substring prefilter in SQL"
    assert _methods(exhaustive)["asiakkaat"] == "database search: substring prefilter in SQL"


def test_email_only_on_a_known_table_runs_one_indexed_statement(database: str) -> None:
    """With only identifier columns to compare, the table's one statement is an index lookup (no full scan). A
    Finder reads the catalog in its first search only: the next search of the same sources runs nothing but its
    own SELECTs, one per table, and finds the same rows."""
    person = Person.from_identifiers(emails=[" MATTI.Virtanen@EXAMPLE.fi "])
    with Finder([database], _knowledge(database)) as finder:
        first = finder.find(person)
        statements: list[str] = []
        engine = finder._catalogs[database].source.engine
        sa.event.listen(engine, "before_cursor_execute", lambda *a: statements.append(str(a[2])))
        again = finder.find(person)
    assert _rows(again) == _rows(first) and again.errors == []
    assert sorted(int(m.key["id"]) for m in again.matches if m.location.table == "asiakkaat") == [2, 4]
    flat = [" ".join(s.replace('"', "").replace("`", "").split()) for s in statements]
    selects = [s for s in flat if "FROM asiakkaat" in s and "WHERE" in s]
    assert len(selects) == 1, selects
    assert "LIKE" not in selects[0].upper().split("LISATTY")[0]  # equality on sahkoposti; lisatty is unknown
    catalog = [s for s in flat if re.search(r"pg_catalog|information_schema|sqlite_master|PRAGMA", s, re.I)]
    assert catalog == [], catalog
    assert all(s.upper().startswith("SELECT") for s in flat), flat  # a search of each table, and nothing else


def test_names_are_still_searched_in_every_text_column_of_a_known_table(database: str) -> None:
    person = Person.from_identifiers(names=["Matti Virtanen"])
    result = find(person, [database], _knowledge(database))
    assert ("asiakkaat", 2) in {(m.location.table, int(m.key["id"])) for m in result.matches}


def test_dialect_hooks_list_reflect_and_tell_indexes(database: str) -> None:
    source = DatabaseSource(database)
    try:
        with source.engine.connect() as conn:
            dialect = dialect_for(conn.dialect.name)
            listed = dialect.list_tables(conn)
            assert [(s, t) for s, t, view in listed if not view] == [
                (None, "asiakkaat"),
                (None, "uusi_taulu"),
                (None, "yhteystiedot"),
            ]
            table = dialect.reflect(conn, None, "asiakkaat")
            assert [c.name for c in table.primary_key.columns] == ["id"]
            indexes = dialect.lookup_indexes(conn, table)
            folds = dialect.folds_case(conn, table)
        if conn.dialect.name == "mysql":
            assert indexes["sahkoposti"] == {"plain": "asiakkaat_sahkoposti"} and "sahkoposti" in folds
        else:
            assert indexes["sahkoposti"] == {"lower": "asiakkaat_sahkoposti"} and not folds
        assert "plain" in indexes["id"]
        assert [t.location.table for t in source.tables() if not isinstance(t, Exception)] == [
            "asiakkaat",
            "uusi_taulu",
            "yhteystiedot",
        ]
    finally:
        source.close()


def test_knowledge_from_a_real_inventory_loses_no_planted_row(tmp_path: Path) -> None:
    """The planted estate of test_dsar scanned into an inventory, then searched with what the inventory knows:
    the same rows as the exhaustive search, and tables without an identifier column are not read at all."""
    url = f"sqlite:///{tmp_path / 'crm.sqlite'}"
    dsar_data.build_database(url)
    inventory = str(tmp_path / "inventory.sqlite")
    assert CliRunner().invoke(main, ["scan", url, "--inventory", inventory, "-q", "-f", "json"]).exit_code == 0
    with Inventory(inventory) as store:
        _targets, known, knowledge = identifier_columns(store, (url,))  # what pdscan find passes on
        assert knowledge == table_knowledge(store.load(run.id).result for run in store.runs(statuses=("complete",)))
    assert knowledge, "the scan's tables are known"
    person = Person.from_identifiers(
        emails=[dsar_data.EMAIL], phones=[dsar_data.PHONE], hetus=[dsar_data.HETU], names=[dsar_data.NAME]
    )
    for asked in (
        person,
        Person.from_identifiers(emails=[dsar_data.EMAIL]),
        Person.from_identifiers(phones=[dsar_data.PHONE]),
        Person.from_identifiers(hetus=[dsar_data.HETU]),
    ):
        exhaustive = find(asked, [url])
        fast = find(asked, [url], FindOptions(known_columns=known, inventoried=knowledge))
        assert fast.errors == []

        def keys(result: FindResult) -> list[tuple[str, str, str]]:
            return sorted((m.location.table or "", str(m.key), m.kind) for m in result.matches)

        assert keys(fast) == keys(exhaustive), asked.kinds


def test_a_finder_reconnects_when_the_server_dropped_its_connection(database: str) -> None:
    """A Finder does not test its connection before each statement: when the server dropped it since the last
    search (a restart, an idle timeout), the statement fails once, SQLAlchemy drops the pool, and the statement runs
    again on a new connection. The search finds the same rows, with no error."""
    if database.startswith("sqlite"):
        pytest.skip("a SQLite file has no server connection to drop")
    person = Person.from_identifiers(emails=["matti.virtanen@example.fi"])
    with Finder([database], _knowledge(database)) as finder:
        first = finder.find(person)
        engine = finder._catalogs[database].source.engine
        with engine.connect() as conn:  # the pooled connection the next search would take
            backend_id = conn.exec_driver_sql(
                "SELECT pg_backend_pid()" if engine.dialect.name == "postgresql" else "SELECT CONNECTION_ID()"
            ).scalar()
        admin = sa.create_engine(database)
        with admin.connect() as conn:
            if engine.dialect.name == "postgresql":
                conn.exec_driver_sql(f"SELECT pg_terminate_backend({int(backend_id)})")
            else:
                conn.exec_driver_sql(f"KILL {int(backend_id)}")
        admin.dispose()
        again = finder.find(person)
    assert again.errors == [] and _rows(again) == _rows(first) and _rows(first)
