"""Documents read ahead in worker processes.

pypdf and python-docx parse in Python and hold the GIL: a folder of documents read in the scanning process keeps
one core busy, however many there are. When a listing holds enough documents (:data:`THRESHOLD`),
:class:`DocumentReaders` reads them ahead in a process pool, in listing order, at most :data:`AHEAD` per process
in flight. Each worker runs the document's own :meth:`DocumentTable.batches` and records what its extractor gave
(passages, notes, the error that stopped it); the table the engine gets replays that record through the same
``DocumentTable.read``, so batches, coverage, notes and errors are those of a document read in this process, and
detection (which needs the rules) stays here. Workers import the readers only (and, being spawned, the program's
main module, as ``multiprocessing`` does). While the workers start, the engine's first documents are read here
(:data:`READ_WHILE_STARTING`): those have no process of their own to crash.

A document whose reader kills its worker (a crash in a parser's C code, the kernel's out-of-memory killer) is one
error entry naming it: the documents that were in the pool with it are read again, one at a time in a worker of
their own, and the scan goes on. When no worker can start at all, documents are read in this process, as without
a pool. Workers ignore Ctrl-C: the scanning process stops the scan and its pool.
"""

from __future__ import annotations

import collections
import multiprocessing
import os
import signal
import threading
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from pdscan.errors import SourceError
from pdscan.model import ScanErrorEntry
from pdscan.sources.base import FileRef, Limits, ReadOptions, Table
from pdscan.sources.documents import EXTRACTORS
from pdscan.sources.documents.passages import DocumentTable, Extractor, Passage, Reading

# A pool starts when the listing holds this many documents the workers can read: its workers take ~0.5 s of a core
# each to start (more on a busy machine), and a scan reads fewer documents faster alone (measured on 2 cores: 32
# letters +0.45 s, 64 +0.57 s, 100 -0.58 s with a pool, under load). The listing is read this far ahead to count.
THRESHOLD = 64
# Documents in flight per process (read ahead of the engine), and at most this many bytes of them.
AHEAD = 16
AHEAD_BYTES = 64 << 20
# While the workers start (~0.5 s), this process reads the documents the engine asks for itself, rather than wait.
READ_WHILE_STARTING = True
# Workers start as fresh interpreters ('spawn'): the start does not wait in this process (a 'forkserver' start
# does, for its server's imports: no faster here, and the CPU time of its workers is not counted in this process's
# children), and a worker inherits none of this process's threads.
START_METHOD = "spawn"
_READERS = frozenset(id(extract) for _, extract in EXTRACTORS.values())
T = TypeVar("T")
CRASHED = "its reader crashed (the worker process reading it ended abruptly)"


def processes_for(workers: int) -> int:
    """Worker processes that read documents: ``--workers`` when above one, else one per usable core (this process
    detects meanwhile, and reads the documents while the workers start); none on one core."""
    if workers > 1:
        return workers
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    return cores if cores > 1 else 0


@dataclass(frozen=True)
class Job:
    """What a worker needs to read one document from disk: no open streams, no closures."""

    source: str
    name: str
    ext: str
    path: str
    size: int | None
    ocr: bool
    limits: Limits
    limit: int | None
    chunk_rows: int


@dataclass
class Record:
    """What a document's extractor gave in a worker, in order: passages and the notes between them; and the
    one-line error (source, reason, location) that stopped its reading."""

    events: list[Passage | str] = field(default_factory=list)
    error: tuple[str, str, str | None] | None = None


def read_document(job: Job) -> Record:
    """In a worker: read one document as the scanning process would, recording what its extractor gives."""
    kind, extract = EXTRACTORS[job.ext]
    path = Path(job.path)
    ref = FileRef(job.name, job.ext, lambda: path.open("rb"), path, job.size, ocr=job.ocr, limits=job.limits)
    record = Record()
    table = DocumentTable(ref, job.source, _recording(extract, record.events), kind)
    try:
        for _ in table.batches(ReadOptions(limit=job.limit, chunk_rows=job.chunk_rows)):
            pass
    except SourceError as exc:
        record.error = (exc.source, exc.reason, exc.location)
    return record


def _recording(extract: Extractor, events: list[Passage | str]) -> Extractor:
    """``extract`` that also appends each passage, and each note the extractor adds, to ``events``."""

    def run(ref: FileRef, reading: Reading) -> Iterator[Passage]:
        seen = len(reading.notes)

        def notes() -> None:
            nonlocal seen
            events.extend(reading.notes[seen:])
            seen = len(reading.notes)

        passages = iter(extract(ref, reading))
        while True:
            try:  # the notes added before the passage, the end or the error (which DocumentTable.read makes one line)
                passage = next(passages, None)
            finally:
                notes()
            if passage is None:
                return
            events.append(passage)
            yield passage  # when the table stops here (text cut), its own note is not the extractor's

    return run


def readable(item: Table) -> bool:
    """A document on disk that a worker can read: its extractor is one of EXTRACTORS, its bytes a plain file's."""
    return (
        type(item) is DocumentTable
        and id(item.extract) in _READERS
        and item.ref.path is not None
        and EXTRACTORS.get(item.ref.ext, (None, None))[1] is item.extract
    )


def _worker_start() -> None:
    """A worker ignores Ctrl-C: the scanning process stops the scan (and its pool)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


@dataclass
class _Ahead:
    item: Table | ScanErrorEntry
    document: DocumentTable | None = None  # the item, when a worker can read it
    sent: bool = False


@dataclass
class _Pending:
    job: Job
    extract: Extractor  # the table's own extractor: used when no worker can start
    future: Future[Record] | None = None
    executor: ProcessPoolExecutor | None = None  # the pool it was sent to
    record: Record | None = None
    here: bool = False  # read in this process (while the workers start)
    consumed: bool = False


def discard(executor: ProcessPoolExecutor, cancel: bool = True) -> None:
    """Shut a pool down without waiting and end the workers it still has.

    After a worker died (BrokenProcessPool), Python 3.11's pool joins its other workers while they still wait for
    work, and the program then hangs at exit in ``concurrent.futures.process._python_exit`` (Python 3.12 terminates
    them itself). A worker holds nothing worth keeping: it is ended."""
    processes = list((getattr(executor, "_processes", None) or {}).values())
    executor.shutdown(wait=False, cancel_futures=cancel)
    for process in processes:
        if process.is_alive():
            process.terminate()


class DocumentReaders:
    """Reads the documents of a listing ahead in worker processes (see the module's docstring).

    ``tables(items)`` passes the listing through, in order; documents on disk that the workers can read come out
    with an extractor that replays the worker's record. Only documents and error entries are read ahead: any other
    table stops the look-ahead where it stands (a mail's attachments are listed after the mail is read). Close it
    (or use it as a context manager) to stop the pool.
    """

    def __init__(self, read_options: ReadOptions, workers: int) -> None:
        self.read_options = read_options
        self.processes = processes_for(workers)
        self.threshold = max(1, THRESHOLD)
        self.window = AHEAD * self.processes
        self._executor: ProcessPoolExecutor | None = None
        self._solo: ProcessPoolExecutor | None = None  # reads the documents a dead worker left, one at a time
        self._queue: collections.deque[_Pending] = collections.deque()  # not yet sent, in listing order
        self._in_flight: list[_Pending] = []  # sent, not yet replayed
        self._lock = threading.Lock()
        self._recovering = threading.Lock()
        self.started = False  # the pool has started: documents are read by workers
        self._delivered = False  # a worker has returned a record: workers can start here
        self._disabled = False  # no worker could start: documents are read in this process
        self._listed = False  # every document of the listing has been sent

    def __enter__(self) -> DocumentReaders:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close(wait=exc[0] is None)

    def close(self, wait: bool = True) -> None:
        with self._lock:
            executors, self._executor, self._solo = [self._executor, self._solo], None, None
            self._queue.clear()
        for executor in executors:
            if executor is not None and getattr(executor, "_broken", False):
                discard(executor)  # its workers would never end: see discard
            elif executor is not None:
                executor.shutdown(wait=wait, cancel_futures=True)

    # -- the listing --------------------------------------------------------------------------------------------

    def tables(self, items: Iterable[Table | ScanErrorEntry]) -> Iterator[Table | ScanErrorEntry]:
        if self.processes < 1:
            yield from items
            return
        listing = iter(items)
        ahead: collections.deque[_Ahead] = collections.deque()  # listed, not yet given to the engine
        documents = 0  # documents in ``ahead`` that a worker can read
        held: Table | None = None  # a table that stops the look-ahead
        failure: SourceError | None = None  # the listing failed after the items in ``ahead``
        ended = False
        while True:
            limit = self.window if self.started else max(self.window, self.threshold)
            while not ended and held is None and failure is None and documents < limit:
                try:
                    item = next(listing)
                except StopIteration:
                    ended = True
                    break
                except SourceError as exc:  # raised after the items listed before it, as without look-ahead
                    failure = exc
                    break
                if isinstance(item, ScanErrorEntry):
                    ahead.append(_Ahead(item))
                elif isinstance(item, DocumentTable) and readable(item):
                    ahead.append(_Ahead(item, item))
                    documents += 1
                else:
                    held = item
            if not self.started and documents >= self.threshold:
                self.started = True
            if self.started:
                for entry in ahead:
                    if entry.document is not None and not entry.sent:
                        self._send(entry.document)
                        entry.sent = True
            if ahead:
                entry = ahead.popleft()
                documents -= entry.document is not None
                if ended and not ahead and held is None:
                    self._listed = True  # every document has been sent: the pool ends after the last one is read
                yield entry.item
            elif held is not None:
                item, held = held, None
                yield item
            elif failure is not None:
                raise failure
            else:
                return

    def _send(self, table: DocumentTable) -> None:
        """Give ``table`` an extractor that replays a worker's record; queue the job."""
        ref = table.ref
        assert ref.path is not None
        options = self.read_options
        job = Job(table.source, ref.name, ref.ext, str(ref.path), ref.size, ref.ocr, ref.limits, options.limit,
                  options.chunk_rows)  # fmt: skip
        pending = _Pending(job, table.extract)

        def replay(ref: FileRef, reading: Reading) -> Iterator[Passage]:
            record = self._record(pending)
            if record is None:
                yield from pending.extract(ref, reading)
                return
            for event in record.events:
                if isinstance(event, str):
                    reading.notes.append(event)
                else:
                    yield event
            if record.error is not None:
                raise SourceError(*record.error)

        table.extract = replay
        with self._lock:
            self._queue.append(pending)
            self._fill()

    # -- the pool -----------------------------------------------------------------------------------------------

    def _fill(self) -> None:
        """Send queued jobs while fewer than ``window`` (and AHEAD_BYTES) are in flight. Holds the lock."""
        if self._disabled:
            return
        window = self.window if self._delivered else self.processes  # one each while they start
        while self._queue:
            size = sum(p.job.size or 0 for p in self._in_flight)
            if self._in_flight and (len(self._in_flight) >= window or size >= AHEAD_BYTES):
                return
            self._submit(self._queue.popleft())

    def _submit(self, pending: _Pending) -> None:
        """Send one job. Holds the lock."""
        for _ in range(2):
            if self._executor is None:
                context = multiprocessing.get_context(START_METHOD)
                self._executor = ProcessPoolExecutor(self.processes, mp_context=context, initializer=_worker_start)
            try:
                pending.future = self._executor.submit(read_document, pending.job)
            except BrokenProcessPool:  # a worker died since the last job was sent: its jobs are read again alone
                discard(self._executor)
                self._executor = None
                continue
            pending.executor = self._executor
            pending.future.add_done_callback(self._done)
            break
        self._in_flight.append(pending)

    def _done(self, future: Future[Record]) -> None:
        """A worker has read a document (in the pool's thread): from now on documents are waited for."""
        if not future.cancelled() and future.exception() is None:
            self._delivered = True

    def _record(self, pending: _Pending) -> Record | None:
        """The worker's record of a document (waits for it); None when it is to be read in this process."""
        if pending.consumed:  # read again (after an error): the same record
            return pending.record
        with self._lock:
            if pending in self._queue:
                if self._disabled or (READ_WHILE_STARTING and not self._delivered):
                    self._queue.remove(pending)  # the workers are starting (or cannot): read here
                    pending.here = True
                else:  # the engine is ahead of the window
                    while self._queue:
                        queued = self._queue.popleft()
                        self._submit(queued)
                        if queued is pending:
                            break
        future = pending.future
        if future is not None and not pending.here:
            if READ_WHILE_STARTING and not (self._delivered or future.done()):
                pending.here = True  # a worker has it, but none has started yet: read here (its copy is dropped)
            else:
                try:
                    pending.record = future.result()
                except BrokenProcessPool:
                    pending.record = self._after_crash(pending)
        pending.consumed = True
        with self._lock:
            if pending in self._in_flight:
                self._in_flight.remove(pending)
            self._fill()
            if self._listed and not self._queue and not self._in_flight and self._executor is not None:
                self._executor.shutdown(wait=False)  # the last document is read: workers end while detection goes on
        return pending.record

    def _after_crash(self, pending: _Pending) -> Record | None:
        """A worker died while ``pending`` was in the pool: read it again alone, in a new worker. If that one dies
        too, it is the document's doing (one error entry); unless no worker can start here at all."""
        with self._recovering:
            with self._lock:
                if self._executor is pending.executor and self._executor is not None:
                    discard(self._executor)
                    self._executor = None  # the next job starts a new pool
                disabled = self._disabled
            if disabled:
                return None
            record = self._alone(read_document, pending.job)
            if record is not None:
                self._delivered = True
                return record
            if not self._delivered and self._alone(os.getpid) is None:
                with self._lock:
                    self._disabled = True
                return None
            return Record(error=(pending.job.source, CRASHED, pending.job.name))

    def _alone(self, function: Callable[..., T], *args: object) -> T | None:
        """``function(*args)`` in the one worker that reads documents alone (a new one after each death); None
        when the worker dies. Holds ``_recovering``."""
        if self._solo is None:
            context = multiprocessing.get_context(START_METHOD)
            self._solo = ProcessPoolExecutor(1, mp_context=context, initializer=_worker_start)
        try:
            return self._solo.submit(function, *args).result()
        except BrokenProcessPool:
            discard(self._solo, cancel=False)
            self._solo = None
            return None
