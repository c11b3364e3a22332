"""``--format xlsx``: an Excel workbook for people, written with openpyxl (a binary format: needs ``-o FILE``).

Three sheets, each a header row and rows with exactly its fields:

- **Findings**: one row per finding, with an autofilter over the header and the header row frozen;
- **Declared vs found**: the comparison with the declaration (``--declaration``), or one row saying none was given;
- **Not scanned**: what could not be read (errors), files skipped, and whether the scan was interrupted.

Formula injection: no cell is ever a formula. openpyxl turns a string that starts with ``=`` into a formula, so such a
cell (and one starting with ``+``, ``-``, ``@``, a tab or a CR, which Excel also evaluates when the cell is edited) is
written as a plain string cell with Excel's *quote prefix* style: the value stays exactly as it was (a masked phone
``+358***67`` is not changed to ``'+358***67``) and Excel shows and keeps it as text, even when the cell is edited.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from typing import IO, TYPE_CHECKING, Any

from pdscan.compliance.taxonomy import taxonomy
from pdscan.model import Compliance, DeclaredCategory, FindingRef, ScanResult
from pdscan.reporters.style import ReportStyle

if TYPE_CHECKING:
    from openpyxl import Workbook
    from openpyxl.worksheet.worksheet import Worksheet

FINDINGS = "Findings"
DECLARED = "Declared vs found"
NOT_SCANNED = "Not scanned"

FINDINGS_HEADER = [
    "Source",
    "Location",
    "Column",
    "Entity",
    "Category",
    "Confidence",
    "Matches",
    "Values scanned",
    "Rows",
    "Samples (masked)",
    "Declared as",
    "Reasons",
]
DECLARED_HEADER = ["Status", "Category", "Keys", "Risk", "Subjects", "Entities", "Locations", "Where", "Note"]
NOT_SCANNED_HEADER = ["Kind", "Source", "Location", "Reason"]

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")  # control characters an XLSX cell cannot hold
_MAX_CELL = 32_767  # Excel's limit of characters in a cell
_MIN_WIDTH, _MAX_WIDTH = 8, 60


def _text(value: object) -> str:
    text = "" if value is None else str(value)
    text = text.encode("utf-8", "replace").decode("utf-8")  # lone surrogates of undecodable file names
    return _ILLEGAL.sub("\ufffd", text)[:_MAX_CELL]


def _write_row(ws: Worksheet, row: int, values: Sequence[object]) -> None:
    """Write a row: numbers as numbers, everything else as text that can never become a formula."""
    from openpyxl.styles import Alignment

    for col, value in enumerate(values, start=1):
        cell = ws.cell(row=row, column=col)
        if isinstance(value, bool) or not isinstance(value, int | float):
            text = _text(value)
            cell.value = text or None  # an empty cell, not an empty inline string
            if text.startswith(_FORMULA_START):
                cell.data_type = "s"  # openpyxl made it a formula ('f'): keep it a string
                cell.quotePrefix = True
        else:
            cell.value = value
        cell.alignment = Alignment(vertical="top")


def _sheet(wb: Workbook, title: str, header: list[str], rows: Sequence[Sequence[object]], wrap: set[str]) -> None:
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    ws = wb.create_sheet(title)
    _write_row(ws, 1, header)
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDE4EE")
    widths = [len(h) + 2 for h in header]
    for number, values in enumerate(rows, start=2):
        _write_row(ws, number, values)
        for i, value in enumerate(values):
            longest = max((len(line) for line in str(value).splitlines()), default=0)
            widths[i] = max(widths[i], longest + 2)
    ws.auto_filter.ref = f"A1:{get_column_letter(len(header))}{len(rows) + 1}"
    ws.freeze_panes = "A2"
    for i, name in enumerate(header, start=1):
        letter = get_column_letter(i)
        ws.column_dimensions[letter].width = min(max(widths[i - 1], _MIN_WIDTH), _MAX_WIDTH)
        if name in wrap:
            for cell in ws[letter][1:]:
                cell.alignment = Alignment(wrap_text=True, vertical="top")


def _category_names(keys: Iterable[str]) -> str:
    known = taxonomy()
    return "; ".join(dict.fromkeys(known.get(k).name if k in known else k for k in keys))


def _relative(source: str, where: str) -> str:
    """A location inside a folder source, without the folder (the Source column names it)."""
    prefix = source.rstrip("/") + "/"
    return where[len(prefix) :] if where.startswith(prefix) and len(where) > len(prefix) else where


def _findings(result: ScanResult) -> list[list[object]]:
    rows: list[list[object]] = []
    for f in result.findings:
        rows.append(
            [
                f.source,
                _relative(f.source, f.location.display(with_column=False)),
                f.location.column or "",
                f.entity,
                _category_names(f.categories),
                f.confidence,
                f.match_count,
                f.values_scanned,
                f.rows_scanned,
                ", ".join(f.samples),
                ", ".join(f.declared) if f.declared is not None else "",
                "\n".join(f.reasons),
            ]
        )
    return rows


def _where(refs: Sequence[FindingRef]) -> str:
    return "\n".join(dict.fromkeys(ref.display for ref in refs))


def _risk(keys: Iterable[str]) -> str:
    known = taxonomy()
    return "high" if any(known.high_risk(k) for k in keys if k in known) else "normal"


def _declared_row(status: str, category: DeclaredCategory, note: str) -> list[object]:
    refs = category.locations or []
    return [
        status,
        category.name,
        ", ".join(category.keys),
        _risk(category.keys),
        ", ".join(category.subjects),
        ", ".join(dict.fromkeys(ref.entity for ref in refs)),
        len(refs),
        _where(refs),
        note,
    ]


def _declared(compliance: Compliance | None) -> list[list[object]]:
    if compliance is None:
        message = "No declaration was given: scan with --declaration to compare the findings with a privacy notice."
        return [[message, *[""] * (len(DECLARED_HEADER) - 1)]]
    rows: list[list[object]] = []
    for gap in compliance.undeclared:
        rows.append(
            [
                "undeclared, high risk" if gap.risk == "high" else "undeclared",
                gap.name + (f" ({gap.article})" if gap.article else ""),
                gap.key,
                gap.risk,
                gap.subject or "",
                ", ".join(gap.entities),
                len(gap.locations),
                _where(gap.locations),
                gap.reason,
            ]
        )
    for category in compliance.found_declared:
        rows.append(_declared_row("declared and found", category, category.note or category.source))
    for category in compliance.declared_not_found:
        note = "no rule looks for this category" if category.detectable is False else (category.note or "")
        rows.append(_declared_row("declared, not found", category, note or category.source))
    return rows


def _source_of(result: ScanResult, path: str) -> str:
    for summary in result.sources:
        if path == summary.source or path.startswith(summary.source.rstrip("/") + "/"):
            return summary.source
    return ""


def _not_scanned(result: ScanResult) -> list[list[object]]:
    rows: list[list[object]] = []
    if result.interrupted:
        rows.append(["interrupted", "", "", "the scan was interrupted: only what was read before is reported"])
    for error in result.errors:
        where = error.location.display() if error.location is not None else ""
        rows.append(["error", error.source, _relative(error.source, where), error.reason])
    for skipped in result.skipped:
        source = _source_of(result, skipped.path)
        rows.append(["skipped", source, _relative(source, skipped.path) if source else skipped.path, skipped.reason])
    if not rows:
        rows.append(["none", "", "", "every table, sheet and file met was read"])
    return rows


def _timestamp(text: str) -> dt.datetime | None:
    try:
        return dt.datetime.fromisoformat(text).astimezone(dt.timezone.utc).replace(tzinfo=None)
    except (TypeError, ValueError):
        return None


def render(result: ScanResult, stream: IO[bytes], style: ReportStyle | None = None) -> None:
    from openpyxl import Workbook  # imported when used: it doubles the start-up time of every command

    wb = Workbook()
    default = wb.active
    if default is not None:
        wb.remove(default)
    _sheet(wb, FINDINGS, FINDINGS_HEADER, _findings(result), wrap={"Samples (masked)", "Reasons"})
    _sheet(wb, DECLARED, DECLARED_HEADER, _declared(result.compliance), wrap={"Where", "Note"})
    _sheet(wb, NOT_SCANNED, NOT_SCANNED_HEADER, _not_scanned(result), wrap={"Reason"})
    properties: Any = wb.properties
    properties.creator = f"{result.tool.get('name', 'pdscan')} {result.tool.get('version', '')}".strip()
    properties.title = "Personal data found"
    finished = _timestamp(result.finished_at)
    if finished is not None:
        properties.created = finished
    wb.save(stream)
