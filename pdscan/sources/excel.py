"""Workbooks (.xlsx, .xlsm, .xls, .xlsb, .ods) through python-calamine: every sheet is a table.

Exports often start with a title row ("Asiakasrekisteri 2024") and blank rows: the header is the first row, among
the first 30, whose filled cells are all text and span most of the sheet's width.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pyarrow as pa
from python_calamine import CalamineError, CalamineWorkbook

from pdscan.errors import SourceError
from pdscan.model import Batch, Column, Location
from pdscan.sources.base import FileRef, ReadOptions, Table
from pdscan.sources.csv_reader import unique_names

_HEADER_SCAN_ROWS = 30
_OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def tables(ref: FileRef, source: str) -> Iterator[Table]:
    with ref.local_path() as path:
        with path.open("rb") as fh:
            magic = fh.read(8)
        if magic == _OLE2_MAGIC and ref.ext in (".xlsx", ".xlsm", ".xlsb"):
            # An Office Open XML workbook wrapped in an OLE2 container is how Excel stores an encrypted file.
            raise SourceError(source, "encrypted or password-protected workbook", ref.name)
        try:
            workbook = CalamineWorkbook.from_path(str(path))
        except (CalamineError, ValueError, OSError) as exc:
            raise SourceError(source, f"corrupt or unreadable workbook: {_short(exc)}", ref.name) from exc
        try:
            for name in workbook.sheet_names:
                yield SheetTable(ref, source, workbook, name)
        finally:
            workbook.close()


class SheetTable(Table):
    def __init__(self, ref: FileRef, source: str, workbook: CalamineWorkbook, sheet: str) -> None:
        super().__init__(source, Location(file=ref.name, sheet=sheet))
        self.workbook = workbook

    def read(self, options: ReadOptions) -> Iterator[Batch]:
        try:
            sheet = self.workbook.get_sheet_by_name(self.location.sheet or "")
            rows = sheet.iter_rows()
            head: list[list[Any]] = []
            for row in rows:
                head.append(list(row))
                if len(head) >= _HEADER_SCAN_ROWS:
                    break
            self.info.sampling = "all rows" if options.limit is None else f"first {options.limit} rows"
            if not any(_filled(r) for r in head):
                self.info.notes.append("empty sheet")
                return
            at = header_row(head)
            if at:
                self.info.notes.append(f"header found on row {at + 1}")
            names = _names(head[at])
            self.info.columns = len(names)
            pending = head[at + 1 :]
            chunk: list[list[Any]] = []

            def rows_after() -> Iterator[list[Any]]:
                yield from pending
                for row in rows:
                    yield list(row)

            for row in rows_after():
                if not _filled(row):
                    continue
                if options.limit is not None and self.info.rows_scanned + len(chunk) >= options.limit:
                    self.info.truncated = True
                    break
                chunk.append(row)
                if len(chunk) >= options.chunk_rows:
                    yield self._batch(names, chunk)
                    chunk = []
            if chunk:
                yield self._batch(names, chunk)
        except CalamineError as exc:
            raise SourceError(self.source, f"unreadable sheet: {_short(exc)}", self.location.display()) from exc

    def _batch(self, names: list[str], rows: list[list[Any]]) -> Batch:
        self.info.rows_scanned += len(rows)
        columns = []
        for i, name in enumerate(names):
            values = [cell_text(row[i]) if i < len(row) else None for row in rows]
            columns.append(Column(name, pa.array(values, pa.string()), _kind(rows, i)))
        return Batch(columns, len(rows))


def header_row(rows: list[list[Any]]) -> int:
    """Index of the header: the first row whose filled cells are all text and cover 60 % of the widest row."""
    widest = max(sum(1 for c in r if _is_filled(c)) for r in rows)
    need = max(2, int(0.6 * widest + 0.999)) if widest > 1 else 1
    for i, row in enumerate(rows):
        filled = [c for c in row if _is_filled(c)]
        if len(filled) >= need and all(isinstance(c, str) for c in filled):
            return i
    return next(i for i, r in enumerate(rows) if _filled(r))


def _names(header: list[Any]) -> list[str]:
    while header and not _is_filled(header[-1]):
        header = header[:-1]
    raw = [str(c).strip() if _is_filled(c) else f"column_{_letter(i)}" for i, c in enumerate(header)]
    return unique_names(raw)


def _letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def cell_text(value: Any) -> str | None:
    """A cell as text: 100234.0 -> "100234", dates in ISO format, booleans lower-case, blanks as None."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e16 else repr(value)
    if isinstance(value, (dt.datetime, dt.date, dt.time)):
        return value.isoformat()
    return str(value)


def _kind(rows: list[list[Any]], i: int) -> str:
    kinds = {type(r[i]) for r in rows if i < len(r) and _is_filled(r[i])}
    if kinds and kinds <= {int, float}:
        return (
            "integer"
            if all(isinstance(r[i], int) or float(r[i]).is_integer() for r in rows if i < len(r) and _is_filled(r[i]))
            else "float"
        )
    if kinds == {bool}:
        return "boolean"
    if kinds and kinds <= {dt.datetime, dt.date, dt.time}:
        return "datetime"
    return "string"


def _is_filled(cell: Any) -> bool:
    return cell is not None and cell != ""


def _filled(row: list[Any]) -> bool:
    return any(_is_filled(c) for c in row)


def _short(exc: BaseException) -> str:
    return (str(exc).splitlines() or [type(exc).__name__])[0][:200]
