"""DSAR search: a person planted in many written forms across a database (SQLite and the real PostgreSQL) and an
export folder, with look-alikes. Recall of planted rows must be 100 %, with no false direct match; the export masks
other people; the erasure plan, applied, leaves nothing of the person; the audit log keeps no identifier."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import dsar_data
import pytest
import sqlalchemy as sa
from click.testing import CliRunner
from databases import postgres_empty

from pdscan.cli.main import main
from pdscan.dsar.erasure import erasure_plan
from pdscan.dsar.identity import Person
from pdscan.dsar.search import FindOptions, FindResult, find
from pdscan.errors import UsageError
from pdscan.inventory.store import Inventory

PERSON = Person.from_identifiers(
    emails=[dsar_data.EMAIL], phones=[dsar_data.PHONE], hetus=[dsar_data.HETU], names=[dsar_data.NAME]
)


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'crm.sqlite'}"
        dsar_data.build_database(url)
        yield url
    else:
        with postgres_empty() as url:
            dsar_data.build_database(url)
            yield url


@pytest.fixture()
def folder(tmp_path: Path) -> Path:
    path = tmp_path / "exports"
    dsar_data.build_folder(path)
    return path


def _kinds(result: FindResult) -> dict[tuple[str, int], str]:
    out = {}
    for m in result.matches:
        where = m.location.table or Path(m.location.file or "").name
        out[(where, int(m.key.get("id", m.key.get("row")) or 0))] = m.kind
    return out


def test_every_planted_row_is_found_and_no_look_alike_is_direct(database: str, folder: Path) -> None:
    result = find(PERSON, [str(folder), database])
    assert result.errors == []
    found = _kinds(result)
    expected = {**dsar_data.EXPECTED_DB, **dsar_data.EXPECTED_FILES}
    planted_direct = {k for k, v in expected.items() if v == "direct"}
    found_direct = {k for k, v in found.items() if v == "direct"}
    recall = len(planted_direct & found_direct) / len(planted_direct)
    assert recall == 1.0, planted_direct - found_direct
    assert found_direct - planted_direct == set()  # no false direct match among 400 people and the look-alikes
    assert found == expected
    # Every table and file was searched in full.
    assert {s.location.table or Path(s.location.file or "").name for s in result.searched} >= {
        "asiakkaat",
        "tilaukset",
        "tilausrivit",
        "tukipyynnot",
        "crm.csv",
        "asiakkaat.xlsx",
        "lomakkeet.jsonl",
    }
    first = next(m for m in result.matches if m.location.table == "asiakkaat" and m.key == {"id": 1})
    assert first.match is not None and first.match.kinds == ["email", "hetu", "name", "phone"]
    assert first.strength == "exact identifier"
    related = {(m.location.table, m.key["id"]): (m.hop, m.via) for m in result.matches if m.kind == "related"}
    assert related[("tilausrivit", 100)] == (2, "tilausrivit.tilaus_id -> tilaukset.id")


def test_each_identifier_alone_finds_its_rows(tmp_path: Path, folder: Path) -> None:
    url = f"sqlite:///{tmp_path / 'crm.sqlite'}"
    dsar_data.build_database(url)
    by_phone = _kinds(find(Person.from_identifiers(phones=["+358401234567"]), [str(folder), url], FindOptions(hops=0)))
    assert by_phone == {
        ("asiakkaat", 1): "direct",
        ("tukipyynnot", 1): "direct",
        ("crm.csv", 3): "direct",
        ("asiakkaat.xlsx", 2): "direct",
    }
    by_hetu = _kinds(find(Person.from_identifiers(hetus=["131052-308t"]), [str(folder), url], FindOptions(hops=0)))
    assert by_hetu == {("asiakkaat", 1): "direct", ("lomakkeet.jsonl", 4): "direct"}
    by_name = _kinds(find(Person.from_identifiers(names=["virtanen, matti"]), [str(folder), url]))
    assert set(by_name.values()) == {"name"}  # a name alone never makes a direct match, nor related rows
    assert set(by_name) == {
        k
        for k, v in {**dsar_data.EXPECTED_DB, **dsar_data.EXPECTED_FILES}.items()
        if k[0] in ("asiakkaat", "tukipyynnot", "crm.csv", "asiakkaat.xlsx")
        and k not in (("tukipyynnot", 1), ("tukipyynnot", 2))
    }


@pytest.mark.parametrize(
    ("kind", "value"),
    [
        ("emails", "not-an-email"),
        ("phones", "12"),
        ("hetus", "131052-308A"),
        ("names", "Korhonen"),
        ("business_ids", "7654321"),
    ],
)
def test_bad_identifiers_are_usage_errors_without_echoing_them(kind: str, value: str) -> None:
    with pytest.raises(UsageError) as info:
        Person.from_identifiers(**{kind: [value]})
    assert value not in str(info.value)


def test_the_erasure_plan_applied_leaves_nothing_of_the_person(database: str, folder: Path) -> None:
    result = find(PERSON, [database, str(folder)])
    plan = erasure_plan(result)
    assert "DELETE FROM" in plan and "UPDATE" in plan
    lines = plan.splitlines()
    # Related rows go first: their foreign keys point at the person's row.
    first_delete = {
        name: i
        for i, line in reversed(list(enumerate(lines)))
        for name in ("tilausrivit", "tilaukset", "asiakkaat")
        if line.startswith(f"DELETE FROM {name}") or line.startswith(f'DELETE FROM "{name}"')
    }
    assert first_delete["tilausrivit"] < first_delete["tilaukset"] < first_delete["asiakkaat"]
    assert any(line.startswith("-- DELETE FROM") and "name only" in line for line in lines)  # the namesake
    assert "crm.csv: data rows 3 (exact identifier), 5 (name only)" in plan
    # Run the statements (not the commented ones) as a DPO would after review.
    statements = [line.split(";  --")[0] for line in lines if line.startswith(("DELETE", "UPDATE"))]
    engine = sa.create_engine(database)
    with engine.begin() as conn:
        for statement in statements:
            conn.exec_driver_sql(statement)
    engine.dispose()
    again = find(PERSON, [database])
    assert [m for m in again.matches if m.kind == "direct"] == []
    assert {(m.location.table, m.key["id"]) for m in again.matches} == {("asiakkaat", 2), ("tukipyynnot", 3)}


def test_cli_find_exports_masks_others_and_audits(tmp_path: Path, folder: Path) -> None:
    url = f"sqlite:///{tmp_path / 'crm.sqlite'}"
    dsar_data.build_database(url)
    inventory = tmp_path / "inventory.sqlite"
    out = CliRunner().invoke(
        main,
        [
            "find",
            "--email",
            "MATTI.virtanen@example.fi",
            "--phone",
            "+358 40 1234567",
            "--hetu",
            "131052-308T",
            "--name",
            "Virtanen Matti",
            str(folder),
            url,
            "--inventory",
            str(inventory),
            "--export",
            str(tmp_path / "dsar"),
            "--erasure-plan",
            str(tmp_path / "erase.sql"),
            "--declaration",
            "entrack",
        ],
    )
    assert out.exit_code == 0, out.output
    assert "6 matched by an identifier, 4 related, 3 by name only" in out.output
    assert "matti.virtanen@example.fi" not in out.output.lower()  # values masked in the output
    assert "131052-308T" not in out.output
    index = json.loads((tmp_path / "dsar" / "index.json").read_text(encoding="utf-8"))
    assert index["schema_version"] == 1
    assert sum(loc["rows"] for loc in index["locations"]) == 10  # direct and related; name-only rows not exported
    assert len(index["not_exported_name_only"]) == 3
    tickets = next(loc for loc in index["locations"] if loc["location"] == "tukipyynnot")
    rows = json.loads((tmp_path / "dsar" / tickets["files"][0]).read_text(encoding="utf-8"))["rows"]
    message = next(r["row"]["viesti"] for r in rows if r["key"] == {"id": 2})
    assert "MATTI.VIRTANEN@EXAMPLE.FI" in message  # the person's own data stays
    assert "liisa.nieminen@example.fi" not in message and "Liisa Nieminen" not in message  # others masked
    assert "050 555 1234" not in message
    summary = (tmp_path / "dsar" / "summary.md").read_text(encoding="utf-8")
    assert "## Where the data is" in summary and "Entrack Oy" in summary and "legal basis" in summary
    assert (tmp_path / "dsar" / "summary.html").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert (tmp_path / "erase.sql").read_text(encoding="utf-8").startswith("-- pdscan erasure plan")

    with Inventory(str(inventory)) as store:
        (entry,) = store.audit_log()
        key = store.fingerprint_key()
    assert entry["identifier_kinds"] == ["email", "phone", "hetu", "name"]
    assert (entry["matches"], entry["direct"], entry["related"], entry["name_only"]) == (13, 6, 4, 3)
    assert entry["exported"] and entry["erasure_plan"]
    # Keyed hashes: the same person searched again hashes the same; the identifiers are nowhere in the file.
    assert entry["fingerprints"] == PERSON.fingerprints(key.secret)
    raw = inventory.read_bytes().lower()
    for secret in (b"matti.virtanen@example.fi", b"131052-308t", b"virtanen", b"401234567", key.secret.lower()):
        assert secret not in raw  # nor the key of the fingerprints: it is kept outside (issue 26)
    out = CliRunner().invoke(main, ["audit", "--inventory", str(inventory)])
    assert out.exit_code == 0 and "email,phone,hetu,name" in out.output and "exported" in out.output


def test_find_uses_the_inventory_sources_and_identifier_columns(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'crm.sqlite'}"
    dsar_data.build_database(url)
    inventory = str(tmp_path / "inventory.sqlite")
    runner = CliRunner()
    assert runner.invoke(main, ["scan", url, "--inventory", inventory, "-q", "-f", "json"]).exit_code == 0
    out = runner.invoke(
        main,
        ["find", "--email", dsar_data.EMAIL, "--hetu", dsar_data.HETU, "--inventory", inventory, "--format", "json"],
    )
    assert out.exit_code == 0, out.output
    document: dict[str, Any] = json.loads(out.stdout)
    assert document["sources"] == [url]
    assert document["summary"] == {"matches": 6, "direct": 2, "related": 4, "name_only": 0}
    methods = {s["location"]["table"]: s["method"] for s in document["searched"]}
    assert "equality on 2 identifier columns from the inventory" in methods["asiakkaat"]
    assert "equality" not in methods["tukipyynnot"]
    (customer,) = [m for m in document["matches"] if m["location"]["table"] == "asiakkaat"]
    assert customer["columns"] == {"hetu": ["hetu"], "sahkoposti": ["email"]}
    assert all("***" in shown for shown in customer["shown"])


def test_review_cases_other_people_stay_out(tmp_path: Path) -> None:
    """A self-referencing key (a referrer) is another person: not followed. A text primary key is masked in the
    output. A phone inside a sentence is a mention, not the value. Direct rows referencing each other are erased
    referencing-first. Passwords in URLs never reach the output or the package."""
    path = tmp_path / "crm.sqlite"
    engine = sa.create_engine(f"sqlite:///{path}")
    meta = sa.MetaData()
    people = sa.Table(
        "asiakkaat",
        meta,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("email", sa.String),
        sa.Column("suosittelija_id", sa.Integer, sa.ForeignKey("asiakkaat.id")),
    )
    messages = sa.Table(
        "viestit",
        meta,
        sa.Column("koodi", sa.String, primary_key=True),
        sa.Column("asiakas_id", sa.Integer, sa.ForeignKey("asiakkaat.id")),
        sa.Column("teksti", sa.String),
    )
    meta.create_all(engine)
    with engine.begin() as conn:
        conn.execute(
            people.insert(),
            [
                {"id": 1, "email": "liisa@example.fi", "suosittelija_id": None},
                {"id": 2, "email": "matti.virtanen@example.fi", "suosittelija_id": 1},
                {"id": 3, "email": "pekka@example.fi", "suosittelija_id": 2},  # referred by Matti: Pekka's row
            ],
        )
        conn.execute(
            messages.insert(),
            [
                {"koodi": "131052-308T", "asiakas_id": 2, "teksti": "matti.virtanen@example.fi kysyi tilauksesta"},
                {"koodi": "X-2", "asiakas_id": 1, "teksti": "Liisa pyysi soittamaan numeroon 040 123 4567"},
            ],
        )
    engine.dispose()
    person = Person.from_identifiers(emails=["matti.virtanen@example.fi"], phones=["0401234567"])
    result = find(person, [f"sqlite:///{path}"])
    found = {(m.location.table, tuple(m.key.values())): (m.kind, m.strength) for m in result.matches}
    assert found == {
        ("asiakkaat", (2,)): ("direct", "exact identifier"),
        ("viestit", ("131052-308T",)): ("direct", "identifier in text"),
        ("viestit", ("X-2",)): ("direct", "identifier in text"),  # a mention: the ticket is Liisa's
    }  # Pekka (id 3, pointing at Matti as his referrer) is not related data of Matti
    plan = erasure_plan(result)
    assert "UPDATE viestit SET teksti=NULL WHERE viestit.koodi = 'X-2'" in plan  # blank the mention only
    lines = plan.splitlines()
    first_viestit = min(i for i, line in enumerate(lines) if "viestit" in line and not line.startswith("--"))
    first_asiakkaat = min(i for i, line in enumerate(lines) if line.startswith("DELETE FROM asiakkaat"))
    assert first_viestit < first_asiakkaat  # viestit references asiakkaat: it goes first

    unreachable = "postgresql+psycopg://dpo:hunter2@127.0.0.1:1/crm"
    out = CliRunner().invoke(
        main,
        ["find", "--email", "m@example.fi", unreachable, "--inventory", str(tmp_path / "inv.sqlite"), "-f", "json"],
    )
    assert out.exit_code == 2 and "hunter2" not in out.output  # nothing searched: not a clean "no rows"
    assert "dpo:***@127.0.0.1:1/crm" in out.output
    out = CliRunner().invoke(
        main,
        [
            "find",
            "--email",
            "matti.virtanen@example.fi",
            f"sqlite:///{path}",
            "--inventory",
            str(tmp_path / "inv.sqlite"),
            "--export",
            str(tmp_path / "pkg"),
            "-f",
            "json",
        ],
    )
    assert out.exit_code == 0, out.output
    assert "131052-308T" not in out.output  # the text key is masked
    assert json.loads(out.stdout)["summary"]["direct"] == 2  # by email only: the customer row and a message
    for file in (tmp_path / "pkg").iterdir():
        assert file.stat().st_mode & 0o077 == 0  # the package is readable by its owner only
    again = CliRunner().invoke(
        main,
        [
            "find",
            "--email",
            "matti.virtanen@example.fi",
            f"sqlite:///{path}",
            "--inventory",
            str(tmp_path / "inv.sqlite"),
            "--export",
            str(tmp_path / "pkg"),
        ],
    )
    assert again.exit_code == 2 and "not empty" in again.output


def test_nested_arrays_are_never_taken_for_rows(tmp_path: Path) -> None:
    folder = tmp_path / "json"
    folder.mkdir()
    (folder / "asiakkaat.json").write_text(
        json.dumps(
            [
                {
                    "id": 1,
                    "nimi": "Liisa Laine",
                    "contacts": [{"email": "other@example.fi"}, {"email": "m@example.fi"}],
                },
                {"id": 2, "nimi": "Pekka Toinen", "contacts": []},
            ]
        ),
        encoding="utf-8",
    )
    result = find(Person.from_identifiers(emails=["m@example.fi"]), [str(folder)])
    (match,) = result.matches
    # The nested address is listed under the record that holds it (the reader knows each value's record), never
    # under the row its position in the exploded column would suggest (the second record has no contacts).
    assert match.key["row"] == 1 and match.row["contacts[].email"] == ["m@example.fi"] and match.row["id"] == "1"
    # One record is listed once, however many of its values hit (issue 26).
    (folder / "kaksi.json").write_text(
        json.dumps([{"email": "m@example.fi", "contacts": [{"email": "m@example.fi", "phone": "0401234567"}]}]),
        encoding="utf-8",
    )
    person = Person.from_identifiers(emails=["m@example.fi"], phones=["040 123 4567"])
    twice = [m for m in find(person, [str(folder / "kaksi.json")]).matches]
    assert len(twice) == 1 and set(twice[0].match.columns) == {"email", "contacts[].email", "contacts[].phone"}


def test_nothing_searched_exits_2_and_accents_do_not_matter(tmp_path: Path) -> None:
    out = CliRunner().invoke(
        main,
        ["find", "--email", "a@example.fi", str(tmp_path / "missing"), "--inventory", str(tmp_path / "inv.sqlite")],
    )
    assert out.exit_code == 2
    (tmp_path / "n.csv").write_text("nimi\nMatti Mäkinen\nMATTI MÄKINEN\n", encoding="utf-8")
    found = find(Person.from_identifiers(names=["Matti Makinen"]), [str(tmp_path / "n.csv")])
    assert sorted(m.key["row"] for m in found.matches) == [1, 2]
