"""Readers that lose evidence: what each reader hands the detector (the passages of a part, the fields of a row),
checked at the source, so that a value lost in reading is seen as lost whatever the detector makes of it.

Every input is built here, in tmp_path.
"""

from __future__ import annotations

import io
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import docx
import pytest
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.part import Part
from docx.oxml import parse_xml
from fpdf import FPDF
from odf.opendocument import OpenDocumentText
from odf.table import Table as OdfTable
from odf.table import TableCell, TableColumn, TableRow
from odf.text import LineBreak, P, S, Span, Tab

from pdscan.engines.options import ScanOptions
from pdscan.model import ScanErrorEntry
from pdscan.scan import scan
from pdscan.sources import open_source
from pdscan.sources.base import ReadOptions, Table
from pdscan.sources.documents import office
from pdscan.sources.textio import SNIFF_BYTES

ALL = ReadOptions(limit=None, chunk_rows=1000)
IP = "83.145.203.17"


def _read(path: Path) -> tuple[dict[str, dict[str, list[str]]], dict[str, list[str]]]:
    """Per table (file name): each column's non-null values in order, and the table's notes."""
    values: dict[str, dict[str, list[str]]] = {}
    notes: dict[str, list[str]] = {}
    for item in open_source(str(path)).tables():
        if isinstance(item, ScanErrorEntry):
            continue
        assert isinstance(item, Table)
        name = Path(item.location.file or "").name
        parts = values.setdefault(name, {})
        for batch in item.batches(ALL):
            for column in batch.columns:
                parts.setdefault(column.name, []).extend(v for v in column.values.to_pylist() if v is not None)
        notes[name] = item.info.notes
    return values, notes


# --- 1. ODT ---------------------------------------------------------------------------------------------------


def test_odt_table_cells_and_paragraphs_keep_their_separators(tmp_path: Path) -> None:
    document = OpenDocumentText()
    table = OdfTable(name="Yhteystiedot")
    table.addElement(TableColumn(numbercolumnsrepeated=2))
    row = TableRow()
    for texts in (["Matti Virtanen"], ["040 123 4567", "matti@example.fi"]):
        cell = TableCell()
        for text in texts:
            cell.addElement(P(text=text))
        row.addElement(cell)
    table.addElement(row)
    document.text.addElement(table)
    paragraph = P()
    paragraph.addElement(Span(text="Nimi:"))
    paragraph.addElement(S(c=3))
    paragraph.addText("Liisa Laine")
    paragraph.addElement(LineBreak())
    paragraph.addText("Puhelin")
    paragraph.addElement(Tab())
    paragraph.addText("050 765 4321")
    document.text.addElement(paragraph)
    hostile = P()
    hostile.addText("a")
    hostile.addElement(S(c=999999999))  # a space count from the file is capped, not allocated
    hostile.addText("b")
    document.text.addElement(hostile)
    document.save(str(tmp_path / "cv.odt"))
    parts = _read(tmp_path / "cv.odt")[0]["cv.odt"]
    # Cells joined by " | " as in Word files; a cell's paragraphs stay lines of their own.
    assert parts["tables"] == ["Matti Virtanen | 040 123 4567\nmatti@example.fi"]
    assert parts["body"] == ["Nimi: Liisa Laine", "Puhelin 050 765 4321", "a b"]


# --- 2. CSV ---------------------------------------------------------------------------------------------------


def test_csv_rows_with_extra_fields_keep_them_in_extra_columns(tmp_path: Path) -> None:
    path = tmp_path / "vienti.csv"
    rows = [f"Asiakas {i};a{i}@example.fi" for i in range(3000)]
    rows[10] = 'Matti;m@example.fi;040 123 4567;"Oulu;\nKatu 1"'  # a quoted field with a delimiter and a line break
    rows[2500] = "Liisa;l@example.fi;050 765 4321"
    path.write_text("nimi;email\n" + "\n".join(rows) + "\n", encoding="utf-8")
    values, notes = _read(path)
    cols = values["vienti.csv"]
    assert len(cols["nimi"]) == 3000  # no row dropped
    assert sorted(cols["column_3"]) == ["040 123 4567", "050 765 4321"]
    assert cols["column_4"] == ["Oulu;\nKatu 1"]
    assert "2 rows with more fields than the header: extra fields in column_3 to column_4" in notes["vienti.csv"]


def test_csv_extra_column_names_do_not_clash_with_the_header(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_text("column_3,b\n1,2\n3,4,5\n", encoding="utf-8")
    table = next(t for t in open_source(str(path)).tables() if isinstance(t, Table))
    names = [c.name for batch in table.batches(ALL) for c in batch.columns]
    assert names == ["column_3", "b", "column_3.1"]
    assert table.info.columns == 3


# --- 3. EML ---------------------------------------------------------------------------------------------------


def test_eml_received_headers_and_display_names_are_separate_passages(tmp_path: Path) -> None:
    (tmp_path / "viesti.eml").write_bytes(
        (
            f"Received: from mail.kotisivu.fi (mail.kotisivu.fi [{IP}])\n"
            "\tby mx.example.com with ESMTPS id 4Zx; Tue, 7 Jan 2025 10:00:00 +0200\n"
            "Received: from [10.1.2.3] by mail.kotisivu.fi; Tue, 7 Jan 2025 09:59:58 +0200\n"
            "From: Ava Oneil <ava@example.com>\n"
            'To: "Virtanen, Matti" <matti@example.fi>, liisa@example.fi\n'
            "Cc: =?utf-8?q?Pekka_Korhonen?= <pekka@example.fi>\n"
            "Reply-To: Ava Oneil <ava.private@example.net>\n"
            "Sender: undisclosed-recipients:;\n"
            "X-Originating-IP: [10.1.2.3]\n"
            "Subject: Hei\n\nHei\n"
        ).encode()
    )
    parts = _read(tmp_path / "viesti.eml")[0]["viesti.eml"]
    assert parts["header Received"] == [
        f"from mail.kotisivu.fi (mail.kotisivu.fi [{IP}]) by mx.example.com with ESMTPS id 4Zx;"
        " Tue, 7 Jan 2025 10:00:00 +0200",
        "from [10.1.2.3] by mail.kotisivu.fi; Tue, 7 Jan 2025 09:59:58 +0200",
    ]
    assert parts["header X-Originating-IP"] == ["[10.1.2.3]"]
    assert parts["header From"] == ["Ava Oneil", "ava@example.com"]
    assert parts["header To"] == ["Virtanen, Matti", "matti@example.fi", "liisa@example.fi"]
    assert parts["header Cc"] == ["Pekka Korhonen", "pekka@example.fi"]  # an encoded name, decoded
    assert parts["header Reply-To"] == ["Ava Oneil", "ava.private@example.net"]
    assert parts["header Sender"] == ["undisclosed-recipients:;"]  # what is no address is kept as written


# --- 4. HTML --------------------------------------------------------------------------------------------------


def test_html_pre_lines_are_passages_and_a_long_line_is_not_cut_through_a_value(tmp_path: Path) -> None:
    log = [f"2025-01-02 10:{i % 60:02d}:00 worker-{i} processed job {i} in {i * 3} ms status=ok" for i in range(300)]
    log[150] = f"2025-01-02 10:30:00 accepted connection from {IP} port 51234"
    fields = [f"kenttä{i:05d}" for i in range(700)]
    at = next(i for i in range(700) if len(",".join(fields[: i + 1])) > 3990)
    fields[at] = IP  # straddles character 4000, where a long line without spaces was cut
    html = "<html><body><p>Palvelimen loki</p><pre>" + "\n".join([*log, ",".join(fields)]) + "</pre></body></html>"
    (tmp_path / "loki.html").write_text(html, encoding="utf-8")
    body = _read(tmp_path / "loki.html")[0]["loki.html"]["body"]
    assert body[:2] == ["Palvelimen loki", log[0]]
    assert body[1:301] == log  # every line of the <pre> a passage of its own
    assert any(IP in passage.split(",") for passage in body[301:])
    assert "".join(body[301:]).replace(",", "") == "".join(fields)  # the long line: cut, nothing dropped


# --- 5. DOCX --------------------------------------------------------------------------------------------------

_BOX = """<w:r xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"
  xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006"
  xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
  xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"
  xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape"
  xmlns:v="urn:schemas-microsoft-com:vml">
 <mc:AlternateContent>
  <mc:Choice Requires="wps"><w:drawing><wp:anchor><a:graphic><a:graphicData
    uri="http://schemas.microsoft.com/office/word/2010/wordprocessingShape"><wps:wsp><wps:txbx><w:txbxContent>
     <w:p><w:r><w:t>Matti Virtanen</w:t></w:r></w:p>
     <w:p><w:r><w:t>matti.virtanen@example.fi</w:t></w:r></w:p>
   </w:txbxContent></wps:txbx></wps:wsp></a:graphicData></a:graphic></wp:anchor></w:drawing></mc:Choice>
  <mc:Fallback><w:pict><v:shape><v:textbox><w:txbxContent>
     <w:p><w:r><w:t>Matti Virtanen</w:t></w:r></w:p>
     <w:p><w:r><w:t>matti.virtanen@example.fi</w:t></w:r></w:p>
  </w:txbxContent></v:textbox></v:shape></w:pict></mc:Fallback>
 </mc:AlternateContent>
</w:r>"""

_VML_BOX = """<w:r xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"
  xmlns:v="urn:schemas-microsoft-com:vml"><w:pict><v:shape><v:textbox><w:txbxContent>
  <w:p><w:r><w:t>Puhelin 040 123 4567</w:t></w:r></w:p>
</w:txbxContent></v:textbox></v:shape></w:pict></w:r>"""


def test_docx_text_boxes_are_read_once(tmp_path: Path) -> None:
    document = docx.Document()
    document.add_paragraph("Ansioluettelo")
    document.paragraphs[0]._p.append(parse_xml(_BOX))
    document.add_paragraph("Kokemus")._p.append(parse_xml(_VML_BOX))  # an older file's box: VML only
    document.save(str(tmp_path / "cv.docx"))
    parts = _read(tmp_path / "cv.docx")[0]["cv.docx"]
    assert parts["body"] == ["Ansioluettelo", "Kokemus"]
    # The DrawingML box once (its VML fallback copy is not read again), then the VML-only box.
    assert parts["text boxes"] == ["Matti Virtanen", "matti.virtanen@example.fi", "Puhelin 040 123 4567"]


def test_docx_read_without_its_styles_gives_python_docx_passages(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The reader skips parsing the styles part (nine tenths of a letter's reading time): every part's passages
    must be those of ``docx.Document``, which parses it, on a document with each kind of part."""
    document = docx.Document()
    document.add_heading("Hakemus", level=1)  # a paragraph whose style lives in the styles part
    document.add_paragraph("Ansioluettelo", style="List Bullet")._p.append(parse_xml(_BOX))
    table = document.add_table(rows=2, cols=2, style="Table Grid")
    table.cell(0, 0).text, table.cell(1, 1).text = "Matti Virtanen", "131052-308T"
    document.sections[0].header.paragraphs[0].text = "Puhelin 040 123 4567"
    document.sections[0].footer.add_paragraph("Oulu")
    document.save(str(tmp_path / "hakemus.docx"))
    styles = office._word_document((tmp_path / "hakemus.docx").read_bytes()).part.part_related_by(RT.STYLES)
    assert type(styles) is Part  # kept as bytes, not parsed
    fast = _read(tmp_path / "hakemus.docx")
    monkeypatch.setattr(office, "_word_document", lambda data: docx.Document(io.BytesIO(data)))
    assert fast == _read(tmp_path / "hakemus.docx")
    assert set(fast[0]["hakemus.docx"]) == {"body", "tables", "text boxes", "headers and footers"}


# --- 6. PDF ---------------------------------------------------------------------------------------------------

_SIDEBAR = ["Yhteystiedot", "Matti Virtanen", "matti.virtanen@example.fi", "040 123 4567", "Oulu"]
_MAIN = [
    "Olen ohjelmistokehittaja, jolla on kymmenen",
    "vuoden kokemus taustajarjestelmista ja",
    "tietokannoista. Olen tyoskennellyt seka",
    "suurissa etta pienissa yrityksissa ja",
    "johtanut pienta kehitystiimia Oulussa.",
]


def _two_columns(path: Path, left: list[str], right: list[str], title: str | None = None) -> Path:
    """A page whose two columns are written line by line across the page, as many PDF producers write them."""
    pdf = FPDF()
    pdf.set_font("Helvetica", size=11)
    pdf.add_page()
    top = 20
    if title:
        pdf.set_xy(10, top)
        pdf.cell(190, 8, title)
        top += 12
    for i, (first, second) in enumerate(zip(left, right, strict=True)):
        pdf.set_xy(10, top + i * 8)
        pdf.cell(70, 8, first)
        pdf.set_xy(90, top + i * 8)
        pdf.cell(110, 8, second)
    pdf.output(str(path))
    return path


def test_pdf_two_columns_are_read_column_by_column(tmp_path: Path) -> None:
    title = "Ansioluettelo - Matti Virtanen - paivitetty tammikuussa 2025, kaikki tiedot tarkistettu"
    path = _two_columns(tmp_path / "cv.pdf", _SIDEBAR, _MAIN, title)
    page = _read(path)[0]["cv.pdf"]["page 1"]
    assert page[0] == title  # a line across both columns stays whole, in its place
    assert page[1 : 1 + len(_SIDEBAR)] == _SIDEBAR  # the sidebar's lines together, each a passage of its own
    assert page[1 + len(_SIDEBAR) :] == _MAIN  # then the main column's lines, together and in order


def test_pdf_form_rows_stay_whole(tmp_path: Path) -> None:
    # A label and its value are one passage: the label is the value's context ("Syntymäaika: 7.9.1978").
    labels = ["Nimi:", "Syntymaaika:", "Puhelin:", "Sahkoposti:"]
    answers = ["Matti Virtanen", "7.9.1978", "040 123 4567", "matti.virtanen@example.fi"]
    page = _read(_two_columns(tmp_path / "lomake.pdf", labels, answers))[0]["lomake.pdf"]["page 1"]
    assert page == [f"{label} {answer}" for label, answer in zip(labels, answers, strict=True)]
    from pdscan.sources.documents.pdf import columns

    short = ["Nimi", "Syntymaaika", "Puhelin", "Kotikunta"]
    table = columns(
        "\n".join(f"{a:<20}{b}" for a, b in zip(short, ["Matti", "7.9.1978", "040 1", "Oulu"], strict=True))
    )
    assert table.splitlines()[1].split() == ["Syntymaaika", "7.9.1978"]  # a table of short cells: row by row


# --- 7. What could not be read is noted ---------------------------------------------------------------------


def test_unreadable_pages_parts_and_bytes_are_noted(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from pdscan.sources.documents import pdf

    path = _two_columns(tmp_path / "kolme.pdf", ["a"] * 3, ["b"] * 3)
    real = pdf.page_text
    calls = iter(range(100))

    def broken_second_page(page: Any) -> str:
        if next(calls) == 1:
            raise KeyError("/Contents")
        return real(page)

    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    for _ in range(3):
        writer.add_page(PdfReader(path).pages[0])
    with path.open("wb") as fh:
        writer.write(fh)
    monkeypatch.setattr(pdf, "page_text", broken_second_page)

    mail = EmailMessage()
    mail["From"] = "a@example.fi"
    mail.set_content("Hei")
    mail.add_attachment("x", subtype="plain", filename="liite.txt")
    raw = bytes(mail).replace(b"text/plain; charset", b"text/plain; charset=x-tuntematon; old")
    (tmp_path / "viesti.eml").write_bytes(raw)
    # The encoding is judged from the file's start: a cp1252 byte after it does not decode as UTF-8.
    start = "".join(f"<p>Rivi {i}: Mäkinen</p>\n" for i in range(SNIFF_BYTES // 10)).encode()
    (tmp_path / "sivu.html").write_bytes(start + b"<p>M\xe4kinen</p>")
    notes = {}
    for name in ("kolme.pdf", "viesti.eml", "sivu.html"):
        notes.update(_read(tmp_path / name)[1])
    assert "text of 1 pages could not be extracted (pages 2)" in notes["kolme.pdf"]
    assert "1 text parts could not be decoded as declared: read as UTF-8, bytes replaced" in notes["viesti.eml"]
    assert "bytes that could not be decoded as utf-8 were replaced (U+FFFD)" in notes["sivu.html"]


def test_csv_with_bare_cr_line_ends_is_read(tmp_path: Path) -> None:
    # Old Mac and some Excel exports end lines with CR alone: the sniffer must not stop on them.
    (tmp_path / "vanha.csv").write_bytes(b"nimi,kunta\rMatti Virtanen,Helsinki\rAnna Korhonen,Espoo\r")
    result = scan([str(tmp_path / "vanha.csv")], ScanOptions())
    assert result.errors == []
    assert result.tables[0].rows_scanned == 2
