"""``--engine local`` (the default): sources one after another in this process, tables on ``--workers`` threads."""

from __future__ import annotations

import functools
import itertools
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from typing import ClassVar

from pdscan.detect.core import SMALL_ROWS, DetectOptions, detect_small
from pdscan.detect.rules import RuleSet
from pdscan.detect.stats import ColumnStats
from pdscan.engines.base import ScanContext, TableOutcome, table_findings, table_stats
from pdscan.engines.small_tables import Detected, Sent, SmallTables
from pdscan.errors import SourceError
from pdscan.model import Batch, Finding, ScanErrorEntry, SourceSummary, TableInfo
from pdscan.sources import open_source
from pdscan.sources.base import Table
from pdscan.sources.documents.pool import DocumentReaders


class LocalEngine:
    name: ClassVar[str] = "local"

    def run(self, context: ScanContext, sources: Sequence[str]) -> None:
        for spec in sources:
            _scan_source(context, spec)


def _scan_source(context: ScanContext, spec: str) -> None:
    try:
        source = open_source(spec, context.options.source_options())
    except SourceError as exc:
        context.source_failed(exc)
        return
    summary = context.add_source(source.name, source.kind)
    # Documents are read ahead in worker processes when there are enough of them (pdscan.sources.documents.pool).
    readers = DocumentReaders(context.read_options, context.options.workers)
    # So are small delimited files, and detected there in groups (pdscan.engines.small_tables).
    analyse = functools.partial(
        _analyse, rules=context.rules, detect=context.detect_options, min_confidence=context.options.min_confidence
    )
    small = SmallTables(
        analyse, SMALL_ROWS, context.read_options, context.options.workers, context.detect_options.ner_model is not None
    )
    try:
        with readers, small:
            items = small.tables(readers.tables(source.tables()))
            if context.options.workers > 1:
                _scan_tables_in_parallel(context, items, summary)
            else:
                _scan_tables_in_order(context, items, summary, lambda: readers.started)
    except SourceError as exc:  # the source itself failed while listing (a dropped connection, say)
        summary.errors += 1
        context.record_error(ScanErrorEntry(source.name, exc.reason))
    finally:
        summary.ignored_files = source.ignored_files
        context.result.skipped.extend(source.skipped)
        source.close()


def _scan_tables_in_parallel(
    context: ScanContext, items: Iterable[Table | ScanErrorEntry | Sent], summary: SourceSummary
) -> None:
    """Tables on ``--workers`` threads (each with its own connection from the pool); results in listing order."""
    with ThreadPoolExecutor(max_workers=context.options.workers, thread_name_prefix="pdscan-table") as pool:
        pending: list[ScanErrorEntry | Future[TableOutcome]] = [
            item
            if isinstance(item, ScanErrorEntry)
            else pool.submit(_scan_sent, context, item)
            if isinstance(item, Sent)
            else pool.submit(_scan_table, context, item)
            for item in items
        ]
        try:
            for item in pending:
                context.record(summary, item if isinstance(item, ScanErrorEntry) else item.result())
        except KeyboardInterrupt:
            pool.shutdown(wait=False, cancel_futures=True)
            raise


# Small tables (many small files) are detected together, up to this many at a time or this many rows in all.
GROUP_TABLES = 64
GROUP_ROWS = 20_000
# While worker processes read documents, detection here is the slower side: a group of at least this many starts as
# soon as the detector is free, rather than waiting for GROUP_TABLES. Not fewer: a group costs ~16 ms whatever its
# size (Arrow compiles each pattern on every call). 200 letters detected in groups of 8 took 0.92 s, of 64 0.36 s;
# whole scans of them (2 cores, alternating) used 2.12 s of this process's CPU with 8, 1.90 s with 32.
EAGER_TABLES = 32


def _scan_tables_in_order(
    context: ScanContext,
    items: Iterable[Table | ScanErrorEntry | Sent],
    summary: SourceSummary,
    eager: Callable[[], bool] = lambda: False,
) -> None:
    """Tables one after another, recorded in listing order; small ones detected in groups (detect_small).

    A group is detected on a thread of its own while the next group is read: reading small files is mostly
    Python (opening, sniffing) and detection mostly Arrow kernels that release the GIL, so both cores work. At most
    one group is in detection; it is recorded before anything listed after it. When ``eager()`` (documents are read
    by worker processes), a group starts as soon as the detector is free. A table's findings do not depend on the
    group it is detected in.
    """
    group: list[tuple[Table, Batch]] = []
    detecting: list[tuple[list[tuple[Table, Batch]], Future[list[dict[str, ColumnStats]]]]] = []

    def settle() -> None:
        """Record the group in detection, when there is one (waits for it)."""
        if not detecting:
            return
        tables, future = detecting.pop()
        for (table, batch), stats in zip(tables, future.result(), strict=True):
            context.progress.table_started(table)
            context.progress.rows_read(batch.num_rows)
            context.record(summary, context.outcome(table.info, stats))

    def flush() -> None:
        """Start detecting the group read so far (after the one before it is recorded)."""
        if not group:
            return
        tables = list(group)
        group.clear()
        batches = [batch for _, batch in tables]
        future = _detector().submit(lambda: list(detect_small(batches, context.rules, context.detect_options)))
        settle()
        detecting.append((tables, future))

    try:
        for entry in items:
            if isinstance(entry, Sent):  # a small file a worker process read (and detected), or left to be read here
                result = entry.result()
                if result is None:
                    item: Table | ScanErrorEntry = entry.table
                else:
                    flush()
                    settle()
                    context.record(summary, _outcome_of(context, entry, result))
                    continue
            else:
                item = entry
            if isinstance(item, ScanErrorEntry):
                flush()
                settle()
                context.record(summary, item)
                continue
            try:
                small, first = _peek(context, item)
            except SourceError:
                flush()  # read again on its own: the error is recorded as any table's (after what was read before)
                settle()
                context.record(summary, _scan_table(context, item))
                continue
            if small is not None:
                group.append((item, small))
                free = not detecting or detecting[-1][1].done()
                if (
                    len(group) >= GROUP_TABLES
                    or sum(b.num_rows for _, b in group) >= GROUP_ROWS
                    or (len(group) >= EAGER_TABLES and free and eager())
                ):
                    flush()
                continue
            flush()
            settle()
            context.record(summary, _scan_table(context, item, first))
        flush()
        settle()
    finally:  # an interruption: the group in detection is dropped (its tables were not recorded, so not scanned)
        for _, future in detecting:
            future.cancel()


def _scan_sent(context: ScanContext, sent: Sent) -> TableOutcome:
    """A small file sent to a worker process, on a table thread: its outcome, or read here as any table."""
    result = sent.result()
    return _scan_table(context, sent.table) if result is None else _outcome_of(context, sent, result)


def _outcome_of(context: ScanContext, sent: Sent, result: Detected | str) -> TableOutcome:
    """What a worker process gave for a small file: its coverage and statistics; or its crash, as a read error."""
    table = sent.table
    if not isinstance(result, Detected):  # CRASHED: the file killed the worker that read it alone
        return _scan_table(context, table, _failing(SourceError(table.source, result, table.location.display())))
    table.info = result.info
    context.progress.table_started(table)
    context.progress.rows_read(result.rows)
    return TableOutcome(table.info, result.findings)


def _analyse(
    infos: list[TableInfo], batches: list[Batch], *, rules: RuleSet, detect: DetectOptions, min_confidence: str
) -> list[list[Finding]]:
    """In a worker process: the findings of small tables detected together (filling in their coverage)."""
    stats = detect_small(batches, rules, detect)
    return [table_findings(info, found, rules, min_confidence) for info, found in zip(infos, stats, strict=True)]


def _failing(error: SourceError) -> Iterator[Batch]:
    raise error
    yield  # a generator


@functools.lru_cache(maxsize=1)
def _detector() -> ThreadPoolExecutor:
    return ThreadPoolExecutor(max_workers=1, thread_name_prefix="pdscan-groups")


def _peek(context: ScanContext, table: Table) -> tuple[Batch | None, Iterator[Batch] | None]:
    """(the table's only batch, None) when the whole table is one small batch; else (None, its batches so far and
    the rest, to be scanned as usual)."""
    batches = iter(table.batches(context.read_options))
    first = next(batches, None)
    if first is None:
        return None, iter(())
    if first.num_rows >= SMALL_ROWS:
        return None, itertools.chain([first], batches)
    second = next(batches, None)
    if second is None:
        return first, None
    return None, itertools.chain([first, second], batches)


def _scan_table(context: ScanContext, table: Table, batches: Iterator[Batch] | None = None) -> TableOutcome:
    """Scan one table. A read error keeps what was read before it; an interruption keeps it too."""
    context.progress.table_started(table)
    options = context.options
    stats, error, interrupted = table_stats(
        table,
        context.rules,
        context.read_options,
        context.detect_options,
        options.max_samples,
        context.progress.rows_read,
        batches,
    )
    outcome = context.outcome(table.info, stats, error)
    outcome.interrupted = interrupted
    return outcome
