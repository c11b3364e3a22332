"""Issue 26, measured: a seeded 40-person estate with known truth, and for every person the package and the erasure
plan ``pdscan find --email E --phone P --hetu H --export DIR --erasure-plan FILE --declaration entrack`` writes
(through the library calls the CLI makes: find, write_export, write_erasure_plan).

The estate (:func:`estate`, seed :data:`SEED`) is one database, built alike on SQLite and PostgreSQL:

* ``customers`` (name, e-mail, phone in the ways people write them, HETU with a valid check character);
* ``orders`` -> customers ``ON DELETE RESTRICT``; ``order_lines`` -> orders ``ON DELETE CASCADE``;
* ``order_notes`` by ``order_id`` without a foreign key (the join is inferred), some naming the customer's phone;
* ``messages`` between two customers (``sender_id``, ``recipient_id``, ``NO ACTION``; some to customer service
  with no recipient), bodies that sometimes greet the recipient by full name or give the sender's phone;
* ``invoices`` -> customers, with the customer's name and e-mail copied: bookkeeping keeps them (the declaration
  entrack names a legal obligation for kirjanpito), anonymised instead of deleted;

and a folder of exports: ``customers.csv`` (some of the customers) and Word letters to a few persons that name
them (address block, HETU) and a contact person, another customer, by name and phone.

For each of the 40 persons: (a) the package holds every row the truth says is theirs (customer, orders, order
lines, notes, messages sent or received, invoices, CSV rows) and each letter about them as a whole document;
(b) no other person's e-mail, phone, HETU or full name appears unmasked in any file of the package (the reply,
the data files, and the DPO's index and summary); (c) the erasure plan, run by the database's own client
(sqlite3, psql) as one transaction on a copy (a copied file; ``CREATE DATABASE ... TEMPLATE``), gives no error,
leaves every foreign key valid, leaves no row of the person (a new search finds nothing direct, the invoices stay
anonymised), and leaves every other person's rows as they were (shared messages lose only the reference to the
person).

SQLite runs all 40 persons in both tests. PostgreSQL runs every erasure plan (40; about 0.8 s a person: search,
plan, template copy, psql, search again) but the package only for a fixed seeded sample of 10 persons
(:data:`PG_PACKAGE_SAMPLE`): the package costs about 1 s a person whatever the database (the reply's PDF), and
all 40 of them on PostgreSQL made about 1.8 s a person. Servers absent: the PostgreSQL cases skip with the reason
(tests/databases.py). The whole module takes about 1.5 minutes: marked slow.
"""

from __future__ import annotations

import html
import json
import random
import re
import shutil
import sqlite3
import uuid
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import docx
import pypdf
import pytest
import sqlalchemy as sa
from databases import PG_ADMIN, postgres_empty
from erasure_clients import run_plan
from faker import Faker
from stdnum.fi import hetu as stdnum_hetu
from synth import ascii_local, birth_date, hetu

from pdscan.compliance.declaration import load_declaration
from pdscan.dsar.erasure import write_erasure_plan
from pdscan.dsar.export import write_export
from pdscan.dsar.identity import Person
from pdscan.dsar.search import FindOptions, FindResult, find

pytestmark = pytest.mark.slow

SEED = 26
N = 40
DECLARATION = "entrack"  # "kirjanpito- ja muut lakisääteiset velvoitteet" (legal obligation): bookkeeping

# -- the estate ---------------------------------------------------------------------------------------------------

metadata = sa.MetaData()
customers = sa.Table(
    "customers",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("name", sa.String(100), nullable=False),
    sa.Column("email", sa.String(200), unique=True),
    sa.Column("phone", sa.String(40)),
    sa.Column("hetu", sa.String(11)),
)
orders = sa.Table(
    "orders",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("customer_id", sa.Integer, sa.ForeignKey("customers.id", ondelete="RESTRICT"), nullable=False),
    sa.Column("product", sa.String(100)),
    sa.Column("ordered", sa.String(10)),  # a date as text: no phone number
    sa.Column("total", sa.Numeric(10, 2)),
)
order_lines = sa.Table(
    "order_lines",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("order_id", sa.Integer, sa.ForeignKey("orders.id", ondelete="CASCADE"), nullable=False),
    sa.Column("product", sa.String(100)),
    sa.Column("quantity", sa.Integer),
)
order_notes = sa.Table(  # no foreign key: joined to orders by the name order_id
    "order_notes",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("order_id", sa.Integer, nullable=False),
    sa.Column("note", sa.String(300)),
)
messages = sa.Table(
    "messages",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("sender_id", sa.Integer, sa.ForeignKey("customers.id", ondelete="NO ACTION")),
    sa.Column("recipient_id", sa.Integer, sa.ForeignKey("customers.id", ondelete="NO ACTION")),
    sa.Column("body", sa.String(500)),
)
invoices = sa.Table(
    "invoices",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("customer_id", sa.Integer, sa.ForeignKey("customers.id")),
    sa.Column("customer_name", sa.String(100), nullable=False),
    sa.Column("email", sa.String(200)),
    sa.Column("amount", sa.Numeric(10, 2), nullable=False),
    sa.Column("issued", sa.String(10)),
)
TABLES = [customers, orders, order_lines, order_notes, messages, invoices]
PRODUCTS = ["Kahvinkeitin", "Vedenkeitin", "Leivänpaahdin", "Sauvasekoitin", "Pölynimuri", "Silitysrauta"]


@dataclass(frozen=True)
class Customer:
    id: int
    first: str
    last: str
    email: str
    phone: str  # as stored
    query_phone: str  # as the DPO types it: another way of writing the same number
    national: str  # the national significant number: 401234567
    hetu: str

    @property
    def name(self) -> str:
        return f"{self.first} {self.last}"


@dataclass
class Estate:
    people: list[Customer]
    rows: dict[str, list[dict[str, Any]]]
    csv_rows: dict[int, int]  # customer id -> data row number in customers.csv
    letters: dict[str, str]  # file name -> text of the whole letter (paragraphs joined by newlines)
    letter_people: dict[str, set[int]] = field(default_factory=dict)  # file name -> customers it is about
    folder: Path = Path()

    def person(self, pid: int) -> Customer:
        return self.people[pid - 1]


def _phone(rng: random.Random) -> tuple[str, str, str]:
    """(stored, as typed by the DPO, national significant number): the same mobile number written two ways."""
    prefix = rng.choice(["40", "41", "44", "45", "50"])
    a, b = rng.randint(100, 999), rng.randint(1000, 9999)
    forms = [f"0{prefix} {a} {b}", f"+358 {prefix} {a}{b}", f"0{prefix}-{a} {b}", f"+358{prefix}{a}{b}"]
    stored = rng.choice(forms)
    typed = forms[(forms.index(stored) + 1) % len(forms)]
    return stored, typed, f"{prefix}{a}{b}"


def _people(rng: random.Random) -> list[Customer]:
    fake = Faker("fi_FI")
    fake.seed_instance(SEED)
    people: list[Customer] = []
    seen: set[str] = set()
    while len(people) < N:
        first, last = fake.first_name(), fake.last_name()
        email = f"{ascii_local(first)}.{ascii_local(last)}@example.fi"
        if email in seen or f"{first} {last}".lower() in seen:
            continue  # no namesakes here: the truth is one person per name
        seen |= {email, f"{first} {last}".lower()}
        stored, typed, national = _phone(rng)
        code = hetu(rng, birth_date(rng, 1940, 60))
        assert stdnum_hetu.is_valid(code), code
        people.append(Customer(len(people) + 1, first, last, email, stored, typed, national, code))
    return people


def estate(folder: Path) -> Estate:
    """The rows of the database (the same for every backend) and the folder of exports, from :data:`SEED`."""
    rng = random.Random(SEED)
    people = _people(rng)
    rows: dict[str, list[dict[str, Any]]] = {t.name: [] for t in TABLES}
    for p in people:
        rows["customers"].append({"id": p.id, "name": p.name, "email": p.email, "phone": p.phone, "hetu": p.hetu})
    order_id = line_id = note_id = 0
    for p in people:
        for _ in range(rng.randint(0, 3)):
            order_id += 1
            date = f"2024-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
            rows["orders"].append(
                {
                    "id": order_id,
                    "customer_id": p.id,
                    "product": rng.choice(PRODUCTS),
                    "ordered": date,
                    "total": f"{rng.randint(10, 300)}.90",
                }
            )
            for _ in range(rng.randint(1, 3)):
                line_id += 1
                rows["order_lines"].append(
                    {
                        "id": line_id,
                        "order_id": order_id,
                        "product": rng.choice(PRODUCTS),
                        "quantity": rng.randint(1, 4),
                    }
                )
            if rng.random() < 0.5:
                note_id += 1
                note = (
                    f"Asiakas pyysi soittamaan numeroon {p.phone} ennen toimitusta"
                    if rng.random() < 0.5
                    else f"Toimitus {date} ovelle"
                )
                rows["order_notes"].append({"id": note_id, "order_id": order_id, "note": note})
    message_id = 0
    for p in people:
        for _ in range(rng.randint(0, 3)):
            message_id += 1
            if rng.random() < 0.2:  # to customer service: nobody else's
                recipient = None
                body = f"Tilaukseni on myöhässä. Soittakaa numeroon {p.phone}." if rng.random() < 0.5 else "Kiitos!"
            else:
                recipient = rng.choice([q for q in people if q.id != p.id])
                body = rng.choice(
                    [
                        f"Hei {recipient.name}, paketti lähti tänään.",
                        f"Kiitos avusta! Soita minulle: {p.phone}",
                        "Nähdään huomenna kello 12.30.",
                    ]
                )
            rows["messages"].append(
                {"id": message_id, "sender_id": p.id, "recipient_id": recipient and recipient.id, "body": body}
            )
    invoice_id = 1000
    for p in people:
        for _ in range(rng.randint(0, 2)):
            invoice_id += 1
            rows["invoices"].append(
                {
                    "id": invoice_id,
                    "customer_id": p.id,
                    "customer_name": p.name,
                    "email": p.email if rng.random() < 0.7 else None,
                    "amount": f"{rng.randint(10, 500)}.00",
                    "issued": f"2023-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
                }
            )
    # The folder: some customers in a CSV export (another way of writing the phone), letters to a few.
    folder.mkdir(parents=True, exist_ok=True)
    in_csv = sorted(rng.sample(people, 15), key=lambda p: p.id)
    lines = ["nimi;sahkoposti;puhelin"] + [f"{p.name};{p.email};{p.query_phone}" for p in in_csv]
    (folder / "customers.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    csv_rows = {p.id: number for number, p in enumerate(in_csv, start=1)}
    letters: dict[str, str] = {}
    letter_people: dict[str, set[int]] = {}
    for p in rng.sample(people, 6):
        contact = rng.choice([q for q in people if q.id != p.id])
        paragraphs = [
            p.name,
            p.email,
            "Asiakkuutenne vahvistus",
            f"Hyvä {p.name},",
            f"Asiakkuutenne on vahvistettu. Henkilötunnuksenne {p.hetu} on tallennettu sopimukseen.",
            f"Yhteyshenkilönänne toimii {contact.name}, puhelin {contact.phone}.",
            "Ystävällisin terveisin",
            "Asiakaspalvelu",
        ]
        document = docx.Document()
        for paragraph in paragraphs:
            document.add_paragraph(paragraph)
        name = f"letter_{p.id:02d}.docx"
        document.save(str(folder / name))
        letters[name] = "\n".join(paragraphs)
        letter_people[name] = {p.id, contact.id}  # the contact's phone is in it: about them too
    return Estate(people, rows, csv_rows, letters, letter_people, folder)


def build(url: str, data: Estate) -> None:
    engine = sa.create_engine(url)
    metadata.create_all(engine)
    with engine.begin() as conn:
        for table in TABLES:
            if data.rows[table.name]:
                conn.execute(table.insert(), data.rows[table.name])
    engine.dispose()


def contents(url: str) -> dict[str, dict[int, dict[str, Any]]]:
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        out = {
            t.name: {r.id: {k: _plain(v) for k, v in r._mapping.items()} for r in conn.execute(sa.select(t))}
            for t in TABLES
        }
    engine.dispose()
    return out


def _plain(value: Any) -> Any:
    return f"{value:.2f}" if hasattr(value, "as_tuple") or isinstance(value, float) else value


# -- the truth ----------------------------------------------------------------------------------------------------


def truth(data: Estate, pid: int) -> dict[str, set[int]]:
    """Every row that is the person's, per table (ids), and their CSV rows and letters."""
    rows = data.rows
    own_orders = {o["id"] for o in rows["orders"] if o["customer_id"] == pid}
    return {
        "customers": {pid},
        "orders": own_orders,
        "order_lines": {r["id"] for r in rows["order_lines"] if r["order_id"] in own_orders},
        "order_notes": {r["id"] for r in rows["order_notes"] if r["order_id"] in own_orders},
        "messages": {m["id"] for m in rows["messages"] if pid in (m["sender_id"], m["recipient_id"])},
        "invoices": {i["id"] for i in rows["invoices"] if i["customer_id"] == pid},
        "customers.csv": {data.csv_rows[pid]} if pid in data.csv_rows else set(),
    }


def letters_of(data: Estate, pid: int) -> set[str]:
    return {name for name, ids in data.letter_people.items() if pid in ids}


# -- backends -----------------------------------------------------------------------------------------------------


@dataclass
class Backend:
    kind: str
    url: str
    data: Estate
    results: dict[int, FindResult] = field(default_factory=dict)

    @contextmanager
    def copy(self, tmp_path: Path) -> Iterator[str]:
        """A copy of the database to run a plan on: its URL."""
        if self.kind == "sqlite":
            target = tmp_path / "estate.sqlite"  # the plan names the database by its file: the copy is beside it
            shutil.copy(sa.engine.make_url(self.url).database or "", target)
            yield f"sqlite:///{target}"
            return
        import psycopg

        original = sa.engine.make_url(self.url).database
        name = f"pdscan_estate_copy_{uuid.uuid4().hex[:8]}"
        with psycopg.connect(**PG_ADMIN, autocommit=True) as admin:  # type: ignore[arg-type]
            admin.execute(f'CREATE DATABASE "{name}" TEMPLATE "{original}"')
            try:
                yield f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"
            finally:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def find(self, pid: int) -> FindResult:
        if pid not in self.results:
            self.results[pid] = find(query(self.data.person(pid)), [self.url, str(self.data.folder)], FindOptions())
        return self.results[pid]


def query(p: Customer) -> Person:
    return Person.from_identifiers(emails=[p.email], phones=[p.query_phone], hetus=[p.hetu])


class Backends:
    """The estate on each backend, built on first use and kept for the module (a fixture parametrised per case
    would build it again for every person). A server that does not answer skips each of its cases."""

    def __init__(self, stack: ExitStack, root: Path) -> None:
        self.stack, self.root = stack, root
        self.built: dict[str, Backend] = {}
        self.skipped: dict[str, BaseException] = {}

    def get(self, kind: str) -> Backend:
        if kind in self.skipped:
            raise self.skipped[kind]
        if kind not in self.built:
            data = estate(self.root / kind / "exports")
            if kind == "sqlite":
                url = f"sqlite:///{self.root / kind / 'estate.sqlite'}"
            else:
                try:
                    url = self.stack.enter_context(postgres_empty())
                except pytest.skip.Exception as exc:
                    self.skipped[kind] = exc
                    raise
            build(url, data)
            self.built[kind] = Backend(kind, url, data)
        return self.built[kind]


@pytest.fixture(scope="module")
def backends(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Backends]:
    with ExitStack() as stack:
        yield Backends(stack, tmp_path_factory.mktemp("estate"))


def orphans(url: str) -> list[str]:
    """Foreign keys that point nowhere (SQLite is asked; PostgreSQL enforces them, and is asked too)."""
    if url.startswith("sqlite"):
        with sqlite3.connect(sa.engine.make_url(url).database or "") as conn:
            problems = [str(r) for r in conn.execute("PRAGMA foreign_key_check").fetchall()]
            assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
            return problems
    checks = {
        "orders.customer_id": "SELECT count(*) FROM orders o LEFT JOIN customers c ON c.id = o.customer_id "
        "WHERE c.id IS NULL",
        "order_lines.order_id": "SELECT count(*) FROM order_lines l LEFT JOIN orders o ON o.id = l.order_id "
        "WHERE o.id IS NULL",
        "messages.sender_id": "SELECT count(*) FROM messages m LEFT JOIN customers c ON c.id = m.sender_id "
        "WHERE m.sender_id IS NOT NULL AND c.id IS NULL",
        "messages.recipient_id": "SELECT count(*) FROM messages m LEFT JOIN customers c ON c.id = m.recipient_id "
        "WHERE m.recipient_id IS NOT NULL AND c.id IS NULL",
        "invoices.customer_id": "SELECT count(*) FROM invoices i LEFT JOIN customers c ON c.id = i.customer_id "
        "WHERE i.customer_id IS NOT NULL AND c.id IS NULL",
    }
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        problems = [name for name, sql in checks.items() if conn.exec_driver_sql(sql).scalar()]
    engine.dispose()
    return problems


# -- reading a package --------------------------------------------------------------------------------------------


def package_text(path: Path) -> str:
    if path.suffix == ".pdf":
        return "\n".join(page.extract_text() or "" for page in pypdf.PdfReader(path).pages)
    text = path.read_text(encoding="utf-8")
    return html.unescape(text) if path.suffix == ".html" else text


def exported(package: Path) -> tuple[dict[str, set[int]], dict[str, str]]:
    """(rows exported per table or file: ids or CSV row numbers; whole documents by file name: their text)."""
    index = json.loads((package / "index.json").read_text(encoding="utf-8"))
    rows: dict[str, set[int]] = {}
    documents: dict[str, str] = {}
    for location in index["locations"]:
        place = Path(location["location"]).name if "://" not in location["source"] else location["location"]
        place = place.rsplit(".", 1)[-1] if "://" in location["source"] else place
        data = json.loads((package / location["files"][0]).read_text(encoding="utf-8"))
        for row in data["rows"]:
            key = row["key"]
            if "document" in key:
                continue
            rows.setdefault(place, set()).add(key["id"] if "id" in key else key["row"])
        texts = [f for f in location["files"] if f.endswith(".txt")]
        if texts:
            documents[place] = (package / texts[0]).read_text(encoding="utf-8")
    return rows, documents


def leaks(text: str, others: list[Customer]) -> list[str]:
    """Other people's identifiers written out in ``text``: e-mail, phone (any way written), HETU, full name."""
    lowered = text.lower()
    digits = re.sub(r"[\s\-().+/]", "", text)
    found = []
    for q in others:
        if q.email in lowered:
            found.append(f"{q.email} (e-mail of #{q.id})")
        if q.hetu.lower() in lowered:
            found.append(f"{q.hetu} (HETU of #{q.id})")
        if q.national in digits or q.phone in text or q.query_phone in text:
            found.append(f"{q.phone} (phone of #{q.id})")
        if q.name.lower() in lowered or f"{q.last} {q.first}".lower() in lowered:
            found.append(f"{q.name} (name of #{q.id})")
    return found


# -- the tests ----------------------------------------------------------------------------------------------------

PEOPLE = list(range(1, N + 1))
# The package costs about 1 s a person whatever the database (the reply's PDF): on PostgreSQL a fixed sample.
PG_PACKAGE_SAMPLE = sorted(random.Random(SEED).sample(PEOPLE, 10))
PACKAGE_CASES = [("sqlite", pid) for pid in PEOPLE] + [("postgresql", pid) for pid in PG_PACKAGE_SAMPLE]
ERASURE_CASES = [(kind, pid) for kind in ("sqlite", "postgresql") for pid in PEOPLE]


def test_the_estate_has_every_case(tmp_path: Path) -> None:
    """The seeded estate holds what the tests are about (a change of seed or generator must keep it so)."""
    data = estate(tmp_path / "exports")
    rows = data.rows
    people = {p.id: p for p in data.people}
    assert len(people) == N and len({p.email for p in data.people}) == N
    assert all(stdnum_hetu.is_valid(p.hetu) for p in data.people)
    assert any(m["recipient_id"] is None for m in rows["messages"])  # to customer service: deleted with the person
    assert any(people[m["recipient_id"]].name in m["body"] for m in rows["messages"] if m["recipient_id"])
    assert any(people[m["sender_id"]].phone in m["body"] for m in rows["messages"] if m["recipient_id"])
    assert any("soittamaan" in n["note"] for n in rows["order_notes"])  # a note joined without FK names the phone
    assert any(i["email"] is None for i in rows["invoices"]) and any(i["email"] for i in rows["invoices"])
    assert any(not truth(data, p.id)["orders"] for p in data.people)  # a customer without orders
    assert len(data.letters) == 6 and len(data.csv_rows) == 15
    sample = set(PG_PACKAGE_SAMPLE)
    assert sample & set(data.csv_rows) and any(sample & ids for ids in data.letter_people.values())


@pytest.mark.parametrize(("kind", "pid"), PACKAGE_CASES, ids=str)
def test_the_package_holds_everything_of_the_person_and_nobody_else(
    backends: Backends, kind: str, pid: int, tmp_path: Path
) -> None:
    backend = backends.get(kind)
    data, person = backend.data, backend.data.person(pid)
    result = backend.find(pid)
    assert result.errors == []
    package = tmp_path / "package"
    write_export(result, package, load_declaration(DECLARATION), "fi")

    # (a) every row of the person, and each letter about them whole
    rows, documents = exported(package)
    expected = {k: v for k, v in truth(data, pid).items() if v}
    assert {k: v for k, v in rows.items() if k not in documents} == expected
    assert set(documents) == letters_of(data, pid)
    others = [q for q in data.people if q.id != pid]
    for name, text in documents.items():
        for paragraph in data.letters[name].splitlines():
            if not leaks(paragraph, others):  # a passage naming nobody else is there as it is
                assert paragraph in text, (name, paragraph)
        assert person.email in text or person.national in re.sub(r"[\s\-+]", "", text)

    # (b) nobody else's identifiers, in any file of the package
    files = sorted(p for p in package.iterdir() if p.is_file())
    assert {"reply.md", "reply.html", "reply.pdf", "index.json", "summary.md", "summary.html"} <= {
        p.name for p in files
    }
    found = {p.name: leaks(package_text(p), others) for p in files}
    assert {name: hits for name, hits in found.items() if hits} == {}
    # their own data is whole: their e-mail and HETU in the customer row
    customer_file = next(p for p in files if p.name.endswith("_customers.json"))
    (own,) = [r["row"] for r in json.loads(customer_file.read_text(encoding="utf-8"))["rows"] if r["key"]["id"] == pid]
    assert (own["email"], own["phone"], own["hetu"], own["name"]) == (
        person.email,
        person.phone,
        person.hetu,
        person.name,
    )


@pytest.mark.parametrize(("kind", "pid"), ERASURE_CASES, ids=str)
def test_the_erasure_plan_runs_on_a_copy_and_leaves_nothing_of_the_person(
    backends: Backends, kind: str, pid: int, tmp_path: Path
) -> None:
    backend = backends.get(kind)
    data, person = backend.data, backend.data.person(pid)
    result = backend.find(pid)
    plan = tmp_path / "erase.sql"
    with backend.copy(tmp_path) as copy:
        written = write_erasure_plan(result, plan, load_declaration(DECLARATION), [backend.url])
        assert written == [plan]
        text = plan.read_text(encoding="utf-8")
        mine = truth(data, pid)
        if mine["invoices"]:
            assert "invoices: " in text and "kept for a legal retention: bookkeeping duty" in text
        for name in letters_of(data, pid):
            assert f"{name}: a docx document about the person" in text
        before = contents(copy)

        run_plan(copy, plan)

        assert orphans(copy) == []
        after = contents(copy)
        again = find(query(person), [copy], FindOptions())
        assert [(m.location.table, m.key) for m in again.matches if m.kind != "name"] == []
    # Nothing of the person is left: their rows and the rows that exist only for them are gone.
    for table in ("customers", "orders", "order_lines", "order_notes"):
        assert set(after[table]) == set(before[table]) - mine[table], table
    # Messages: their own with nobody else deleted; shared ones kept without the reference to them.
    for mid, message in before["messages"].items():
        if mid not in mine["messages"]:
            assert after["messages"][mid] == message
            continue
        other = message["recipient_id"] if message["sender_id"] == pid else message["sender_id"]
        if other is None or other == pid:
            assert mid not in after["messages"]
            continue
        kept = after["messages"][mid]
        assert pid not in (kept["sender_id"], kept["recipient_id"]) and other in (
            kept["sender_id"],
            kept["recipient_id"],
        )
        assert leaks(kept["body"] or "", [person]) == [], kept  # their name too is taken out of a kept text
    # Invoices: bookkeeping keeps them, with nothing of the person; the others' are as they were.
    for iid, invoice in before["invoices"].items():
        if iid not in mine["invoices"]:
            assert after["invoices"][iid] == invoice
            continue
        kept = after["invoices"][iid]
        assert (kept["amount"], kept["issued"]) == (invoice["amount"], invoice["issued"])
        assert kept["customer_id"] is None and not kept["email"]
        assert leaks(" ".join(str(v) for v in kept.values() if v is not None), [person]) == [], kept
    # Every other person's identifiers are still there.
    for q in data.people:
        if q.id != pid:
            assert after["customers"][q.id] == before["customers"][q.id]
