"""The erasure plan, run as a DPO runs it: the database's own client (sqlite3, psql, mariadb/mysql) executes the
script file as is, in one transaction, on a copy of the data (each test builds its own database). Afterwards every
constraint holds, a new search finds nothing of the person, the other people's data is still there, and the rows
under a legal retention duty (bookkeeping, named by the declaration) are kept with the person's data anonymised.

The estate has a foreign key of every ON DELETE kind: RESTRICT (orders -> customers), CASCADE (order lines ->
orders, messages' sender -> customers), NO ACTION (deliveries -> order lines, three hops from the person: deeper
than find's --hops, invoices -> customers, a referrer -> customers), SET NULL (messages' recipient -> customers);
messages shared with another person; and invoices, which bookkeeping keeps.
"""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from databases import mariadb_empty, postgres_empty
from erasure_clients import run_plan, run_sqlite

from pdscan.compliance.declaration import load_declaration
from pdscan.dsar.erasure import retention_duties, write_erasure_plan
from pdscan.dsar.identity import Person
from pdscan.dsar.search import FindOptions, find

EMAIL = "matti.virtanen@example.fi"
PERSON = Person.from_identifiers(emails=[EMAIL], phones=["040 123 4567"], names=["Matti Virtanen"])

metadata = sa.MetaData()
customers = sa.Table(
    "asiakkaat",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("nimi", sa.String(100), nullable=False),
    sa.Column("sahkoposti", sa.String(200), unique=True),
    sa.Column("puhelin", sa.String(50)),
    sa.Column("suosittelija_id", sa.Integer, sa.ForeignKey("asiakkaat.id")),  # NO ACTION, another person's row
)
orders = sa.Table(
    "tilaukset",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("asiakas_id", sa.Integer, sa.ForeignKey("asiakkaat.id", ondelete="RESTRICT"), nullable=False),
    sa.Column("tuote", sa.String(100)),
)
order_lines = sa.Table(
    "tilausrivit",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("tilaus_id", sa.Integer, sa.ForeignKey("tilaukset.id", ondelete="CASCADE"), nullable=False),
    sa.Column("tuote", sa.String(100)),
)
deliveries = sa.Table(
    "toimitukset",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("tilausrivi_id", sa.Integer, sa.ForeignKey("tilausrivit.id", ondelete="NO ACTION"), nullable=False),
    sa.Column("osoite", sa.String(200)),
)
messages = sa.Table(
    "viestit",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("lahettaja_id", sa.Integer, sa.ForeignKey("asiakkaat.id", ondelete="CASCADE")),
    sa.Column("vastaanottaja_id", sa.Integer, sa.ForeignKey("asiakkaat.id", ondelete="SET NULL")),
    sa.Column("teksti", sa.String(500)),
)
invoices = sa.Table(
    "laskut",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("asiakas_id", sa.Integer, sa.ForeignKey("asiakkaat.id")),
    sa.Column("asiakkaan_nimi", sa.String(100), nullable=False),
    sa.Column("sahkoposti", sa.String(200)),
    sa.Column("summa", sa.Numeric(10, 2), nullable=False),
)
tickets = sa.Table(
    "tukipyynnot",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("viesti", sa.String(500), nullable=False),
)

ROWS: dict[sa.Table, list[dict[str, Any]]] = {
    customers: [
        {"id": 1, "nimi": "Matti Virtanen", "sahkoposti": "Matti.Virtanen@example.fi", "puhelin": "+358 40 123 4567"},
        {"id": 2, "nimi": "Liisa Nieminen", "sahkoposti": "liisa.nieminen@example.fi", "puhelin": "050 555 1234"},
        {"id": 3, "nimi": "Pekka Laine", "sahkoposti": "pekka.laine@example.fi", "suosittelija_id": 1},
    ],
    orders: [
        {"id": 10, "asiakas_id": 1, "tuote": "Kahvinkeitin"},
        {"id": 11, "asiakas_id": 1, "tuote": "Vedenkeitin"},
        {"id": 20, "asiakas_id": 2, "tuote": "Leivänpaahdin"},
    ],
    order_lines: [
        {"id": 100, "tilaus_id": 10, "tuote": "Kahvinkeitin"},
        {"id": 101, "tilaus_id": 10, "tuote": "Suodatinpussit"},
        {"id": 102, "tilaus_id": 11, "tuote": "Vedenkeitin"},
        {"id": 200, "tilaus_id": 20, "tuote": "Leivänpaahdin"},
    ],
    deliveries: [{"id": 1000, "tilausrivi_id": 100, "osoite": "Kotikatu 1"}, {"id": 2000, "tilausrivi_id": 200}],
    messages: [
        {"id": 1, "lahettaja_id": 1, "vastaanottaja_id": None, "teksti": "Tilaus on myöhässä"},
        {"id": 2, "lahettaja_id": 2, "vastaanottaja_id": 1, "teksti": "Hei, paketti lähti tänään"},  # shared
        {"id": 3, "lahettaja_id": 1, "vastaanottaja_id": 2, "teksti": "Kiitos! t. Matti Virtanen"},  # shared
    ],
    invoices: [
        {"id": 500, "asiakas_id": 1, "asiakkaan_nimi": "Matti Virtanen", "sahkoposti": EMAIL, "summa": 49.90},
        {"id": 501, "asiakas_id": 2, "asiakkaan_nimi": "Liisa Nieminen", "sahkoposti": None, "summa": 19.90},
    ],
    tickets: [
        {"id": 1, "viesti": "Liisa pyysi soittamaan numeroon 040 123 4567"},  # a mention in someone else's ticket
        {"id": 2, "viesti": "Toimitusaika kysytty"},
    ],
}


def build(url: str) -> None:
    engine = sa.create_engine(url)
    metadata.create_all(engine)
    with engine.begin() as conn:
        for table in metadata.sorted_tables:
            conn.execute(table.insert(), [{c.name: row.get(c.name) for c in table.columns} for row in ROWS[table]])
    engine.dispose()


def contents(url: str) -> dict[str, dict[int, dict[str, Any]]]:
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        out = {t.name: {r.id: dict(r._mapping) for r in conn.execute(sa.select(t))} for t in metadata.sorted_tables}
    engine.dispose()
    return out


@pytest.fixture(params=["sqlite", "postgresql", "mariadb"])
def estate(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[str, Callable[[Path], None]]]:
    """(URL of a freshly built copy of the estate, a function running a plan file on it with the client)."""
    if request.param == "sqlite":
        original = tmp_path / "crm.sqlite"
        build(f"sqlite:///{original}")
        copy = tmp_path / "copy.sqlite"
        shutil.copy(original, copy)
        yield f"sqlite:///{copy}", lambda plan: run_sqlite(copy, plan)
    elif request.param == "postgresql":
        with postgres_empty() as url:
            build(url)
            yield url, lambda plan: run_plan(url, plan)
    else:
        with mariadb_empty() as (url, _name):
            build(url)
            yield url, lambda plan: run_plan(url, plan)


def constraints_hold(url: str) -> None:
    """Every foreign key holds (PostgreSQL and MariaDB enforce them; SQLite is asked)."""
    if url.startswith("sqlite"):
        with sqlite3.connect(sa.engine.make_url(url).database or "") as conn:
            assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
            assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]


# -- tests ------------------------------------------------------------------------------------------------------


def test_the_plan_runs_in_the_client_and_erases_the_person(
    estate: tuple[str, Callable[[Path], None]], tmp_path: Path
) -> None:
    url, run = estate
    declaration = load_declaration("entrack")  # "kirjanpito- ja muut lakisääteiset velvoitteet": bookkeeping
    result = find(PERSON, [url], FindOptions(hops=2))
    assert result.errors == []
    plan_file = tmp_path / "erase.sql"
    assert write_erasure_plan(result, plan_file, declaration, [url]) == [plan_file]
    plan = plan_file.read_text(encoding="utf-8")
    assert plan.startswith("-- pdscan erasure plan")
    assert plan_file.stat().st_mode & 0o077 == 0  # it names the person's rows
    # Per table, in comments: what happens and why.
    assert "laskut: 1 row kept for a legal retention: bookkeeping duty, not deleted" in plan
    assert "(bookkeeping, Finnish Accounting Act (kirjanpitolaki 1336/1997) 2:10: vouchers 6 years" in plan
    assert "viestit: 1 row shared with another person, not deleted" in plan
    assert "tilausrivit: deleted by the database (tilausrivit.tilaus_id -> tilaukset.id ON DELETE CASCADE)" in plan
    assert "toimitukset: DELETE 1 row that exists only for them: id=1000" in plan  # 3 hops: deeper than --hops
    lines = plan.splitlines()
    statements = [line for line in lines if line.startswith(("DELETE", "UPDATE"))]
    order = [s.split()[2 if s.startswith("DELETE") else 1].strip('"`') for s in statements]
    deleted = [t for t, s in zip(order, statements, strict=True) if s.startswith("DELETE")]
    assert deleted == ["toimitukset", "tilaukset", "asiakkaat"]  # deepest first; CASCADE rows by the database
    assert lines.index("COMMIT;") > lines.index(
        next(line for line in lines if line.endswith("BEGIN;") or line == "START TRANSACTION;")
    )

    run(plan_file)

    constraints_hold(url)
    after = contents(url)
    again = find(PERSON, [url])
    assert [m for m in again.matches if m.kind != "name"] == [], [(m.location.table, m.key) for m in again.matches]
    # The person's rows and the rows that existed only for them are gone.
    assert set(after["asiakkaat"]) == {2, 3}
    assert set(after["tilaukset"]) == {20}
    assert set(after["tilausrivit"]) == {200}
    assert set(after["toimitukset"]) == {2000}
    # The other people's data stays: Liisa's message to Matti (SET NULL by the database) and Matti's to Liisa
    # (shared: the reference to Matti and his name removed), Pekka without his referrer.
    assert after["viestit"][2] == {"id": 2, "lahettaja_id": 2, "vastaanottaja_id": None, **_text(ROWS, 2)}
    assert after["viestit"][3]["lahettaja_id"] is None and after["viestit"][3]["vastaanottaja_id"] == 2
    assert 1 not in after["viestit"]  # his own message: ON DELETE CASCADE
    assert after["asiakkaat"][2]["sahkoposti"] == "liisa.nieminen@example.fi"
    assert after["asiakkaat"][3]["suosittelija_id"] is None and after["asiakkaat"][3]["nimi"] == "Pekka Laine"
    assert after["tukipyynnot"][2]["viesti"] == "Toimitusaika kysytty"
    assert "040 123 4567" not in after["tukipyynnot"][1]["viesti"]
    # Bookkeeping keeps the invoice, without the person's identifiers.
    invoice = after["laskut"][500]
    assert (invoice["asiakas_id"], invoice["asiakkaan_nimi"], invoice["sahkoposti"]) == (None, "", None)
    assert float(invoice["summa"]) == pytest.approx(49.90)
    assert after["laskut"][501]["asiakkaan_nimi"] == "Liisa Nieminen"


def _text(rows: dict[sa.Table, list[dict[str, Any]]], message: int) -> dict[str, Any]:
    return {"teksti": next(r["teksti"] for r in rows[messages] if r["id"] == message)}


def test_a_failing_plan_changes_nothing(estate: tuple[str, Callable[[Path], None]], tmp_path: Path) -> None:
    """A row added after planning blocks a DELETE: the client stops, the transaction is not committed."""
    url, run = estate
    plan_file = tmp_path / "erase.sql"
    write_erasure_plan(find(PERSON, [url]), plan_file, None, [url])
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.execute(deliveries.insert(), [{"id": 1001, "tilausrivi_id": 101, "osoite": "Uusi 2"}])
    engine.dispose()
    before = contents(url)
    with pytest.raises(AssertionError):
        run(plan_file)
    assert contents(url) == before


def test_without_a_retention_duty_the_invoice_is_deleted(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'crm.sqlite'}"
    build(url)
    plan_file = tmp_path / "erase.sql"
    write_erasure_plan(find(PERSON, [url]), plan_file, None, [url])
    assert "legal retention" not in plan_file.read_text(encoding="utf-8")
    run_sqlite(tmp_path / "crm.sqlite", plan_file)
    constraints_hold(url)
    assert set(contents(url)["laskut"]) == {501}


def test_a_not_null_reference_from_a_kept_row_keeps_an_anonymised_stub(tmp_path: Path) -> None:
    """An order of Liisa's names Matti as its contact through a NOT NULL key: the order stays, and Matti's row
    stays as a stub without his data, so that the key holds."""
    path = tmp_path / "crm.sqlite"
    engine = sa.create_engine(f"sqlite:///{path}")
    meta = sa.MetaData()
    people = sa.Table(
        "henkilot",
        meta,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("nimi", sa.String(100), nullable=False),
        sa.Column("email", sa.String(200), nullable=False, unique=True),
    )
    sa.Table(
        "tilaukset",
        meta,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("tilaaja_id", sa.Integer, sa.ForeignKey("henkilot.id"), nullable=False),
        sa.Column("yhteyshenkilo_id", sa.Integer, sa.ForeignKey("henkilot.id"), nullable=False),
    )
    meta.create_all(engine)
    with engine.begin() as conn:
        conn.execute(
            people.insert(),
            [{"id": 1, "nimi": "Matti Virtanen", "email": EMAIL}, {"id": 2, "nimi": "Liisa", "email": "l@example.fi"}],
        )
        conn.execute(meta.tables["tilaukset"].insert(), [{"id": 7, "tilaaja_id": 2, "yhteyshenkilo_id": 1}])
    engine.dispose()
    plan_file = tmp_path / "erase.sql"
    write_erasure_plan(find(PERSON, [f"sqlite:///{path}"]), plan_file)
    plan = plan_file.read_text(encoding="utf-8")
    assert "henkilot: 1 row kept as an anonymised stub" in plan
    run_sqlite(path, plan_file)
    constraints_hold(f"sqlite:///{path}")
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT id, nimi, email FROM henkilot ORDER BY id").fetchall() == [
            (1, "", "erased-1"),
            (2, "Liisa", "l@example.fi"),
        ]
        assert conn.execute("SELECT * FROM tilaukset").fetchall() == [(7, 2, 1)]
    assert [m for m in find(PERSON, [f"sqlite:///{path}"]).matches if m.kind != "name"] == []


def test_several_databases_get_a_script_each(tmp_path: Path) -> None:
    first, second = tmp_path / "crm.sqlite", tmp_path / "kauppa.sqlite"
    for path in (first, second):
        build(f"sqlite:///{path}")
    urls = [f"sqlite:///{first}", f"sqlite:///{second}"]
    plan_file = tmp_path / "erase.sql"
    written = write_erasure_plan(find(PERSON, urls), plan_file, None, urls)
    assert written == [plan_file, tmp_path / "erase.crm.sql", tmp_path / "erase.kauppa.sql"]
    index = plan_file.read_text(encoding="utf-8")
    assert "erase.crm.sql" in index and all(line.startswith("--") for line in index.splitlines() if line)
    for path, script in zip((first, second), written[1:], strict=True):
        run_sqlite(path, script)
        constraints_hold(f"sqlite:///{path}")
    assert [m for m in find(PERSON, urls).matches if m.kind != "name"] == []


def test_retention_duties_are_read_from_the_declaration() -> None:
    (duty,) = retention_duties(load_declaration("entrack"))  # a legal-obligation purpose names kirjanpito
    assert duty.name == "bookkeeping" and "purpose 'Muiden velvoitteiden täyttäminen'" in duty.describe()
    assert duty.covers("laskut") and duty.covers("invoice_lines") and not duty.covers("tilaukset")
    (duty,) = retention_duties(load_declaration("entteri"))  # "as long as the law requires (e.g. bookkeeping)"
    assert duty.named_by == "retention statement"
    assert retention_duties(None) == []
