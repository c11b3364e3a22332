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
import io
import math
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

import pyarrow as pa
import pyarrow.parquet as pq

from pdscan.detect.core import ColumnStats
from pdscan.detect.rules import RuleSet, load_rules
from pdscan.errors import SourceError
from pdscan.model import Location, ScanErrorEntry, TableInfo
from pdscan.scan import ScanOptions, table_stats
from pdscan.sources import open_source
from pdscan.sources.base import IO_ERRORS, FileRef, Table, describe
from pdscan.sources.files import FileSource
from pdscan.sources.formats.csv import tables as csv_tables
from pdscan.sources.formats.parquet import ParquetTable
from pdscan.sources.sql.source import DatabaseSource, DatabaseTable, integer_key_bounds
from pdscan.sources.textio import detect_encoding

_SPLIT_CSV = (".csv", ".tsv", ".txt", ".tab")
_SPLIT_ENCODINGS = ("utf-8", "utf-8-sig", "cp1252", "latin-1", "ascii")


@dataclass(frozen=True)
class FileTask:
    source: str  # the folder or file as shown: the findings' source
    path: str
    rel: str
    spec: str = field(default="", repr=False)  # as given, to open it again on the worker (may hold a secret)


@dataclass(frozen=True)
class ParquetPartTask:
    source: str
    path: str
    display: str
    row_groups: tuple[int, ...]


@dataclass(frozen=True)
class CsvPartTask:
    source: str
    path: str
    display: str
    start: int
    end: int


@dataclass(frozen=True)
class DatabaseTask:
    url: str = field(repr=False)  # with its password: the worker connects itself; never printed
    schema: str | None = None
    table: str = ""
    is_view: bool = False
    key_range: tuple[str, int, int] | None = None

    def location(self) -> Location:
        return Location(schema=self.schema, table=self.table)


Task = FileTask | ParquetPartTask | CsvPartTask | DatabaseTask


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
    rows: int = 0


@dataclass(frozen=True)
class Planned:
    """What the driver plans for one source: its summary kind, and tasks or error entries in listing order."""

    source: str
    kind: str
    items: list[Task | ScanErrorEntry]


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
    return Planned(source.name, source.kind, items)


def _file_tasks(source: FileSource, path: Path, rel: str, options: ScanOptions) -> list[Task]:
    whole: list[Task] = [FileTask(source.name, str(path), rel, getattr(source, "spec", source.name))]
    if not options.full or type(source) is not FileSource:
        return whole  # remote files are read whole: one task per object
    name = path.name.lower()
    display = source.display_name(rel)
    try:
        if name.endswith((".parquet", ".pq")):
            with pq.ParquetFile(path) as parquet:
                groups = [parquet.metadata.row_group(i).num_rows for i in range(parquet.num_row_groups)]
            parts = _group(groups, options.partition_rows)
            if len(parts) > 1:
                return [ParquetPartTask(source.name, str(path), display, tuple(p)) for p in parts]
        elif name.endswith(_SPLIT_CSV):
            size = path.stat().st_size
            if size > options.partition_bytes and _splittable_csv(path):
                blocks = math.ceil(size / options.partition_bytes)
                step = math.ceil(size / blocks)
                return [
                    CsvPartTask(source.name, str(path), display, start, min(size, start + step))
                    for start in range(0, size, step)
                ]
    except (*IO_ERRORS, pa.ArrowInvalid):
        return whole  # the worker reading it whole reports the problem, as a local scan would
    return whole


def _group(sizes: list[int], target: int) -> list[list[int]]:
    """Consecutive row groups gathered into parts of about ``target`` rows."""
    parts: list[list[int]] = []
    rows = 0
    for index, size in enumerate(sizes):
        if not parts or rows >= target:
            parts.append([])
            rows = 0
        parts[-1].append(index)
        rows += size
    return parts


def _splittable_csv(path: Path) -> bool:
    """A single-byte encoding or UTF-8 whose first line is the header (no title rows above it)."""
    with path.open("rb") as f:
        head = f.read(64 * 1024)
    if detect_encoding(head, complete=False) not in _SPLIT_ENCODINGS:
        return False
    lines = head.splitlines()[:3]
    if len(lines) < 3:
        return False
    counts = [max(line.count(d) for d in (b";", b",", b"\t", b"|")) for line in lines]
    if not (counts[0] > 0 and counts[0] == counts[1] == counts[2]):
        return False
    # A quoted field may hold a line break, and a block boundary inside it would cut a row in two. Without any
    # quote character in the file there is no quoted field: read it once (fast, bytes only) to be sure.
    with path.open("rb") as f:
        while chunk := f.read(8 << 20):
            if b'"' in chunk:
                return False
    return True


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
    return result


def _part_tables(task: Task, options: ScanOptions) -> Iterator[Table | ScanErrorEntry]:
    if isinstance(task, ParquetPartTask):
        path = Path(task.path)
        ref = FileRef(task.display, ".parquet", functools.partial(_open_binary, path), path=path)
        yield ParquetTable(ref, task.source, list(task.row_groups))
    elif isinstance(task, CsvPartTask):
        ext = os.path.splitext(task.path.lower())[1]
        ref = FileRef(task.display, ext, functools.partial(_csv_block, Path(task.path), task.start, task.end))
        try:
            yield from csv_tables(ref, task.source)
        except IO_ERRORS as exc:
            yield ScanErrorEntry(task.source, describe(exc), Location(file=task.display))
    elif isinstance(task, DatabaseTask):
        table = DatabaseTable(_database(task.url, options), task.schema, task.table, task.is_view)
        table.key_range = task.key_range
        yield table


def _open_binary(path: Path) -> BinaryIO:
    return path.open("rb")


def _csv_block(path: Path, start: int, end: int) -> BinaryIO:
    """The header line and the whole lines whose first byte lies in [start, end)."""
    with path.open("rb") as f:
        header = f.readline()
        if start == 0:
            f.seek(len(header))
        else:
            f.seek(start - 1)
            f.readline()  # the line straddling `start` belongs to the block before
        body = bytearray()
        while f.tell() < end:
            line = f.readline()
            if not line:
                break
            body += line
    return io.BytesIO(header + bytes(body))
