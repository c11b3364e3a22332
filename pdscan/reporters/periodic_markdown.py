"""``pdscan report --inventory --format markdown``: the periodic inventory report for a DPO's wiki."""

from __future__ import annotations

from typing import Any, TextIO

from pdscan.reporters.markdown_tidy import tidy
from pdscan.reporters.periodic_html import totals
from pdscan.reporters.templates import environment


def render(report: dict[str, Any], stream: TextIO) -> None:
    template = environment("markdown").get_template("periodic.md.j2")
    stream.write(tidy(template.render(report=report, totals=totals(report))))
