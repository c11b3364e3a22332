"""Files and folders: walk, filter, open (``.gz`` and ``.zip`` included) and hand each file to its format reader.

A folder is walked recursively in sorted order (stable reports); hidden files and folders are skipped. Every other
file the walk meets is accounted for: read, listed in :attr:`Source.skipped` with the reason (a type no reader
knows, a special file such as a FIFO or a device, a symbolic link loop, excluded by the globs, a SQLite database),
or an error entry (unreadable, corrupt, past a structural limit). A file of an unknown type named explicitly is an
error. Names that are not valid UTF-8 are shown with the odd bytes escaped (``bad\\xff.csv``).

``--include``/``--exclude`` globs match a file's path relative to the folder given and its base name, with and
without a ``.gz`` suffix (``*.csv`` selects ``old.csv.gz``). Zip archives are containers: ``--include`` picks
their members rather than the archive itself (``*.csv`` finds the CSV files inside ``export.zip``), while
``--exclude`` can skip a whole archive.
"""

from __future__ import annotations

import contextlib
import gzip
import io
import lzma
import os
import stat
import zipfile
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path, PurePosixPath
from typing import IO, BinaryIO

from pdscan.errors import SourceError
from pdscan.model import Location, ScanErrorEntry, SkippedFile
from pdscan.sources.base import (
    IO_ERRORS,
    FileRef,
    LimitExceeded,
    Limits,
    Source,
    Table,
    describe,
    over_limit,
    zip_bomb,
)
from pdscan.sources.formats import BY_EXTENSION
from pdscan.sources.selection import Selector

ARCHIVE = ".zip"
COMPRESSED = ".gz"
# Compression methods Python's zipfile can read; others (deflate64, PPMd...) fail only when a member is opened.
_ZIP_METHODS = frozenset((zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED, zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA))


def _strip_gz(name: str) -> str:
    return name[: -len(COMPRESSED)] if name.lower().endswith(COMPRESSED) else name


def supported(name: str) -> bool:
    """Whether some reader (or the archive walker) handles a file of this name."""
    lower = _strip_gz(name.lower())
    return lower.endswith(ARCHIVE) or os.path.splitext(lower)[1] in BY_EXTENSION


def safe_name(name: str) -> str:
    """A path as reports show it: bytes that are not UTF-8 (kept by Python as surrogates) escaped as ``\\xff``,
    so that no report or JSON output ever carries invalid text."""
    try:
        name.encode("utf-8")
        return name
    except UnicodeEncodeError:
        return os.fsencode(name).decode("utf-8", errors="backslashreplace")


def _special(mode: int) -> str | None:
    """Why a directory entry that is neither a folder nor a regular file is not read."""
    if stat.S_ISFIFO(mode):
        return "special file (a named pipe): not read, it could block the scan"
    if stat.S_ISSOCK(mode):
        return "special file (a socket): not read"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "special file (a device): not read"
    return None


def _unsupported(path: Path | None, name: str) -> str:
    """Why a file of a type no reader knows is skipped, in words a user can act on."""
    lower = name.lower()
    if path is not None:
        try:
            with path.open("rb") as f:
                if f.read(16) == b"SQLite format 3\x00":
                    return "SQLite database: scan it on its own (pdscan scan FILE) to read it as a database"
        except OSError:
            pass
    if lower.endswith(COMPRESSED) and not os.path.splitext(lower[: -len(COMPRESSED)])[1]:
        return "gzip file without an inner extension: rename it to say what it holds (data.csv.gz)"
    ext = os.path.splitext(lower)[1] or "(none)"
    return f"unsupported file type '{ext}'"


def is_archive(name: str) -> bool:
    return _strip_gz(name.lower()).endswith(ARCHIVE)


class FileSource(Source):
    """One path given by the user: a single file (``kind`` "file") or a folder walked recursively ("directory")."""

    def __init__(
        self,
        spec: str,
        include: Sequence[str] = (),
        exclude: Sequence[str] = (),
        ocr: bool = False,
        limits: Limits | None = None,
        exclude_from: Sequence[Path] = (),
        patterns_base: Path | None = None,
    ) -> None:
        super().__init__(safe_name(spec))  # the name reports show: odd bytes escaped
        self.limits = limits or Limits()
        self.root = Path(spec)
        self.kind = "directory" if self.root.is_dir() else "file"
        self.include = tuple(include)
        self.exclude = tuple(exclude)
        self.select = Selector(self.root, include, exclude, exclude_from, patterns_base)
        self.ocr = ocr

    def tables(self) -> Iterator[Table | ScanErrorEntry]:
        if self.kind == "file":
            # A file named explicitly is scanned whatever the globs say (the user asked for it); for an archive,
            # --include still picks the members.
            included = self._included(self.root.name)
            yield from self._entry(self.name, self.root.name, _path_opener(self.root), self.root, True, included)
            return
        for path, error in self._walk(self.root, set()):
            rel = path.relative_to(self.root).as_posix()
            display = self.display_name(rel)
            if error is not None:
                yield ScanErrorEntry(self.name, error, Location(file=display))
            elif self._selected(rel, included=False):
                yield from self._entry(display, path.name, _path_opener(path), path, False, self._included(rel))
            else:
                self.skipped.append(SkippedFile(display, self._unselected(rel)))

    def files(self) -> Iterator[tuple[Path, str, str | None]]:
        """The files a scan of this source reads, in order: (path, path relative to the folder, error or None).

        Distributed engines plan one task per file from this list, then call :meth:`file_tables` on a worker.
        """
        if self.kind == "file":
            yield self.root, self.root.name, None
            return
        for path, error in self._walk(self.root, set()):
            rel = path.relative_to(self.root).as_posix()
            if error is not None or self._selected(rel, included=False):
                yield path, rel, error
            else:
                self.skipped.append(SkippedFile(self.display_name(rel), self._unselected(rel)))

    def display_name(self, rel: str) -> str:
        return safe_name(self.name if self.kind == "file" or rel == "." else os.path.join(self.name, rel))

    def file_tables(self, path: Path, rel: str) -> Iterator[Table | ScanErrorEntry]:
        """The tables of one file of this source, exactly as a whole scan of the source yields them."""
        if self.kind == "file":
            yield from self._entry(self.name, path.name, _path_opener(path), path, True, self._included(path.name))
        else:
            yield from self._entry(
                self.display_name(rel), path.name, _path_opener(path), path, False, self._included(rel)
            )

    def _included(self, rel: str) -> bool:
        return self.select.included(rel)

    def _unselected(self, rel: str) -> str:
        return self.select.excluded(rel) or "not matched by --include"

    def _selected(self, rel: str, included: bool) -> bool:
        """Whether the globs select a file, given its path relative to the folder (or inside its archive).

        ``included``: the archive holding the file matched ``--include`` itself, so all its members count.
        """
        if self.select.excluded(rel) is not None:
            return False
        return included or is_archive(rel) or self._included(rel)

    def _walk(self, directory: Path, seen: set[tuple[int, int]]) -> Iterator[tuple[Path, str | None]]:
        """Regular files under ``directory`` in sorted order, or (path, reason) for what cannot be listed."""
        try:
            st = directory.stat()
            if (st.st_dev, st.st_ino) in seen:
                # A symbolic link back up the tree: walking it again would never end.
                rel = directory.relative_to(self.root).as_posix()
                self.skipped.append(SkippedFile(self.display_name(rel), "symbolic link loop: already walked"))
                return
            seen.add((st.st_dev, st.st_ino))
            with os.scandir(directory) as listing:
                entries = sorted(listing, key=lambda e: e.name)
        except OSError as exc:
            yield directory, describe(exc)
            return
        for entry in entries:
            if entry.name.startswith("."):
                continue  # hidden files and folders (.git, .venv, editor swap files)
            path = Path(entry.path)
            try:
                is_dir = entry.is_dir()
                is_file = not is_dir and entry.is_file()
                special = None if is_dir or is_file else _special(entry.stat().st_mode)
            except OSError as exc:
                if isinstance(exc, FileNotFoundError) and entry.is_symlink():
                    special = "broken symbolic link" if exc.errno != 40 else "symbolic link loop"
                    self._skip(path, special)
                elif exc.errno == 40:  # ELOOP: a link that points at itself, directly or through others
                    self._skip(path, "symbolic link loop")
                else:
                    yield path, describe(exc)
                continue
            if is_dir:
                yield from self._walk(path, seen)
            elif is_file:
                yield path, None
            else:
                # Sockets, pipes and device files are not data files: opening a pipe would block the scan.
                self._skip(path, special or "not a regular file")

    def _skip(self, path: Path, reason: str) -> None:
        self.skipped.append(SkippedFile(self.display_name(path.relative_to(self.root).as_posix()), reason))

    def _entry(
        self,
        display: str,
        name: str,
        opener: Callable[[], BinaryIO],
        path: Path | None,
        explicit: bool,
        included: bool,
        size: int | None = None,
    ) -> Iterator[Table | ScanErrorEntry]:
        """Dispatch one file (on disk, inside an archive or gzip-compressed) to its reader.

        ``included``: the file matched ``--include`` (or there is none); an archive that did not passes on only
        the members that match.
        """
        lower = name.lower()
        where = Location(file=display)
        if not supported(name):
            reason = _unsupported(path, name)
            if explicit:
                yield ScanErrorEntry(self.name, reason, where)
            else:
                self.ignored_files += 1
                self.skipped.append(SkippedFile(display, reason))
            return
        try:
            if path is not None:
                st = path.stat()
                if not stat.S_ISREG(st.st_mode):
                    yield ScanErrorEntry(self.name, _special(st.st_mode) or "not a regular file", where)
                    return
                size = st.st_size
            # Read one byte now, so that an unreadable file, a broken gzip header or an empty file becomes an
            # error entry naming the file before any reader starts.
            with opener() as probe:
                empty = not probe.read(1)
        except IO_ERRORS as exc:
            yield ScanErrorEntry(self.name, describe(exc), where)
            return
        if empty:
            yield ScanErrorEntry(self.name, "empty file", where)
            return
        if lower.endswith(COMPRESSED):
            inner = name[: -len(COMPRESSED)]
            opener = _gzip_opener(opener, self.limits.archive_max_bytes)
            yield from self._entry(display, inner, opener, None, explicit, included)
            return
        if lower.endswith(ARCHIVE):
            yield from self._archive(display, opener, path, included)
            return
        ext = os.path.splitext(lower)[1]
        ref = FileRef(display, ext, opener, path=path, size=size, ocr=self.ocr, limits=self.limits)
        try:
            yield from BY_EXTENSION[ext].tables(ref, self.name)
        except SourceError as exc:
            yield ScanErrorEntry(self.name, exc.reason, where)
        except IO_ERRORS as exc:
            yield ScanErrorEntry(self.name, describe(exc), where)
        except LimitExceeded as exc:
            yield ScanErrorEntry(self.name, exc.reason, where)
        except RecursionError:
            yield ScanErrorEntry(self.name, "nested too deeply to read", where)
        except Exception as exc:  # noqa: BLE001 - one bad file never costs the scan: its reader's failure is one line
            yield ScanErrorEntry(self.name, f"could not be read ({type(exc).__name__})", where)

    def _archive(
        self, display: str, opener: Callable[[], BinaryIO], path: Path | None, included: bool
    ) -> Iterator[Table | ScanErrorEntry]:
        """Every member of a zip archive, named ``archive.zip!inner/path.csv``; nested archives recurse."""
        where = Location(file=display)
        with contextlib.ExitStack() as stack:
            try:
                if path is None:
                    # A zip inside a zip (or a .zip.gz) needs random access: spool it to a temporary file.
                    path = stack.enter_context(FileRef(display, ARCHIVE, opener).local_path())
                archive = stack.enter_context(zipfile.ZipFile(path))
                members = sorted(archive.infolist(), key=lambda i: i.filename)
            except IO_ERRORS as exc:
                yield ScanErrorEntry(self.name, describe(exc), where)
                return
            # A zip bomb of many members (or of members each under the ratio check) is refused whole, before any
            # member is read: the counts come from the central directory, nothing is decompressed.
            limits = self.limits
            if len(members) > limits.archive_max_members:
                what = f"archive of {len(members):,} members"
                reason = over_limit(what, "archive_max_members", limits.archive_max_members)
                yield ScanErrorEntry(self.name, reason, where)
                return
            expanded = sum(info.file_size for info in members)
            if expanded > limits.archive_max_bytes:
                what = f"archive expands to {expanded:,} bytes"
                reason = over_limit(what, "archive_max_bytes", limits.archive_max_bytes)
                yield ScanErrorEntry(self.name, reason, where)
                return
            for info in members:
                member = PurePosixPath(info.filename)
                if info.is_dir() or any(part.startswith(".") or part == "__MACOSX" for part in member.parts):
                    continue  # folders, hidden files and macOS resource forks carry no records
                if not self._selected(info.filename, included):
                    continue
                inner_name = f"{display}!{info.filename}"
                inner = Location(file=inner_name)
                if not supported(member.name):
                    self.ignored_files += 1
                    self.skipped.append(SkippedFile(inner_name, _unsupported(None, member.name)))
                elif info.flag_bits & 0x1:
                    yield ScanErrorEntry(self.name, "encrypted zip member (password-protected)", inner)
                elif zip_bomb(info) is not None:
                    yield ScanErrorEntry(self.name, str(zip_bomb(info)), inner)
                elif info.compress_type not in _ZIP_METHODS:
                    reason = f"unsupported zip compression method {info.compress_type}"
                    yield ScanErrorEntry(self.name, reason, inner)
                else:
                    opener = _member_opener(archive, info)
                    member_included = included or self._included(info.filename)
                    yield from self._entry(
                        inner_name, member.name, opener, None, False, member_included, size=info.file_size
                    )


def _path_opener(path: Path) -> Callable[[], BinaryIO]:
    return lambda: path.open("rb")


class _Capped(io.BufferedIOBase):
    """A decompressed stream that stops with LimitExceeded past ``limit`` bytes: a gzip bomb costs one file.

    It passes each call straight to the gzip stream (no read-ahead of its own), so a truncated gzip file still
    fails where its data ends, after the rows before it were read."""

    def __init__(self, inner: BinaryIO, limit: int) -> None:
        super().__init__()
        self._inner = inner
        self._limit = limit
        self._count = 0

    def _counted(self, data: bytes) -> bytes:
        self._count += len(data)
        if self._count > self._limit:
            raise LimitExceeded("gzip data expands past the limit", "archive_max_bytes", self._limit)
        return data

    def readable(self) -> bool:
        return True

    def read(self, size: int | None = -1) -> bytes:
        return self._counted(self._inner.read(-1 if size is None else size))

    def read1(self, size: int = -1) -> bytes:
        return self._counted(self._inner.read1(size))  # type: ignore[attr-defined]

    def readline(self, size: int | None = -1) -> bytes:
        return self._counted(self._inner.readline(-1 if size is None else size))

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        data = self.read(len(buffer))
        memoryview(buffer).cast("B")[: len(data)] = data
        return len(data)

    def close(self) -> None:
        self._inner.close()
        super().close()


def _gzip_opener(opener: Callable[[], BinaryIO], limit: int) -> Callable[[], BinaryIO]:
    def open_gzip() -> BinaryIO:
        return _Capped(_gzip_stream(opener), limit)  # type: ignore[return-value]

    return open_gzip


def _gzip_stream(opener: Callable[[], BinaryIO]) -> BinaryIO:
    raw = opener()
    stream = gzip.GzipFile(fileobj=raw, mode="rb")
    # GzipFile does not close a file object it was given: close both together.
    original_close = stream.close

    def close() -> None:
        original_close()
        raw.close()

    stream.close = close  # type: ignore[method-assign]
    return stream  # type: ignore[return-value]


class _MemberStream(io.RawIOBase):
    """A zip member whose LZMA errors surface as ``BadZipFile``: every reader already handles that one."""

    def __init__(self, member: IO[bytes]) -> None:
        super().__init__()
        self._member = member

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        try:
            data = self._member.read(len(buffer))
        except lzma.LZMAError as exc:
            raise zipfile.BadZipFile("corrupt compressed data") from exc
        buffer[: len(data)] = data
        return len(data)

    def close(self) -> None:
        self._member.close()
        super().close()


def _member_opener(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> Callable[[], BinaryIO]:
    return lambda: io.BufferedReader(_MemberStream(archive.open(info)), buffer_size=1 << 16)
