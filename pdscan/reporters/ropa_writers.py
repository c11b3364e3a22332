"""The record of processing activities (:class:`pdscan.compliance.ropa.Ropa`) as a file: ``.xlsx`` (openpyxl),
``.ods`` (odfpy), ``.md`` and ``.html`` (Jinja2 templates ``ropa.md.j2`` and ``ropa.html.j2``).

The spreadsheets have two sheets: the processing activities (the controller block on top, then the table: a header
row and one row per purpose and subject group, frozen under the header, with an autofilter) and the categories of
personal data. A cell's several items (categories, recipients, places) are lines of one cell. No cell is ever a
formula (a name starting with ``=`` stays text, as in the findings workbook).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import IO, TYPE_CHECKING, Any

from pdscan.compliance.ropa import Cell, Ropa
from pdscan.reporters.markdown_tidy import tidy
from pdscan.reporters.templates import environment
from pdscan.reporters.xlsx_report import _text, _write_row

if TYPE_CHECKING:
    from openpyxl.worksheet.worksheet import Worksheet

_MIN_WIDTH, _MAX_WIDTH = 10, 60


def _lines(cell: Cell) -> str:
    return "\n".join(cell)


def write_xlsx(ropa: Ropa, stream: IO[bytes]) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    ws = wb.active
    assert ws is not None  # a new workbook has its first sheet
    ws.title = ropa.activities_title[:31]
    ws.cell(row=1, column=1, value=_text(ropa.title)).font = Font(bold=True, size=14)
    ws.cell(row=2, column=1, value=_text(ropa.basis))
    row = 4
    for label, value in ropa.header:
        _write_row(ws, row, [label, _lines(value)])
        ws.cell(row=row, column=1).font = Font(bold=True)
        row += 1
    row += 1
    first = row
    _table(ws, row, ropa.columns, ropa.rows)
    last = first + len(ropa.rows)
    ws.auto_filter.ref = f"A{first}:{get_column_letter(len(ropa.columns))}{last}"
    ws.freeze_panes = f"A{first + 1}"
    for number, note in enumerate(ropa.notes, start=last + 2):
        ws.cell(row=number, column=1, value=_text(note)).alignment = Alignment(vertical="top")

    categories = wb.create_sheet(ropa.categories_title[:31])
    _table(categories, 1, ropa.category_columns, ropa.category_rows)
    categories.freeze_panes = "A2"
    categories.auto_filter.ref = f"A1:{get_column_letter(len(ropa.category_columns))}{len(ropa.category_rows) + 1}"
    for sheet in (ws, categories):
        for cell in sheet[first if sheet is ws else 1]:
            if cell.value is not None:
                cell.font = Font(bold=True)
                cell.fill = PatternFill("solid", fgColor="DDE4EE")
    wb.save(stream)


def _table(ws: Worksheet, start: int, header: list[str], rows: list[list[Cell]]) -> None:
    from openpyxl.styles import Alignment
    from openpyxl.utils import get_column_letter

    _write_row(ws, start, header)
    widths = [len(h) + 2 for h in header]
    for number, cells in enumerate(rows, start=start + 1):
        _write_row(ws, number, [_lines(c) for c in cells])
        for i, cell in enumerate(cells):
            widths[i] = max(widths[i], max((len(line) + 2 for line in cell), default=0))
    for i, width in enumerate(widths, start=1):
        letter = get_column_letter(i)
        current = ws.column_dimensions[letter].width or 0
        ws.column_dimensions[letter].width = max(current, min(max(width, _MIN_WIDTH), _MAX_WIDTH))
        for number in range(start, start + len(rows) + 1):
            ws.cell(row=number, column=i).alignment = Alignment(wrap_text=True, vertical="top")


def write_ods(ropa: Ropa, stream: IO[bytes]) -> None:
    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.style import Style, TableColumnProperties, TextProperties
    from odf.table import Table, TableColumn

    doc = OpenDocumentSpreadsheet()
    bold = Style(name="ropa-bold", family="paragraph")
    bold.addElement(TextProperties(fontweight="bold"))
    doc.automaticstyles.addElement(bold)
    wide = Style(name="ropa-wide", family="table-column")
    wide.addElement(TableColumnProperties(columnwidth="6cm"))
    doc.automaticstyles.addElement(wide)

    activities = Table(name=ropa.activities_title)
    for _ in ropa.columns:
        activities.addElement(TableColumn(stylename=wide))
    _ods_row(activities, [[ropa.title]], bold)
    _ods_row(activities, [[ropa.basis]])
    _ods_row(activities, [])
    for label, value in ropa.header:
        _ods_row(activities, [[label], value], bold, bold_first=True)
    _ods_row(activities, [])
    _ods_row(activities, [[c] for c in ropa.columns], bold)
    for cells in ropa.rows:
        _ods_row(activities, cells)
    _ods_row(activities, [])
    for note in ropa.notes:
        _ods_row(activities, [[note]])
    doc.spreadsheet.addElement(activities)

    categories = Table(name=ropa.categories_title)
    for _ in ropa.category_columns:
        categories.addElement(TableColumn(stylename=wide))
    _ods_row(categories, [[c] for c in ropa.category_columns], bold)
    for cells in ropa.category_rows:
        _ods_row(categories, cells)
    doc.spreadsheet.addElement(categories)
    doc.write(stream)


def _ods_row(table: Any, cells: list[Cell], style: Any = None, bold_first: bool = False) -> None:
    from odf.table import TableCell, TableRow
    from odf.text import P

    row = TableRow()
    for i, cell in enumerate(cells):
        element = TableCell(valuetype="string")
        styled = style is not None and (not bold_first or i == 0)
        for line in cell:
            # A string cell: ODF never evaluates text as a formula; each item is a paragraph (a line) of the cell.
            element.addElement(P(text=_text(line), stylename=style) if styled else P(text=_text(line)))
        row.addElement(element)
    if not cells:
        row.addElement(TableCell())
    table.addElement(row)


def write_text(ropa: Ropa, stream: IO[str], kind: str) -> None:
    template = environment(kind).get_template(f"ropa.{'md' if kind == 'markdown' else 'html'}.j2")
    rendered = template.render(ropa=ropa)
    stream.write(tidy(rendered) if kind == "markdown" else rendered)


# By the extension of the output file: (binary, writer).
WRITERS: dict[str, tuple[bool, Callable[[Ropa, Any], None]]] = {
    ".xlsx": (True, write_xlsx),
    ".ods": (True, write_ods),
    ".md": (False, lambda ropa, stream: write_text(ropa, stream, "markdown")),
    ".html": (False, lambda ropa, stream: write_text(ropa, stream, "html")),
}
