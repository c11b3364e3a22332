"""Databases through SQLAlchemy: any URL whose driver is installed (SQLite is built in).

Tables and views of every schema are listed by reflection; each is read with a SQLAlchemy ``select`` of its
columns (identifiers quoted by SQLAlchemy, never formatted into SQL), streamed in chunks and limited to the
sample size. Passwords never leave this module: the source is always named by the URL with the password masked.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyarrow as pa
import sqlalchemy as sa
from sqlalchemy.engine import URL, Engine, make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError, SQLAlchemyError

from pdscan.errors import SourceError
from pdscan.model import Batch, Column, Location, ScanErrorEntry
from pdscan.sources.base import ReadOptions, Source, Table

# The optional extra that brings each dialect's default driver.
_EXTRAS = {"postgresql": "postgres", "mysql": "mysql", "mariadb": "mysql"}


def mask_url(url: URL | str) -> str:
    """The URL as text with its password replaced by ``***``; unparsable text is reduced to its scheme."""
    try:
        parsed = make_url(url) if isinstance(url, str) else url
    except ArgumentError:
        scheme = str(url).split("://", 1)[0]
        return f"{scheme}://***"
    return parsed.render_as_string(hide_password=True)


def _read_only_sqlite(url: URL, name: str) -> URL:
    """SQLite files open read-only, and a missing file is an error: SQLite would silently create an empty one."""
    if url.get_backend_name() != "sqlite" or url.database in (None, "", ":memory:") or "mode=" in str(url):
        return url
    path = Path(url.database or "")
    if not path.is_file():
        raise SourceError(name, "no such file or directory")
    return url.set(database=f"file:{path.resolve()}?mode=ro", query={**url.query, "uri": "true"})


def _kind(column_type: Any) -> str:
    if isinstance(column_type, (sa.LargeBinary, sa.types._Binary)):
        return "binary"
    if isinstance(column_type, sa.Boolean):
        return "boolean"
    if isinstance(column_type, sa.Integer):
        return "integer"
    if isinstance(column_type, (sa.Float, sa.Numeric)):
        return "float"
    if isinstance(column_type, (sa.Date, sa.DateTime, sa.Time)):
        return "datetime"
    if isinstance(column_type, sa.JSON):
        return "json"
    if isinstance(column_type, (sa.String, sa.Text, sa.Enum)):
        return "string"
    return "other"


class DatabaseSource(Source):
    kind = "database"

    def __init__(self, url: str) -> None:
        super().__init__(mask_url(url))
        try:
            parsed = make_url(url)
        except ArgumentError as exc:
            raise SourceError(mask_url(url), "not a valid database URL") from exc
        parsed = _read_only_sqlite(parsed, self.name)
        try:
            self.engine: Engine = sa.create_engine(parsed)
        except (NoSuchModuleError, ModuleNotFoundError) as exc:
            extra = _EXTRAS.get(parsed.get_backend_name())
            hint = f": pip install 'pdscan[{extra}]'" if extra else ""
            raise SourceError(self.name, f"database driver not installed for '{parsed.drivername}'{hint}") from exc

    def tables(self) -> Iterator[Table | ScanErrorEntry]:
        try:
            inspector = sa.inspect(self.engine)
            schemas = [s for s in inspector.get_schema_names() if s not in ("information_schema", "pg_catalog")]
            default: str | None = inspector.default_schema_name
            listed: list[tuple[str | None, str]] = []
            for schema in schemas:
                name_schema = None if schema == default else schema
                for table in inspector.get_table_names(schema=schema) + inspector.get_view_names(schema=schema):
                    listed.append((name_schema, table))
        except SQLAlchemyError as exc:
            raise SourceError(self.name, _one_line(exc)) from exc
        for table_schema, table_name in listed:
            yield DatabaseTable(self, table_schema, table_name)

    def close(self) -> None:
        self.engine.dispose()


class DatabaseTable(Table):
    def __init__(self, source: DatabaseSource, schema: str | None, table: str) -> None:
        super().__init__(source.name, Location(schema=schema, table=table))
        self._db = source

    def read(self, options: ReadOptions) -> Iterator[Batch]:
        try:
            table = sa.Table(
                self.location.table or "",
                sa.MetaData(),
                schema=self.location.schema,
                autoload_with=self._db.engine,
            )
        except SQLAlchemyError as exc:
            raise SourceError(self.source, _one_line(exc), self.location.display()) from exc
        columns = [c for c in table.columns if _kind(c.type) != "binary"]
        skipped = [c.name for c in table.columns if _kind(c.type) == "binary"]
        if skipped:
            self.info.notes.append("skipped binary columns: " + ", ".join(skipped))
        self.info.columns = len(columns)
        if not columns:
            return
        query = sa.select(*columns)
        if options.limit is not None:
            query = query.limit(options.limit + 1)  # one more row tells whether the table was truncated
        self.info.sampling = "all rows" if options.limit is None else f"first {options.limit} rows"
        kinds = [_kind(c.type) for c in columns]
        try:
            with self._db.engine.connect() as conn:
                result = conn.execution_options(stream_results=True).execute(query)
                while True:
                    rows = result.fetchmany(options.chunk_rows)
                    if not rows:
                        break
                    if options.limit is not None and self.info.rows_scanned + len(rows) > options.limit:
                        rows = rows[: options.limit - self.info.rows_scanned]
                        self.info.truncated = True
                    self.info.rows_scanned += len(rows)
                    yield Batch(
                        [
                            Column(col.name, pa.array([_text(r[i]) for r in rows], pa.string()), kinds[i])
                            for i, col in enumerate(columns)
                        ],
                        len(rows),
                    )
                    if self.info.truncated:
                        break
        except SQLAlchemyError as exc:
            raise SourceError(self.source, _one_line(exc), self.location.display()) from exc


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bytes):
        return None
    if hasattr(value, "isoformat"):
        return str(value.isoformat())
    return str(value)


def _one_line(exc: SQLAlchemyError) -> str:
    # The driver's own message, first line only: SQLAlchemy appends the SQL and a link on later lines.
    text = str(getattr(exc, "orig", None) or exc).strip().splitlines()
    return (text[0] if text else type(exc).__name__)[:300]
