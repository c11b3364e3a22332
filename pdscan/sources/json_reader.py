"""JSON and JSON Lines: records flattened to dotted paths, streamed.

``{"fields": {"email": ...}, "tags": ["a", "b"], "contacts": [{"phone": ...}]}`` becomes the columns
``fields.email``, ``tags[]`` and ``contacts[].phone``; array elements are separate values, so a column can hold
more values than there are records. A top-level array is streamed record by record (ijson); a top-level object
makes one table per key that holds an array of records, plus one table of its other fields.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from decimal import Decimal
from typing import Any

import ijson
import pyarrow as pa

from pdscan.errors import SourceError
from pdscan.model import Batch, Column, Location
from pdscan.sources.base import FileRef, ReadOptions, Table

_JSON_ERRORS = (ijson.JSONError, ijson.IncompleteJSONError, ValueError, UnicodeDecodeError)


def tables(ref: FileRef, source: str) -> Iterator[Table]:
    if ref.ext in (".jsonl", ".ndjson"):
        yield JsonLinesTable(ref, source)
        return
    first = _first_char(ref)
    if first == "[":
        yield JsonArrayTable(ref, source)
    elif first == "{":
        yield from _object_tables(ref, source)
    elif first == "":
        raise SourceError(source, "empty JSON document", ref.name)
    else:
        raise SourceError(source, "invalid JSON: a document must start with '[' or '{'", ref.name)


def _first_char(ref: FileRef) -> str:
    with ref.open() as fh:
        head = fh.read(4096)
    text = head.decode("utf-8-sig", errors="replace").lstrip()
    return text[:1]


def flatten(value: Any, prefix: str, out: dict[str, list[str | None]], kinds: dict[str, set[str]]) -> None:
    """Flatten one JSON value into ``out`` (path -> values) and note the JSON type of each path."""
    if isinstance(value, dict):
        for key, item in value.items():
            flatten(item, f"{prefix}.{key}" if prefix else str(key), out, kinds)
    elif isinstance(value, list):
        for item in value:
            flatten(item, f"{prefix}[]", out, kinds)
    else:
        path = prefix or "value"
        out.setdefault(path, []).append(_scalar(value))
        if value is not None:
            kinds.setdefault(path, set()).add(_json_kind(value))


def _scalar(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _json_kind(value: Any) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, (float, Decimal)):
        return "float"
    return "string"


class _RecordTable(Table):
    """Shared chunking of a stream of records into batches."""

    def _records(self) -> Iterator[Any]:
        raise NotImplementedError

    def read(self, options: ReadOptions) -> Iterator[Batch]:
        self.info.sampling = "all rows" if options.limit is None else f"first {options.limit} records"
        order: dict[str, None] = {}
        chunk: list[Any] = []
        for record in self._records():
            if options.limit is not None and self.info.rows_scanned + len(chunk) >= options.limit:
                self.info.truncated = True
                break
            chunk.append(record)
            if len(chunk) >= options.chunk_rows:
                yield self._batch(chunk, order)
                chunk = []
        if chunk:
            yield self._batch(chunk, order)
        self.info.columns = len(order)

    def _batch(self, records: list[Any], order: dict[str, None]) -> Batch:
        values: dict[str, list[str | None]] = {}
        kinds: dict[str, set[str]] = {}
        for record in records:
            flatten(record, "", values, kinds)
        for path in values:
            order.setdefault(path, None)
        self.info.rows_scanned += len(records)
        columns = [
            Column(path, pa.array(values[path], pa.string()), _column_kind(kinds.get(path, set())))
            for path in order
            if path in values
        ]
        return Batch(columns, len(records))


def _column_kind(kinds: set[str]) -> str:
    return next(iter(kinds)) if len(kinds) == 1 else "string"


class JsonArrayTable(_RecordTable):
    def __init__(self, ref: FileRef, source: str) -> None:
        super().__init__(source, Location(file=ref.name))
        self.ref = ref

    def _records(self) -> Iterator[Any]:
        with self.ref.open() as fh:
            try:
                yield from ijson.items(fh, "item")
            except _JSON_ERRORS as exc:
                raise SourceError(self.source, f"invalid JSON: {_short(exc)}", self.ref.name) from exc


class JsonLinesTable(_RecordTable):
    def __init__(self, ref: FileRef, source: str) -> None:
        super().__init__(source, Location(file=ref.name))
        self.ref = ref

    def _records(self) -> Iterator[Any]:
        good = bad = 0
        with self.ref.open() as fh:
            for raw in fh:
                line = raw.strip()
                if not line:
                    continue
                try:
                    record = json.loads(line)
                except (ValueError, UnicodeDecodeError):
                    bad += 1  # counted, never shown: the line may hold personal data
                    continue
                good += 1
                yield record
        if bad:
            if not good:
                raise SourceError(self.source, "not valid JSON Lines", self.ref.name)
            self.info.notes.append(f"{bad} invalid lines skipped")


class _ListTable(_RecordTable):
    def __init__(self, ref: FileRef, source: str, key: str | None, records: Iterable[Any]) -> None:
        super().__init__(source, Location(file=ref.name, table=key))
        self._items = records

    def _records(self) -> Iterator[Any]:
        yield from self._items


def _object_tables(ref: FileRef, source: str) -> Iterator[Table]:
    rest: dict[str, Any] = {}
    lists: list[tuple[str, list[Any]]] = []
    with ref.open() as fh:
        try:
            for key, value in ijson.kvitems(fh, ""):
                if isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
                    lists.append((key, value))
                else:
                    rest[key] = value
        except _JSON_ERRORS as exc:
            raise SourceError(source, f"invalid JSON: {_short(exc)}", ref.name) from exc
    for key, records in lists:
        yield _ListTable(ref, source, key, records)
    if rest:
        yield _ListTable(ref, source, None, [rest])


def _short(exc: BaseException) -> str:
    # ijson's messages name the parser state and position, not the data.
    return (str(exc).splitlines() or [type(exc).__name__])[0][:120]
