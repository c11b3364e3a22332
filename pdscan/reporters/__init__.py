"""Reporters turn a :class:`~pdscan.model.ScanResult` (or a document: a diff, a periodic report, a DSAR search)
into text. One reporter per file; the registries of output formats are here, and only here.

Reporters only render: samples arrive already masked (or raw when the user gave ``--show-data``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import IO, Any, TextIO

from pdscan.errors import UsageError
from pdscan.model import ScanResult
from pdscan.reporters import (
    csv_report,
    diff_text,
    document_json,
    find_text,
    html_report,
    json_report,
    junit_report,
    markdown_report,
    ndjson_report,
    periodic_html,
    periodic_markdown,
    periodic_text,
    sarif_report,
    text_report,
    xlsx_report,
)
from pdscan.reporters.style import ReportStyle


@dataclass(frozen=True)
class Reporter:
    """An output format of a scan. ``binary`` reporters (XLSX) write bytes and need ``-o FILE``."""

    render: Callable[..., None]  # (result, stream: TextIO, or BinaryIO when binary, style: ReportStyle)
    extension: str
    binary: bool = False


REPORTERS: dict[str, Reporter] = {
    "text": Reporter(text_report.render, ".txt"),
    "json": Reporter(json_report.render, ".json"),
    "ndjson": Reporter(ndjson_report.render, ".ndjson"),
    "csv": Reporter(csv_report.render, ".csv"),
    "markdown": Reporter(markdown_report.render, ".md"),
    "html": Reporter(html_report.render, ".html"),
    "xlsx": Reporter(xlsx_report.render, ".xlsx", binary=True),
    "sarif": Reporter(sarif_report.render, ".sarif"),
    "junit": Reporter(junit_report.render, ".xml"),
}

# The documents of the inventory and DSAR commands: built as plain dicts with a schema_version, rendered here.
DocumentReporter = Callable[[Any, TextIO], None]
PERIODIC_FORMATS: dict[str, DocumentReporter] = {
    "html": periodic_html.render,
    "markdown": periodic_markdown.render,
    "json": document_json.render,
    "text": periodic_text.render,
}
DIFF_FORMATS: dict[str, DocumentReporter] = {"text": diff_text.render, "json": document_json.render}
FIND_FORMATS: dict[str, DocumentReporter] = {"text": find_text.render, "json": document_json.render}


def render(result: ScanResult, fmt: str, stream: IO[Any], style: ReportStyle | None = None) -> None:
    try:
        reporter = REPORTERS[fmt]
    except KeyError:
        raise UsageError(f"unknown format '{fmt}'; choose from {', '.join(sorted(REPORTERS))}") from None
    reporter.render(result, stream, style or ReportStyle())
