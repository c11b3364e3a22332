"""Databases through SQLAlchemy. A new database = one :class:`~pdscan.sources.sql.dialects.Dialect` subclass and
one line in :data:`~pdscan.sources.sql.dialects.DIALECTS`."""

from __future__ import annotations

from pdscan.sources.sql.dialects import SYSTEM_SCHEMAS, db_error
from pdscan.sources.sql.source import DatabaseSource, DatabaseTable, column_kind, integer_key_bounds
from pdscan.sources.sql.urls import mask_url, parse_url

__all__ = [
    "SYSTEM_SCHEMAS",
    "DatabaseSource",
    "DatabaseTable",
    "column_kind",
    "db_error",
    "integer_key_bounds",
    "mask_url",
    "parse_url",
]
