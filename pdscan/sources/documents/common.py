"""What every document reader shares: bounded reads, zip-bomb checks, and the one-line hint for a missing package."""

from __future__ import annotations

import io
import zipfile
from typing import BinaryIO

from pdscan import options as defaults
from pdscan.sources.base import FileRef, zip_bomb


class DocumentError(Exception):
    """A document cannot be read (encrypted, corrupt, too large, a package missing). ``reason``: one line, no data."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def needs(package: str, what: str, extra: str | None = None) -> DocumentError:
    """The hint for a reader whose package is not installed (an optional extra, or a broken installation)."""
    install = f"pip install '.[{extra}]' in the pdscan checkout" if extra else f"pip install {package}"
    return DocumentError(f"reading {what} needs {package}: {install}")


def read_bounded(ref: FileRef, limit: int = defaults.DOCUMENT_MAX_BYTES) -> bytes:
    """The whole file, or DocumentError when it is larger than ``limit`` (a document is parsed in memory)."""
    if ref.size is not None and ref.size > limit:
        raise DocumentError(f"larger than {limit >> 20} MB, not read")
    with ref.open() as stream:
        data = stream.read(limit + 1)
    if len(data) > limit:
        raise DocumentError(f"larger than {limit >> 20} MB, not read")
    return data


def check_zip(archive: zipfile.ZipFile, what: str) -> None:
    """Refuse a zip (a .docx, an .odt, an archive attached to a mail) whose members expand like a zip bomb."""
    total = 0
    for info in archive.infolist():
        total += info.file_size
        bomb = zip_bomb(info)
        if bomb is not None:
            raise DocumentError(f"{what} {bomb}")
    if total > 4 * defaults.DOCUMENT_MAX_BYTES:
        raise DocumentError(f"{what} expands to {total >> 20} MB, not read")


def open_zip(data: bytes, what: str) -> zipfile.ZipFile:
    """A zip-based document (docx, odt) from its bytes, checked for bombs; a broken one is a DocumentError."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as exc:
        raise DocumentError(f"corrupt {what} (not a valid zip package)") from exc
    check_zip(archive, what)
    return archive


def stream_of(data: bytes) -> BinaryIO:
    return io.BytesIO(data)
