"""Documents: pdscan against text extraction alone on generated letters (issue 25).

Writes N letters (default 200: half DOCX with python-docx, half PDF with fpdf2, seeded), each from a company to a
customer of bench_scan.py's HighCardinality generator: letterhead, recipient's name and street address, a reference
table in some, two to eight paragraphs of generated text holding phones, e-mail addresses, HETUs and IBANs, a
signature; a quarter run to two or three pages. Then measures whole processes, alternating, medians of --repeats
(wall time, cores busy = CPU time / wall time of the child, peak RSS):
  * text extraction alone, in a loop, as a user would write it: pypdf ``page.extract_text()`` for every page of a PDF,
    python-docx paragraphs, tables and headers/footers of a DOCX (the floor of the goal);
  * the same with pypdf's layout mode (``extraction_mode="layout"``, what pdscan uses to keep columns apart), shown
    for where the time goes;
  * ``pdscan scan DIR --full -q -f json -o /dev/null``.
Prints documents/s, the ratio to the plain extraction and the goal (<= 1.5x), with the machine it ran on.
bench/bench_documents.py measures detection quality (and speed in-process) on a mixed HR share.
Run: ``python bench/bench_documents_speed.py [--documents 200] [--repeats 3]``. Timings are printed, never asserted.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_scan import (
    HighCardinality,
    _int,
    compile_bytecode,
    dvv_missing,
    load,
    machine,
    median_runs,
    pdscan_command,
    print_table,
    verdict,
)

DEJAVU = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
EXTRACT = """
import sys
from pathlib import Path

import docx
from pypdf import PdfReader

layout = sys.argv[2] == "layout"
size = 0
for path in sorted(Path(sys.argv[1]).rglob("*")):
    if path.suffix == ".pdf":
        for page in PdfReader(path).pages:
            if layout:
                size += len(page.extract_text(extraction_mode="layout", layout_mode_space_vertically=False))
            else:
                size += len(page.extract_text())
    elif path.suffix == ".docx":
        document = docx.Document(str(path))
        size += sum(len(p.text) for p in document.paragraphs)
        for table in document.tables:
            size += sum(len(cell.text) for row in table.rows for cell in row.cells)
        for section in document.sections:
            for part in (section.header, section.footer):
                if not part.is_linked_to_previous:
                    size += sum(len(p.text) for p in part.paragraphs)
print(size)
"""
COMPANIES = ["Esimerkki Oy", "Pohjolan Sähkö Oy", "Kotivakuutus Keskinäinen", "Kaupungin Vuokra-asunnot Oy",
             "Järvenpään Hammaslääkärit Oy", "Lakiasiaintoimisto Virta & Koski", "Perintä Oy Nordic"]  # fmt: skip
SUBJECTS = ["Laskumuistutus", "Vuokrasopimus", "Vakuutuspäätös", "Ajanvaraus", "Perintäilmoitus", "Sopimusmuutos"]
FILLER = [
    "Kiitämme yhteydenotostanne ja pahoittelemme asian käsittelyn viivästymistä.",
    "Pyydämme teitä tarkistamaan alla olevat tiedot ja ilmoittamaan mahdollisista virheistä.",
    "Päätös on tehty voimassa olevien ehtojen mukaisesti, ja siihen voi hakea oikaisua 30 päivän kuluessa.",
    "Maksu tulee suorittaa eräpäivään mennessä, muuten joudumme perimään viivästyskorkoa korkolain mukaisesti.",
    "Mikäli olette jo maksaneet laskun, tämä muistutus on aiheeton.",
    "Sopimus jatkuu muilta osin ennallaan, ellei jompikumpi osapuoli irtisano sitä kirjallisesti.",
    "Liitteenä on erittely kulusta sekä ohjeet sähköisen asioinnin käyttöön.",
    "Henkilötietojanne käsitellään tietosuojaselosteemme mukaisesti.",
]


def _person(row: list[str]) -> dict[str, str]:
    keys = ["customer", "first", "last", "email", "phone", "hetu", "street", "postal", "city", "company", "ytunnus"]
    keys += ["iban", "created", "status", "amount", "order", "note"]
    return dict(zip(keys, row, strict=True))


def letter(rng: random.Random, person: dict[str, str], clerk: dict[str, str], other: dict[str, str]) -> dict:
    """The blocks of one letter: header lines, recipient, subject, fields (a table), paragraphs, signature."""
    company = rng.choice(COMPANIES)
    date = f"{_int(rng, 1, 28)}.{_int(rng, 1, 12)}.2025"
    paragraphs = [f"Hyvä {person['first']} {person['last']},"]
    facts = [
        f"Asiakasnumeronne on {person['customer']} ja henkilötunnuksenne {person['hetu']}.",
        f"Tavoitatte käsittelijän numerosta {clerk['phone']} arkisin klo 9-16 tai sähköpostitse {clerk['email']}.",
        f"Maksu tilille {person['iban']}, viitenumero {person['order'][1:]}, summa {person['amount']} euroa.",
        f"Olemme päivittäneet osoitteeksenne {person['street']}, {person['postal']} {person['city']}.",
        f"Yhteyshenkilönne {other['first']} {other['last']} (puh. {other['phone']}) hoitaa asiaa lomanne ajan.",
        f"Vahvistus lähetetään osoitteeseen {person['email']}.",
        person["note"],
    ]
    pages = 1 if rng.random() < 0.75 else _int(rng, 2, 3)
    for _ in range(_int(rng, 2, 5) if pages == 1 else pages * _int(rng, 7, 9)):
        text = " ".join(rng.sample(FILLER, _int(rng, 2, 4)))
        if rng.random() < 0.7:
            text += " " + rng.choice(facts)
        paragraphs.append(text)
    fields = None
    if rng.random() < 0.5:
        fields = [("Asiakas", f"{person['first']} {person['last']}"), ("Henkilötunnus", person["hetu"]),
                  ("Puhelin", person["phone"]), ("Sähköposti", person["email"])]  # fmt: skip
    return {
        "header": f"{company} | {clerk['street']}, {clerk['postal']} {clerk['city']} | Y-tunnus {clerk['ytunnus']}",
        "recipient": [f"{person['first']} {person['last']}", person["street"], f"{person['postal']} {person['city']}"],
        "subject": f"{rng.choice(SUBJECTS)} {date}",
        "fields": fields,
        "paragraphs": paragraphs,
        "signature": [
            "Ystävällisin terveisin,",
            f"{clerk['first']} {clerk['last']}",
            company,
            f"puh. {clerk['phone']}",
            clerk["email"],
        ],
    }


def to_docx(blocks: dict, path: Path) -> None:
    import docx

    document = docx.Document()
    document.sections[0].header.paragraphs[0].text = blocks["header"]
    for line in blocks["recipient"]:
        document.add_paragraph(line)
    document.add_heading(blocks["subject"], 1)
    if blocks["fields"]:
        table = document.add_table(rows=0, cols=2)
        for label, value in blocks["fields"]:
            cells = table.add_row().cells
            cells[0].text, cells[1].text = label, value
    for text in blocks["paragraphs"]:
        document.add_paragraph(text)
    for line in blocks["signature"]:
        document.add_paragraph(line)
    document.save(str(path))


def to_pdf(blocks: dict, path: Path, font: str) -> None:
    from fpdf import FPDF

    pdf = FPDF()
    if font == "DejaVu":
        pdf.add_font("DejaVu", fname=str(DEJAVU))
        pdf.add_font("DejaVu", style="B", fname=str(DEJAVU.with_name("DejaVuSans-Bold.ttf")))

    def text(value: str) -> str:  # the core fonts hold Latin-1 only
        return value if font == "DejaVu" else value.encode("latin-1", "replace").decode("latin-1")

    pdf.add_page()
    pdf.set_font(font, size=8)
    pdf.multi_cell(0, 4, text(blocks["header"]), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(8)
    pdf.set_font(font, size=11)
    for line in blocks["recipient"]:
        pdf.cell(0, 6, text(line), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(6)
    pdf.set_font(font, "B", 13)
    pdf.cell(0, 8, text(blocks["subject"]), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(font, size=11)
    if blocks["fields"]:
        for label, value in blocks["fields"]:
            pdf.cell(50, 6, text(label))
            pdf.cell(0, 6, text(value), new_x="LMARGIN", new_y="NEXT")
        pdf.ln(3)
    for paragraph in blocks["paragraphs"]:
        pdf.multi_cell(0, 6, text(paragraph), new_x="LMARGIN", new_y="NEXT")
        pdf.ln(2)
    for line in blocks["signature"]:
        pdf.cell(0, 6, text(line), new_x="LMARGIN", new_y="NEXT")
    pdf.output(str(path))


def write_letters(root: Path, documents: int, seed: int = 25) -> tuple[int, str]:
    """``documents`` letters, alternately DOCX and PDF; the bytes written and the PDF font."""
    generator = HighCardinality(seed)
    rng = random.Random(seed)
    people = [_person(row) for row in generator.rows(3 * documents)]
    font = "DejaVu" if DEJAVU.is_file() and DEJAVU.with_name("DejaVuSans-Bold.ttf").is_file() else "Helvetica"
    root.mkdir(parents=True)
    size = 0
    for number in range(documents):
        person, clerk, other = people[3 * number : 3 * number + 3]
        blocks = letter(rng, person, clerk, other)
        path = root / f"kirje_{number:04d}.{'docx' if number % 2 == 0 else 'pdf'}"
        if path.suffix == ".docx":
            to_docx(blocks, path)
        else:
            to_pdf(blocks, path, font)
        size += path.stat().st_size
    return size, font


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--documents", type=int, default=200)
    parser.add_argument("--repeats", type=int, default=3, help="runs of each process, alternating; medians")
    args = parser.parse_args()
    print(machine())
    print(compile_bytecode())
    why = dvv_missing()
    if why:
        print(f"NOTE: {why.replace('high-cardinality case', 'documents bench')}")
        return
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "letters"
        started = time.perf_counter()
        size, font = write_letters(root, args.documents)
        from pypdf import PdfReader

        pages = sum(len(PdfReader(p).pages) for p in root.glob("*.pdf"))
        print(f"{args.documents} letters ({(args.documents + 1) // 2} DOCX, {args.documents // 2} PDF of {pages} "
              f"pages in {font}; {size / 1e6:.1f} MB), written in {time.perf_counter() - started:.0f} s; "
              f"whole processes, alternating, median of {args.repeats}")  # fmt: skip
        commands = {
            "plain": [sys.executable, "-c", EXTRACT, str(root), "plain"],
            "layout": [sys.executable, "-c", EXTRACT, str(root), "layout"],
            "pdscan": pdscan_command(str(root)),
        }
        results = median_runs(commands, args.repeats)
    labels = {
        "plain": "text extraction (pypdf plain, python-docx)",
        "layout": "text extraction (pypdf layout mode, python-docx)",
        "pdscan": "pdscan scan DIR --full",
    }
    print(f"  {'':<50} {'wall':>8} {'cores':>6} {'peak':>8} {'docs/s':>8}")
    for name, label in labels.items():
        run = results[name]
        print(f"  {label:<50} {run.wall:7.2f}s {run.cores:6.2f} {run.peak_mb:6.0f}MB {args.documents / run.wall:8,.1f}")
    plain, layout, pdscan_run = results["plain"], results["layout"], results["pdscan"]
    ratio = pdscan_run.wall / plain.wall
    print(f"summary (issue 25 goals; timings are printed, never asserted; load average now {load()}):")
    print_table(
        [
            (
                f"documents, {args.documents} DOCX/PDF letters",
                f"{args.documents / pdscan_run.wall:,.1f} docs/s ({pdscan_run.wall:.2f} s)",
                f"{args.documents / plain.wall:,.1f} docs/s extraction ({plain.wall:.2f} s)",
                f"{ratio:.2f}x",
                "<= 1.5x",
                verdict(ratio <= 1.5),
            ),
            (
                "  (against layout-mode extraction)",
                "",
                f"{args.documents / layout.wall:,.1f} docs/s ({layout.wall:.2f} s)",
                f"{pdscan_run.wall / layout.wall:.2f}x",
                "",
                "",
            ),
            ("documents cores busy", f"{pdscan_run.cores:.2f}", f"{plain.cores:.2f} extraction", "", "", ""),
        ]
    )


if __name__ == "__main__":
    main()
