"""What differs between databases, one :class:`Dialect` subclass each: the extra that brings its driver, its
system schemas, read-only sessions, statement timeouts, catalog row estimates and cheap random sampling.

A new database = one subclass here and one line in :data:`DIALECTS` (SQLAlchemy backend name -> dialect). Any
other SQLAlchemy URL whose driver is installed works with the generic :class:`Dialect` (reflection, best effort).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

import sqlalchemy as sa
from sqlalchemy.engine import URL, Connection
from sqlalchemy.exc import SQLAlchemyError

from pdscan.errors import SourceError, one_line

CONNECT_TIMEOUT = 10  # seconds to wait for a database server to answer


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
