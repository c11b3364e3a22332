"""Small delimited files read and detected ahead in worker processes.

Reading a small CSV is mostly Python (opening, sniffing, decoding) and detecting a group of them holds the GIL much
of the time too: a folder of many small files kept one core busy, whatever the machine has. When a listing holds
enough of them (:data:`THRESHOLD`), :class:`SmallTables` sends them, in chunks of :data:`CHUNK` files in listing
order, to a process pool (spawned; one process per core, or ``--workers``, as the document pool). A worker reads each
file as this process would (:class:`~pdscan.sources.formats.csv.CsvTable` over the same path), and detects the
files that are one small batch together (:func:`~pdscan.detect.core.detect_small`: a table's statistics do not
depend on the group it is detected in). It returns, per file, the table's coverage (:class:`TableInfo`), its rows and
its column statistics; the engine records them in listing order. Anything else (a file of more than one batch, an
empty one, a read error) comes back as "read it here", and the engine reads that file itself as without a pool, so
its outcome is the one it always was.

While the workers start (~0.5 s), files the engine reaches first are read here. A worker that dies (a crash in C
code, the out-of-memory killer) costs one error entry: the chunks it had are read again in a worker of their own,
then file by file; the file that kills that worker too is reported as crashed. When no worker can start at all,
the files are read here. Workers ignore Ctrl-C.
"""

from __future__ import annotations

import collections
import multiprocessing
import os
import threading
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pdscan.errors import SourceError
from pdscan.model import Batch, Finding, ScanErrorEntry, TableInfo
from pdscan.sources.base import FileRef, Limits, ReadOptions, Table
from pdscan.sources.documents import pool as documents
from pdscan.sources.formats.csv import CsvTable

# A pool starts when the listing holds this many small delimited files; the listing is read this far ahead to count.
# Each worker costs ~1.3 s of a core before its first file (imports, the name lexicon). Measured on 2 cores with the
# bench's files (whole process, pool vs none): 150 files 2.55/1.99 s, 300 3.70/2.81 s, 450 3.72/3.09 s, 600
# 4.09/3.96 s, 1,000 6.43/6.79 s, 2,000 9.8/13.0 s. The environment variable overrides it (tests force the pool).
THRESHOLD = int(os.environ.get("PDSCAN_SMALL_POOL_THRESHOLD", "768"))
# Files per job (detected together in the worker), and jobs in flight per process. A group's cost has a fixed part
# (Arrow compiles each pattern per call): 3.06 ms of CPU a file in groups of 32, 2.5 in groups of 64, 2.3 of 128.
CHUNK = 128
AHEAD = 3
# While the workers start (~0.5 s of a core each, with their imports), this process reads the first files of the
# pool's listing itself; the workers start further on, so that no file is read twice.
HERE_FIRST = 128
# Unlike documents (pool.READ_WHILE_STARTING), a small file sent to a worker is not also read here while the workers
# start: on 2 cores the duplicated reading cost more than the wait it saved (2,000 files: 4.9-5.5 s without,
# 5.4-6.3 s with, 1.7 s less CPU in this process; 800 files: 2.8-3.1 s vs 3.5-3.8 s).
# Files larger than this are not sent: they are seldom one small batch, and their statistics are large.
MAX_BYTES = 1 << 20
CRASHED = documents.CRASHED


@dataclass(frozen=True)
class FileJob:
    """What a worker needs to read one delimited file from disk."""

    source: str
    name: str
    ext: str
    path: str
    size: int | None
    limits: Limits


# The engine's detection of a group of small tables: their coverage and their one batch each in, each table's findings
# out (filling in its coverage). Run in the worker, so that the scanning process only records. A picklable callable
# (a functools.partial of a module-level function): sources do not know the detector.
Analyse = Callable[[list[TableInfo], list[Batch]], list[list[Finding]]]


@dataclass(frozen=True)
class Detected:
    """A file a worker read as one small batch: its coverage, rows and findings."""

    info: TableInfo
    rows: int
    findings: list[Finding]


_STATE: dict[str, Any] = {}


def _worker_start(analyse: Analyse, small_rows: int, read: tuple[int | None, int]) -> None:
    documents._worker_start()
    _STATE.update(analyse=analyse, small_rows=small_rows, read=ReadOptions(limit=read[0], chunk_rows=read[1]))


def read_chunk(jobs: list[FileJob]) -> list[Detected | None]:
    """In a worker: read each file as the scanning process would; detect the small ones together. None: a file to
    be read in the scanning process (more than one batch, empty, an error)."""
    options: ReadOptions = _STATE["read"]
    small: list[tuple[int, Table, Batch]] = []
    out: list[Detected | None] = [None] * len(jobs)
    for position, job in enumerate(jobs):
        table = _table(job)
        try:
            batches = iter(table.batches(options))
            first = next(batches, None)
            if first is None or first.num_rows >= _STATE["small_rows"] or next(batches, None) is not None:
                continue
        except SourceError:
            continue
        small.append((position, table, first))
    if small:
        analysed = _STATE["analyse"]([read.info for _, read, _ in small], [batch for _, _, batch in small])
        for (position, done, batch), found in zip(small, analysed, strict=True):
            out[position] = Detected(done.info, batch.num_rows, found)
    return out


def _table(job: FileJob) -> CsvTable:
    path = Path(job.path)
    return CsvTable(FileRef(job.name, job.ext, lambda: path.open("rb"), path, job.size, limits=job.limits), job.source)


def sendable(item: object) -> bool:
    """A delimited file on disk, small enough to send."""
    return (
        type(item) is CsvTable
        and item.ref.path is not None
        and item.ref.size is not None
        and item.ref.size <= MAX_BYTES
    )


@dataclass
class _Chunk:
    jobs: list[FileJob]
    future: Future[list[Detected | None]] | None = None
    executor: ProcessPoolExecutor | None = None
    results: list[Detected | str | None] | None = None  # str: the file crashed its worker


@dataclass
class Sent:
    """A listed table whose reading was sent to a worker; :meth:`SmallTables.result` gives its outcome."""

    table: CsvTable
    pool: SmallTables = field(repr=False)
    chunk: _Chunk | None = None
    position: int = 0

    def result(self) -> Detected | str | None:
        return self.pool.result(self)


class SmallTables:
    """Passes a listing through in order; small delimited files come out as :class:`Sent` once the pool runs."""

    def __init__(self, analyse: Analyse, small_rows: int, read: ReadOptions, workers: int, ner: bool = False) -> None:
        self.processes = documents.processes_for(workers)
        if ner:
            self.processes = 0  # a spaCy model per worker costs more than it saves
        self.threshold = max(1, THRESHOLD)
        self._initargs = (analyse, small_rows, (read.limit, read.chunk_rows))
        self._executor: ProcessPoolExecutor | None = None
        self._solo: ProcessPoolExecutor | None = None
        self._queue: collections.deque[_Chunk] = collections.deque()  # complete chunks not yet sent
        self._in_flight: list[_Chunk] = []
        self._open: list[Sent] = []  # wrapped, not yet in a chunk
        self._here = HERE_FIRST  # files still to be read here before the workers take over
        self._lock = threading.RLock()  # the engine's table threads (--workers) ask for results concurrently
        self.started = False
        self._delivered = False
        self._disabled = False

    def __enter__(self) -> SmallTables:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close(wait=exc[0] is None)

    def close(self, wait: bool = True) -> None:
        self._queue.clear()
        for executor in (self._executor, self._solo):
            if executor is not None and getattr(executor, "_broken", False):
                documents.discard(executor)  # its workers would never end (documents.discard)
            elif executor is not None:
                executor.shutdown(wait=wait, cancel_futures=True)
        self._executor = self._solo = None

    def tables(self, items: Iterable[Table | ScanErrorEntry]) -> Iterator[Table | ScanErrorEntry | Sent]:
        """The listing, in order. Only small delimited files and error entries are read ahead: any other table stops
        the look-ahead where it stands (a mail's attachments are listed after the mail is read)."""
        if self.processes < 1:
            yield from items
            return
        listing = iter(items)
        ahead: collections.deque[Table | ScanErrorEntry | Sent] = collections.deque()
        count = 0  # sendable files in ``ahead``
        held: Table | None = None
        failure: SourceError | None = None
        ended = False
        window = CHUNK * AHEAD * self.processes
        while True:
            limit = window if self.started else max(window, self.threshold)
            while not ended and held is None and failure is None and count < limit:
                try:
                    item = next(listing)
                except StopIteration:
                    ended = True
                    break
                except SourceError as exc:  # raised after the items listed before it, as without look-ahead
                    failure = exc
                    break
                if isinstance(item, ScanErrorEntry):
                    ahead.append(item)
                elif isinstance(item, CsvTable) and sendable(item):
                    ahead.append(self._wrap(item) if self.started else item)
                    count += 1
                else:
                    held = item
            if not self.started and count >= self.threshold:
                self.started = True
                ahead = collections.deque(
                    self._wrap(i) if isinstance(i, CsvTable) and sendable(i) else i for i in ahead
                )
            if ahead:
                first = ahead.popleft()
                if isinstance(first, Sent):
                    count -= 1
                    if first.chunk is None:
                        self._close_chunk()
                elif sendable(first):
                    count -= 1
                yield first
            elif held is not None:
                first, held = held, None
                yield first
            elif failure is not None:
                raise failure
            else:
                return

    def _wrap(self, table: CsvTable) -> CsvTable | Sent:
        if self._here > 0:
            self._here -= 1
            return table
        sent = Sent(table, self)
        self._open.append(sent)
        if len(self._open) >= CHUNK:
            self._close_chunk()
        return sent

    def _close_chunk(self) -> None:
        with self._lock:
            self._close_open()

    def _close_open(self) -> None:
        if not self._open:
            return
        chunk = _Chunk([_job(sent.table) for sent in self._open])
        for position, sent in enumerate(self._open):
            sent.chunk, sent.position = chunk, position
        self._open.clear()
        self._queue.append(chunk)
        self._fill()

    # -- the pool -----------------------------------------------------------------------------------------------

    def _fill(self) -> None:
        if self._disabled:
            return
        window = AHEAD * self.processes if self._delivered else self.processes
        self._in_flight = [c for c in self._in_flight if c.future is not None and not c.future.done()]
        while self._queue and len(self._in_flight) < window:
            self._submit(self._queue.popleft())

    def _submit(self, chunk: _Chunk) -> None:
        for _ in range(2):
            if self._executor is None:
                context = multiprocessing.get_context(documents.START_METHOD)
                self._executor = ProcessPoolExecutor(
                    self.processes, mp_context=context, initializer=_worker_start, initargs=self._initargs
                )
            try:
                chunk.future = self._executor.submit(read_chunk, chunk.jobs)
            except BrokenProcessPool:
                documents.discard(self._executor)
                self._executor = None
                continue
            chunk.executor = self._executor
            chunk.future.add_done_callback(self._done)
            break
        self._in_flight.append(chunk)

    def _done(self, future: Future[list[Detected | None]]) -> None:
        if not future.cancelled() and future.exception() is None:
            self._delivered = True

    def result(self, sent: Sent) -> Detected | str | None:
        """The worker's outcome of a file (waits for it): Detected, None (read it here) or CRASHED."""
        with self._lock:
            return self._result(sent)

    def _result(self, sent: Sent) -> Detected | str | None:
        chunk = sent.chunk
        if chunk is None:
            return None
        if chunk.results is None:
            if chunk in self._queue:
                if self._disabled:
                    return None  # no worker can start: read here
                while self._queue:  # the engine is ahead of the window
                    queued = self._queue.popleft()
                    self._submit(queued)
                    if queued is chunk:
                        break
            future = chunk.future
            if future is None:
                return None
            try:
                chunk.results = list(future.result())
            except BrokenProcessPool:
                chunk.results = self._after_crash(chunk)
            self._fill()
        return chunk.results[sent.position]

    def _after_crash(self, chunk: _Chunk) -> list[Detected | str | None]:
        """A worker died with ``chunk`` in the pool: read it again in a worker of its own; if that one dies too,
        file by file. A file that kills its own worker is CRASHED."""
        if self._executor is chunk.executor and self._executor is not None:
            documents.discard(self._executor)
            self._executor = None
        if self._disabled:
            return [None] * len(chunk.jobs)
        again = self._alone(chunk.jobs)
        if again is not None:
            self._delivered = True
            return list(again)
        if not self._delivered and self._alone_pid() is None:
            self._disabled = True
            return [None] * len(chunk.jobs)
        out: list[Detected | str | None] = []
        for job in chunk.jobs:
            one = self._alone([job])
            out.append(CRASHED if one is None else one[0])
        return out

    def _solo_executor(self) -> ProcessPoolExecutor:
        if self._solo is None:
            context = multiprocessing.get_context(documents.START_METHOD)
            self._solo = ProcessPoolExecutor(1, mp_context=context, initializer=_worker_start, initargs=self._initargs)
        return self._solo

    def _alone(self, jobs: list[FileJob]) -> list[Detected | None] | None:
        try:
            return self._solo_executor().submit(read_chunk, jobs).result()
        except BrokenProcessPool:
            self._broken_solo()
            return None

    def _alone_pid(self) -> int | None:
        try:
            return self._solo_executor().submit(os.getpid).result()
        except BrokenProcessPool:
            self._broken_solo()
            return None

    def _broken_solo(self) -> None:
        if self._solo is not None:
            documents.discard(self._solo, cancel=False)
        self._solo = None


def _job(table: CsvTable) -> FileJob:
    ref = table.ref
    return FileJob(table.source, ref.name, ref.ext, str(ref.path), ref.size, ref.limits)
