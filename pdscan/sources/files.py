"""Files and folders: walk, filter, open (``.gz`` and ``.zip`` included) and hand each file to its format reader.

A folder is walked recursively in sorted order (stable reports); hidden files and folders are skipped. Files of
types no reader knows are counted as ignored inside a folder and reported as errors when named explicitly.
"""

from __future__ import annotations

import contextlib
import fnmatch
import gzip
import os
import zipfile
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path, PurePosixPath
from typing import BinaryIO

from pdscan.errors import SourceError
from pdscan.model import Location, ScanErrorEntry
from pdscan.sources import csv_reader, excel, json_reader, parquet
from pdscan.sources.base import IO_ERRORS, FileRef, Source, Table, describe

Reader = Callable[[FileRef, str], Iterator[Table]]

# The one registry of file formats: extension -> reader.
READERS: dict[str, Reader] = {
    **dict.fromkeys((".csv", ".tsv", ".txt", ".tab"), csv_reader.tables),
    **dict.fromkeys((".xlsx", ".xlsm", ".xls", ".xlsb", ".ods"), excel.tables),
    **dict.fromkeys((".json", ".jsonl", ".ndjson"), json_reader.tables),
    **dict.fromkeys((".parquet", ".pq"), parquet.tables),
}
ARCHIVE = ".zip"
COMPRESSED = ".gz"


def supported(name: str) -> bool:
    lower = name.lower()
    if lower.endswith(COMPRESSED):
        lower = lower[: -len(COMPRESSED)]
    return lower.endswith(ARCHIVE) or os.path.splitext(lower)[1] in READERS


class FileSource(Source):
    def __init__(self, spec: str, include: Sequence[str] = (), exclude: Sequence[str] = ()) -> None:
        super().__init__(spec)
        self.root = Path(spec)
        self.kind = "directory" if self.root.is_dir() else "file"
        self.include = tuple(include)
        self.exclude = tuple(exclude)

    def tables(self) -> Iterator[Table | ScanErrorEntry]:
        if self.kind == "file":
            yield from self._entry(self.name, self.root.name, _path_opener(self.root), self.root, explicit=True)
            return
        for path, error in self._walk(self.root):
            display = os.path.join(self.name, str(PurePosixPath(*path.relative_to(self.root).parts)))
            if error is not None:
                yield ScanErrorEntry(self.name, error, Location(file=display))
                continue
            if not self._selected(path.relative_to(self.root)):
                continue
            if not supported(path.name):
                self.ignored_files += 1
                continue
            yield from self._entry(display, path.name, _path_opener(path), path, explicit=False)

    def _selected(self, rel: Path) -> bool:
        posix = rel.as_posix()

        def hit(patterns: tuple[str, ...]) -> bool:
            return any(fnmatch.fnmatch(posix, p) or fnmatch.fnmatch(rel.name, p) for p in patterns)

        return (not self.include or hit(self.include)) and not hit(self.exclude)

    def _walk(self, directory: Path) -> Iterator[tuple[Path, str | None]]:
        try:
            entries = sorted(os.scandir(directory), key=lambda e: e.name)
        except OSError as exc:
            yield directory, describe(exc)
            return
        for entry in entries:
            if entry.name.startswith("."):
                continue  # hidden files and folders (.git, .venv, editor swap files)
            path = Path(entry.path)
            try:
                is_dir = entry.is_dir()
            except OSError as exc:
                yield path, describe(exc)
                continue
            if is_dir:
                yield from self._walk(path)
            elif entry.is_file():
                yield path, None

    def _entry(
        self,
        display: str,
        name: str,
        opener: Callable[[], BinaryIO],
        path: Path | None,
        explicit: bool,
        size: int | None = None,
    ) -> Iterator[Table | ScanErrorEntry]:
        """Dispatch one file (on disk or inside an archive) to its reader."""
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
                size = path.stat().st_size
                with opener():
                    pass  # fail early, with a clear reason, on a file we may not read
        except IO_ERRORS as exc:
            yield ScanErrorEntry(self.name, describe(exc), where)
            return
        if size == 0:
            yield ScanErrorEntry(self.name, "empty file", where)
            return
        if lower.endswith(COMPRESSED):
            inner = name[: -len(COMPRESSED)]
            yield from self._entry(display, inner, _gzip_opener(opener), None, explicit, size=None)
            return
        if lower.endswith(ARCHIVE):
            yield from self._archive(display, opener, path)
            return
        ref = FileRef(display, os.path.splitext(lower)[1], opener, path=path, size=size)
        reader = READERS[ref.ext]
        try:
            yield from reader(ref, self.name)
        except SourceError as exc:
            yield ScanErrorEntry(self.name, exc.reason, where)
        except IO_ERRORS as exc:
            yield ScanErrorEntry(self.name, describe(exc), where)

    def _archive(
        self, display: str, opener: Callable[[], BinaryIO], path: Path | None
    ) -> Iterator[Table | ScanErrorEntry]:
        where = Location(file=display)
        with contextlib.ExitStack() as stack:
            try:
                if path is None:
                    # A zip inside a zip (or a .zip.gz) needs random access: spool it to a temporary file.
                    ref = FileRef(display, ARCHIVE, opener)
                    path = stack.enter_context(ref.local_path())
                archive = stack.enter_context(zipfile.ZipFile(path))
                members = sorted(archive.infolist(), key=lambda i: i.filename)
            except IO_ERRORS as exc:
                yield ScanErrorEntry(self.name, describe(exc), where)
                return
            for info in members:
                if info.is_dir():
                    continue
                member = PurePosixPath(info.filename)
                if any(part.startswith(".") or part == "__MACOSX" for part in member.parts):
                    continue
                inner = f"{display}!{info.filename}"
                if not supported(member.name) or not self._selected(Path(info.filename)):
                    self.ignored_files += 1
                    continue
                if info.flag_bits & 0x1:
                    yield ScanErrorEntry(self.name, "encrypted zip member (password-protected)", Location(file=inner))
                    continue
                yield from self._entry(
                    inner, member.name, _member_opener(archive, info), None, explicit=False, size=info.file_size
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


def _member_opener(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> Callable[[], BinaryIO]:
    return lambda: archive.open(info)  # type: ignore[return-value]
