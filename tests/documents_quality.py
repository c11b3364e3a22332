"""Document-level precision and recall of a scan of the generated HR share (tests/hr_share.py): per entity, a
document counts as found when some finding in it (any part, at or above a confidence) names the entity.

Shared by tests/sources/test_documents_share.py (which fails the build below the targets) and
bench/bench_documents.py (which prints the table and pages per second).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pdscan.detect.findings import at_least
from pdscan.model import ScanResult

# The manifest's names for what pdscan calls otherwise.
ENTITY = {"LOCATION": "STREET_ADDRESS"}
SCORED = ("PERSON", "EMAIL_ADDRESS", "PHONE_NUMBER", "FI_PERSONAL_IDENTITY_CODE", "IBAN_CODE", "DATE_OF_BIRTH",
          "STREET_ADDRESS")  # fmt: skip
TARGET = 0.95


@dataclass
class Score:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    false_positives: list[str] | None = None
    misses: list[str] | None = None

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0


def found_per_document(result: ScanResult, root: Path, min_confidence: str = "low") -> dict[str, set[str]]:
    """Entities found per document, keyed like the manifest (path relative to the share, ``!`` for members)."""
    out: dict[str, set[str]] = {}
    prefix = str(root).rstrip("/") + "/"
    for finding in result.findings:
        if not at_least(finding.confidence, min_confidence) or finding.location.file is None:
            continue
        out.setdefault(finding.location.file.removeprefix(prefix), set()).add(finding.entity)
    return out


def score(manifest: dict[str, Any], found: dict[str, set[str]]) -> dict[str, Score]:
    scores = {entity: Score(false_positives=[], misses=[]) for entity in SCORED}
    for path, truth in manifest["documents"].items():
        planted = {ENTITY.get(e, e) for e in truth["entities"]}
        seen = found.get(path, set())
        for entity in SCORED:
            s = scores[entity]
            if entity in planted and entity in seen:
                s.tp += 1
            elif entity in seen:
                s.fp += 1
                assert s.false_positives is not None
                s.false_positives.append(path)
            elif entity in planted:
                s.fn += 1
                assert s.misses is not None
                s.misses.append(path)
    return scores
