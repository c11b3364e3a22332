"""The evidence model: one explainable way to turn what a rule saw in a subject into a confidence.

A subject is a table's column or a whole document (a PDF, a Word file, a mail; an attachment is a document of its
own). Every signal is a named evidence item worth a stated number of log-odds points (:mod:`.weights`); the sum is
the finding's log-odds, its probability the reported ``score``, and fixed thresholds give low / medium / high. The
reasons list every item with its points, so a reviewer sees why.

- **Values**: one accepted value is worth the logit of the rule's per-value precision (lowered when many look-alikes
  failed the validator); several distinct values add a little more. A value the rule's validator *proves* (a
  check digit, an e-mail address's syntax, a number in a numbering plan: ``evidence.confirmed: proof``) adds a
  proof item, and then share does not matter: one valid HETU in a notes column, 2 % of log lines with a client IP.
- **Tables** (share and distinct count matter for shapes no validator proves): under half or under a fifth of the
  values matching, fewer than three distinct values, one value repeated throughout take points away. The column
  name *raises* what the values give, in proportion to their share, but never creates it: a ``Nimi`` column where
  5 % of the values happen to be names stays low. A column with values of which none match is no finding whatever
  its name; an empty column is reported by its name alone ("header only").
- **Documents** (a document is about one or a few people, share means nothing): a value next to one of the rule's
  labels (``Puh.``, ``Nimi:``, ``Date of birth``) or on a line of its own gains points, and so does every other kind
  of contact data in the same document (a name beside a phone and an e-mail is a contact card).
- **Contradictions** end the assessment: values that are only lone words without a name header, a shape of which
  most look-alikes fail validation, a column name that says it is something else (unless check digits prove it),
  numbers valid only in another country's plan with nothing saying which country.

No entity is named here: what a value proves, which labels count, which kind of contact data it is and any weight
override are fields of the rule's YAML.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from pdscan.detect.matching import IN_CONTEXT, SHAPED, SINGLE_WORD
from pdscan.detect.rules import NameEvidence, Rule
from pdscan.detect.stats import ColumnStats, RuleStats
from pdscan.detect.validators import VALIDATORS
from pdscan.detect.weights import HIGH, LOW, MEDIUM, WEIGHTS

# With this many values checked and none matching, the values contradict the column name: no finding.
NAME_CONTRADICTED_AT = 1
# Validated shapes: with at least this many look-alikes checked, fewer than COINCIDENCE_SHARE of them validating
# means the ones that validate do so by chance.
COINCIDENCE_CHECKED = 5
COINCIDENCE_SHARE = 0.5
_DISTINCT_CAP = 20
_CATEGORIES = 20  # a column of at most this many distinct values (and at most half its values) is categories


@dataclass(frozen=True)
class Item:
    what: str
    points: float

    def line(self) -> str:
        return f"{self.what} ({self.points:+.1f})"


@dataclass
class Assessment:
    rule: Rule
    log_odds: float
    match_count: int
    reasons: list[str]
    samples: tuple[str, ...]
    items: list[Item] = field(default_factory=list)

    @property
    def score(self) -> float:
        return 1.0 / (1.0 + math.exp(-self.log_odds))

    @property
    def confidence(self) -> str | None:
        return confidence_of_log_odds(self.log_odds)


def confidence_of_log_odds(log_odds: float) -> str | None:
    if log_odds >= HIGH:
        return "high"
    if log_odds >= MEDIUM:
        return "medium"
    if log_odds >= LOW:
        return "low"
    return None


@dataclass(frozen=True)
class Subject:
    """What is judged: a column (``header`` its name, ``table_context`` a column of the same table that backs a
    weak rule) or a document (``document`` True; ``cards`` the kinds of contact data its other entities give)."""

    stats: ColumnStats
    header: str | None = None
    table_context: str | None = None
    document: bool = False
    cards: frozenset[str] = frozenset()


def _w(rule: Rule, name: str) -> float:
    return rule.weight(name, WEIGHTS[name][0])


def _logit(p: float) -> float:
    p = min(max(p, 0.01), 0.999)
    return math.log(p / (1 - p))


def assess(rule: Rule, subject: Subject) -> Assessment | None:
    """The assessment of one rule on one subject, or None when there is nothing (or a contradiction)."""
    stats = subject.stats
    names = rule.name_evidence(subject.header) if subject.header is not None else NameEvidence(None, None)
    seen = stats.rules.get(rule.id)
    if seen is None or seen.match_count == 0:
        return _header_only(rule, subject, names)
    if _contradicted(rule, subject, seen, names):
        return None
    items: list[Item] = []
    reasons = _value_reasons(rule, seen, stats.values, subject.document)
    checked = seen.confirmed + seen.rejected
    precision = rule.precision
    if rule.validator is not None and seen.rejected:
        # Many shape-alikes failing the checksum mean the ones that pass may pass by chance (1 in 11 for mod 11).
        precision *= seen.match_count / (seen.match_count + seen.rejected)
    items.append(Item(f"accepted values of {rule.id}, per-value precision {precision:.2f}", _logit(precision)))
    if seen.distinct > 1:
        # Capped: beyond 20 more distinct values add nothing (and the count, a maximum over batches, does not show).
        more = _w(rule, "more_values") * math.log(min(seen.distinct, _DISTINCT_CAP))
        shown = f"{_DISTINCT_CAP}+" if seen.distinct > _DISTINCT_CAP else str(seen.distinct)
        items.append(Item(f"{shown} distinct values", more))
    proven = rule.proves and seen.confirmed > 0
    if proven:
        items.append(Item(f"{VALIDATORS[rule.validator or ''].label} proves {seen.confirmed}", _w(rule, "proof")))
    share = seen.match_count / stats.values if stats.values else 0.0
    embedded = seen.full_match_count < seen.match_count / 2  # mostly mentions inside longer text
    if subject.document:
        items.extend(_document_items(rule, subject, seen, proven, embedded))
    else:
        items.extend(_table_items(rule, seen, share, proven, embedded))
        items.extend(_look_alikes(rule, subject, seen))
        if names.supports:
            # The name raises what the values give, in proportion: their share, or the share of values of the
            # entity's shape (capitalised lone words under a surname header) where the values are that uniform.
            shape_share = seen.details.get(SHAPED, 0) / stats.values if stats.values else 0.0
            factor = 1.0 if proven else min(1.0, max(share, shape_share if shape_share >= 0.8 else 0.0) / 0.5)
            items.append(Item(f"name '{subject.header}' ~ {names.positive}", _w(rule, "header") * factor))
        elif names.negative is not None:
            items.append(Item(f"name '{subject.header}' ~ {names.negative}, not personal", _w(rule, "header_against")))
        elif rule.weak and subject.table_context is not None:
            reasons.append(f"context: column '{subject.table_context}' in the same table")
    if rule.validator is not None and checked >= COINCIDENCE_CHECKED and seen.confirmed < COINCIDENCE_SHARE * checked:
        items.append(Item(f"only {seen.confirmed}/{checked} look-alikes validate", _w(rule, "coincidence_named")))
    items = [item for item in items if item.points]  # a rule that sets a weight to 0 does not count that item
    log_odds = sum(item.points for item in items)
    reasons.extend(item.line() for item in items)
    return Assessment(rule, log_odds, seen.match_count, reasons, seen.samples, items)


def _header_only(rule: Rule, subject: Subject, names: NameEvidence) -> Assessment | None:
    """A column that only its name points to. Values that do not match contradict the name: no finding; an empty
    column is no finding either (:func:`header_only` notes it). A column named for a rule whose values are a few
    categories (``categorical``: a HispanicLatino column of Yes/No) holds it by its name."""
    if not names.supports or subject.stats.kind == "binary" or subject.document:
        return None
    stats = subject.stats
    if rule.categorical and stats.values and stats.distinct <= min(_CATEGORIES, stats.values / 2):
        why = f"name '{subject.header}' ~ {names.positive}: {stats.distinct} categories in {stats.values} values"
        return Assessment(rule, _w(rule, "header_decides"), stats.values, [why], ())
    if not rule.has_value_channel and stats.values:
        why = f"name '{subject.header}' ~ {names.positive} (a rule of column names only)"
        return Assessment(rule, _w(rule, "header_decides"), stats.values, [why], ())
    return None


def header_only(rule: Rule, stats: ColumnStats) -> str | None:
    """A note for an empty column named for a rule: where such data would be kept, "header only", no finding."""
    if stats.values or stats.kind == "binary":
        return None
    names = rule.name_evidence(stats.name)
    if not names.supports:
        return None
    where = f"column '{stats.name}' is named for {rule.entity} (~ {names.positive})"
    return f"{where} but empty in the rows scanned: header only"


def _contradicted(rule: Rule, subject: Subject, seen: RuleStats, names: NameEvidence) -> bool:
    """Evidence that ends the assessment: the values are something else, whatever else speaks for them."""
    in_context = seen.details.get(IN_CONTEXT, 0) > 0
    named = names.supports
    backs = VALIDATORS[rule.validator].backs if rule.validator is not None else ()
    self_backed = any(seen.details.get(label, 0) for label in backs)
    backed = named or in_context or self_backed or (subject.table_context is not None and names.negative is None)
    if rule.weak and not backed:
        return True  # weak shapes count only with a column name, a table context or a label that backs them
    if rule.matcher is not None and seen.details.get(SINGLE_WORD, 0) >= seen.match_count:
        backed = subject.header is not None and rule.lone_words_backed(subject.header)
        if not backed and not (subject.document and in_context):
            return True  # lone words (Salo, Jun, Line) carry a column only where its header (or a label) says so
    # A document that is a contact card (a name or an address beside it) says whose number it is, and so the country.
    card_backed = subject.document and bool(subject.cards - ({rule.card} if rule.card else set()))
    if rule.validator is not None and not named and not in_context and not card_backed:
        unbacked = sum(seen.details.get(label, 0) for label in VALIDATORS[rule.validator].name_backed)
        if unbacked and unbacked >= seen.match_count:
            return True  # valid only in another country's plan, and nothing says which country it is
    checked = seen.confirmed + seen.rejected
    if (
        rule.validator is not None
        and checked >= COINCIDENCE_CHECKED
        and seen.confirmed < COINCIDENCE_SHARE * checked
        and not named
    ):
        return True  # one shape throughout, and only a fraction of it validates: coincidence
    if names.negative is not None and not named:
        proven = rule.checksum and seen.confirmed >= subject.stats.values / 2
        if not proven:
            return True  # the column name says it holds something else (tuotenimi, yrityksen nimi, laskunumero)
    return False


def _table_items(rule: Rule, seen: RuleStats, share: float, proven: bool, embedded: bool) -> list[Item]:
    if proven:
        return []  # a proven value is real whatever its share: one HETU in a notes column
    items = []
    unit = "texts mention it" if embedded else "values match"
    if share < 0.5:
        # Graded: the points fall with the logarithm of the share (a fifth -0.9, a tenth -1.6, one in fifty -3.2).
        points = _w(rule, "share") * math.log(max(share, 1e-6) / 0.5)
        items.append(Item(f"{share:.1%} of the {unit}", points))
    if seen.distinct < 3:
        plural = "" if seen.distinct == 1 else "s"
        items.append(Item(f"{seen.distinct} distinct matching value{plural}", _w(rule, "few_distinct")))
    if seen.distinct == 1 and seen.match_count >= 10:
        items.append(Item("one value repeated throughout", _w(rule, "repeated")))
    return items


# A matcher's look-alikes: with this many values of the entity's shape, fewer than this share of them accepted means
# the column holds something else that looks like it (place names, zones, constituencies are capitalised words too).
_SHAPED_AT_LEAST = 10
_SHAPED_ACCEPTED = 0.25


def _look_alikes(rule: Rule, subject: Subject, seen: RuleStats) -> list[Item]:
    shaped = seen.details.get(SHAPED, 0)
    whole = seen.full_match_count
    if shaped < _SHAPED_AT_LEAST or whole >= _SHAPED_ACCEPTED * shaped:
        return []
    if subject.header is not None and seen.details.get(SINGLE_WORD, 0) and rule.lone_words_backed(subject.header):
        return []  # lone words under a surname header: the lexicon lacks surnames, the header says what they are
    return [Item(f"only {whole}/{shaped} values of the shape are accepted", _w(rule, "coincidence_named"))]


def _document_items(rule: Rule, subject: Subject, seen: RuleStats, proven: bool, embedded: bool) -> list[Item]:
    items = []
    labelled = seen.details.get(IN_CONTEXT, 0)
    if labelled:
        items.append(Item(f"{labelled} next to a label", _w(rule, "label")))
    if seen.full_match_count and not proven:
        items.append(Item(f"{seen.full_match_count} on a line of their own", _w(rule, "whole_passage")))
    elif embedded and not proven and not labelled:
        items.append(Item("only inside longer text", _w(rule, "embedded")))
    others = sorted(subject.cards - ({rule.card} if rule.card else set()))
    if others and rule.card is not None:  # a contact card's parts support each other; a health word is no part
        items.append(Item(f"beside {', '.join(others)} in the document", _w(rule, "card") * min(len(others), 2)))
    return items


def _value_reasons(rule: Rule, seen: RuleStats, values: int, document: bool) -> list[str]:
    share = seen.match_count / values if values else 0.0
    unit = "passages" if document else "values"
    reasons = [f"{seen.match_count}/{values} {unit} match {rule.id} ({share:.0%})"]
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
        if detail != IN_CONTEXT:  # an evidence item of its own
            reasons.append(f"{count} {detail}")
    return reasons
