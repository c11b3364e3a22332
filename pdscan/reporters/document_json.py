"""``--format json`` for the inventory's documents (periodic report, diff, history): the document as it is built,
with its ``schema_version``."""

from __future__ import annotations

import json
from typing import Any, TextIO


def render(document: Any, stream: TextIO) -> None:
    json.dump(document, stream, ensure_ascii=False, indent=2)
    stream.write("\n")
