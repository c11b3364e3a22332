"""What differs between databases, one :class:`Dialect` subclass each: the extra that brings its driver, its
system schemas, read-only sessions, statement timeouts, catalog row estimates, cheap random sampling, and how
tables are listed and reflected (:meth:`Dialect.list_tables`, :meth:`Dialect.reflect`: the scan and ``pdscan find``
share them) and which indexes can serve a lookup by a normalised value (:meth:`Dialect.lookup_indexes`).

A new database = one subclass here and one line in :data:`DIALECTS` (SQLAlchemy backend name -> dialect). Any
other SQLAlchemy URL whose driver is installed works with the generic :class:`Dialect` (reflection, best effort).
"""

from __future__ import annotations

import fnmatch
import re
import time
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

import sqlalchemy as sa
from sqlalchemy.engine import URL, Connection
from sqlalchemy.exc import SQLAlchemyError

from pdscan.errors import SourceError, one_line

CONNECT_TIMEOUT = 10  # seconds to wait for a database server to answer
_SKIPPED_INDEX = "Skipped unsupported reflection of expression-based index"


@dataclass(frozen=True)
class Plan:
    """How a table is read: the query, and how the report describes it (random sample, all rows...)."""

    query: sa.Select[Any]
    method: str
    ordered_by_key: bool = False


class Dialect:
    """What differs between databases: read-only sessions, timeouts, statistics and cheap sampling."""

    extra: ClassVar[str | None] = None  # the pdscan extra that installs the default driver
    system_schemas: ClassVar[frozenset[str]] = frozenset()  # catalog schemas never scanned
    system_prefixes: ClassVar[tuple[str, ...]] = ()
    pooled: ClassVar[bool] = True  # a connection pool sized by --workers (SQLite files: SQLAlchemy's default)
    timeout_markers: ClassVar[tuple[str, ...]] = ()  # words of the driver's message when a statement timed out
    implicit_key: ClassVar[str | None] = None  # a row key every table has without declaring one (SQLite's rowid)

    def prepare_url(self, url: URL, name: str) -> URL:
        """The URL to connect with (SQLite: the file, read-only). Raises SourceError for a URL that cannot work."""
        return url

    def connect_args(self) -> dict[str, Any]:
        """Driver arguments: a connect timeout where the driver takes one."""
        return {}

    def prepare(self, dbapi_connection: Any, timeout: float) -> None:
        """Make a fresh DBAPI connection read-only, with a statement timeout."""

    def before_execute(self, dbapi_connection: Any, timeout: float) -> None:
        """Called before every statement (SQLite starts its timeout clock here)."""

    def capabilities(self, conn: Connection) -> dict[str, Any]:
        return {}

    # -- catalog: written once for the scan and for `pdscan find` ------------------------------------------

    def list_tables(self, conn: Connection, schemas: Sequence[str] = ()) -> list[tuple[str | None, str, bool]]:
        """Every table and view outside the system schemas: (schema, name, is_view), the connection's default
        schema as None, tables before views and each sorted by name per schema. ``schemas``: globs to keep."""
        inspector = sa.inspect(conn)
        default: str | None = inspector.default_schema_name
        listed: list[tuple[str | None, str, bool]] = []
        for schema in inspector.get_schema_names():
            if is_system_schema(schema):
                continue
            if schemas and not any(fnmatch.fnmatchcase(schema, g) for g in schemas):
                continue
            name_schema = None if schema == default else schema
            listed += [(name_schema, table, False) for table in sorted(inspector.get_table_names(schema=schema))]
            listed += [(name_schema, view, True) for view in sorted(inspector.get_view_names(schema=schema))]
        return listed

    def reflect(self, conn: Connection, schema: str | None, table: str) -> sa.Table:
        """One table's columns and primary key from the catalog. Tables its foreign keys point at are not
        reflected with it (``resolve_fks=False``): a search of one table must not read the whole schema."""
        # Columns and primary key only (two catalog queries): full reflection also reads foreign keys, indexes,
        # constraints, comments and options, which neither the scan nor a search uses (indexes: lookup_indexes).
        inspector = sa.inspect(conn)
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", _SKIPPED_INDEX)  # SQLite's lower(email) indexes: read below
            columns = inspector.get_columns(table, schema=schema)
            key = inspector.get_pk_constraint(table, schema=schema)
        keys = key.get("constrained_columns") or []
        return sa.Table(
            table,
            sa.MetaData(),
            *(
                sa.Column(c["name"], c["type"], nullable=c.get("nullable", True), primary_key=c["name"] in keys)
                for c in columns
            ),
            schema=schema,
        )

    def lookup_indexes(self, conn: Connection, table: sa.Table) -> dict[str, dict[str, str]]:
        """Which indexes can find a column's value by equality: column -> {form: index name}, form ``plain``
        (an index whose first key is the column), ``lower`` or ``upper`` (an expression index on lower(col) or
        upper(col)). Only an index's first key serves an equality lookup."""
        out: dict[str, dict[str, str]] = {}
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", _SKIPPED_INDEX)
            found = sa.inspect(conn).get_indexes(table.name, schema=table.schema)
        for index in found:
            names = index.get("column_names") or []
            expressions = index.get("expressions") or []
            first = names[0] if names else None
            name = index.get("name") or "unnamed"
            if first is not None:
                out.setdefault(first, {}).setdefault("plain", name)
            elif expressions:
                folded = _expression_form(str(expressions[0]))
                if folded is not None:
                    out.setdefault(folded[1], {}).setdefault(folded[0], name)
        keys = list(table.primary_key.columns)
        if keys:
            out.setdefault(keys[0].name, {}).setdefault("plain", str(table.primary_key.name or "primary key"))
        return out

    def folds_case(self, conn: Connection, table: sa.Table) -> set[str]:
        """Columns whose ``=`` already ignores case (MySQL/MariaDB ``_ci`` collations, SQLite ``NOCASE``): there
        a plain index serves a case-insensitive lookup."""
        return {c.name for c in table.columns if str(getattr(c.type, "collation", "") or "").lower().endswith("nocase")}

    def estimate_rows(self, conn: Connection, table: sa.Table) -> int | None:
        return None

    def sample(
        self,
        conn: Connection,
        table: sa.Table,
        columns: list[sa.Column[Any]],
        limit: int,
        estimate: int | None,
        capabilities: dict[str, Any],
    ) -> Plan | None:
        return None


_EXPRESSION = re.compile(r"(lower|upper)\((\w+)\)")


def _expression_form(expression: str) -> tuple[str, str] | None:
    """("lower", "email") for an index key such as ``lower((email)::text)``, ``lower("Email")`` or ``upper(hetu)``:
    the function, and the column as the catalog spells it."""
    text = re.sub(r"::[a-z ]+", "", expression.replace('"', "").replace("`", ""), flags=re.IGNORECASE)
    text = re.sub(r"\s+", "", text)
    while "((" in text or "))" in text:
        text = text.replace("((", "(").replace("))", ")")
    match = _EXPRESSION.fullmatch(text.lower())
    if match is None:
        return None
    start = match.start(2)
    return match.group(1), text[start : start + len(match.group(2))]


def execute_raw(dbapi_connection: Any, *statements: str) -> None:
    # Session settings on a raw DBAPI connection, fixed text without any identifier or value from outside.
    cursor = dbapi_connection.cursor()
    try:
        for statement in statements:
            cursor.execute(statement)
    finally:
        cursor.close()


class Postgres(Dialect):
    extra = "postgres"
    system_schemas = frozenset({"information_schema", "pg_catalog", "pg_toast"})
    system_prefixes = ("pg_temp", "pg_toast")
    timeout_markers = ("statement timeout",)

    def connect_args(self) -> dict[str, Any]:
        return {"connect_timeout": CONNECT_TIMEOUT}

    def prepare(self, dbapi_connection: Any, timeout: float) -> None:
        milliseconds = max(1, int(timeout * 1000))
        execute_raw(
            dbapi_connection,
            "SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY",
            f"SET statement_timeout = {milliseconds}",
        )
        dbapi_connection.commit()

    def capabilities(self, conn: Connection) -> dict[str, Any]:
        query = sa.text("SELECT 1 FROM pg_extension WHERE extname = 'tsm_system_rows'")
        return {"system_rows": conn.execute(query).first() is not None}

    def estimate_rows(self, conn: Connection, table: sa.Table) -> int | None:
        query = sa.text(
            "SELECT c.reltuples::bigint FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE c.relname = :table AND n.nspname = COALESCE(:schema, current_schema())"
        )
        value = conn.execute(query, {"table": table.name, "schema": table.schema}).scalar()
        return int(value) if value is not None and value >= 0 else None

    def sample(
        self,
        conn: Connection,
        table: sa.Table,
        columns: list[sa.Column[Any]],
        limit: int,
        estimate: int | None,
        capabilities: dict[str, Any],
    ) -> Plan | None:
        if capabilities.get("system_rows"):
            sampled = sa.tablesample(table, sa.func.system_rows(limit))
            return Plan(
                sa.select(*[sampled.c[c.name] for c in columns]), f"random sample: TABLESAMPLE SYSTEM_ROWS({limit})"
            )
        if estimate:
            percent = min(100.0, round(100.0 * limit * 1.2 / estimate, 4))
            sampled = sa.tablesample(table, sa.func.bernoulli(percent))
            query = sa.select(*[sampled.c[c.name] for c in columns]).limit(limit)
            return Plan(query, f"random sample: TABLESAMPLE BERNOULLI({percent}%) of about {estimate} rows")
        return None


class MySQL(Dialect):
    """MySQL and MariaDB (the server tells which when a connection opens)."""

    extra = "mysql"
    system_schemas = frozenset({"information_schema", "mysql", "performance_schema", "sys"})
    timeout_markers = ("max_statement_time", "maximum statement execution time", "interrupted")

    def connect_args(self) -> dict[str, Any]:
        return {"connect_timeout": CONNECT_TIMEOUT}

    def prepare(self, dbapi_connection: Any, timeout: float) -> None:
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute("SELECT VERSION()")
            version = str(cursor.fetchone()[0]).lower()
        finally:
            cursor.close()
        statements = ["SET SESSION TRANSACTION READ ONLY"]
        if "mariadb" in version:
            statements.append(f"SET SESSION max_statement_time = {max(0.001, timeout):.3f}")
        else:
            statements.append(f"SET SESSION max_execution_time = {max(1, int(timeout * 1000))}")
        execute_raw(dbapi_connection, *statements)

    def folds_case(self, conn: Connection, table: sa.Table) -> set[str]:
        # A column without its own collation takes the table's: the catalog names the one in effect.
        query = sa.text(
            "SELECT COLUMN_NAME, COLLATION_NAME FROM information_schema.COLUMNS "
            "WHERE TABLE_NAME = :table AND TABLE_SCHEMA = COALESCE(:schema, DATABASE())"
        )
        rows = conn.execute(query, {"table": table.name, "schema": table.schema}).all()
        return {str(name) for name, collation in rows if collation and "_ci" in str(collation).lower()}

    def estimate_rows(self, conn: Connection, table: sa.Table) -> int | None:
        query = sa.text(
            "SELECT TABLE_ROWS FROM information_schema.TABLES "
            "WHERE TABLE_NAME = :table AND TABLE_SCHEMA = COALESCE(:schema, DATABASE())"
        )
        value = conn.execute(query, {"table": table.name, "schema": table.schema}).scalar()
        return int(value) if value is not None else None


class SQLite(Dialect):
    pooled = False
    timeout_markers = ("interrupted",)  # the progress handler below
    implicit_key = "rowid"

    def prepare_url(self, url: URL, name: str) -> URL:
        """SQLite files open read-only, and a missing file is an error: SQLite would silently create an empty one."""
        if url.database in (None, "", ":memory:") or "mode=" in str(url):
            return url
        path = Path(url.database or "")
        if not path.is_file():
            raise SourceError(name, "no such file or directory")
        return url.set(database=f"file:{path.resolve()}?mode=ro", query={**url.query, "uri": "true"})

    def __init__(self) -> None:
        self._deadlines: dict[int, float] = {}

    def prepare(self, dbapi_connection: Any, timeout: float) -> None:
        execute_raw(dbapi_connection, "PRAGMA query_only = ON")
        key = id(dbapi_connection)

        def over_time() -> int:
            deadline = self._deadlines.get(key, 0.0)
            return 1 if deadline and time.monotonic() > deadline else 0

        # SQLite has no statement timeout: a progress handler interrupts a statement that runs past the deadline.
        dbapi_connection.set_progress_handler(over_time, 10_000)

    def before_execute(self, dbapi_connection: Any, timeout: float) -> None:
        self._deadlines[id(dbapi_connection)] = time.monotonic() + timeout

    def lookup_indexes(self, conn: Connection, table: sa.Table) -> dict[str, dict[str, str]]:
        # SQLAlchemy skips SQLite's expression indexes (lower(email)): their first key is read from their SQL.
        out = super().lookup_indexes(conn, table)
        rows = conn.execute(
            sa.text(
                "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = :table AND sql IS NOT NULL"
            ),
            {"table": table.name},
        ).all()
        for name, sql in rows:
            keys = str(sql).split("(", 1)[1] if "(" in str(sql) else ""
            first = _first_key(keys)
            folded = _expression_form(first)
            if folded is not None:
                out.setdefault(folded[1], {}).setdefault(folded[0], str(name))
        return out

    def estimate_rows(self, conn: Connection, table: sa.Table) -> int | None:
        try:
            stat = conn.execute(
                sa.text("SELECT stat FROM sqlite_stat1 WHERE tbl = :table AND idx IS NULL"), {"table": table.name}
            ).scalar()
            if stat:
                return int(str(stat).split()[0])
        except SQLAlchemyError:
            pass  # no ANALYZE statistics: fall back to the rowid span
        rowid: sa.ColumnClause[Any] = sa.literal_column("rowid")
        try:
            low, high = conn.execute(sa.select(sa.func.min(rowid), sa.func.max(rowid)).select_from(table)).one()
        except SQLAlchemyError:
            return None  # a WITHOUT ROWID table
        return 0 if low is None else int(high) - int(low) + 1


def _first_key(keys: str) -> str:
    """The first key of an index's key list (``lower(email), id)`` -> ``lower(email)``)."""
    depth = 0
    for i, ch in enumerate(keys):
        if ch == "(":
            depth += 1
        elif ch == ")":
            if depth == 0:
                return keys[:i].strip()
            depth -= 1
        elif ch == "," and depth == 0:
            return keys[:i].strip()
    return keys.strip()


DIALECTS: dict[str, type[Dialect]] = {
    "postgresql": Postgres,
    "mysql": MySQL,
    "mariadb": MySQL,
    "sqlite": SQLite,
}
# Schemas no dialect scans, whichever database a schema name comes from (DSAR search lists them too).
SYSTEM_SCHEMAS: frozenset[str] = frozenset().union(*(d.system_schemas for d in DIALECTS.values()))
_PREFIXES: tuple[str, ...] = tuple(p for d in DIALECTS.values() for p in d.system_prefixes)
_TIMEOUT_MARKERS: tuple[str, ...] = tuple(dict.fromkeys(m for d in DIALECTS.values() for m in d.timeout_markers))


def dialect_for(backend: str) -> Dialect:
    return DIALECTS.get(backend, Dialect)()


def is_system_schema(schema: str) -> bool:
    return schema in SYSTEM_SCHEMAS or schema.startswith(_PREFIXES)


def db_error(exc: BaseException, timeout: float | None = None) -> str:
    """The driver's own message, first line only, saying so when it is the statement timeout (--table-timeout)."""
    line = one_line(exc)
    if timeout is not None and any(marker in line.lower() for marker in _TIMEOUT_MARKERS):
        return f"timed out after {timeout:g} s (--table-timeout): {line}"
    return line
