"""Allow-lists: findings a team has reviewed and accepted (test data, a company switchboard number...).

A ``.pdscanignore`` file (YAML, versioned) lists finding fingerprints, each with the reason it is accepted::

    version: 1
    ignore:
      - fingerprint: "exports/:exports/test_customers.csv :: email:EMAIL_ADDRESS"
        reason: synthetic test customers, no real people
      - fingerprint: "crm/:*:: phone:PHONE_NUMBER"     # shell-style wildcards are allowed
        reason: company switchboard numbers

A fingerprint is ``source:location:entity``, stable from run to run (``pdscan scan --format json`` shows it).
"""

from __future__ import annotations

import fnmatch
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pdscan.errors import ConfigError
from pdscan.model import Finding
from pdscan.yamlfile import load_yaml

DEFAULT_FILE = ".pdscanignore"
SUPPORTED_VERSIONS = (1,)


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

    def reason_for(self, finding: Finding) -> str | None:
        fingerprint = finding.fingerprint
        return next((e.reason for e in self.entries if e.matches(fingerprint)), None)


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
    return AllowList(name, tuple(entries))
