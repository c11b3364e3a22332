"""Connectors: what a SOURCE on the command line turns into."""

from __future__ import annotations

import os
import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

from pdscan.errors import SourceError
from pdscan.sources.base import Source, SourceOptions, describe

_URL = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*://")
_DRIVE = re.compile(r"^/[a-zA-Z]:[/\\]")
# What a user meant as a URL even when mistyped: "scheme:/" (one slash; two letters or more, so C:/ stays a
# path), or a database dialect's name and a colon ("postgresql:user@host/db").
_URL_LIKE = re.compile(
    r"^(?:[a-zA-Z][a-zA-Z0-9+.-]+:/|(?:postgres|postgresql|psql|mysql|mariadb|sqlite|mssql|oracle|redshift"
    r"|cockroachdb|snowflake|duckdb|clickhouse)(?:\+[\w.-]*)?:)",
    re.IGNORECASE,
)


def looks_like_url(spec: str) -> bool:
    """Written as a URL, rightly or not. Such a string is never taken as a file path unless that path exists:
    a mistyped URL taken as a path is printed as it is, password and all, and could become a directory name."""
    return "://" in spec or bool(_URL_LIKE.match(spec))


def _existing_path(spec: str) -> bool:
    try:
        return os.path.lexists(spec)
    except (OSError, ValueError):  # a name too long, a NUL byte
        return False


def open_source(spec: str, options: SourceOptions | None = None) -> Source:
    """A database for a SQLAlchemy URL, otherwise a file or folder. Raises SourceError when it does not exist."""
    options = options or SourceOptions()
    if spec[:7].lower() == "file://":
        spec = file_url_path(spec)
    elif _URL.match(spec) and spec.split("://", 1)[0].lower() in _remote_protocols():
        from pdscan.sources.remote import RemoteFileSource

        return RemoteFileSource(spec, include=options.include, exclude=options.exclude)
    elif looks_like_url(spec) and not _existing_path(spec):
        from pdscan.sources.sql import DatabaseSource  # SQLAlchemy loads only when a database is scanned

        return DatabaseSource(spec, options)  # a malformed URL raises UrlError, naming it masked
    from pdscan.sources.files import FileSource

    path = Path(spec)
    try:
        exists = path.exists()
    except OSError as exc:  # a folder on the way we may not enter, a name too long for the file system
        raise SourceError(spec, describe(exc)) from exc
    if not exists:
        raise SourceError(spec, "no such file or directory")
    if path.is_file() and _is_sqlite(path):
        from pdscan.sources.sql import DatabaseSource

        # A SQLite database named as a file (crm.sqlite): scanned as the database it is, read-only.
        return DatabaseSource(f"sqlite:///{path}", options)
    return FileSource(
        spec,
        include=options.include,
        exclude=options.exclude,
        ocr=options.ocr,
        limits=options.limits,
        exclude_from=options.exclude_from,
        patterns_base=options.patterns_base,
    )


def _is_sqlite(path: Path) -> bool:
    """A SQLite database file, by its 16-byte header (whatever its name: .sqlite, .db, .sqlite3...)."""
    try:
        with path.open("rb") as f:
            return f.read(16) == b"SQLite format 3\x00"
    except OSError:
        return False


def mask_source(spec: str) -> str:
    """A source as reports, errors and the inventory show it: URLs without their passwords or keys."""
    if spec[:7].lower() == "file://" or not looks_like_url(spec) or _existing_path(spec):
        return spec
    if _URL.match(spec) and spec.split("://", 1)[0].lower() in _remote_protocols():
        from pdscan.sources.remote import mask_remote

        return mask_remote(spec)
    from pdscan.sources.sql import mask_url

    return mask_url(spec)


def _remote_protocols() -> frozenset[str]:
    from pdscan.sources.remote import PROTOCOLS

    return PROTOCOLS


def file_url_path(url: str) -> str:
    """The path of a ``file://`` URL: ``file:///data/a%20b.csv`` -> ``/data/a b.csv``.

    ``file://exports/a.csv`` (a relative path written as a URL, not standard but common) stays relative.
    """
    parts = urlsplit(url)
    host = parts.netloc if parts.netloc.lower() not in ("", "localhost") else ""
    path = unquote(host + parts.path)
    return path[1:] if _DRIVE.match(path) else path  # file:///C:/data -> C:/data


__all__ = ["Source", "file_url_path", "looks_like_url", "mask_source", "open_source"]
