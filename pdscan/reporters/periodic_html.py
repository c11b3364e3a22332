"""``pdscan report --inventory --format html``: the periodic inventory report as one self-contained page."""

from __future__ import annotations

from typing import Any, TextIO

from pdscan.reporters.templates import environment


def totals(report: dict[str, Any]) -> dict[str, int]:
    """Sums over the per-source diffs of the period, for the summary cards."""
    out = {"new_locations": 0, "removed_locations": 0, "new_undeclared": 0, "new_columns": 0}
    for change in report["changes"]:
        summary = (change.get("diff") or {}).get("summary", {})
        for key in out:
            out[key] += int(summary.get(key, 0))
    return out


def render(report: dict[str, Any], stream: TextIO) -> None:
    template = environment("html").get_template("periodic.html.j2")
    stream.write(template.render(report=report, totals=totals(report)))
