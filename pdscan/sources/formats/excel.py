"""Workbooks (.xlsx, .xlsm, .xls, .xlsb, .ods) through python-calamine: every worksheet is a table.

Exports often start with a title row ("Asiakasrekisteri 2024") and blank rows: the header is the first row, among
the first 30, whose filled cells are all text and span most of the sheet's width. A sheet without such a row is
read as data with columns named by their Excel letters, so that no value ever becomes a column name.

calamine loads a whole sheet when it is opened; rows are then converted to text one chunk at a time.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterator
from typing import Any

import pyarrow as pa
from python_calamine import (
    CalamineError,
    CalamineWorkbook,
    PasswordError,
    SheetMetadata,
    SheetTypeEnum,
    SheetVisibleEnum,
)

from pdscan.errors import SourceError, one_line
from pdscan.model import Batch, Column, Location
from pdscan.sources.base import FileRef, Format, ReadOptions, Table
from pdscan.sources.formats.csv import looks_like_data, unique_names

_HEADER_SCAN_ROWS = 30
_HEADER_SHARE = 0.6  # a header spans at least this share of the widest row near the top
_OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTED = "encrypted or password-protected workbook"
# Chart sheets and VBA modules hold no cells.
_CELL_SHEETS = (SheetTypeEnum.WorkSheet, SheetTypeEnum.MacroSheet, SheetTypeEnum.DialogSheet)


def tables(ref: FileRef, source: str) -> Iterator[Table]:
    """One table per worksheet; the workbook stays open until the caller moves past its last sheet."""
    with ref.local_path() as path:
        with path.open("rb") as fh:
            magic = fh.read(len(_OLE2_MAGIC))
        if magic == _OLE2_MAGIC and ref.ext in (".xlsx", ".xlsm", ".xlsb"):
            # An Office Open XML workbook wrapped in an OLE2 container is how Excel stores an encrypted file.
            raise SourceError(source, _ENCRYPTED, ref.name)
        try:
            workbook = CalamineWorkbook.from_path(str(path))
            sheets: list[SheetMetadata] = list(workbook.sheets_metadata)
        except PasswordError as exc:  # an encrypted .xls
            raise SourceError(source, _ENCRYPTED, ref.name) from exc
        except (CalamineError, ValueError, OSError) as exc:
            raise SourceError(source, f"corrupt or unreadable workbook: {one_line(exc)}", ref.name) from exc
        try:
            for meta in sheets:
                if meta.typ in _CELL_SHEETS:
                    yield SheetTable(ref, source, workbook, meta)
        finally:
            workbook.close()


class SheetTable(Table):
    def __init__(self, ref: FileRef, source: str, workbook: CalamineWorkbook, meta: SheetMetadata) -> None:
        super().__init__(source, Location(file=ref.name, sheet=meta.name))
        self.workbook = workbook
        if meta.visible != SheetVisibleEnum.Visible:
            self.info.notes.append("hidden sheet")  # scanned all the same: hidden sheets hold data too

    def read(self, options: ReadOptions) -> Iterator[Batch]:
        self.info.sampling = "all rows" if options.limit is None else f"first {options.limit} rows"
        try:
            sheet = self.workbook.get_sheet_by_name(self.location.sheet or "")
            # calamine starts rows at row 1 but columns at the first used one: letters are offset by it.
            first_column = sheet.start[1] if sheet.start is not None else 0
            rows = sheet.iter_rows()
            head: list[list[Any]] = []
            for row in rows:
                head.append(list(row))
                if len(head) >= _HEADER_SCAN_ROWS:
                    break
            filled = [i for i, r in enumerate(head) if _filled(r)]
            if not filled:
                self.info.notes.append("empty sheet")
                return
            at = header_row(head)
            if at is None:
                names: list[str] = []
                pending = head[filled[0] :]
                self.info.notes.append("no header row: columns are named by their letters")
            else:
                groups = group_row(head, at)
                names = _names(head[at], first_column, groups=head[groups] if groups is not None else None)
                pending = head[at + 1 :]
                if groups is not None:
                    self.info.notes.append(f"two header rows ({groups + 1} and {at + 1}): names joined")
                elif at:
                    self.info.notes.append(f"header found on row {at + 1}")
            self.info.columns = len(names)
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
                    yield self._batch(names, chunk, first_column)
                    chunk = []
            if chunk:
                yield self._batch(names, chunk, first_column)
        except CalamineError as exc:
            raise SourceError(self.source, f"unreadable sheet: {one_line(exc)}", self.location.display()) from exc

    def _batch(self, names: list[str], rows: list[list[Any]], first_column: int) -> Batch:
        """One batch; ``names`` grows in place when data reaches past the header (unlabelled columns are data)."""
        width = max(_width(row) for row in rows)
        if width > len(names):
            extra = [f"column_{_letter(first_column + i)}" for i in range(len(names), width)]
            names[:] = unique_names([*names, *extra])  # existing names are unique already and stay as they are
        self.info.columns = len(names)
        self.info.rows_scanned += len(rows)
        columns = []
        for i, name in enumerate(names):
            cells = [row[i] if i < len(row) else None for row in rows]
            columns.append(Column(name, pa.array([cell_text(c) for c in cells], pa.string()), _kind(cells)))
        return Batch(columns, len(rows))


def header_row(rows: list[list[Any]]) -> int | None:
    """Index of the header row among the first rows of a sheet, or None when the sheet has none.

    The header is the first row whose filled cells are all text, none of them looking like data (an email, a
    number), and that covers 60 % of the widest row: title rows above it are skipped. Failing that, the first
    filled row is the header if it is such a text row of at least two cells (data reaching past the header, in
    unlabelled columns, makes the widest row wider than the header).
    """
    widest = max(sum(1 for c in r if _is_filled(c)) for r in rows)
    need = max(2, math.ceil(_HEADER_SHARE * widest)) if widest > 1 else 1
    for i, row in enumerate(rows):
        if _text_row(row, need):
            return i
    first = next(i for i, r in enumerate(rows) if _filled(r))
    return first if _text_row(rows[first], min(2, widest)) else None


def _text_row(row: list[Any], need: int) -> bool:
    """Header-like: text cells (and years, which spreadsheets store as numbers: Kunta, 2019, 2020), none of them
    looking like data, at least one of them text."""
    cells = [c for c in row if _is_filled(c)]
    texts = [c for c in cells if isinstance(c, str)]
    return (
        len(cells) >= need
        and bool(texts)
        and all(isinstance(c, str) or _is_year(c) for c in cells)
        and not looks_like_data(texts)
    )


def _is_year(cell: Any) -> bool:
    return (
        isinstance(cell, int | float)
        and not isinstance(cell, bool)
        and float(cell).is_integer()
        and 1900 <= cell <= 2100
    )


def group_row(rows: list[list[Any]], at: int) -> int | None:
    """The row right above a header that labels groups of its columns (Asiakas | | Yhteystiedot above Etunimi |
    Sukunimi | Sähköposti): text in two cells or more, fewer than the header fills. A one-cell title above the header
    is a title, not a group row."""
    above = at - 1
    if above < 0 or not _filled(rows[above]):
        return None
    filled = sum(1 for c in rows[above] if _is_filled(c))
    header = sum(1 for c in rows[at] if _is_filled(c))
    if filled < 2 or filled >= header or not _text_row(rows[above], filled):
        return None
    return above


def _names(header: list[Any], first_column: int, groups: list[Any] | None = None) -> list[str]:
    """Column names from the header row; with a group row above it, each name is prefixed by its group (a merged
    group cell covers the columns to its right until the next one)."""
    width = max(_width(header), _width(groups) if groups else 0)
    header = [*header[:width], *[None] * (width - len(header[:width]))]
    prefixes: list[str] = []
    current = ""
    for i in range(width):
        cell = groups[i] if groups is not None and i < len(groups) else None
        if _is_filled(cell):
            current = _header_text(cell)
        prefixes.append(current)
    raw = []
    for i, cell in enumerate(header):
        name = _header_text(cell) if _is_filled(cell) else ""
        joined = " ".join(p for p in (prefixes[i], name) if p)
        raw.append(joined or f"column_{_letter(first_column + i)}")
    return unique_names(raw)


def _header_text(cell: Any) -> str:
    return str(int(cell)) if _is_year(cell) else str(cell)


def _letter(index: int) -> str:
    """Excel's column letters for a 0-based index: 0 -> A, 25 -> Z, 26 -> AA."""
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
        # Excel stores every number as a float: a customer number 100234 must not read "100234.0".
        return str(int(value)) if value.is_integer() and abs(value) < 1e16 else repr(value)
    if isinstance(value, (dt.datetime, dt.date, dt.time)):
        return value.isoformat()
    return str(value)


def _kind(cells: list[Any]) -> str:
    values = [c for c in cells if _is_filled(c)]
    if not values:
        return "string"
    if all(isinstance(v, bool) for v in values):
        return "boolean"
    if all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in values):
        return "integer" if all(float(v).is_integer() for v in values) else "float"
    if all(isinstance(v, (dt.datetime, dt.date, dt.time)) for v in values):
        return "datetime"
    return "string"


def _is_filled(cell: Any) -> bool:
    return cell is not None and cell != ""


def _filled(row: list[Any]) -> bool:
    return any(_is_filled(c) for c in row)


def _width(row: list[Any]) -> int:
    """Cells up to the last filled one."""
    for i in range(len(row) - 1, -1, -1):
        if _is_filled(row[i]):
            return i + 1
    return 0


FORMAT = Format("excel", (".xlsx", ".xlsm", ".xls", ".xlsb", ".ods"), tables)
