"""JSON and JSON Lines: records flattened to dotted paths, streamed.

``{"fields": {"email": ...}, "tags": ["a", "b"], "contacts": [{"phone": ...}]}`` becomes the columns
``fields.email``, ``tags[]`` and ``contacts[].phone``; array elements are separate values, so a column can hold
more values than there are records. A top-level array is streamed record by record (ijson); a top-level object
makes one table per key that holds an array of records, each streamed on its own pass over the file, plus one
table of its other fields.
"""

from __future__ import annotations

import codecs
import contextlib
import json
import re
import sys
from collections.abc import Generator, Iterable, Iterator
from decimal import Decimal
from typing import Any, BinaryIO

import ijson
import pyarrow as pa

from pdscan.errors import SourceError
from pdscan.model import Batch, Column, Location
from pdscan.sources.base import FileRef, Format, LimitExceeded, Limits, ReadOptions, Table

_JSON_ERRORS = (ijson.JSONError, ValueError)  # IncompleteJSONError and UnicodeDecodeError are subclasses
_STARTS = frozenset(("start_map", "start_array"))
_ENDS = frozenset(("end_map", "end_array"))
_Events = Iterator[tuple[str, str, Any]]


def tables(ref: FileRef, source: str) -> Iterator[Table]:
    if ref.ext in (".jsonl", ".ndjson"):
        yield JsonLinesTable(ref, source)
        return
    _check_numbers(ref, source)
    first = _first_char(ref)
    if first == "[":
        yield JsonArrayTable(ref, source)
    elif first == "{":
        yield from _object_tables(ref, source)
    elif first == "":
        raise SourceError(source, "empty JSON document", ref.name)
    else:
        raise SourceError(source, "invalid JSON: a document must start with '[' or '{'", ref.name)


def _check_numbers(ref: FileRef, source: str) -> None:
    """Refuse a document holding a number longer than Python converts to an int (``sys.get_int_max_str_digits``):
    ijson's C parser crashes the whole process on one (ijson 3.x), so it must never see it. One pass over the
    bytes in C (regex), before parsing."""
    digits = sys.get_int_max_str_digits() if hasattr(sys, "get_int_max_str_digits") else 0
    if not digits:
        return
    pattern = re.compile(rb"[:,\[]\s*-?[0-9]{%d}" % digits)
    tail = b""
    with ref.open() as fh:
        while chunk := fh.read(1 << 20):
            if pattern.search(tail + chunk):
                raise SourceError(source, f"a JSON number of more than {digits:,} digits: not read", ref.name)
            tail = chunk[-(digits + 64) :]


def _first_char(ref: FileRef) -> str:
    with ref.open() as fh:
        head = fh.read(4096)
    text = head.decode("utf-8-sig", errors="replace").lstrip()
    return text[:1]


@contextlib.contextmanager
def _open(ref: FileRef) -> Iterator[BinaryIO]:
    """The file as bytes, after a UTF-8 byte order mark if there is one (ijson rejects it)."""
    fh = ref.open()
    try:
        if fh.read(len(codecs.BOM_UTF8)) != codecs.BOM_UTF8:
            fh.close()
            fh = ref.open()  # no BOM: start again from the first byte (every open is a fresh stream)
        yield fh
    finally:
        fh.close()


def _events(ref: FileRef) -> Generator[tuple[str, str, Any], None, None]:
    """ijson's parse events for the file, within the file's structural limits."""
    with _open(ref) as fh:
        yield from _guarded(ijson.parse(fh), ref.limits)


def _items(fh: BinaryIO, prefix: str, limits: Limits) -> Iterator[Any]:
    """ijson's records under ``prefix`` (built in C), from events checked against the limits."""
    return ijson.items(_guarded(ijson.parse(fh), limits), prefix)  # type: ignore[no-any-return]


def _guarded(events: _Events, limits: Limits) -> Generator[tuple[str, str, Any], None, None]:
    """The events, stopped with LimitExceeded past a limit. Events come lazily, so a document of ``[`` x 100,000
    stops at the limit's depth, before ijson's prefixes (one string per level) fill memory, and an object of
    100,000 keys stops before it becomes 100,000 columns."""
    max_depth, max_keys, max_values = limits.json_max_depth, limits.json_max_keys, limits.json_max_values
    keys: list[int] = []  # keys seen in each open container (arrays count none)
    values = 0
    for item in events:
        event = item[1]
        if event == "map_key":
            keys[-1] += 1
            if keys[-1] > max_keys:
                raise LimitExceeded(f"a JSON object with more than {max_keys:,} keys", "json_max_keys", max_keys)
        elif event in _STARTS:
            keys.append(0)
            if len(keys) > max_depth:
                raise LimitExceeded(f"JSON nested deeper than {max_depth} levels", "json_max_depth", max_depth)
        elif event in _ENDS:
            keys.pop()
        else:
            values += 1
            if values > max_values:
                raise LimitExceeded(f"more than {max_values:,} JSON values", "json_max_values", max_values)
        yield item


def _check_depth(value: Any, limits: Limits) -> None:
    """A value loaded whole (a JSON Lines record) within the depth and key limits, checked without recursion."""
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict | list):
            if depth > limits.json_max_depth:
                what = f"JSON nested deeper than {limits.json_max_depth} levels"
                raise LimitExceeded(what, "json_max_depth", limits.json_max_depth)
            if isinstance(item, dict) and len(item) > limits.json_max_keys:
                what = f"a JSON object with more than {limits.json_max_keys:,} keys"
                raise LimitExceeded(what, "json_max_keys", limits.json_max_keys)
            stack.extend((child, depth + 1) for child in (item.values() if isinstance(item, dict) else item))


def _next(events: _Events) -> tuple[str, str, Any]:
    # A bare next() would turn a short document into a RuntimeError inside the generators below (PEP 479).
    try:
        return next(events)
    except StopIteration:
        raise ijson.IncompleteJSONError("premature end of document") from None


def parser_message(exc: BaseException) -> str:
    """A one-line reason from a parser error. yajl appends the text around the error: that part is cut off."""
    if isinstance(exc, UnicodeDecodeError):
        return f"not UTF-8 text (byte {exc.start})"
    text = str(exc)
    if text[:2] in ("b'", 'b"'):  # yajl reports undecodable input as the repr of bytes, newlines escaped
        text = text[2:]
    first = re.split(r"\n|\\n", text, maxsplit=1)[0].strip()
    first = re.sub(r"'[^']{2,}'|\"[^\"]{2,}\"", "'...'", first)  # quoted symbols could be data
    return first[:120] or type(exc).__name__


def _invalid(source: str, ref: FileRef, exc: BaseException) -> SourceError:
    return SourceError(source, f"invalid JSON: {parser_message(exc)}", ref.name)


# --- flattening -------------------------------------------------------------------------------------------


def flatten(
    value: Any,
    prefix: str,
    out: dict[str, list[str | None]],
    kinds: dict[str, set[str]],
    owners: tuple[dict[str, list[int]], int] | None = None,
) -> None:
    """Flatten one JSON value into ``out`` (path -> values) and note the JSON type of each path; with ``owners``
    (path -> rows, this record's row), the row each value came from."""
    if isinstance(value, dict):
        for key, item in value.items():
            flatten(item, f"{prefix}.{key}" if prefix else str(key), out, kinds, owners)
    elif isinstance(value, list):
        for item in value:
            flatten(item, f"{prefix}[]", out, kinds, owners)
    else:
        path = prefix or "value"
        out.setdefault(path, []).append(_scalar(value))
        if owners is not None:
            owners[0].setdefault(path, []).append(owners[1])
        if value is not None:
            kinds.setdefault(path, set()).add(_json_kind(value))


def _scalar(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)  # numbers arrive as int or Decimal, so they read as written ("1.10" stays "1.10")


def _json_kind(value: Any) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, (float, Decimal)):
        return "float"
    return "string"


def _column_kind(kinds: set[str]) -> str:
    return next(iter(kinds)) if len(kinds) == 1 else "string"


# --- tables -----------------------------------------------------------------------------------------------


class _RecordTable(Table):
    """Shared chunking of a stream of records into batches."""

    def __init__(self, ref: FileRef, source: str, key: str | None = None) -> None:
        super().__init__(source, Location(file=ref.name, table=key))
        self.ref = ref

    def _records(self) -> Generator[Any, None, None]:
        raise NotImplementedError

    def read(self, options: ReadOptions) -> Iterator[Batch]:
        self.info.sampling = "all rows" if options.limit is None else f"first {options.limit} records"
        order: dict[str, None] = {}  # column order: first appearance
        chunk: list[Any] = []
        records = self._records()
        try:
            for record in records:
                if options.limit is not None and self.info.rows_scanned + len(chunk) >= options.limit:
                    self.info.truncated = True
                    break
                chunk.append(record)
                if len(chunk) >= options.chunk_rows:
                    yield self._batch(chunk, order)
                    chunk = []
            if chunk:
                yield self._batch(chunk, order)
        finally:
            records.close()  # runs the reader's own clean-up (notes, closing the file) when the limit stopped it

    def _batch(self, records: list[Any], order: dict[str, None]) -> Batch:
        values: dict[str, list[str | None]] = {}
        kinds: dict[str, set[str]] = {}
        owners: dict[str, list[int]] = {}
        for row, record in enumerate(records):
            flatten(record, "", values, kinds, (owners, row))
        for path in values:
            order.setdefault(path, None)
        self.info.rows_scanned += len(records)
        self.info.columns = len(order)
        columns = [
            Column(
                path,
                pa.array(values[path], pa.string()),
                _column_kind(kinds.get(path, set())),
                rows=owners[path] if "[]" in path or len(values[path]) != len(records) else None,
            )
            for path in order
            if path in values
        ]
        return Batch(columns, len(records))


class JsonArrayTable(_RecordTable):
    """A document that is one array of records."""

    def _records(self) -> Generator[Any, None, None]:
        try:
            with _open(self.ref) as fh:
                # ijson builds the records in C; it also checks that nothing follows the array.
                yield from _items(fh, "item", self.ref.limits)
        except _JSON_ERRORS as exc:
            raise _invalid(self.source, self.ref, exc) from exc


class _KeyTable(_RecordTable):
    """The records under one top-level key (the ``index``-th key) of a document that is an object."""

    def __init__(self, ref: FileRef, source: str, key: str, index: int) -> None:
        super().__init__(ref, source, key)
        self.key = key
        self.index = index

    def _records(self) -> Generator[Any, None, None]:
        try:
            if "." not in self.key:
                with _open(self.ref) as fh:
                    yield from _items(fh, f"{self.key}.item", self.ref.limits)  # records built in C
            else:
                yield from self._walk()
        except _JSON_ERRORS as exc:
            raise _invalid(self.source, self.ref, exc) from exc

    def _walk(self) -> Generator[Any, None, None]:
        """The same records found by walking the parse events, for a key with a dot, which ijson's prefixes
        ("a.b.item") cannot tell from a nested path."""
        events = _events(self.ref)
        try:
            _next(events)  # the opening '{'
            for number, (_key, event, _value) in enumerate(_object_members(events)):
                if number == self.index:
                    yield from _array_items(events)  # event is the array's start, as the first pass found
                    return
                _skip(event, events)
        finally:
            events.close()


class _ValuesTable(_RecordTable):
    """Records already in memory: the scalar and object fields of a top-level object, as one record."""

    def __init__(self, ref: FileRef, source: str, records: Iterable[Any]) -> None:
        super().__init__(ref, source)
        self._items = records

    def _records(self) -> Generator[Any, None, None]:
        yield from self._items


class JsonLinesTable(_RecordTable):
    """One JSON value per line; bad lines are skipped and counted, never shown."""

    def _records(self) -> Generator[Any, None, None]:
        good = bad = long = 0
        try:
            with self.ref.open() as fh:
                for raw in _lines(fh, self.ref.limits.json_max_line):
                    if raw is None:
                        long += 1
                        continue
                    line = raw.strip()
                    if not line:
                        continue
                    try:
                        # Decimal keeps numbers as written and exact, as ijson does for .json files.
                        record = json.loads(line, parse_float=Decimal)
                    except ValueError:  # JSONDecodeError and UnicodeDecodeError alike
                        bad += 1
                        continue
                    except RecursionError:  # nested past what the parser follows: past the depth limit too
                        depth = self.ref.limits.json_max_depth
                        what = f"JSON nested deeper than {depth} levels"
                        raise LimitExceeded(what, "json_max_depth", depth) from None
                    if line.count(b"[") + line.count(b"{") > self.ref.limits.json_max_depth:
                        _check_depth(record, self.ref.limits)  # only lines that could be too deep are walked
                    good += 1
                    yield record
            if (bad or long) and not good:
                raise SourceError(self.source, _jsonl_reason(bad, long, self.ref.limits.json_max_line), self.ref.name)
        finally:
            if bad and good:
                self.info.notes.append(f"{bad} invalid lines skipped")
            if long and good:
                limit = self.ref.limits.json_max_line
                self.info.notes.append(f"{long} lines longer than {limit:,} bytes skipped (PDSCAN_JSON_MAX_LINE)")


def _lines(fh: BinaryIO, limit: int) -> Iterator[bytes | None]:
    """The file's lines, each read at most ``limit`` bytes at a time: a longer line is read in pieces, dropped, and
    given as None (one record that long would be held whole by the parser)."""
    while True:
        line = fh.readline(limit + 1)
        if not line:
            return
        if len(line) <= limit or line.endswith(b"\n"):
            yield line
            continue
        while line and not line.endswith(b"\n"):
            line = fh.readline(1 << 20)
        yield None


def _jsonl_reason(bad: int, long: int, limit: int) -> str:
    if not bad:
        return f"every line is longer than {limit:,} bytes (raise PDSCAN_JSON_MAX_LINE to read them)"
    return "not valid JSON Lines"


def _object_tables(ref: FileRef, source: str) -> Iterator[Table]:
    """First pass over a top-level object: find the keys holding record arrays (streamed past, not kept)."""
    rest: dict[str, Any] = {}
    lists: list[tuple[int, str]] = []
    events = _events(ref)
    try:
        _next(events)  # the opening '{'
        for number, (key, event, value) in enumerate(_object_members(events)):
            if event != "start_array":
                rest[key] = _build(event, value, events)
                continue
            _, first_event, first_value = _next(events)
            if first_event == "start_map":
                lists.append((number, key))
                _skip(first_event, events)
                _skip_rest_of_array(events)
            elif first_event == "end_array":
                rest[key] = []
            else:
                rest[key] = [_build(first_event, first_value, events), *_array_items(events)]
        for _ in events:
            pass  # the parser checks that nothing follows the object
    except _JSON_ERRORS as exc:
        raise _invalid(source, ref, exc) from exc
    finally:
        events.close()
    seen: set[str] = set()
    for number, key in lists:
        if key not in seen:  # a key repeated in the document (invalid, but seen) is one table, not two
            seen.add(key)
            yield _KeyTable(ref, source, key, number)
    if rest:
        yield _ValuesTable(ref, source, [rest])


# --- walking ijson events ---------------------------------------------------------------------------------


def _object_members(events: _Events) -> Iterator[tuple[str, str, Any]]:
    """(key, first event of the value, its value) for each member of the object just opened.

    The caller consumes the rest of each member's value before asking for the next one.
    """
    for _, event, value in events:
        if event == "end_map":
            return
        _, value_event, value_value = _next(events)
        yield str(value), value_event, value_value


def _array_items(events: _Events) -> Iterator[Any]:
    """The items of the array just opened, built one at a time."""
    for _, event, value in events:
        if event == "end_array":
            return
        yield _build(event, value, events)


def _build(event: str, value: Any, events: _Events) -> Any:
    """One JSON value, from its first event, as Python objects."""
    builder = ijson.ObjectBuilder()
    builder.event(event, value)
    depth = 1 if event in _STARTS else 0
    while depth:
        _, event, value = _next(events)
        builder.event(event, value)
        depth += (event in _STARTS) - (event in _ENDS)
    return builder.value


def _skip(event: str, events: _Events) -> None:
    """Consume one JSON value, given its first event, without building it (a record array can outgrow memory)."""
    depth = 1 if event in _STARTS else 0
    while depth:
        _, event, _value = _next(events)
        depth += (event in _STARTS) - (event in _ENDS)


def _skip_rest_of_array(events: _Events) -> None:
    for _, event, _value in events:
        if event == "end_array":
            return
        _skip(event, events)


FORMAT = Format("json", (".json", ".jsonl", ".ndjson"), tables)
