"""Rows of a table by age, for a declared retention period: one aggregate query per table, every row counted.

The counting date of a row is the latest of its date columns (or of the columns the declaration names). Each column
becomes an ISO day (``YYYY-MM-DD`` text) in the database: a DATE or TIMESTAMP through the dialect's own formatting
function, a text column where it starts with an ISO date; anything else (a Finnish ``31.1.2024`` in a text column,
a day outside 1900-2199) counts as no date. The latest of several columns is ``GREATEST`` (SQLite: the multi-argument
``max``) over ``COALESCE``d arguments, so that one NULL column does not hide the others on any database. The query
runs on the source's read-only connections, under its statement timeout (``--table-timeout``); identifiers are
quoted by SQLAlchemy, the cutoff day is a bound parameter.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import SQLAlchemyError

from pdscan.errors import SourceError
from pdscan.model import Location
from pdscan.sources.sql.dialects import db_error
from pdscan.sources.sql.source import DatabaseSource, column_kind

_ISO_PREFIX = "____-__-__%"  # LIKE: four characters, a dash, two, a dash, two (portable, no regular expressions)
_YEARS = ("1900-01-01", "2200-01-01")


@dataclass(frozen=True)
class DateCounts:
    """A table's rows against a cutoff day: all of them, those dated before it, the oldest day, those undated."""

    rows: int
    over: int
    oldest_over: str | None
    without_date: int
    columns: list[str] = field(default_factory=list)


def _day(column: sa.Column[Any], kind: str, backend: str) -> sa.ColumnElement[Any] | None:
    """The column as an ISO day (text), or None for a column that cannot hold a date."""
    if kind == "datetime" and not isinstance(column.type, sa.Date | sa.DateTime):
        return None  # a TIME or an INTERVAL is no day
    if kind not in ("datetime", "string"):
        return None
    if backend == "sqlite":
        day: sa.ColumnElement[Any] = sa.func.date(column, type_=sa.String())  # NULL for what is not an ISO date
    elif kind == "datetime" and backend == "postgresql":
        day = sa.func.to_char(column, "YYYY-MM-DD", type_=sa.String())
    elif kind == "datetime" and backend in ("mysql", "mariadb"):
        day = sa.func.date_format(column, "%Y-%m-%d", type_=sa.String())
    else:
        text = sa.cast(column, sa.String())
        day = sa.case((text.like(_ISO_PREFIX), sa.func.substr(text, 1, 10)), else_=sa.null()).cast(sa.String())
    return sa.case((sa.and_(day >= _YEARS[0], day < _YEARS[1]), day), else_=sa.null())


def _latest(days: list[sa.ColumnElement[Any]], backend: str) -> sa.ColumnElement[Any]:
    if len(days) == 1:
        return days[0]
    # GREATEST is NULL as soon as one argument is (MariaDB, SQLite's max): each argument falls back on the others.
    args = [sa.func.coalesce(day, *(d for d in days if d is not day), type_=sa.String()) for day in days]
    if backend == "sqlite":
        return sa.func.max(*args, type_=sa.String())
    return sa.func.greatest(*args, type_=sa.String())


def count_by_age(
    source: DatabaseSource, location: Location, choose: Callable[[str, str], bool], cutoff: str
) -> DateCounts:
    """Count the rows of the table at ``location`` whose counting date is before ``cutoff`` (ISO day).

    ``choose(name, kind)`` says which columns the counting date is taken from. Raises SourceError with a one-line
    reason when the query fails or times out."""
    where = location.display()
    try:
        with source.engine.connect() as conn:
            table = source.dialect.reflect(conn, location.schema, location.table or "")
            days: list[sa.ColumnElement[Any]] = []
            names: list[str] = []
            for column in table.columns:
                kind = column_kind(column.type)
                day = _day(column, kind, source.backend) if choose(column.name, kind) else None
                if day is not None:
                    days.append(day)
                    names.append(column.name)
            if not days:
                rows = conn.execute(sa.select(sa.func.count()).select_from(table)).scalar_one()
                return DateCounts(int(rows), 0, None, int(rows), [])
            dated = sa.select(_latest(days, source.backend).label("d")).select_from(table).subquery()
            d = dated.c.d
            before = sa.literal(cutoff, sa.String())
            query = sa.select(
                sa.func.count(),
                sa.func.count(sa.case((d < before, 1), else_=sa.null())),
                sa.func.min(d),
                sa.func.count(sa.case((d.is_(None), 1), else_=sa.null())),
            ).select_from(dated)
            rows, over, oldest, undated = conn.execute(query).one()
    except SQLAlchemyError as exc:
        raise SourceError(source.name, db_error(exc, source.options.table_timeout), where) from exc
    oldest_over = str(oldest)[:10] if over and oldest is not None else None
    return DateCounts(int(rows), int(over), oldest_over, int(undated), names)
