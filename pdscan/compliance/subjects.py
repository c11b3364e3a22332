"""Which data subject group a finding's location holds: the declaration's ``systems`` globs say it, or failing
those the location's own names (``henkilosto.csv``, ``crm.asiakkaat``, ``hakemukset/``) suggest it, by the hints
of ``rules/notices/terms.yaml`` (``subjects.<id>.systems``). Only the groups the declaration names are candidates;
a name that suggests two groups suggests none. The answer says how it was reached, for the report.
"""

from __future__ import annotations

import fnmatch
import functools
import os
import re
import unicodedata

from pdscan.compliance.declaration import Declaration
from pdscan.model import Finding
from pdscan.resources import builtin_rules_dir
from pdscan.yamlfile import load_yaml

_TOKEN = re.compile(r"[a-z]+")


def _fold(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text.lower()) if not unicodedata.combining(c))


@functools.lru_cache(maxsize=1)
def system_hints() -> dict[str, tuple[str, ...]]:
    """Subject id -> the words of system names that suggest it (folded: henkilosto, asiakkaat, applicants)."""
    data = load_yaml(builtin_rules_dir() / "notices" / "terms.yaml", what="the notice vocabulary")
    subjects = data.get("subjects", {}) if isinstance(data, dict) else {}
    return {key: tuple(_fold(h) for h in value.get("systems", [])) for key, value in subjects.items()}


def _names(finding: Finding) -> list[str]:
    """The names a system glob is tried on: the source, the location as shown, and the file's path from the folder
    scanned (``kanta/asiakkaat.csv`` whether the scan was of ``kanta``, ``./kanta`` or ``/srv/kanta``)."""
    where = finding.location
    names = [finding.source, where.display(with_column=False), where.file, where.table, where.sheet]
    if where.file:
        root = os.path.normpath(finding.source)
        path = os.path.normpath(where.file.split("!", 1)[0])
        if path == root or path.startswith(root + os.sep):
            names.append(os.path.join(os.path.basename(root), os.path.relpath(path, root)))
    return [n for n in names if n]


def subject_of(finding: Finding, declaration: Declaration) -> tuple[str | None, str | None]:
    """(subject id, how it was told) for a finding's location, or (None, None) when nothing says."""
    names = _names(finding)
    for system in declaration.systems:
        for pattern in system.match:
            # A relative glob (crm/*) matches at any depth, whatever prefix the path was given with.
            if any(fnmatch.fnmatch(name, pattern) or fnmatch.fnmatch(name, f"*/{pattern}") for name in names):
                return system.subject, f"systems: {pattern}"
    declared = {s.id for s in declaration.subjects}
    tokens = {t for name in names for t in _TOKEN.findall(_fold(name))}
    suggested: dict[str, str] = {}
    for subject, hints in system_hints().items():
        if subject not in declared:
            continue
        for token in sorted(tokens):
            if any(token.startswith(hint) for hint in hints):
                suggested.setdefault(subject, token)
    if len(suggested) == 1:
        subject, token = next(iter(suggested.items()))
        return subject, f"inferred from the name '{token}'"
    return None, None
