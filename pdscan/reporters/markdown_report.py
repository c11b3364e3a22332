"""``--format markdown``: the report for a DPO's wiki."""

from __future__ import annotations

from typing import TextIO

from pdscan.model import ScanResult
from pdscan.reporters.context import report_context
from pdscan.reporters.style import ReportStyle
from pdscan.reporters.templates import environment


def render(result: ScanResult, stream: TextIO, style: ReportStyle | None = None) -> None:
    stream.write(environment("markdown").get_template("report.md.j2").render(**report_context(result)))
