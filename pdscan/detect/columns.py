"""The column pass: every rule over the distinct values of a set of columns, side by side, one kernel call per step.

A set is one column of a big batch, or every column of many small tables (a folder of small CSV exports): their
distinct values are concatenated into one Arrow array with each value's column (its *segment*), so each rule's
pattern, validator, veto and matcher runs once for the whole set instead of once per column. Arrow compiles a
regular expression on every call, and with thousands of small files the calls, not the values, were the time
(issue 25). Each column's statistics are exactly those it would have alone: every test and every verdict is a
function of one value, and the per-column decisions (does a rule apply to this column, does another rule hold part
of its values) are taken per segment. ``tests/engines/test_small_groups.py`` compares grouped with alone.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from pdscan.detect.dates import profile_dates_each
from pdscan.detect.masking import MASKERS
from pdscan.detect.matchers import MATCHERS
from pdscan.detect.matching import IN_CONTEXT, SHAPED, SINGLE_WORD, MatchContext, MatcherResult
from pdscan.detect.rules import Rule, RuleSet
from pdscan.detect.shape import Requirement, bytes_present, digits_zeroed, requirement
from pdscan.detect.stats import ColumnStats, RuleStats
from pdscan.detect.validators import CONFIRM_CODE, REJECT_CODE, VALIDATORS
from pdscan.model import Column

if TYPE_CHECKING:
    from pdscan.detect.core import DetectOptions

# Column kinds the value channel never looks at.
_UNSCANNED_KINDS = frozenset({"binary"})

Prepared = tuple[pa.Array, pa.Array, np.ndarray]  # the kept values, the distinct ones, how often each occurs


def prepare(column: Column) -> Prepared | None:
    """A column's non-empty values, trimmed, and their distinct values with counts (None: a kind not scanned)."""
    if column.kind in _UNSCANNED_KINDS:
        return None
    values = column.values
    if not pa.types.is_string(values.type) and not pa.types.is_large_string(values.type):
        values = pc.cast(values, pa.string())
    trimmed = pc.utf8_trim_whitespace(values)
    present = pc.and_(pc.is_valid(trimmed), pc.not_equal(trimmed, pa.scalar("", trimmed.type)))
    kept = pc.filter(trimmed, present)
    # Rules run on distinct values only: exports repeat values a lot (cities, statuses, the same customer).
    counted = pc.value_counts(kept)
    return kept, counted.field("values"), counted.field("counts").to_numpy(zero_copy_only=False)


def prepare_all(columns: Sequence[Column]) -> list[Prepared | None]:
    """:func:`prepare` of each column, with the same values in the same order, by a fixed number of kernel calls for
    all of them: the columns side by side, each value keyed by its column and its code in one dictionary, so that
    the distinct (column, value) pairs come out column by column in order of first occurrence, as one column's
    ``value_counts`` gives them."""
    out: list[Prepared | None] = [None] * len(columns)
    scanned = [k for k, column in enumerate(columns) if column.kind not in _UNSCANNED_KINDS]
    if len(scanned) < 2:
        for k in scanned:
            out[k] = prepare(columns[k])
        return out
    arrays = [_text(columns[k].values) for k in scanned]
    target = pa.large_string() if any(pa.types.is_large_string(a.type) for a in arrays) else pa.string()
    values = pa.concat_arrays([a if a.type == target else pc.cast(a, target) for a in arrays])
    owner = np.repeat(np.arange(len(scanned)), [len(a) for a in arrays])
    trimmed = pc.utf8_trim_whitespace(values)
    present = pc.fill_null(pc.and_(pc.is_valid(trimmed), pc.not_equal(trimmed, pa.scalar("", trimmed.type))), False)
    kept = pc.filter(trimmed, present)
    owner = owner[np.asarray(present.to_numpy(zero_copy_only=False), dtype=bool)]
    encoded = pc.dictionary_encode(kept)
    codes = np.asarray(encoded.indices.to_numpy(zero_copy_only=False), dtype=np.int64)
    width = max(1, len(encoded.dictionary))
    counted = pc.value_counts(pa.array(owner * width + codes, pa.int64()))
    keys = np.asarray(counted.field("values").to_numpy(zero_copy_only=False), dtype=np.int64)
    counts = np.asarray(counted.field("counts").to_numpy(zero_copy_only=False), dtype=np.int64)
    distinct = encoded.dictionary.take(pa.array(keys % width))
    kept_at = np.concatenate([[0], np.cumsum(np.bincount(owner, minlength=len(scanned)))])
    distinct_at = np.concatenate([[0], np.cumsum(np.bincount(keys // width, minlength=len(scanned)))])
    for n, k in enumerate(scanned):
        a, b = int(kept_at[n]), int(kept_at[n + 1])
        c, d = int(distinct_at[n]), int(distinct_at[n + 1])
        out[k] = (kept.slice(a, b - a), distinct.slice(c, d - c), counts[c:d])
    return out


def _text(values: pa.Array | pa.ChunkedArray) -> pa.Array:
    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks()
    if not pa.types.is_string(values.type) and not pa.types.is_large_string(values.type):
        values = pc.cast(values, pa.string())
    return values


@dataclass(frozen=True)
class Part:
    """One column of one batch, with what the rules need to know of its batch."""

    column: Column
    num_rows: int
    table_columns: tuple[str, ...]  # the batch's column names (a weak rule is backed by its neighbours)
    spelled: frozenset[str] = frozenset()  # the batch's e-mail handles (core.batch_handles)


# Shapes (see Segments.shapes) are worth their pass on this many distinct values or more, when a sample of them has
# at most this share of distinct shapes.
_SHAPES_MIN_VALUES = 1024
_SHAPES_SAMPLE = 512
_SHAPES_WORTH = 0.25


@dataclass(frozen=True)
class Shapes:
    """Distinct values with their digits made 0: ``values[index[i]]`` is distinct value i's shape."""

    index: np.ndarray
    values: pa.Array


class Segments:
    """The distinct values of several columns side by side: ``distinct[starts[s]:starts[s + 1]]`` are column s's."""

    def __init__(self, parts: list[Part], prepared: list[Prepared]) -> None:
        self.parts = parts
        self.prepared = prepared
        arrays = [item[1] for item in prepared]
        if len(arrays) == 1:
            self.distinct = arrays[0]
        else:
            wide = any(pa.types.is_large_string(a.type) for a in arrays)
            target = pa.large_string() if wide else pa.string()
            self.distinct = pa.concat_arrays([a if a.type == target else pc.cast(a, target) for a in arrays])
        lengths = np.array([len(a) for a in arrays], dtype=np.int64)
        self.starts = np.concatenate([[0], np.cumsum(lengths)])
        self.of = np.repeat(np.arange(len(parts)), lengths)  # each distinct value's segment
        self.counts = np.concatenate([np.asarray(item[2], dtype=np.int64) for item in prepared])
        self.size = len(parts)
        self.spelled = tuple(part.spelled for part in parts)

    def total(self, index: np.ndarray, weights: np.ndarray | None = None) -> np.ndarray:
        """Per segment: the summed counts (or ``weights``) of these values."""
        w = self.counts[index] if weights is None else weights
        return np.bincount(self.of[index], weights=w, minlength=self.size).astype(np.int64)

    def number(self, index: np.ndarray) -> np.ndarray:
        """Per segment: how many of these values it holds."""
        return np.bincount(self.of[index], minlength=self.size)

    def groups(self, index: np.ndarray) -> Iterator[tuple[int, np.ndarray]]:
        """(segment, positions in ``index``) for each segment the values touch; positions keep ``index``'s order."""
        if index.size == 0:
            return
        segments = self.of[index]
        order = np.argsort(segments, kind="stable")
        cuts = np.flatnonzero(np.diff(segments[order])) + 1
        for positions in np.split(order, cuts):
            yield int(segments[positions[0]]), positions

    @functools.cached_property
    def byte_lengths(self) -> np.ndarray:
        """Each distinct value's length in bytes, from the offsets alone (no pass over the text)."""
        return np.asarray(pc.binary_length(self.distinct).to_numpy(zero_copy_only=False), dtype=np.int64)

    @functools.cached_property
    def shapes(self) -> Shapes | None:
        """The distinct values with their digits made 0, when that leaves few of them (a column of timestamps, phone
        numbers or account numbers: a few dozen shapes for 50,000 values); else None. A spread sample decides."""
        n = len(self.distinct)
        if n < _SHAPES_MIN_VALUES:
            return None
        spread = pa.array(np.linspace(0, n - 1, _SHAPES_SAMPLE).astype(np.int64))
        if len(pc.unique(digits_zeroed(self.distinct.take(spread)))) > _SHAPES_SAMPLE * _SHAPES_WORTH:
            return None
        encoded = pc.dictionary_encode(digits_zeroed(self.distinct))
        return Shapes(encoded.indices.to_numpy(zero_copy_only=False), encoded.dictionary)

    def local(self, s: int, index: np.ndarray) -> np.ndarray:
        """Segment-relative indices of segment s's values."""
        return np.asarray(index - self.starts[s], dtype=np.int64)

    def texts(self, index: np.ndarray) -> list[str]:
        return self.distinct.take(pa.array(index, pa.int64())).to_pylist() if index.size else []


def detect_parts(parts: Sequence[Part], rules: RuleSet, options: DetectOptions) -> list[ColumnStats]:
    """Every value rule over every part; each part's statistics as if it were detected alone. Pure."""
    out = [ColumnStats(p.column.name, p.column.kind, rows=p.num_rows) for p in parts]
    live: list[int] = []
    prepared: list[Prepared] = []
    dated: list[int] = []  # columns whose oldest and newest dates are profiled (retention hints)
    for k, (part, item) in enumerate(zip(parts, prepare_all([p.column for p in parts]), strict=True)):
        if item is None:
            continue
        kept, distinct, _ = item
        stats = out[k]
        stats.values = len(kept)
        if stats.values == 0:
            continue
        if options.date_columns is not None and (
            part.column.kind == "datetime" or options.date_columns.role(part.column.name)
        ):
            dated.append(k)
        stats.distinct = len(distinct)
        live.append(k)
        prepared.append(item)
    if dated:
        kept_of = {k: item[0] for k, item in zip(live, prepared, strict=True)}
        texts = [kept_of[k] for k in dated]
        owner = np.repeat(np.arange(len(dated)), [len(t) for t in texts])
        joined = texts[0] if len(texts) == 1 else pa.concat_arrays(texts)
        for k, dates in zip(dated, profile_dates_each(joined, owner, len(dated)), strict=True):
            out[k].dates = dates
    if not live:
        return out
    segments = Segments([parts[k] for k in live], prepared)
    claims = _Claims(segments.distinct)
    prefilters: dict[tuple[str, bool], np.ndarray] = {}
    # The bytes each column holds: a pattern that needs a letter cannot match a column of digits.
    present = np.stack([bytes_present(item[1]) for item in prepared])
    # Columns of one header across many small files mostly hold the same bytes: each rule's byte formula is
    # evaluated once per distinct set of bytes (443 of 1,088 columns in a group of 64 exports).
    rows = np.ascontiguousarray(np.packbits(present, axis=1)).view(np.dtype((np.void, 32))).ravel()
    _, first, column_bytes = np.unique(rows, return_index=True, return_inverse=True)
    present = present[first]
    traits = _Traits(segments.parts)
    applicable = [(rule, *_applicable(rule, traits, present, column_bytes.reshape(-1))) for rule in rules]
    patterned = [rule for rule, applies, _ in applicable if rule.pattern_text is not None and applies.any()]
    screen = _Screen(segments, patterned)
    for rule, applies, in_context in applicable:
        if not applies.any():
            continue
        if rule.matcher is not None:
            found = _apply_matcher_rule(rule, segments, applies, claims, options)
        else:
            found = _apply_value_rule(rule, segments, applies, in_context, claims, prefilters, screen, options)
        prose: list[tuple[int, RuleStats]] = []
        for s, rule_stats in sorted(found.items()):
            if in_context[s] and rule_stats.match_count and rule.matcher is None:
                rule_stats.details[IN_CONTEXT] = rule_stats.match_count
            elif segments.parts[s].column.prose:
                prose.append((s, rule_stats))
            out[live[s]].rules[rule.id] = rule_stats
        _count_in_context(rule, segments, prose)
    return out


class _Traits:
    """What the rules ask of each segment's column, as arrays: its kind, whether it is prose, and its name in its
    table (files of one folder share their headers: each distinct name and header is judged once per rule)."""

    def __init__(self, parts: list[Part]) -> None:
        kinds = [part.column.kind for part in parts]
        self.kinds = list(dict.fromkeys(kinds))
        self.kind = np.asarray([self.kinds.index(k) for k in kinds], dtype=np.int64)
        self.prose = np.asarray([part.column.prose for part in parts], dtype=bool)
        named = {(part.column.name, part.table_columns): 0 for part in parts}
        self.names = list(named)
        position = {key: i for i, key in enumerate(self.names)}
        self.name = np.asarray([position[(part.column.name, part.table_columns)] for part in parts], dtype=np.int64)


def _applicable(
    rule: Rule, traits: _Traits, present: np.ndarray, column_bytes: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Per segment: whether the rule looks at the column, and whether only in the context of its words.

    ``present`` holds distinct rows of the bytes present (256 booleans), ``column_bytes`` each segment's row."""
    # An integer column is never a person's name, whatever its header says.
    applies = np.asarray([kind in rule.kinds for kind in traits.kinds], dtype=bool)[traits.kind]
    in_context = np.zeros(len(applies), dtype=bool)
    if rule.weak:
        backed = np.asarray([rule.backed(name, table) for name, table in traits.names], dtype=bool)[traits.name]
        # Weak shapes (postal codes, plates, union names) count only where the names back them, or in prose: there
        # only candidates that share their passage with a context word, unless the values back themselves (a
        # postal code with its own post office), which are judged after validation.
        self_backing = rule.validator is not None and bool(VALIDATORS[rule.validator].backs)
        loose = traits.prose & (rule.context_pattern is not None or self_backing)
        in_context = applies & ~backed & loose & (not self_backing)
        applies &= backed | loose
    if rule.matcher is None:
        if rule.pattern is None:
            return np.zeros(len(applies), dtype=bool), in_context
        applies &= rule.needs.met_each(present)[column_bytes]
    else:
        needs = MATCHERS[rule.matcher].needs
        if needs is not None:
            applies &= _requirement(needs).met_each(present)[column_bytes]
    return applies, in_context


@functools.lru_cache(maxsize=16)
def _requirement(pattern: str) -> Requirement:
    return requirement(pattern, False)


# A passage this short is one line of a CV, a form or a signature: a label anywhere in it labels its value. In a
# longer passage the label must stand just before the value.
_LABEL_PASSAGE = 300
_LABEL_GAP = 40


def _count_in_context(rule: Rule, segments: Segments, found: list[tuple[int, RuleStats]]) -> None:
    """In documents, count the accepted values whose passage holds one of the rule's label words (``Puh.``,
    ``Nimi:``, ``Date of birth``): a labelled value is evidence of its own (presidio's context words, a DLP hotword).
    One kernel pass over the accepted values of all the segments (``found``: each prose segment's statistics): the
    label patterns are long, and Arrow compiles a pattern on every call."""
    found = [(s, result) for s, result in found if result.accepted_index.size]
    if rule.context_pattern is None or not found:
        return
    index = np.concatenate([segments.starts[s] + result.accepted_index for s, result in found])
    accepted = segments.distinct.take(pa.array(index))
    short = np.asarray(pc.less_equal(pc.utf8_length(accepted), _LABEL_PASSAGE).to_numpy(zero_copy_only=False))
    labelled = np.asarray(
        pc.match_substring_regex(accepted, pattern=rule.context_pattern).to_numpy(zero_copy_only=False)
    )
    near = rule.near_pattern
    if near is not None and (labelled & ~short).any():
        close = np.asarray(pc.match_substring_regex(accepted, pattern=near).to_numpy(zero_copy_only=False))
        hit = labelled & (short | close)
    else:
        hit = labelled & short
    weights = np.where(hit, segments.counts[index], 0)
    starts = np.cumsum([0] + [result.accepted_index.size for _, result in found[:-1]])
    for (_, result), total in zip(found, np.add.reduceat(weights, starts), strict=True):
        if total:
            result.details[IN_CONTEXT] = int(total)


class _Claims:
    """Character spans of distinct values that earlier rules accepted, so a rule that yields to them (its
    ``yields_to``: a phone number yields to a HETU) does not reuse their characters.

    Rules accepted by the column pass alone record only which values they hold; their spans are computed the
    first time a rule that yields to them has a candidate in the same value (rare: an email that also looks like a
    phone number), so the common case costs no Python per value. Values are distinct per segment, so a claim on one
    never reaches another column.
    """

    def __init__(self, distinct: pa.Array) -> None:
        self._distinct = distinct
        self._spans: dict[str, dict[int, list[tuple[int, int]]]] = {}  # claiming rule id -> value -> spans
        self._lazy: list[tuple[Rule, set[int]]] = []
        self._whole: dict[str, np.ndarray] = {}  # claiming rule id -> values one accepted match covers entirely
        self._none = np.zeros(len(distinct), dtype=bool)

    def whole_for(self, rule: Rule) -> np.ndarray:
        """Values wholly taken by a rule that ``rule`` yields to."""
        masks = [mask for rid, mask in self._whole.items() if rule.yields(rid)]
        if not masks:
            return self._none
        return np.logical_or.reduce(masks) if len(masks) > 1 else masks[0]

    def mark_whole(self, rule: Rule, index: np.ndarray) -> None:
        if index.size:
            mask = self._whole.setdefault(rule.id, np.zeros(len(self._distinct), dtype=bool))
            mask[index] = True

    def _held(self, rule: Rule) -> set[int]:
        held: set[int] = set()
        for rid, spans in self._spans.items():
            if rule.yields(rid):
                held |= spans.keys()
        for claimant, lazy in self._lazy:
            if rule.yields(claimant.id):
                held |= lazy
        return held

    def partly(self, index: np.ndarray, rule: Rule) -> np.ndarray:
        """Which of these values have characters claimed by a rule ``rule`` yields to."""
        held = self._held(rule)
        if not held:
            return np.zeros(len(index), dtype=bool)
        return np.isin(index, np.fromiter(held, dtype=np.int64, count=len(held)))

    def add(self, rule: Rule, i: int, spans: list[tuple[int, int]]) -> None:
        self._spans.setdefault(rule.id, {}).setdefault(i, []).extend(spans)

    def add_lazy(self, rule: Rule, index: np.ndarray) -> None:
        self._lazy.append((rule, set(index.tolist())))

    def spans(self, i: int, text: str, rule: Rule) -> list[tuple[int, int]]:
        for claimant, held in self._lazy:
            if i in held and rule.yields(claimant.id):
                held.discard(i)
                assert claimant.pattern is not None
                group = _value_group(claimant)
                self.add(claimant, i, [m.span(group) for m in claimant.pattern.finditer(text)])
        out: list[tuple[int, int]] = []
        for rid, spans in self._spans.items():
            if rule.yields(rid):
                out.extend(spans.get(i, []))
        return out


def _value_group(rule: Rule) -> int | str:
    assert rule.pattern is not None
    return "v" if "v" in rule.pattern.groupindex else 0


class _Samples:
    """Masked samples per segment: the first distinct ones, up to the limit, in the order offered."""

    def __init__(self, rule: Rule, options: DetectOptions) -> None:
        self._mask = MASKERS[rule.mask]
        self._show = options.show_data
        self.limit = options.max_samples
        self.of: dict[int, list[str]] = {}

    def full(self, s: int) -> bool:
        return len(self.of.get(s, ())) >= self.limit

    def offer(self, s: int, text: str) -> None:
        samples = self.of.setdefault(s, [])
        if len(samples) >= self.limit:
            return  # full: masking every later value was a tenth of a free-text column's time
        sample = text if self._show else self._mask(text)
        if sample not in samples and len(samples) < self.limit:
            samples.append(sample)

    def get(self, s: int) -> tuple[str, ...]:
        return tuple(self.of.get(s, ()))


def _apply_value_rule(
    rule: Rule,
    segments: Segments,
    applies: np.ndarray,
    in_context: np.ndarray,
    claims: _Claims,
    prefilters: dict[tuple[str, bool], np.ndarray],
    screen: _Screen,
    options: DetectOptions,
) -> dict[int, RuleStats]:
    """A rule with a pattern: candidates by one kernel pass over the segments it applies to, then per segment the
    pattern alone (no validator, nothing claimed) or validation."""
    # A value wholly taken by a rule this one yields to (a column of HETUs) holds nothing else: left out before the
    # pattern runs, not after (a quarter of the values the patterns saw in a CRM export).
    index = _candidates(rule, segments, applies[segments.of] & ~claims.whole_for(rule), prefilters, screen)
    if index.size and in_context.any():
        context = in_context[segments.of[index]]
        if context.any():
            assert rule.context_pattern is not None
            near = pc.match_substring_regex(
                segments.distinct.take(pa.array(index[context])), pattern=rule.context_pattern
            )
            keep = np.ones(index.size, dtype=bool)
            keep[np.flatnonzero(context)] = np.asarray(near.to_numpy(zero_copy_only=False), dtype=bool)
            index = index[keep]
    if rule.veto_text is not None and index.size:
        index = index[~_vetoed(rule, segments.distinct.take(pa.array(index)))]
    if index.size == 0:
        return {}
    if rule.validator is not None:
        return _apply_validated_rule(rule, segments, index, claims, options)
    # Per segment: where another rule holds part of a candidate, the overlap check needs each match's span.
    claimed = segments.number(index[claims.partly(index, rule)]) > 0
    mixed = claimed[segments.of[index]]
    out = _apply_pattern_rule(rule, segments, index[~mixed], claims, options) if not mixed.all() else {}
    if mixed.any():
        out.update(_apply_validated_rule(rule, segments, index[mixed], claims, options))
    return out


def _apply_pattern_rule(
    rule: Rule, segments: Segments, index: np.ndarray, claims: _Claims, options: DetectOptions
) -> dict[int, RuleStats]:
    """A rule without a validator, where no other rule claimed these values: counted by column kernels only."""
    assert rule.pattern is not None and rule.pattern_text is not None
    subset = segments.distinct.take(pa.array(index))
    full = pc.match_substring_regex(subset, pattern=f"^(?:{rule.pattern_text})$", ignore_case=rule.ignore_case)
    full_mask = np.asarray(full.to_numpy(zero_copy_only=False), dtype=bool)
    claims.add_lazy(rule, index)
    claims.mark_whole(rule, index[full_mask])
    group = _value_group(rule)
    samples = _Samples(rule, options)
    weights = segments.counts[index]
    out: dict[int, RuleStats] = {}
    by_segment = list(segments.groups(index))
    # Samples from each column's first candidates: one take for all columns.
    heads = [positions[: options.max_samples * 2] for _, positions in by_segment]
    texts = iter(subset.take(pa.array(np.concatenate(heads))).to_pylist() if heads else [])
    for (s, positions), head in zip(by_segment, heads, strict=True):
        for text in [next(texts) for _ in range(head.size)]:
            if samples.full(s):
                continue
            match = rule.pattern.search(text)
            if match is not None:
                samples.offer(s, match.group(group))
        out[s] = RuleStats(
            match_count=int(weights[positions].sum()),
            full_match_count=int(weights[positions][full_mask[positions]].sum()),
            samples=samples.get(s),
            distinct=int(positions.size),
            accepted_index=segments.local(s, index[positions]),
        )
    return out


def _vetoed(rule: Rule, values: pa.Array) -> np.ndarray:
    """Which of these values a rule's veto words rule out (the name of a hospital, a street), by one kernel pass.
    Run on a rule's candidates or accepted values only: far fewer than the column's values."""
    assert rule.veto_text is not None
    return np.asarray(pc.match_substring_regex(values, pattern=rule.veto_text).to_numpy(zero_copy_only=False))


_VETO_WORDS = 8  # texts of at most this many words are vetoed whole
_WORDS = re.compile(r"[^\W\d_][\w'’-]*")


def _vetoed_word(rule: Rule, text: str, own_word: Callable[[str], bool]) -> bool:
    """Whether a veto word of the rule stands in the text outside the matcher's own words (Ylitalo is a surname,
    Ylitalon koulu is still a school)."""
    assert rule.veto_text is not None
    veto = _python_pattern(rule.veto_text)
    # A veto word by itself (tie, Hospital) always counts; a compound ending in one counts unless it is a name.
    return any(
        veto.search(word) and (veto.fullmatch(word) or not own_word(word.lower())) for word in _WORDS.findall(text)
    )


@functools.lru_cache(maxsize=64)
def _python_pattern(text: str) -> re.Pattern[str]:
    return re.compile(text)


def _apply_matcher_rule(
    rule: Rule, segments: Segments, applies: np.ndarray, claims: _Claims, options: DetectOptions
) -> dict[int, RuleStats]:
    """A registered matcher, on the values no higher-priority rule has taken whole (an address is not a name), in one
    call for all segments: each value's document's own spelled words go with it (MatchContext.spelled), so the
    passages of many documents cost one call, not one each."""
    free = np.flatnonzero(~claims.whole_for(rule) & applies[segments.of])
    if free.size == 0:
        return {}
    return _matched(rule, segments, free, options)


def _matched(rule: Rule, segments: Segments, free: np.ndarray, options: DetectOptions) -> dict[int, RuleStats]:
    assert rule.matcher is not None
    subset = segments.distinct if free.size == len(segments.distinct) else segments.distinct.take(pa.array(free))
    of = segments.of[free]
    result = MATCHERS[rule.matcher].run(
        subset, MatchContext(options.max_samples, options.ner_model, segments.spelled, rule.entity, of)
    )
    if result.index.size == 0:
        return {}
    single = result.single_words()
    if rule.veto_text is not None:
        accepted = subset.take(pa.array(result.index))
        # A veto word makes a short value the name of something else (Eliel Saarisen tie 5, Aalto-yliopisto); in a
        # longer text it is only another word near the name (a CV: the applicant, then their street address).
        words = np.asarray(pc.count_substring_regex(accepted, pattern=r"\S+").to_numpy(zero_copy_only=False))
        bad = _vetoed(rule, accepted) & (result.full | (words <= _VETO_WORDS))
        own_word = MATCHERS[rule.matcher].own_word
        if bad.any() and own_word is not None:
            for i in np.flatnonzero(bad).tolist():  # few: the vetoed ones
                bad[i] = _vetoed_word(rule, accepted[i].as_py(), own_word)
        if bad.any():
            vetoed: dict[int, list[str]] = {}
            for i in np.flatnonzero(bad).tolist():
                vetoed.setdefault(int(of[result.index[i]]), []).append(accepted[i].as_py())
            # A sample that is part of a vetoed value of its column is not shown (the school's name, not a person).
            found = [(i, t) for i, t in result.found if not any(t in v for v in vetoed.get(int(of[i]), ()))]
            keep = ~bad
            result = MatcherResult(result.index[keep], result.full[keep], found, single[keep], result.shaped)
            single = single[keep]
            if result.index.size == 0:
                return {}
    index = free[result.index]
    full = result.full
    weights = segments.counts[index]
    matches = segments.total(index)
    whole = segments.total(index[full], weights[full])
    singles = segments.total(index[single], weights[single])
    distinct = segments.number(index)
    shaped = (
        segments.total(free[result.shaped])
        if result.shaped is not None and result.shaped.size
        else np.zeros(segments.size, dtype=np.int64)
    )
    samples = _Samples(rule, options)
    for i, text in result.found:
        samples.offer(int(of[i]), text)
    out: dict[int, RuleStats] = {}
    for s, positions in segments.groups(index):
        details = {}
        if singles[s]:
            details[SINGLE_WORD] = int(singles[s])
        if shaped[s]:
            details[SHAPED] = int(shaped[s])
        out[s] = RuleStats(
            match_count=int(matches[s]),
            full_match_count=int(whole[s]),
            samples=samples.get(s),
            distinct=int(distinct[s]),
            details=details,
            accepted_index=segments.local(s, index[positions]),
        )
    return out


# Cheap tests a rule can ask for before its regular expression runs (rule field value.prefilter): "digit" keeps
# values with a digit; any other text is a literal the match must contain ("@" for emails).
_PREFILTER_CLASSES = {"digit": "[0-9]"}


# A prefilter is a pass of its own: where nearly every value passes it (a column of phone numbers holds digits
# throughout), it would only cost. A spread sample of this many values decides first, on columns of many more.
_PREFILTER_SAMPLE = 512
_PREFILTER_WORTH = 0.9  # the prefilter runs when fewer than this share of the sample passes it


def _prefilter(
    distinct: pa.Array, key: str, ignore_case: bool, cache: dict[tuple[str, bool], np.ndarray]
) -> np.ndarray:
    """The values that may match (a superset: every value that holds the prefilter's text), computed once and shared
    by the rules that use it."""
    if (key, ignore_case) not in cache:
        n = len(distinct)
        passing: np.ndarray | None = None
        if n > 8 * _PREFILTER_SAMPLE:
            spread = pa.array(np.linspace(0, n - 1, _PREFILTER_SAMPLE).astype(np.int64))
            if _prefilter_mask(distinct.take(spread), key, ignore_case).mean() >= _PREFILTER_WORTH:
                passing = np.ones(n, dtype=bool)
        cache[(key, ignore_case)] = _prefilter_mask(distinct, key, ignore_case) if passing is None else passing
    return cache[(key, ignore_case)]


def _prefilter_mask(values: pa.Array, key: str, ignore_case: bool) -> np.ndarray:
    if key in _PREFILTER_CLASSES:
        mask = pc.match_substring_regex(values, pattern=_PREFILTER_CLASSES[key])
    else:
        mask = pc.match_substring(values, key, ignore_case=ignore_case)
    return np.asarray(mask.to_numpy(zero_copy_only=False), dtype=bool)


def _candidates(
    rule: Rule,
    segments: Segments,
    within: np.ndarray,
    cache: dict[tuple[str, bool], np.ndarray],
    screen: _Screen | None = None,
) -> np.ndarray:
    """Indices of the values (of the segments ``within`` marks) in which the rule's pattern occurs."""
    assert rule.pattern_text is not None
    mask = within
    if rule.min_length > 1:
        mask = mask & (segments.byte_lengths >= rule.min_length)
    # Shapes pay where the rule would search many values (not a few columns of a group of small files).
    shapes = segments.shapes if rule.digit_blind and np.count_nonzero(mask) >= _SHAPES_MIN_VALUES else None
    if shapes is not None:
        # The pattern (and prefilter) match a value exactly when they match its shape: search the few shapes.
        fits = _matching(shapes.values, rule.pattern_text, rule.ignore_case)
        if rule.prefilter is not None:
            fits &= _prefilter_mask(shapes.values, rule.prefilter, rule.ignore_case)
        return np.flatnonzero(mask & fits[shapes.index])
    if rule.prefilter is not None:
        mask = mask & _prefilter(segments.distinct, rule.prefilter, rule.ignore_case, cache)
    if screen is not None and np.count_nonzero(mask) >= _SCREEN_MIN_VALUES:
        mask = mask & screen.passing(rule)
    if mask.all():
        index = np.arange(len(segments.distinct))
        subset = segments.distinct
    else:
        index = np.flatnonzero(mask)
        if index.size == 0:
            return index
        subset = segments.distinct.take(pa.array(index))
    return np.asarray(index[_matching(subset, rule.pattern_text, rule.ignore_case)])


# Free text has as many shapes as values, and a dozen rules each search all of it: 13 passes over a column of notes,
# most of whose values none of them matches. One pass of their patterns side by side (an alternation RE2 runs as one
# automaton) says which values any of them can match; each rule then searches only those. Exact: a value a rule's
# pattern matches, the alternation matches. Worth it on many values and rules where few values match (a sample says):
# compiling the alternation costs 10-20 ms, so below about 16,000 values it cost more than it saved (review, issue 25).
_SCREEN_MIN_VALUES = 16384
_SCREEN_MIN_RULES = 5
# A longer pattern (a user's vocabulary of thousands of words) slows the alternation more than the passes it saves
# (a 2,000-word rule: 2.8 s for 50,000 notes against 0.7 s without a screen): such a rule searches alone.
_SCREEN_MAX_PATTERN = 2048
_SCREEN_SAMPLE = 512
_SCREEN_WORTH = 0.5  # the screen runs when fewer than this share of the sample passes it
# The alternation needs no group names (nor captures): "(?P<v>" becomes "(?:" where its "(" is not escaped
# (an even number of backslashes before it).
_NAMED_GROUP = re.compile(r"(?<!\\)((?:\\\\)*)\(\?P<\w+>")


class _Screen:
    """Which distinct values any of the pattern rules that apply to a set of segments can match, computed once, when
    the first of them would search many values."""

    def __init__(self, segments: Segments, rules: list[Rule]) -> None:
        self.segments = segments
        parts: dict[str, str] = {}
        for rule in rules:
            assert rule.pattern is not None and rule.pattern_text is not None
            unnamed, renamed = _NAMED_GROUP.subn(r"\1(?:", rule.pattern_text)
            # Every rewrite must be one of the pattern's groups ("(?P<" inside a character class is text): else the
            # rule searches alone.
            if len(unnamed) <= _SCREEN_MAX_PATTERN and renamed == len(rule.pattern.groupindex):
                parts[rule.id] = ("(?i:" if rule.ignore_case else "(?:") + unnamed + ")"
        self.covered = frozenset(parts)
        self.pattern = "|".join(parts.values())
        self._passing: np.ndarray | None = None

    def passing(self, rule: Rule) -> np.ndarray | bool:
        """The values the rule may match (True: all of them, unscreened)."""
        if rule.id not in self.covered:
            return True
        if self._passing is None:
            self._passing = self._compute()
        return self._passing if self._passing.size else True

    def _compute(self) -> np.ndarray:
        distinct = self.segments.distinct
        n = len(distinct)
        if len(self.covered) < _SCREEN_MIN_RULES or n < _SCREEN_MIN_VALUES:
            return np.zeros(0, dtype=bool)
        spread = pa.array(np.linspace(0, n - 1, _SCREEN_SAMPLE).astype(np.int64))
        try:
            if _matching(distinct.take(spread), self.pattern, False).mean() >= _SCREEN_WORTH:
                return np.zeros(0, dtype=bool)
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):  # RE2 refuses the alternation: each rule searches alone
            return np.zeros(0, dtype=bool)
        return _matching(distinct, self.pattern, False)


def _matching(values: pa.Array, pattern: str, ignore_case: bool) -> np.ndarray:
    """Which of the values the pattern occurs in (RE2)."""
    hits = pc.match_substring_regex(values, pattern=pattern, ignore_case=ignore_case)
    return np.asarray(hits.to_numpy(zero_copy_only=False), dtype=bool)


@dataclass
class _Tally:
    """One segment's counts for a validated rule, as :class:`RuleStats` fields, while values are judged."""

    match_count: int = 0
    full_match_count: int = 0
    confirmed: int = 0
    rejected: int = 0
    distinct: int = 0
    details: dict[str, int] = field(default_factory=dict)
    whole: list[np.ndarray] = field(default_factory=list)  # values accepted column-wide
    slow: list[int] = field(default_factory=list)  # values accepted one by one

    def stats(self, samples: tuple[str, ...], start: int) -> RuleStats:
        """The segment's statistics, its indices relative to its first value ``start``."""
        sample_index = (np.concatenate(self.whole) if self.whole else np.zeros(0, dtype=np.int64)) - start
        slow = np.asarray(self.slow, dtype=np.int64) - start
        return RuleStats(
            match_count=self.match_count,
            full_match_count=self.full_match_count,
            confirmed=self.confirmed,
            rejected=self.rejected,
            details=self.details,
            distinct=self.distinct,
            samples=samples,
            sample_index=sample_index,
            accepted_index=np.concatenate([sample_index, slow]),
        )


def _validate_whole(
    rule: Rule,
    segments: Segments,
    values: pa.Array,
    index: np.ndarray,
    claims: _Claims,
    tallies: dict[int, _Tally],
) -> None:
    """Validate values that are wholly one candidate (``values``: their value groups), all segments in one call of
    the validator's column form."""
    assert rule.validator is not None and rule.pattern is not None
    outcomes = VALIDATORS[rule.validator].many(values)
    accepted = outcomes.codes != REJECT_CODE
    weights = segments.counts[index]
    matches = segments.total(index[accepted], weights[accepted])
    confirmed = segments.total(index[outcomes.codes == CONFIRM_CODE], weights[outcomes.codes == CONFIRM_CODE])
    rejected = segments.total(index[~accepted], weights[~accepted])
    distinct = segments.number(index[accepted])
    labels = {
        label: segments.total(index[mask], weights[mask]) for label, mask in outcomes.details.items() if mask.any()
    }
    for s, positions in segments.groups(index):
        tally = tallies.setdefault(s, _Tally())
        tally.match_count += int(matches[s])
        tally.full_match_count += int(matches[s])
        tally.confirmed += int(confirmed[s])
        tally.rejected += int(rejected[s])
        tally.distinct += int(distinct[s])
        for label, totals in labels.items():
            if totals[s]:
                tally.details[label] = tally.details.get(label, 0) + int(totals[s])
        tally.whole.append(index[positions][accepted[positions]])
    claims.mark_whole(rule, index[accepted])
    if rule.owns_shape:
        claims.mark_whole(rule, index[~accepted])


def _column_verdicts(
    rule: Rule, found: list[list[tuple[tuple[int, int], str]]]
) -> dict[str, tuple[int, str | None]] | None:
    """Each distinct matched value's outcome code and detail, from one call of the validator's column form."""
    if rule.validator is None:
        return None
    values = list(dict.fromkeys(value for matches in found for _, value in matches))
    if not values:
        return {}
    outcomes = VALIDATORS[rule.validator].many(pa.array(values, pa.string()))
    labels: list[str | None] = [None] * len(values)
    for label, mask in outcomes.details.items():
        for j in np.flatnonzero(mask).tolist():
            labels[j] = label
    codes = outcomes.codes.tolist()
    return {value: (int(codes[j]), labels[j]) for j, value in enumerate(values)}


# The span of a text's one match, left uncomputed: a text the column pass says holds exactly one match, and no
# character of it claimed by a rule this one yields to, needs no Python search. Its verdict comes from the matched
# value, it covers the whole text when the value is the text, and its characters are claimed lazily (_Claims.spans
# finds them if a later rule has a candidate in the same value).
_ONE = (-1, -1)


def _found_matches(
    rule: Rule, segments: Segments, index: np.ndarray, texts: list[str], held: np.ndarray
) -> list[list[tuple[tuple[int, int], str]]]:
    """Each text's matches as (span, value of the value group). Free text mostly holds one match (a note with a phone
    number): those are cut out by two RE2 passes over all the candidates, the others found by Python."""
    assert rule.pattern is not None and rule.pattern_text is not None
    group = _value_group(rule)
    single = np.zeros(len(texts), dtype=bool)
    one: list[str | None] = [None] * len(texts)
    # The values cut out must be those Python finds, so not where RE2 and Python's re (ASCII flag) read a pattern
    # apart: a rule that ignores case (RE2 folds by Unicode: the Kelvin sign is a K), a text with a vertical tab
    # (Python's \s holds it, RE2's does not).
    if len(texts) >= _ONE_MATCH_MIN and group == "v" and not rule.ignore_case:
        subset = segments.distinct.take(pa.array(index, pa.int64()))
        counts = pc.count_substring_regex(subset, pattern=rule.pattern_text)
        tabbed = np.asarray(pc.match_substring(subset, "\x0b").to_numpy(zero_copy_only=False), dtype=bool)
        single = (np.asarray(counts.to_numpy(zero_copy_only=False)) == 1) & ~held & ~tabbed
        if single.any():
            picked = subset.filter(pa.array(single))
            values = pc.struct_field(pc.extract_regex(picked, pattern=rule.pattern_text), "v").to_pylist()
            for k, value in zip(np.flatnonzero(single).tolist(), values, strict=True):
                one[k] = value
    return [
        [(_ONE, value)]
        if (value := one[k]) is not None
        else [(m.span(group), m.group(group)) for m in rule.pattern.finditer(text)]
        for k, text in enumerate(texts)
    ]


# Below this many candidates the two column passes cost more than the Python search they save.
_ONE_MATCH_MIN = 64


def _claim(claims: _Claims, rule: Rule, i: int, spans: list[tuple[int, int]], lazy: list[int]) -> None:
    """Record the characters a rule holds in value ``i``: a match of uncomputed span (_ONE) lazily."""
    if spans == [_ONE]:
        lazy.append(i)
    else:
        claims.add(rule, i, spans)


def _apply_validated_rule(
    rule: Rule, segments: Segments, index: np.ndarray, claims: _Claims, options: DetectOptions
) -> dict[int, RuleStats]:
    """A rule whose candidates need a validator or an overlap check.

    Candidates that are wholly one match (a column of HETUs) are validated column-wide; in the rest (free text,
    values another rule already holds part of) Python finds each match, and every matched value is validated in
    one column call.
    """
    assert rule.pattern is not None and rule.pattern_text is not None
    group = _value_group(rule)
    tallies: dict[int, _Tally] = {}
    samples = _Samples(rule, options)
    if rule.validator is not None:
        subset = segments.distinct.take(pa.array(index))
        anchored = ("(?i)" if rule.ignore_case else "") + f"^(?:{rule.pattern_text})$"
        if rule.value_is_whole:
            whole = pc.match_substring_regex(subset, pattern=anchored)
            groups = subset
        else:  # the value sits inside boundary context: one pass both says which match whole and cuts the value out
            groups = pc.struct_field(pc.extract_regex(subset, pattern=anchored), "v")
            whole = pc.is_valid(groups)
        fast = np.asarray(whole.to_numpy(zero_copy_only=False), dtype=bool) & ~claims.partly(index, rule)
        if fast.any():
            _validate_whole(rule, segments, groups.filter(pa.array(fast)), index[fast], claims, tallies)
            index = index[~fast]
            # Samples: the matched text of each column's first accepted whole values.
            picked = [t.whole[0][: options.max_samples] for t in tallies.values() if t.whole]
            owners = [s for s, t in tallies.items() if t.whole]
            heads = iter(segments.texts(np.concatenate(picked)) if picked else [])
            for s, chosen in zip(owners, picked, strict=True):
                for text in [next(heads) for _ in range(chosen.size)]:
                    match = rule.pattern.search(text)
                    samples.offer(s, match.group(group) if match else text)
    texts = segments.texts(index)
    # Python from here on sees only the values the column pass selected, each distinct value once: the matches in
    # each text, then every matched value validated in one column call (the validators' column forms give the
    # one-value verdicts: tests/detect/test_validators.py checks they agree).
    held = claims.partly(index, rule)
    found = _found_matches(rule, segments, index, texts, held)
    verdicts = _column_verdicts(rule, found)
    of = segments.of[index].tolist()
    lazy: list[int] = []  # values whose one match this rule holds, its span computed if a later rule asks
    for i, s, text, matches, partly in zip(index.tolist(), of, texts, found, held.tolist(), strict=True):
        claimed = claims.spans(i, text, rule) if partly else []
        accepted: list[tuple[int, int]] = []
        shapes: list[tuple[int, int]] = []
        any_rejected = False
        any_confirmed = False
        first_value: str | None = None
        tally = tallies.setdefault(s, _Tally())
        weight = int(segments.counts[i])
        for (start, end), value in matches:
            if claimed and any(start < c_end and c_start < end for c_start, c_end in claimed):
                continue  # a higher-priority rule already owns these characters (a HETU is not a phone)
            if verdicts is not None:
                code, detail = verdicts[value]
                if code == REJECT_CODE:
                    # A HETU or Y-tunnus with a wrong check digit is a broken identifier, not a phone number:
                    # the shape still owns its characters against lower-priority rules.
                    any_rejected = True
                    if rule.owns_shape:
                        shapes.append((start, end))
                    continue
                if code == CONFIRM_CODE:
                    any_confirmed = True
                if detail:
                    tally.details[detail] = tally.details.get(detail, 0) + weight
            accepted.append((start, end))
            if first_value is None:
                first_value = value
        if shapes:
            _claim(claims, rule, i, shapes, lazy)
        if not accepted:
            if any_rejected:
                tally.rejected += weight
            continue
        tally.match_count += weight
        tally.distinct += 1
        tally.slow.append(i)
        if any_confirmed:
            tally.confirmed += weight
        if len(accepted) == 1 and (accepted[0] == (0, len(text)) or (accepted[0] == _ONE and first_value == text)):
            tally.full_match_count += weight
            claims.mark_whole(rule, np.array([i]))
        _claim(claims, rule, i, accepted, lazy)
        if first_value is not None:
            samples.offer(s, first_value)
    if lazy:
        claims.add_lazy(rule, np.asarray(lazy, dtype=np.int64))
    return {
        s: tally.stats(samples.get(s), int(segments.starts[s]))
        for s, tally in tallies.items()
        if tally.match_count or tally.rejected
    }
