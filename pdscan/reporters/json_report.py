"""``--format json``: the whole result as one document (schema documented in the README)."""

from __future__ import annotations

import json
from typing import TextIO

from pdscan.model import ScanResult
from pdscan.reporters.style import ReportStyle


def render(result: ScanResult, stream: TextIO, style: ReportStyle | None = None) -> None:
    json.dump(result.to_dict(), stream, indent=2, ensure_ascii=False)
    stream.write("\n")
