"""The connector interface, shared by files and databases (ankane/pdscan style: list tables, fetch a sample).

A :class:`Source` is what the user named on the command line (a file, a folder, a database URL). It yields
:class:`Table` objects (a CSV file, an Excel sheet, a JSON record list, a database table) or error entries for
parts it could not open. A table yields :class:`~pdscan.model.Batch` objects of at most ``chunk_rows`` rows, and stops
after ``limit`` rows when sampling; it fills in its :class:`~pdscan.model.TableInfo` as it reads.
"""

from __future__ import annotations

import contextlib
import gzip
import shutil
import tempfile
import zipfile
import zlib
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from pdscan import options as defaults
from pdscan.errors import SourceError
from pdscan.model import Batch, Location, ScanErrorEntry, SkippedFile, TableInfo

# Errors that reading any file can raise, whatever its format; each becomes a one-line reason.
IO_ERRORS: tuple[type[BaseException], ...] = (OSError, EOFError, zlib.error, zipfile.BadZipFile)


def describe(exc: BaseException) -> str:
    """A one-line reason for a read error, never echoing file contents."""
    if isinstance(exc, PermissionError):
        return "permission denied"
    if isinstance(exc, FileNotFoundError):
        return "no such file or directory"
    if isinstance(exc, IsADirectoryError):
        return "is a directory"
    if isinstance(exc, gzip.BadGzipFile | zlib.error) or (isinstance(exc, EOFError) and "gzip" in str(exc).lower()):
        return "corrupt gzip data"
    if isinstance(exc, EOFError):
        return "unexpected end of file (truncated)"
    if isinstance(exc, zipfile.BadZipFile):
        return "corrupt zip archive"
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror.lower()
    return (str(exc).splitlines() or [type(exc).__name__])[0][:200]


@dataclass(frozen=True)
class Limits:
    """Structural limits on one file (see :mod:`pdscan.options`): past one, the file is one error entry."""

    json_max_depth: int = defaults.JSON_MAX_DEPTH
    json_max_keys: int = defaults.JSON_MAX_KEYS
    json_max_values: int = defaults.JSON_MAX_VALUES
    json_max_line: int = defaults.JSON_MAX_LINE
    text_max_line: int = defaults.TEXT_MAX_LINE
    csv_max_field: int = defaults.CSV_MAX_FIELD
    csv_max_columns: int = defaults.CSV_MAX_COLUMNS
    archive_max_members: int = defaults.ARCHIVE_MAX_MEMBERS
    archive_max_bytes: int = defaults.ARCHIVE_MAX_BYTES
    mail_max_parts: int = defaults.MAIL_MAX_PARTS
    mail_max_depth: int = defaults.MAIL_MAX_DEPTH


def over_limit(what: str, name: str, value: int) -> str:
    """The one-line reason for a file past a limit: what went past it, the limit, and how to raise it."""
    return f"{what}: limit {value:,} (raise it with PDSCAN_{name.upper()}=N in the environment)"


class LimitExceeded(Exception):
    """A reader went past a structural limit; ``reason`` is the one-line text of :func:`over_limit`."""

    def __init__(self, what: str, name: str, value: int) -> None:
        self.reason = over_limit(what, name, value)
        super().__init__(self.reason)


def zip_bomb(info: zipfile.ZipInfo) -> str | None:
    """Why a zip member is refused as a likely zip bomb (it expands too far, too much), or None."""
    ratio = info.file_size / max(1, info.compress_size)
    if info.file_size > defaults.DOCUMENT_BOMB_BYTES and ratio > defaults.DOCUMENT_MAX_RATIO:
        return f"member expands {ratio:,.0f}x to {info.file_size >> 20} MB: possible zip bomb, not read"
    return None


@dataclass(frozen=True)
class ReadOptions:
    """How much to read. ``limit`` None means every row (``--full``)."""

    limit: int | None = defaults.SAMPLE_SIZE
    chunk_rows: int = defaults.CHUNK_ROWS
    # Which columns of a kind that rarely holds personal data (numbers, dates, booleans) are worth fetching from
    # a database: called with the column name; None fetches them all. Text columns are always fetched.
    wants_column: Callable[[str], bool] | None = None


@dataclass(frozen=True)
class SourceOptions:
    """What to open of a source: file globs for folders, schema and table globs and limits for databases."""

    include: tuple[str, ...] = ()  # gitignore patterns (pdscan.sources.selection)
    exclude: tuple[str, ...] = ()
    exclude_from: tuple[Path, ...] = ()  # gitignore-style files of exclude patterns, relative to their folder
    patterns_base: Path | None = None  # besides the scanned folder; None: the working folder
    schemas: tuple[str, ...] = ()  # schema globs; empty = every non-system schema
    include_tables: tuple[str, ...] = ()  # globs on "table" or "schema.table"
    exclude_tables: tuple[str, ...] = ()
    table_timeout: float = defaults.TABLE_TIMEOUT  # seconds one statement may run before the table is skipped
    workers: int = 1  # tables scanned at once (connections in the pool)
    ocr: bool = False  # documents: read scanned PDF pages with tesseract
    limits: Limits = field(default_factory=Limits)  # structural limits on hostile files
    # Test each pooled database connection with a round trip before use (SQLAlchemy's pool_pre_ping). A long-lived
    # search (pdscan.dsar.search.Finder) turns it off and reconnects when a statement finds its connection gone.
    ping_connections: bool = True


class Table(ABC):
    """One table-like unit of a source. Reading errors raise :class:`~pdscan.errors.SourceError`."""

    def __init__(self, source: str, location: Location) -> None:
        self.source = source
        self.location = location
        self.info = TableInfo(source=source, location=location)

    def batches(self, options: ReadOptions) -> Iterator[Batch]:
        """Yield batches, updating ``self.info`` (rows_scanned, truncated, sampling, notes) as rows are read.

        Raises SourceError, with a one-line reason, for anything that stops the reading.
        """
        try:
            yield from self.read(options)
        except SourceError:
            raise
        except IO_ERRORS as exc:
            raise SourceError(self.source, describe(exc), self.location.display()) from exc
        except LimitExceeded as exc:
            raise SourceError(self.source, exc.reason, self.location.display()) from exc
        except RecursionError as exc:
            # A structure nested past what a parser can follow: the file is lost, never the scan.
            raise SourceError(self.source, "nested too deeply to read", self.location.display()) from exc
        except MemoryError as exc:
            raise SourceError(self.source, "too large to read in memory", self.location.display()) from exc
        except Exception as exc:  # one bad file never costs the scan: any parser error is one line
            reason = f"could not be read ({type(exc).__name__})"
            raise SourceError(self.source, reason, self.location.display()) from exc

    @abstractmethod
    def read(self, options: ReadOptions) -> Iterator[Batch]:
        """The reader's own work: yield batches; may raise SourceError or the I/O errors in IO_ERRORS."""


class Source(ABC):
    """What the user named: one file, a folder or a database."""

    kind: str = "file"

    def __init__(self, name: str) -> None:
        self.name = name  # for display: never holds a password
        self.ignored_files = 0
        # Every file met and not scanned, with why (type unknown, special file, loop, excluded...): the report
        # lists them so that nothing is skipped without a word.
        self.skipped: list[SkippedFile] = []

    @abstractmethod
    def tables(self) -> Iterator[Table | ScanErrorEntry]:
        """Yield every table of the source, or an error entry for each part that cannot be opened."""

    def check(self) -> None:  # noqa: B027 - optional hook: files are checked when opened
        """Raise SourceError when the source cannot be read at all (a database that cannot be reached), before
        anything is scanned."""

    def close(self) -> None:  # noqa: B027 - optional hook, most sources hold nothing open
        """Release connections or temporary files."""


@dataclass
class FileRef:
    """A file to scan, on disk or inside an archive.

    ``name`` is what reports show (``exports/a.zip!crm.csv``); ``ext`` is the lower-case format suffix with any
    ``.gz`` removed; ``open`` returns a fresh binary stream each call (decompressed); ``path`` is set when the bytes
    are a plain file on disk, so readers that need random access can use it directly.
    """

    name: str
    ext: str
    open: Callable[[], BinaryIO]
    path: Path | None = None
    size: int | None = None
    temp_files: list[Path] = field(default_factory=list)
    ocr: bool = False  # documents: read scanned pages by OCR (--ocr)
    limits: Limits = field(default_factory=Limits)

    @contextlib.contextmanager
    def local_path(self) -> Iterator[Path]:
        """A seekable file on disk with these bytes: the file itself, or a temporary copy (memory stays bounded)."""
        if self.path is not None:
            yield self.path
            return
        with tempfile.NamedTemporaryFile(prefix="pdscan-", suffix=self.ext) as tmp:
            with self.open() as src:
                shutil.copyfileobj(src, tmp, length=1 << 20)
            tmp.flush()
            yield Path(tmp.name)


# How a format's reader is called: one file in, its tables out (a workbook has a table per sheet; a mail a table
# for itself and one per attachment, or an error entry for an attachment it cannot read).
Reader = Callable[[FileRef, str], Iterator["Table | ScanErrorEntry"]]
# How a distributed --full scan cuts one big local file: (path, rows per part, bytes per part) -> parts, each a
# tuple of ints the format understands (row groups, a byte range). Fewer than two parts: the file is read whole.
Splitter = Callable[[Path, int, int], list[tuple[int, ...]]]
# Reads one part on a worker: (path, display name, source, part) -> its tables, or error entries.
PartReader = Callable[[Path, str, str, tuple[int, ...]], Iterator["Table | ScanErrorEntry"]]


@dataclass(frozen=True)
class Format:
    """A file format: its extensions, its reader, and (optionally) how it splits for distributed scans.

    Each reader module in :mod:`pdscan.sources.formats` declares one ``FORMAT``; the registry lists them once.
    """

    name: str
    extensions: tuple[str, ...]
    tables: Reader
    split: Splitter | None = None
    read_part: PartReader | None = None
