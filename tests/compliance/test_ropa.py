"""The record of processing activities (GDPR Art. 30): `pdscan declarations ropa` of both shipped declarations, in
every format, read back: every purpose, group and category word for word, what the declaration does not say marked to
be completed in the record's language, headings by --lang, and with an inventory where each category is stored and
when it was last seen, never a value."""

from __future__ import annotations

import csv
import datetime as dt
import html
import io
import re
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from pdscan.cli.main import main
from pdscan.compliance.declaration import Declaration, Purpose, Subject, load_declaration
from pdscan.compliance.ropa import TEXTS, StoredAt, build_ropa

SEEDS = ("entrack", "entteri")
FORMATS = (".xlsx", ".ods", ".md", ".html")
MARKER = {"fi": "[TÄYDENNETTÄVÄ:", "sv": "[SKA KOMPLETTERAS:", "en": "[TO BE COMPLETED:"}


def invoke(*args: str, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(main, list(args), catch_exceptions=False, env=env)


def xlsx_sheets(path: Path) -> dict[str, list[list[str]]]:
    from openpyxl import load_workbook

    workbook = load_workbook(path)
    return {
        ws.title: [["" if v is None else str(v) for v in row] for row in ws.iter_rows(values_only=True)]
        for ws in workbook.worksheets
    }


def ods_sheets(path: Path) -> dict[str, list[list[str]]]:
    from odf import teletype
    from odf.opendocument import load
    from odf.table import Table, TableCell, TableRow
    from odf.text import P

    sheets = {}
    for table in load(str(path)).spreadsheet.getElementsByType(Table):
        rows = []
        for row in table.getElementsByType(TableRow):
            rows.append(
                [
                    "\n".join(teletype.extractText(p) for p in c.getElementsByType(P))
                    for c in row.getElementsByType(TableCell)
                ]
            )
        sheets[str(table.getAttribute("name"))] = rows
    return sheets


def sheets(path: Path) -> dict[str, list[list[str]]]:
    return xlsx_sheets(path) if path.suffix == ".xlsx" else ods_sheets(path)


def activities(rows: list[list[str]], lang: str) -> tuple[list[str], list[list[str]]]:
    """The processing activities table under the controller block: its header and its rows (until the blank row)."""
    first = TEXTS["col.purpose"][lang]
    start = next(i for i, row in enumerate(rows) if row and row[0] == first)
    body = []
    for row in rows[start + 1 :]:
        if not any(row):
            break
        body.append(row)
    return rows[start], body


def text_of(path: Path) -> str:
    content = path.read_text(encoding="utf-8")
    if path.suffix == ".html":
        content = html.unescape(re.sub(r"<[^>]+>", "\n", content))
    return content


def write(tmp_path: Path, name: str, extension: str, *more: str) -> tuple[Path, Result]:
    output = tmp_path / f"{name}{extension}"
    result = invoke("declarations", "ropa", name, "-o", str(output), *more)
    assert result.exit_code == 0, result.output
    return output, result


@pytest.mark.parametrize("name", SEEDS)
@pytest.mark.parametrize("extension", [".xlsx", ".ods"])
def test_the_spreadsheet_has_every_purpose_group_and_category_word_for_word(
    tmp_path: Path, name: str, extension: str
) -> None:
    declaration = load_declaration(name)
    output, _ = write(tmp_path, name, extension)
    book = sheets(output)
    assert list(book) == [TEXTS["sheet.activities"]["fi"], TEXTS["sheet.categories"]["fi"]]
    header, rows = activities(book[TEXTS["sheet.activities"]["fi"]], "fi")
    assert header[:8] == [TEXTS[f"col.{k}"]["fi"] for k in ("purpose", "basis", "group", "categories")] + [
        TEXTS[f"col.{k}"]["fi"] for k in ("recipients", "transfers", "retention", "security")
    ]
    # One row per purpose and subject group, in the declaration's order, with the group's categories.
    expected = [(p.name, s.name) for p in declaration.purposes for s in declaration.subjects]
    assert [(row[0], row[2]) for row in rows] == expected
    for row in rows:
        subject = next(s for s in declaration.subjects if s.name == row[2])
        assert row[3].split("\n") == [c.name for c in declaration.categories if subject.id in c.subjects]
        assert row[4].split("\n") == [r["name"] for r in declaration.recipients]
    categories = book[TEXTS["sheet.categories"]["fi"]]
    assert [row[0] for row in categories[1:] if row and row[0]] == [c.name for c in declaration.categories]
    everything = "\n".join(cell for sheet in book.values() for row in sheet for cell in row)
    assert declaration.controller["name"] in everything.split("\n")


@pytest.mark.parametrize("name", SEEDS)
@pytest.mark.parametrize("extension", [".md", ".html"])
def test_markdown_and_html_have_every_name_word_for_word(tmp_path: Path, name: str, extension: str) -> None:
    declaration = load_declaration(name)
    output, _ = write(tmp_path, name, extension)
    content = text_of(output)
    names = [
        declaration.controller["name"],
        *(p.name for p in declaration.purposes),
        *(s.name for s in declaration.subjects),
        *(c.name for c in declaration.categories),
        *(r["name"] for r in declaration.recipients),
    ]
    assert [n for n in names if n not in content] == []
    assert TEXTS["title"]["fi"] in content and MARKER["fi"] in content
    if extension == ".md":  # every table line has as many cells as its header
        table = [line for line in content.splitlines() if line.startswith("| ")]
        assert table and {line.count(" | ") for line in table} <= {7, 3}


def test_legal_bases_are_article_6_words_and_missing_fields_are_marked(tmp_path: Path) -> None:
    output, result = write(tmp_path, "entrack", ".xlsx")
    _, rows = activities(xlsx_sheets(output)[TEXTS["sheet.activities"]["fi"]], "fi")
    by_purpose = {row[0]: row for row in rows}
    assert by_purpose["Palvelun tarjoamiseen, toimittamiseen ja asiakashallintaan"][1] == (
        "sopimuksen täytäntöönpano (6 artiklan 1 kohdan b alakohta)"
    )
    assert by_purpose["Markkinointiin ja viestintään"][1].split("\n") == [
        "rekisteröidyn suostumus (6 artiklan 1 kohdan a alakohta)",
        "rekisterinpitäjän tai kolmannen osapuolen oikeutettu etu (6 artiklan 1 kohdan f alakohta)",
    ]
    # Entrack's notice gives no legal basis for HR, no retention period, no third country; no declaration describes
    # security measures: each is marked to be completed, never invented.
    hr = by_purpose["Henkilöhallintoon"]
    assert hr[1].startswith(MARKER["fi"])
    for row in rows:
        assert row[6].startswith(MARKER["fi"]), row[6]  # "Not stated" is no retention
        assert row[7].startswith(MARKER["fi"])
        assert row[5].split("\n")[0] == TEXTS["transfers_yes"]["fi"]
        assert MARKER["fi"] in row[5].split("\n")[1]  # the countries
        assert "Entrack Oy kuitenkin huolehtii" in row[5]  # the safeguards, in the notice's words
    # Counted on standard error, as `pdscan find` does for its reply.
    marked = sum(cell.count(MARKER["fi"]) for sheet in xlsx_sheets(output).values() for r in sheet for cell in r)
    assert f"pdscan: {marked} cells of the record are marked to be completed" in result.stderr
    assert "legal basis" in result.stderr and "security measures" in result.stderr
    assert "16 rows (4 purposes x 4 subject groups)" in result.stderr


def test_what_the_declaration_gives_is_not_marked(tmp_path: Path) -> None:
    # Entteri names its DPO, a legal basis for every purpose and a retention statement.
    output, result = write(tmp_path, "entteri", ".xlsx")
    book = xlsx_sheets(output)
    sheet = book[TEXTS["sheet.activities"]["fi"]]
    block = {row[0]: row[1] for row in sheet[:12] if row and row[0]}
    assert block[TEXTS["dpo"]["fi"]] == "dpo@planmeca.com"
    assert block[TEXTS["contact"]["fi"]] == "tietosuojavastaava@entteri.fi"
    _, rows = activities(sheet, "fi")
    for row in rows:
        assert MARKER["fi"] not in row[1] and MARKER["fi"] not in row[6]
        assert row[6].startswith("Yleisesti ottaen Entteri käsittelee")  # the notice's own words, in Finnish
    assert "data protection officer" not in result.stderr and "retention" not in result.stderr


@pytest.mark.parametrize(
    ("lang", "purpose", "marker_text"),
    [
        ("fi", "Käsittelyn tarkoitus", "täydennettävä"),
        ("sv", "Ändamål med behandlingen", "ska kompletteras"),
        ("en", "Purpose of the processing", "to be completed"),
    ],
)
def test_lang_changes_the_headings_not_the_names(tmp_path: Path, lang: str, purpose: str, marker_text: str) -> None:
    declaration = load_declaration("entrack")
    output, result = write(tmp_path, "entrack", ".xlsx", "--lang", lang)
    book = xlsx_sheets(output)
    assert list(book) == [TEXTS["sheet.activities"][lang], TEXTS["sheet.categories"][lang]]
    header, rows = activities(book[TEXTS["sheet.activities"][lang]], lang)
    assert header[0] == purpose
    assert rows[0][0] == declaration.purposes[0].name  # the purpose as the notice words it, in every language
    assert rows[0][2] == declaration.subjects[0].name
    assert any(marker_text in cell.lower() for row in rows for cell in row)
    assert f"({lang})" in result.stderr
    others = {other for other in ("fi", "sv", "en") if other != lang}
    assert not any(MARKER[o] in cell for o in others for row in rows for cell in row)


def test_the_default_language_is_the_notices(tmp_path: Path) -> None:
    output = tmp_path / "ropa.md"
    result = invoke("declarations", "ropa", "entteri", "-o", str(output), env={"LC_ALL": "sv_SE.UTF-8"})
    assert result.exit_code == 0
    assert output.read_text(encoding="utf-8").startswith(f"# {TEXTS['title']['fi']}")


def test_a_bad_extension_is_one_clear_line_and_exit_2(tmp_path: Path) -> None:
    result = invoke("declarations", "ropa", "entrack", "-o", str(tmp_path / "ropa.pdf"))
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("Error: ") and ".xlsx, .ods, .md, .html" in lines[0] and "'.pdf'" in lines[0]
    assert not (tmp_path / "ropa.pdf").exists()


def test_a_missing_declaration_or_inventory_is_exit_2(tmp_path: Path) -> None:
    result = invoke("declarations", "ropa", "entrak", "-o", str(tmp_path / "ropa.xlsx"))
    assert result.exit_code == 2 and "entrack" in result.stderr  # did you mean
    result = invoke(
        "declarations", "ropa", "entrack", "--inventory", str(tmp_path / "none.sqlite"), "-o", str(tmp_path / "r.md")
    )
    assert result.exit_code == 2 and "no inventory here yet" in result.stderr
    assert not (tmp_path / "r.md").exists()


# -- with an inventory ----------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def inventory(tmp_path_factory: pytest.TempPathFactory, sample_dir: Path) -> Path:
    path = tmp_path_factory.mktemp("ropa") / "inventory.sqlite"
    result = invoke("scan", str(sample_dir), "--declaration", "entrack", "--inventory", str(path), "-q")
    assert result.exit_code in (0, 1), result.output
    return path


_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}|^\d{1,2}\.\d{1,2}\.\d{4}$")


def raw_values(sample_dir: Path) -> set[str]:
    """Values of the sample data that are personal data beyond doubt: e-mail addresses, and anything with five
    digits or more (HETUs, IBANs, phone numbers, customer numbers)."""
    values = set()
    for path in sample_dir.glob("*.csv"):
        data = path.read_bytes()
        try:
            content = data.decode("utf-8")
        except UnicodeDecodeError:  # the sample data has a Windows-1252 export too
            content = data.decode("cp1252")
        dialect = csv.Sniffer().sniff(content[:4096], delimiters=",;")
        for row in csv.reader(io.StringIO(content), dialect):
            for value in row:
                if _DATE.match(value):
                    continue  # a date could be the day the inventory's run saw it
                if len(value) >= 6 and ("@" in value or len(re.findall(r"\d", value)) >= 5):
                    values.add(value)
    return values


@pytest.mark.parametrize("extension", FORMATS)
def test_the_inventory_adds_where_and_when_never_a_value(
    tmp_path: Path, inventory: Path, sample_dir: Path, extension: str
) -> None:
    output, result = write(tmp_path, "entrack", extension, "--inventory", str(inventory))
    today = dt.datetime.now(dt.timezone.utc).date().isoformat()
    if extension in (".xlsx", ".ods"):
        book = sheets(output)
        categories = book[TEXTS["sheet.categories"]["fi"]]
        assert categories[0][4:6] == [TEXTS["col.stored"]["fi"], TEXTS["col.last_seen"]["fi"]]
        by_name = {row[0]: row for row in categories[1:] if row and row[0]}
        payroll = by_name["palkanmaksuun ja lakisääteisiin velvoitteisiin tarvittavat tiedot"]
        # The folder as it was scanned (here an absolute path), the file, its columns holding the category, its group.
        assert f"{sample_dir}/hr_henkilosto.csv (2 saraketta; Työntekijät)" in payroll[4].split("\n")
        assert payroll[5] == today
        assert by_name["työnimike"][4] == TEXTS["not_seen"]["fi"]  # declared, no detector: said, not invented
        header, rows = activities(book[TEXTS["sheet.activities"]["fi"]], "fi")
        assert header[8:10] == [TEXTS["col.stored"]["fi"], TEXTS["col.last_seen"]["fi"]]
        staff = next(row for row in rows if row[2] == "Työntekijät")
        assert any(line.startswith(f"{sample_dir}/hr_henkilosto.csv") for line in staff[8].split("\n"))
        customers = next(row for row in rows if row[2] == "Asiakkaat")
        # The staff table holds employees' data: it is not listed as a place of the customers' data.
        assert not any(line.startswith(f"{sample_dir}/hr_henkilosto.csv") for line in customers[8].split("\n"))
        everything = "\n".join(cell for sheet in book.values() for row in sheet for cell in row)
    else:
        everything = text_of(output)
        assert "sample_data/hr_henkilosto.csv" in everything and today in everything
    assert str(inventory) in everything  # which inventory, named
    raw = raw_values(sample_dir)
    assert len(raw) > 1000  # e-mails, phones, HETUs, IBANs, customer numbers of the sample data
    leaked = [value for value in raw if value in everything]
    assert leaked == []
    assert "pdscan:" in result.stderr


def test_a_database_source_is_named_without_its_password() -> None:
    declaration = load_declaration("entteri")
    place = StoredAt("postgresql://pdscan:***@db.example/crm: public.customers", None, 3, "2026-05-01T10:00:00+00:00")
    ropa = build_ropa(declaration, "en", {0: [place]}, ("postgresql://pdscan:***@db.example/inv", "#4; 2026-05-01"))
    assert ropa.category_rows[0][4] == ["postgresql://pdscan:***@db.example/crm: public.customers (3 columns)"]
    assert ropa.category_rows[0][5] == ["2026-05-01"]


def test_stored_places_mask_database_urls(tmp_path: Path) -> None:
    from pdscan.inventory.ropa import stored_categories
    from pdscan.inventory.store import Inventory
    from pdscan.model import Finding, Location, ScanResult

    with Inventory(str(tmp_path / "inv.sqlite")) as store:
        source = "postgresql://pdscan:secret@db.example/crm"
        run = store.start_run(["postgresql://pdscan:***@db.example/crm"], {})
        finding = Finding(
            source="postgresql://pdscan:***@db.example/crm",
            location=Location(schema="public", table="customers", column="email"),
            entity="EMAIL_ADDRESS",
            rules=["email"],
            confidence="high",
            score=0.9,
            match_count=10,
            values_scanned=10,
            rows_scanned=10,
            reasons=[],
            samples=[],
            categories=["user.contact.email"],
        )
        now = dt.datetime.now(dt.timezone.utc).isoformat()
        result = ScanResult(tool={}, started_at=now, finished_at=now, options={}, findings=[finding])
        store.finish_run(run, result)
        storage, runs = stored_categories(store, load_declaration("entteri"))
    places = [p for stored in storage.values() for p in stored]
    assert places and all("secret" not in p.place for p in places)
    assert places[0].place == "postgresql://pdscan:***@db.example/crm: public.customers"
    assert runs.startswith("#1; ")
    assert source not in str(storage)


# -- the library ---------------------------------------------------------------------------------------------------


def _declaration(**changes: Any) -> Declaration:
    base = load_declaration("entteri")
    values = {**base.__dict__, **changes}
    return Declaration(**values)


def test_a_declaration_that_says_little_is_marked_not_invented() -> None:
    bare = _declaration(
        controller={"name": "Esimerkki Oy"},
        purposes=(),
        recipients=(),
        transfers={},
        retention={},
    )
    ropa = build_ropa(bare, "sv")
    assert len(ropa.rows) == len(bare.subjects)  # one row per group, its purpose to be completed
    for row in ropa.rows:
        for index in (0, 1, 4, 5, 6, 7):
            assert row[index][0].startswith(MARKER["sv"]), (index, row[index])
    block = dict(ropa.header)
    assert block[TEXTS["contact"]["sv"]][0].startswith(MARKER["sv"])
    assert block[TEXTS["dpo"]["sv"]][0].startswith(MARKER["sv"])
    assert set(ropa.missing) == {
        "contact",
        "dpo",
        "purpose",
        "basis",
        "recipients",
        "transfers",
        "retention",
        "security",
    }
    assert ropa.to_complete == 2 + 6 * len(bare.subjects)


def test_retention_periods_apply_to_their_groups() -> None:
    # The machine-readable retention of issue 27 (retention.periods, per subject group), when a declaration has it.
    from pdscan.compliance.declaration import RetentionPeriod

    retention = {"statement": "3 years after the customer relationship ends."}
    periods = (
        RetentionPeriod("P3Y", ("customer_contacts",)),
        RetentionPeriod("P6M", ("partners",), ("sopimus_paattyi",)),
        RetentionPeriod("P1Y"),  # every group the others do not name
    )
    ropa = build_ropa(_declaration(retention=retention, retention_periods=periods), "en")
    by_group = {row[2][0]: row[6] for row in ropa.rows}
    assert by_group["Nykyisten, potentiaalisten ja entisten asiakkaiden yhteyshenkilöt"] == [
        "P3Y from the row's latest date",
        "3 years after the customer relationship ends.",
    ]
    assert by_group["Yhteistyötahot ja liiketoimintakumppanit"][0] == "P6M from sopimus_paattyi"
    assert by_group["Terveydenhuollon ammattilaiset"][0] == "P1Y from the row's latest date"


def test_a_category_without_subjects_is_on_every_groups_row_and_no_transfer_is_said() -> None:
    declaration = _declaration(
        subjects=(Subject("a", "Ryhmä A", "x"), Subject("b", "Ryhmä B", "x")),
        categories=tuple(
            c.__class__(c.name, c.keys, ("a", "b") if i == 0 else ("a",), c.source)
            for i, c in enumerate(load_declaration("entteri").categories[:2])
        ),
        purposes=(Purpose("Asiakkuus", ("contract",), "x"),),
        transfers={"outside_eea": False},
    )
    ropa = build_ropa(declaration, "fi")
    assert [row[3] for row in ropa.rows] == [[c.name for c in declaration.categories], [declaration.categories[0].name]]
    assert all(row[5] == [TEXTS["transfers_no"]["fi"]] for row in ropa.rows)
