"""Typed errors. The library raises these; the CLI turns them into click errors at the edge."""

from __future__ import annotations

import re


class PdscanError(Exception):
    """Base class of every error pdscan raises on purpose."""


class UsageError(PdscanError):
    """The user asked for something that cannot work (bad option value, unknown format...)."""


class ConfigError(UsageError):
    """A configuration file is malformed: a rule, a declaration, an allow-list, the taxonomy, a vocabulary.

    One style for all of them: ``path: field 'x.y': reason`` (``path: reason`` when no field is to blame), so a user
    knows which file and which line of it to open.
    """

    def __init__(self, path: str, field: str, reason: str) -> None:
        super().__init__(f"{path}: field '{field}': {reason}" if field else f"{path}: {reason}")
        self.path = path
        self.field = field
        self.reason = reason


class RuleError(ConfigError):
    """A rule file is malformed. The message names the file and the field."""


class SourceError(PdscanError):
    """A source, file, sheet or table cannot be read. The scan records it and goes on with the rest.

    ``reason`` is one line and must never contain a scanned value or a password.
    """

    def __init__(self, source: str, reason: str, location: str | None = None) -> None:
        where = f"{source} [{location}]" if location else source
        super().__init__(f"{where}: {reason}")
        self.source = source
        self.location = location
        self.reason = reason


# How a source written as a URL is named when it cannot be parsed: its text may hold the password anywhere.
UNPARSABLE_URL = "an unparsable URL"


class UrlError(SourceError):
    """A source that is written as a URL but cannot be parsed or used as one.

    ``source`` is the URL with its password replaced (``postgresql://scanner:***@db/crm``), or the words "an
    unparsable URL": the string the user typed never appears in the message, since a malformed URL may hold its
    password anywhere.
    """


class InventoryError(PdscanError):
    """The inventory database cannot be opened, read or written. ``name`` never holds a password."""

    def __init__(self, name: str, reason: str) -> None:
        super().__init__(f"inventory {name}: {reason}")
        self.name = name
        self.reason = reason


def one_line(exc: BaseException, limit: int = 300) -> str:
    """The first line of an exception's message (a database driver's own, without the SQL SQLAlchemy appends).

    Error entries and messages are one line: later lines of library messages carry SQL, parameters or stack
    context that may hold a scanned value.
    """
    original = getattr(exc, "orig", None) or exc
    text = str(original).strip().splitlines()
    line = text[0] if text else ""
    # PyMySQL's str() is its args tuple, ``(2003, "Can't connect ...")``: the message alone reads better, and so
    # does a socket error without its ``[Errno 111]`` prefix.
    match = _DRIVER_TUPLE.match(line)
    if match:
        line = match.group(2)
    line = _ERRNO.sub("", line).strip()
    return (line or type(original).__name__)[:limit]


_DRIVER_TUPLE = re.compile(r"""^\(\s*-?\d+\s*,\s*(['"])(.*)\1\s*\)$""", re.DOTALL)
_ERRNO = re.compile(r"\[Errno -?\d+\]\s*")
