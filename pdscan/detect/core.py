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
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass

import pyarrow as pa
import pyarrow.compute as pc

from pdscan import options as defaults
from pdscan.detect.columns import Part, detect_parts
from pdscan.detect.dates import DateColumns
from pdscan.detect.rules import RuleSet
from pdscan.detect.stats import ColumnStats
from pdscan.model import Batch, Column


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

    A pool round trip per column costs more than a small table's work, and Arrow compiles a pattern on every call:
    with many small files the calls, not the values, were the time. So the columns of all the batches go through
    the column pass together (:mod:`pdscan.detect.columns`): each rule's pattern, validator and matcher runs once
    for all of them. Each batch's statistics are its own, as if alone.
    """
    parts: list[Part] = []
    for batch in batches:
        names = tuple(col.name for col in batch.columns)
        spelled = batch_handles(batch)
        parts.extend(Part(col, batch.num_rows, names, spelled) for col in batch.columns)
    stats = detect_parts(parts, rules, options)
    position = 0
    for batch in batches:
        yield {col.name: stats[position + i] for i, col in enumerate(batch.columns)}
        position += len(batch.columns)


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


def _collected(item: tuple[Batch, list[Future[ColumnStats]]]) -> tuple[Batch, dict[str, ColumnStats]]:
    batch, futures = item
    return batch, {col.name: future.result() for col, future in zip(batch.columns, futures, strict=True)}


# One thread per core Arrow may use: pyarrow.cpu_count() follows OMP_NUM_THREADS, which Dask sets to 1 in its
# workers, so a worker with one thread uses one core and N workers scale as N (not N processes x all cores).
_WORKERS = max(1, min(8, pa.cpu_count()))


@functools.lru_cache(maxsize=1)
def _pool() -> ThreadPoolExecutor:
    return ThreadPoolExecutor(max_workers=_WORKERS, thread_name_prefix="pdscan-detect")


def _detect_column(
    column: Column, num_rows: int, rules: RuleSet, options: DetectOptions, names: list[str], spelled: frozenset[str]
) -> ColumnStats:
    return detect_parts([Part(column, num_rows, tuple(names), spelled)], rules, options)[0]
