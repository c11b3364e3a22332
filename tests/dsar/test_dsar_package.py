"""Issue 26: what `pdscan find` hands over. Phone numbers kept as integers are searched; the package shows the
person's own data whole and masks other people's identifiers (also in shared rows and integer columns); a partial
search is no answer (exit 2, said in the text, the JSON and the package); name-only rows are listed with their keys.
Databases are real (SQLite; PostgreSQL when the test servers run, else skipped with the reason)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import docx
import pypdf
import pytest
import sqlalchemy as sa
from click.testing import CliRunner, Result
from databases import postgres_empty

from pdscan.cli.main import main
from pdscan.dsar.export import export_row, mask_others
from pdscan.dsar.identity import Person
from pdscan.dsar.reply import build_reply
from pdscan.dsar.search import find

EMAIL = "matti.virtanen@example.fi"
PERSON = Person.from_identifiers(emails=[EMAIL], phones=["040 123 4567"], names=["Matti Virtanen"])


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    def build(url: str) -> str:
        engine = sa.create_engine(url)
        meta = sa.MetaData()
        phones = sa.Table(
            "puhelinluettelo",
            meta,
            sa.Column("id", sa.Integer, primary_key=True),
            sa.Column("phone_number", sa.BigInteger),
            sa.Column("order_no", sa.BigInteger),  # not named for phones: never compared with one
        )
        with engine.begin() as conn:
            meta.create_all(conn)
            conn.execute(
                phones.insert(),
                [
                    {"id": 1, "phone_number": 358401234567, "order_no": 1},
                    {"id": 2, "phone_number": 401234567, "order_no": 2},
                    {"id": 3, "phone_number": 358505551234, "order_no": 401234567},
                ],
            )
        engine.dispose()
        return url

    if request.param == "sqlite":
        yield build(f"sqlite:///{tmp_path / 'crm.sqlite'}")
    else:
        with postgres_empty() as url:
            yield build(url)


def test_phone_numbers_kept_as_integers_are_found(database: str) -> None:
    result = find(PERSON, [database])
    assert sorted(m.key["id"] for m in result.matches) == [1, 2]
    assert all(m.kind == "direct" for m in result.matches)
    assert not result.errors


def test_the_persons_own_data_is_whole_and_others_are_masked() -> None:
    # Their own row: a phone the search did not name and their dates are theirs, shown as they are.
    own = {"email": EMAIL, "phone": "050 999 8888", "born": "1985-03-12", "note": "Soitettu 3.5.2021 klo 12.30"}
    assert export_row(PERSON, own, own_row=True) == own
    # A shared row (a message): the other person's address and phone are masked, the person's own are not.
    message = {"from": EMAIL, "to": "liisa.laine@example.fi", "to_phone": "050 555 1234", "sent": "2021-05-03"}
    shown = export_row(PERSON, message, own_row=True)
    assert shown["from"] == EMAIL and shown["sent"] == "2021-05-03"
    assert "liisa" not in shown["to"] and "555" not in shown["to_phone"]
    # Free text of their own row: dates and amounts stay, another person's identifiers and name go.
    text = "Soitin 2021-05-03 Liisa Laineelle (liisa.laine@example.fi, 050 555 1234), lasku 12.03.2021: 1 234,50 €"
    masked = mask_others(PERSON, text, own_row=True)
    assert "2021-05-03" in masked and "12.03.2021" in masked and "1 234,50" in masked
    assert "liisa" not in masked.lower() and "555 1234" not in masked
    # A related row (an order pointing at the person): another person's phone kept as an integer is masked, an
    # order number of the same length is not (its column is not named for phones).
    order = {"order_no": 401234999, "contact_phone": 358505551234, "customer": EMAIL}
    related = export_row(PERSON, order, own_row=False)
    assert related["order_no"] == 401234999 and related["customer"] == EMAIL
    assert "555" not in str(related["contact_phone"])


def _folder(tmp_path: Path) -> Path:
    folder = tmp_path / "exports"
    folder.mkdir()
    (folder / "asiakkaat.csv").write_text(
        f"nimi;email;puhelin\nMatti Virtanen;{EMAIL};040 123 4567\nLiisa Laine;liisa@example.fi;050 555 1234\n",
        encoding="utf-8",
    )
    (folder / "kirjeet.csv").write_text("kuka;aihe\nMatti Virtanen;tarjous\n", encoding="utf-8")  # name only
    (folder / "rikki.xlsx").write_bytes(b"not a workbook")  # cannot be searched
    return folder


def test_a_partial_search_is_no_answer(tmp_path: Path) -> None:
    folder = _folder(tmp_path)
    inventory = str(tmp_path / "inventory.sqlite")
    base = ["find", "--email", EMAIL, "--name", "Matti Virtanen", str(folder), "--inventory", inventory]
    as_json = CliRunner().invoke(main, [*base, "-f", "json"])
    assert as_json.exit_code == 2
    document = json.loads(as_json.stdout)
    assert document["complete"] is False and any("rikki.xlsx" in json.dumps(e) for e in document["errors"])
    assert document["summary"]["direct"] == 1  # what could be searched is still reported
    assert "the search is incomplete" in as_json.stderr
    as_text = CliRunner().invoke(main, [*base, "--export", str(tmp_path / "package")])
    assert as_text.exit_code == 2 and "INCOMPLETE: 1 table(s)/file(s)" in as_text.stdout
    assert "rikki.xlsx" in as_text.stdout and "Traceback" not in as_text.output
    index = json.loads((tmp_path / "package" / "index.json").read_text(encoding="utf-8"))
    assert index["complete"] is False
    summary = (tmp_path / "package" / "summary.md").read_text(encoding="utf-8")
    assert "**This search is incomplete**" in summary and "rikki.xlsx" in summary
    assert "This search is incomplete" in (tmp_path / "package" / "summary.html").read_text(encoding="utf-8")
    # The name-only row is listed for review with its key (the data row in the file), not exported.
    assert "kirjeet.csv · row 1" in summary
    (folder / "rikki.xlsx").unlink()
    complete = CliRunner().invoke(main, [*base, "-f", "json"])
    assert complete.exit_code == 0 and json.loads(complete.stdout)["complete"] is True


def _package(tmp_path: Path, *extra: str) -> tuple[Path, Result]:
    folder = tmp_path / "exports"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "asiakkaat.csv").write_text(
        f"nimi;email;puhelin;syntynyt\nMatti Virtanen;{EMAIL};040 123 4567;1985-03-12\n"
        "Liisa Laine;liisa@example.fi;050 555 1234;1990-01-01\n",
        encoding="utf-8",
    )
    letter = docx.Document()
    for line in ("Hakemus", "Matti Virtanen", EMAIL, "Suosittelija Liisa Laine, liisa@example.fi", "Harrastukset"):
        letter.add_paragraph(line)
    letter.save(str(folder / "hakemus.docx"))
    package = tmp_path / "package"
    args = ["find", "--email", EMAIL, str(folder), "--inventory", str(tmp_path / "inv.sqlite"), "--export"]
    result = CliRunner().invoke(main, [*args, str(package), *extra])
    return package, result


def test_the_reply_in_finnish_is_complete_and_names_no_internal_place(tmp_path: Path) -> None:
    package, result = _package(tmp_path, "--declaration", "entteri")  # notice in Finnish: the reply too
    assert result.exit_code == 0, result.output
    reply = (package / "reply.md").read_text(encoding="utf-8")
    assert reply.startswith("# Vastaus pyyntöönne saada pääsy henkilötietoihinne")
    for owed in (
        "Entteri (Planmeca-konserni)",  # the controller, in the declaration's words
        "Käsittelyn tarkoitukset ja oikeusperusteet",
        "(sopimus, oikeutettu etu)",
        "Käsiteltävät henkilötietoryhmät",
        "Tietojen vastaanottajat",
        "Säilytysaika",
        "asiakassuhteen keston ajan",  # the notice's own words for the retention
        "(16 artikla)",
        "(20 artikla)",
        "(21 artikla)",
        "Tietosuojavaltuutetun toimisto",
        "Automaattinen päätöksenteko",
        "| tiedostot | asiakkaat.csv | 1 |",  # where the data is, in plain words
        "Sähköpostiosoite",
        "## Jäljennös tiedoistanne",  # the copy itself, readable: their own row whole
        "- syntynyt: 1985-03-12",
        f"- email: {EMAIL}",
    ):
        assert owed in reply, owed
    # What the notice does not say is marked, never invented, and the DPO is told.
    # The notice says where the data comes from (quoted in the declaration), not whether decisions are automated.
    assert "- Henkilö itse (yhteydenotot, ostot, tapahtumiin osallistuminen)" in reply
    assert reply.count("[TÄYDENNETTÄVÄ:") == 1 and "1 passage marked to be completed" in result.stderr
    sent = [p for p in package.iterdir() if not p.name.startswith(("index", "summary"))]
    pdf_text = "".join(page.extract_text() for page in pypdf.PdfReader(package / "reply.pdf").pages)
    assert "Vastaus pyyntöönne" in pdf_text and "Tietosuojavaltuutetun" in pdf_text and "1985-03-12" in pdf_text
    for path in sent:
        content = pdf_text if path.suffix == ".pdf" else path.read_text(encoding="utf-8")
        assert str(tmp_path) not in content and "sqlite:" not in content, path.name
    assert (package / "reply.html").read_text(encoding="utf-8").startswith('<!DOCTYPE html>\n<html lang="fi">')


def test_the_reply_in_swedish_and_english_and_a_declaration_that_says_everything(tmp_path: Path) -> None:
    declaration = tmp_path / "full.yaml"
    declaration.write_text(
        Path("rules/declarations/entteri.yaml").read_text(encoding="utf-8")
        + "automated_decisions:\n  used: false\n  source: Automaattisia päätöksiä ei tehdä.\n",
        encoding="utf-8",
    )
    package, result = _package(tmp_path, "--declaration", str(declaration), "--lang", "sv")
    assert result.exit_code == 0, result.output
    reply = (package / "reply.md").read_text(encoding="utf-8")
    assert reply.startswith("# Svar på er begäran") and "Dataombudsmannens byrå" in reply
    assert "TÄYDENNETTÄVÄ" not in reply and "SKA KOMPLETTERAS" not in reply and "to be completed" not in result.stderr
    assert "Henkilö itse" in reply and "(artikel 22)" in reply
    english, _ = _package(tmp_path / "en", "--lang", "en")
    text = (english / "reply.md").read_text(encoding="utf-8")
    assert text.startswith("# Reply to your request") and "[TO BE COMPLETED: purposes" in text


def test_a_document_about_the_person_is_exported_whole(tmp_path: Path) -> None:
    package, result = _package(tmp_path)
    assert result.exit_code == 0, result.output
    (whole,) = package.glob("*hakemus.docx.txt")
    text = whole.read_text(encoding="utf-8")
    assert "Hakemus" in text and "Harrastukset" in text  # the passages that do not name the person too
    assert "Matti Virtanen" in text and EMAIL in text  # their own name (spelled by their address) stays
    assert "Liisa" not in text and "liisa@" not in text  # the referee is someone else


@pytest.fixture(params=["sqlite", "postgresql"])
def shop(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    def build(url: str) -> str:
        engine = sa.create_engine(url)
        meta = sa.MetaData()
        orders = sa.Table(
            "orders", meta, sa.Column("id", sa.Integer, primary_key=True), sa.Column("customer_email", sa.Text)
        )
        lines = sa.Table(  # no foreign key declared: the join is inferred from the name and type
            "order_lines",
            meta,
            sa.Column("id", sa.Integer, primary_key=True),
            sa.Column("order_id", sa.Integer),
            sa.Column("product", sa.Text),
        )
        notes = sa.Table(  # same name, another type: not a join
            "notes", meta, sa.Column("id", sa.Integer, primary_key=True), sa.Column("order_id", sa.Text)
        )
        invoices = sa.Table(  # declared: followed as declared, not as inferred
            "invoices",
            meta,
            sa.Column("id", sa.Integer, primary_key=True),
            sa.Column("order_id", sa.Integer, sa.ForeignKey("orders.id")),
        )
        with engine.begin() as conn:
            meta.create_all(conn)
            conn.execute(orders.insert(), [{"id": 1, "customer_email": EMAIL}, {"id": 2, "customer_email": "x@y.fi"}])
            conn.execute(
                lines.insert(),
                [{"id": 10, "order_id": 1, "product": "kirja"}, {"id": 11, "order_id": 2, "product": "muki"}],
            )
            conn.execute(notes.insert(), [{"id": 1, "order_id": "1"}])
            conn.execute(invoices.insert(), [{"id": 5, "order_id": 1}])
        engine.dispose()
        return url

    if request.param == "sqlite":
        yield build(f"sqlite:///{tmp_path / 'shop.sqlite'}")
    else:
        with postgres_empty() as url:
            yield build(url)


def test_joins_without_a_foreign_key_are_followed_and_named(shop: str) -> None:
    result = find(PERSON, [shop])
    related = {(m.location.table, m.key["id"]): m.via for m in result.matches if m.kind == "related"}
    assert set(related) == {("order_lines", 10), ("invoices", 5)}  # not the other order's line, not notes
    assert related[("order_lines", 10)] == "order_lines.order_id -> orders.id (inferred: no foreign key declared)"
    assert related[("invoices", 5)] == "invoices.order_id -> orders.id"
    assert result.inferred_joins == [related[("order_lines", 10)]]


def test_the_pdf_without_a_unicode_font_keeps_what_the_core_font_can_print(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from pdscan.dsar import reply_pdf

    package, _ = _package(tmp_path)
    reply = json.loads(json.dumps(build_reply(json.loads((package / "index.json").read_text()), None, "sv")))
    reply["controller"]["name"] = "Łukasz Żółć Oy — Åbo"
    monkeypatch.setattr(reply_pdf, "_FONTS", ())
    reply_pdf.write_pdf(reply, tmp_path / "core.pdf")
    text = "".join(page.extract_text() for page in pypdf.PdfReader(tmp_path / "core.pdf").pages)
    assert "Lukasz Zólc Oy - Åbo" in text and "Svar på er begäran" in text
