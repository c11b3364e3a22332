"""Files and folders: walk, filter, open (``.gz`` and ``.zip`` included) and hand each file to its format reader.

A folder is walked recursively in sorted order (stable reports); hidden files and folders are skipped. Files of
types no reader knows are counted as ignored inside a folder and reported as errors when named explicitly.

``--include``/``--exclude`` globs match a file's path relative to the folder given and its base name, with and
without a ``.gz`` suffix (``*.csv`` selects ``old.csv.gz``). Zip archives are containers: ``--include`` picks
their members rather than the archive itself (``*.csv`` finds the CSV files inside ``export.zip``), while
``--exclude`` can skip a whole archive.
"""

from __future__ import annotations

import contextlib
import fnmatch
import gzip
import io
import lzma
import os
import posixpath
import stat
import zipfile
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path, PurePosixPath
from typing import IO, BinaryIO

from pdscan.errors import SourceError
from pdscan.model import Location, ScanErrorEntry
from pdscan.sources.base import IO_ERRORS, FileRef, Source, Table, describe, zip_bomb
from pdscan.sources.formats import BY_EXTENSION

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


def is_archive(name: str) -> bool:
    return _strip_gz(name.lower()).endswith(ARCHIVE)


class FileSource(Source):
    """One path given by the user: a single file (``kind`` "file") or a folder walked recursively ("directory")."""

    def __init__(self, spec: str, include: Sequence[str] = (), exclude: Sequence[str] = (), ocr: bool = False) -> None:
        super().__init__(spec)
        self.root = Path(spec)
        self.kind = "directory" if self.root.is_dir() else "file"
        self.include = tuple(include)
        self.exclude = tuple(exclude)
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
            display = self.name if rel == "." else os.path.join(self.name, rel)
            if error is not None:
                yield ScanErrorEntry(self.name, error, Location(file=display))
            elif self._selected(rel, included=False):
                yield from self._entry(display, path.name, _path_opener(path), path, False, self._included(rel))

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

    def display_name(self, rel: str) -> str:
        return self.name if self.kind == "file" or rel == "." else os.path.join(self.name, rel)

    def file_tables(self, path: Path, rel: str) -> Iterator[Table | ScanErrorEntry]:
        """The tables of one file of this source, exactly as a whole scan of the source yields them."""
        if self.kind == "file":
            yield from self._entry(self.name, path.name, _path_opener(path), path, True, self._included(path.name))
        else:
            yield from self._entry(
                self.display_name(rel), path.name, _path_opener(path), path, False, self._included(rel)
            )

    def _hit(self, rel: str, patterns: tuple[str, ...]) -> bool:
        base = posixpath.basename(rel)
        names = {rel, base, _strip_gz(rel), _strip_gz(base)}
        return any(fnmatch.fnmatch(name, pattern) for name in names for pattern in patterns)

    def _included(self, rel: str) -> bool:
        return not self.include or self._hit(rel, self.include)

    def _selected(self, rel: str, included: bool) -> bool:
        """Whether the globs select a file, given its path relative to the folder (or inside its archive).

        ``included``: the archive holding the file matched ``--include`` itself, so all its members count.
        """
        if self._hit(rel, self.exclude):
            return False
        return included or is_archive(rel) or self._included(rel)

    def _walk(self, directory: Path, seen: set[tuple[int, int]]) -> Iterator[tuple[Path, str | None]]:
        """Regular files under ``directory`` in sorted order, or (path, reason) for what cannot be listed."""
        try:
            st = directory.stat()
            if (st.st_dev, st.st_ino) in seen:
                return  # a symbolic link back up the tree: walking it again would never end
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
            except OSError as exc:
                yield path, describe(exc)
                continue
            if is_dir:
                yield from self._walk(path, seen)
            elif is_file:
                yield path, None
            # Sockets, pipes and device files are not data files: opening a pipe would block the scan.

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
            if explicit:
                ext = os.path.splitext(lower)[1] or "(none)"
                yield ScanErrorEntry(self.name, f"unsupported file type '{ext}'", where)
            else:
                self.ignored_files += 1
            return
        try:
            if path is not None:
                st = path.stat()
                if not stat.S_ISREG(st.st_mode):
                    yield ScanErrorEntry(self.name, "not a regular file", where)
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
            yield from self._entry(display, inner, _gzip_opener(opener), None, explicit, included)
            return
        if lower.endswith(ARCHIVE):
            yield from self._archive(display, opener, path, included)
            return
        ext = os.path.splitext(lower)[1]
        ref = FileRef(display, ext, opener, path=path, size=size, ocr=self.ocr)
        try:
            yield from BY_EXTENSION[ext].tables(ref, self.name)
        except SourceError as exc:
            yield ScanErrorEntry(self.name, exc.reason, where)
        except IO_ERRORS as exc:
            yield ScanErrorEntry(self.name, describe(exc), where)

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


def _gzip_opener(opener: Callable[[], BinaryIO]) -> Callable[[], BinaryIO]:
    def open_gzip() -> BinaryIO:
        raw = opener()
        stream = gzip.GzipFile(fileobj=raw, mode="rb")
        # GzipFile does not close a file object it was given: close both together.
        original_close = stream.close

        def close() -> None:
            original_close()
            raw.close()

        stream.close = close  # type: ignore[method-assign]
        return stream  # type: ignore[return-value]

    return open_gzip


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
