"""File formats: one reader module each, and the one registry of them.

A new format = a module here with a ``tables(ref, source)`` reader and a ``FORMAT = Format(...)`` line (its
extensions, and optionally how a distributed ``--full`` scan splits a big file), plus one entry in :data:`FORMATS`.
"""

from __future__ import annotations

from pdscan.sources.base import Format
from pdscan.sources.formats import csv, documents, excel, json, parquet

FORMATS: tuple[Format, ...] = (csv.FORMAT, excel.FORMAT, json.FORMAT, parquet.FORMAT, documents.FORMAT)
BY_EXTENSION: dict[str, Format] = {ext: f for f in FORMATS for ext in f.extensions}
BY_NAME: dict[str, Format] = {f.name: f for f in FORMATS}
