"""Databases through SQLAlchemy: SQLite (built in), PostgreSQL, MySQL/MariaDB, and any URL whose driver is
installed (MSSQL, Oracle...: reflection-based, best-effort).

Safety, the way a DBA would allow on production:
- read-only sessions (PostgreSQL and MySQL/MariaDB ``SET SESSION ... READ ONLY``, SQLite ``mode=ro`` and
  ``PRAGMA query_only``); pdscan issues SELECTs on the tables and catalog queries, never DDL or DML;
- a per-statement timeout (``--table-timeout``): a table that takes longer is skipped with that reason;
- identifiers quoted by SQLAlchemy constructs, never formatted into SQL;
- the source is always named by its URL with the password masked, in every message.

Minimal load: row counts come from catalog statistics, not ``COUNT(*)``; a sample is random where the database
can do it cheaply (PostgreSQL ``TABLESAMPLE SYSTEM_ROWS`` or ``BERNOULLI``; elsewhere random ranges of an
integer primary key, read through its index); ``--full`` streams every row with a server-side cursor in chunks.
"""

from __future__ import annotations

import fnmatch
import json
import random
import zlib
from collections.abc import Iterator, Sequence
from typing import Any

import pyarrow as pa
import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import ArgumentError, CompileError, NoSuchModuleError, SQLAlchemyError

from pdscan.errors import SourceError
from pdscan.model import Batch, Column, Location, ScanErrorEntry
from pdscan.sources.base import ReadOptions, Source, SourceOptions, Table
from pdscan.sources.formats.json import flatten
from pdscan.sources.sql.dialects import Dialect, Plan, db_error, dialect_for
from pdscan.sources.sql.urls import mask_url, parse_url

# Random primary-key ranges: the sample is read as this many runs of consecutive keys, each through the index.
_RANGES = 10


def column_kind(column_type: Any) -> str:
    """The pdscan column kind of a SQLAlchemy type. Geometry types count as binary: not scanned."""
    name = type(column_type).__name__.lower()
    if isinstance(column_type, sa.LargeBinary | sa.types._Binary) or any(
        word in name for word in ("geometry", "geography", "raster", "bytea", "blob", "binary")
    ):
        return "binary"
    if isinstance(column_type, sa.Boolean):
        return "boolean"
    if isinstance(column_type, sa.Integer):
        return "integer"
    if isinstance(column_type, sa.Float | sa.Numeric):
        return "float"
    if isinstance(column_type, sa.Date | sa.DateTime | sa.Time | sa.Interval):
        return "datetime"
    if isinstance(column_type, sa.JSON) or name in ("json", "jsonb"):
        return "json"
    if isinstance(column_type, sa.ARRAY):
        return "array"
    if isinstance(column_type, sa.String | sa.Text | sa.Enum) or "uuid" in name or "inet" in name:
        return "string"
    return "other"


class DatabaseSource(Source):
    kind = "database"

    def __init__(self, url: str, options: SourceOptions | None = None) -> None:
        parsed = parse_url(url)  # raises UrlError, naming the URL masked
        super().__init__(mask_url(parsed))
        self._password = parsed.password if isinstance(parsed.password, str) else None
        self.options = options or SourceOptions()
        self.backend = parsed.get_backend_name()
        self.dialect = dialect_for(self.backend)
        parsed = self.dialect.prepare_url(parsed, self.name)
        connect_args = self.dialect.connect_args()
        try:
            self.engine: Engine = (
                sa.create_engine(
                    parsed,
                    pool_size=max(1, self.options.workers),
                    max_overflow=0,
                    pool_pre_ping=self.options.ping_connections,
                    connect_args=connect_args,
                )
                if self.dialect.pooled
                else sa.create_engine(parsed)
            )
        except (NoSuchModuleError, ModuleNotFoundError) as exc:
            extra = self.dialect.extra
            hint = f": pip install '.[{extra}]' in the pdscan checkout" if extra else ""
            raise SourceError(self.name, f"database driver not installed for '{parsed.drivername}'{hint}") from exc
        except (TypeError, ArgumentError) as exc:
            raise SourceError(self.name, f"cannot use this URL: {db_error(exc)}") from exc
        sa.event.listen(self.engine, "connect", self._on_connect)
        sa.event.listen(self.engine, "before_cursor_execute", self._before_execute)
        self._capabilities: dict[str, Any] = {}

    def _on_connect(self, dbapi_connection: Any, _record: Any) -> None:
        """Every pooled connection is read-only and has the statement timeout, before any query runs."""
        self.dialect.prepare(dbapi_connection, self.options.table_timeout)

    def _before_execute(self, conn: Connection, *_args: Any) -> None:
        self.dialect.before_execute(conn.connection.dbapi_connection, self.options.table_timeout)

    def check(self) -> None:
        """Connect once, so that a database that cannot be reached stops the run before anything is scanned."""
        try:
            with self.engine.connect():
                pass
        except (SQLAlchemyError, OSError, ValueError, TypeError) as exc:
            # `from None`: a driver's chained errors may quote connection parameters.
            raise SourceError(self.name, f"cannot connect: {connect_reason(exc, self._password)}") from None

    def tables(self) -> Iterator[Table | ScanErrorEntry]:
        try:
            with self.engine.connect() as conn:
                listed = self.dialect.list_tables(conn, self.options.schemas)
                self._capabilities = self.dialect.capabilities(conn)
        except SQLAlchemyError as exc:
            raise SourceError(self.name, db_error(exc, self.options.table_timeout)) from exc
        for schema_name, table_name, is_view in listed:
            full = f"{schema_name}.{table_name}" if schema_name else table_name
            if self.options.include_tables and not _glob(full, table_name, self.options.include_tables):
                continue
            if _glob(full, table_name, self.options.exclude_tables):
                continue
            yield DatabaseTable(self, schema_name, table_name, is_view)

    def close(self) -> None:
        self.engine.dispose()


def connect_reason(exc: BaseException, password: str | None = None) -> str:
    """Why a connection failed, in one line (``one_line``: the driver's message without its raw tuple), without
    the password (a driver may echo the connection string it was given)."""
    line = db_error(exc)
    if password:
        line = line.replace(password, "***")
    return line or type(getattr(exc, "orig", None) or exc).__name__


def _glob(full: str, table: str, patterns: Sequence[str]) -> bool:
    return any(fnmatch.fnmatchcase(full, p) or fnmatch.fnmatchcase(table, p) for p in patterns)


class DatabaseTable(Table):
    def __init__(self, source: DatabaseSource, schema: str | None, table: str, is_view: bool) -> None:
        super().__init__(source.name, Location(schema=schema, table=table))
        self._db = source
        self.is_view = is_view
        self.primary_key: list[str] = []
        # A partition of the table for a distributed --full scan: rows with lo <= key < hi of an integer key.
        self.key_range: tuple[str, int, int] | None = None

    def read(self, options: ReadOptions) -> Iterator[Batch]:
        db = self._db
        where = self.location.display()
        try:
            with db.engine.connect() as conn:
                table = db.dialect.reflect(conn, self.location.schema, self.location.table or "")
                self.primary_key = [c.name for c in table.primary_key.columns]
                self.info.primary_key = list(self.primary_key)
                columns, skipped = self._columns(table, options)
                chosen = {c.name for c in columns}
                self.info.schema = [
                    {"name": c.name, "type": _type_name(c.type, conn.dialect), "scanned": c.name in chosen}
                    for c in table.columns
                ]
                if skipped:
                    self.info.notes.append("skipped columns: " + ", ".join(skipped))
                self.info.columns = len(columns)
                if not columns:
                    self.info.sampling = "no column that can hold personal data"
                    return
                estimate = None if self.is_view else db.dialect.estimate_rows(conn, table)
                self.info.estimated_rows = estimate
                plan = self._plan(conn, table, columns, options, estimate)
                self.info.sampling = plan.method
                yield from self._fetch(conn, plan, columns, options)
        except SQLAlchemyError as exc:
            raise SourceError(self.source, db_error(exc, db.options.table_timeout), where) from exc
        except ValueError as exc:  # a driver that cannot decode a stored value (an impossible date, say)
            raise SourceError(self.source, f"a stored value cannot be decoded ({type(exc).__name__})", where) from exc

    def _columns(self, table: sa.Table, options: ReadOptions) -> tuple[list[sa.Column[Any]], list[str]]:
        """Columns worth reading: text, JSON and arrays always; numbers, dates and flags only where a column name
        says they may be personal (options.wants_column); binary and geometry never."""
        chosen: list[sa.Column[Any]] = []
        skipped: list[str] = []
        for column in table.columns:
            kind = column_kind(column.type)
            if kind == "binary":
                skipped.append(f"{column.name} (binary)")
            elif kind in ("string", "json", "array", "other") or _wanted(options, column.name):
                chosen.append(column)
        return chosen, skipped

    def _plan(
        self,
        conn: Connection,
        table: sa.Table,
        columns: list[sa.Column[Any]],
        options: ReadOptions,
        estimate: int | None,
    ) -> Plan:
        limit = options.limit
        if limit is None and self.key_range is not None:
            name, lo, hi = self.key_range
            key = table.c[name]
            return Plan(sa.select(*_raw(columns)).where(key >= lo, key < hi), f"all rows (--full, {name} range)")
        if limit is None:
            return Plan(sa.select(*_raw(columns)), "all rows (--full, streamed)")
        if estimate is not None and estimate <= limit:
            return Plan(sa.select(*_raw(columns)).limit(limit + 1), f"all rows (about {estimate} by statistics)")
        if estimate is None:
            # No statistics (a table never analysed): count, reading at most limit + 1 rows, before sampling.
            inner = sa.select(sa.literal(1)).select_from(table).limit(limit + 1).subquery()
            counted = int(conn.execute(sa.select(sa.func.count()).select_from(inner)).scalar() or 0)
            if counted <= limit:
                self.info.estimated_rows = counted
                return Plan(sa.select(*_raw(columns)).limit(limit + 1), f"all rows ({counted}, counted)")
        if not self.is_view:
            sampled = self._db.dialect.sample(conn, table, columns, limit, estimate, self._db._capabilities)
            if sampled is not None:
                return sampled
            ranged = _key_ranges(conn, table, columns, limit, self.location.display(), self._db.dialect)
            if ranged is not None:
                return ranged
        reason = "a view" if self.is_view else "no integer primary key to sample by"
        return Plan(sa.select(*_raw(columns)).limit(limit + 1), f"first {limit} rows ({reason})")

    def _fetch(
        self, conn: Connection, plan: Plan, columns: list[sa.Column[Any]], options: ReadOptions
    ) -> Iterator[Batch]:
        kinds = [column_kind(c.type) for c in columns]
        names = [c.name for c in columns]
        result = conn.execution_options(stream_results=True, max_row_buffer=options.chunk_rows).execute(plan.query)
        try:
            while True:
                rows = result.fetchmany(options.chunk_rows)
                if not rows:
                    break
                if options.limit is not None and self.info.rows_scanned + len(rows) > options.limit:
                    rows = rows[: options.limit - self.info.rows_scanned]
                    self.info.truncated = True
                self.info.rows_scanned += len(rows)
                yield _batch(names, kinds, rows)
                if self.info.truncated:
                    break
        finally:
            result.close()
        # Statistics are estimates: a table read whole ("all rows ...") is not truncated whatever they say.
        sampled = not plan.method.startswith("all rows")
        if sampled and options.limit is not None and (self.info.estimated_rows or 0) > self.info.rows_scanned:
            self.info.truncated = True


def integer_key_bounds(source: DatabaseSource, table: DatabaseTable) -> tuple[str, int, int] | None:
    """The single integer primary key of a table and its min and max, for splitting a --full scan into ranges."""
    try:
        with source.engine.connect() as conn:
            reflected = source.dialect.reflect(conn, table.location.schema, table.location.table or "")
            keys = list(reflected.primary_key.columns)
            if len(keys) != 1 or column_kind(keys[0].type) != "integer":
                return None
            lo, hi = conn.execute(sa.select(sa.func.min(keys[0]), sa.func.max(keys[0]))).one()
    except SQLAlchemyError as exc:
        raise SourceError(source.name, db_error(exc, source.options.table_timeout), table.location.display()) from exc
    if lo is None:
        return None
    return keys[0].name, int(lo), int(hi)


def _raw(columns: list[sa.Column[Any]]) -> list[Any]:
    """Dates and decimals fetched as the driver gives them, without SQLAlchemy's result processors.

    SQLite keeps any value in any column: a DATE column holding '1.1.2024' makes SQLAlchemy's date processor raise
    for the whole table. The driver's own value (a string in SQLite, a datetime in PostgreSQL) is what we scan.
    """
    return [
        sa.type_coerce(c, sa.String()).label(c.name) if column_kind(c.type) in ("datetime", "float") else c
        for c in columns
    ]


def _type_name(column_type: Any, dialect: Any) -> str:
    """The column type as the database spells it (VARCHAR(255), TIMESTAMP WITHOUT TIME ZONE), for schema diffs."""
    try:
        return str(column_type.compile(dialect=dialect))
    except (CompileError, NotImplementedError):  # a reflected type the dialect cannot render (NullType)
        return type(column_type).__name__.upper()


def _wanted(options: ReadOptions, name: str) -> bool:
    return options.wants_column is None or options.wants_column(name)


def _holds_json(rows: Sequence[Any], i: int) -> bool:
    """A text column whose values are JSON objects or arrays (MariaDB's JSON type, JSON kept in TEXT)."""
    seen = [r[i] for r in rows[:200] if isinstance(r[i], str) and r[i].strip()]
    if not seen or not all(v.lstrip()[:1] in "{[" for v in seen):
        return False
    try:
        for value in seen:
            json.loads(value)
    except ValueError:
        return False
    return True


def _batch(names: list[str], kinds: list[str], rows: Sequence[Any]) -> Batch:
    columns: list[Column] = []
    for i, (name, kind) in enumerate(zip(names, kinds, strict=True)):
        if kind in ("json", "array") or (kind == "string" and _holds_json(rows, i)):
            # Nested keys become their own columns (profile.email, tags[]), as for JSON files.
            values: dict[str, list[str | None]] = {}
            found_kinds: dict[str, set[str]] = {}
            for row in rows:
                flatten(_json_value(row[i]), name, values, found_kinds)
            for path, items in values.items():
                kinds_here = found_kinds.get(path, set())
                columns.append(
                    Column(
                        path, pa.array(items, pa.string()), next(iter(kinds_here)) if len(kinds_here) == 1 else "string"
                    )
                )
            continue
        columns.append(Column(name, pa.array([_text(r[i]) for r in rows], pa.string()), kind))
    return Batch(columns, len(rows))


def _json_value(value: Any) -> Any:
    if isinstance(value, str | bytes):
        try:
            return json.loads(value)
        except ValueError:
            return value if isinstance(value, str) else None
    return value


def _text(value: Any) -> str | None:
    if value is None or isinstance(value, bytes | bytearray | memoryview):
        return None
    if hasattr(value, "isoformat"):
        return str(value.isoformat())
    return str(value)


def _key_ranges(
    conn: Connection, table: sa.Table, columns: list[sa.Column[Any]], limit: int, name: str, dialect: Dialect
) -> Plan | None:
    """Random runs of an integer primary key (SQLite's rowid too): a random sample without sorting the table."""
    keys = list(table.primary_key.columns)
    if len(keys) == 1 and column_kind(keys[0].type) == "integer":
        key: Any = keys[0]
    elif dialect.implicit_key is not None and not keys:
        key = sa.literal_column(dialect.implicit_key)
    else:
        return None
    low, high = conn.execute(sa.select(sa.func.min(key), sa.func.max(key)).select_from(table)).one()
    if low is None or high is None:
        return None
    # A fixed seed per table: the same table gives the same sample run after run (stable diffs between scans).
    rng = random.Random(zlib.crc32(name.encode()))
    per_range = max(1, -(-limit // _RANGES))
    starts = sorted({rng.randint(int(low), int(high)) for _ in range(_RANGES)})
    # Each run stops where the next begins: runs never overlap, so no row is read twice.
    ends: list[int | None] = [*starts[1:], None]
    parts = [
        sa.select(*_raw(columns))
        .where(key >= start, *([key < end] if end is not None else []))
        .order_by(key)
        .limit(per_range)
        for start, end in zip(starts, ends, strict=True)
    ]
    if len(parts) == 1:
        query: Any = parts[0]
    else:
        query = sa.union_all(*[p.subquery().select() for p in parts])
    return Plan(
        sa.select(*query.subquery().c) if len(parts) > 1 else query,
        f"random primary-key ranges ({len(starts)} × {per_range} rows by {getattr(key, 'name', 'rowid')})",
    )
