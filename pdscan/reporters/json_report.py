"""``--format json``: the whole result as one document (schema documented in the README).

Written for both readers: the document is indented, but each finding (each entry of a list of objects) is one
line. Python's JSON encoder is C only without indentation, and a folder of 20,000 exports has 300,000 findings:
fully indented, writing them took longer than finding them (issue 25).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any, TextIO

from pdscan.model import ScanResult
from pdscan.reporters.style import ReportStyle


def render(result: ScanResult, stream: TextIO, style: ReportStyle | None = None) -> None:
    # Records (tables, findings...) come one at a time and go out as they come: no list of 234,000 dicts and no
    # string of 183 MB for a folder of 20,000 exports.
    document = result.to_dict(lazy=True)
    stream.write("{")
    for n, (key, value) in enumerate(document.items()):
        stream.write(",\n  " if n else "\n  ")
        stream.write(f"{_dumps(key)}: ")
        if isinstance(value, Iterator):
            _records(stream, value)
        else:
            stream.write(_value(value))
    stream.write("\n}\n")


def _records(stream: TextIO, records: Iterator[dict[str, Any]]) -> None:
    """A list of records, one per line, written as they come."""
    first = next(records, None)
    if first is None:
        stream.write("[]")
        return
    stream.write("[\n    " + _dumps(first))
    for record in records:
        stream.write(",\n    " + _dumps(record))
    stream.write("\n  ]")


def _value(value: Any) -> str:
    # A JSON text holds no raw line break (they are escaped in strings): indenting its lines is safe.
    return json.dumps(value, indent=2, ensure_ascii=False).replace("\n", "\n  ")


_ENCODER = json.JSONEncoder(ensure_ascii=False)  # one encoder, not one per record (json.dumps makes a new one)


def _dumps(value: Any) -> str:
    return _ENCODER.encode(value)
