"""Documents as sources: PDF, Word, OpenDocument, RTF, HTML, Markdown, logs and e-mail with attachments, each a table
whose columns are its parts, scanned by the same detector core; bad files are one error line each."""

from __future__ import annotations

import io
import zipfile
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import docx
import pytest
from fpdf import FPDF
from odf.opendocument import OpenDocumentText
from odf.text import P
from pypdf import PdfReader, PdfWriter

from pdscan.engines.options import ScanOptions
from pdscan.model import ScanResult
from pdscan.scan import scan
from pdscan.sources.documents import ocr

HETU = "131052-308T"
IBAN = "FI21 1234 5600 0007 85"


def _pdf(path: Path, pages: list[list[str]]) -> Path:
    pdf = FPDF()
    pdf.set_font("Helvetica", size=11)
    for lines in pages:
        pdf.add_page()
        for line in lines:
            pdf.cell(0, 8, line, new_x="LMARGIN", new_y="NEXT")
    pdf.output(str(path))
    return path


def _found(result: ScanResult) -> dict[tuple[str, str], set[str]]:
    out: dict[tuple[str, str], set[str]] = {}
    for f in result.findings:
        for part in f.parts or [f.location.column or ""]:  # a document's finding names the parts it was seen in
            out.setdefault((Path(f.location.file or "").name, part), set()).add(f.entity)
    return out


def _errors(result: ScanResult) -> dict[str, str]:
    return {Path(e.location.file).name if e.location and e.location.file else e.source: e.reason for e in result.errors}


def _scan(*paths: Path, **options: Any) -> ScanResult:
    return scan([str(p) for p in paths], ScanOptions(**options))


def test_pdf_pages_are_parts(tmp_path: Path) -> None:
    path = _pdf(
        tmp_path / "cv.pdf",
        [["Ansioluettelo", "Matti Virtanen", "matti.virtanen@example.fi", f"Henkilötunnus: {HETU}"], [f"Tili {IBAN}"]],
    )
    found = _found(_scan(path))
    assert {"EMAIL_ADDRESS", "FI_PERSONAL_IDENTITY_CODE", "PERSON"} <= found[("cv.pdf", "page 1")]
    assert found[("cv.pdf", "page 2")] == {"IBAN_CODE"}


def test_encrypted_pdf_and_scanned_pdf_are_one_error_each(tmp_path: Path) -> None:
    plain = _pdf(tmp_path / "plain.pdf", [[f"Henkilötunnus: {HETU}"]])
    writer = PdfWriter(clone_from=PdfReader(plain))
    writer.encrypt("salainen")
    with (tmp_path / "locked.pdf").open("wb") as fh:
        writer.write(fh)
    image_only = FPDF()
    image_only.add_page()  # a page with no text layer at all: what a scanner produces
    image_only.output(str(tmp_path / "scanned.pdf"))
    result = _scan(tmp_path)
    errors = _errors(result)
    assert errors["locked.pdf"] == "encrypted PDF (password-protected)"
    assert errors["scanned.pdf"] == "no text layer (OCR not enabled)"
    assert ("plain.pdf", "page 1") in _found(result)  # the scan went on


def test_docx_body_tables_and_headers(tmp_path: Path) -> None:
    document = docx.Document()
    document.add_paragraph("Työhakemus")
    document.add_paragraph("Hyvä vastaanottaja, haen paikkaa. Ystävällisin terveisin Liisa Laine")
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text, table.cell(0, 1).text = "Sähköposti", "liisa.laine@example.com"
    table.cell(1, 0).text, table.cell(1, 1).text = "Henkilötunnus", HETU
    document.sections[0].header.paragraphs[0].text = "Liisa Laine, puh. 050 765 4321"
    document.save(str(tmp_path / "hakemus.docx"))
    found = _found(_scan(tmp_path / "hakemus.docx"))
    assert "PERSON" in found[("hakemus.docx", "body")]
    assert {"EMAIL_ADDRESS", "FI_PERSONAL_IDENTITY_CODE"} <= found[("hakemus.docx", "tables")]
    assert "PHONE_NUMBER" in found[("hakemus.docx", "headers and footers")]


def test_odt_rtf_html_markdown_and_log(tmp_path: Path) -> None:
    odt = OpenDocumentText()
    odt.text.addElement(P(text=f"Hakija Anna Nieminen, henkilötunnus {HETU}"))
    odt.save(str(tmp_path / "muistio.odt"))
    (tmp_path / "kirje.rtf").write_bytes(rb"{\rtf1\ansi\ansicpg1252 Yhteyshenkil\'f6 anna.nieminen@example.fi\par}")
    (tmp_path / "sivu.html").write_text(
        "<html><head><title>Hakemus</title><script>var x='a@b.example';</script></head>"
        "<body><p>Soita 040 123 4567</p><p>Tili: " + IBAN + "</p></body></html>",
        encoding="utf-8",
    )
    (tmp_path / "notes.md").write_text("# Muistio\n\nTapasin Korhosen messuilla.\n", encoding="utf-8")
    (tmp_path / "app.log").write_text(
        "2025-01-02T10:00:00 INFO login user=anna.nieminen@example.fi\n2025-01-02T10:01:00 INFO ok\n",
        encoding="utf-8",
    )
    result = _scan(tmp_path)
    found = _found(result)
    assert "FI_PERSONAL_IDENTITY_CODE" in found[("muistio.odt", "body")]
    assert "EMAIL_ADDRESS" in found[("kirje.rtf", "body")]
    assert {"PHONE_NUMBER", "IBAN_CODE"} <= found[("sivu.html", "body")]
    assert "EMAIL_ADDRESS" not in found.get(("sivu.html", "body"), set())  # scripts are not text
    assert "PERSON" in found[("notes.md", "body")]
    assert "EMAIL_ADDRESS" in found[("app.log", "lines")]
    kinds = {Path(t.location.file or "").name: t.document for t in result.tables}
    assert kinds["muistio.odt"] == "odt" and kinds["sivu.html"] == "html" and kinds["app.log"] == "text"


def _mail(tmp_path: Path) -> Path:
    cv = _pdf(tmp_path / "cv_source.pdf", [["Anna Nieminen", f"Henkilötunnus: {HETU}"]])
    forwarded = EmailMessage()
    forwarded["From"] = "Pekka Korhonen <pekka.korhonen@example.fi>"
    forwarded["To"] = "rekry@example.com"
    forwarded["Subject"] = "Suositus"
    forwarded.set_content("Suosittelen hakijaa. Soita 040 765 4321.")
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive, archive.open("zeros.csv", "w") as member:
        for _ in range(60):
            member.write(bytes(1 << 20))
    inner_zip = io.BytesIO()
    with zipfile.ZipFile(inner_zip, "w") as archive:
        archive.writestr("liitteet/tili.md", f"Tilinumero {IBAN}\n")
    mail = EmailMessage()
    mail["From"] = "Anna Nieminen <anna.nieminen@example.fi>"
    mail["To"] = "rekry@example.com"
    mail["Subject"] = "Työhakemus"
    mail.set_content("Hei,\n\nliitteenä ansioluetteloni.\n\nTerveisin Anna Nieminen")
    mail.add_attachment(cv.read_bytes(), maintype="application", subtype="pdf", filename="cv.pdf")
    mail.add_attachment(forwarded)
    mail.add_attachment(inner_zip.getvalue(), maintype="application", subtype="zip", filename="liitteet.zip")
    mail.add_attachment(bomb.getvalue(), maintype="application", subtype="zip", filename="pommi.zip")
    mail.add_attachment(b"PK\x03\x04broken", maintype="application", subtype="octet-stream", filename="rikki.docx")
    cv.unlink()
    path = tmp_path / "hakemus.eml"
    path.write_bytes(bytes(mail))
    return path


def test_mail_headers_body_and_attachments(tmp_path: Path) -> None:
    result = _scan(_mail(tmp_path))
    found = _found(result)
    assert {"EMAIL_ADDRESS", "PERSON"} <= found[("hakemus.eml", "header From")]
    assert "PERSON" in found[("hakemus.eml", "body")]
    assert "FI_PERSONAL_IDENTITY_CODE" in found[("hakemus.eml!cv.pdf", "page 1")]
    forwarded = next(k for k in found if k[0].startswith("hakemus.eml!") and k[0].endswith(".eml") and k[1] == "body")
    assert "PHONE_NUMBER" in found[forwarded]
    assert "IBAN_CODE" in found[("tili.md", "body")]
    files = {f.location.file for f in result.findings}
    assert f"{tmp_path / 'hakemus.eml'}!liitteet.zip!liitteet/tili.md" in files
    errors = _errors(result)
    assert "possible zip bomb" in errors["hakemus.eml!pommi.zip"]
    assert errors["hakemus.eml!rikki.docx"] == "corrupt docx (not a valid zip package)"


def test_corrupt_and_unreadable_documents_do_not_stop_the_scan(tmp_path: Path) -> None:
    (tmp_path / "rikki.pdf").write_bytes(b"%PDF-1.4\n1 0 obj garbage")
    (tmp_path / "rikki.odt").write_bytes(b"not a zip")
    (tmp_path / "rikki.rtf").write_bytes(b"plain text, not rtf")
    (tmp_path / "rikki.eml").write_bytes(b"\xff\xfe\x00garbage")
    (tmp_path / "ok.md").write_text(f"Henkilötunnus {HETU}\n", encoding="utf-8")
    result = _scan(tmp_path)
    errors = _errors(result)
    assert errors["rikki.pdf"].startswith("corrupt PDF")
    assert errors["rikki.odt"] == "corrupt odt (not a valid zip package)"
    assert errors["rikki.rtf"] == "corrupt RTF (no {\\rtf header)"
    assert ("ok.md", "body") in _found(result)
    for reason in errors.values():
        assert "\n" not in reason and HETU not in reason


def test_doc_without_antiword_is_a_hint(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("shutil.which", lambda name: None)
    (tmp_path / "vanha.doc").write_bytes(b"\xd0\xcf\x11\xe0" + bytes(100))
    assert _errors(_scan(tmp_path))["vanha.doc"] == (
        "reading Word 97-2003 (.doc) needs antiword: apt-get install antiword"
    )


@pytest.mark.skipif(not ocr.available(), reason="tesseract is not installed (apt-get install tesseract-ocr)")
def test_ocr_reads_a_scanned_page(tmp_path: Path) -> None:
    from PIL import Image, ImageDraw, ImageFont

    image = Image.new("RGB", (1400, 200), "white")
    font = ImageFont.load_default(size=48)
    ImageDraw.Draw(image).text((20, 60), "matti.virtanen@example.fi", fill="black", font=font)
    png = tmp_path / "page.png"
    image.save(png)
    pdf = FPDF()
    pdf.add_page()
    pdf.image(str(png), x=10, y=10, w=190)
    pdf.output(str(tmp_path / "scanned.pdf"))
    png.unlink()
    assert _errors(_scan(tmp_path))["scanned.pdf"] == "no text layer (OCR not enabled)"
    found = _found(_scan(tmp_path, ocr=True))
    assert "EMAIL_ADDRESS" in found[("scanned.pdf", "page 1")]


def test_outlook_msg_files_from_another_project(tmp_path: Path) -> None:
    # msg-parser's test messages (BSD licence), fetched from its sdist: a bounce notice with an attached mail, and a
    # mail with an embedded Outlook message. Shapes this project did not write.
    from vectors import Unavailable, sdist

    try:
        files = sdist("msg-parser", "1.2.0") / "tests" / "files"
    except Unavailable as exc:
        pytest.skip(str(exc))
    for name in ("other.msg", "outer.msg"):
        (tmp_path / name).write_bytes((files / name).read_bytes())
    (tmp_path / "rikki.msg").write_bytes(b"\xd0\xcf\x11\xe0 not really an OLE file")
    result = _scan(tmp_path)
    found = _found(result)
    assert "EMAIL_ADDRESS" in found[("other.msg", "header From")]
    assert "EMAIL_ADDRESS" in found[("outer.msg", "header To")]
    kinds = {t.location.file: t.document for t in result.tables}
    assert any(f.endswith("other.msg!default_attachment.eml") for f in kinds)  # the attached mail, read too
    assert any("outer.msg!" in f for f in kinds)  # the embedded Outlook message
    assert _errors(result)["rikki.msg"].startswith("corrupt or unsupported .msg")


def test_a_zip_bomb_on_disk_is_one_error(tmp_path: Path) -> None:
    with zipfile.ZipFile(tmp_path / "pommi.zip", "w", zipfile.ZIP_DEFLATED) as archive:
        with archive.open("nollat.csv", "w") as member:
            for _ in range(60):
                member.write(bytes(1 << 20))
        archive.writestr("ok.md", f"Henkilötunnus {HETU}\n")
    result = _scan(tmp_path)
    assert "possible zip bomb" in _errors(result)["pommi.zip!nollat.csv"]
    assert ("pommi.zip!ok.md", "body") in _found(result)


def test_hostile_documents_are_one_error_each(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # Found by review: each of these once crashed the scan, printed document text, or read a file elsewhere.
    target = tmp_path / "elsewhere.md"
    target.write_text(f"Henkilötunnus {HETU}\n", encoding="utf-8")
    share = tmp_path / "share"
    share.mkdir()
    (share / "pointer.msg").write_bytes(str(target).encode())  # bytes that olefile would take for a path
    (share / "kaatuu.rtf").write_bytes(rb"{\rtf1 \u99999999? x}")  # chr() out of range in striprtf
    odt = OpenDocumentText()
    odt.text.addElement(P(text=f"Matti Virtanen {HETU}"))
    odt.save(str(tmp_path / "whole.odt"))
    with zipfile.ZipFile(tmp_path / "whole.odt") as src, zipfile.ZipFile(share / "rikki.odt", "w") as dst:
        for info in src.infolist():
            body = src.read(info)
            dst.writestr(info, body[:-20] if info.filename == "content.xml" else body)
    (share / "ok.md").write_text("Soita 040 123 4567\n", encoding="utf-8")
    result = _scan(share)
    out = capsys.readouterr()
    assert HETU not in out.out and HETU not in out.err  # odfpy's dump of a document it cannot parse is kept away
    errors = _errors(result)
    assert errors["pointer.msg"] == "corrupt or unsupported .msg (not an Outlook message file)"
    assert errors["kaatuu.rtf"] == "unreadable rtf (ValueError)"
    assert errors["rikki.odt"] == "corrupt odt (invalid XML)"
    assert ("ok.md", "body") in _found(result)
    assert not any(f.entity == "FI_PERSONAL_IDENTITY_CODE" for f in result.findings)  # elsewhere.md was not read


def test_mail_text_parts_names_and_encrypted_zip_members(tmp_path: Path) -> None:
    from email.mime.application import MIMEApplication
    from email.mime.multipart import MIMEMultipart
    from email.mime.text import MIMEText

    mail = MIMEMultipart("mixed")
    mail["From"] = "rekry@example.com"
    mail.attach(MIMEText("Liitteenä kuva.", "plain", "utf-8"))
    image = MIMEApplication(b"\x89PNG....", "png")
    image.add_header("Content-Disposition", "inline")
    mail.attach(image)
    mail.attach(MIMEText(f"Hakijan henkilötunnus {HETU}", "plain", "utf-8"))  # a second text part, no file name
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("salainen.md", "x")
    locked = bytearray(archive.getvalue())
    for offset in (6, locked.rfind(b"PK\x01\x02") + 8):  # the encryption flag, in the local and central headers
        locked[offset] |= 0x1
    attachment = MIMEApplication(bytes(locked), "zip")
    # RFC 2231 lets a file name carry a newline: it must not reach a report line.
    attachment.add_header("Content-Disposition", "attachment", filename=("utf-8", "", "liite\nerror: FAKE.zip"))
    mail.attach(attachment)
    (tmp_path / "viesti.eml").write_bytes(mail.as_bytes())
    result = _scan(tmp_path)
    assert "FI_PERSONAL_IDENTITY_CODE" in _found(result)[("viesti.eml", "body")]
    names = [e.location.file for e in result.errors if e.location and e.location.file]
    assert names and all("\n" not in name for name in names)
    assert [e.reason for e in result.errors] == ["encrypted zip member (password-protected)"]


def test_a_very_long_line_is_cut_into_passages_not_dropped(tmp_path: Path) -> None:
    line = " ".join(["sana"] * 6000) + f" anna.nieminen@example.fi {HETU}"
    (tmp_path / "pitka.md").write_text(line + "\n", encoding="utf-8")
    entities = {f.entity for f in _scan(tmp_path).findings}
    assert {"EMAIL_ADDRESS", "FI_PERSONAL_IDENTITY_CODE"} <= entities
