"""``--format csv``: one row per finding, for spreadsheets."""

from __future__ import annotations

import csv
from typing import TextIO

from pdscan.model import ScanResult
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
]
# OWASP "CSV injection": a cell starting with one of these runs as a formula in Excel. Masked phone samples
# such as "+358***67" start with '+', so every text cell is checked.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _safe(value: object) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def render(result: ScanResult, stream: TextIO, style: ReportStyle | None = None) -> None:
    writer = csv.writer(stream, lineterminator="\n")
    writer.writerow(HEADER)
    for f in result.findings:
        loc = f.location
        writer.writerow(
            [
                _safe(v)
                for v in (f.source, loc.file, loc.sheet, loc.schema, loc.table, loc.column, f.entity, f.confidence)
            ]
            + [f"{f.score:.3f}", f.match_count, f.values_scanned, f.rows_scanned]
            + [_safe(" | ".join(f.reasons)), _safe(" | ".join(f.samples)), " ".join(f.categories)]
            + [_safe(" | ".join(f.declared)) if f.declared is not None else ""]
        )
