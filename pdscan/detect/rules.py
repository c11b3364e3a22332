"""Rules are data: one YAML file per rule in ``rules/`` (shipped inside the wheel as ``pdscan/rules``).

A rule says which entity it finds, how a value looks (an RE2-compatible regular expression, an optional cheap
literal prefilter, an optional checksum validator), which column names are evidence for or against it, how its
samples are masked, and carries its own ``match`` / ``no_match`` examples that one parametrised test checks.
Adding a rule touches only its file (and the changelog).
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from pdscan.compliance.taxonomy import taxonomy
from pdscan.detect.colnames import Vocabulary
from pdscan.detect.masking import MASKERS
from pdscan.detect.matchers import MATCHERS
from pdscan.detect.shape import ANYTHING, Requirement, digit_blind, min_length, requirement, value_is_whole
from pdscan.detect.validators import VALIDATORS
from pdscan.detect.weights import WEIGHT_NAMES
from pdscan.errors import ConfigError, RuleError, UsageError
from pdscan.model import COLUMN_KINDS
from pdscan.resources import builtin_rules_dir
from pdscan.suggest import close_matches, did_you_mean
from pdscan.yamlfile import error_line, parse_yaml

_ID = re.compile(r"^[a-z0-9][a-z0-9_.-]*$")
_ENTITY = re.compile(r"^[A-Z][A-Z0-9_]*$")
_LANGUAGE = re.compile(r"^[a-z]{2}$")
_TOP_KEYS = {
    "id",
    "entity",
    "description",
    "priority",
    "categories",
    "kinds",
    "value",
    "column",
    "context",
    "mask",
    "examples",
    "quasi_identifier",
    "yields_to",
    "evidence",
    "dsar_identifier",
    "label",
}
_EVIDENCE_KEYS = {"confirmed", "card", "personal", "weights"}
# What a value a validator confirms is worth: ``checksum`` (a check digit: the entity beyond doubt, whatever the
# column is named), ``proof`` (an e-mail address's syntax, a number in a numbering plan, an IP address: real
# whatever its share of the texts, but a column named "version" holds build numbers) or ``support`` (a date that
# exists is not yet a date of birth).
CONFIRMED = ("checksum", "proof", "support")
# A document's entities that together make a contact card or a CV: a name, a way to reach the person, a birth date.
CARDS = ("name", "contact", "address", "birth")
_VALUE_KEYS = {
    "pattern",
    "vocabulary",
    "matcher",
    "prefilter",
    "ignore_case",
    "validator",
    "precision",
    "weak",
    "owns_shape",
    "veto",
    "proper_nouns",
}
_COLUMN_KEYS = {"names", "exclude", "lone_words", "categorical"}
_CONTEXT_KEYS = {"columns", "words"}
# Letters of the Latin-1 range, written so that Python's re and Arrow's RE2 read them the same way.
LETTER = "A-Za-zÀ-ÖØ-öø-ÿ"
_UPPER = "A-ZÀ-ÖØ-Þ"
_LOWER = "a-zß-öø-ÿ"
_EXAMPLE_KEYS = {"match", "no_match", "column_match", "column_no_match"}


@dataclass(frozen=True)
class Examples:
    match: tuple[str, ...] = ()
    no_match: tuple[str, ...] = ()
    column_match: tuple[str, ...] = ()
    column_no_match: tuple[str, ...] = ()


@dataclass(frozen=True)
class NameEvidence:
    positive: str | None  # the vocabulary phrase found in the column name
    negative: str | None  # the exclusion phrase found

    @property
    def supports(self) -> bool:
        return self.positive is not None and self.negative is None


@functools.lru_cache(maxsize=65536)
def _name_evidence(names: Vocabulary, exclude: Vocabulary, column: str) -> NameEvidence:
    """A column name's evidence for a rule. A JSON or nested path (``user.name``, ``partyResults.name``) is read as
    its last segment, what the field is, with its parent as what it belongs to: the parent can say the field is
    something else's name (``company.name``, ``partyResults.name``), but "user" and "name" are not "username"."""
    segments = [s for s in column.split(".") if s.strip()]
    if len(segments) > 1:
        last, parent = segments[-1], segments[-2]
        positive = names.match(last)
        if positive is not None:
            negative = exclude.match(last) or exclude.match(parent)
            return NameEvidence(positive, negative)
    return NameEvidence(names.match(column), exclude.match(column))


@dataclass(frozen=True)
class Rule:
    id: str
    entity: str
    description: str
    path: str
    # Value channel. ``pattern`` uses the ASCII flag so that Python's re and Arrow's RE2 agree on \b, \d and \w.
    # A group named ``v`` marks the value inside any boundary context the pattern needs.
    pattern: re.Pattern[str] | None = None
    pattern_text: str | None = None
    prefilter: str | None = None
    ignore_case: bool = False
    validator: str | None = None
    precision: float = 0.9
    weak: bool = False  # value matches count only with column-name evidence
    # A candidate of this exact shape is this kind of identifier even when its checksum fails (a mistyped HETU is
    # not a phone number): rejected candidates still keep lower-priority rules off their characters.
    owns_shape: bool = False
    matcher: str | None = None  # a registered matcher (pdscan.detect.matchers) instead of a pattern, e.g. person names
    # Words that make a value the name of something else (Allergiasairaala, Eliel Saarisen tie, Robert Gordon
    # University): a value holding one, as a word or as the tail of a compound, does not count for this rule.
    veto_text: str | None = None
    categories: tuple[str, ...] = ()  # data category keys (rules/taxonomy) that declarations are matched against
    kinds: frozenset[str] = frozenset(COLUMN_KINDS) - {"binary"}  # column kinds the rule applies to
    # Column-name channel.
    names: Vocabulary = field(default_factory=lambda: Vocabulary(()))
    exclude: Vocabulary = field(default_factory=lambda: Vocabulary(()))
    # Context: a weak rule also counts when another column of the same table is named like one of these
    # (a postal code next to a town column), and these words near a match are evidence (presidio's context).
    context_columns: Vocabulary = field(default_factory=lambda: Vocabulary(()))
    context_words: tuple[str, ...] = ()
    # Column names under which values of one lone word count (first name, surname); without it, any of ``names``.
    lone_words: Vocabulary | None = None
    # A column named for the rule holds it whatever its values, when they are a few categories (codes, yes/no):
    # a ``HispanicLatino`` column of Yes/No, a ``Diagnoosi`` column of ICD codes.
    categorical: bool = False
    mask: str = "generic"
    examples: Examples = field(default_factory=Examples)
    # Personal only next to people: a table of postal code areas is reference data. Such a finding is kept only
    # when its table holds another entity that is not a quasi-identifier.
    quasi_identifier: bool = False
    # The same, in documents only (``quasi_identifier: documents``): "allergia" in a privacy policy is a word, in a
    # CV beside the applicant's name it is about them. A table's health column is personal whatever else it holds
    # (its rows are people by their keys).
    quasi_in_documents: bool = False
    # Overlaps: where this rule's candidate shares characters with a value an earlier rule named here accepted (by
    # rule id or entity), that rule owns them (a phone number yields to a HETU). ``yield_ids``: the same, resolved
    # to rule ids by the rule set, which orders the rules so that those yielded to run first.
    yields_to: tuple[str, ...] = ()
    yield_ids: frozenset[str] = frozenset()
    # Evidence metadata (the evidence model in pdscan.detect.evidence reads these, no engine code names an entity).
    confirmed: str = "support"  # "checksum" / "proof": a value the validator confirms proves the entity
    card: str | None = None  # the part of a contact card the entity is (name, contact, address, birth)
    personal: bool = True  # False: about an organisation, not a person (a business ID)
    weights: tuple[tuple[str, float], ...] = ()  # per-rule overrides of the model's weights
    dsar_identifier: str | None = None  # the `pdscan find` identifier its values are compared with (email, hetu...)
    # The entity's name for people, per language ((en, Email address), (fi, Sähköpostiosoite)): what reports show.
    label: tuple[tuple[str, str], ...] = ()

    def yields(self, rule_id: str) -> bool:
        return rule_id in self.yield_ids

    def weight(self, name: str, default: float) -> float:
        return next((w for key, w in self.weights if key == name), default)

    @property
    def proves(self) -> bool:
        return self.validator is not None and self.confirmed in ("checksum", "proof")

    @property
    def checksum(self) -> bool:
        return self.validator is not None and self.confirmed == "checksum"

    def name_evidence(self, column: str) -> NameEvidence:
        # Remembered per rule: every file of a folder of exports asks about the same headers, and the shared cache
        # below would hash both vocabularies on every call.
        memo = self._name_memo
        found = memo.get(column)
        if found is None:
            if len(memo) > 4096:
                memo.clear()
            found = memo[column] = _name_evidence(self.names, self.exclude, column)
        return found

    @functools.cached_property
    def _name_memo(self) -> dict[str, NameEvidence]:
        return {}

    def lone_words_backed(self, column: str) -> bool:
        """Whether a column of lone words (Salo, Jun, Liisa) is named for this rule's lone words."""
        if self.lone_words is None:
            return self.name_evidence(column).supports
        return _name_evidence(self.lone_words, self.exclude, column).supports

    def table_context(self, column: str, table_columns: Sequence[str]) -> str | None:
        """Another column of the table whose name gives this rule context (a town next to a postal code)."""
        if not self.context_columns.phrases:
            return None
        return next((c for c in table_columns if c != column and self.context_columns.match(c)), None)

    def backed(self, column: str, table_columns: Sequence[str]) -> bool:
        """Whether a weak rule's value matches may count in this column: its name or the table backs them."""
        names = self.name_evidence(column)
        return names.supports or (names.negative is None and self.table_context(column, table_columns) is not None)

    @property
    def has_value_channel(self) -> bool:
        return self.pattern is not None or self.matcher is not None

    @functools.cached_property
    def context_pattern(self) -> str | None:
        """The context words as one case-insensitive RE2 pattern, or None without any."""
        if not self.context_words:
            return None
        # A word starts where no letter or digit comes before it: "born" is no label in "Osborne".
        words = "|".join(re.escape(word) for word in self.context_words)
        return f"(?i)(?:^|[^{LETTER}0-9])(?:{words})"

    @functools.cached_property
    def near_pattern(self) -> str | None:
        """A context word just before a value of the pattern (a label in a long passage: "puh. 040 123 4567")."""
        if self.context_pattern is None or self.pattern_text is None:
            return None
        words = "|".join(re.escape(word) for word in self.context_words)
        case = "(?i:" if self.ignore_case else "(?:"
        return f"(?i:(?:^|[^{LETTER}0-9])(?:{words}))[^\\n]{{0,40}}?{case}{self.pattern_text})"

    @functools.cached_property
    def needs(self) -> Requirement:
        """What a column's bytes must include for the pattern to match one of its values (see :mod:`.shape`)."""
        return requirement(self.pattern_text, self.ignore_case) if self.pattern_text is not None else ANYTHING

    @functools.cached_property
    def min_length(self) -> int:
        """The fewest characters a match of the pattern takes (see :func:`.shape.min_length`)."""
        return min_length(self.pattern_text, self.ignore_case) if self.pattern_text is not None else 0

    @functools.cached_property
    def digit_blind(self) -> bool:
        """Whether the pattern and the prefilter treat all digits alike (see :func:`.shape.digit_blind`): then a
        column's values may be searched as their shapes, digits made 0."""
        if self.pattern_text is None or not digit_blind(self.pattern_text):
            return False
        return self.prefilter is None or self.prefilter == "digit" or not any(c.isdigit() for c in self.prefilter)

    @functools.cached_property
    def value_is_whole(self) -> bool:
        """Whether the value group is the whole match, so a wholly matching text is its own value."""
        return self.pattern_text is None or value_is_whole(self.pattern_text)


@dataclass(frozen=True)
class RuleSet:
    rules: tuple[Rule, ...]
    version: str  # content hash of the rule files, so a report says exactly which rules ran

    def __iter__(self) -> Any:
        return iter(self.rules)

    def __len__(self) -> int:
        return len(self.rules)

    @property
    def entities(self) -> list[str]:
        return sorted({r.entity for r in self.rules})

    def named(self, column: str) -> frozenset[str]:
        """The ids of the rules whose column-name evidence supports ``column``: remembered per name, as every file
        of a folder of exports asks about the same headers."""
        memo: dict[str, frozenset[str]] = self.__dict__.setdefault("_named", {})
        found = memo.get(column)
        if found is None:
            if len(memo) > 4096:
                memo.clear()
            found = memo[column] = frozenset(r.id for r in self.rules if r.name_evidence(column).supports)
        return found

    def with_rules(self, extra: Sequence[Rule]) -> RuleSet:
        """These rules plus ``extra``; an extra rule with an existing id replaces it."""
        by_id = {r.id: r for r in self.rules}
        by_id.update({r.id: r for r in extra})
        return RuleSet(ordered(by_id.values()), self.version + "+local")

    def aliases(self) -> dict[str, str]:
        """Other names a user may know an entity by: its rules' ids, labels, DSAR identifiers and column names (for
        suggestions: ``--only HETU`` → FI_PERSONAL_IDENTITY_CODE). A name two entities share is left out."""
        seen: dict[str, set[str]] = {}
        for rule in self.rules:
            spellings = [rule.id, rule.dsar_identifier or "", *(name for _, name in rule.label)]
            spellings += [" ".join(p) for p in rule.names.phrases]
            for spelling in spellings:
                if spelling:
                    seen.setdefault(spelling, set()).add(rule.entity)
        return {alias: next(iter(entities)) for alias, entities in seen.items() if len(entities) == 1}

    def by_entity(self, entity: str) -> list[Rule]:
        return [r for r in self.rules if r.entity == entity]

    def select(self, only: Iterable[str] = (), exclude: Iterable[str] = ()) -> RuleSet:
        """Keep the rules whose entity is in ``only`` (all when empty) and not in ``exclude``."""
        only_set = {e.strip().upper() for e in only if e.strip()}
        exclude_set = {e.strip().upper() for e in exclude if e.strip()}
        unknown = (only_set | exclude_set) - set(self.entities)
        if unknown:
            guesses = {name: close_matches(name, self.entities, self.aliases()) for name in sorted(unknown)}
            if len(guesses) == 1:
                message = "".join(f"unknown entity {name}{did_you_mean(guess)}" for name, guess in guesses.items())
            else:
                message = "unknown entities " + ", ".join(
                    f"{name} ({did_you_mean(guess)[2:]})" if guess else name for name, guess in guesses.items()
                )
            if not all(guesses.values()):
                message += f"; known entities: {', '.join(self.entities)}"
            raise UsageError(message)
        kept = [r for r in self.rules if (not only_set or r.entity in only_set) and r.entity not in exclude_set]
        return RuleSet(ordered(kept), self.version)


def load_rules(extra_dirs: Sequence[Path] = ()) -> RuleSet:
    """Load the built-in rules, then each extra directory; a rule with an existing id replaces it."""
    files: list[tuple[str, str]] = []
    for directory in (builtin_rules_dir(), *extra_dirs):
        if not directory.is_dir():
            raise UsageError(f"{directory}: rules directory not found")
        files.extend((str(path), path.read_text(encoding="utf-8")) for path in sorted(directory.glob("*.y*ml")))
    if not files:
        raise UsageError(f"{builtin_rules_dir()}: no rules found (is the rules/ directory installed?)")
    return _parse_rules(tuple(files))


@functools.lru_cache(maxsize=8)
def _parse_rules(files: tuple[tuple[str, str], ...]) -> RuleSet:
    """The rule set of these files (path, text), parsed once per process for the same texts: a command asks for
    the rules in several places, parsing and compiling them takes 60-70 ms, and rules are immutable. The files are
    read on every call, so an edited rule is parsed again."""
    by_id: dict[str, Rule] = {}
    digest = hashlib.sha256()
    for path, text in files:
        digest.update(Path(path).name.encode() + b"\0" + text.encode())
        rule = parse_rule(text, path)
        by_id[rule.id] = rule
    return RuleSet(ordered(by_id.values()), digest.hexdigest()[:12])


def ordered(rules: Iterable[Rule]) -> tuple[Rule, ...]:
    """The rules with their ``yields_to`` resolved to rule ids, in an order where every rule comes after the rules it
    yields to (so they have claimed their characters first); otherwise by id. A cycle is a rule error."""
    pool = list(rules)
    ids = {r.id for r in pool}
    by_entity: dict[str, set[str]] = {}
    for rule in pool:
        by_entity.setdefault(rule.entity, set()).add(rule.id)
    resolved: dict[str, Rule] = {}
    for rule in pool:
        targets: set[str] = set()
        for name in rule.yields_to:
            if name in ids:
                targets.add(name)
            else:  # an entity: every rule of it (an unknown one is simply absent from this rule set)
                targets |= by_entity.get(name, set())
        resolved[rule.id] = dataclasses.replace(rule, yield_ids=frozenset(targets - {rule.id}))
    out: list[Rule] = []
    done: set[str] = set()
    waiting = sorted(resolved.values(), key=lambda r: r.id)
    while waiting:
        ready = [r for r in waiting if r.yield_ids <= done]
        if not ready:
            cycle = ", ".join(r.id for r in waiting)
            raise RuleError(waiting[0].path, "yields_to", f"rules yield to each other in a circle: {cycle}")
        first = ready[0]
        out.append(first)
        done.add(first.id)
        waiting.remove(first)
    return tuple(out)


def _quasi(path: str, value: Any) -> str:
    """``quasi_identifier``: true (everywhere), "documents" (in documents only) or false."""
    if value is True:
        return "everywhere"
    if value is False or value is None:
        return "never"
    if value == "documents":
        return "documents"
    raise RuleError(path, "quasi_identifier", "true, false or documents")


def _label(path: str, value: Any) -> tuple[tuple[str, str], ...]:
    """``label``: the entity's name per language code, English required (``{en: Email address, fi: ...}``)."""
    if value is None:
        return ()
    if not (
        isinstance(value, dict)
        and "en" in value
        and all(
            isinstance(k, str) and _LANGUAGE.match(k) and isinstance(v, str) and v.strip() for k, v in value.items()
        )
    ):
        raise RuleError(path, "label", "a mapping of language codes to names, 'en' required: {en: Email address}")
    return tuple(sorted((k, v.strip()) for k, v in value.items()))


def parse_rule(text: str, path: str) -> Rule:
    try:
        data = parse_yaml(text, path)
    except ConfigError as exc:
        line = error_line(exc.__cause__, text)
        raise RuleError(path, f"line {line}" if line else "document", "invalid YAML") from exc
    if not isinstance(data, dict):
        raise RuleError(path, "(top level)", "a rule is a mapping of fields")
    _no_unknown_keys(path, "", data, _TOP_KEYS)

    rule_id = _required_str(path, data, "id")
    if not _ID.match(rule_id):
        raise RuleError(path, "id", "lower-case letters, digits, '_', '-' and '.' only")
    entity = _required_str(path, data, "entity")
    if not _ENTITY.match(entity):
        raise RuleError(path, "entity", "an upper-case presidio-style name such as EMAIL_ADDRESS")
    description = _required_str(path, data, "description")
    if "priority" in data:
        raise RuleError(path, "priority", "replaced by yields_to: the rules or entities this one gives way to")
    yields_to = _str_list(path, data, "yields_to", "")
    evidence = data.get("evidence") or {}
    if not isinstance(evidence, dict):
        raise RuleError(path, "evidence", "a mapping")
    _no_unknown_keys(path, "evidence.", evidence, _EVIDENCE_KEYS)
    confirmed = evidence.get("confirmed", "support")
    if confirmed not in CONFIRMED:
        raise RuleError(path, "evidence.confirmed", f"one of {', '.join(CONFIRMED)}")
    card = evidence.get("card")
    if card is not None and card not in CARDS:
        raise RuleError(path, "evidence.card", f"one of {', '.join(CARDS)}")
    personal = evidence.get("personal", True)
    if not isinstance(personal, bool):
        raise RuleError(path, "evidence.personal", "true or false")
    weights = evidence.get("weights") or {}
    if not isinstance(weights, dict) or not all(isinstance(v, (int, float)) for v in weights.values()):
        raise RuleError(path, "evidence.weights", "a mapping of weight names to numbers")
    unknown_weights = set(weights) - set(WEIGHT_NAMES)
    if unknown_weights:
        raise RuleError(path, "evidence.weights", f"unknown weights {sorted(unknown_weights)}; known: {WEIGHT_NAMES}")
    dsar_identifier = data.get("dsar_identifier")
    if dsar_identifier is not None and not isinstance(dsar_identifier, str):
        raise RuleError(path, "dsar_identifier", "the name of a `pdscan find` identifier, e.g. email")

    value = data.get("value") or {}
    column = data.get("column") or {}
    if not isinstance(value, dict):
        raise RuleError(path, "value", "a mapping")
    if not isinstance(column, dict):
        raise RuleError(path, "column", "a mapping")
    _no_unknown_keys(path, "value.", value, _VALUE_KEYS)
    _no_unknown_keys(path, "column.", column, _COLUMN_KEYS)

    categories = _str_list(path, data, "categories", "")
    if not categories:
        raise RuleError(path, "categories", "at least one data category key, e.g. user.contact.email")
    known = taxonomy()
    for key in categories:
        if key not in known:
            raise RuleError(path, "categories", f"unknown data category '{key}' (see rules/taxonomy)")
    kinds_list = _str_list(path, data, "kinds", "") or sorted(set(COLUMN_KINDS) - {"binary"})
    unknown_kinds = set(kinds_list) - set(COLUMN_KINDS)
    if unknown_kinds:
        raise RuleError(path, "kinds", f"unknown column kinds {sorted(unknown_kinds)}; known: {list(COLUMN_KINDS)}")
    context = data.get("context") or {}
    if not isinstance(context, dict):
        raise RuleError(path, "context", "a mapping")
    _no_unknown_keys(path, "context.", context, _CONTEXT_KEYS)

    pattern_text = value.get("pattern")
    ignore_case = bool(value.get("ignore_case", False))
    vocabulary = _str_list(path, value, "vocabulary", "value.")
    matcher = value.get("matcher")
    if sum(x is not None and x != [] for x in (pattern_text, vocabulary or None, matcher)) > 1:
        raise RuleError(path, "value", "give one of 'pattern', 'vocabulary' or 'matcher'")
    if matcher is not None and matcher not in MATCHERS:
        raise RuleError(path, "value.matcher", f"unknown matcher '{matcher}'; known: {sorted(MATCHERS)}")
    ascii_only = True
    proper_nouns = value.get("proper_nouns", True)
    if not isinstance(proper_nouns, bool):
        raise RuleError(path, "value.proper_nouns", "true or false")
    if not proper_nouns and not vocabulary:
        raise RuleError(path, "value.proper_nouns", "applies to a vocabulary")
    if vocabulary:
        pattern_text = vocabulary_pattern(vocabulary, proper_nouns)
        ignore_case = proper_nouns  # without proper nouns the case of the first letter decides
        ascii_only = False  # vocabulary words hold ä and ö, which must fold case in Python's re too
    pattern = _compile(path, pattern_text, ignore_case, ascii_only) if pattern_text is not None else None
    prefilter = value.get("prefilter")
    if prefilter is not None and (not isinstance(prefilter, str) or not prefilter):
        raise RuleError(path, "value.prefilter", "a non-empty literal string that every match contains")
    validator = value.get("validator")
    if validator is not None and validator not in VALIDATORS:
        raise RuleError(path, "value.validator", f"unknown validator '{validator}'; known: {sorted(VALIDATORS)}")
    precision = value.get("precision", 0.9)
    if not isinstance(precision, (int, float)) or not 0 < precision < 1:
        raise RuleError(path, "value.precision", "a number between 0 and 1 (exclusive)")
    if pattern is None and (validator or prefilter):
        raise RuleError(path, "value.pattern", "required when a validator or prefilter is given")

    veto = _str_list(path, value, "veto", "value.")
    veto_text = veto_pattern(veto) if veto else None
    if veto_text is not None:
        _compile(path, veto_text, False, ascii_only=False)

    names = _str_list(path, column, "names", "column.")
    exclude = _str_list(path, column, "exclude", "column.")
    if pattern is None and matcher is None and not names:
        raise RuleError(path, "value.pattern", "a rule needs a value pattern or column names (or both)")

    mask = data.get("mask", "generic")
    if mask not in MASKERS:
        raise RuleError(path, "mask", f"unknown masker '{mask}'; known: {sorted(MASKERS)}")

    examples_data = data.get("examples") or {}
    if not isinstance(examples_data, dict):
        raise RuleError(path, "examples", "a mapping")
    _no_unknown_keys(path, "examples.", examples_data, _EXAMPLE_KEYS)
    examples = Examples(**{k: tuple(_str_list(path, examples_data, k, "examples.")) for k in _EXAMPLE_KEYS})
    if (pattern is not None or matcher is not None) and not (examples.match and examples.no_match):
        raise RuleError(path, "examples", "a value rule needs 'match' and 'no_match' examples")
    if names and not examples.column_match:
        raise RuleError(path, "examples.column_match", "column names need at least one example")

    return Rule(
        id=rule_id,
        entity=entity,
        description=description,
        path=path,
        pattern=pattern,
        pattern_text=pattern_text,
        prefilter=prefilter,
        ignore_case=ignore_case,
        validator=validator,
        precision=float(precision),
        weak=bool(value.get("weak", False)),
        quasi_identifier=_quasi(path, data.get("quasi_identifier", False)) == "everywhere",
        quasi_in_documents=_quasi(path, data.get("quasi_identifier", False)) != "never",
        owns_shape=bool(value.get("owns_shape", False)),
        matcher=matcher,
        veto_text=veto_text,
        categories=tuple(categories),
        kinds=frozenset(kinds_list),
        names=Vocabulary.of(names),
        exclude=Vocabulary.of(exclude),
        context_columns=Vocabulary.of(_str_list(path, context, "columns", "context.")),
        lone_words=Vocabulary.of(_str_list(path, column, "lone_words", "column.")) if "lone_words" in column else None,
        categorical=bool(column.get("categorical", False)),
        context_words=tuple(_str_list(path, context, "words", "context.")),
        mask=mask,
        examples=examples,
        yields_to=tuple(yields_to),
        confirmed=confirmed,
        card=card,
        personal=personal,
        weights=tuple(sorted((str(k), float(v)) for k, v in weights.items())),
        dsar_identifier=dsar_identifier,
        label=_label(path, data.get("label")),
    )


def vocabulary_pattern(words: Sequence[str], proper_nouns: bool = True) -> str:
    """One alternation for a vocabulary. ``*`` at either end of a word stands for more letters, so ``*allergi*``
    finds ``pähkinäallergia`` and ``allergiat``; a word never matches inside a longer word, nor inside an
    identifier (``cancer_registry``, ``diabetes2024``) otherwise.

    ``proper_nouns=False``: the words are common nouns that say something about a person (a diagnosis, a diet);
    capitalised, they count only where the value starts, and no capitalised word may follow them, so the names of
    institutions (Institute of Cancer Research, Cancer Research UK) do not count. Matching is case-sensitive then.
    """
    boundary = f"[^{LETTER}_0-9]"
    if proper_nouns:
        letters = f"[{LETTER}]*"
        parts = [_vocabulary_word(word, letters) for word in _by_length(words)]
        return f"(?:^|{boundary})(?P<v>{'|'.join(parts)})(?:$|{boundary})"
    lower = f"[{_LOWER}]*"
    common = [_vocabulary_word(word.lower(), lower) for word in _by_length(words)]
    # ^ inside the group: a capitalised form counts only where the value starts (the prefix matched nothing).
    capitalised = ["^" + _capitalised(word, lower) for word in _by_length(words)]
    # No capitalised word may follow: Cancer Research UK, Diabetes Society are names, not a person's health.
    after = f"(?:$|[^{LETTER}_0-9 ]| +[^{_UPPER} ])"
    return f"(?:^|{boundary})(?P<v>{'|'.join(common + capitalised)}){after}"


def veto_pattern(words: Sequence[str]) -> str:
    """Words as whole words, and (four letters or more) as the tail of a compound: ``sairaala`` vetoes
    ``Allergiasairaala``, ``tie`` only ``Eliel Saarisen tie``. Case-sensitive: Finnish street and park words are
    written in lower case (``Sibeliuksen puisto``), so a capitalised surname (``Matti Puisto``) is not vetoed."""
    tails = [re.escape(w) for w in _by_length(words) if len(w) >= 4]
    whole = [re.escape(w) for w in _by_length(words) if len(w) < 4]
    parts = []
    if whole:
        parts.append(f"(?:^|[^{LETTER}])(?:{'|'.join(whole)})")
    if tails:
        parts.append(f"(?:{'|'.join(tails)})")
    return f"(?:{'|'.join(parts)})(?:$|[^{LETTER}])"


def _by_length(words: Sequence[str]) -> list[str]:
    return sorted(set(words), key=lambda w: (-len(w), w))


def _vocabulary_word(word: str, letters: str) -> str:
    core = re.escape(word.strip("*")).replace("\\ ", " ")
    return (letters if word.startswith("*") else "") + core + (letters if word.endswith("*") else "")


def _capitalised(word: str, letters: str) -> str:
    """``*allergi*`` -> Allergi... or a capitalised compound ending in it (Pähkinäallergia)."""
    core = word.strip("*").lower()
    head = re.escape(core[0].upper()) + re.escape(core[1:]).replace("\\ ", " ")
    tail = letters if word.endswith("*") else ""
    if word.startswith("*"):
        inner = re.escape(core).replace("\\ ", " ")
        return f"(?:{head}|[{_UPPER}]{letters}{inner}){tail}"
    return head + tail


def _compile(path: str, text: Any, ignore_case: bool, ascii_only: bool = True) -> re.Pattern[str]:
    if not isinstance(text, str) or not text:
        raise RuleError(path, "value.pattern", "a non-empty regular expression")
    flags = (re.ASCII if ascii_only else 0) | (re.IGNORECASE if ignore_case else 0)
    try:
        compiled = re.compile(text, flags)
    except re.error as exc:
        raise RuleError(path, "value.pattern", f"invalid regular expression: {exc}") from exc
    # The column pass runs the same pattern through Arrow's RE2 engine: reject what RE2 cannot run
    # (look-arounds, back-references) now rather than mid-scan.
    try:
        pc.match_substring_regex(pa.array([""], pa.string()), pattern=text, ignore_case=ignore_case)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError) as exc:
        raise RuleError(path, "value.pattern", f"not RE2-compatible: {str(exc).splitlines()[0]}") from exc
    if "v" in compiled.groupindex and compiled.groupindex["v"] < 1:
        raise RuleError(path, "value.pattern", "group 'v' is malformed")
    return compiled


def _required_str(path: str, data: dict[str, Any], key: str) -> str:
    value = data.get(key)
    if not isinstance(value, str) or not value.strip():
        raise RuleError(path, key, "required, a non-empty string")
    return value.strip()


def _str_list(path: str, data: dict[str, Any], key: str, prefix: str) -> list[str]:
    value = data.get(key) or []
    if not isinstance(value, list) or not all(isinstance(v, (str, int)) for v in value):
        raise RuleError(path, prefix + key, "a list of strings")
    return [str(v) for v in value]


def _no_unknown_keys(path: str, prefix: str, data: dict[str, Any], allowed: set[str]) -> None:
    for key in data:
        if key not in allowed:
            raise RuleError(path, prefix + str(key), f"unknown field; allowed: {', '.join(sorted(allowed))}")
