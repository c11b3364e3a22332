"""Reporters turn a :class:`~pdscan.model.ScanResult` into text. One reporter per file; this is the one registry.

Reporters only render: samples arrive already masked (or raw when the user gave ``--show-data``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TextIO

from pdscan.errors import UsageError
from pdscan.model import ScanResult
from pdscan.reporters import csv_report, html_report, json_report, markdown_report, ndjson_report, text_report

REPORTERS: dict[str, Callable[[ScanResult, TextIO], None]] = {
    "text": text_report.render,
    "json": json_report.render,
    "ndjson": ndjson_report.render,
    "csv": csv_report.render,
    "markdown": markdown_report.render,
    "html": html_report.render,
}


def render(result: ScanResult, fmt: str, stream: TextIO) -> None:
    try:
        reporter = REPORTERS[fmt]
    except KeyError:
        raise UsageError(f"unknown format '{fmt}'; choose from {', '.join(sorted(REPORTERS))}") from None
    reporter(result, stream)
