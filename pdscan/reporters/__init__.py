"""Reporters turn a :class:`~pdscan.model.ScanResult` (or a document: a diff, a periodic report, a DSAR search)
into text. One reporter per file; the registries of output formats are here, and only here.

Reporters only render: samples arrive already masked (or raw when the user gave ``--show-data``).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import IO, TYPE_CHECKING, Any, TextIO

from pdscan.errors import UsageError
from pdscan.reporters.style import ReportStyle

if TYPE_CHECKING:
    from pdscan.model import ScanResult


def _lazy(module: str) -> Callable[..., None]:
    """A reporter module's ``render``, imported when a report is written in its format: the command line reads
    these registries at start-up for its choices, and most runs write one format (Jinja2, openpyxl load only then)."""

    def render(*args: Any, **kwargs: Any) -> None:
        importlib.import_module(f"pdscan.reporters.{module}").render(*args, **kwargs)

    return render


@dataclass(frozen=True)
class Reporter:
    """An output format of a scan. ``binary`` reporters (XLSX) write bytes and need ``-o FILE``."""

    render: Callable[..., None]  # (result, stream: TextIO, or BinaryIO when binary, style: ReportStyle)
    extension: str
    binary: bool = False


REPORTERS: dict[str, Reporter] = {
    "text": Reporter(_lazy("text_report"), ".txt"),
    "json": Reporter(_lazy("json_report"), ".json"),
    "ndjson": Reporter(_lazy("ndjson_report"), ".ndjson"),
    "csv": Reporter(_lazy("csv_report"), ".csv"),
    "markdown": Reporter(_lazy("markdown_report"), ".md"),
    "html": Reporter(_lazy("html_report"), ".html"),
    "xlsx": Reporter(_lazy("xlsx_report"), ".xlsx", binary=True),
    "sarif": Reporter(_lazy("sarif_report"), ".sarif"),
    "junit": Reporter(_lazy("junit_report"), ".xml"),
}

# The documents of the inventory and DSAR commands: built as plain dicts with a schema_version, rendered here.
DocumentReporter = Callable[[Any, TextIO], None]
PERIODIC_FORMATS: dict[str, DocumentReporter] = {
    "html": _lazy("periodic_html"),
    "markdown": _lazy("periodic_markdown"),
    "json": _lazy("document_json"),
    "text": _lazy("periodic_text"),
}
DIFF_FORMATS: dict[str, DocumentReporter] = {"text": _lazy("diff_text"), "json": _lazy("document_json")}
FIND_FORMATS: dict[str, DocumentReporter] = {"text": _lazy("find_text"), "json": _lazy("document_json")}


def render(result: ScanResult, fmt: str, stream: IO[Any], style: ReportStyle | None = None) -> None:
    try:
        reporter = REPORTERS[fmt]
    except KeyError:
        raise UsageError(f"unknown format '{fmt}'; choose from {', '.join(sorted(REPORTERS))}") from None
    reporter.render(result, stream, style or ReportStyle())
