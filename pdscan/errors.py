"""Typed errors. The library raises these; the CLI turns them into click errors at the edge."""

from __future__ import annotations


class PdscanError(Exception):
    """Base class of every error pdscan raises on purpose."""


class UsageError(PdscanError):
    """The user asked for something that cannot work (bad option value, unknown format...)."""


class RuleError(PdscanError):
    """A rule file is malformed. The message names the file and the field."""

    def __init__(self, path: str, field: str, reason: str) -> None:
        super().__init__(f"{path}: field '{field}': {reason}")
        self.path = path
        self.field = field
        self.reason = reason


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


class InventoryError(PdscanError):
    """The inventory database cannot be opened, read or written. ``name`` never holds a password."""

    def __init__(self, name: str, reason: str) -> None:
        super().__init__(f"inventory {name}: {reason}")
        self.name = name
        self.reason = reason
