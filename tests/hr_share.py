"""A synthetic HR file share for the document readers' tests and benchmark: CVs, applications, mails, notes, decoys.

Everything is generated from a fixed seed (Faker ``fi_FI``/``en_GB`` plus :mod:`random`), so the same seed gives the
same text; nothing here is real personal data. Only example.fi / example.com mail domains are used.

The manifest says, for each document (a file, a mail attachment ``mail/x.eml!cv.pdf`` or a zip member
``archive/a.zip!2021/x.docx``), which subject it is about and which presidio-style entities a reader of its text can
find. Conventions the tests can rely on:

* An entity is listed exactly when the subject's value is in the text: ``verify`` checks both directions, and also
  that no document holds a value of a subject it does not list.
* LOCATION means a street address ("Koulukatu 12 A 5, 33100 Tampere"); bare city names (everywhere, decoys too) are
  not planted entities. FI_BUSINESS_ID (a Y-tunnus) is listed where planted, but it is not about a person.
* A subject's manifest fields hold only what is planted somewhere: ``hetu``, ``birth_date`` and ``iban`` are null
  for the subjects whose documents never show one. ``birth_date`` is ISO; the documents write it as 12.3.1985 or
  1985-03-12 next to a label.
* Mails list only what their headers and bodies hold; each attachment is its own document, a forwarded mail inside
  a mail too (``mail/x.eml!alkuperainen.eml`` and ``mail/x.eml!alkuperainen.eml!CV.pdf``). A zip is a container, not
  a document: only its members are listed.
* PDF entries have ``pages``: entity -> the 1-based pages whose text holds it (blocks never straddle a page break).
* DOCX CVs carry the phone number only in the page header; HTML applications spell non-ASCII letters as character
  references (``&#228;``) so that a reader must unescape them.
* Besides the asked-for keys an entry has ``subjects`` (all the people it holds values of: the log and the candidate
  summary have several, and ``subject`` null), ``lang`` and ``decoy``.
* Decoys have ``subject`` null, no subjects and ``"decoy": true``; broken files are in ``bad`` only, and the scanned
  PDF's text (what an OCR would read) is described in ``scanned``. The encrypted PDF (password "secret") is the only
  file whose bytes differ between runs: pypdf draws its file ID at random.

Run ``python tests/hr_share.py OUT_DIR [--seed N] [--people N] [--verify]``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import html
import io
import json
import random
import re
import sys
import textwrap
import time
import zipfile
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from email.utils import format_datetime
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import docx
import pypdf
from docx.opc.exceptions import PackageNotFoundError
from faker import Faker
from fpdf import FPDF
from odf import teletype
from odf import text as odftext
from odf.opendocument import OpenDocumentText, load
from odf.style import ParagraphProperties, Style
from PIL import Image, ImageDraw, ImageFont

PERSON = "PERSON"
EMAIL = "EMAIL_ADDRESS"
PHONE = "PHONE_NUMBER"
HETU = "FI_PERSONAL_IDENTITY_CODE"
IBAN = "IBAN_CODE"
DOB = "DATE_OF_BIRTH"
LOCATION = "LOCATION"
BUSINESS_ID = "FI_BUSINESS_ID"

HETU_CHECK = "0123456789ABCDEFHJKLMNPRSTUVWXY"
YTUNNUS_WEIGHTS = (7, 9, 10, 5, 8, 4, 2)
# Fixed stamps so that the same seed gives the same bytes (zip members, PDF metadata, mail dates, core properties).
STAMP = dt.datetime(2025, 1, 15, 9, 0, tzinfo=dt.timezone.utc)
ZIP_STAMP = (2025, 1, 15, 9, 0, 0)
BOMB_BYTES = 210 << 20  # past 200 MB, yet a ~200 kB zip: zeros deflate about 1000:1
PASSWORD = "secret"
DEJAVU = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")

# Place names that are also surnames: they appear in decoys, so no subject carries them (a hit there is wrong).
PLACE_SURNAMES = frozenset({"Salo", "Lahti", "Koski", "Kemi", "Raahe", "Forssa"})
POSTAL = [
    ("00100", "Helsinki"),
    ("00530", "Helsinki"),
    ("02600", "Espoo"),
    ("01300", "Vantaa"),
    ("33100", "Tampere"),
    ("20100", "Turku"),
    ("90100", "Oulu"),
    ("40100", "Jyväskylä"),
    ("70100", "Kuopio"),
]
STREET_STEMS = ["Mannerheimin", "Hämeen", "Satakunnan", "Aleksanterin", "Koulu", "Myllyn", "Rauhan", "Vaahtera"]
STREET_STEMS += ["Kirkko", "Mänty", "Kallio", "Asema", "Puisto", "Ranta", "Tehtaan", "Urheilu", "Kauppa", "Harju"]
STREET_SUFFIXES = ["tie", "katu", "kuja", "polku", "tie", "katu", "rinne", "kaari"]
CITIES = ["Helsinki", "Espoo", "Tampere", "Turku", "Oulu", "Jyväskylä", "Kuopio", "Vantaa"]
COMPANIES = ["Pohjolan Ohjelmisto Oy", "Saaristomeren Logistiikka Oy", "Kaamos Data Oy", "Revontuli Energia Oy"]
COMPANIES += ["Kuura Analytics Oy", "Lumo Konsultointi Oy", "Norrsken Solutions Ab", "Ruska Markkinointi Oy"]
COMPANIES += ["Kide Pakkaus Oy", "Skärgård Media Ab", "Routa Rakennus Oy", "Aurora Kiinteistöpalvelut Oy"]
SCHOOLS = {
    "fi": ["Helsingin yliopisto", "Tampereen yliopisto", "Aalto-yliopisto", "Turun ammattikorkeakoulu"],
    "en": ["University of Helsinki", "Tampere University", "Aalto University", "Turku University of Applied Sciences"],
}
SCHOOLS["fi"] += ["Oulun yliopisto", "Metropolia Ammattikorkeakoulu", "Jyväskylän yliopisto", "LUT-yliopisto"]
SCHOOLS["en"] += ["University of Oulu", "Metropolia UAS", "University of Jyväskylä", "LUT University"]
DEGREES = {
    "fi": ["filosofian maisteri", "diplomi-insinööri", "tradenomi", "insinööri (AMK)", "kauppatieteiden maisteri"],
    "en": ["Master of Arts", "Master of Science (Technology)", "Bachelor of Business Administration", "BEng"],
}
POSITIONS = {
    "fi": ["Palkkahallinnon asiantuntija", "Ohjelmistokehittäjä", "HR-koordinaattori", "Asiakkuuspäällikkö"],
    "en": ["Payroll specialist", "Software developer", "HR coordinator", "Account manager"],
}
DUTIES = {
    "fi": [
        "Vastasin asiakasprojektien suunnittelusta ja aikataulutuksesta.",
        "Kehitin raportointia ja sisäisiä työkaluja.",
        "Toimin tiimin yhteyshenkilönä alihankkijoiden suuntaan.",
        "Osallistuin uuden toiminnanohjausjärjestelmän käyttöönottoon.",
        "Koulutin uusia työntekijöitä ja laadin ohjeistuksia.",
        "Hoidin hankintoja ja toimittajasuhteita.",
    ],
    "en": [
        "Planned and scheduled customer projects.",
        "Developed reporting and internal tools.",
        "Acted as the team's contact towards subcontractors.",
        "Took part in rolling out a new ERP system.",
        "Trained new employees and wrote guidelines.",
        "Handled purchasing and supplier relations.",
    ],
}
STRENGTHS = {
    "fi": [
        "Olen oma-aloitteinen ja viihdyn tehtävissä, joissa pääsee ratkomaan ongelmia yhdessä muiden kanssa.",
        "Minulle on tärkeää, että työ on huolellista ja aikataulut pitävät.",
        "Olen tottunut työskentelemään sekä itsenäisesti että osana monikulttuurista tiimiä.",
    ],
    "en": [
        "I am proactive and enjoy solving problems together with others.",
        "Careful work and keeping to schedules matter a great deal to me.",
        "I am used to working both on my own and as part of an international team.",
    ],
}
LABELS = {
    "fi": {
        "email": "Sähköposti:",
        "phone": "Puhelin:",
        "address": "Osoite:",
        "hetu": "Henkilötunnus:",
        "dob": "Syntymäaika:",
        "cv": "Ansioluettelo",
        "application": "Työhakemus",
        "profile": "Profiili",
        "work": "Työkokemus",
        "education": "Koulutus",
        "languages": "Kielitaito",
        "personal": "Henkilötiedot",
        "references": "Suosittelijat",
        "regards": "Ystävällisin terveisin",
        "page": "Sivu",
    },
    "en": {
        "email": "Email:",
        "phone": "Phone:",
        "address": "Address:",
        "hetu": "Personal identity code:",
        "dob": "Date of birth:",
        "cv": "Curriculum vitae",
        "application": "Cover letter",
        "profile": "Profile",
        "work": "Work experience",
        "education": "Education",
        "languages": "Languages",
        "personal": "Personal details",
        "references": "References",
        "regards": "Kind regards",
        "page": "Page",
    },
}


# --- Synthetic identifiers -------------------------------------------------------------------------------------------


def make_hetu(rng: random.Random, born: dt.date) -> str:
    """A HETU with a valid check character ('-' for the 1900s, 'A' for the 2000s)."""
    digits = born.strftime("%d%m%y")
    number = f"{rng.randint(2, 899):03d}"
    sign = "-" if born.year < 2000 else "A"
    return digits + sign + number + HETU_CHECK[int(digits + number) % 31]


def make_iban(rng: random.Random, spaced: bool) -> str:
    """A Finnish IBAN: check digits 98 - (BBAN + "FI00" as digits) mod 97, "FI00" being "151800"."""
    bban = "".join(str(rng.randint(0, 9)) for _ in range(14))
    code = f"FI{98 - int(bban + '151800') % 97:02d}{bban}"
    return " ".join(code[i : i + 4] for i in range(0, len(code), 4)) if spaced else code


def make_ytunnus(rng: random.Random) -> str:
    """A Y-tunnus (business ID) with its mod-11 check digit; bodies whose remainder is 1 have none and are redrawn."""
    while True:
        body = f"{rng.randint(1000000, 3299999):07d}"
        remainder = sum(int(d) * w for d, w in zip(body, YTUNNUS_WEIGHTS, strict=True)) % 11
        if remainder != 1:
            return f"{body}-{0 if remainder == 0 else 11 - remainder}"


def make_phone(rng: random.Random) -> str:
    """Mostly mobiles ("040 123 4567", "+358 50 123 4567"), some landlines ("09 1234 5678")."""
    style = rng.choice(["mobile", "mobile", "mobile", "international", "landline"])
    prefix = rng.choice(["40", "41", "44", "45", "50"])
    a, b = rng.randint(100, 999), rng.randint(1000, 9999)
    if style == "international":
        return f"+358 {prefix} {a} {b}"
    if style == "landline":
        return f"{rng.choice(['09', '02', '03'])} {rng.randint(1000, 9999)} {b}"
    return f"0{prefix} {a} {b}"


def make_street(rng: random.Random) -> str:
    name = rng.choice(STREET_STEMS) + rng.choice(STREET_SUFFIXES)
    number = str(rng.randint(1, 60))
    if rng.random() < 0.5:
        number += f" {rng.choice('ABC')} {rng.randint(1, 40)}"
    postal, city = rng.choice(POSTAL)
    return f"{name} {number}, {postal} {city}"


def ascii_local(text: str) -> str:
    """The local part of a mail address: lower case, Finnish letters without dots."""
    table = str.maketrans({"ä": "a", "ö": "o", "å": "a", "é": "e", "ü": "u"})
    return "".join(ch for ch in text.lower().translate(table) if ch.isascii() and (ch.isalnum() or ch in ".-"))


def fi_date(day: dt.date) -> str:
    return f"{day.day}.{day.month}.{day.year}"


# --- Subjects --------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Person:
    """One synthetic subject; ``hetu``, ``dob`` and ``iban`` are set only when some document shows them."""

    pid: str
    index: int
    first: str
    last: str
    email: str
    phone: str
    street: str
    lang: str
    born: dt.date
    hetu: str | None
    dob: str | None  # the birth date as the documents write it
    iban: str | None

    @property
    def name(self) -> str:
        return f"{self.first} {self.last}"

    def manifest(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "first": self.first,
            "last": self.last,
            "email": self.email,
            "phone": self.phone,
            "hetu": self.hetu,
            "birth_date": self.born.isoformat() if self.dob else None,
            "iban": self.iban,
            "street": self.street,
            "lang": self.lang,
        }


def make_people(rng: random.Random, faker: Faker, count: int) -> list[Person]:
    """Distinct names and addresses; structure follows the index (so every seed covers every case), values the rng."""
    people: list[Person] = []
    seen: set[str] = set()
    while len(people) < count:
        first, last = faker.first_name(), faker.last_name()
        email_local = f"{ascii_local(first)}.{ascii_local(last)}"
        if last in PLACE_SURNAMES or {first + last, email_local} & seen or not _latin1(first + last):
            continue
        person = _person(rng, len(people), first, last, email_local)
        if {person.phone, person.street} & seen:
            continue  # values must tell the subjects apart
        seen.update({first + last, email_local, person.phone, person.street})
        people.append(person)
    return people


def _person(rng: random.Random, index: int, first: str, last: str, email_local: str) -> Person:
    lang = "en" if index % 3 == 2 else "fi"
    identity = ("hetu", "dob", "none", "none")[index % 4]  # about half show a HETU or a birth date
    born = dt.date(1962, 1, 1) + dt.timedelta(days=rng.randint(0, 42 * 365))
    dob = (born.isoformat() if lang == "en" or index % 8 == 5 else fi_date(born)) if identity == "dob" else None
    return Person(
        pid=f"p{index + 1:02d}",
        index=index,
        first=first,
        last=last,
        email=f"{email_local}@{'example.com' if lang == 'en' else 'example.fi'}",
        phone=make_phone(rng),
        street=make_street(rng),
        lang=lang,
        born=born,
        hetu=make_hetu(rng, born) if identity == "hetu" else None,
        dob=dob,
        iban=make_iban(rng, spaced=rng.random() < 0.5) if index % 5 in (0, 3) else None,
    )


def _latin1(text: str) -> bool:
    # The PDFs use a core font, whose text must be latin-1; Finnish letters are.
    try:
        text.encode("latin-1")
    except UnicodeEncodeError:
        return False
    return True


# --- Documents as blocks ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Block:
    """A unit of text that every renderer writes whole; ``entities`` are those its text holds."""

    kind: str  # "title" | "heading" | "para" | "fields" | "pagebreak"
    text: str = ""
    rows: tuple[tuple[str, str], ...] = ()
    entities: frozenset[str] = frozenset()

    def plain(self) -> str:
        return "\n".join(f"{label} {value}" for label, value in self.rows) if self.kind == "fields" else self.text


def title(text: str, *entities: str) -> Block:
    return Block("title", text, entities=frozenset(entities))


def heading(text: str, *entities: str) -> Block:
    return Block("heading", text, entities=frozenset(entities))


def para(text: str, *entities: str) -> Block:
    return Block("para", text, entities=frozenset(entities))


def fields(*rows: tuple[str, str, str | None]) -> Block:
    """Label/value rows (a table in DOCX and HTML); the third item is the entity the value plants, if any."""
    return Block(
        "fields",
        rows=tuple((label, value) for label, value, _ in rows),
        entities=frozenset(entity for _, _, entity in rows if entity),
    )


PAGEBREAK = Block("pagebreak")


@dataclass
class Doc:
    kind: str
    lang: str
    title: str
    blocks: list[Block]
    subjects: tuple[Person, ...] = ()
    header: Block | None = None  # a DOCX page header; other formats print it as the first paragraph
    decoy: bool = False

    def all_blocks(self) -> list[Block]:
        return ([self.header] if self.header else []) + self.blocks

    @property
    def entities(self) -> set[str]:
        return set().union(*(block.entities for block in self.all_blocks()))


def entry(
    doc_kind: str, fmt: str, lang: str, entities: set[str], subjects: Sequence[Person], decoy: bool = False
) -> dict[str, Any]:
    """One manifest entry; ``subject`` is set only for a document about a single person."""
    return {
        "subject": subjects[0].pid if len(subjects) == 1 else None,
        "subjects": [person.pid for person in subjects],
        "entities": sorted(entities),
        "cv_like": is_cv_like(entities),
        "kind": doc_kind,
        "format": fmt,
        "lang": lang,
        "decoy": decoy,
    }


def is_cv_like(entities: set[str]) -> bool:
    return PERSON in entities and bool(entities & {EMAIL, PHONE}) and bool(entities & {HETU, DOB})


# --- Renderers -------------------------------------------------------------------------------------------------------


class _PagedPdf(FPDF):
    """A PDF with "Sivu 2/3" footers, so that page numbers are visible as well as structural."""

    def __init__(self, page_label: str) -> None:
        super().__init__()
        self.page_label = page_label

    def footer(self) -> None:
        self.set_y(-15)
        self.set_font("Helvetica", size=8)
        self.cell(0, 10, f"{self.page_label} {self.page_no()}/{{nb}}", align="C")


_PDF_STYLE = {"title": ("B", 18, 9.0), "heading": ("B", 13, 7.0), "para": ("", 11, 6.0), "fields": ("", 11, 6.0)}


def _new_pdf(pdf: FPDF, doc_title: str) -> None:
    pdf.set_creation_date(STAMP)
    pdf.set_producer("hr_share")
    pdf.set_creator("hr_share")
    pdf.set_title(doc_title)
    pdf.set_auto_page_break(True, margin=20)
    pdf.add_page()


def to_pdf(doc: Doc) -> tuple[bytes, dict[str, list[int]]]:
    """The PDF and, per entity, the pages that hold it."""
    pdf = _PagedPdf(LABELS[doc.lang]["page"])
    _new_pdf(pdf, doc.title)
    pages: dict[str, set[int]] = {}
    for block in doc.all_blocks():
        if block.kind == "pagebreak":
            pdf.add_page()
            continue
        style, size, height = _PDF_STYLE[block.kind]
        pdf.set_font("Helvetica", style, size)
        text = block.plain()
        lines = pdf.multi_cell(0, height, text, dry_run=True, output="LINES")
        assert isinstance(lines, list)
        if pdf.will_page_break(len(lines) * height):
            pdf.add_page()  # keep each block on one page, so that its entities have one page number
        pdf.multi_cell(0, height, text, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(2)
        for entity in block.entities:
            pages.setdefault(entity, set()).add(pdf.page_no())
    return bytes(pdf.output()), {entity: sorted(numbers) for entity, numbers in sorted(pages.items())}


def to_docx(doc: Doc) -> bytes:
    document = docx.Document()
    _fix_core_properties(document)
    if doc.header:
        document.sections[0].header.paragraphs[0].text = doc.header.text
    for block in doc.blocks:
        if block.kind == "title":
            document.add_heading(block.text, 0)
        elif block.kind == "heading":
            document.add_heading(block.text, 1)
        elif block.kind == "pagebreak":
            document.add_page_break()  # type: ignore[no-untyped-call]
        elif block.kind == "fields":
            _docx_table(document, block.rows)
        else:
            document.add_paragraph(block.text)
    buffer = io.BytesIO()
    document.save(buffer)
    return normalise_zip(buffer.getvalue())


def _fix_core_properties(document: Any) -> None:
    # python-docx stamps its own name as author; a name in metadata would be an unlisted PERSON.
    props = document.core_properties
    props.author = "HR"
    props.last_modified_by = "HR"
    props.created = STAMP.replace(tzinfo=None)
    props.modified = STAMP.replace(tzinfo=None)


def _docx_table(document: Any, rows: tuple[tuple[str, str], ...]) -> None:
    table = document.add_table(rows=0, cols=2)
    table.style = "Table Grid"
    for label, value in rows:
        cells = table.add_row().cells
        cells[0].text = label
        cells[1].text = value


def to_odt(doc: Doc) -> bytes:
    odt = OpenDocumentText()
    page_break = Style(name="PageBreak", family="paragraph")
    page_break.addElement(ParagraphProperties(breakbefore="page"))
    odt.automaticstyles.addElement(page_break)
    broken = False
    for block in doc.all_blocks():
        if block.kind == "pagebreak":
            broken = True
            continue
        style = {"stylename": page_break} if broken else {}
        broken = False
        if block.kind in ("title", "heading"):
            odt.text.addElement(odftext.H(outlinelevel=1 if block.kind == "title" else 2, text=block.text, **style))
        else:
            for line in block.plain().split("\n"):
                odt.text.addElement(odftext.P(text=line, **style))
                style = {}
    buffer = io.BytesIO()
    odt.write(buffer)
    return normalise_zip(buffer.getvalue())


def rtf_escape(text: str) -> str:
    """RTF text: cp1252 letters as \\'e4, anything else as \\uN?, and the three specials escaped."""
    out: list[str] = []
    for ch in text:
        if ch in "\\{}":
            out.append("\\" + ch)
        elif ch == "\n":
            out.append("\\line ")
        elif ord(ch) < 128:
            out.append(ch)
        else:
            try:
                out.append(f"\\'{ch.encode('cp1252')[0]:02x}")
            except UnicodeEncodeError:
                code = ord(ch)
                out.append(f"\\u{code if code < 32768 else code - 65536}?")
    return "".join(out)


def to_rtf(doc: Doc) -> bytes:
    parts = [r"{\rtf1\ansi\ansicpg1252\deff0{\fonttbl{\f0\fswiss Helvetica;}}"]
    parts.append(r"{\info{\title " + rtf_escape(doc.title) + "}}")
    for block in doc.all_blocks():
        if block.kind == "pagebreak":
            parts.append(r"\page")
        elif block.kind == "fields":
            parts.extend(r"{\pard\fs22 " + rtf_escape(k) + r"\tab " + rtf_escape(v) + r"\par}" for k, v in block.rows)
        else:
            size = {"title": r"\b\fs36", "heading": r"\b\fs26"}.get(block.kind, r"\fs22")
            parts.append(r"{\pard\sa120" + size + " " + rtf_escape(block.text) + r"\par}")
    return ("\n".join(parts) + "\n}\n").encode("ascii")


def to_html(doc: Doc) -> bytes:
    body: list[str] = []
    for block in doc.all_blocks():
        if block.kind == "pagebreak":
            body.append("<hr>")
        elif block.kind == "fields":
            rows = "".join(f"<tr><th>{html.escape(k)}</th><td>{html.escape(v)}</td></tr>" for k, v in block.rows)
            body.append(f"<table>{rows}</table>")
        else:
            tag = {"title": "h1", "heading": "h2"}.get(block.kind, "p")
            body.append(f"<{tag}>{html.escape(block.text)}</{tag}>")
    page = (
        f'<!DOCTYPE html>\n<html lang="{doc.lang}">\n<head><meta charset="utf-8"><title>{html.escape(doc.title)}'
        "</title></head>\n<body>\n" + "\n".join(body) + "\n</body>\n</html>\n"
    )
    if doc.kind == "application":
        return page.encode("ascii", "xmlcharrefreplace")  # &#228; for ä: the reader must unescape
    return page.encode("utf-8")


def to_markdown(doc: Doc) -> bytes:
    parts: list[str] = []
    for block in doc.all_blocks():
        if block.kind == "pagebreak":
            parts.append("---")
        elif block.kind == "fields":
            parts.append("\n".join(f"- **{label}** {value}" for label, value in block.rows))
        else:
            parts.append({"title": "# ", "heading": "## "}.get(block.kind, "") + block.text)
    return ("\n\n".join(parts) + "\n").encode("utf-8")


def to_text(doc: Doc, gap: str = "\n\n") -> str:
    return gap.join(block.plain() for block in doc.all_blocks() if block.kind != "pagebreak") + "\n"


RENDERERS: dict[str, Callable[[Doc], bytes]] = {
    "docx": to_docx,
    "odt": to_odt,
    "rtf": to_rtf,
    "html": to_html,
    "md": to_markdown,
    "log": lambda doc: to_text(doc, gap="\n").encode("utf-8"),
}


def render(doc: Doc, fmt: str) -> tuple[bytes, dict[str, list[int]] | None]:
    if fmt == "pdf":
        return to_pdf(doc)
    return RENDERERS[fmt](doc), None


def normalise_zip(data: bytes) -> bytes:
    """The same zip with fixed member dates (order, compression and the ODF "mimetype" first entry kept)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=ZIP_STAMP)
            fixed.compress_type = info.compress_type
            dst.writestr(fixed, src.read(info))
    return out.getvalue()


def zip_bytes(members: Sequence[tuple[str, bytes]]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, data in members:
            info = zipfile.ZipInfo(name, date_time=ZIP_STAMP)
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, data)
    return out.getvalue()


# --- Content ---------------------------------------------------------------------------------------------------------


@dataclass
class Writer:
    """The text generators' shared state: the rng, the Faker instances (for job titles), the fixed positions."""

    rng: random.Random
    faker_fi: Faker
    faker_en: Faker

    def job(self, lang: str) -> str:
        return (self.faker_en if lang == "en" else self.faker_fi).job()

    def years(self, count: int) -> list[tuple[int, int]]:
        """Consecutive periods ending this year or the last one, latest first."""
        end = 2025 - self.rng.randint(0, 1)
        periods = []
        for _ in range(count):
            start = end - self.rng.randint(1, 5)
            periods.append((start, end))
            end = start
        return periods


def contact_rows(person: Person, phone: bool = True, address: bool = True) -> list[tuple[str, str, str | None]]:
    labels = LABELS[person.lang]
    rows: list[tuple[str, str, str | None]] = [(labels["email"], person.email, EMAIL)]
    if phone:
        rows.append((labels["phone"], person.phone, PHONE))
    if address:
        rows.append((labels["address"], person.street, LOCATION))
    return rows


def identity_rows(person: Person) -> list[tuple[str, str, str | None]]:
    labels = LABELS[person.lang]
    if person.hetu:
        return [(labels["hetu"], person.hetu, HETU)]
    if person.dob:
        return [(labels["dob"], person.dob, DOB)]
    return []


def cv_doc(w: Writer, person: Person, fmt: str, multipage: bool) -> Doc:
    """A CV; in DOCX the phone number sits in the page header only. A multi-page CV keeps the address and the HETU
    or birth date for its last page, so that a finding's page number is not always 1."""
    labels = LABELS[person.lang]
    header = para(f"{person.name} | {person.phone}", PERSON, PHONE) if fmt == "docx" else None
    personal = contact_rows(person, phone=False)[1:] + identity_rows(person)  # the address, then HETU or birth date
    contact = contact_rows(person, phone=header is None, address=False) + ([] if multipage else personal)
    blocks = [title(person.name, PERSON), para(labels["cv"]), fields(*contact)]
    blocks += _cv_profile(w, person) + _cv_work(w, person)
    blocks += ([PAGEBREAK] if multipage else []) + _cv_education(w, person)
    if multipage:
        blocks += [PAGEBREAK, heading(labels["personal"]), fields(*personal)]
    blocks.append(heading(labels["references"]))
    blocks.append(para("Saatavilla pyydettäessä." if person.lang == "fi" else "Available on request."))
    return Doc("cv", person.lang, labels["cv"], blocks, (person,), header=header)


def _cv_profile(w: Writer, person: Person) -> list[Block]:
    job, years = w.job(person.lang), w.rng.randint(3, 20)
    if person.lang == "fi":
        text = f"{job}, jolla on {years} vuoden työkokemus. Etsin uutta haastetta pääkaupunkiseudulta tai etätyönä."
    else:
        text = f"{job} with {years} years of experience, looking for a new challenge in Finland or remotely."
    return [heading(LABELS[person.lang]["profile"]), para(text + " " + w.rng.choice(STRENGTHS[person.lang]))]


def _cv_work(w: Writer, person: Person) -> list[Block]:
    blocks = [heading(LABELS[person.lang]["work"])]
    for start, end in w.years(w.rng.randint(2, 4)):
        company, city = w.rng.choice(COMPANIES), w.rng.choice(CITIES)
        duties = " ".join(w.rng.sample(DUTIES[person.lang], 2))
        blocks.append(para(f"{start}-{end} {w.job(person.lang)}, {company}, {city}. {duties}"))
    return blocks


def _cv_education(w: Writer, person: Person) -> list[Block]:
    lang = person.lang
    start = w.rng.randint(2000, 2015)
    school, degree = w.rng.choice(SCHOOLS[lang]), w.rng.choice(DEGREES[lang])
    study = f"{start}-{start + w.rng.randint(3, 6)} {school}, {degree}."
    if lang == "fi":
        languages, hobbies = "Suomi (äidinkieli), englanti (erinomainen), ruotsi (hyvä).", "Suunnistus, kuorolaulu."
    else:
        languages, hobbies = "Finnish (native), English (fluent), Swedish (good).", "Orienteering, choir singing."
    labels = LABELS[lang]
    return [heading(labels["education"]), para(study), heading(labels["languages"]), para(languages), para(hobbies)]


def application_doc(w: Writer, person: Person, ref: str, with_address: bool) -> Doc:
    """A cover letter signed with the name; some ask for travel costs to an IBAN, some state the birth date."""
    lang, labels = person.lang, LABELS[person.lang]
    position = w.rng.choice(POSITIONS[lang])
    written = dt.date(2025, 1, 1) + dt.timedelta(days=w.rng.randint(0, 150))
    blocks = [para(f"{w.rng.choice(CITIES)} {fi_date(written) if lang == 'fi' else written.isoformat()}")]
    blocks += [title(labels["application"]), heading(f"{position} ({ref})")]
    blocks += _application_body(w, person, position, ref)
    blocks += [para(labels["regards"]), para(person.name, PERSON), fields(*contact_rows(person, address=with_address))]
    return Doc("application", lang, labels["application"], blocks, (person,))


def _application_body(w: Writer, person: Person, position: str, ref: str) -> list[Block]:
    company, job = w.rng.choice(COMPANIES), w.job(person.lang)
    if person.lang == "fi":
        texts = [
            f"Haen avoinna olevaa tehtävää {position} (hakunumero {ref}).",
            f"Nykyinen työnantajani on {company}, jossa toimin nimikkeellä {job}.",
        ]
    else:
        texts = [f"I am applying for the position of {position} (reference {ref}).", f"I currently work at {company}."]
    blocks = [para(" ".join(texts)), para(w.rng.choice(STRENGTHS[person.lang]))]
    if person.dob and person.lang == "fi":
        blocks.append(para(f"Olen syntynyt {person.dob}.", DOB))
    if person.iban:
        text = (
            f"Mahdolliset haastattelun matkakulut voi korvata tililleni {person.iban}."
            if person.lang == "fi"
            else f"Travel costs for the interview can be reimbursed to my account {person.iban}."
        )
        blocks.append(para(text, IBAN))
    return blocks


def interview_notes_doc(w: Writer, person: Person, ref: str) -> Doc:
    fi = person.lang == "fi"
    observations = (
        ["Vahva kokemus projektinhallinnasta.", "Kiinnostunut hybridityöstä.", "Palkkatoive keskustelun pohjaksi."]
        if fi
        else ["Strong project management background.", "Interested in hybrid work.", "Salary expectation discussed."]
    )
    rows = [
        ("Hakija:" if fi else "Candidate:", person.name, PERSON),
        ("Haku:" if fi else "Posting:", ref, None),
        (LABELS[person.lang]["phone"], person.phone, PHONE),
        ("Haastattelija:" if fi else "Interviewer:", "HR-asiantuntija" if fi else "HR specialist", None),
    ]
    blocks = [title("Haastattelumuistio" if fi else "Interview notes"), fields(*rows)]
    blocks += [heading("Havainnot" if fi else "Observations"), para(" ".join(w.rng.sample(observations, 2)))]
    blocks += [heading("Jatko" if fi else "Next steps"), para("Toinen kierros." if fi else "Second round.")]
    return Doc("notes", person.lang, "Haastattelumuistio", blocks, (person,))


def summary_doc(w: Writer, people: Sequence[Person]) -> Doc:
    statuses = ["kutsutaan haastatteluun", "varalla", "ei jatkoon", "toinen kierros"]
    blocks = [title("Hakijayhteenveto, kierros 1"), para("Tilanne hakemusten käsittelyn jälkeen.")]
    blocks += [para(f"{person.name}: {w.rng.choice(statuses)}", PERSON) for person in people]
    return Doc("summary", "fi", "Hakijayhteenveto", blocks, tuple(people))


def log_doc(w: Writer, people: Sequence[Person]) -> Doc:
    """An application system's log: applicants' mail addresses among request ids and health checks."""
    moment = dt.datetime(2025, 2, 3, 8, 0, 0)
    lines: list[Block] = []
    for person in people:
        for _ in range(w.rng.randint(0, 2)):
            moment += dt.timedelta(seconds=w.rng.randint(5, 900))
            lines.append(para(f"{_stamp(w, moment)} INFO  [req={w.rng.getrandbits(32):08x}] GET /health status=200"))
        moment += dt.timedelta(seconds=w.rng.randint(5, 900))
        request = f"[req={w.rng.getrandbits(32):08x}]"
        submitted = f"POST /api/applications status=201 applicant={person.email}"
        lines.append(para(f"{_stamp(w, moment)} INFO  {request} {submitted}", EMAIL))
        if w.rng.random() < 0.3:
            retried = f"smtp: confirmation to {person.email} retried"
            lines.append(para(f"{_stamp(w, moment)} WARN  {request} {retried}", EMAIL))
    return Doc("log", "en", "hakujarjestelma", lines, tuple(people))


def _stamp(w: Writer, moment: dt.datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S") + f".{w.rng.randint(0, 999):03d}Z"


# --- Decoys: no personal data ----------------------------------------------------------------------------------------


def decoy_docs(w: Writer) -> list[tuple[str, str, Doc]]:
    """(path, format, doc) of documents with no personal data: policies, an ad, minutes with cities and companies."""
    rng = w.rng
    month = rng.choice(["tammikuu", "helmikuu", "maaliskuu", "huhtikuu", "toukokuu", "kesäkuu"])
    places = f"Salo, Lahti, Koski ja {rng.choice(['Kemi', 'Raahe', 'Forssa'])}"  # towns that are also surnames
    partner, supplier = rng.sample(COMPANIES, 2)
    ids = make_ytunnus(rng), make_ytunnus(rng)
    return [
        ("policies/tietosuojaseloste.pdf", "pdf", _privacy_policy()),
        ("policies/tyopaikkailmoitus_2025.docx", "docx", _job_ad(rng)),
        ("policies/tuote-esite.odt", "odt", _product_sheet(rng)),
        ("policies/organisaatiokaavio.md", "md", _org_chart()),
        ("policies/kokousmuistio_2025-03.docx", "docx", _minutes(month, places, (partner, supplier), ids)),
        ("policies/kokousmuistio_2024-11.pdf", "pdf", _minutes("marraskuu", places, (supplier, partner), None)),
        ("policies/matkustusohje.pdf", "pdf", _travel_policy(rng)),
        ("policies/etatyoohje.odt", "odt", _remote_work()),
        ("policies/vuosikello.md", "md", _calendar()),
        ("policies/code_of_conduct.html", "html", _code_of_conduct()),
        ("policies/tietoturvaohje.rtf", "rtf", _security_policy(rng)),
    ]


def _decoy(kind: str, lang: str, doc_title: str, blocks: list[Block]) -> Doc:
    return Doc(kind, lang, doc_title, [title(doc_title), *blocks], decoy=True)


def _privacy_policy() -> Doc:
    return _decoy(
        "policy",
        "fi",
        "Tietosuojaseloste: rekrytointi",
        [
            heading("Rekisterinpitäjä"),
            para("Esimerkki Oy. Tietosuoja-asioissa yhteydenotot lomakkeella osoitteessa example.fi/tietosuoja."),
            heading("Käsiteltävät henkilötiedot"),
            para("Nimi, yhteystiedot, syntymäaika, ansioluettelon tiedot, hakemuksen liitteet ja haastattelumuistiot."),
            para("Henkilötunnusta tai terveystietoja ei pyydetä hakuvaiheessa."),
            heading("Säilytysaika"),
            para("Hakemukset säilytetään 24 kuukautta haun päättymisestä, minkä jälkeen ne poistetaan."),
            heading("Rekisteröidyn oikeudet"),
            para("Rekisteröidyllä on oikeus tarkastaa, oikaista ja poistaa tietonsa sekä rajoittaa niiden käsittelyä."),
        ],
    )


def _job_ad(rng: random.Random) -> Doc:
    deadline = dt.date(2025, 3, 1) + dt.timedelta(days=rng.randint(0, 60))
    city = rng.choice(CITIES)
    return _decoy(
        "job_ad",
        "fi",
        "Avoin työpaikka: palkkahallinnon asiantuntija",
        [
            para(f"Haemme toimipisteeseemme ({city}) palkkahallinnon asiantuntijaa vakituiseen työsuhteeseen."),
            heading("Tehtävät"),
            para("Palkanlaskenta, raportointi ja palkkajärjestelmän kehittäminen yhdessä talousosaston kanssa."),
            heading("Tarjoamme"),
            para("Joustavan työajan, etätyömahdollisuuden ja kattavan työterveyshuollon."),
            para(f"Hae viimeistään {fi_date(deadline)} osoitteessa example.fi/ura."),
        ],
    )


def _product_sheet(rng: random.Random) -> Doc:
    price = rng.choice([990, 1290, 1490])
    return _decoy(
        "product",
        "fi",
        "Esimerkki Analytics 4.2",
        [
            para("Raportointialusta keskisuurille yrityksille."),
            fields(
                ("Hinta:", f"alkaen {price} euroa kuukaudessa", None),
                ("Toimitusaika:", "2-4 viikkoa", None),
                ("Yhteensopivuus:", "Windows, macOS, Linux", None),
                ("Valmistuspaikka:", "Salo", None),
            ),
            para("Sisältää valmiit liitännät yleisimpiin taloushallinnon järjestelmiin. Tuki ma-pe 8-16."),
        ],
    )


def _org_chart() -> Doc:
    return _decoy(
        "org_chart",
        "fi",
        "Organisaatiokaavio",
        [
            heading("Johto"),
            para("Toimitusjohtaja; talousjohtaja, HR-johtaja ja teknologiajohtaja raportoivat toimitusjohtajalle."),
            heading("HR"),
            para("HR-johtaja; HR-asiantuntija (2), palkkahallinnon asiantuntija, rekrytointikoordinaattori."),
            heading("Teknologia"),
            para("Teknologiajohtaja; ohjelmistokehittäjät (6), tietoturva-asiantuntija, järjestelmäasiantuntija."),
            heading("Toimipisteet"),
            para("Helsinki (pääkonttori), Tampere, Lahti ja Koski."),
        ],
    )


def _minutes(month: str, places: str, companies: tuple[str, str], ids: tuple[str, str] | None) -> Doc:
    first, second = (f"{c} (Y-tunnus {i})" for c, i in zip(companies, ids, strict=True)) if ids else companies
    contracts = f"Puitesopimus yhtiön {first} kanssa jatkuu. Tarjous pyydetään myös yhtiöltä {second}."
    blocks = [
        para(f"Kokous pidettiin {month}ssa Tampereen toimistolla. Läsnä: johtoryhmä."),
        heading("1. Toimipisteet"),
        para(f"Uusien toimipisteiden vaihtoehdot: {places}. Päätös tehdään seuraavassa kokouksessa."),
        heading("2. Sopimukset"),
        para(contracts, BUSINESS_ID) if ids else para(contracts),
        heading("3. Muut asiat"),
        para("Seuraava kokous Helsingissä kuukauden viimeisenä torstaina."),
    ]
    return _decoy("minutes", "fi", "Johtoryhmän kokousmuistio", blocks)


def _travel_policy(rng: random.Random) -> Doc:
    return _decoy(
        "policy",
        "fi",
        "Matkustusohje",
        [
            para("Kotimaan matkat tehdään ensisijaisesti junalla, esimerkiksi Helsinki-Tampere ja Turku-Oulu."),
            para(f"Kilometrikorvaus on {rng.choice(['0,57', '0,59'])} euroa kilometriltä. Kokopäiväraha 53 euroa."),
            para("Matkalaskut tehdään kuukauden kuluessa matkan päättymisestä."),
        ],
    )


def _remote_work() -> Doc:
    return _decoy(
        "policy",
        "fi",
        "Etätyöohje",
        [
            para("Etätyötä voi tehdä enintään kolme päivää viikossa esihenkilön kanssa sovitusti."),
            para("Työnantaja tarjoaa kannettavan tietokoneen, näytön ja kuulokkeet. Yhteydet vain VPN:n kautta."),
        ],
    )


def _calendar() -> Doc:
    months = [
        ("Tammikuu", "palkkojen tarkistus"),
        ("Maaliskuu", "kehityskeskustelut"),
        ("Toukokuu", "kesätyöntekijöiden perehdytys"),
        ("Syyskuu", "henkilöstökysely"),
        ("Marraskuu", "budjetointi"),
    ]
    return _decoy("calendar", "fi", "HR:n vuosikello", [fields(*((f"{m}:", task, None) for m, task in months))])


def _code_of_conduct() -> Doc:
    return _decoy(
        "policy",
        "en",
        "Code of conduct",
        [
            para("We treat colleagues, customers and partners fairly and with respect."),
            para("Gifts above 50 euros are declined. Conflicts of interest are reported to the compliance team."),
            para("Offices in Helsinki, Tampere and Oulu follow the same rules."),
        ],
    )


def _security_policy(rng: random.Random) -> Doc:
    return _decoy(
        "policy",
        "fi",
        "Tietoturvaohje",
        [
            para(
                f"Salasanan vähimmäispituus on {rng.choice([12, 14, 16])} merkkiä. Monivaiheinen tunnistus on päällä."
            ),
            para("Henkilötietoja sisältäviä tiedostoja ei tallenneta USB-muisteille eikä lähetetä salaamattomina."),
            para("Epäilyttävistä viesteistä ilmoitetaan tietoturvatiimille intranetin lomakkeella."),
        ],
    )


def archive_guide() -> Doc:
    return _decoy(
        "policy",
        "fi",
        "Arkistointiohje",
        [para("Päättyneiden hakujen aineisto arkistoidaan vuosittain ja poistetaan säilytysajan päätyttyä.")],
    )


# --- Mails -----------------------------------------------------------------------------------------------------------


def _mail_body(person: Person, attachment: str) -> Doc:
    if person.lang == "fi":
        texts = ["Hei,", f"haen avointa tehtävää. Liitteenä {attachment}.", "Ystävällisin terveisin"]
    else:
        texts = [
            "Hello,",
            f"I am applying for the open position. Please find my {attachment} attached.",
            "Best regards",
        ]
    blocks = [para(text) for text in texts] + [para(f"{person.name}\n{person.phone}", PERSON, PHONE)]
    return Doc("mail", person.lang, "mail", blocks, (person,))


def applicant_mail(person: Person, number: int, html_part: bool) -> tuple[EmailMessage, Doc]:
    """A mail from the applicant to recruiting; the Doc is its body, whose entities plus From's are the mail's."""
    body = _mail_body(person, "ansioluetteloni" if person.lang == "fi" else "CV")
    message = EmailMessage()
    message["From"] = f"{person.name} <{person.email}>"
    message["To"] = "Rekrytointi <rekry@example.com>"
    message["Subject"] = "Työhakemus" if person.lang == "fi" else "Job application"
    message["Date"] = format_datetime(STAMP + dt.timedelta(days=number, hours=number % 7))
    message["Message-ID"] = f"<hakemus-{number:03d}@example.fi>"
    message.set_content(to_text(body))
    if html_part:
        message.add_alternative(to_html(body).decode("utf-8"), subtype="html")
    return message, body


def forward_mail(person: Person, original: EmailMessage, number: int) -> tuple[EmailMessage, set[str]]:
    """Recruiting forwards the applicant's mail to the hiring manager; the quoted header names the applicant."""
    message = EmailMessage()
    message["From"] = "Rekrytointi <rekry@example.com>"
    message["To"] = "Esihenkilö <esihenkilo@example.com>"
    message["Subject"] = f"Fwd: {original['Subject']}"
    message["Date"] = format_datetime(STAMP + dt.timedelta(days=number, hours=9))
    message["Message-ID"] = f"<valitetty-{number:03d}@example.com>"
    quoted = f"Lähettäjä: {person.name} <{person.email}>\nAihe: {original['Subject']}"
    message.set_content(
        f"Hei,\n\nvälitän alla olevan hakemuksen tiedoksi.\n\n---------- Välitetty viesti ----------\n{quoted}\n"
    )
    message.add_attachment(original, filename="alkuperainen.eml")
    return message, {PERSON, EMAIL}


ATTACHMENT_TYPES = {"pdf": "pdf", "docx": "vnd.openxmlformats-officedocument.wordprocessingml.document"}


def attach(message: EmailMessage, name: str, data: bytes) -> None:
    subtype = ATTACHMENT_TYPES[name.rsplit(".", 1)[-1]]
    message.add_attachment(data, maintype="application", subtype=subtype, filename=name)


def mail_bytes(message: EmailMessage, key: str) -> bytes:
    # The email package draws random boundaries; fixed ones keep the file the same for the same seed.
    for number, part in enumerate(message.walk()):
        if part.get_content_maintype() == "multipart":
            part.set_boundary(f"=_{ascii_local(key)}_{number}")
    return message.as_bytes(policy=policy.SMTP)


# --- The share -------------------------------------------------------------------------------------------------------


@dataclass
class Share:
    """What build() gathers before writing: files by relative path, and the manifest's parts."""

    files: dict[str, bytes] = field(default_factory=dict)
    documents: dict[str, dict[str, Any]] = field(default_factory=dict)
    bad: dict[str, str] = field(default_factory=dict)
    scanned: dict[str, dict[str, Any]] = field(default_factory=dict)
    bombs: list[str] = field(default_factory=list)

    def render(self, key: str, doc: Doc, fmt: str) -> bytes:
        """Render a document and list it under ``key`` (a path, or container!member)."""
        data, pages = render(doc, fmt)
        self.documents[key] = entry(doc.kind, fmt, doc.lang, doc.entities, doc.subjects, doc.decoy)
        if pages is not None:
            self.documents[key]["pages"] = pages
        return data

    def put(self, path: str, doc: Doc, fmt: str) -> None:
        self.files[path] = self.render(path, doc, fmt)

    def write(self, directory: Path) -> None:
        for path, data in self.files.items():
            target = directory / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        for path in self.bombs:
            write_zip_bomb(directory / path)


CV_FORMATS = ["pdf", "docx", "odt", "rtf", "html", "pdf", "docx"]
APPLICATION_FORMATS = ["docx", "pdf", "odt", "html", "rtf", "pdf"]


def add_person_files(share: Share, w: Writer, person: Person, ref: str) -> None:
    """The CV in cv/ and the application in hakemukset/<year>/."""
    i = person.index
    cv_fmt = CV_FORMATS[i % len(CV_FORMATS)]
    share.put(f"cv/cv_{i + 1:03d}.{cv_fmt}", cv_doc(w, person, cv_fmt, multipage=i % 2 == 0), cv_fmt)
    app_fmt = APPLICATION_FORMATS[i % len(APPLICATION_FORMATS)]
    year = ref.split("-")[1]
    share.put(f"hakemukset/{year}/hakemus_{ref}.{app_fmt}", application_doc(w, person, ref, i % 2 == 1), app_fmt)


def add_mails(share: Share, w: Writer, people: Sequence[Person]) -> None:
    """Every other applicant mailed a (different) CV; every third of those mails reached us forwarded."""
    for number, person in enumerate(people[::2], start=1):
        key = f"mail/{number:02d}_hakemus.eml"
        fmt = "docx" if number % 2 else "pdf"
        name = f"{'ansioluettelo' if person.lang == 'fi' else 'CV'}.{fmt}"
        message, body = applicant_mail(person, number, html_part=number % 2 == 0)
        if number % 3 == 0:
            inner_key = f"{key}!alkuperainen.eml"
            share.documents[inner_key] = entry("mail", "eml", person.lang, body.entities | {EMAIL}, (person,))
            attach(message, name, share.render(f"{inner_key}!{name}", cv_doc(w, person, fmt, number % 4 == 2), fmt))
            message, entities = forward_mail(person, message, number)
        else:
            entities = body.entities | {EMAIL}
            attach(message, name, share.render(f"{key}!{name}", cv_doc(w, person, fmt, number % 4 == 2), fmt))
        share.documents[key] = entry("mail", "eml", person.lang, entities, (person,))
        share.files[key] = mail_bytes(message, key)


def add_notes(share: Share, w: Writer, people: Sequence[Person], refs: Sequence[str]) -> None:
    """Interview notes (Markdown), a candidate summary and the application system's log."""
    for person, ref in zip(people, refs, strict=True):
        if person.index % 5 == 1:  # not a multiple of 2 or 3, so that the notes come in both years and languages
            share.put(f"hakemukset/{ref.split('-')[1]}/haastattelu_{ref}.md", interview_notes_doc(w, person, ref), "md")
    share.put("hakemukset/2025/yhteenveto_kierros1.md", summary_doc(w, people[: min(6, len(people))]), "md")
    share.put("archive/hakujarjestelma_2025-02.log", log_doc(w, people), "log")


def add_archive(share: Share, w: Writer, people: Sequence[Person]) -> None:
    """archive/vanhat_hakemukset.zip: older applications and CVs in year folders, and a guide."""
    path = "archive/vanhat_hakemukset.zip"
    plan: list[tuple[str, str | None]] = [("2021/hakemus_RK-2021-003.docx", "RK-2021-003")]
    plan.append(("2022/kesatyo/hakemus_RK-2022-011.pdf", "RK-2022-011"))
    plan += [("2022/kesatyo/cv_RK-2022-011.odt", None), ("2023/hakemus_RK-2023-007.rtf", "RK-2023-007")]
    members: list[tuple[str, bytes]] = []
    for n, (name, ref) in enumerate(plan):
        person = people[(len(people) - 1 - (n + 1) // 2 * 2) % len(people)]  # the two 2022 files are one person's
        fmt = name.rsplit(".", 1)[-1]
        doc = application_doc(w, person, ref, True) if ref else cv_doc(w, person, fmt, False)
        members.append((name, share.render(f"{path}!{name}", doc, fmt)))
    members.append(
        ("ohjeet/arkistointiohje.md", share.render(f"{path}!ohjeet/arkistointiohje.md", archive_guide(), "md"))
    )
    share.files[path] = zip_bytes(members)


def add_bad_files(share: Share, w: Writer, people: Sequence[Person]) -> None:
    """Files a reader must survive: encrypted, corrupt, image-only, and a zip bomb."""
    person = people[0]
    share.files["cv/cv_salattu.pdf"] = encrypt_pdf(to_pdf(cv_doc(w, person, "pdf", False))[0])
    share.bad["cv/cv_salattu.pdf"] = "encrypted pdf"
    whole = to_docx(cv_doc(w, people[1 % len(people)], "docx", False))
    share.files["cv/cv_rikki.docx"] = whole[: len(whole) * 3 // 5]  # cut before the central directory
    share.bad["cv/cv_rikki.docx"] = "corrupt docx"
    add_scanned(share, w, people)
    share.bombs.append("archive/pommi.zip")
    share.bad["archive/pommi.zip"] = "zip bomb"


def encrypt_pdf(data: bytes) -> bytes:
    writer = pypdf.PdfWriter(clone_from=pypdf.PdfReader(io.BytesIO(data)))
    writer.encrypt(PASSWORD)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def add_scanned(share: Share, w: Writer, people: Sequence[Person]) -> None:
    """A scanned CV with a HETU on it: no text layer, so its entities are what an OCR would read (``scanned``)."""
    person = next((p for p in people[1:] if p.hetu), people[-1])
    doc = cv_doc(w, person, "pdf", False)
    path = "cv/cv_skannattu.pdf"
    share.files[path] = scanned_pdf(to_text(doc, gap="\n"))
    share.bad[path] = "scanned pdf (no text layer)"
    entities = doc.entities
    share.scanned[path] = {"subject": person.pid, "entities": sorted(entities), "cv_like": is_cv_like(entities)}


SCAN_LINES = 40  # lines of text on one scanned page


def scanned_pdf(text: str) -> bytes:
    """A PDF whose pages are only pictures of the text (150 dpi A4), as a scanner makes them: no text layer."""
    font = ImageFont.truetype(str(DEJAVU), 26) if DEJAVU.exists() else ImageFont.load_default(size=26)
    lines = [piece for line in text.splitlines() for piece in textwrap.wrap(line, 70) or [""]]
    pdf = FPDF()
    _new_pdf(pdf, "Skannaus")
    for start in range(0, len(lines), SCAN_LINES):
        if start:
            pdf.add_page()
        image = Image.new("L", (1240, 1754), 255)
        draw = ImageDraw.Draw(image)
        for row, line in enumerate(lines[start : start + SCAN_LINES]):
            draw.text((110, 120 + row * 38), line, fill=0, font=font)
        png = io.BytesIO()
        image.save(png, format="PNG")
        pdf.image(png, x=0, y=0, w=210, h=297)
    return bytes(pdf.output())


def write_zip_bomb(path: Path, size: int = BOMB_BYTES) -> None:
    """One member of zeros, deflated while written in 1 MiB pieces: fast, and the memory stays small."""
    info = zipfile.ZipInfo("nollat.bin", date_time=ZIP_STAMP)
    info.compress_type = zipfile.ZIP_DEFLATED
    chunk = bytes(1 << 20)
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w") as archive, archive.open(info, "w", force_zip64=True) as member:
        for _ in range(size // len(chunk)):
            member.write(chunk)


def build(directory: Path, seed: int = 17, people: int = 24) -> dict[str, Any]:
    """Write the share under ``directory`` and return its manifest (also written as directory/manifest.json)."""
    if people < 1:
        raise ValueError("people must be at least 1")
    directory = Path(directory)
    rng = random.Random(seed)
    faker_fi, faker_en = Faker("fi_FI"), Faker("en_GB")
    faker_fi.seed_instance(seed)
    faker_en.seed_instance(seed)
    w = Writer(rng, faker_fi, faker_en)
    persons = make_people(rng, faker_fi, people)
    numbers = rng.sample(range(1, 1000), people) if people < 1000 else list(range(1, people + 1))
    # Pairs of applicants per year, so that both years get every format (the formats cycle with the index).
    refs = [f"RK-{2024 + person.index // 2 % 2}-{n:03d}" for person, n in zip(persons, numbers, strict=True)]
    share = Share()
    for person, ref in zip(persons, refs, strict=True):
        add_person_files(share, w, person, ref)
    add_mails(share, w, persons)
    add_notes(share, w, persons, refs)
    add_archive(share, w, persons)
    for path, fmt, doc in decoy_docs(w):
        share.put(path, doc, fmt)
    add_bad_files(share, w, persons)
    share.write(directory)
    manifest = {
        "seed": seed,
        "subjects": {person.pid: person.manifest() for person in persons},
        "documents": dict(sorted(share.documents.items())),
        "bad": dict(sorted(share.bad.items())),
        "scanned": share.scanned,
    }
    (directory / "manifest.json").write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", "utf-8")
    return manifest


# --- Verification: read every file back with ordinary readers --------------------------------------------------------


class _HtmlText(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def html_text(data: bytes | str) -> str:
    parser = _HtmlText()
    parser.feed(data.decode("utf-8") if isinstance(data, bytes) else data)
    parser.close()
    return "\n".join(parser.parts)


_RTF_TOKEN = re.compile(r"\\'([0-9a-fA-F]{2})|\\u(-?\d+)\??|\\([a-z]+)(-?\d+)? ?|\\([\\{}])|([{}])|([^\\{}]+)")
_RTF_SKIP = {"fonttbl", "info", "colortbl", "stylesheet"}
_RTF_BREAKS = {"par": "\n", "line": "\n", "page": "\n", "tab": "\t"}


def rtf_text(data: bytes) -> str:
    """Plain text of the RTF written here: escapes decoded, font table and info groups skipped."""
    out: list[str] = []
    skip = [False]
    for hexa, uni, word, _, special, brace, plain in _RTF_TOKEN.findall(data.decode("ascii")):
        if brace == "{":
            skip.append(skip[-1])
        elif brace == "}":
            skip.pop()
        elif word in _RTF_SKIP:
            skip[-1] = True
        elif skip[-1]:
            continue
        elif hexa:
            out.append(bytes([int(hexa, 16)]).decode("cp1252"))
        elif uni:
            out.append(chr(int(uni) % 65536))
        elif word:
            out.append(_RTF_BREAKS.get(word, ""))
        else:
            out.append(special or plain.replace("\r", "").replace("\n", ""))
    return "".join(out)


def pdf_pages(data: bytes) -> list[str]:
    return [page.extract_text() or "" for page in pypdf.PdfReader(io.BytesIO(data)).pages]


def docx_text(data: bytes) -> str:
    document = docx.Document(io.BytesIO(data))
    parts = [p.text for p in document.paragraphs]
    parts += [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    parts += [p.text for section in document.sections for p in section.header.paragraphs]
    return "\n".join(parts)


def odt_text(data: bytes) -> str:
    document = load(io.BytesIO(data))
    elements = document.getElementsByType(odftext.H) + document.getElementsByType(odftext.P)
    return "\n".join(str(teletype.extractText(element)) for element in elements)


def parse_mail(data: bytes) -> EmailMessage:
    message = BytesParser(policy=policy.default).parsebytes(data)
    assert isinstance(message, EmailMessage)
    return message


def mail_text(message: EmailMessage) -> str:
    """The headers a person reads and the body (plain and HTML), without the attachments."""
    parts = [str(message[name]) for name in ("From", "To", "Cc", "Subject") if message[name]]
    for kind in ("plain", "html"):
        body = message.get_body(preferencelist=(kind,))
        if body is not None and body.get_content_subtype() == kind:
            content = body.get_content()
            parts.append(html_text(content) if kind == "html" else content)
    return "\n".join(parts)


def extract_text(name: str, data: bytes) -> str:
    """The text of one document, by its file name's extension."""
    suffix = name.rsplit(".", 1)[-1].lower()
    readers: dict[str, Callable[[bytes], str]] = {
        "pdf": lambda b: "\n".join(pdf_pages(b)),
        "docx": docx_text,
        "odt": odt_text,
        "rtf": rtf_text,
        "html": html_text,
        "eml": lambda b: mail_text(parse_mail(b)),
    }
    reader = readers.get(suffix)
    return reader(data) if reader else data.decode("utf-8")  # Markdown and the log are UTF-8 text


def iter_units(key: str, data: bytes) -> Iterator[tuple[str, bytes]]:
    """(key, bytes) of a file and of everything inside it: zip members and mail attachments, recursively."""
    suffix = key.rsplit("!", 1)[-1].rsplit(".", 1)[-1].lower()
    if suffix == "zip":
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            for info in archive.infolist():
                if not info.is_dir():
                    yield from iter_units(f"{key}!{info.filename}", archive.read(info))
        return
    yield key, data
    if suffix == "eml":
        for part in parse_mail(data).iter_attachments():
            content = part.get_content()
            payload = content.as_bytes() if isinstance(content, EmailMessage) else content
            yield from iter_units(f"{key}!{part.get_filename()}", payload)


def subject_values(subject: dict[str, Any]) -> dict[str, list[str]]:
    """Each planted entity's value in every form a document may write it."""
    values = {PERSON: [subject["name"]], EMAIL: [subject["email"]], PHONE: [subject["phone"]]}
    values[LOCATION] = [subject["street"]]
    if subject["hetu"]:
        values[HETU] = [subject["hetu"]]
    if subject["iban"]:
        values[IBAN] = [subject["iban"]]
    if subject["birth_date"]:
        born = dt.date.fromisoformat(subject["birth_date"])
        values[DOB] = [born.isoformat(), fi_date(born)]
    return values


def compact(text: str) -> str:
    # Readers break lines and drop or add spaces differently; the values never depend on where spaces are.
    return re.sub(r"\s+", "", text)


def _holds(text: str, forms: list[str]) -> bool:
    """Whether compacted ``text`` holds a form; a number must not be part of a longer one (1.2.1985 in 11.2.1985)."""
    for form in map(compact, forms):
        before = r"(?<![\d.])" if form[0].isdigit() else ""
        after = r"(?!\d)" if form[-1].isdigit() else ""
        if re.search(before + re.escape(form) + after, text):
            return True
    return False


# Anything that looks like a planted value must be listed, whoever's it is (decoys hold none).
PATTERNS = {
    EMAIL: re.compile(r"[\w.-]+@[\w-]+\.\w+"),
    HETU: re.compile(r"\b\d{6}[-A]\d{3}[0-9A-Y]\b"),
    IBAN: re.compile(r"\bFI\d{2} ?\d{4}"),
    PHONE: re.compile(r"(?:\+358 \d{2}|\b0\d{1,2}) \d{3,4} \d{4}\b"),
    DOB: re.compile(r"(?:Syntymäaika:|Date of birth:|syntynyt)\s*\d"),
    LOCATION: re.compile(r"\b[A-ZÄÖÅ][a-zäöå]+(?:tie|katu|kuja|polku|rinne|kaari) \d+"),
    BUSINESS_ID: re.compile(r"\b\d{7}-\d\b"),
}


def check_document(key: str, text: str, doc: dict[str, Any], subjects: dict[str, dict[str, Any]]) -> list[str]:
    """What is wrong with one document's manifest entry, given the text a reader got from it."""
    listed = set(doc["entities"])
    problems = _subject_problems(key, compact(text), doc, subjects)
    for entity, pattern in PATTERNS.items():
        match = pattern.search(text)
        if match and entity not in listed:
            problems.append(f"{key}: text looks like {entity} ({match.group()!r}) but it is not listed")
    backed = {entity for pid in doc["subjects"] for entity in subject_values(subjects[pid])}
    for entity in sorted(listed - backed):
        if entity != BUSINESS_ID or not PATTERNS[BUSINESS_ID].search(text):
            problems.append(f"{key}: {entity} listed, but no subject's value or pattern backs it")
    if doc["cv_like"] != is_cv_like(listed):
        problems.append(f"{key}: cv_like does not follow from its entities")
    return problems


def _subject_problems(key: str, flat: str, doc: dict[str, Any], subjects: dict[str, dict[str, Any]]) -> list[str]:
    """Listed values must be there, and every subject's value that is there must be listed (with its subject)."""
    problems: list[str] = []
    for pid, subject in subjects.items():
        for entity, forms in subject_values(subject).items():
            present, listed = _holds(flat, forms), entity in doc["entities"]
            if pid not in doc["subjects"]:
                if present:
                    problems.append(f"{key}: holds the {entity} of {pid}, who is not among its subjects")
            elif listed and not present:
                problems.append(f"{key}: {entity} of {pid} listed but not in the text")
            elif present and not listed:
                problems.append(f"{key}: holds the {entity} of {pid} but does not list it")
    return problems


def check_pages(key: str, data: bytes, doc: dict[str, Any], subjects: dict[str, dict[str, Any]]) -> list[str]:
    """Each entity of a one-subject PDF is on exactly the pages the manifest gives."""
    if not doc.get("pages") or doc["subject"] is None:
        return []
    values = subject_values(subjects[doc["subject"]])
    pages = [compact(text) for text in pdf_pages(data)]
    problems = []
    for entity, listed in doc["pages"].items():
        found = [n for n, text in enumerate(pages, start=1) if _holds(text, values[entity])]
        if found != listed:
            problems.append(f"{key}: {entity} on pages {found}, manifest says {listed}")
    return problems


def check_bad(directory: Path, manifest: dict[str, Any]) -> list[str]:
    problems = []
    for path, reason in manifest["bad"].items():
        problem = _bad_problem(directory / path, reason)
        if problem:
            problems.append(f"{path}: {problem}")
    problems += [
        f"{path}: scanned but not among the bad files" for path in manifest["scanned"] if path not in manifest["bad"]
    ]
    return problems


def _bad_problem(path: Path, reason: str) -> str | None:
    if not path.is_file():
        return "missing"
    if reason == "encrypted pdf":
        reader = pypdf.PdfReader(path)
        if not reader.is_encrypted or not reader.decrypt(PASSWORD) or "@" not in reader.pages[0].extract_text():
            return "not an encrypted PDF with a CV behind the password"
    elif reason == "corrupt docx":
        try:
            docx.Document(str(path))
        except (zipfile.BadZipFile, PackageNotFoundError, KeyError):
            return None
        return "opens as a document"
    elif reason == "zip bomb":
        with zipfile.ZipFile(path) as archive:
            info = archive.infolist()[0]
        if info.file_size <= 200_000_000 or info.compress_size * 200 > info.file_size:
            return f"{info.file_size} bytes from {info.compress_size}: not a bomb"
    elif reason.startswith("scanned pdf"):
        reader = pypdf.PdfReader(path)
        if any((page.extract_text() or "").strip() or not page.images for page in reader.pages):
            return "has a text layer, or no image"
    return None


def verify(directory: Path, manifest: dict[str, Any]) -> list[str]:
    """Problems found by reading every file back: planted values missing or unlisted, stray files, bad files."""
    directory = Path(directory)
    documents, subjects = manifest["documents"], manifest["subjects"]
    units: dict[str, bytes] = {}
    for path in sorted(p for p in directory.rglob("*") if p.is_file()):
        key = path.relative_to(directory).as_posix()
        if key != "manifest.json" and key not in manifest["bad"]:
            units.update(iter_units(key, path.read_bytes()))
    problems = [f"{key}: listed but not found" for key in documents if key not in units]
    problems += [f"{key}: found but not listed" for key in units if key not in documents]
    for key in sorted(set(units) & set(documents)):
        doc = documents[key]
        problems += check_document(key, extract_text(key.rsplit("!", 1)[-1], units[key]), doc, subjects)
        if doc["format"] == "pdf":
            problems += check_pages(key, units[key], doc, subjects)
        if doc["decoy"] and (doc["subjects"] or set(doc["entities"]) - {BUSINESS_ID}):
            problems.append(f"{key}: a decoy with personal data listed")
    return problems + check_bad(directory, manifest)


def summary(manifest: dict[str, Any], seconds: float) -> str:
    docs = manifest["documents"].values()
    formats = Counter(doc["format"] for doc in docs)
    decoys = sum(doc["decoy"] for doc in docs)
    by_format = ", ".join(f"{fmt} {n}" for fmt, n in sorted(formats.items()))
    return (
        f"{len(manifest['documents'])} documents ({by_format}), {len(manifest['subjects'])} subjects, "
        f"{decoys} decoys, {len(manifest['bad'])} bad files, {sum(doc['cv_like'] for doc in docs)} CV-like, "
        f"built in {seconds:.1f} s"
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Write the synthetic HR file share and its manifest.")
    parser.add_argument("out_dir", type=Path)
    parser.add_argument("--seed", type=int, default=17)
    parser.add_argument("--people", type=int, default=24)
    parser.add_argument("--verify", action="store_true", help="read every file back and report problems")
    args = parser.parse_args(argv)
    start = time.perf_counter()
    manifest = build(args.out_dir, seed=args.seed, people=args.people)
    print(f"{args.out_dir}: {summary(manifest, time.perf_counter() - start)}")
    if args.verify:
        problems = verify(args.out_dir, manifest)
        print("\n".join(problems) or "verify: no problems")
        return 1 if problems else 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
