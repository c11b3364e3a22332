"""From merged column statistics to findings: a score, a confidence level and the reasons behind them.

Evidence comes through two channels (ankane/pdscan style, with the checksum outcome on top):
- values: the share of values that match and validate. Each accepted value is evidence with the rule's
  per-value precision, lowered when many values had the shape but failed the checksum;
- the column name: a vocabulary word of the rule raises the score, an exclusion word lowers it.
A column can be a finding by its name alone (an empty ``email`` column still tells where emails are kept): such
findings are always low confidence.

The confidence is then capped by how much of the column holds the entity: five place names that are also surnames
in 10,000 rows are a coincidence, not a column of names. A share of at least half the values allows "high", a fifth
"medium", less "low"; fewer than three distinct matching values are "low"; a column name that backs the rule lifts
the cap one level. Values a validator proves (check digits of HETU, Y-tunnus, IBAN, cards; an e-mail address's
syntax) are exempt: one valid HETU in a notes column is real. A validated shape whose look-alikes mostly fail
validation (batch codes where one in five happens to be a valid phone number) is coincidence: no finding, or "low"
where the column name backs it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from pdscan.detect.matching import IN_CONTEXT, SINGLE_WORD
from pdscan.detect.rules import NameEvidence, Rule, RuleSet
from pdscan.detect.stats import ColumnStats, RuleStats
from pdscan.detect.validators import VALIDATORS
from pdscan.model import CONFIDENCE_LEVELS, Finding, Location

# Score thresholds of the confidence levels; below LOW nothing is reported.
THRESHOLDS = {"high": 0.85, "medium": 0.6, "low": 0.3}
NAME_WEIGHT = 0.6  # how much a matching column name alone is worth
# A column named like a non-personal thing (laskunumero) keeps a finding only when most of its values pass a
# checksum, and then with 40 % of its value score.
EXCLUDED_FACTOR = 0.4
NAME_ONLY_SCORE = 0.4  # a column that only its name points to: low confidence
# With this many values checked and none matching, the values contradict the column name: no finding.
NAME_CONTRADICTED_AT = 10
_MAX_EVIDENCE = 5  # beyond five accepted values, more of them add nothing to the certainty
SHARE_FOR_HIGH = 0.5  # share of the values that must match for "high" (without a check digit)
SHARE_FOR_MEDIUM = 0.2
MIN_DISTINCT = 3  # fewer distinct matching values than this: at most "low"
# Validated shapes: with at least this many look-alikes checked, fewer than COINCIDENCE_SHARE of them validating
# means the ones that validate do so by chance.
COINCIDENCE_CHECKED = 5
COINCIDENCE_SHARE = 0.5
_CAPS = {"low": THRESHOLDS["medium"] - 0.01, "medium": THRESHOLDS["high"] - 0.01, "high": 1.0}


def name_evidence(rule: Rule, column: str) -> NameEvidence:
    return rule.name_evidence(column)


def confidence_of(score: float) -> str | None:
    for level in reversed(CONFIDENCE_LEVELS):
        if score >= THRESHOLDS[level]:
            return level
    return None


def at_least(confidence: str, minimum: str) -> bool:
    return CONFIDENCE_LEVELS.index(confidence) >= CONFIDENCE_LEVELS.index(minimum)


@dataclass(frozen=True)
class _Scored:
    rule: Rule
    score: float
    match_count: int
    reasons: list[str]
    samples: tuple[str, ...]


def column_findings(
    source: str,
    location: Location,
    stats: ColumnStats,
    rules: RuleSet,
    min_confidence: str = "low",
    table_columns: Sequence[str] = (),
) -> list[Finding]:
    """The findings of one column: at most one per entity, the best-scoring rule's evidence first.

    ``table_columns`` are the names of the other columns of the same table: context for weak rules.
    """
    best: dict[str, list[_Scored]] = {}
    for rule in rules:
        if stats.kind not in rule.kinds:
            continue
        scored = _score(rule, stats, rule.table_context(stats.name, table_columns))
        if scored is not None:
            best.setdefault(rule.entity, []).append(scored)
    findings = []
    for entity, candidates in best.items():
        candidates.sort(key=lambda s: -s.score)
        top = candidates[0]
        confidence = confidence_of(top.score)
        if confidence is None or not at_least(confidence, min_confidence):
            continue
        findings.append(
            Finding(
                source=source,
                location=location.with_column(stats.name),
                entity=entity,
                rules=[c.rule.id for c in candidates],
                confidence=confidence,
                score=top.score,
                match_count=top.match_count,
                values_scanned=stats.values,
                rows_scanned=stats.rows,
                reasons=top.reasons,
                samples=list(top.samples),
                categories=list(dict.fromkeys(k for c in candidates for k in c.rule.categories)),
            )
        )
    return sorted(findings, key=lambda f: -f.score)


def _score(rule: Rule, stats: ColumnStats, context_column: str | None) -> _Scored | None:
    names = name_evidence(rule, stats.name)
    seen = stats.rules.get(rule.id)
    reasons: list[str] = []
    if seen is None or seen.match_count == 0:
        if not names.supports or stats.kind == "binary":
            return None
        if rule.has_value_channel and stats.values >= NAME_CONTRADICTED_AT:
            return None
        reasons.append(f"name '{stats.name}' ~ {names.positive} (name only)")
        if stats.values == 0:
            reasons.append("no values to check: the column is empty in the rows scanned")
        elif rule.has_value_channel:
            reasons.append(f"0/{stats.values} values match")
        return _Scored(rule, NAME_ONLY_SCORE, 0, reasons, ())

    in_context = seen.details.get(IN_CONTEXT, 0) > 0  # prose: "Syntymäaika: 12.3.1985"
    if rule.weak and not (names.supports or in_context or (context_column is not None and names.negative is None)):
        return None  # weak shapes count only with a column name, a table context or context words that back them
    if rule.matcher is not None and seen.details.get(SINGLE_WORD, 0) >= seen.match_count and not names.supports:
        return None  # lone words (Salo, Jun, Line) carry a column only where its header says what they are
    if rule.validator is not None and not names.supports:
        unbacked = sum(seen.details.get(label, 0) for label in VALIDATORS[rule.validator].name_backed)
        if unbacked and unbacked >= seen.match_count:
            return None  # valid only in a plan the header must name (a US number without +1)
    checked = seen.confirmed + seen.rejected
    if (
        rule.validator is not None
        and checked >= COINCIDENCE_CHECKED
        and seen.confirmed < COINCIDENCE_SHARE * checked
        and not names.supports
    ):
        return None  # one shape throughout, and only a fraction of it validates: coincidence
    value_score = _value_score(rule, seen)
    reasons.extend(_value_reasons(rule, seen, stats.values))
    if rule.weak and context_column is not None and not names.supports:
        reasons.append(f"context: column '{context_column}' in the same table")
    score = value_score
    if names.supports:
        score = 1 - (1 - value_score) * (1 - NAME_WEIGHT)
        reasons.append(f"name '{stats.name}' ~ {names.positive}")
    elif names.negative is not None:
        if rule.validator is None or not VALIDATORS[rule.validator].conclusive or seen.confirmed < stats.values / 2:
            return None  # the column name says it holds something else (tuotenimi, yrityksen nimi, laskunumero)
        score = value_score * EXCLUDED_FACTOR
        reasons.append(f"name '{stats.name}' ~ {names.negative}, not personal: score lowered")
    level, why = _share_level(rule, seen, stats.values, names.supports)
    if score > _CAPS[level]:
        score = _CAPS[level]
        reasons.append(f"at most {level}: {why}")
    return _Scored(rule, score, seen.match_count, reasons, seen.samples)


def with_table_context(found: list[Finding], rules: RuleSet, document: bool = False) -> list[Finding]:
    """A table's findings without its quasi-identifiers (postal codes; in a document also the words of special
    categories) when nothing else personal is in it."""
    quasi = {r.entity for r in rules if r.quasi_identifier or (document and r.quasi_in_documents)}
    if not quasi or any(f.entity not in quasi for f in found):
        return found
    return []


def _share_level(rule: Rule, seen: RuleStats, values: int, named: bool) -> tuple[str, str]:
    """The highest confidence the share of matching values allows, and why (for the reasons)."""
    if rule.validator is not None and VALIDATORS[rule.validator].conclusive and seen.confirmed:
        return "high", "the validator proves the values"
    checked = seen.confirmed + seen.rejected
    if rule.validator is not None and checked >= COINCIDENCE_CHECKED and seen.confirmed < COINCIDENCE_SHARE * checked:
        return "low", f"only {seen.confirmed}/{checked} look-alikes validate"
    share = seen.match_count / values if values else 0.0
    levels = list(CONFIDENCE_LEVELS)
    if seen.distinct < MIN_DISTINCT:
        level, why = "low", f"{seen.distinct} distinct matching value{'' if seen.distinct == 1 else 's'}"
    elif share >= SHARE_FOR_HIGH:
        return "high", ""
    elif share >= SHARE_FOR_MEDIUM:
        level, why = "medium", f"{share:.0%} of the values match"
    else:
        level, why = "low", f"{share:.0%} of the values match"
    if named:
        level = levels[min(levels.index(level) + 1, len(levels) - 1)]
        why += " (the column name backs it)"
    return level, why


def _value_score(rule: Rule, seen: RuleStats) -> float:
    precision = rule.precision
    checked = seen.confirmed + seen.rejected
    if rule.validator is not None and checked:
        # Many shape-alikes failing the checksum mean the ones that pass may pass by chance (1 in 11 for mod 11).
        precision *= seen.confirmed / checked
    evidence = min(seen.match_count, _MAX_EVIDENCE)
    return float(1 - (1 - precision) ** evidence)


def _value_reasons(rule: Rule, seen: RuleStats, values: int) -> list[str]:
    share = seen.match_count / values if values else 0.0
    reasons = [f"{seen.match_count}/{values} values match {rule.id} ({share:.0%})"]
    embedded = seen.match_count - seen.full_match_count
    if embedded:
        reasons.append(f"{embedded} inside longer text")
    if rule.validator is not None:
        label = VALIDATORS[rule.validator].label
        text = f"{label}: {seen.confirmed} ok"
        if seen.rejected:
            text += f", {seen.rejected} look-alikes rejected"
        reasons.append(text)
    for detail, count in sorted(seen.details.items()):
        reasons.append(f"{count} {detail}")
    return reasons
