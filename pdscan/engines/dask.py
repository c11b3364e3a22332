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
from typing import Any, ClassVar

from pdscan.engines.base import ScanContext
from pdscan.engines.tasks import Task, TaskResult, run_distributed, run_task, task_location, task_source
from pdscan.errors import UsageError, one_line
from pdscan.model import ScanErrorEntry

RETRIES = 2


class DaskEngine:
    name: ClassVar[str] = "dask"

    def run(self, context: ScanContext, sources: Sequence[str]) -> None:
        run_distributed(context, sources, _run)


@contextmanager
def client_for(scheduler: str | None, note: Any) -> Iterator[Any]:
    try:
        from dask.distributed import Client, LocalCluster
    except ImportError as exc:
        raise UsageError("--engine dask needs the dask extra: pip install '.[dask]' in the pdscan checkout") from exc
    if scheduler:
        try:
            client = Client(scheduler, timeout="20s")  # type: ignore[no-untyped-call]
        except (OSError, TimeoutError, ValueError) as exc:
            raise UsageError(f"cannot reach the Dask scheduler {scheduler}: {one_line(exc)}") from exc
        with client:
            yield client
        return
    workers = os.cpu_count() or 1
    with LocalCluster(n_workers=workers, threads_per_worker=1, dashboard_address=":0") as cluster:  # type: ignore[no-untyped-call]
        note(f"started a local Dask cluster: {workers} workers, dashboard {cluster.dashboard_link}")
        with Client(cluster) as client:  # type: ignore[no-untyped-call]
            yield client


def _run(tasks: list[Task], context: ScanContext) -> dict[int, TaskResult | ScanErrorEntry]:
    """Every task on the cluster; a task that still fails after the retries becomes an error entry."""
    from dask.distributed import as_completed

    out: dict[int, TaskResult | ScanErrorEntry] = {}
    with client_for(context.options.scheduler, context.progress.note) as client:
        futures = client.map(run_task, tasks, options=context.options, retries=RETRIES, pure=False)
        by_key = {f.key: task for f, task in zip(futures, tasks, strict=True)}
        try:
            for future in as_completed(futures):  # type: ignore[no-untyped-call]
                task = by_key[future.key]
                if future.status == "error":
                    exc = future.exception()
                    reason = f"partition failed after {RETRIES} retries: {type(exc).__name__}: {one_line(exc)}"
                    entry = ScanErrorEntry(task_source(task), reason, task_location(task))
                    out[id(task)] = entry
                    context.progress.error(entry)
                    continue
                result: TaskResult = future.result()
                out[id(task)] = result
                context.progress.rows_read(result.rows)
        except KeyboardInterrupt:
            client.cancel(futures)
            raise
    return out
