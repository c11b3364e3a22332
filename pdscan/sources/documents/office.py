"""Word processor files: ``.docx`` (python-docx), ``.odt`` (odfpy), ``.rtf`` (striprtf), ``.doc`` (antiword).

Parts: ``body`` (paragraphs in order), ``tables`` (one passage per table row, cells joined by " | "), and
``headers and footers``. A .docx or .odt is a zip package: it is checked for zip bombs before it is parsed.
"""

from __future__ import annotations

import contextlib
import io
import shutil
import subprocess
import zipfile
from collections.abc import Iterable, Iterator
from typing import Any

from pdscan.sources.base import FileRef
from pdscan.sources.documents.common import DocumentError, needs, open_zip, read_bounded, stream_of
from pdscan.sources.documents.passages import Passage, Reading, paragraphs

_ANTIWORD_TIMEOUT = 60.0


def docx_passages(ref: FileRef, reading: Reading) -> Iterator[Passage]:
    try:
        import docx
        from docx.opc.exceptions import PackageNotFoundError
    except ImportError as exc:
        raise needs("python-docx", "Word (.docx)") from exc
    data = read_bounded(ref)
    open_zip(data, "docx").close()
    try:
        document = docx.Document(stream_of(data))
    except (PackageNotFoundError, KeyError, ValueError, zipfile.BadZipFile) as exc:
        raise DocumentError("corrupt docx (not a Word document package)") from exc
    except SyntaxError as exc:  # lxml's XMLSyntaxError
        raise DocumentError("corrupt docx (invalid XML)") from exc
    yield from _texts("body", (p.text for p in document.paragraphs))
    for table in document.tables:
        yield from _rows(table.rows)
    for section in document.sections:
        for part in (section.header, section.footer, section.first_page_header, section.first_page_footer):
            if part.is_linked_to_previous:
                continue
            yield from _texts("headers and footers", (p.text for p in part.paragraphs))
            for table in part.tables:
                yield from _rows(table.rows, "headers and footers")


def _rows(rows: Iterable[Any], part: str = "tables") -> Iterator[Passage]:
    for row in rows:
        cells: list[str] = []
        for cell in row.cells:
            text = cell.text.strip()
            if text and (not cells or cells[-1] != text):  # merged cells repeat their text
                cells.append(text)
        if cells:
            yield Passage(part, " | ".join(cells))


def _texts(part: str, texts: Iterable[str]) -> Iterator[Passage]:
    for text in texts:
        yield from paragraphs(part, text)


def odt_passages(ref: FileRef, reading: Reading) -> Iterator[Passage]:
    try:
        from odf import teletype
        from odf.opendocument import load
        from odf.table import Table, TableRow
        from odf.text import H, P
    except ImportError as exc:
        raise needs("odfpy", "OpenDocument text (.odt)") from exc
    data = read_bounded(ref)
    with open_zip(data, "odt") as package:
        _check_xml(package, "content.xml", "odt")
    try:
        # odfpy prints a document it cannot parse to stdout: that would put its text in the report. It is checked
        # above; stdout is kept away from odfpy besides.
        with contextlib.redirect_stdout(io.StringIO()):
            document = load(stream_of(data))
    except (KeyError, ValueError, zipfile.BadZipFile) as exc:
        raise DocumentError("corrupt odt (not an OpenDocument package)") from exc
    except SyntaxError as exc:  # xml.sax's SAXParseException
        raise DocumentError("corrupt odt (invalid XML)") from exc
    if not hasattr(document, "text"):  # a spreadsheet or a drawing renamed .odt
        raise DocumentError("not an OpenDocument text (a spreadsheet or drawing named .odt?)")
    in_tables: set[int] = set()
    for table in document.getElementsByType(Table):
        for row in table.getElementsByType(TableRow):
            cells = [teletype.extractText(cell).strip() for cell in row.childNodes]
            for paragraph in row.getElementsByType(P):
                in_tables.add(id(paragraph))
            cells = [c for c in cells if c]
            if cells:
                yield Passage("tables", " | ".join(cells))
    for element in document.text.getElementsByType(P) + document.text.getElementsByType(H):
        if id(element) not in in_tables:
            yield from paragraphs("body", teletype.extractText(element))


def _check_xml(package: zipfile.ZipFile, member: str, what: str) -> None:
    """The package's main XML parses (defusedxml: no entity expansion), or a one-line DocumentError."""
    from defusedxml import ElementTree
    from defusedxml.common import DefusedXmlException

    try:
        ElementTree.fromstring(package.read(member))
    except KeyError as exc:
        raise DocumentError(f"corrupt {what} (no {member})") from exc
    except (ElementTree.ParseError, DefusedXmlException) as exc:
        raise DocumentError(f"corrupt {what} (invalid XML)") from exc


def rtf_passages(ref: FileRef, reading: Reading) -> Iterator[Passage]:
    try:
        from striprtf.striprtf import rtf_to_text
    except ImportError as exc:
        raise needs("striprtf", "RTF") from exc
    raw = read_bounded(ref)
    if not raw.lstrip().startswith(b"{\\rtf"):
        raise DocumentError("corrupt RTF (no {\\rtf header)")
    # RTF is 7-bit: non-ASCII arrives as \'xx escapes in the document's code page (cp1252 for Finnish text).
    text: str = rtf_to_text(raw.decode("latin-1"), encoding="cp1252", errors="replace")  # type: ignore[no-untyped-call]
    yield from paragraphs("body", text)


def doc_passages(ref: FileRef, reading: Reading) -> Iterator[Passage]:
    """Word 97-2003 (.doc) through antiword, Debian's well-kept reader of the format, where installed."""
    antiword = shutil.which("antiword")
    if antiword is None:
        raise DocumentError("reading Word 97-2003 (.doc) needs antiword: apt-get install antiword")
    with ref.local_path() as path:
        try:
            done = subprocess.run(
                [antiword, "-m", "UTF-8.txt", str(path)], capture_output=True, timeout=_ANTIWORD_TIMEOUT, check=False
            )
        except subprocess.TimeoutExpired as exc:
            raise DocumentError(f"antiword took longer than {_ANTIWORD_TIMEOUT:.0f} s") from exc
    if done.returncode != 0:
        raise DocumentError("corrupt or unsupported .doc (antiword could not read it)")
    yield from paragraphs("body", done.stdout.decode("utf-8", errors="replace"))
