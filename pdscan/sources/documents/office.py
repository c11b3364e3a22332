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
        from docx.opc.exceptions import PackageNotFoundError
    except ImportError as exc:
        raise needs("python-docx", "Word (.docx)") from exc
    data = read_bounded(ref)
    open_zip(data, "docx").close()
    try:
        document = _word_document(data)
    except (PackageNotFoundError, KeyError, ValueError, zipfile.BadZipFile) as exc:
        raise DocumentError("corrupt docx (not a Word document package)") from exc
    except SyntaxError as exc:  # lxml's XMLSyntaxError
        raise DocumentError("corrupt docx (invalid XML)") from exc
    yield from _texts("body", (p.text for p in document.paragraphs))
    yield from _texts("body", _content_controls(document.element.body, document))
    for table in document.tables:
        yield from _rows(table.rows)
    yield from _texts("text boxes", _text_boxes(document.element.body, document))
    unread = 0
    for section in document.sections:
        for part in (section.header, section.footer, section.first_page_header, section.first_page_footer):
            try:
                if part.is_linked_to_previous:
                    continue
                passages = list(_texts("headers and footers", (p.text for p in part.paragraphs)))
                for table in part.tables:
                    passages += _rows(table.rows, "headers and footers")
                passages += _texts("headers and footers", _text_boxes(part._element, part))
            except (KeyError, ValueError, AttributeError):  # a header relationship pointing at a missing part
                unread += 1
                continue
            yield from passages
    if unread:
        reading.notes.append(f"{unread} headers or footers could not be read")


def _word_document(data: bytes) -> Any:
    """``docx.Document(data)`` without parsing the package's styles, which no passage reads.

    python-docx parses every XML part it has a class for when it opens a package. The styles part of Word's and
    python-docx's own templates holds every built-in style (350 KB in a python-docx letter, often more beside
    ``stylesWithEffects``): parsing it took nine tenths of reading a one-page letter. It is kept as bytes (python-docx's
    plain ``Part``, as for any part it has no class for); the rest is unmarshalled by python-docx's own factory, and
    the content type is checked as ``docx.Document`` checks it. tests/sources/test_readers_evidence.py compares the
    passages with those of ``docx.Document``.
    """
    from docx.opc.constants import CONTENT_TYPE
    from docx.opc.package import Unmarshaller
    from docx.opc.part import Part, PartFactory
    from docx.opc.pkgreader import PackageReader
    from docx.package import Package

    def part(partname: Any, content_type: str, reltype: str, blob: bytes, package: Any) -> Any:
        if content_type == CONTENT_TYPE.WML_STYLES:
            return Part.load(partname, content_type, blob, package)
        return PartFactory(partname, content_type, reltype, blob, package)

    package = Package()
    reader = PackageReader.from_file(stream_of(data))  # type: ignore[no-untyped-call]  # docx.opc is untyped
    Unmarshaller.unmarshal(reader, package, part)  # type: ignore[no-untyped-call]
    main = package.main_document_part
    if main.content_type != CONTENT_TYPE.WML_DOCUMENT_MAIN:
        raise ValueError(f"not a Word document: content type {main.content_type}")
    return main.document


_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"


def _text_boxes(root: Any, parent: Any) -> Iterator[str]:
    """The paragraphs of the text boxes under ``root`` (python-docx reads neither: a CV's name is often in one).

    A box is written twice, as a DrawingML shape in ``mc:Choice`` and as a VML one in ``mc:Fallback`` for older
    readers: the fallback copy is read only when the choice holds no box. A box inside a box is read with its outer
    box, once.
    """
    from docx.text.paragraph import Paragraph

    for box in root.iter(f"{_W}txbxContent"):
        ancestors = list(box.iterancestors())
        if any(a.tag == f"{_W}txbxContent" for a in ancestors):
            continue
        fallback = next((a for a in ancestors if a.tag == f"{_MC}Fallback"), None)
        if fallback is not None:
            alternate = fallback.getparent()
            if alternate is not None and alternate.find(f"{_MC}Choice//{_W}txbxContent") is not None:
                continue
        for paragraph in box.iter(f"{_W}p"):
            yield Paragraph(paragraph, parent).text


def _content_controls(body: Any, parent: Any) -> Iterator[str]:
    """The paragraphs inside the body's content controls (``w:sdt``: the fields of a CV or form template, where the
    name and phone usually sit), which python-docx's ``paragraphs`` skips; text boxes are read on their own."""
    from docx.text.paragraph import Paragraph

    for control in body.iterchildren(f"{_W}sdt"):
        for paragraph in control.iter(f"{_W}p"):
            if any(a.tag == f"{_W}txbxContent" for a in paragraph.iterancestors()):
                continue
            yield Paragraph(paragraph, parent).text


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
        from odf.opendocument import load
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
    yield from _odt_blocks(document.text)


_TEXT_NS = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
_TABLE_NS = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
_PARAGRAPHS = frozenset({(_TEXT_NS, "p"), (_TEXT_NS, "h")})
_MAX_SPACES = 100  # text:s c="..." comes from the file: a huge count would be a memory bomb


def _odt_blocks(element: Any) -> Iterator[Passage]:
    """The paragraphs and headings of an OpenDocument body in document order, and each table row as one passage."""
    for child in element.childNodes:
        if child.nodeType != child.ELEMENT_NODE:
            continue
        if child.qname == (_TABLE_NS, "table"):
            for row in _odt_rows(child):
                cells = [_tidy(_odt_text(cell)) for cell in row.childNodes if cell.nodeType == cell.ELEMENT_NODE]
                cells = [c for c in cells if c]
                if cells:
                    yield Passage("tables", " | ".join(cells))
        elif child.qname in _PARAGRAPHS:
            yield from paragraphs("body", _odt_text(child))
        else:  # lists, sections, frames: their paragraphs are body text too
            yield from _odt_blocks(child)


def _tidy(text: str) -> str:
    """A cell's lines with their white space tidied, blank ones dropped (a cell's paragraphs stay lines, as in Word)."""
    return "\n".join(line for line in (" ".join(raw.split()) for raw in text.splitlines()) if line)


def _odt_rows(table: Any) -> Iterator[Any]:
    """The rows of a table, also those in header-row and row groups (not those of tables nested in its cells)."""
    for child in table.childNodes:
        if child.nodeType != child.ELEMENT_NODE:
            continue
        if child.qname == (_TABLE_NS, "table-row"):
            yield child
        elif child.qname[0] == _TABLE_NS and child.qname[1] != "table-cell":
            yield from _odt_rows(child)


def _odt_text(element: Any) -> str:
    """The text of an element as a reader sees it: <text:s> spaces, <text:tab> tabs, <text:line-break> and the end of
    each paragraph new lines (odfpy's teletype runs a cell's paragraphs together: "Matti Virtanen040 123 4567")."""
    out: list[str] = []

    def walk(node: Any) -> None:
        for child in node.childNodes:
            if child.nodeType == child.TEXT_NODE:
                out.append(child.data)
                continue
            if child.nodeType != child.ELEMENT_NODE:
                continue
            if child.qname == (_TEXT_NS, "s"):
                count = str(child.getAttrNS(_TEXT_NS, "c") or "1")
                out.append(" " * min(int(count) if count.isdigit() else 1, _MAX_SPACES))
            elif child.qname == (_TEXT_NS, "tab"):
                out.append("\t")
            elif child.qname == (_TEXT_NS, "line-break"):
                out.append("\n")
            elif child.qname in _PARAGRAPHS or child.qname == (_TABLE_NS, "table-row"):
                walk(child)
                out.append("\n")
            elif child.qname == (_TABLE_NS, "table-cell"):
                walk(child)
                out.append(" | ")
            else:
                walk(child)

    walk(element)
    return "".join(out)


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
