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

import yaml

from pdscan.errors import UsageError
from pdscan.model import Finding

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
    try:
        data: Any = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise UsageError(f"{name}: cannot read ({exc.strerror or exc})") from exc
    except yaml.YAMLError as exc:
        raise UsageError(f"{name}: invalid YAML") from exc
    if not isinstance(data, dict):
        raise UsageError(f"{name}: expected a mapping with 'version' and 'ignore'")
    if data.get("version") not in SUPPORTED_VERSIONS:
        raise UsageError(f"{name}: field 'version': must be one of {list(SUPPORTED_VERSIONS)}")
    items = data.get("ignore") or []
    if not isinstance(items, list):
        raise UsageError(f"{name}: field 'ignore': a list of entries")
    entries = []
    for i, item in enumerate(items):
        where = f"{name}: field 'ignore[{i}]"
        if not isinstance(item, dict):
            raise UsageError(f"{where}': an entry with 'fingerprint' and 'reason'")
        fingerprint, reason = item.get("fingerprint"), item.get("reason")
        if not isinstance(fingerprint, str) or not fingerprint.strip():
            raise UsageError(f"{where}.fingerprint': required")
        if not isinstance(reason, str) or not reason.strip():
            raise UsageError(f"{where}.reason': required: say why this finding is accepted")
        entries.append(Entry(fingerprint.strip(), reason.strip()))
    return AllowList(name, tuple(entries))
