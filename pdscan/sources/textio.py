"""Encodings of Finnish text files.

Detection follows what Finnish exports actually are: a BOM decides (UTF-8 with BOM from Excel's "CSV UTF-8",
UTF-16 from Excel's "Unicode text"); otherwise strict UTF-8; otherwise cp1252 (Excel's "CSV (semicolon)" on
Finnish Windows); otherwise latin-1, which decodes any byte. Statistical detectors such as charset-normalizer are
not used: they misread short Finnish cp1252 texts.

Only the first megabyte decides, so a file that is ASCII for a megabyte and cp1252 later is read through
:class:`Utf8Stream`, which switches to cp1252 at the first invalid byte and notes where.
"""

from __future__ import annotations

import codecs
import io
from typing import BinaryIO

SNIFF_BYTES = 1 << 20
# Bytes that cp1252 leaves undefined: their presence means latin-1 (or garbage), not cp1252.
_CP1252_UNDEFINED = frozenset(b"\x81\x8d\x8f\x90\x9d")


def detect_encoding(head: bytes, complete: bool = False) -> str:
    """The encoding of a file from its first bytes; ``complete`` says the sample is the whole file."""
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    try:
        # final=False: a multi-byte character cut at the end of the sample is not an error.
        codecs.getincrementaldecoder("utf-8")("strict").decode(head, final=complete)
        return "utf-8"
    except UnicodeDecodeError:
        pass
    if not _CP1252_UNDEFINED.intersection(head):
        return "cp1252"
    return "latin-1"


class Utf8Stream(io.RawIOBase):
    """Binary stream of UTF-8 bytes from a source in ``encoding``.

    UTF-8 input passes through unchanged while it is valid; at the first invalid byte the rest is decoded as cp1252
    (and ``fallback_at`` says where). Other encodings are transcoded. Arrow's CSV reader then sees UTF-8 only.
    """

    def __init__(self, raw: BinaryIO, encoding: str, chunk: int = 1 << 20) -> None:
        super().__init__()
        self._raw = raw
        self._chunk = chunk
        self._passthrough = encoding in ("utf-8", "utf-8-sig")
        self._decoder = codecs.getincrementaldecoder("cp1252" if self._passthrough else encoding)("strict")
        self._carry = b""  # an incomplete UTF-8 sequence at the end of the previous chunk
        self._buffer = b""
        self._offset = 0  # bytes of the source consumed
        self._eof = False
        self._skip_bom = encoding == "utf-8-sig"
        self.fallback_at: int | None = None

    def readable(self) -> bool:
        return True

    def readinto(self, target: bytearray | memoryview) -> int:  # type: ignore[override]
        # Fill the whole target unless the source ends: Arrow's streaming CSV reader makes one block of every read,
        # so short reads (one source chunk each) would cut a 50,000-row batch into 1 MB pieces and multiply the
        # detector's per-batch cost by ten.
        view = memoryview(target).cast("B")
        filled = 0
        while filled < len(view):
            if not self._buffer:
                if self._eof:
                    break
                self._fill()
                continue
            n = min(len(view) - filled, len(self._buffer))
            view[filled : filled + n] = self._buffer[:n]
            self._buffer = self._buffer[n:]
            filled += n
        return filled

    def _fill(self) -> None:
        data = self._raw.read(self._chunk)
        if not data:
            self._eof = True
        start = self._offset
        self._offset += len(data)
        if self._skip_bom:
            if data.startswith(codecs.BOM_UTF8):
                data = data[len(codecs.BOM_UTF8) :]
            self._skip_bom = False
        if not self._passthrough:
            self._buffer += self._decoder.decode(data, final=self._eof).encode("utf-8")
            return
        data = self._carry + data
        start -= len(self._carry)
        try:
            text, used = codecs.utf_8_decode(data, "strict", self._eof)
        except UnicodeDecodeError as exc:
            self.fallback_at = start + exc.start
            self._passthrough = False
            self._buffer += data[: exc.start] + self._decoder.decode(data[exc.start :], final=self._eof).encode()
            self._carry = b""
            return
        del text
        self._buffer += data[:used]
        self._carry = data[used:]

    def close(self) -> None:
        self._raw.close()
        super().close()
