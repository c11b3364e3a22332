"""A document as a table: its parts (a page, the e-mail header ``From``, the body) are the columns, the passages of
text in each part (paragraphs, lines) are the values.

So the detector core runs on documents unchanged, and a finding names the file and the part: ``cv.pdf :: page 3``.
Passages are streamed into batches of at most ``chunk_rows`` passages, so a thousand-page PDF is read in pieces;
the text of one document is capped (:data:`~pdscan.options.DOCUMENT_MAX_CHARS`) and the rest noted as not read.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import pyarrow as pa

from pdscan import options as defaults
from pdscan.errors import SourceError
from pdscan.model import Batch, Column, Location
from pdscan.sources.base import IO_ERRORS, FileRef, ReadOptions, Table
from pdscan.sources.documents.common import DocumentError


@dataclass(frozen=True)
class Passage:
    part: str  # "page 3", "body", "header From", "table 2"
    text: str


@dataclass
class Reading:
    """What an extractor may use and tell while it reads: whether to OCR scanned pages, notes for the report."""

    ocr: bool = False
    notes: list[str] = field(default_factory=list)


# An extractor yields the passages of one document in reading order. It raises DocumentError (a one-line reason:
# encrypted, corrupt, needs an optional package) or the I/O errors every reader may raise.
Extractor = Callable[[FileRef, Reading], Iterator[Passage]]

_PARAGRAPH_BREAK = re.compile(r"\n[ \t\r\f\v]*\n")
_SPACES = re.compile(r"[ \t\r\f\v\u00a0]+")
# A passage longer than this is cut at line ends: detection works on whole values, and a 2 MB "paragraph" (a log
# without blank lines) would be one value for every rule.
_MAX_PASSAGE = 4000


# A block whose lines are all this short is a list, not prose (a CV's contact lines, an address, a signature): each
# line is a passage of its own, so "Matti Virtanen" alone on its line is a name-shaped value.
_LIST_LINE = 60


def paragraphs(part: str, text: str) -> Iterator[Passage]:
    """The paragraphs of a text (blank-line separated), white space tidied, long ones cut at line ends; the lines
    of a block of short lines one by one."""
    for block in _PARAGRAPH_BREAK.split(text):
        lines = [_SPACES.sub(" ", line).strip() for line in block.splitlines()]
        lines = [line for line in lines if line]
        if not lines:
            continue
        if len(lines) > 1 and max(len(line) for line in lines) <= _LIST_LINE:
            yield from (Passage(part, line) for line in lines)
            continue
        passage = "\n".join(lines)
        if len(passage) <= _MAX_PASSAGE:
            yield Passage(part, passage)
            continue
        piece: list[str] = []
        size = 0
        for line in lines:
            if piece and size + len(line) > _MAX_PASSAGE:
                yield Passage(part, "\n".join(piece))
                piece, size = [], 0
            if len(line) > _MAX_PASSAGE:  # one very long line: cut into pieces, nothing dropped
                if piece:
                    yield Passage(part, "\n".join(piece))
                    piece, size = [], 0
                yield from (Passage(part, cut) for cut in _cut(line))
                continue
            piece.append(line)
            size += len(line) + 1
        if piece:
            yield Passage(part, "\n".join(piece))


def line_passages(part: str, text: str) -> Iterator[Passage]:
    """Each line of a text a passage of its own (a log, a <pre> block: each line is its own record), white space
    tidied; a very long line cut into pieces, nothing dropped."""
    for raw in text.splitlines():
        line = _SPACES.sub(" ", raw).strip()
        if len(line) > _MAX_PASSAGE:
            yield from (Passage(part, cut) for cut in _cut(line))
        elif line:
            yield Passage(part, line)


# Where a very long line is cut, best first: at a space, else after a separator that no identifier, address or
# number contains (a minified CSV or JSON line has no spaces: a hard cut would split "83.145.|203.17" in two).
_SEPARATORS = (" ", ",", ";", "|", ">", ")", "]", "}", '"', "'")
# A piece cut where no separator is near ends this many characters into the next piece, so a token across the cut
# is whole in one of them.
_OVERLAP = 100


def _cut(line: str) -> Iterator[str]:
    """A line longer than :data:`_MAX_PASSAGE` in pieces, each cut at a separator where there is one."""
    while len(line) > _MAX_PASSAGE:
        at = max(line.rfind(separator, 0, _MAX_PASSAGE) for separator in _SEPARATORS)
        if at > _MAX_PASSAGE // 2:
            yield line[: at + 1].rstrip()
            line = line[at + 1 :].lstrip()
        else:
            yield line[:_MAX_PASSAGE]
            line = line[_MAX_PASSAGE - _OVERLAP :]
    if line:
        yield line


class DocumentTable(Table):
    """One document (or one attachment of a mail): parts as columns, passages as values."""

    def __init__(self, ref: FileRef, source: str, extract: Extractor, kind: str) -> None:
        super().__init__(source, Location(file=ref.name))
        self.ref = ref
        self.extract = extract
        self.info.document = kind

    def read(self, options: ReadOptions) -> Iterator[Batch]:
        self.info.sampling = "all text" if options.limit is None else f"first {options.limit} passages"
        reading = Reading(ocr=self.ref.ocr, notes=self.info.notes)
        try:
            yield from self._stream(self.extract(self.ref, reading), options)
        except DocumentError as exc:
            raise SourceError(self.source, exc.reason, self.ref.name) from exc
        except SourceError:
            raise
        except IO_ERRORS:
            raise  # Table.batches makes these one line, as for every reader
        except Exception as exc:  # hostile files make parsers raise anything: one line, and the scan goes on
            # (chr() out of range in RTF, NotImplementedError for a PDF filter, IndexError in a mail header)
            reason = f"unreadable {self.info.document} ({type(exc).__name__})"
            raise SourceError(self.source, reason, self.ref.name) from exc

    def _stream(self, passages: Iterator[Passage], options: ReadOptions) -> Iterator[Batch]:
        parts: dict[str, list[str]] = {}
        held = 0
        chars = 0
        seen_parts: list[str] = []
        for passage in passages:
            if passage.part not in parts:
                parts[passage.part] = []
                if passage.part not in seen_parts:
                    seen_parts.append(passage.part)
            parts[passage.part].append(passage.text)
            held += 1
            chars += len(passage.text)
            limited = options.limit is not None and self.info.rows_scanned + held >= options.limit
            if chars > defaults.DOCUMENT_MAX_CHARS:
                self.info.truncated = True
                self.info.notes.append(f"text cut after {defaults.DOCUMENT_MAX_CHARS:,} characters")
            if held >= options.chunk_rows or limited or self.info.truncated:
                yield self._batch(parts, held)
                parts, held = {}, 0
                if limited or self.info.truncated:
                    self.info.truncated = True
                    break
        if held:
            yield self._batch(parts, held)
        if not self.info.truncated:
            self.info.sampling = "all text"
        self.info.columns = len(seen_parts)
        self.info.schema = [{"name": part, "type": "text"} for part in seen_parts]

    def _batch(self, parts: dict[str, list[str]], held: int) -> Batch:
        self.info.rows_scanned += held
        longest = max(len(values) for values in parts.values())
        columns = [
            Column(part, pa.array(values + [None] * (longest - len(values)), pa.string()), prose=True)
            for part, values in parts.items()
        ]
        return Batch(columns, longest)
