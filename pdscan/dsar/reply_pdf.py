"""``reply.pdf``: the access reply (:mod:`pdscan.dsar.reply`) as an A4 document, written with fpdf2 (pure Python).

A Unicode TrueType font of the system is used when one is found (DejaVu, Liberation, Noto, Arial), so that every
name prints as written; without one, the PDF core font Helvetica prints Latin-1, and other letters lose their
accents (Łukasz -> Lukasz) rather than the reply failing.
"""

from __future__ import annotations

import unicodedata
from pathlib import Path
from typing import Any

# Regular and bold faces, in order of preference.
_FONTS = (
    ("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"),
    ("/usr/share/fonts/dejavu/DejaVuSans.ttf", "/usr/share/fonts/dejavu/DejaVuSans-Bold.ttf"),
    ("/usr/share/fonts/TTF/DejaVuSans.ttf", "/usr/share/fonts/TTF/DejaVuSans-Bold.ttf"),
    (
        "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
        "/usr/share/fonts/truetype/liberation/LiberationSans-Bold.ttf",
    ),
    ("/usr/share/fonts/truetype/noto/NotoSans-Regular.ttf", "/usr/share/fonts/truetype/noto/NotoSans-Bold.ttf"),
    ("/System/Library/Fonts/Supplemental/Arial.ttf", "/System/Library/Fonts/Supplemental/Arial Bold.ttf"),
    ("C:/Windows/Fonts/arial.ttf", "C:/Windows/Fonts/arialbd.ttf"),
)


def write_pdf(reply: dict[str, Any], path: Path) -> None:
    from fpdf import FPDF  # loaded only when a package is written

    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(True, margin=15)
    pdf.set_title(reply["title"])
    pdf.set_lang(reply["lang"])
    faces = next(((r, b) for r, b in _FONTS if Path(r).exists() and Path(b).exists()), None)
    if faces is not None:
        pdf.add_font("body", "", faces[0])
        pdf.add_font("body", "B", faces[1])
        family = "body"

        def clean(value: object) -> str:
            return str(value)

    else:
        family = "helvetica"

        def clean(value: object) -> str:
            return "".join(_core(c) for c in unicodedata.normalize("NFC", str(value)))

    pdf.add_page()

    def heading(value: str, size: int) -> None:
        pdf.set_font(family, "B", size)
        pdf.multi_cell(0, size * 0.5, clean(value), new_x="LMARGIN", new_y="NEXT")
        pdf.ln(2)

    def paragraph(value: str, bold: bool = False) -> None:
        pdf.set_font(family, "B" if bold else "", 10)
        pdf.multi_cell(0, 5, clean(value), new_x="LMARGIN", new_y="NEXT")
        pdf.ln(2)

    labels = reply["labels"]
    heading(reply["title"], 16)
    if reply["draft"]:
        paragraph(reply["draft"], bold=True)
    paragraph(reply["basis"])
    controller = reply["controller"]
    contact = f" ({labels['contact']}: {controller['contact']})" if controller["contact"] else ""
    paragraph(f"{labels['controller']}: {controller['name']}{contact}. {labels['date']}: {reply['date']}.")
    paragraph(f"{reply['searched_with']} {reply['processed']}")
    if reply["locations"]:
        heading(reply["data_heading"], 12)
        pdf.set_font(family, "", 8)
        with pdf.table(col_widths=(25, 30, 10, 60, 35), text_align=("LEFT", "LEFT", "RIGHT", "LEFT", "LEFT")) as table:
            head = table.row()
            for key in ("th_system", "th_place", "th_rows", "th_data", "th_file"):
                head.cell(clean(labels[key]))
            for location in reply["locations"]:
                row = table.row()
                for value in (location["system"], location["place"], location["rows"], location["data"]):
                    row.cell(clean(value))
                row.cell(clean(", ".join(location["files"])))
        pdf.ln(3)
        paragraph(reply["attachments"])
        heading(reply["copy_heading"], 12)
        for copy in reply["copies"]:
            heading(copy["heading"], 10)
            for row in copy["rows"]:
                paragraph(row["label"], bold=True)
                for field in row["fields"]:
                    paragraph(f"{field['name']}: {field['value']}")
            if copy["more"]:
                paragraph(copy["more"])
    for section in reply["sections"]:
        heading(section["heading"], 12)
        for value in section["paragraphs"]:
            paragraph(value)
        for item in section["items"]:
            paragraph(f"- {item}")
    pdf.output(str(path))


# Letters and signs beyond Latin-1 that the core font cannot print, as it can.
_CORE = {"Ł": "L", "ł": "l", "Đ": "D", "đ": "d", "—": "-", "–": "-", "’": "'", "‘": "'", "“": '"', "”": '"',
         "„": '"', "…": "...", "€": "EUR", "•": "-"}  # fmt: skip


def _core(char: str) -> str:
    """A character as the core font prints it (Latin-1, what fpdf2's core fonts hold): itself (ä, å, é), a spelling
    it can print (Ł -> L, ż -> z, — -> -, € -> EUR), or ``?``."""
    if ord(char) < 256:
        return char
    if char in _CORE:
        return _CORE[char]
    base = "".join(c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c))
    return base if base and all(ord(c) < 256 for c in base) else "?"
