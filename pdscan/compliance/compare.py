"""Declared vs found: each finding's data categories against what the privacy notice declares.

The comparison is a pure function of a scan result and a declaration. It marks every finding with the declared
categories that cover it (or ``UNDECLARED``) and builds the report's sections: found but undeclared (the compliance
gaps, high-risk first), found and declared, declared but never found, and coverage.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Protocol

from pdscan.compliance.declaration import Declaration
from pdscan.compliance.subjects import subject_of
from pdscan.compliance.taxonomy import Taxonomy, covers
from pdscan.model import (
    Compliance,
    ComplianceSummary,
    Coverage,
    DeclaredCategory,
    Finding,
    FindingRef,
    Gap,
    ScanResult,
    TableInfo,
)

UNDECLARED = "UNDECLARED"
CV_DOCUMENT = "CV_LIKE_DOCUMENT"  # a declared category's location that is a CV-like document, not one finding


class Categorised(Protocol):
    """What the comparison needs of a detection rule: the data categories it finds (a RuleSet's rules have it).
    Typed by shape so that the compliance layer does not depend on the detector."""

    @property
    def categories(self) -> tuple[str, ...]: ...


def _location(
    finding: Finding, key: str | None = None, subject: tuple[str | None, str | None] = (None, None)
) -> FindingRef:
    return FindingRef(
        source=finding.source,
        location=finding.location.to_dict(),
        display=finding.location.display(),
        entity=finding.entity,
        confidence=finding.confidence,
        match_count=finding.match_count,
        rows_scanned=finding.rows_scanned,
        key=key,
        subject=subject[0],
        subject_from=subject[1],
    )


def _document(table: TableInfo, key: str) -> FindingRef:
    """A CV-like document as a location of the declared category it is evidence of."""
    return FindingRef(
        source=table.source,
        location=table.location.to_dict(),
        display=table.location.display(),
        entity=CV_DOCUMENT,
        confidence="medium",
        match_count=1,
        rows_scanned=table.rows_scanned,
        key=key,
    )


def compare(
    result: ScanResult, declaration: Declaration, taxonomy: Taxonomy, rules: Iterable[Categorised] | None = None
) -> None:
    """Mark ``result.findings`` with their declared categories and set ``result.compliance``.

    ``rules``: the rules of the scan, to tell "declared, never found" apart from "declared, nothing looks for it".
    """
    # (key, subject id or None) -> findings; subject-aware gaps also remember the groups the key is declared for.
    undeclared: dict[tuple[str, str | None], list[Finding]] = defaultdict(list)
    declared_for: dict[tuple[str, str | None], set[str]] = defaultdict(set)
    declared_hits: dict[int, list[tuple[str, Finding]]] = defaultdict(list)
    subjects: dict[int, tuple[str | None, str | None]] = {}
    for finding in result.findings:
        subject = subjects[id(finding)] = subject_of(finding, declaration)
        matched: list[str] = []
        other_groups: set[str] = set()
        for index, category in enumerate(declaration.categories):
            hit = next(
                (found for found in finding.categories for key in category.keys if covers(key, found, taxonomy)), None
            )
            if hit is None:
                continue
            if subject[0] is not None and subject[0] not in category.subjects:
                other_groups.update(category.subjects)  # declared, but for other people than these
                continue
            matched.append(category.name)
            declared_hits[index].append((hit, finding))
        finding.declared = matched or [UNDECLARED]
        if not matched:
            for key in finding.categories or ["user"]:
                gap = (taxonomy.canonical(key), subject[0] if other_groups else None)
                undeclared[gap].append(finding)
                declared_for[gap] |= other_groups

    # A document that reads like a CV (a name, a way to reach the person, a birth date) is evidence of a declared
    # CV category ("ansioluettelot") even when no single finding of it is: the findings are names and phones.
    documents: dict[int, list[FindingRef]] = defaultdict(list)
    tables = {t.location.file: t for t in result.tables if t.location.file is not None}
    for doc in result.document_facts:
        table = tables.get(doc.file)
        if not doc.cv_like or table is None:
            continue
        for index, category in enumerate(declaration.categories):
            evidence = next((k for k in category.keys for cv in taxonomy.cv_keys if covers(k, cv, taxonomy)), None)
            if evidence is not None:
                documents[index].append(_document(table, evidence))

    detectable = {key for rule in rules for key in rule.categories} if rules is not None else None
    gaps = []
    for (key, subject_id), findings in undeclared.items():
        known = taxonomy.get(key) if key in taxonomy else None
        gaps.append(
            Gap(
                key=key,
                name=known.name if known else key,
                risk="high" if taxonomy.high_risk(key) else "normal",
                article=_article(taxonomy, key),
                entities=sorted({f.entity for f in findings}),
                locations=[_location(f, subject=_named(declaration, subjects[id(f)])) for f in findings],
                subject=declaration.subject_names((subject_id,))[0] if subject_id else None,
                declared_for=declaration.subject_names(tuple(sorted(declared_for[(key, subject_id)]))),
            )
        )
    gaps.sort(key=lambda g: (g.risk != "high", g.key, g.subject or ""))

    found_declared = []
    not_found = []
    for index, category in enumerate(declaration.categories):
        hits = declared_hits.get(index, [])
        cvs = documents.get(index, [])
        entry = DeclaredCategory(
            name=category.name,
            keys=list(category.keys),
            subjects=declaration.subject_names(category.subjects),
            source=category.source,
            note=category.note or None,
        )
        if hits or cvs:
            entry.locations = [_location(f, key, _named(declaration, subjects[id(f)])) for key, f in hits] + cvs
            found_declared.append(entry)
        else:
            entry.detectable = (
                None
                if detectable is None
                else any(
                    covers(k, found, taxonomy) or covers(found, k, taxonomy)
                    for k in category.keys
                    for found in detectable
                )
            )
            not_found.append(entry)

    scanned = [t for t in result.tables if not t.sampling.startswith("not scanned")]
    result.compliance = Compliance(
        declaration=declaration.to_dict(),
        summary=ComplianceSummary(
            findings=len(result.findings),
            declared=sum(1 for f in result.findings if f.declared != [UNDECLARED]),
            undeclared=sum(1 for f in result.findings if f.declared == [UNDECLARED]),
            undeclared_categories=len(gaps),
            high_risk_undeclared=sum(1 for g in gaps if g.risk == "high"),
            declared_categories=len(declaration.categories),
            declared_never_found=len(not_found),
        ),
        undeclared=gaps,
        found_declared=found_declared,
        declared_not_found=not_found,
        coverage=Coverage(
            sources=[s.to_dict() for s in result.sources],
            tables_scanned=len(scanned),
            tables_sampled=sum(1 for t in scanned if t.truncated),
            tables_skipped=len(result.tables) - len(scanned),
            rows_scanned=sum(t.rows_scanned for t in scanned),
            errors=[e.one_line() for e in result.errors],
            sample_size=None if result.options.get("full") else result.options.get("sample_size"),
        ),
    )


def _named(declaration: Declaration, subject: tuple[str | None, str | None]) -> tuple[str | None, str | None]:
    """The subject group by its name in the notice, for the report."""
    return (declaration.subject_names((subject[0],))[0], subject[1]) if subject[0] else (None, None)


def _article(taxonomy: Taxonomy, key: str) -> str | None:
    parts = taxonomy.canonical(key).split(".")
    for i in range(len(parts), 0, -1):
        category = taxonomy.categories.get(".".join(parts[:i]))
        if category is not None and category.article:
            return category.article
    return None


def has_undeclared(result: ScanResult) -> bool:
    return any(f.declared == [UNDECLARED] for f in result.findings)
