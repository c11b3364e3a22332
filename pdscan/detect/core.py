"""The detector core: a pure function of one batch of columns that returns mergeable per-column statistics.

``detect_batch(batch, rules, options)`` looks at every column of a batch once per rule with whole-column Arrow
kernels (RE2 regular expressions over the distinct values); Python only touches the candidates a pattern found
and that need a checksum validator or an overlap check. The result is a dict of :class:`ColumnStats` whose
``merge`` is associative (:mod:`pdscan.detect.stats`), so batches, chunks or partitions can be scanned anywhere
and merged in order. Turning statistics into findings (scores, confidence, reasons) happens after the merge, in
:mod:`pdscan.detect.findings`.
"""

from __future__ import annotations

import collections
import functools
import re
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from pdscan import options as defaults
from pdscan.detect.dates import DateColumns, profile_dates
from pdscan.detect.masking import MASKERS
from pdscan.detect.matchers import MATCHERS
from pdscan.detect.matching import IN_CONTEXT, SHAPED, SINGLE_WORD, MatchContext, MatcherResult
from pdscan.detect.rules import Rule, RuleSet
from pdscan.detect.shape import bytes_present
from pdscan.detect.stats import ColumnStats, RuleStats
from pdscan.detect.validators import CONFIRM_CODE, REJECT_CODE, VALIDATORS
from pdscan.model import Batch, Column

# Column kinds the value channel never looks at.
_UNSCANNED_KINDS = frozenset({"binary"})


@dataclass(frozen=True)
class DetectOptions:
    max_samples: int = defaults.MAX_SAMPLES
    show_data: bool = False  # keep raw samples instead of masked ones (only for --show-data)
    ner_model: str | None = None  # spaCy model for named-entity recognition in free text (--ner)
    # Date columns to profile (oldest/newest date) for retention hints: by name, and every datetime column.
    date_columns: DateColumns | None = None


def detect_batch(batch: Batch, rules: RuleSet, options: DetectOptions) -> dict[str, ColumnStats]:
    """Run every value rule over every column of ``batch``. Pure: same input, same output, no I/O.

    Columns are independent, and Arrow's kernels release the GIL: columns run on a small thread pool, one thread
    per core. The result does not depend on the scheduling (a dict in column order).
    """
    names = [col.name for col in batch.columns]
    spelled = batch_handles(batch)
    if batch.num_rows < _INLINE_ROWS:
        return next(detect_small([batch], rules, options))
    if len(batch.columns) < 2 or _WORKERS < 2:
        return {col.name: _detect_column(col, batch.num_rows, rules, options, names, spelled) for col in batch.columns}
    results = _pool().map(
        lambda col: _detect_column(col, batch.num_rows, rules, options, names, spelled), batch.columns
    )
    return {col.name: stats for col, stats in zip(batch.columns, results, strict=True)}


def detect_small(batches: Sequence[Batch], rules: RuleSet, options: DetectOptions) -> Iterator[dict[str, ColumnStats]]:
    """:func:`detect_batch` of each of several small batches (small tables, small files), in this thread.

    A pool round trip per column costs more than a small table's work, and each rule's pattern runs once over the
    distinct values of all the batches' columns together, not once per column: Arrow compiles a pattern on every
    call, which with many small files was a third of the time. Each batch's statistics are its own, as if alone,
    and come as soon as they are done (an interruption keeps the batches before it).
    """
    prepared = [[_prepare(col) for col in batch.columns] for batch in batches]
    shared = _SharedPatterns.of([item for per_batch in prepared for item in per_batch])
    position = 0
    for batch, per_batch in zip(batches, prepared, strict=True):
        names = [col.name for col in batch.columns]
        spelled = batch_handles(batch)
        stats: dict[str, ColumnStats] = {}
        for i, col in enumerate(batch.columns):
            slot = (shared, position + i) if shared is not None else None
            stats[col.name] = _detect_column(col, batch.num_rows, rules, options, names, spelled, per_batch[i], slot)
        position += len(batch.columns)
        yield stats


_HANDLE = re.compile(r"([A-Za-z0-9._%+-]{3,64})@[A-Za-z0-9-]+\.")


def batch_handles(batch: Batch) -> frozenset[str]:
    """The local parts of the e-mail addresses a document's passages hold, lower-cased (``tandalkarveeraj07``):
    a document's own evidence for names the lexicon does not know. Documents only (few passages hold an @)."""
    out: set[str] = set()
    for column in batch.columns:
        if not column.prose:
            continue
        values = column.values
        with_at = values.filter(pc.fill_null(pc.match_substring(values, "@"), False))
        for text in with_at.to_pylist():
            out.update(m.lower() for m in _HANDLE.findall(text))
    return frozenset(out)


def detect_batches(
    batches: Iterable[Batch], rules: RuleSet, options: DetectOptions, ahead: int = 1
) -> Iterator[tuple[Batch, dict[str, ColumnStats]]]:
    """:func:`detect_batch` over a stream of batches, in order, each batch with its statistics.

    The columns of the next ``ahead`` batches are queued on the pool while earlier ones finish, and the next batch
    is read meanwhile: no core waits for a batch's slowest column or for the reader. At most ``ahead + 2``
    batches are held (the one yielded, the queued ones, the one being read), so memory stays a few chunks.
    """
    if _WORKERS < 2:
        for batch in batches:
            yield batch, detect_batch(batch, rules, options)
        return
    pending: collections.deque[tuple[Batch, list[Future[ColumnStats]]]] = collections.deque()
    cost: dict[str, float] = {}  # seconds each column took in the previous batch

    def timed(col: Column, num_rows: int, names: list[str], spelled: frozenset[str]) -> ColumnStats:
        start = time.perf_counter()
        try:
            return _detect_column(col, num_rows, rules, options, names, spelled)
        finally:
            cost[col.name] = time.perf_counter() - start

    iterator = iter(batches)
    try:
        while True:
            try:
                batch = next(iterator)
            except StopIteration:
                break
            except Exception:
                # A read error: the batches read before it still count (they are already queued).
                while pending:
                    yield _collected(pending.popleft())
                raise
            if batch.num_rows < _INLINE_ROWS and not pending:
                yield batch, detect_batch(batch, rules, options)  # in this thread (see detect_batch)
                continue
            names = [col.name for col in batch.columns]
            spelled = batch_handles(batch)
            # The costliest columns first (longest processing time first): the batch does not end with one thread
            # still validating IBANs while the others wait.
            order = sorted(range(len(batch.columns)), key=lambda i: -cost.get(names[i], 0.0))
            submitted = {i: _pool().submit(timed, batch.columns[i], batch.num_rows, names, spelled) for i in order}
            futures = [submitted[i] for i in range(len(batch.columns))]
            pending.append((batch, futures))
            if len(pending) > ahead:
                yield _collected(pending.popleft())
        while pending:
            yield _collected(pending.popleft())
    finally:  # an interrupted or failed stream: queued columns are dropped, running ones finish on their own
        for _, futures in pending:
            for future in futures:
                future.cancel()


SMALL_ROWS = _INLINE_ROWS = 1000  # batches smaller than this are detected in the calling thread (detect_small)
_MET: dict[tuple[int, bytes], tuple[Rule, bool]] = {}


def _needs_met(rule: Rule, present: np.ndarray, key: bytes) -> bool:
    """``rule.needs.met(present)``, remembered per rule and set of bytes present: columns of many files share it.
    Keyed by the rule object (kept in the entry, so its id is not reused while remembered)."""
    entry = _MET.get((id(rule), key))
    if entry is not None and entry[0] is rule:
        return entry[1]
    if len(_MET) > 65536:
        _MET.clear()
    met = rule.needs.met(present)
    _MET[(id(rule), key)] = (rule, met)
    return met


def _collected(item: tuple[Batch, list[Future[ColumnStats]]]) -> tuple[Batch, dict[str, ColumnStats]]:
    batch, futures = item
    return batch, {col.name: future.result() for col, future in zip(batch.columns, futures, strict=True)}


# One thread per core Arrow may use: pyarrow.cpu_count() follows OMP_NUM_THREADS, which Dask sets to 1 in its
# workers, so a worker with one thread uses one core and N workers scale as N (not N processes x all cores).
_WORKERS = max(1, min(8, pa.cpu_count()))


@functools.lru_cache(maxsize=1)
def _pool() -> ThreadPoolExecutor:
    return ThreadPoolExecutor(max_workers=_WORKERS, thread_name_prefix="pdscan-detect")


_Prepared = tuple[pa.Array, pa.Array, np.ndarray]  # the kept values, the distinct ones, how often each occurs


def _prepare(column: Column) -> _Prepared | None:
    """A column's non-empty values, trimmed, and their distinct values with counts (None: a kind not scanned)."""
    if column.kind in _UNSCANNED_KINDS:
        return None
    values = column.values
    if not pa.types.is_string(values.type) and not pa.types.is_large_string(values.type):
        values = pc.cast(values, pa.string())
    trimmed = pc.utf8_trim_whitespace(values)
    present = pc.and_(pc.is_valid(trimmed), pc.not_equal(trimmed, ""))
    kept = pc.filter(trimmed, present)
    # Rules run on distinct values only: exports repeat values a lot (cities, statuses, the same customer).
    counted = pc.value_counts(kept)
    return kept, counted.field("values"), counted.field("counts").to_numpy(zero_copy_only=False)


class _SharedPatterns:
    """The distinct values of a small table's columns side by side, so that a rule's pattern runs once for all."""

    def __init__(self, values: pa.Array, spans: dict[int, tuple[int, int]]) -> None:
        self._values = values
        self._spans = spans  # column position -> its distinct values' place in _values
        self._hits: dict[int, tuple[Rule, np.ndarray]] = {}

    @classmethod
    def of(cls, prepared: list[_Prepared | None]) -> _SharedPatterns | None:
        spans: dict[int, tuple[int, int]] = {}
        arrays: list[pa.Array] = []
        start = 0
        for position, item in enumerate(prepared):
            if item is None:
                continue
            distinct = item[1]
            arrays.append(distinct if distinct.type == pa.string() else pc.cast(distinct, pa.string()))
            spans[position] = (start, start + len(distinct))
            start += len(distinct)
        if len(arrays) < 2:
            return None
        return cls(pa.concat_arrays(arrays), spans)

    def candidates(self, rule: Rule, position: int) -> np.ndarray | None:
        """As :func:`_candidates` for the column at ``position`` (None: not part of this table's shared values)."""
        span = self._spans.get(position)
        if span is None:
            return None
        entry = self._hits.get(id(rule))
        if entry is None or entry[0] is not rule:
            assert rule.pattern_text is not None
            hits = pc.match_substring_regex(self._values, pattern=rule.pattern_text, ignore_case=rule.ignore_case)
            entry = self._hits[id(rule)] = (rule, np.asarray(hits.to_numpy(zero_copy_only=False), dtype=bool))
        return np.flatnonzero(entry[1][span[0] : span[1]])


def _detect_column(
    column: Column,
    num_rows: int,
    rules: RuleSet,
    options: DetectOptions,
    table_columns: list[str],
    spelled: frozenset[str] = frozenset(),
    prepared: _Prepared | None = None,
    shared: tuple[_SharedPatterns, int] | None = None,  # the table's shared values and this column's position
) -> ColumnStats:
    stats = ColumnStats(column.name, column.kind, rows=num_rows)
    prepared = prepared if prepared is not None else _prepare(column)
    if prepared is None:
        return stats
    kept, distinct, counts = prepared
    stats.values = len(kept)
    if stats.values == 0:
        return stats
    if options.date_columns is not None and (column.kind == "datetime" or options.date_columns.role(column.name)):
        stats.dates = profile_dates(kept)
    stats.distinct = len(distinct)
    claims = _Claims(distinct)
    prefilters: dict[tuple[str, bool], np.ndarray] = {}
    present = bytes_present(distinct)  # a pattern that needs a letter cannot match a column of digits
    present_key = np.packbits(present).tobytes()
    for rule in rules:
        if column.kind not in rule.kinds:
            continue  # an integer column is never a person's name, whatever its header says
        in_context = False  # a weak rule in prose: only candidates that share their passage with a context word
        if rule.weak and not rule.backed(column.name, table_columns):
            self_backing = rule.validator is not None and bool(VALIDATORS[rule.validator].backs)
            if not (column.prose and (rule.context_pattern is not None or self_backing)):
                continue  # weak shapes (postal codes, plates, union names) count only where the names back them
            # Values that back themselves (a postal code with its own post office) are judged after validation.
            in_context = not self_backing
        if rule.matcher is not None:
            matched = _apply_matcher_rule(rule, distinct, counts, claims, options, spelled)
            if matched is not None:
                if column.prose:
                    _count_in_context(rule, matched, distinct, counts)
                stats.rules[rule.id] = matched
            continue
        if rule.pattern is None or not _needs_met(rule, present, present_key):
            continue
        shared_index = shared[0].candidates(rule, shared[1]) if shared is not None else None
        index = shared_index if shared_index is not None else _candidates(rule, distinct, prefilters)
        index = index[~claims.whole_for(rule)[index]]  # a value that is wholly a HETU holds nothing else
        if in_context and index.size:
            near = pc.match_substring_regex(distinct.take(pa.array(index)), pattern=rule.context_pattern)
            index = index[np.asarray(near.to_numpy(zero_copy_only=False), dtype=bool)]
        if rule.veto_text is not None and index.size:
            index = index[~_vetoed(rule, distinct.take(pa.array(index)))]
        if index.size == 0:
            continue
        rule_stats: RuleStats | None
        if rule.validator is None and not claims.any_claimed(index, rule):
            rule_stats = _apply_pattern_rule(rule, distinct, index, counts, claims, options)
        else:
            rule_stats = _apply_validated_rule(rule, distinct, index, counts, claims, options)
        if rule_stats is not None:
            if in_context and rule_stats.match_count:
                rule_stats.details[IN_CONTEXT] = rule_stats.match_count
            elif column.prose:
                _count_in_context(rule, rule_stats, distinct, counts)
            stats.rules[rule.id] = rule_stats
    return stats


# A passage this short is one line of a CV, a form or a signature: a label anywhere in it labels its value. In a
# longer passage the label must stand just before the value.
_LABEL_PASSAGE = 300
_LABEL_GAP = 40


def _count_in_context(rule: Rule, result: RuleStats, distinct: pa.Array, counts: np.ndarray) -> None:
    """In a document, count the accepted values whose passage holds one of the rule's label words (``Puh.``,
    ``Nimi:``, ``Date of birth``): a labelled value is evidence of its own (presidio's context words, a DLP hotword).
    One kernel pass over the accepted values only."""
    if rule.context_pattern is None or result.accepted_index.size == 0:
        return
    accepted = distinct.take(pa.array(result.accepted_index))
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
    if hit.any():
        result.details[IN_CONTEXT] = int(counts[result.accepted_index[hit]].sum())


class _Claims:
    """Character spans of distinct values that earlier rules accepted, so a rule that yields to them (its
    ``yields_to``: a phone number yields to a HETU) does not reuse their characters.

    Rules accepted by the column pass alone record only which values they hold; their spans are computed the
    first time a rule that yields to them has a candidate in the same value (rare: an email that also looks like a
    phone number), so the common case costs no Python per value.
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

    def any_claimed(self, index: np.ndarray, rule: Rule) -> bool:
        held = self._held(rule)
        return bool(held) and bool(held.intersection(index.tolist()))

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


def _apply_pattern_rule(
    rule: Rule,
    distinct: pa.Array,
    index: np.ndarray,
    counts: np.ndarray,
    claims: _Claims,
    options: DetectOptions,
) -> RuleStats:
    """A rule without a validator, where no other rule claimed these values: counted by column kernels only."""
    assert rule.pattern is not None and rule.pattern_text is not None
    subset = distinct.take(pa.array(index))
    full = pc.match_substring_regex(subset, pattern=f"^(?:{rule.pattern_text})$", ignore_case=rule.ignore_case)
    full_mask = full.to_numpy(zero_copy_only=False)
    claims.add_lazy(rule, index)
    claims.mark_whole(rule, index[full_mask])
    group = _value_group(rule)
    masker = MASKERS[rule.mask]
    samples: list[str] = []
    for text in subset.slice(0, options.max_samples * 2).to_pylist():
        match = rule.pattern.search(text)
        if match is None:
            continue
        sample = match.group(group) if options.show_data else masker(match.group(group))
        if sample not in samples:
            samples.append(sample)
        if len(samples) == options.max_samples:
            break
    return RuleStats(
        match_count=int(counts[index].sum()),
        full_match_count=int(counts[index][full_mask].sum()),
        samples=tuple(samples),
        distinct=len(index),
        accepted_index=index,
    )


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
    rule: Rule,
    distinct: pa.Array,
    counts: np.ndarray,
    claims: _Claims,
    options: DetectOptions,
    spelled: frozenset[str] = frozenset(),
) -> RuleStats | None:
    """A registered matcher, on the values no higher-priority rule has taken whole (an address is not a name)."""
    assert rule.matcher is not None
    free = np.flatnonzero(~claims.whole_for(rule))
    if free.size == 0:
        return None
    subset = distinct if free.size == len(distinct) else distinct.take(pa.array(free))
    result = MATCHERS[rule.matcher].run(
        subset, MatchContext(options.max_samples, options.ner_model, spelled, rule.entity)
    )
    if result.index.size == 0:
        return None
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
            vetoed_texts = accepted.filter(pa.array(bad)).to_pylist()
            found = [t for t in result.found if not any(t in v for v in vetoed_texts)]
            keep = ~bad
            result = MatcherResult(result.index[keep], result.full[keep], found, single[keep], result.shaped)
            single = single[keep]
            if result.index.size == 0:
                return None
    shaped = free[result.shaped] if result.shaped is not None else None
    result = MatcherResult(free[result.index], result.full, result.found, single, shaped)
    masker = MASKERS[rule.mask]
    samples: list[str] = []
    for text in result.found:
        sample = text if options.show_data else masker(text)
        if sample not in samples:
            samples.append(sample)
    return RuleStats(
        match_count=int(counts[result.index].sum()),
        full_match_count=int(counts[result.index][result.full].sum()),
        samples=tuple(samples[: options.max_samples]),
        distinct=len(result.index),
        details={
            **({SINGLE_WORD: int(counts[result.index][single].sum())} if single.any() else {}),
            **({SHAPED: int(counts[result.shaped].sum())} if result.shaped is not None and result.shaped.size else {}),
        },
        accepted_index=result.index,
    )


# Cheap tests a rule can ask for before its regular expression runs (rule field value.prefilter): "digit" keeps
# values with a digit; any other text is a literal the match must contain ("@" for emails).
_PREFILTER_CLASSES = {"digit": "[0-9]"}


def _prefilter(
    distinct: pa.Array, key: str, ignore_case: bool, cache: dict[tuple[str, bool], np.ndarray]
) -> np.ndarray:
    """The prefilter's mask over the column, computed once per column and shared by the rules that use it."""
    if (key, ignore_case) not in cache:
        if key in _PREFILTER_CLASSES:
            mask = pc.match_substring_regex(distinct, pattern=_PREFILTER_CLASSES[key])
        else:
            mask = pc.match_substring(distinct, key, ignore_case=ignore_case)
        cache[(key, ignore_case)] = np.asarray(mask.to_numpy(zero_copy_only=False))
    return cache[(key, ignore_case)]


def _candidates(rule: Rule, distinct: pa.Array, cache: dict[tuple[str, bool], np.ndarray]) -> np.ndarray:
    """Indices of the distinct values in which the rule's pattern occurs, by Arrow kernels over the column."""
    assert rule.pattern_text is not None
    index = np.arange(len(distinct))
    subset = distinct
    if rule.prefilter is not None:
        mask = _prefilter(distinct, rule.prefilter, rule.ignore_case, cache)
        index = np.asarray(index[mask])
        if index.size == 0:
            return index
        if index.size < len(distinct):
            subset = distinct.take(pa.array(index))
    hits = pc.match_substring_regex(subset, pattern=rule.pattern_text, ignore_case=rule.ignore_case)
    return np.asarray(index[hits.to_numpy(zero_copy_only=False)])


def _validate_whole(
    rule: Rule,
    values: pa.Array,
    index: np.ndarray,
    counts: np.ndarray,
    claims: _Claims,
    result: RuleStats,
    details: dict[str, int],
) -> None:
    """Validate values that are wholly one candidate, column-wide, and add them to ``result``."""
    assert rule.validator is not None and rule.pattern is not None
    if not rule.value_is_whole:  # the value sits inside boundary context: cut it out (a slow pass in RE2)
        anchored = ("(?i)" if rule.ignore_case else "") + f"^(?:{rule.pattern_text})$"
        values = pc.struct_field(pc.extract_regex(values, pattern=anchored), "v")
    outcomes = VALIDATORS[rule.validator].many(values)
    accepted = outcomes.codes != REJECT_CODE
    weights = counts[index]
    result.match_count += int(weights[accepted].sum())
    result.full_match_count += int(weights[accepted].sum())
    result.confirmed += int(weights[outcomes.codes == CONFIRM_CODE].sum())
    result.rejected += int(weights[~accepted].sum())
    result.distinct += int(accepted.sum())
    for label, mask in outcomes.details.items():
        if mask.any():
            details[label] = details.get(label, 0) + int(weights[mask].sum())
    claims.mark_whole(rule, index[accepted])
    if rule.owns_shape:
        claims.mark_whole(rule, index[~accepted])
    result.sample_index = index[accepted]


def _sample_texts(rule: Rule, distinct: pa.Array, result: RuleStats, options: DetectOptions) -> list[str]:
    """The matched text of the first accepted whole values, for samples."""
    assert rule.pattern is not None
    picked = result.sample_index[: options.max_samples]
    if picked.size == 0:
        return []
    group = _value_group(rule)
    texts = []
    for text in distinct.take(pa.array(picked)).to_pylist():
        match = rule.pattern.search(text)
        texts.append(match.group(group) if match else text)
    return texts


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


def _apply_validated_rule(
    rule: Rule,
    distinct: pa.Array,
    index: np.ndarray,
    counts: np.ndarray,
    claims: _Claims,
    options: DetectOptions,
) -> RuleStats | None:
    """A rule whose candidates need a validator or an overlap check.

    Candidates that are wholly one match (a column of HETUs) are validated column-wide; the rest (free text,
    values another rule already holds part of) go through Python one distinct value at a time.
    """
    assert rule.pattern is not None and rule.pattern_text is not None
    masker = MASKERS[rule.mask]
    group = _value_group(rule)
    result = RuleStats()
    samples: list[str] = []
    details: dict[str, int] = {}
    if rule.validator is not None:
        subset = distinct.take(pa.array(index))
        anchored = f"^(?:{rule.pattern_text})$"
        whole = pc.match_substring_regex(subset, pattern=anchored, ignore_case=rule.ignore_case)
        fast = np.asarray(whole.to_numpy(zero_copy_only=False)) & ~claims.partly(index, rule)
        if fast.any():
            _validate_whole(rule, subset.filter(pa.array(fast)), index[fast], counts, claims, result, details)
            index = index[~fast]
            for text in _sample_texts(rule, distinct, result, options):
                sample = text if options.show_data else masker(text)
                if sample not in samples:
                    samples.append(sample)
    texts: list[str] = distinct.take(pa.array(index)).to_pylist()
    # Python from here on sees only the values the column pass selected, each distinct value once: the matches in
    # each text, then every matched value validated in one column call (the validators' column forms give the
    # one-value verdicts: tests/detect/test_validators.py checks they agree).
    found = [[(m.span(group), m.group(group)) for m in rule.pattern.finditer(text)] for text in texts]
    verdicts = _column_verdicts(rule, found)
    slow_accepted: list[int] = []
    for i, text, matches in zip(index.tolist(), texts, found, strict=True):
        claimed = claims.spans(i, text, rule)
        accepted: list[tuple[int, int]] = []
        shapes: list[tuple[int, int]] = []
        any_rejected = False
        any_confirmed = False
        first_value: str | None = None
        for (start, end), value in matches:
            if any(start < c_end and c_start < end for c_start, c_end in claimed):
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
                    details[detail] = details.get(detail, 0) + int(counts[i])
            accepted.append((start, end))
            if first_value is None:
                first_value = value
        weight = int(counts[i])
        if shapes:
            claims.add(rule, i, shapes)
        if not accepted:
            if any_rejected:
                result.rejected += weight
            continue
        result.match_count += weight
        result.distinct += 1
        slow_accepted.append(i)
        if any_confirmed:
            result.confirmed += weight
        if len(accepted) == 1 and accepted[0] == (0, len(text)):
            result.full_match_count += weight
            claims.mark_whole(rule, np.array([i]))
        claims.add(rule, i, accepted)
        if first_value is not None and len(samples) < options.max_samples:
            sample = first_value if options.show_data else masker(first_value)
            if sample not in samples:
                samples.append(sample)
    if result.match_count == 0 and result.rejected == 0:
        return None
    result.details = details
    result.samples = tuple(samples)
    result.accepted_index = np.concatenate([result.sample_index, np.asarray(slow_accepted, dtype=np.int64)])
    return result
