"""``--engine local`` (the default): sources one after another in this process, tables on ``--workers`` threads."""

from __future__ import annotations

from collections.abc import Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from typing import ClassVar

from pdscan.engines.base import ScanContext, TableOutcome, table_stats
from pdscan.errors import SourceError
from pdscan.model import ScanErrorEntry, SourceSummary
from pdscan.sources import open_source
from pdscan.sources.base import Source, Table


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
    try:
        if context.options.workers > 1:
            _scan_tables_in_parallel(context, source, summary)
        else:
            for item in source.tables():
                context.record(summary, item if isinstance(item, ScanErrorEntry) else _scan_table(context, item))
    except SourceError as exc:  # the source itself failed while listing (a dropped connection, say)
        summary.errors += 1
        context.record_error(ScanErrorEntry(source.name, exc.reason))
    finally:
        summary.ignored_files = source.ignored_files
        context.result.skipped.extend(source.skipped)
        source.close()


def _scan_tables_in_parallel(context: ScanContext, source: Source, summary: SourceSummary) -> None:
    """Tables on ``--workers`` threads (each with its own connection from the pool); results in listing order."""
    with ThreadPoolExecutor(max_workers=context.options.workers, thread_name_prefix="pdscan-table") as pool:
        pending: list[ScanErrorEntry | Future[TableOutcome]] = [
            item if isinstance(item, ScanErrorEntry) else pool.submit(_scan_table, context, item)
            for item in source.tables()
        ]
        try:
            for item in pending:
                context.record(summary, item if isinstance(item, ScanErrorEntry) else item.result())
        except KeyboardInterrupt:
            pool.shutdown(wait=False, cancel_futures=True)
            raise


def _scan_table(context: ScanContext, table: Table) -> TableOutcome:
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
    )
    outcome = context.outcome(table.info, stats, error)
    outcome.interrupted = interrupted
    return outcome
