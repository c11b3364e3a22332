"""``--format ndjson``: one JSON object per line, for log pipelines and ``jq``.

Every line carries ``schema_version`` and a ``record`` discriminator: one ``scan`` record, then ``finding``,
``table`` and ``error`` records (then ``compliance`` and ``retention`` records with a declaration).
"""

from __future__ import annotations

import json
from typing import Any, TextIO

from pdscan.model import ScanResult
from pdscan.reporters.style import ReportStyle


def render(result: ScanResult, stream: TextIO, style: ReportStyle | None = None) -> None:
    whole = result.to_dict(lazy=True)  # records one at a time, as they are written
    head = {k: whole[k] for k in ("tool", "started_at", "finished_at", "interrupted", "options")}
    head["sources"] = list(whole["sources"])
    _line(stream, "scan", head)
    for finding in whole["findings"]:
        _line(stream, "finding", finding)
    for table in whole["tables"]:
        _line(stream, "table", table)
    for error in whole["errors"]:
        _line(stream, "error", error)
    if "compliance" in whole:
        _line(stream, "compliance", whole["compliance"])
    for check in whole.get("retention", []):
        _line(stream, "retention", check)


def _line(stream: TextIO, record: str, body: dict[str, Any]) -> None:
    stream.write(
        json.dumps(
            {"schema_version": ScanResult.SCHEMA_VERSION, "record": record, **body},
            ensure_ascii=False,
            separators=(",", ":"),
        )
    )
    stream.write("\n")
