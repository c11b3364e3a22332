"""Allow-lists: findings a team has reviewed and accepted (test data, a company switchboard number...).

A ``.pdscanignore`` file (YAML, versioned) lists finding fingerprints, each with the reason it is accepted::

    version: 1
    ignore:
      - fingerprint: "exports/:exports/test_customers.csv :: email:EMAIL_ADDRESS"
        reason: synthetic test customers, no real people
      - fingerprint: "crm/:*:: phone:PHONE_NUMBER"     # shell-style wildcards are allowed
        reason: company switchboard numbers

A fingerprint is ``source:location:entity``, stable from run to run (``pdscan scan --format json`` shows it).
Paths in it are compared normalised, relative to the allow-list's folder: ``exports/``, ``./exports`` and
``/abs/path/exports`` name the same folder, so an entry does not depend on how the path was spelled on the command
line. An entry that matched no finding is reported after the scan (a renamed file, a fixed finding, a typo).
"""

from __future__ import annotations

import fnmatch
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pdscan.errors import ConfigError
from pdscan.model import Finding
from pdscan.yamlfile import load_yaml

DEFAULT_FILE = ".pdscanignore"
SUPPORTED_VERSIONS = (1,)


def _path(text: str, base: str) -> str:
    """A path relative to ``base`` with forward slashes; a URL or an empty string as it is."""
    if not text or "://" in text:
        return text
    return os.path.relpath(os.path.abspath(text), base).replace(os.sep, "/")


def _location(text: str, base: str) -> str:
    """``file [sheet] :: column`` with the file part normalised (a database location has no path)."""
    cut = min((i for i in (text.find(" ["), text.find(" :: ")) if i >= 0), default=len(text))
    head, rest = text[:cut], text[cut:]
    return (_path(head, base) if "/" in head or "." in head else head) + rest


def normal_fingerprint(fingerprint: str, base: str) -> str:
    """``source:location:entity`` with the paths of a file source normalised (see the module's docstring)."""
    head, _, entity = fingerprint.rpartition(":")
    if "://" in head or ":" not in head:
        return fingerprint  # a database URL source, or not a fingerprint: compared as written
    source, _, location = head.partition(":")
    return f"{_path(source, base)}:{_location(location, base)}:{entity}"


@dataclass(frozen=True)
class Entry:
    fingerprint: str
    reason: str

    def matches(self, fingerprint: str) -> bool:
        return fingerprint == self.fingerprint or fnmatch.fnmatchcase(fingerprint, self.fingerprint)


@dataclass(frozen=True)
class AllowList:
    path: str
    entries: tuple[Entry, ...]
    base: str = field(default_factory=os.getcwd)  # the folder paths in entries are relative to

    def entry_for(self, finding: Finding) -> Entry | None:
        """The first entry that accepts the finding, comparing normalised fingerprints (and raw ones, as written)."""
        raw = finding.fingerprint
        normal = normal_fingerprint(raw, self.base)
        for entry in self.entries:
            if entry.matches(raw) or Entry(normal_fingerprint(entry.fingerprint, self.base), "").matches(normal):
                return entry
        return None

    def reason_for(self, finding: Finding) -> str | None:
        entry = self.entry_for(finding)
        return entry.reason if entry is not None else None


def load_allowlist(path: Path) -> AllowList:
    name = str(path)
    data: Any = load_yaml(path, name)
    if not isinstance(data, dict):
        raise ConfigError(name, "", "expected a mapping with 'version' and 'ignore'")
    if data.get("version") not in SUPPORTED_VERSIONS:
        raise ConfigError(name, "version", f"must be one of {list(SUPPORTED_VERSIONS)}")
    items = data.get("ignore") or []
    if not isinstance(items, list):
        raise ConfigError(name, "ignore", "a list of entries")
    entries = []
    for i, item in enumerate(items):
        where = f"ignore[{i}]"
        if not isinstance(item, dict):
            raise ConfigError(name, where, "an entry with 'fingerprint' and 'reason'")
        fingerprint, reason = item.get("fingerprint"), item.get("reason")
        if not isinstance(fingerprint, str) or not fingerprint.strip():
            raise ConfigError(name, f"{where}.fingerprint", "required")
        if not isinstance(reason, str) or not reason.strip():
            raise ConfigError(name, f"{where}.reason", "required: say why this finding is accepted")
        entries.append(Entry(fingerprint.strip(), reason.strip()))
    return AllowList(name, tuple(entries), os.path.dirname(os.path.abspath(path)))
