"""End to end: the CLI on the sample data, through click's CliRunner and through the installed console script."""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import stat
import subprocess
import sys
import threading
import zipfile
from pathlib import Path
from typing import Any

import click
import pytest
from click.testing import CliRunner

from pdscan.cli.main import main
from pdscan.detect import core as detect

FINDING_KEYS = {
    "fingerprint",
    "categories",
    "source",
    "location",
    "entity",
    "rules",
    "confidence",
    "score",
    "match_count",
    "values_scanned",
    "rows_scanned",
    "reasons",
    "samples",
}
TOP_KEYS = {
    "schema_version",
    "tool",
    "started_at",
    "finished_at",
    "interrupted",
    "options",
    "sources",
    "tables",
    "findings",
    "errors",
    "suppressed",
    "documents",  # the sample data holds documents (a CV, an application, a mail)
    "skipped",  # files the walker met and did not scan, each with its reason (the generator script here)
    "warnings",  # about the settings: an allow-list entry that matched no finding
}


def run(*args: str) -> click.testing.Result:
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def _key(finding: dict[str, Any]) -> str:
    loc = finding["location"]
    base = Path(loc["file"]).name
    if loc.get("sheet"):
        base += "!" + loc["sheet"]
    return base


def _by_column(report: dict[str, Any]) -> dict[tuple[str, str], set[str]]:
    out: dict[tuple[str, str], set[str]] = {}
    for f in report["findings"]:
        for part in f.get("parts") or [f["location"].get("column")]:  # a document's finding: the parts it names
            out.setdefault((_key(f), part), set()).add(f["entity"])
    return out


@pytest.fixture(scope="module")
def sample_report(sample_dir: Path) -> dict[str, Any]:
    result = run("scan", str(sample_dir), "--format", "json")
    assert result.exit_code == 0, result.output
    report: dict[str, Any] = json.loads(result.stdout)
    return report


def test_json_structure_is_the_documented_schema(sample_report: dict[str, Any]) -> None:
    assert set(sample_report) == TOP_KEYS
    assert sample_report["schema_version"] == 1
    assert sample_report["tool"]["name"] == "pdscan"
    assert sample_report["errors"] == []
    assert sample_report["interrupted"] is False
    assert sample_report["findings"], "the sample data has personal data"
    documents_scanned = {t["location"]["file"] for t in sample_report["tables"] if "document" in t}
    for finding in sample_report["findings"]:
        assert finding["confidence"] in {"low", "medium", "high"}
        assert 0 < finding["score"] <= 1
        assert finding["reasons"]
        if finding["location"]["file"] in documents_scanned:  # a document's finding is for the whole document
            assert set(finding) == FINDING_KEYS | {"parts"} and finding["parts"]
            assert set(finding["location"]) == {"file"}
        else:
            assert set(finding) == FINDING_KEYS
            assert {"file", "column"} <= set(finding["location"])
    for table in sample_report["tables"]:
        assert table["rows_scanned"] > 0
        assert table["sampling"]
    documents = sample_report["documents"]
    assert set(documents) == {"documents", "personal", "cv_like", "folders", "items"}
    assert documents["cv_like"] == 2  # the CV, and the same CV attached to the application mail
    folders = {Path(f["folder"]).name: (f["documents"], f["personal"], f["cv_like"]) for f in documents["folders"]}
    assert folders["hakemukset"] == (4, 4, 2)  # CV, letter, mail, and the mail's attachment
    assert folders["sample_data"] == (1, 0, 0)  # the README: a document without personal data


def test_every_personal_column_of_the_sample_data_is_found(
    sample_report: dict[str, Any], expected: dict[str, Any]
) -> None:
    found = _by_column(sample_report)
    for where, truth in expected.items():
        for column, entities in truth.get("personal", {}).items():
            wanted = set(entities)
            if wanted:
                assert wanted <= found.get((where, column), set()), f"{where} :: {column} should hold {wanted}"


def test_no_finding_on_non_personal_columns(sample_report: dict[str, Any], expected: dict[str, Any]) -> None:
    found = _by_column(sample_report)
    for where, truth in expected.items():
        for column in truth.get("not_personal", []):
            assert (where, column) not in found, f"false positive {found.get((where, column))} on {where}::{column}"
        for column, entities in truth.get("personal", {}).items():
            extra = found.get((where, column), set()) - set(entities)
            assert not extra, f"unexpected {extra} on {where}::{column}"


def test_file_without_personal_data_is_scanned_and_clean(sample_report: dict[str, Any]) -> None:
    scanned = {Path(t["location"]["file"]).name for t in sample_report["tables"]}
    assert "tuotteet.csv" in scanned
    assert not [f for f in sample_report["findings"] if Path(f["location"]["file"]).name == "tuotteet.csv"]


def _raw_emails(sample_dir: Path) -> list[str]:
    with (sample_dir / "crm_contacts.csv").open(encoding="utf-8", newline="") as fh:
        return [row["email"] for row in csv.DictReader(fh) if row["email"]]


@pytest.mark.parametrize("fmt", ["text", "json", "ndjson", "csv"])
def test_raw_values_never_appear_without_show_data(sample_dir: Path, fmt: str) -> None:
    detail = ["--verbose"] if fmt == "text" else []  # the text report shows samples with --verbose
    out = run("scan", str(sample_dir), "--format", fmt, *detail).stdout
    leaked = [e for e in _raw_emails(sample_dir) if e in out]
    assert not leaked, f"{len(leaked)} raw emails in the {fmt} output"
    assert "@" in out  # masked samples keep the domain, so the report is still informative


def test_show_data_shows_raw_samples(sample_dir: Path) -> None:
    out = run("scan", str(sample_dir / "crm_contacts.csv"), "--format", "json", "--show-data").stdout
    assert any(e in out for e in _raw_emails(sample_dir))


def test_text_report_is_readable(sample_dir: Path) -> None:
    out = run("scan", str(sample_dir), "--lang", "en").stdout
    assert "Email address" in out and "EMAIL_ADDRESS" not in out  # plain language, not entity codes
    assert "Personal identity code (HETU)" in out and "FI_PERSONAL_IDENTITY_CODE" not in out
    assert "crm_contacts.csv" in out
    assert "10000 rows" in out  # the sampling is stated


def test_ndjson_and_csv_formats(sample_dir: Path, sample_report: dict[str, Any]) -> None:
    lines = run("scan", str(sample_dir), "--format", "ndjson").stdout.splitlines()
    records = [json.loads(line) for line in lines]
    assert records[0]["record"] == "scan"
    assert sum(r["record"] == "finding" for r in records) == len(sample_report["findings"])
    rows = list(csv.DictReader(io.StringIO(run("scan", str(sample_dir), "--format", "csv").stdout)))
    assert len(rows) == len(sample_report["findings"])
    assert {r["entity"] for r in rows} == {f["entity"] for f in sample_report["findings"]}


def test_the_json_report_written_record_by_record_is_the_whole_result(sample_dir: Path) -> None:
    """The JSON reporter writes tables and findings as it builds them (a folder of 20,000 exports peaked at 1.4 GB
    when they were first built as one list and one string): the document it writes is still the whole result, in
    order, one record a line."""
    from pdscan.engines.base import ScanOptions
    from pdscan.reporters import json_report
    from pdscan.scan import scan

    result = scan([str(sample_dir)], ScanOptions())
    written = io.StringIO()
    json_report.render(result, written)

    # The documented layout, from the whole result built first: each list of objects one per line, the rest indented.
    def value(v: Any) -> str:
        if isinstance(v, list) and v and all(isinstance(item, dict) for item in v):
            return "[\n" + ",\n".join("    " + json.dumps(item, ensure_ascii=False) for item in v) + "\n  ]"
        return json.dumps(v, indent=2, ensure_ascii=False).replace("\n", "\n  ")

    pairs = [f"{json.dumps(key)}: {value(v)}" for key, v in result.to_dict().items()]
    assert written.getvalue() == "{\n  " + ",\n  ".join(pairs) + "\n}\n"
    lines = written.getvalue().splitlines()
    assert sum(line.startswith('    {"fingerprint": ') for line in lines) == len(result.findings) > 0
    lazy = result.to_dict(lazy=True)
    assert not isinstance(lazy["findings"], list)
    assert list(lazy["findings"]) == result.to_dict()["findings"]


def test_output_file(sample_dir: Path, tmp_path: Path) -> None:
    target = tmp_path / "out" / "scan.json"
    result = run("scan", str(sample_dir / "crm_contacts.csv"), "--format", "json", "--output", str(target))
    assert result.exit_code == 0
    assert result.stdout == ""
    assert json.loads(target.read_text(encoding="utf-8"))["schema_version"] == 1
    assert [p.name for p in target.parent.iterdir()] == ["scan.json"]  # no temporary file left behind


def test_output_to_a_pipe_or_device_writes_in_place(sample_dir: Path, tmp_path: Path) -> None:
    # `-o /dev/null` once renamed a temporary file over the device: as root that replaced /dev/null for the whole
    # machine. A named pipe stands in for the device here (safe to break in a test).
    pipe = tmp_path / "report.pipe"
    os.mkfifo(pipe)
    received: list[str] = []
    reader = threading.Thread(target=lambda: received.append(pipe.read_text(encoding="utf-8")), daemon=True)
    reader.start()
    result = run("scan", str(sample_dir / "crm_contacts.csv"), "--format", "json", "--output", str(pipe))
    reader.join(timeout=30)
    assert result.exit_code == 0, result.output  # findings, but --fail-on is never by default
    assert stat.S_ISFIFO(pipe.stat().st_mode)
    assert json.loads(received[0])["schema_version"]
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".report.pipe.")]


@pytest.mark.parametrize("fmt", ["markdown", "html"])
def test_documents_section_in_markdown_and_html(sample_dir: Path, fmt: str) -> None:
    out = run("scan", str(sample_dir), "-f", fmt, "-q").stdout
    assert "5 documents scanned, 4 with personal data, 2 CV-like" in out
    assert "CV-like: " in out and "ansioluettelo_rantanen.pdf" in out


def test_filters(sample_dir: Path) -> None:
    only = json.loads(run("scan", str(sample_dir), "-f", "json", "--only", "EMAIL_ADDRESS").stdout)
    assert {f["entity"] for f in only["findings"]} == {"EMAIL_ADDRESS"}
    without = json.loads(run("scan", str(sample_dir), "-f", "json", "--except", "EMAIL_ADDRESS,PHONE_NUMBER").stdout)
    assert not {f["entity"] for f in without["findings"]} & {"EMAIL_ADDRESS", "PHONE_NUMBER"}
    high = json.loads(run("scan", str(sample_dir), "-f", "json", "--min-confidence", "high").stdout)
    assert high["findings"] and {f["confidence"] for f in high["findings"]} == {"high"}


def test_sample_size_and_full(sample_dir: Path) -> None:
    small = json.loads(run("scan", str(sample_dir / "crm_contacts.csv"), "-f", "json", "--sample-size", "10").stdout)
    assert [t["rows_scanned"] for t in small["tables"]] == [10]
    assert small["tables"][0]["truncated"] is True
    full = json.loads(run("scan", str(sample_dir / "crm_contacts.csv"), "-f", "json", "--full").stdout)
    assert full["tables"][0]["rows_scanned"] > 10
    assert full["tables"][0]["truncated"] is False


def test_exit_codes(sample_dir: Path, tmp_path: Path) -> None:
    assert run("scan", str(sample_dir), "-q").exit_code == 0
    assert run("scan", str(sample_dir), "-q", "--fail-on", "high").exit_code == 1
    assert run("scan", str(sample_dir / "tuotteet.csv"), "-q", "--fail-on", "low").exit_code == 0
    missing = run("scan", str(tmp_path / "nope.csv"), "-f", "json")
    assert missing.exit_code == 2
    assert "no such file or directory" in missing.stderr
    assert run("scan", str(sample_dir), "--only", "NOPE").exit_code == 2
    assert run("scan", str(sample_dir), "--format", "xml").exit_code == 2
    assert run("scan").exit_code == 2


def test_bad_inputs_are_listed_and_the_scan_goes_on(sample_dir: Path, tmp_path: Path) -> None:
    shutil.copy(sample_dir / "crm_contacts.csv", tmp_path / "good.csv")
    (tmp_path / "empty.csv").write_bytes(b"")
    (tmp_path / "broken.xlsx").write_bytes(b"PK\x03\x04 this is not a workbook")
    (tmp_path / "binary.csv").write_bytes(bytes(range(256)) * 10)
    (tmp_path / "bad.zip").write_bytes(b"PK\x05\x06 truncated")
    with zipfile.ZipFile(tmp_path / "ok.zip", "w") as zf:
        zf.write(sample_dir / "crm_contacts.csv", "inner/crm.csv")
    result = run("scan", str(tmp_path), "-f", "json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    failed = {Path(e["location"]["file"]).name for e in report["errors"]}
    assert failed == {"empty.csv", "broken.xlsx", "binary.csv", "bad.zip"}
    for entry in report["errors"]:
        assert "\n" not in entry["reason"] and entry["reason"]
    assert len(result.stderr.strip().splitlines()) == 4  # one line per skipped file
    files = {f["location"]["file"] for f in report["findings"]}
    assert str(tmp_path / "good.csv") in files
    assert str(tmp_path / "ok.zip") + "!inner/crm.csv" in files


def test_interrupt_reports_what_was_scanned(sample_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real = detect.detect_batches
    calls = {"n": 0}

    def interrupt_on_third_table(*args: Any, **kwargs: Any) -> Any:
        # The sample data's README.md (a document without personal data) comes first, then the customer sheet.
        calls["n"] += 1
        if calls["n"] == 3:
            raise KeyboardInterrupt
        return real(*args, **kwargs)

    monkeypatch.setattr("pdscan.engines.base.detect_batches", interrupt_on_third_table)
    # Small tables are detected in groups (detect_small, on a thread while the next group is read): groups of one
    # table here, and the third group is interrupted; the groups before it are kept, the one interrupted is not.
    real_small = detect.detect_small

    def interrupt_small(batches: Any, *args: Any, **kwargs: Any) -> Any:
        calls["n"] += 1
        if calls["n"] == 3:
            raise KeyboardInterrupt
        return real_small(batches, *args, **kwargs)

    monkeypatch.setattr("pdscan.engines.local.detect_small", interrupt_small)
    monkeypatch.setattr("pdscan.engines.local.GROUP_TABLES", 1)
    result = run("scan", str(sample_dir), "-f", "json")
    assert result.exit_code == 2
    report = json.loads(result.stdout)
    assert report["interrupted"] is True
    assert report["findings"]  # the first table's findings are kept
    assert "interrupted" in result.stderr


def test_interrupt_inside_a_table_counts_only_the_rows_detected(
    sample_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The reader runs a batch ahead of the detector: an interruption must not count the batch read but not scanned.
    real = detect.detect_batches

    def interrupt_after_one_batch(batches: Any, *args: Any, **kwargs: Any) -> Any:
        stream = real(batches, *args, **kwargs)
        yield next(stream)
        raise KeyboardInterrupt

    monkeypatch.setattr("pdscan.engines.base.detect_batches", interrupt_after_one_batch)
    result = run("scan", str(sample_dir / "crm_contacts.csv"), "--full", "--chunk-rows", "100", "-f", "json")
    report = json.loads(result.stdout)
    assert report["interrupted"] is True
    table = report["tables"][0]
    assert table["rows_scanned"] == 100
    assert report["findings"] and all(f["rows_scanned"] == 100 for f in report["findings"])


def test_rules_list() -> None:
    out = run("rules", "list").stdout
    for rule_id in ("email", "phone", "fi-hetu", "fi-business-id", "iban"):
        assert rule_id in out


def test_installed_console_script(sample_dir: Path) -> None:
    script = shutil.which("pdscan", path=str(Path(sys.executable).parent))
    if script is None:
        if os.environ.get("PDSCAN_EXPECT_INSTALLED") == "1":
            pytest.fail("CI installed pdscan, but its console script is missing")
        pytest.skip("the pdscan console script is not installed in this environment")
    proc = subprocess.run(
        [script, "scan", str(sample_dir), "--format", "json"], capture_output=True, text=True, check=False
    )
    assert proc.returncode == 0, proc.stderr
    report = json.loads(proc.stdout)
    assert {f["entity"] for f in report["findings"]} >= {
        "EMAIL_ADDRESS",
        "PHONE_NUMBER",
        "FI_PERSONAL_IDENTITY_CODE",
    }


def test_sqlite_url_is_scanned_read_only(tmp_path: Path) -> None:
    import hashlib
    import sqlite3

    db = tmp_path / "crm.sqlite"
    with sqlite3.connect(db) as conn:
        conn.execute("create table contacts (id integer primary key, sahkoposti text, puhelin text, kuva blob)")
        conn.executemany(
            "insert into contacts (sahkoposti, puhelin, kuva) values (?, ?, ?)",
            [(f"asiakas{i}@example.fi", f"040 123 {4500 + i}", b"\x00") for i in range(30)],
        )
    conn.close()
    before = hashlib.sha256(db.read_bytes()).hexdigest()
    report = json.loads(run("scan", f"sqlite:///{db}", "-f", "json").stdout)
    assert {(f["location"]["table"], f["location"]["column"], f["entity"]) for f in report["findings"]} == {
        ("contacts", "sahkoposti", "EMAIL_ADDRESS"),
        ("contacts", "puhelin", "PHONE_NUMBER"),
    }
    assert report["tables"][0]["notes"] == ["skipped columns: kuva (binary)"]
    assert hashlib.sha256(db.read_bytes()).hexdigest() == before


def test_database_errors_are_one_line_and_hide_passwords(tmp_path: Path) -> None:
    missing = run("scan", f"sqlite:///{tmp_path / 'none.db'}", "-f", "json")
    assert missing.exit_code == 2
    assert "no such file or directory" in missing.stderr
    assert not (tmp_path / "none.db").exists()  # SQLite must not create it
    result = run("scan", "nosuchdialect://user:s3cret@db.example/x", "-f", "json")
    assert result.exit_code == 2
    assert "s3cret" not in result.stdout + result.stderr
    # A source that cannot be opened stops the run before anything is scanned: one line, no report (issue 23).
    assert result.stdout == ""
    expected = "Error: nosuchdialect://user:***@db.example/x: unknown database type 'nosuchdialect'"
    assert result.stderr.strip() == expected


def test_rules_test_command(tmp_path: Path) -> None:
    good = tmp_path / "loyalty.yaml"
    good.write_text(
        "id: loyalty-card\nentity: LOYALTY_CARD\ndescription: Loyalty card number\ncategories: [user.unique_id]\n"
        "value:\n  pattern: '\\bKK-\\d{6}\\b'\n  weak: true\n"
        "column:\n  names: [kanta-asiakasnumero, loyalty card]\n"
        "examples:\n  match: [KK-123456]\n  no_match: [KK-12]\n  column_match: [Kanta-asiakasnumero]\n",
        encoding="utf-8",
    )
    result = run("rules", "test", str(good))
    assert result.exit_code == 0, result.output
    assert "loyalty-card: 3/3 examples pass" in result.stdout
    wrong = tmp_path / "wrong.yaml"
    wrong.write_text(good.read_text(encoding="utf-8").replace("no_match: [KK-12]", "no_match: [KK-654321]"))
    failing = run("rules", "test", str(wrong))
    assert failing.exit_code == 1
    assert "FAIL no_match: 'KK-654321' should not match" in failing.stdout
    broken = tmp_path / "broken.yaml"
    broken.write_text("id: x\nentity: X\n", encoding="utf-8")
    malformed = run("rules", "test", str(broken))
    assert malformed.exit_code == 2
    assert "broken.yaml: field 'description'" in malformed.stderr


def test_allow_list_suppresses_reviewed_findings(sample_dir: Path, tmp_path: Path) -> None:
    first = json.loads(run("scan", str(sample_dir / "crm_contacts.csv"), "-f", "json").stdout)
    notes = [f for f in first["findings"] if f["location"]["column"] == "notes"]
    assert notes
    allow = tmp_path / "allow.yaml"
    allow.write_text(
        "version: 1\nignore:\n"
        f"  - fingerprint: {json.dumps(notes[0]['fingerprint'])}\n    reason: reviewed, deputies' work contacts\n"
        "  - fingerprint: '*:: business_id:FI_BUSINESS_ID'\n    reason: company IDs are public\n",
        encoding="utf-8",
    )
    second = json.loads(
        run("scan", str(sample_dir / "crm_contacts.csv"), "-f", "json", "--ignore-file", str(allow)).stdout
    )
    left = {f["fingerprint"] for f in second["findings"]}
    assert notes[0]["fingerprint"] not in left
    assert not [f for f in second["findings"] if f["entity"] == "FI_BUSINESS_ID"]
    assert len(second["findings"]) == len(first["findings"]) - 2
    assert {s["reason"] for s in second["suppressed"]} == {
        "reviewed, deputies' work contacts",
        "company IDs are public",
    }
    broken = tmp_path / "broken.yaml"
    broken.write_text("version: 1\nignore:\n  - fingerprint: x\n", encoding="utf-8")
    result = run("scan", str(sample_dir / "crm_contacts.csv"), "--ignore-file", str(broken))
    assert result.exit_code == 2
    assert "broken.yaml: field 'ignore[0].reason'" in result.stderr
