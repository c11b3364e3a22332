"""Issue 26, inventory: what `pdscan diff` and the periodic report call a change.

An edit of the declaration the runs were compared with is a change; a new undeclared finding is new per location and
subject group; a file removed since the last run is said to be removed, not "not scanned"; an inventory made with
the first, narrow columns is upgraded by migration 6 and then stores paths longer than 1,000 characters. On SQLite
and on the machine's real PostgreSQL (skipped with the reason where it does not answer).
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import uuid
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from click.testing import CliRunner

from pdscan.cli.main import main
from pdscan.errors import InventoryError
from pdscan.inventory import migrations, schema
from pdscan.inventory.diff import diff_runs
from pdscan.inventory.periodic import build_periodic_report
from pdscan.inventory.store import Inventory
from pdscan.reporters import PERIODIC_FORMATS
from pdscan.scan import ScanOptions, scan

HETUS = ["131052-308T", "010101A123N", "311299-8997", "020202A202X"]
NATIONAL_ID = "user.government_id.national_identification_number"

NOTICE = """\
version: 1
controller:
  name: Testi Oy
subjects:
  - id: customers
    name: Asiakkaat
    source: "Asiakkaat"
  - id: employees
    name: Työntekijät
    source: "Työntekijät"
categories:
  - name: Nimi ja yhteystiedot
    keys: [user.name, user.contact]
    source: "Nimi ja yhteystiedot"
  - name: Henkilötunnus
    keys: [user.government_id.national_identification_number]
    subjects: [employees]
    source: "Henkilötunnus palkanmaksua varten"
systems:
  - match: ["*palkat*"]
    subject: employees
  - match: ["*asiakkaat*"]
    subject: customers
"""


def _write_csv(path: Path, header: list[str], rows: list[list[str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(header)
        writer.writerows(rows)


def _customers(path: Path, hetu: bool = False) -> None:
    header = ["etunimi", "sukunimi", "sahkoposti"] + (["hetu"] if hetu else [])
    rows = []
    for i in range(30):
        first, last = [("Matti", "Virtanen"), ("Aino", "Korhonen"), ("Juha", "Mäkinen")][i % 3]
        rows.append([first, last, f"{first.lower()}.{i}@example.fi"] + ([HETUS[i % 4]] if hetu else []))
    _write_csv(path, header, rows)


def _payroll(path: Path, column: str = "henkilotunnus") -> None:
    _write_csv(path, ["nimi", column], [[f"Henkilö {i}", HETUS[i % 4]] for i in range(20)])


@pytest.fixture()
def folder(tmp_path: Path) -> Path:
    data = tmp_path / "data"
    data.mkdir()
    _customers(data / "asiakkaat.csv")
    _payroll(data / "palkat.csv")
    return data


def _scan(runner: CliRunner, url: str, *args: str) -> None:
    out = runner.invoke(main, ["scan", *args, "--inventory", url, "-q", "-f", "json", "-o", "/dev/null"])
    assert out.exit_code == 0, out.output


def _diff(runner: CliRunner, url: str, *args: str) -> Any:
    return runner.invoke(main, ["diff", "--inventory", url, *args])


def _scan_into(store: Inventory, sources: list[Path], declaration: str | None = None, **kwargs: Any) -> int:
    options = ScanOptions(declaration=declaration, **kwargs)
    run_id = store.start_run([str(s) for s in sources], options.to_dict(), declaration)
    store.finish_run(run_id, scan([str(s) for s in sources], options))
    return run_id


# -- declaration edits --------------------------------------------------------------------------------------------


def test_a_category_removed_from_the_declaration_is_a_change(inventory_url: str, folder: Path, tmp_path: Path) -> None:
    notice = tmp_path / "notice.yaml"
    notice.write_text(NOTICE, encoding="utf-8")
    runner = CliRunner()
    _scan(runner, inventory_url, str(folder), "--declaration", str(notice))
    with Inventory(inventory_url) as store:
        (first,) = store.runs()
    record = first.declaration or {}
    assert record["file"] == str(notice) and len(record["sha256"]) == 64
    assert {"name": "Henkilötunnus", "keys": [NATIONAL_ID], "subjects": ["Työntekijät"]} in record["categories"]

    # The DPO drops the HETU category from the notice; the data stays as it was.
    notice.write_text(NOTICE.split("  - name: Henkilötunnus")[0] + NOTICE.split('palkanmaksua varten"\n')[1])
    _scan(runner, inventory_url, str(folder), "--declaration", str(notice))

    out = _diff(runner, inventory_url, "--fail-on", "changes")
    assert out.exit_code == 1, out.output  # was 0: the edit was invisible
    assert "DECLARATION CHANGED" in out.output
    assert f"~ {notice}: content edited (sha256 " in out.output
    assert f"- Työntekijät: Henkilötunnus [{NATIONAL_ID}]" in out.output
    # Each run is compared as it was stored, with its own declaration: the payroll HETUs are undeclared now.
    assert "NEW UNDECLARED HIGH RISK: National identification number (HETU)" in out.output
    assert "palkat.csv :: henkilotunnus: FI_PERSONAL_IDENTITY_CODE 20/20" in out.output

    diff = json.loads(_diff(runner, inventory_url, "-f", "json").output)
    change = diff["declaration"]
    assert [c["kind"] for c in change["changes"]] == ["content"]
    assert change["before"]["sha256"] != change["after"]["sha256"]
    assert change["subjects"] == [
        {
            "subject": "Työntekijät",
            "added": [],
            "removed": [{"name": "Henkilötunnus", "keys": [NATIONAL_ID]}],
            "changed": [],
        }
    ]
    assert diff["summary"]["declaration_changes"] == 1 and diff["summary"]["changed"] is True
    assert diff["undeclared"]["note"] == "the runs were compared with different declarations"
    (gap,) = [g for g in diff["undeclared"]["new"] if g["key"] == NATIONAL_ID]
    assert [loc["display"] for loc in gap["locations"]] == [f"{folder}/palkat.csv :: henkilotunnus"]

    # Given --declaration, both runs' findings are compared with that one; the edit is still reported.
    explicit = json.loads(_diff(runner, inventory_url, "-f", "json", "--declaration", str(notice)).output)
    assert explicit["summary"]["declaration_changes"] == 1 and explicit["undeclared"]["new"] == []

    # The same (edited) declaration again and the same data: no change, exit 0.
    _scan(runner, inventory_url, str(folder), "--declaration", str(notice))
    out = _diff(runner, inventory_url, "--fail-on", "changes")
    assert out.exit_code == 0 and "no change" in out.output, out.output


def test_the_periodic_report_says_when_the_declaration_last_changed(tmp_path: Path, folder: Path) -> None:
    """Issue 27, section 4: the notice's own date, and the run from which the declaration the runs were compared
    with reads differently (its content hash changed); unchanged runs and another source's runs are no change."""
    notice = tmp_path / "notice.yaml"
    notice.write_text(NOTICE.replace("  name: Testi Oy\n", "  name: Testi Oy\nnotice:\n  updated: '2026-01-15'\n"))
    with Inventory(f"sqlite:///{tmp_path / 'inventory.sqlite'}") as store:
        _scan_into(store, [folder], str(notice))
        _scan_into(store, [folder], str(notice))
        history = build_periodic_report(store)["declaration_history"]
        assert history["notice_updated"] == "2026-01-15" and history["runs"] == 2
        assert history["last_changed"] is None and history["changes"] == []
        notice.write_text(notice.read_text().replace("Nimi ja yhteystiedot", "Nimi, osoite ja yhteystiedot", 1))
        edited = _scan_into(store, [folder], str(notice))
        _scan_into(store, [folder], str(notice))
        report = build_periodic_report(store)
    history = report["declaration_history"]
    assert [c["run"] for c in history["changes"]] == [edited] and history["runs"] == 4
    assert history["last_changed"] == history["changes"][0]["at"]
    text = _render_markdown(report)
    assert "Notice dated 2026-01-15" in text and f"the declaration last changed {history['last_changed'][:10]}" in text
    assert f"(run #{edited}; 1 change in 4 runs)" in text


def _render_markdown(report: dict[str, Any]) -> str:
    import io

    out = io.StringIO()
    PERIODIC_FORMATS["markdown"](report, out)
    return out.getvalue()


def test_category_keys_and_subject_groups_per_group_and_another_file(tmp_path: Path, folder: Path) -> None:
    url = f"sqlite:///{tmp_path / 'inv.sqlite'}"
    notice = tmp_path / "notice.yaml"
    notice.write_text(NOTICE, encoding="utf-8")
    runner = CliRunner()
    _scan(runner, url, str(folder), "--declaration", str(notice))
    # The HETU category now covers customers too, and contact data leaves out the address keys' parent.
    edited = NOTICE.replace("subjects: [employees]", "subjects: [employees, customers]").replace(
        "keys: [user.name, user.contact]", "keys: [user.name, user.contact.email]"
    )
    notice.write_text(edited, encoding="utf-8")
    _scan(runner, url, str(folder), "--declaration", str(notice))
    diff = json.loads(_diff(runner, url, "-f", "json").output)
    groups = {g["subject"]: g for g in diff["declaration"]["subjects"]}
    assert groups["Asiakkaat"]["added"] == [{"name": "Henkilötunnus", "keys": [NATIONAL_ID]}]
    assert groups["Asiakkaat"]["changed"] == [
        {
            "name": "Nimi ja yhteystiedot",
            "before": ["user.contact", "user.name"],
            "after": ["user.contact.email", "user.name"],
        }
    ]
    assert groups["Työntekijät"]["added"] == [] and len(groups["Työntekijät"]["changed"]) == 1

    # Another declaration file, and then none at all: both are changes.
    other = tmp_path / "other.yaml"
    other.write_text(edited, encoding="utf-8")
    _scan(runner, url, str(folder), "--declaration", str(other))
    diff = json.loads(_diff(runner, url, "-f", "json").output)
    assert [c["kind"] for c in diff["declaration"]["changes"]] == ["file"]  # same content, another file
    _scan(runner, url, str(folder))
    out = _diff(runner, url, "--fail-on", "changes")
    assert out.exit_code == 1 and "the later run was compared with no declaration" in out.output


def test_a_run_stored_before_declarations_were_recorded_is_not_a_false_change(tmp_path: Path, folder: Path) -> None:
    url = f"sqlite:///{tmp_path / 'inv.sqlite'}"
    notice = tmp_path / "notice.yaml"
    notice.write_text(NOTICE, encoding="utf-8")
    with Inventory(url) as store:
        first = _scan_into(store, [folder], str(notice))
        second = _scan_into(store, [folder], str(notice))
        with store.engine.begin() as conn:  # as an older pdscan stored it: the file and the controller only
            conn.execute(
                schema.runs_table.update()
                .where(schema.runs_table.c.id == first)
                .values(declaration={"file": str(notice), "controller": "Testi Oy"})
            )
        diff = diff_runs(store.load(first), store.load(second))
    assert diff["declaration"]["changes"] == [] and diff["declaration"]["compared"] is False
    assert "kept no record of its declaration's content" in diff["declaration"]["note"]
    assert diff["summary"]["changed"] is False


# -- undeclared findings per location and subject group -------------------------------------------------------


def test_a_second_undeclared_hetu_column_is_a_new_change(inventory_url: str, folder: Path) -> None:
    runner = CliRunner()
    _scan(runner, inventory_url, str(folder), "--declaration", "entteri")  # entteri declares no HETU
    _payroll(folder / "henkilosto.csv", column="hetu")  # a second HETU column in another table
    _scan(runner, inventory_url, str(folder), "--declaration", "entteri")

    with Inventory(inventory_url) as store:
        first, second = (r.id for r in store.runs())
        stored = diff_runs(store.load(first), store.load(second))  # each run as compared when stored
    (gap,) = stored["undeclared"]["new"]
    assert gap["key"] == NATIONAL_ID and gap["new_category"] is False
    assert [loc["display"] for loc in gap["locations"]] == [f"{folder}/henkilosto.csv :: hetu"]
    assert stored["summary"]["new_undeclared"] == 1

    out = _diff(runner, inventory_url, "--fail-on", "undeclared", "--declaration", "entteri")
    assert out.exit_code == 1, out.output  # was 0: HETUs were undeclared already, elsewhere
    assert (
        "NEW UNDECLARED HIGH RISK: National identification number (HETU) [user.government_id.national_identification_"
        "number] (undeclared elsewhere already; new location)" in out.output
    )
    assert "henkilosto.csv :: hetu: FI_PERSONAL_IDENTITY_CODE 20/20" in out.output
    assert "palkat.csv :: henkilotunnus" not in out.output.split("NEW UNDECLARED")[1]

    # The same data again: nothing new.
    _scan(runner, inventory_url, str(folder), "--declaration", "entteri")
    out = _diff(runner, inventory_url, "--fail-on", "undeclared", "--declaration", "entteri")
    assert out.exit_code == 0, out.output


def test_an_undeclared_finding_is_new_per_subject_group(tmp_path: Path, folder: Path) -> None:
    """HETU is declared for employees only: a HETU column in a customers table is undeclared for customers, and
    a second one in another customers table is new although the first one was there already."""
    url = f"sqlite:///{tmp_path / 'inv.sqlite'}"
    notice = tmp_path / "notice.yaml"
    notice.write_text(NOTICE, encoding="utf-8")
    _customers(folder / "asiakkaat.csv", hetu=True)
    runner = CliRunner()
    _scan(runner, url, str(folder), "--declaration", str(notice))
    _customers(folder / "asiakkaat_2019.csv", hetu=True)
    _scan(runner, url, str(folder), "--declaration", str(notice))
    diff = json.loads(_diff(runner, url, "-f", "json", "--fail-on", "undeclared").output)
    (gap,) = diff["undeclared"]["new"]
    assert (gap["key"], gap["subject"], gap["new_category"]) == (NATIONAL_ID, "Asiakkaat", False)
    assert gap["declared_for"] == ["Työntekijät"]
    assert [(loc["display"], loc["subject"]) for loc in gap["locations"]] == [
        (f"{folder}/asiakkaat_2019.csv :: hetu", "Asiakkaat")
    ]
    out = _diff(runner, url)
    assert "NEW UNDECLARED HIGH RISK: National identification number (HETU)" in out.output
    assert "for Asiakkaat (undeclared elsewhere already; new location)" in out.output


# -- removed since the last run -------------------------------------------------------------------------------


def test_a_deleted_file_is_removed_since_the_last_run(inventory_url: str, folder: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    single = tmp_path / "single.csv"
    _customers(single)
    _scan(runner, inventory_url, str(folder))
    _scan(runner, inventory_url, str(single))
    (folder / "palkat.csv").unlink()
    single.unlink()
    _scan(runner, inventory_url, str(folder))
    out = runner.invoke(
        main, ["scan", str(single), "--inventory", inventory_url, "-q", "--keep-going", "-f", "json", "-o", "/dev/null"]
    )
    assert out.exit_code == 2, out.output  # the source cannot be opened; the run is stored all the same

    out = _diff(runner, inventory_url, "1", "3", "--fail-on", "changes")
    assert out.exit_code == 1
    assert (
        f"- {folder}/palkat.csv :: henkilotunnus: FI_PERSONAL_IDENTITY_CODE (removed since the last run)" in out.output
    )
    assert f"- table {folder}/palkat.csv (removed since the last run)" in out.output
    assert "not scanned" not in out.output and "not in the later run" not in out.output
    diff = json.loads(_diff(runner, inventory_url, "1", "3", "-f", "json").output)
    assert {x["status"] for x in diff["removed_locations"]} == {"deleted"}
    assert diff["summary"]["removed_locations"] == len(diff["removed_locations"]) >= 1
    assert diff["summary"]["not_scanned_locations"] == 0
    assert [(t["status"], t["reason"]) for t in diff["schema_changes"]["removed_tables"]] == [
        ("deleted", "removed since the last run")
    ]

    # A file named as a source, deleted: the later run's "no such file" is its removal, not a scan failure.
    diff = json.loads(_diff(runner, inventory_url, "2", "4", "-f", "json").output)
    assert {(x["status"], x["reason"]) for x in diff["removed_locations"]} == {
        ("deleted", "removed since the last run")
    }
    assert diff["summary"]["not_scanned_locations"] == 0

    with Inventory(inventory_url) as store:
        report = build_periodic_report(store, now=dt.datetime.now(dt.timezone.utc) + dt.timedelta(minutes=1))
    for fmt in ("markdown", "html"):
        path = tmp_path / f"report.{fmt}"
        with path.open("w", encoding="utf-8") as stream:
            PERIODIC_FORMATS[fmt](report, stream)
        text = path.read_text(encoding="utf-8")
        assert "palkat.csv :: henkilotunnus" in text and "removed since the last run" in text, fmt
        assert "not in the later run" not in text and "not scanned" not in text, fmt


def test_a_file_not_scanned_or_excluded_is_not_called_removed(tmp_path: Path, folder: Path) -> None:
    url = f"sqlite:///{tmp_path / 'inv.sqlite'}"
    with Inventory(url) as store:
        first = _scan_into(store, [folder])
        (folder / "palkat.csv").write_bytes(b"")  # still there, but nothing can be read of it
        empty = _scan_into(store, [folder])
        excluded = _scan_into(store, [folder], exclude=["palkat*"])
        not_read = diff_runs(store.load(first), store.load(empty))
        left_out = diff_runs(store.load(first), store.load(excluded))
    assert {x["status"] for x in not_read["removed_locations"]} == {"not_scanned"}
    assert all(x["reason"].startswith("table not scanned in the later run: ") for x in not_read["removed_locations"])
    summary = not_read["summary"]
    assert summary["removed_locations"] == 0 and summary["not_scanned_locations"] == len(not_read["removed_locations"])
    assert {x["status"] for x in left_out["removed_locations"]} == {"table_missing"}
    assert all("chose files differently" in x["reason"] for x in left_out["removed_locations"])


# -- migration 6: an old inventory with narrow columns --------------------------------------------------------

# The columns as the first inventories created them (pdscan before they became TEXT).
NARROW = {
    "pdscan_run_sources": {"source": 1000},
    "pdscan_findings": {"source": 1000, "container": 1000, "column_name": 1000},
    "pdscan_errors": {"source": 1000, "reason": 2000},
    "pdscan_suppressed": {"fingerprint": 2000, "reason": 2000},
    "pdscan_locations": {"source": 1000, "container": 1000, "sampling": 400},
}


def _old_inventory(url: str) -> None:
    """An inventory at schema version 5 whose path, name and reason columns are VARCHAR(400-2000)."""
    old = sa.MetaData()
    for table in schema.metadata.sorted_tables:
        copy = table.to_metadata(old)
        for name, length in NARROW.get(table.name, {}).items():
            copy.c[name].type = sa.String(length)
    engine = sa.create_engine(url)
    try:
        old.create_all(engine)
        now = dt.datetime.now(dt.timezone.utc)
        with engine.begin() as conn:
            conn.execute(
                schema.migrations_table.insert(),
                [
                    {"version": m.version, "name": m.name, "applied_at": now, "pdscan_version": "0.0.9"}
                    for m in migrations.MIGRATIONS
                    if m.version <= 5
                ],
            )
            conn.execute(
                schema.meta_table.insert(),
                [{"key": "created_at", "value": now.isoformat()}, {"key": "inventory_id", "value": uuid.uuid4().hex}],
            )
    finally:
        engine.dispose()


def _deep_folder(root: Path) -> Path:
    """A folder whose path is longer than 1,000 characters, holding a file of customers."""
    folder = root
    for i in range(5):
        folder = folder / (f"{i}_" + "kansio" * 33)
    folder.mkdir(parents=True)
    _customers(folder / "asiakkaat.csv")
    assert len(str(folder / "asiakkaat.csv")) > 1000
    return folder


def _column_lengths(url: str) -> dict[tuple[str, str], int | None]:
    engine = sa.create_engine(url)
    try:
        inspector = sa.inspect(engine)
        return {
            (table, column["name"]): getattr(column["type"], "length", None)
            for table, columns in NARROW.items()
            for column in inspector.get_columns(table)
            if column["name"] in columns
        }
    finally:
        engine.dispose()


def test_an_old_inventory_with_narrow_columns_is_upgraded_and_stores_long_paths(
    inventory_url: str, folder: Path, tmp_path: Path
) -> None:
    _old_inventory(inventory_url)
    postgres = inventory_url.startswith("postgresql")
    if postgres:
        assert set(_column_lengths(inventory_url).values()) == {400, 1000, 2000}
    deep = _deep_folder(tmp_path / "long")
    with Inventory(inventory_url, upgrade=False) as store:  # as the old pdscan wrote into it
        old_run = _scan_into(store, [folder])
        if postgres:  # the bug: PostgreSQL refuses the long path in VARCHAR(1000)
            with pytest.raises(InventoryError, match="too long"):
                _scan_into(store, [deep])

    with Inventory(inventory_url) as store:
        assert store.version == migrations.LATEST == 6
        with store.engine.connect() as conn:
            versions = conn.execute(sa.select(schema.migrations_table.c.version)).scalars().all()
        assert sorted(versions) == [1, 2, 3, 4, 5, 6]
        assert [f.entity for f in store.load(old_run).result.findings]  # the old run is intact
        first = _scan_into(store, [deep])
        second = _scan_into(store, [deep])
        run = store.load(second)
        assert {len(f.location.display(with_column=False)) > 1000 for f in run.result.findings} == {True}
        assert len(run.result.sources[0].source) > 1000
        assert diff_runs(store.load(first), run)["summary"]["changed"] is False
    if postgres:
        assert set(_column_lengths(inventory_url).values()) == {None}  # TEXT

    # Opening it again applies nothing more.
    with Inventory(inventory_url) as store:
        assert store.version == 6


def test_a_new_inventory_gets_migration_6_without_changing_anything(inventory_url: str) -> None:
    with Inventory(inventory_url) as store:
        assert store.version == 6
    assert set(_column_lengths(inventory_url).values()) == {None}
