"""The hostile-input generator (tests/hostile.py) scanned with short limits: one bad file never costs the scan.

For each of its 200+ cases: no traceback, the exact exit code (0 for a folder whose bad file is listed; with
``--strict`` 2 exactly when something was skipped or failed), every file the walker met accounted for, the good file's
findings present, and no raw value in stdout, stderr or the inventory.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

HERE = Path(__file__).resolve().parents[1]

# Short limits keep the run fast; each is still far above what the good files need.
LIMITS = {
    "PDSCAN_JSON_MAX_DEPTH": "32",
    "PDSCAN_JSON_MAX_KEYS": "5000",
    "PDSCAN_JSON_MAX_LINE": str(1 << 20),
    "PDSCAN_TEXT_MAX_LINE": "16384",
    "PDSCAN_CSV_MAX_FIELD": "262144",
    "PDSCAN_ARCHIVE_MAX_MEMBERS": "1000",
    "PDSCAN_ARCHIVE_MAX_BYTES": str(10 << 20),
    "PDSCAN_MAIL_MAX_PARTS": "100",
    "PDSCAN_MAIL_MAX_DEPTH": "10",
}


@pytest.fixture(scope="module")
def results(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict]:
    root = tmp_path_factory.mktemp("hostile")
    out = root / "results.json"
    # One process runs every case (a process per case would take minutes); the timeout bounds a hang, and the
    # driver's last stderr line names the case that hung.
    done = subprocess.run(
        [sys.executable, str(HERE / "hostile.py"), "--run", str(root), str(out)],
        capture_output=True,
        timeout=900,
        env={**os.environ, **LIMITS},
        check=False,
    )
    stderr = done.stderr.decode("utf-8", errors="replace")
    assert done.returncode == 0 and out.exists(), stderr[-3000:]
    by_name = {r["name"]: r for r in json.loads(out.read_text(encoding="utf-8"))}
    assert len(by_name) >= 200
    return by_name


def _walked(folder: str) -> set[str]:
    """Every path the walker meets under a case folder, links and special files included (not followed), spelled
    as reports spell a name that is not UTF-8 (its bytes escaped, ``bad\\xff.csv``)."""
    seen = set()
    for base, dirs, files in os.walk(folder):
        for name in files + [d for d in dirs if os.path.islink(os.path.join(base, d))]:
            path = os.path.join(base, name)
            seen.add(path.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace"))
    return seen


def _accounted(report: dict) -> set[str]:
    tables = {t["location"]["file"] for t in report["tables"] if "file" in t["location"]}
    failed = {e["location"]["file"] for e in report["errors"] if e.get("location", {}).get("file")}
    skipped = {s["path"] for s in report["skipped"]}
    return tables | failed | skipped


def test_no_case_crashes_or_leaks(results: dict[str, dict]) -> None:
    crashed = {name: r["crashes"][0][-1500:] for name, r in results.items() if r["crashes"]}
    assert not crashed, crashed
    leaked = {name: r["leaks"] for name, r in results.items() if r["leaks"]}
    assert not leaked, leaked
    noisy = [name for name, r in results.items() if "Traceback" in r["text"] or "Traceback" in r["report"]]
    assert not noisy, noisy


def test_every_case_keeps_its_neighbour_and_accounts_for_every_file(results: dict[str, dict]) -> None:
    for name, r in results.items():
        report = json.loads(r["report"])
        good = f"{r['folder']}/good.csv"
        emails = [f for f in report["findings"] if f["location"].get("file") == good and f["entity"] == "EMAIL_ADDRESS"]
        assert emails, f"{name}: the good file's findings are missing"
        accounted = _accounted(report)
        # An archive is accounted for by its members ("a.zip!inner.csv") or by an entry of its own.
        missing = {
            p for p in _walked(r["folder"]) if p not in accounted and not any(a.startswith(p + "!") for a in accounted)
        }
        assert not missing, f"{name}: files neither scanned, skipped nor failed: {missing}"


def test_exact_exit_code_per_case(results: dict[str, dict]) -> None:
    for name, r in results.items():
        report = json.loads(r["report"])
        # A file failing inside a scanned folder is listed and keeps the exit code (--fail-on defaults to never).
        assert r["json_exit"] == 0, (name, r["json_exit"])
        # --strict fails the run exactly when a file was skipped or failed.
        listed = bool(report["errors"] or report["skipped"])
        assert r["text_exit"] == (2 if listed else 0), (name, r["text_exit"], listed)
        # The text report names every file that was not scanned (by its path, or its escaped form).
        for entry in report["skipped"]:
            assert entry["path"] in r["text"], (name, entry)


def test_named_reasons(results: dict[str, dict]) -> None:
    def skipped(case: str) -> dict[str, str]:
        report = json.loads(results[case]["report"])
        return {os.path.basename(s["path"]): s["reason"] for s in report["skipped"]}

    assert "named pipe" in skipped("special-files")["pipe.csv"]
    assert "loop" in skipped("special-files")["loop.csv"]
    assert "SQLite" in skipped("sqlite-in-folder")["crm.sqlite"]
    assert "inner extension" in skipped("gz-no-inner-ext")["data.gz"]
    report = json.loads(results["json-brackets-100000"]["report"])
    reasons = {os.path.basename(e["location"]["file"]): e["reason"] for e in report["errors"] if "location" in e}
    assert "PDSCAN_JSON_MAX_DEPTH" in reasons["bad.json"]
