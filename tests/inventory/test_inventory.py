"""The inventory: runs stored in SQLite and in the machine's real PostgreSQL, diffs, atomic runs, concurrent
writers, schema upgrades and the periodic report."""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
import subprocess
import sys
from html.parser import HTMLParser
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
from pdscan.model import Finding, Location
from pdscan.scan import Progress, ScanOptions, scan

HETUS = ["131052-308T", "010101A123N", "311299-8997", "020202A202X"]


def _write_csv(path: Path, header: list[str], rows: list[list[str]], delimiter: str = ",") -> None:
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f, delimiter=delimiter)
        writer.writerow(header)
        writer.writerows(rows)


def _customers(n: int = 40, with_phone: bool = False) -> tuple[list[str], list[list[str]]]:
    names = [("Matti", "Virtanen"), ("Aino", "Korhonen"), ("Juha", "Mäkinen"), ("Liisa", "Nieminen")]
    header = ["asiakas_id", "etunimi", "sukunimi", "sahkoposti", "luotu"] + (["puhelin"] if with_phone else [])
    rows = []
    for i in range(n):
        first, last = names[i % len(names)]
        row = [str(1000 + i), first, last, f"{first.lower()}.{i}@example.fi", f"20{10 + i % 10}-0{1 + i % 9}-15"]
        if with_phone:
            row.append(f"040 {1234500 + i}")
        rows.append(row)
    return header, rows


@pytest.fixture()
def lake(tmp_path: Path) -> Path:
    """A small export folder: customers (names, emails) and a newsletter list that the second run loses."""
    folder = tmp_path / "exports"
    folder.mkdir()
    _write_csv(folder / "asiakkaat.csv", *_customers())
    _write_csv(
        folder / "uutiskirje.csv",
        ["sahkoposti", "tilattu"],
        [[f"tilaaja{i}@example.com", "2023-05-01"] for i in range(30)],
    )
    return folder


def _change(folder: Path) -> None:
    """What happens between two monthly scans: a phone column appears, HETUs land in a new export, a file goes."""
    _write_csv(folder / "asiakkaat.csv", *_customers(with_phone=True))
    _write_csv(folder / "palkat.csv", ["nimi", "henkilotunnus"], [[f"Henkilö {i}", HETUS[i % 4]] for i in range(20)])
    (folder / "uutiskirje.csv").unlink()


def _scan_into(store: Inventory, folder: Path, declaration: str | None = "entteri", **kwargs: Any) -> int:
    options = ScanOptions(declaration=declaration, **kwargs)
    run_id = store.start_run([str(folder)], options.to_dict(), declaration)
    store.finish_run(run_id, scan([str(folder)], options))
    return run_id


def test_run_change_run_gives_the_diff(inventory_url: str, lake: Path) -> None:
    with Inventory(inventory_url) as store:
        first = _scan_into(store, lake)
        _change(lake)
        second = _scan_into(store, lake)
        assert [r.status for r in store.runs()] == ["complete", "complete"]
        assert store.previous_run(store.run(second)).id == first  # type: ignore[union-attr]
        diff = diff_runs(store.load(first), store.load(second))
    new = {(x["display"], tuple(x["entities"])) for x in diff["new_locations"]}
    assert (f"{lake}/asiakkaat.csv :: puhelin", ("PHONE_NUMBER",)) in new
    assert (f"{lake}/palkat.csv :: henkilotunnus", ("FI_PERSONAL_IDENTITY_CODE",)) in new
    removed = {x["display"]: x["status"] for x in diff["removed_locations"]}
    assert removed == {f"{lake}/uutiskirje.csv :: sahkoposti": "deleted"}  # the file was removed since the last run
    # Entteri declares no HETU: the new export is a new undeclared, high-risk category.
    assert [g["key"] for g in diff["undeclared"]["new"]] == ["user.government_id.national_identification_number"]
    assert diff["undeclared"]["new"][0]["risk"] == "high"
    schema_changes = diff["schema_changes"]
    assert [t["display"] for t in schema_changes["new_tables"]] == [f"{lake}/palkat.csv"]
    assert [(c["column"], c["entities"]) for c in schema_changes["new_columns"]] == [("puhelin", ["PHONE_NUMBER"])]
    assert [t["display"] for t in schema_changes["removed_tables"]] == [f"{lake}/uutiskirje.csv"]
    assert diff["summary"]["changed"] is True
    assert diff["entity_changes"] == [] and diff["confidence_changes"] == []


def test_unchanged_data_gives_an_empty_diff_and_count_changes_are_seen(tmp_path: Path) -> None:
    folder = tmp_path / "d"
    folder.mkdir()
    _write_csv(folder / "asiakkaat.csv", *_customers(40))
    with Inventory(str(tmp_path / "inv.sqlite")) as store:
        a = _scan_into(store, folder)
        b = _scan_into(store, folder)
        assert diff_runs(store.load(a), store.load(b))["summary"]["changed"] is False
        _write_csv(folder / "asiakkaat.csv", *_customers(120))
        c = _scan_into(store, folder)
        diff = diff_runs(store.load(b), store.load(c))
    counts = {(x["display"].split(" :: ")[1], x["entity"]): x for x in diff["count_changes"]}
    assert counts[("sahkoposti", "EMAIL_ADDRESS")]["before"]["match_count"] == 40
    assert counts[("sahkoposti", "EMAIL_ADDRESS")]["after"]["match_count"] == 120
    assert diff["new_locations"] == [] and diff["removed_locations"] == []


def test_runs_keep_no_raw_values_and_mask_passwords(tmp_path: Path, lake: Path) -> None:
    url = tmp_path / "inv.sqlite"
    with Inventory(str(url)) as store:
        run_id = _scan_into(store, lake, show_data=True)
        stored = store.load(run_id)
        # A --show-data scan had raw samples in its own report; the inventory keeps none.
        assert all(f.samples == [] for f in stored.result.findings)
        masked = _scan_into(store, lake)
        samples = [s for f in store.load(masked).result.findings for s in f.samples]
        assert samples and all("*" in s for s in samples)
        secret_run = store.start_run(["postgresql://scanner:hunter2@db.example/crm"], {})
        assert store.run(secret_run).sources == ["postgresql://scanner:***@db.example/crm"]
    data = url.read_bytes()
    assert b"hunter2" not in data
    assert b"matti.0@example.fi" not in data  # raw email from the --show-data scan


def test_interrupted_killed_and_failed_runs_never_look_complete(inventory_url: str, lake: Path) -> None:
    with Inventory(inventory_url) as store:
        complete = _scan_into(store, lake)

        # Ctrl-C after the first table: what was scanned is stored, marked interrupted.
        def stop(_table: Any) -> None:
            if stop.calls:  # type: ignore[attr-defined]
                raise KeyboardInterrupt
            stop.calls += 1  # type: ignore[attr-defined]

        stop.calls = 0  # type: ignore[attr-defined]
        options = ScanOptions(declaration="entteri")
        interrupted = store.start_run([str(lake)], options.to_dict())
        result = scan([str(lake)], options, progress=Progress(table_started=stop))
        assert result.interrupted
        store.finish_run(interrupted, result)

        killed = store.start_run([str(lake)], options.to_dict())  # a scan killed hard never finishes

        # A failure while storing rolls the whole run back and marks it failed.
        failing = store.start_run([str(lake)], options.to_dict())
        broken = scan([str(lake)], options)
        broken.findings.append(
            Finding(str(lake), Location(file="x.csv", column="c"), "EMAIL_ADDRESS", [], "high", 1.0, None, 1, 1, [], [])  # type: ignore[arg-type]
        )
        with pytest.raises(InventoryError, match=f"run {failing} could not be stored"):
            store.finish_run(failing, broken)

        statuses = {r.id: r.status for r in store.runs()}
        assert statuses == {complete: "complete", interrupted: "interrupted", killed: "running", failing: "failed"}
        assert store.load(failing).result.findings == []
        assert len(store.load(interrupted).result.tables) == 1
        assert [r.id for r in store.runs(statuses=("complete",))] == [complete]
    runner = CliRunner()
    out = runner.invoke(main, ["history", "--inventory", inventory_url, "--format", "json"])
    assert out.exit_code == 0, out.output
    assert [r["status"] for r in json.loads(out.output)["runs"]] == ["complete", "interrupted", "running", "failed"]
    # diff has only one complete run of these sources: nothing to compare, said in one line
    out = runner.invoke(main, ["diff", "--inventory", inventory_url])
    assert out.exit_code == 2 and "only complete run" in out.output


def test_concurrent_writers_both_land(inventory_url: str, lake: Path) -> None:
    """Two scans start at once on a fresh inventory: one creates the schema, both runs land complete."""
    env = {**os.environ, "PDSCAN_INVENTORY": inventory_url}
    command = [sys.executable, "-m", "pdscan.cli.main", "scan", str(lake), "--inventory", "-q", "-f", "json", "-o"]
    procs = [subprocess.Popen([*command, str(lake.parent / f"out{i}.json")], env=env) for i in range(3)]
    assert [p.wait(timeout=120) for p in procs] == [0, 0, 0]
    with Inventory(inventory_url) as store:
        runs = store.runs()
        assert [r.status for r in runs] == ["complete"] * 3
        assert len({r.id for r in runs}) == 3
        assert all(store.load(r.id).result.findings for r in runs)
        with store.engine.connect() as conn:
            versions = conn.execute(sa.select(schema.migrations_table.c.version)).scalars().all()
    assert sorted(versions) == [m.version for m in migrations.MIGRATIONS]


def test_an_inventory_of_an_earlier_schema_is_upgraded(inventory_url: str, lake: Path) -> None:
    engine = sa.create_engine(inventory_url)
    assert migrations.upgrade(engine, target=1) == 1
    # A run as a pdscan of schema version 1 wrote it: no locations table yet.
    now = dt.datetime.now(dt.timezone.utc) - dt.timedelta(days=40)
    with engine.begin() as conn:
        assert not sa.inspect(conn).has_table(schema.locations_table.name)
        run_id = conn.execute(
            schema.runs_table.insert().values(
                uid="old-run",
                status="complete",
                started_at=now,
                finished_at=now,
                pdscan_version="0.0.9",
                rules_version="old",
                sources=[str(lake)],
                sources_key=_key(str(lake)),
                options={},
                findings=1,
                errors=0,
                tables=1,
                rows_scanned=40,
            )
        ).inserted_primary_key[0]
        conn.execute(
            schema.findings_table.insert().values(
                run_id=run_id,
                source=str(lake),
                container=f"{lake}/asiakkaat.csv",
                column_name="sahkoposti",
                location={"file": f"{lake}/asiakkaat.csv", "column": "sahkoposti"},
                entity="EMAIL_ADDRESS",
                rules=["email"],
                confidence="high",
                score=1.0,
                match_count=40,
                values_scanned=40,
                rows_scanned=40,
                reasons=[],
                samples=["m***@example.fi"],
                categories=["user.contact.email"],
            )
        )
    engine.dispose()
    with Inventory(inventory_url) as store:
        assert store.version == migrations.LATEST >= 2
        old = store.load(run_id)
        assert [f.entity for f in old.result.findings] == ["EMAIL_ADDRESS"] and old.result.tables == []
        new = _scan_into(store, lake)
        diff = diff_runs(old, store.load(new))
    assert diff["schema_changes"]["recorded"] is False  # version 1 kept no schema: no false "new tables"
    assert diff["schema_changes"]["new_tables"] == []
    assert {x["display"].split(" :: ")[1] for x in diff["new_locations"]} >= {"etunimi", "sukunimi"}


def _key(source: str) -> str:
    from pdscan.inventory.store import sources_key

    return sources_key([source])


def test_a_newer_inventory_is_refused(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'inv.sqlite'}"
    Inventory(url).close()
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.execute(
            schema.migrations_table.insert().values(
                version=99, name="future", applied_at=dt.datetime.now(dt.timezone.utc), pdscan_version="9.0"
            )
        )
    engine.dispose()
    with pytest.raises(InventoryError, match="schema version 99 is newer than this pdscan"):
        Inventory(url)


def test_unreachable_inventory_is_one_line_without_password() -> None:
    with pytest.raises(InventoryError) as info:
        Inventory("postgresql+psycopg://pdscan:hunter2@127.0.0.1:1/inventory")
    message = str(info.value)
    assert "hunter2" not in message and "\n" not in message
    assert message.startswith("inventory postgresql+psycopg://pdscan:***@127.0.0.1:1/inventory:")


class _Sections(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.ids: list[str] = []
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag in ("h2", "section") and dict(attrs).get("id"):
            self.ids.append(str(dict(attrs)["id"]))


def test_monthly_report_shows_the_change_trend_and_retention(inventory_url: str, lake: Path, tmp_path: Path) -> None:
    declaration = tmp_path / "notice.yaml"
    text = (Path(__file__).resolve().parents[2] / "rules" / "declarations" / "entteri.yaml").read_text(encoding="utf-8")
    declaration.write_text(text.replace("retention:\n", "retention:\n  period: P5Y\n"), encoding="utf-8")
    runner = CliRunner()
    common = ["--inventory", inventory_url, "-q", "--declaration", str(declaration), "-f", "json", "-o"]
    assert runner.invoke(main, ["scan", str(lake), *common, str(tmp_path / "a.json")]).exit_code == 0
    _change(lake)
    assert runner.invoke(main, ["scan", str(lake), *common, str(tmp_path / "b.json")]).exit_code == 0

    out = runner.invoke(
        main,
        [
            "report",
            "--inventory",
            inventory_url,
            "--declaration",
            str(declaration),
            "-o",
            str(tmp_path / "report.html"),
        ],
    )
    assert out.exit_code == 0, out.output
    page = (tmp_path / "report.html").read_text(encoding="utf-8")
    parser = _Sections()
    parser.feed(page)
    assert parser.ids == ["summary", "overview", "changes", "undeclared", "trend", "retention", "coverage"]
    # Self-contained: no script, stylesheet, image or frame fetched from anywhere.
    for tag, attrs in parser.tags:
        assert tag not in ("script", "link", "img", "iframe"), tag
        assert not any(str(v).startswith(("http:", "https:", "//")) for k, v in attrs.items() if k in ("src", "href"))
    assert "<polyline" in page  # the trend chart, inline SVG
    assert "palkat.csv :: henkilotunnus" in page and "puhelin" in page  # the change
    assert "older than declared" in page  # customers created in 2010, kept past the declared five years

    out = runner.invoke(main, ["report", "--inventory", inventory_url, "-f", "json", "--declaration", str(declaration)])
    report = json.loads(out.output)
    assert report["schema_version"] == 1
    (change,) = report["changes"]
    assert change["diff"]["summary"]["new_locations"] == 2
    assert [len(p["categories"]) > 0 for p in report["trend"]["points"]] == [True, True]
    national = "user.government_id.national_identification_number"
    assert [p["categories"].get(national, 0) for p in report["trend"]["points"]] == [0, 1]
    retention = {t["table"].rsplit("/", 1)[1]: t for t in report["retention"]["tables"]}
    assert retention["asiakkaat.csv"]["indicator"]["column"] == "luotu"
    assert retention["asiakkaat.csv"]["indicator"]["oldest"] == "2010-01-15"
    assert retention["asiakkaat.csv"]["over_period"] is True
    assert report["retention"]["period_days"] == 1826

    out = runner.invoke(main, ["report", "--inventory", inventory_url, "-f", "markdown"])
    assert out.exit_code == 0
    assert "## Changes in the period" in out.output and "## Retention hints" in out.output
    # The runs used a declaration: the report reuses it, and --fail-on undeclared sees the HETU gap.
    out = runner.invoke(main, ["report", "--inventory", inventory_url, "-f", "json", "--fail-on", "undeclared"])
    assert out.exit_code == 1


def test_periodic_report_since_picks_the_base_run(tmp_path: Path, lake: Path) -> None:
    with Inventory(str(tmp_path / "inv.sqlite")) as store:
        first = _scan_into(store, lake)
        second = _scan_into(store, lake)
        _change(lake)
        third = _scan_into(store, lake)
        later = dt.datetime.now(dt.timezone.utc) + dt.timedelta(hours=1)
        report = build_periodic_report(store, since=dt.datetime.now(dt.timezone.utc) - dt.timedelta(days=1), now=later)
        (change,) = report["changes"]
        assert (change["before"], change["after"]) == (first, third)
        report = build_periodic_report(store, since=later, now=later)
        (change,) = report["changes"]
        assert (change["before"], change["after"]) == (second, third)  # the last run before the period


def test_cli_history_diff_and_exit_codes(tmp_path: Path, lake: Path) -> None:
    runner = CliRunner()
    env = {"PDSCAN_INVENTORY": str(tmp_path / "inv.sqlite")}
    missing = runner.invoke(main, ["history"], env=env)
    assert missing.exit_code == 2 and "no inventory here yet" in missing.output
    for _ in range(2):
        out = runner.invoke(
            main, ["scan", str(lake), "--inventory", "-f", "json", "-o", str(tmp_path / "s.json")], env=env
        )
        assert out.exit_code == 0, out.output
        assert "stored as run" in out.output
    out = runner.invoke(main, ["history"], env=env)
    assert out.exit_code == 0 and out.output.count("complete") == 2
    out = runner.invoke(main, ["diff", "--fail-on", "changes"], env=env)
    assert out.exit_code == 0 and "no change" in out.output
    _change(lake)
    runner.invoke(main, ["scan", str(lake), "--inventory", "-q", "-f", "json", "-o", str(tmp_path / "s.json")], env=env)
    out = runner.invoke(main, ["diff", "--fail-on", "new", "--declaration", "entteri"], env=env)
    assert out.exit_code == 1
    assert "NEW UNDECLARED HIGH RISK: National identification number (HETU)" in out.output
    assert "palkat.csv :: henkilotunnus: FI_PERSONAL_IDENTITY_CODE (high, 20/20)" in out.output
    out = runner.invoke(main, ["diff", "1", "3", "--format", "json"], env=env)
    assert out.exit_code == 0 and json.loads(out.output)["summary"]["new_tables"] == 1
    out = runner.invoke(main, ["diff", "1", "99"], env=env)
    assert out.exit_code == 2 and "no run 99" in out.output
