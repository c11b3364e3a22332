"""From merged column statistics to findings, through the evidence model (:mod:`pdscan.detect.evidence`).

A table gives one finding per column and entity; a document (its parts merged: pages, headers, body) gives one
finding per entity for the whole document, because a document is the unit a reader and a DPO deal with.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from functools import reduce

from pdscan import options as defaults
from pdscan.detect.evidence import Assessment, Subject, assess
from pdscan.detect.rules import NameEvidence, Rule, RuleSet
from pdscan.detect.stats import ColumnStats
from pdscan.model import CONFIDENCE_LEVELS, Finding, Location


def name_evidence(rule: Rule, column: str) -> NameEvidence:
    return rule.name_evidence(column)


def at_least(confidence: str, minimum: str) -> bool:
    return CONFIDENCE_LEVELS.index(confidence) >= CONFIDENCE_LEVELS.index(minimum)


def column_findings(
    source: str,
    location: Location,
    stats: ColumnStats,
    rules: RuleSet,
    min_confidence: str = "low",
    table_columns: Sequence[str] = (),
) -> list[Finding]:
    """The findings of one column: at most one per entity, the best-assessed rule's evidence first.

    ``table_columns`` are the names of the other columns of the same table: context for weak rules.
    """
    best: dict[str, list[Assessment]] = {}
    # Rules no value and no name speak for are skipped: assess would say nothing (evidence._header_only).
    wanted = rules.named(stats.name) | {rule_id for rule_id, seen in stats.rules.items() if seen.match_count}
    for rule in rules:
        if rule.id not in wanted or stats.kind not in rule.kinds:
            continue
        subject = Subject(stats, header=stats.name, table_context=rule.table_context(stats.name, table_columns))
        assessed = assess(rule, subject)
        if assessed is not None:
            best.setdefault(rule.entity, []).append(assessed)
    return _findings(source, location.with_column(stats.name), stats, best, min_confidence)


def document_findings(
    source: str, location: Location, parts: Sequence[ColumnStats], rules: RuleSet, min_confidence: str = "low"
) -> list[Finding]:
    """The findings of one document: its parts merged, judged as one subject, one finding per entity.

    Two passes: first each entity on its own, then again with the kinds of contact data (``evidence.card``) that
    the document's *other* entities give at low or better, so a name beside a phone and an e-mail gains."""
    if not parts:
        return []
    whole = reduce(lambda a, b: a.merge(b, defaults.MAX_SAMPLES), parts[1:], _renamed(parts[0]))
    alone: dict[str, Assessment] = {}
    for rule in rules:
        assessed = assess(rule, Subject(whole, document=True))
        if assessed is not None and assessed.confidence is not None:
            current = alone.get(rule.entity)
            if current is None or assessed.log_odds > current.log_odds:
                alone[rule.entity] = assessed
    cards: dict[str, set[str]] = {}
    for entity, assessed in alone.items():
        if assessed.rule.card is not None:
            cards.setdefault(assessed.rule.card, set()).add(entity)
    best: dict[str, list[Assessment]] = {}
    for rule in rules:
        own = {rule.card} if rule.card else set()
        others = frozenset(card for card, entities in cards.items() if card not in own and entities - {rule.entity})
        assessed = assess(rule, Subject(whole, document=True, cards=others))
        if assessed is not None:
            best.setdefault(rule.entity, []).append(assessed)
    found = _findings(source, location.container(), whole, best, min_confidence)
    for finding in found:
        finding.parts = [p.name for p in parts if any((s := p.rules.get(r)) and s.match_count for r in finding.rules)]
        if finding.parts:
            finding.reasons.insert(0, f"in {', '.join(finding.parts)}")
    return found


def _renamed(stats: ColumnStats) -> ColumnStats:
    return ColumnStats("", stats.kind, stats.rows, stats.values, dict(stats.rules), stats.distinct, stats.dates)


def _findings(
    source: str, location: Location, stats: ColumnStats, best: dict[str, list[Assessment]], min_confidence: str
) -> list[Finding]:
    findings = []
    for entity, candidates in best.items():
        candidates.sort(key=lambda a: -a.log_odds)
        top = candidates[0]
        confidence = top.confidence
        if confidence is None or not at_least(confidence, min_confidence):
            continue
        findings.append(
            Finding(
                source=source,
                location=location,
                entity=entity,
                rules=[c.rule.id for c in candidates],
                confidence=confidence,
                score=top.score,
                match_count=top.match_count,
                values_scanned=stats.values,
                rows_scanned=stats.rows,
                reasons=[sys.intern(reason) for reason in top.reasons],  # the same lines recur in every file
                samples=list(top.samples),
                categories=list(dict.fromkeys(k for c in candidates for k in c.rule.categories)),
            )
        )
    return sorted(findings, key=lambda f: -f.score)


def with_table_context(found: list[Finding], rules: RuleSet, document: bool = False) -> list[Finding]:
    """A table's findings without its quasi-identifiers (postal codes; in a document also the words of special
    categories) when nothing else personal is in it."""
    quasi = {r.entity for r in rules if r.quasi_identifier or (document and r.quasi_in_documents)}
    personal = {r.entity for r in rules if r.personal}
    if not quasi or any(f.entity not in quasi and f.entity in personal for f in found):
        return found
    return [f for f in found if f.entity not in quasi]
