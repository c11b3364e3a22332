"""The hostile-input generator (tests/hostile.py) scanned with short limits: one bad file never costs the scan."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from hostile import write_cases

# Short limits keep the run fast; each is still far above what the good files need.
LIMITS = {
    "PDSCAN_JSON_MAX_DEPTH": "32",
    "PDSCAN_JSON_MAX_KEYS": "5000",
    "PDSCAN_TEXT_MAX_LINE": "16384",
    "PDSCAN_CSV_MAX_FIELD": "262144",
    "PDSCAN_ARCHIVE_MAX_MEMBERS": "1000",
    "PDSCAN_ARCHIVE_MAX_BYTES": str(10 << 20),
    "PDSCAN_MAIL_MAX_PARTS": "100",
    "PDSCAN_MAIL_MAX_DEPTH": "10",
}


def test_every_hostile_case_keeps_its_neighbour(tmp_path: Path) -> None:
    cases = write_cases(tmp_path / "cases")
    assert len(cases) >= 200
    # All cases in one process (a process per case would take minutes): each case is a source of its own, so the
    # findings of each good file are told apart by their source. The timeout is the bound, generous on purpose.
    done = subprocess.run(
        [str(Path(sys.executable).with_name("pdscan")), "scan", "-f", "json", *[str(c.folder) for c in cases]],
        capture_output=True,
        timeout=600,
        env={**os.environ, **LIMITS},
        check=False,
    )
    stderr = done.stderr.decode("utf-8", errors="replace")
    assert "Traceback" not in stderr and b"Traceback" not in done.stdout, stderr[-3000:]
    report = json.loads(done.stdout)
    expected = set().union(*(c.exit_codes for c in cases))
    assert done.returncode in expected, stderr[-2000:]
    for case in cases:
        good = f"{case.folder}/good.csv"
        emails = [f for f in report["findings"] if f["location"].get("file") == good and f["entity"] == "EMAIL_ADDRESS"]
        assert emails, f"{case.name}: the good file's findings are missing"
    skipped = {s["path"]: s["reason"] for s in report["skipped"]}
    special = next(c for c in cases if c.name == "special-files").folder
    assert "named pipe" in skipped[f"{special}/pipe.csv"]
    assert "loop" in skipped[f"{special}/loop.csv"]
    sqlite = next(c for c in cases if c.name == "sqlite-in-folder").folder
    assert "SQLite" in skipped[f"{sqlite}/crm.sqlite"]
    gz = next(c for c in cases if c.name == "gz-no-inner-ext").folder
    assert "inner extension" in skipped[f"{gz}/data.gz"]
    reasons = {e["location"]["file"]: e["reason"] for e in report["errors"] if "location" in e}
    brackets = next(c for c in cases if c.name == "json-brackets-100000").folder
    assert "PDSCAN_JSON_MAX_DEPTH" in reasons[f"{brackets}/bad.json"]
