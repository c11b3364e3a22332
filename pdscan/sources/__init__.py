"""Connectors: what a SOURCE on the command line turns into."""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

from pdscan.errors import SourceError
from pdscan.sources.base import Source

_URL = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*://")


def open_source(spec: str, include: Sequence[str] = (), exclude: Sequence[str] = ()) -> Source:
    """A database for a SQLAlchemy URL, otherwise a file or folder. Raises SourceError when it does not exist."""
    if spec.startswith("file://"):
        spec = spec[len("file://") :]
    elif _URL.match(spec):
        from pdscan.sources.sql import DatabaseSource  # SQLAlchemy loads only when a database is scanned

        return DatabaseSource(spec)
    from pdscan.sources.files import FileSource

    path = Path(spec)
    try:
        exists = path.exists()
    except OSError as exc:  # e.g. a name too long for the file system
        raise SourceError(spec, exc.strerror or "cannot access") from exc
    if not exists:
        raise SourceError(spec, "no such file or directory")
    return FileSource(spec, include=include, exclude=exclude)


__all__ = ["Source", "open_source"]
