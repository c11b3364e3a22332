"""``--format csv``: one row per finding, for spreadsheets.

Every row has exactly the header's fields. Lists (reasons, samples, categories, declared categories, document parts)
are joined with `` | ``, which is neither dialect's delimiter. Dialects (``ReportStyle.csv_dialect``):

- ``excel`` (default): ``,`` between fields, CRLF line ends (RFC 4180, Python's ``csv`` default), UTF-8 without a
  BOM, ``.`` as the decimal point;
- ``excel-fi``: ``;`` between fields, CRLF, UTF-8 with a BOM and ``,`` as the decimal point: what Excel set to Finnish
  (or any locale whose list separator is ``;``) opens in columns with ä and ö intact.

The stream must be opened with ``newline=""`` (as the CLI does), so that the CRLF is written as it is.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from typing import TextIO

from pdscan.errors import UsageError
from pdscan.model import Finding, ScanResult
from pdscan.reporters.style import ReportStyle

HEADER = [
    "source",
    "file",
    "sheet",
    "schema",
    "table",
    "column",
    "entity",
    "confidence",
    "score",
    "match_count",
    "values_scanned",
    "rows_scanned",
    "reasons",
    "samples",
    "categories",
    "declared",
    "parts",
]
LIST_SEPARATOR = " | "
BOM = "\ufeff"
# OWASP "CSV injection": a cell starting with one of these runs as a formula in Excel. Masked phone samples
# such as "+358***67" start with '+', so every text cell is checked; a leading apostrophe makes the cell text.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


class _ExcelFi(csv.excel):
    delimiter = ";"


DIALECTS: dict[str, type[csv.Dialect]] = {"excel": csv.excel, "excel-fi": _ExcelFi}  # keys: style.CSV_DIALECTS


def _safe(value: object) -> str:
    text = "" if value is None else str(value)
    # A file name read with surrogateescape holds lone surrogates that no UTF-8 stream can write.
    text = text.encode("utf-8", "replace").decode("utf-8")
    return "'" + text if text.startswith(_FORMULA_START) else text


def _joined(values: Iterable[str] | None) -> str:
    return _safe(LIST_SEPARATOR.join(values)) if values is not None else ""


def row(finding: Finding, decimal: str = ".") -> list[str]:
    """One finding as the CSV row under :data:`HEADER`."""
    loc = finding.location
    return [
        *(_safe(v) for v in (finding.source, loc.file, loc.sheet, loc.schema, loc.table, loc.column)),
        _safe(finding.entity),
        _safe(finding.confidence),
        f"{finding.score:.3f}".replace(".", decimal),
        str(finding.match_count),
        str(finding.values_scanned),
        str(finding.rows_scanned),
        _joined(finding.reasons),
        _joined(finding.samples),
        _joined(finding.categories),
        _joined(finding.declared),
        _joined(finding.parts),
    ]


def render(result: ScanResult, stream: TextIO, style: ReportStyle | None = None) -> None:
    name = (style or ReportStyle()).csv_dialect
    try:
        dialect = DIALECTS[name]
    except KeyError:
        raise UsageError(f"unknown CSV dialect '{name}'; choose from {', '.join(DIALECTS)}") from None
    fi = name == "excel-fi"
    if fi:
        stream.write(BOM)
    writer = csv.writer(stream, dialect=dialect)
    writer.writerow(HEADER)
    for finding in result.findings:
        writer.writerow(row(finding, decimal="," if fi else "."))
