"""Partitions of a scan, planned on the driver and run on workers.

A task names what to read, not the data: a file of a folder (all its sheets and tables, through the same reader
dispatch as a local scan), a group of Parquet row groups, a byte range of a big CSV file (whole lines: a line
belongs to the block its first byte is in; the header line is read again for each block), or a database table, or a
range of its integer primary key. :func:`run_task` reads it on a worker and returns mergeable column statistics per
table; the driver merges the parts of each table in task order. Tables split into parts only for ``--full`` scans;
a sampled scan reads each table whole, so its sample is the one a local scan takes.
"""

from __future__ import annotations

import functools
import math
import os
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa

from pdscan.detect.rules import RuleSet, load_rules
from pdscan.detect.stats import ColumnStats, merge_stats
from pdscan.engines.base import ScanContext, ScanOptions, table_stats
from pdscan.errors import PdscanError, SourceError
from pdscan.model import Location, ScanErrorEntry, SkippedFile, SourceSummary, TableInfo
from pdscan.sources import mask_source, open_source
from pdscan.sources.base import Table
from pdscan.sources.files import FileSource
from pdscan.sources.formats import BY_EXTENSION, BY_NAME
from pdscan.sources.sql import DatabaseSource, DatabaseTable, integer_key_bounds


@dataclass(frozen=True)
class FileTask:
    source: str  # the folder or file as shown: the findings' source
    path: str
    rel: str
    spec: str = field(default="", repr=False)  # as given, to open it again on the worker (may hold a secret)


@dataclass(frozen=True)
class FilePartTask:
    """One part of a big local file, as its format splits it (:attr:`pdscan.sources.base.Format.split`)."""

    source: str
    path: str
    display: str
    format: str  # a name in pdscan.sources.formats.BY_NAME
    part: tuple[int, ...]


@dataclass(frozen=True)
class DatabaseTask:
    url: str = field(repr=False)  # with its password: the worker connects itself; never printed
    schema: str | None = None
    table: str = ""
    is_view: bool = False
    key_range: tuple[str, int, int] | None = None

    def location(self) -> Location:
        return Location(schema=self.schema, table=self.table)


Task = FileTask | FilePartTask | DatabaseTask

# What a task may still raise after the readers turned their own failures into error entries (a file that vanished
# between planning and reading, a worker out of memory, a reader bug on odd input). An engine retries these and then
# records one error entry for the partition; anything else is a bug that should stop the scan loudly.
TASK_ERRORS: tuple[type[BaseException], ...] = (
    PdscanError,
    OSError,
    EOFError,
    ValueError,
    MemoryError,
    pa.ArrowException,
)


@dataclass
class Part:
    """One table's share of a task: its coverage, its column statistics, the read error that stopped it."""

    source: str
    location: Location
    info: TableInfo
    stats: dict[str, ColumnStats]
    error: ScanErrorEntry | None = None

    @property
    def key(self) -> tuple[str, str]:
        return (self.source, self.location.display(with_column=False))


@dataclass
class TaskResult:
    items: list[Part | ScanErrorEntry]
    ignored_files: int = 0
    skipped: list[SkippedFile] = field(default_factory=list)
    rows: int = 0


@dataclass(frozen=True)
class Planned:
    """What the driver plans for one source: its summary kind, and tasks or error entries in listing order."""

    source: str
    kind: str
    items: list[Task | ScanErrorEntry]
    skipped: list[SkippedFile] = field(default_factory=list)  # files the walk met and did not read


def plan(spec: str, options: ScanOptions) -> Planned:
    """Tasks for one source. Raises SourceError when the source itself cannot be opened."""
    source = open_source(spec, options.source_options())
    items: list[Task | ScanErrorEntry] = []
    try:
        if isinstance(source, FileSource):
            for path, rel, error in source.files():
                if error is not None:
                    items.append(ScanErrorEntry(source.name, error, Location(file=source.display_name(rel))))
                else:
                    items.extend(_file_tasks(source, path, rel, options))
        elif isinstance(source, DatabaseSource):
            for item in source.tables():
                if isinstance(item, ScanErrorEntry):
                    items.append(item)
                elif isinstance(item, DatabaseTable):
                    items.extend(_table_tasks(spec, source, item, options))
        else:  # a source kind without a plan: one task reads it whole
            raise SourceError(source.name, "this source cannot be split for a distributed scan")
    finally:
        source.close()
    return Planned(source.name, source.kind, items, list(source.skipped))


def _file_tasks(source: FileSource, path: Path, rel: str, options: ScanOptions) -> list[Task]:
    whole: list[Task] = [FileTask(source.name, str(path), rel, getattr(source, "spec", source.name))]
    if not options.full or type(source) is not FileSource:
        return whole  # remote files are read whole: one task per object
    fmt = BY_EXTENSION.get(os.path.splitext(path.name.lower())[1])
    if fmt is None or fmt.split is None:
        return whole
    parts = fmt.split(path, options.partition_rows, options.partition_bytes)
    if len(parts) < 2:
        return whole
    display = source.display_name(rel)
    return [FilePartTask(source.name, str(path), display, fmt.name, part) for part in parts]


def _table_tasks(url: str, source: DatabaseSource, table: DatabaseTable, options: ScanOptions) -> list[Task]:
    whole: list[Task] = [DatabaseTask(url, table.location.schema, table.location.table or "", table.is_view)]
    if not options.full or table.is_view:
        return whole
    try:
        bounds = integer_key_bounds(source, table)
    except SourceError:
        return whole  # the worker reading the table reports the error
    if bounds is None:
        return whole
    name, lo, hi = bounds
    parts = max(1, math.ceil((hi - lo + 1) / options.partition_rows))
    step = math.ceil((hi - lo + 1) / parts)
    return [
        DatabaseTask(url, table.location.schema, table.location.table or "", False, (name, start, start + step))
        for start in range(lo, hi + 1, step)
    ]


# -- on the worker -------------------------------------------------------------------------------------------


@functools.lru_cache(maxsize=4)
def _rules(rules_dirs: tuple[Path, ...], only: tuple[str, ...], except_: tuple[str, ...]) -> RuleSet:
    return load_rules(rules_dirs).select(only, except_)


def worker_rules(options: ScanOptions) -> RuleSet:
    """The rules of a scan, loaded once per worker process (Dask workers, Spark executors)."""
    return _rules(options.rules_dirs, options.only, options.except_)


_DATABASES: dict[str, DatabaseSource] = {}


def _database(url: str, options: ScanOptions) -> DatabaseSource:
    """One engine per database per worker process: its pool serves every task of that database."""
    source = _DATABASES.get(url)
    if source is None:
        source = _DATABASES[url] = DatabaseSource(url, options.source_options())
    return source


def run_task(task: Task, options: ScanOptions) -> TaskResult:
    """Read one task on a worker. Pure in what it returns: statistics, coverage and error entries."""
    rules = worker_rules(options)
    read_options = options.read_options(rules)
    detect = options.detect_options()
    result = TaskResult([])
    if isinstance(task, FileTask):
        source = open_source(task.spec or task.source, options.source_options())
        assert isinstance(source, FileSource)
        items: Iterator[Table | ScanErrorEntry] = source.file_tables(Path(task.path), task.rel)
    else:
        source = None
        items = _part_tables(task, options)
    for item in items:
        if isinstance(item, ScanErrorEntry):
            result.items.append(item)
            continue
        stats, error, _ = table_stats(item, rules, read_options, detect, options.max_samples)
        result.items.append(Part(item.source, item.location, item.info, stats, error))
        result.rows += item.info.rows_scanned
    if source is not None:
        result.ignored_files = source.ignored_files
        result.skipped = list(source.skipped)
    return result


def _part_tables(task: Task, options: ScanOptions) -> Iterator[Table | ScanErrorEntry]:
    if isinstance(task, FilePartTask):
        read_part = BY_NAME[task.format].read_part
        assert read_part is not None  # only formats that split plan parts
        yield from read_part(Path(task.path), task.display, task.source, task.part)
    elif isinstance(task, DatabaseTask):
        table = DatabaseTable(_database(task.url, options), task.schema, task.table, task.is_view)
        table.key_range = task.key_range
        yield table


# -- back on the driver --------------------------------------------------------------------------------------


def plan_all(context: ScanContext, sources: Sequence[str]) -> list[tuple[SourceSummary, Planned | None]]:
    """Plan every source; a source that cannot be opened becomes its error entry, as in a local scan."""
    planned: list[tuple[SourceSummary, Planned | None]] = []
    for spec in sources:
        try:
            source_plan = plan(spec, context.options)
        except SourceError as exc:
            planned.append((context.source_failed(exc), None))
            continue
        planned.append((context.add_source(source_plan.source, source_plan.kind), source_plan))
        context.result.skipped.extend(source_plan.skipped)
    return planned


def tasks_of(planned: list[tuple[SourceSummary, Planned | None]]) -> list[Task]:
    return [t for _, p in planned if p is not None for t in p.items if not isinstance(t, ScanErrorEntry)]


# How a distributed engine runs the planned tasks: every task's result (or error entry), keyed by id(task).
Executor = Callable[[list[Task], ScanContext], dict[int, "TaskResult | ScanErrorEntry"]]


def run_distributed(context: ScanContext, sources: Sequence[str], execute: Executor) -> None:
    """Plan on the driver, run the tasks where ``execute`` sends them, merge and record in listing order: what
    the Dask and Spark engines share; they differ only in ``execute``."""
    planned = plan_all(context, sources)
    tasks = tasks_of(planned)
    collect(context, planned, execute(tasks, context) if tasks else {})


@dataclass
class _Merging:
    """A table whose parts are being merged, in task order."""

    info: TableInfo
    stats: dict[str, ColumnStats]
    errors: list[ScanErrorEntry] = field(default_factory=list)
    parts: int = 1


def collect(
    context: ScanContext,
    planned: list[tuple[SourceSummary, Planned | None]],
    results: dict[int, TaskResult | ScanErrorEntry],
) -> None:
    """Merge the task results (keyed by ``id(task)``) per table in task order and record every table: the same
    outcomes, in the same order, as a local scan of the same sources."""
    for summary, maybe_plan in planned:
        if maybe_plan is None:
            continue
        tables: dict[tuple[str, str], _Merging] = {}
        order: list[tuple[str, str] | ScanErrorEntry] = []
        for item in maybe_plan.items:
            if isinstance(item, ScanErrorEntry):
                order.append(item)
                continue
            outcome = results[id(item)]
            if isinstance(outcome, ScanErrorEntry):
                order.append(outcome)
                continue
            summary.ignored_files += outcome.ignored_files
            context.result.skipped.extend(outcome.skipped)
            for part in outcome.items:
                if isinstance(part, ScanErrorEntry):
                    order.append(part)
                    continue
                known = tables.get(part.key)
                if known is None:
                    tables[part.key] = _Merging(part.info, part.stats, [part.error] if part.error else [])
                    order.append(part.key)
                else:
                    _merge(known, part, context.options.max_samples)
        for entry in order:
            if isinstance(entry, ScanErrorEntry):
                context.record(summary, entry)
                continue
            table = tables[entry]
            if table.parts > 1:
                table.info.sampling = f"all rows (--full, {table.parts} partitions)"
            context.record(summary, context.outcome(table.info, table.stats, table.errors[0] if table.errors else None))
            for extra in table.errors[1:]:
                summary.errors += 1
                context.record_error(extra)


def _merge(table: _Merging, part: Part, max_samples: int) -> None:
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


def task_source(task: Task) -> str:
    """The source a task's error entry names: a database URL without its password."""
    return mask_source(task.url) if isinstance(task, DatabaseTask) else task.source


def task_location(task: Task) -> Location:
    if isinstance(task, DatabaseTask):
        return task.location()
    if isinstance(task, FileTask):
        return Location(file=task.path)
    return Location(file=task.display)
