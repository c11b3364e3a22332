"""Plain-text documents (``.md``, ``.log``) and HTML (``.html``, ``.htm``), decoded the way CSV files are.

HTML is turned into text with the standard library's parser: block elements end a passage, scripts and styles are
dropped, the title is a part of its own. A log is one passage per line (each line is its own event).
"""

from __future__ import annotations

from collections.abc import Iterator
from html.parser import HTMLParser

from pdscan.sources.base import FileRef
from pdscan.sources.documents.common import read_bounded
from pdscan.sources.documents.passages import Passage, Reading, line_passages, paragraphs
from pdscan.sources.textio import SNIFF_BYTES, detect_encoding

_BLOCKS = frozenset(
    [
        "address",
        "article",
        "aside",
        "blockquote",
        "br",
        "dd",
        "div",
        "dl",
        "dt",
        "figcaption",
        "footer",
        "form",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "header",
        "hr",
        "li",
        "main",
        "nav",
        "ol",
        "p",
        "pre",
        "section",
        "table",
        "tr",
        "ul",
    ]
)
_CELLS = frozenset(("td", "th"))
# A form's label element: its value follows on the same line ("Date of birth: 26.06.1987"), where the detector
# reads the label as evidence, as it reads a table row's cells together.
_LABELS = frozenset(("dt", "figcaption", "label"))
_SKIPPED = frozenset(("script", "style", "noscript", "template", "svg"))


def decode(data: bytes, reading: Reading | None = None) -> str:
    """The text of a file in the encoding its start shows; bytes that do not decode are replaced (and noted)."""
    encoding = detect_encoding(data[:SNIFF_BYTES])
    try:
        return data.decode(encoding)
    except UnicodeDecodeError:
        text = data.decode(encoding, errors="replace")
        if reading is not None:
            reading.notes.append(f"bytes that could not be decoded as {encoding} were replaced (U+FFFD)")
        return text


def text_passages(ref: FileRef, reading: Reading) -> Iterator[Passage]:
    text = decode(read_bounded(ref), reading)
    if ref.ext == ".log":
        yield from line_passages("lines", text)
        return
    yield from paragraphs("body", text)


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.body: list[str] = []
        self.title: list[str] = []
        self._skip = 0
        self._in_title = False
        self._pre = 0
        self._after_label = False  # a label element just closed: its value's block stays on the label's line

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _CELLS:
            self.body.append("\t")  # a row's cells stay one passage: "Syntymäaika: 7.9.1978"
        elif tag in _SKIPPED:
            self._skip += 1
        elif tag == "title":
            self._in_title = True
        elif tag in _BLOCKS:
            self._pre += tag == "pre"
            if not self._after_label:
                self.body.append("\n\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIPPED:
            self._skip = max(0, self._skip - 1)
        elif tag == "title":
            self._in_title = False
        elif tag in _LABELS:
            self.body.append(": ")
            self._after_label = True
        elif tag in _BLOCKS:
            self._pre = max(0, self._pre - (tag == "pre"))
            self.body.append("\n\n")

    def handle_data(self, data: str) -> None:
        if self._skip:
            return
        if data.strip() and self._after_label:
            data = data.lstrip()  # the value on the label's line, whatever white space the markup put between
            self._after_label = False
        if self._pre and not self._in_title:
            # A <pre> block is a log, a terminal session, a config dump: each line is a record and a passage of its
            # own (a blank line after each), not 4000 characters of lines judged as one value.
            data = data.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "\n\n")
        (self.title if self._in_title else self.body).append(data)


def html_to_text(html: str) -> tuple[str, str]:
    """(title, body text) of an HTML document."""
    parser = _Text()
    parser.feed(html)
    parser.close()
    return "".join(parser.title).strip(), "".join(parser.body)


def html_passages(ref: FileRef, reading: Reading) -> Iterator[Passage]:
    title, body = html_to_text(decode(read_bounded(ref), reading))
    if title:
        yield Passage("title", title)
    yield from paragraphs("body", body)
