"""Files behind fsspec URLs (``s3://``, ``gs://``, ``abfs://``, ``memory://``...): folders and files of object
stores, read through the same reader dispatch as local files. The matching fsspec package (s3fs, gcsfs, adlfs)
must be installed; fsspec itself comes with the dask extra. ``file://`` URLs stay local paths."""

from __future__ import annotations

import posixpath
from collections.abc import Iterator
from pathlib import Path
from typing import Any, BinaryIO
from urllib.parse import urlsplit, urlunsplit

from pdscan.errors import UNPARSABLE_URL, SourceError
from pdscan.model import Location, ScanErrorEntry
from pdscan.sources.base import IO_ERRORS, Table, describe
from pdscan.sources.files import FileSource

# URL schemes that name object stores and remote file systems, never databases.
PROTOCOLS = frozenset(
    [
        "s3",
        "s3a",
        "gs",
        "gcs",
        "abfs",
        "abfss",
        "az",
        "adl",
        "memory",
        "hdfs",
        "webhdfs",
        "sftp",
        "ftp",
        "oci",
        "oss",
        "dbfs",
        "smb",
        "webdav",
        "hf",
    ]
)


def mask_remote(spec: str) -> str:
    """The URL without the secret of its user part: ``s3://KEY:***@bucket/x``."""
    try:
        parts = urlsplit(spec)
        if parts.password is None:
            return spec
        user = parts.username or ""
        host = parts.hostname or ""
        netloc = f"{user}:***@{host}" + (f":{parts.port}" if parts.port else "")
    except ValueError:  # a port that is not a number or out of range: the text may hold the secret anywhere
        return UNPARSABLE_URL
    return urlunsplit(parts._replace(netloc=netloc))


class RemoteFileSource(FileSource):
    """A folder or file behind an fsspec URL. Names in reports keep the URL: ``s3://bucket/exports/a.csv``."""

    def __init__(self, spec: str, include: tuple[str, ...] = (), exclude: tuple[str, ...] = ()) -> None:
        name = mask_remote(spec)
        self.spec = spec  # to open it again (a Dask worker does): may hold a secret, never shown
        try:
            import fsspec
        except ImportError as exc:
            raise SourceError(
                name, "fsspec URLs need fsspec: pip install '.[dask]' in the pdscan checkout (and s3fs, gcsfs...)"
            ) from exc
        try:
            self.fs: Any
            self.fs, self.base = fsspec.core.url_to_fs(spec)
        except (ImportError, ValueError) as exc:
            raise SourceError(name, f"no fsspec file system for this URL ({type(exc).__name__})") from exc
        except OSError as exc:
            raise SourceError(name, describe(exc)) from exc
        try:
            is_dir = self.fs.isdir(self.base)
            if not is_dir and not self.fs.exists(self.base):
                raise SourceError(name, "no such file or directory")
        except IO_ERRORS as exc:
            raise SourceError(name, describe(exc)) from exc
        super().__init__(name, include, exclude)
        self.kind = "directory" if is_dir else "file"

    def files(self) -> Iterator[tuple[Path, str, str | None]]:
        if self.kind == "file":
            yield Path(self.base), posixpath.basename(self.base), None
            return
        try:
            found = sorted(self.fs.find(self.base))
        except IO_ERRORS as exc:
            yield Path(self.base), ".", describe(exc)
            return
        root = self.base.rstrip("/")
        for path in found:
            rel = posixpath.relpath(path, root)
            if any(part.startswith(".") for part in rel.split("/")):
                continue
            if self._selected(rel, included=False):
                yield Path(path), rel, None

    def display_name(self, rel: str) -> str:
        return self.name if self.kind == "file" or rel == "." else f"{self.name.rstrip('/')}/{rel}"

    def tables(self) -> Iterator[Table | ScanErrorEntry]:
        for path, rel, error in self.files():
            if error is not None:
                yield ScanErrorEntry(self.name, error, Location(file=self.display_name(rel)))
            else:
                yield from self.file_tables(path, rel)

    def file_tables(self, path: Path, rel: str) -> Iterator[Table | ScanErrorEntry]:
        name = posixpath.basename(str(path))
        explicit = self.kind == "file"
        included = self._included(name if explicit else rel)
        yield from self._entry(self.display_name(rel), name, self._opener(str(path)), None, explicit, included)

    def _opener(self, path: str) -> Any:
        def open_remote() -> BinaryIO:
            return self.fs.open(path, "rb")  # type: ignore[no-any-return]

        return open_remote
