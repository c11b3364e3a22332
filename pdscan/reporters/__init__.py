"""Reporters turn a :class:`~pdscan.model.ScanResult` (or a document: a diff, a periodic report, a DSAR search)
into text. One reporter per file; the registries of output formats are here, and only here.

Reporters only render: samples arrive already masked (or raw when the user gave ``--show-data``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TextIO

from pdscan.errors import UsageError
from pdscan.model import ScanResult
from pdscan.reporters import (
    csv_report,
    diff_text,
    document_json,
    find_text,
    html_report,
    json_report,
    markdown_report,
    ndjson_report,
    periodic_html,
    periodic_markdown,
    text_report,
)

REPORTERS: dict[str, Callable[[ScanResult, TextIO], None]] = {
    "text": text_report.render,
    "json": json_report.render,
    "ndjson": ndjson_report.render,
    "csv": csv_report.render,
    "markdown": markdown_report.render,
    "html": html_report.render,
}

# The documents of the inventory and DSAR commands: built as plain dicts with a schema_version, rendered here.
DocumentReporter = Callable[[Any, TextIO], None]
PERIODIC_FORMATS: dict[str, DocumentReporter] = {
    "html": periodic_html.render,
    "markdown": periodic_markdown.render,
    "json": document_json.render,
}
DIFF_FORMATS: dict[str, DocumentReporter] = {"text": diff_text.render, "json": document_json.render}
FIND_FORMATS: dict[str, DocumentReporter] = {"text": find_text.render, "json": document_json.render}


def render(result: ScanResult, fmt: str, stream: TextIO) -> None:
    try:
        reporter = REPORTERS[fmt]
    except KeyError:
        raise UsageError(f"unknown format '{fmt}'; choose from {', '.join(sorted(REPORTERS))}") from None
    reporter(result, stream)
