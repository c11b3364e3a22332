"""``--engine dask``: the partitions of a scan run as tasks on a Dask cluster (pdscan[dask]).

With ``--scheduler tcp://host:8786`` the scan runs on that cluster (its workers must have pdscan installed and
reach the sources: the same paths, the same database hosts); without one a ``distributed.LocalCluster`` with one
worker process per core is started for the scan and shut down after it, and its dashboard address is shown. The
driver plans the tasks (:mod:`pdscan.engines.tasks`), the engine retries a failed task twice (an unreadable file,
a lost worker), then records it as an error entry for that partition; the rest of the scan completes. Results are
merged per table in task order, so the findings equal those of ``--engine local``.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from pdscan.detect.core import ColumnStats, merge_stats
from pdscan.engines.tasks import DatabaseTask, FileTask, Part, Planned, Task, TaskResult, plan, run_task
from pdscan.errors import SourceError, UsageError
from pdscan.model import Location, ScanErrorEntry, SourceSummary, TableInfo

if TYPE_CHECKING:
    from pdscan.scan import _Run

RETRIES = 2


@dataclass
class _Table:
    """A table whose parts are being merged, in task order."""

    info: TableInfo
    stats: dict[str, ColumnStats]
    errors: list[ScanErrorEntry] = field(default_factory=list)
    parts: int = 1


@contextmanager
def client_for(scheduler: str | None, note: Any) -> Iterator[Any]:
    try:
        from dask.distributed import Client, LocalCluster
    except ImportError as exc:
        raise UsageError("--engine dask needs the dask extra: pip install 'pdscan[dask]'") from exc
    if scheduler:
        try:
            client = Client(scheduler, timeout="20s")  # type: ignore[no-untyped-call]
        except (OSError, TimeoutError, ValueError) as exc:
            raise UsageError(f"cannot reach the Dask scheduler {scheduler}: {_line(exc)}") from exc
        with client:
            yield client
        return
    workers = os.cpu_count() or 1
    with LocalCluster(n_workers=workers, threads_per_worker=1, dashboard_address=":0") as cluster:  # type: ignore[no-untyped-call]
        note(f"started a local Dask cluster: {workers} workers, dashboard {cluster.dashboard_link}")
        with Client(cluster) as client:  # type: ignore[no-untyped-call]
            yield client


def scan_with_dask(run: _Run, sources: Sequence[str]) -> None:
    from pdscan.scan import _record, _record_error, _table_findings, _TableOutcome

    planned: list[tuple[SourceSummary, Planned | None]] = []
    for spec in sources:
        try:
            source_plan = plan(spec, run.options)
        except SourceError as exc:
            summary = SourceSummary(source=exc.source, kind="unknown", errors=1)
            run.result.sources.append(summary)
            _record_error(run, ScanErrorEntry(exc.source, exc.reason))
            planned.append((summary, None))
            continue
        summary = SourceSummary(source=source_plan.source, kind=source_plan.kind)
        run.result.sources.append(summary)
        planned.append((summary, source_plan))

    tasks: list[Task] = [t for _, p in planned if p is not None for t in p.items if not isinstance(t, ScanErrorEntry)]
    results = _run(tasks, run) if tasks else {}

    for summary, maybe_plan in planned:
        if maybe_plan is None:
            continue
        source_plan = maybe_plan
        tables: dict[tuple[str, str], _Table] = {}
        order: list[tuple[str, str] | ScanErrorEntry] = []
        for item in source_plan.items:
            if isinstance(item, ScanErrorEntry):
                order.append(item)
                continue
            outcome = results[id(item)]
            if isinstance(outcome, ScanErrorEntry):
                order.append(outcome)
                continue
            summary.ignored_files += outcome.ignored_files
            for part in outcome.items:
                if isinstance(part, ScanErrorEntry):
                    order.append(part)
                    continue
                known = tables.get(part.key)
                if known is None:
                    tables[part.key] = _Table(part.info, part.stats, [part.error] if part.error else [])
                    order.append(part.key)
                else:
                    _merge(known, part, run.options.max_samples)
        for entry in order:
            if isinstance(entry, ScanErrorEntry):
                _record(run, summary, entry)
                continue
            table = tables[entry]
            if table.parts > 1:
                table.info.sampling = f"all rows (--full, {table.parts} partitions)"
            findings = _table_findings(run, table.info, table.stats)
            _record(run, summary, _TableOutcome(table.info, findings, table.errors[0] if table.errors else None))
            for extra in table.errors[1:]:
                summary.errors += 1
                _record_error(run, extra)


def _merge(table: _Table, part: Part, max_samples: int) -> None:
    table.stats = merge_stats(table.stats, part.stats, max_samples)
    table.parts += 1
    info = table.info
    info.rows_scanned += part.info.rows_scanned
    info.truncated = info.truncated or part.info.truncated
    info.columns = max(info.columns, part.info.columns)
    info.notes.extend(n for n in part.info.notes if n not in info.notes)
    info.schema = info.schema or part.info.schema
    if part.error is not None:
        table.errors.append(part.error)


def _run(tasks: list[Task], run: _Run) -> dict[int, TaskResult | ScanErrorEntry]:
    """Every task on the cluster; a task that still fails after the retries becomes an error entry."""
    from dask.distributed import as_completed

    out: dict[int, TaskResult | ScanErrorEntry] = {}
    with client_for(run.options.scheduler, run.progress.note) as client:
        futures = client.map(run_task, tasks, options=run.options, retries=RETRIES, pure=False)
        by_key = {f.key: task for f, task in zip(futures, tasks, strict=True)}
        try:
            for future in as_completed(futures):  # type: ignore[no-untyped-call]
                task = by_key[future.key]
                if future.status == "error":
                    exc = future.exception()
                    reason = f"partition failed after {RETRIES} retries: {type(exc).__name__}: {_line(exc)}"
                    out[id(task)] = ScanErrorEntry(_source(task), reason, _location(task))
                    run.progress.error(out[id(task)])  # type: ignore[arg-type]
                    continue
                result: TaskResult = future.result()
                out[id(task)] = result
                run.progress.rows_read(result.rows)
        except KeyboardInterrupt:
            client.cancel(futures)
            raise
    return out


def _source(task: Task) -> str:
    if isinstance(task, DatabaseTask):
        from pdscan.sources import mask_source

        return mask_source(task.url)
    return task.source


def _location(task: Task) -> Location:
    if isinstance(task, DatabaseTask):
        return task.location()
    if isinstance(task, FileTask):
        return Location(file=task.path)
    return Location(file=task.display)


def _line(exc: BaseException | None) -> str:
    return (str(exc).splitlines() or [""])[0][:200] if exc is not None else ""
