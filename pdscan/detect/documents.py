"""What each scanned document holds, and whether it reads like a CV or an application, from the rules' metadata.

A document is CV-like when its findings give a name, a way to reach the person and a birth date (the ``card`` of
each rule's ``evidence``: name, contact, birth); it holds personal data when a finding's rule is about a person
(``evidence.personal``). No entity is named here.
"""

from __future__ import annotations

from collections.abc import Sequence

from pdscan.detect.rules import RuleSet
from pdscan.model import DocumentFacts, Finding, TableInfo

_CV_CARDS = frozenset({"name", "contact", "birth"})


def document_facts(tables: Sequence[TableInfo], findings: Sequence[Finding], rules: RuleSet) -> list[DocumentFacts]:
    """The documents among the scanned tables, each with the entities its findings name."""
    cards: dict[str, set[str]] = {}
    personal: set[str] = set()
    for rule in rules:
        if rule.card is not None:
            cards.setdefault(rule.entity, set()).add(rule.card)
        if rule.personal:
            personal.add(rule.entity)
    found: dict[str, set[str]] = {}
    for finding in findings:
        if finding.location.file is not None:
            found.setdefault(finding.location.file, set()).add(finding.entity)
    out = []
    for table in tables:
        if table.document is None or table.location.file is None or table.sampling.startswith("not scanned"):
            continue  # not a document, or one that could not be read (it is among the errors)
        entities = found.get(table.location.file, set())
        held = {card for entity in entities for card in cards.get(entity, ())}
        out.append(
            DocumentFacts(
                table.location.file,
                table.document,
                sorted(entities),
                cv_like=held >= _CV_CARDS,
                personal=bool(entities & personal),
            )
        )
    return out
