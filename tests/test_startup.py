"""Start-up cost of the command line: pyarrow must not drag pandas in (0.25-0.35 s per run; pdscan never uses it).

Each check runs in a fresh interpreter, the way a user's ``pdscan`` starts, and looks at ``sys.modules`` after the
command ran (pdscan.cli.main stops pyarrow's own pandas probe; the code passes typed scalars to Arrow so that
Arrow's C++ type inference does not import pandas either).
"""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

_RUN = """
import json, sys
from pdscan.cli.main import main
sys.argv = ["pdscan", *json.loads(sys.argv[1])]
code = 0
try:
    main()
except SystemExit as exc:
    code = exc.code
print(f"EXIT-{code}", file=sys.stderr)
print("PANDAS-LOADED" if "pandas" in sys.modules else "PANDAS-ABSENT", file=sys.stderr)
print("MODULES " + json.dumps(sorted(sys.modules)), file=sys.stderr)
"""


def _pdscan(args: list[str], tmp_path: Path) -> str:
    env = {"PDSCAN_FINGERPRINT_KEY": "startup-test-" + "0" * 32, "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    done = subprocess.run(
        [sys.executable, "-c", _RUN, json.dumps(args)], capture_output=True, text=True, env=env, timeout=120
    )
    return done.stderr


def _modules(out: str) -> set[str]:
    line = next(line for line in out.splitlines() if line.startswith("MODULES "))
    return set(json.loads(line.removeprefix("MODULES ")))


def _crm(tmp_path: Path) -> str:
    path = tmp_path / "crm.sqlite"
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE asiakkaat (id INTEGER PRIMARY KEY, nimi TEXT, email TEXT, puhelin TEXT)")
        db.execute("INSERT INTO asiakkaat VALUES (1, 'Matti Virtanen', 'matti.virtanen@example.fi', '040 123 4567')")
        db.execute("INSERT INTO asiakkaat VALUES (2, 'Liisa Laine', 'liisa.laine@example.fi', '050 765 4321')")
    return f"sqlite:///{path}"


def test_find_on_a_database_does_not_import_pandas(tmp_path: Path) -> None:
    url = _crm(tmp_path)
    inventory = str(tmp_path / "inventory.sqlite")
    out = _pdscan(["find", "--email", "matti.virtanen@example.fi", url, "--inventory", inventory, "-q"], tmp_path)
    assert "EXIT-0" in out and "PANDAS-ABSENT" in out, out
    # The same search after a scan into the inventory (the inventory's knowledge narrows the search).
    scanned = _pdscan(
        ["scan", url, "--inventory", inventory, "-q", "-f", "json", "-o", str(tmp_path / "s.json")], tmp_path
    )
    assert "EXIT-0" in scanned, scanned
    out = _pdscan(["find", "--email", "matti.virtanen@example.fi", url, "--inventory", inventory, "-q"], tmp_path)
    assert "EXIT-0" in out and "PANDAS-ABSENT" in out, out


def test_pandas_conversions_still_work_after_the_probe(tmp_path: Path) -> None:
    """A program that loads the command line and then pandas (the Spark engine does) converts as before."""
    code = """
import pdscan.cli.main
import pyarrow as pa
assert "pandas" not in __import__("sys").modules
import pandas as pd
batch = pa.RecordBatch.from_pandas(pd.DataFrame({"a": ["x", None], "t": [pd.NaT, pd.Timestamp("2024-01-01")]}))
assert batch.column(0).to_pylist() == ["x", None] and batch.column(1).null_count == 1
assert pa.array(pd.Series(["p", None])).to_pylist() == ["p", None]
assert pa.table({"n": pa.array([1, 2], pa.int64())}).to_pandas()["n"].sum() == 3
print("OK")
"""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.stdout.strip() == "OK", done.stderr


def test_a_full_scan_of_every_format_does_not_import_pandas(tmp_path: Path) -> None:
    """sample_data holds CSV, JSON Lines, Excel, PDF, Word and mail: reading, detecting and reporting all of them
    runs without pandas (Arrow's numpy conversions and type inference included)."""
    sample = Path(__file__).resolve().parents[1] / "sample_data"
    out = _pdscan(["scan", str(sample), "--full", "-q", "-f", "json", "-o", str(tmp_path / "scan.json")], tmp_path)
    assert "EXIT-0" in out and "PANDAS-ABSENT" in out, out
    findings = json.loads((tmp_path / "scan.json").read_text(encoding="utf-8"))["findings"]
    assert len(findings) >= 40  # the scan did its work (sample_data's README: 50 findings)


def test_a_csv_scan_does_not_import_what_it_does_not_use(tmp_path: Path) -> None:
    """Start-up imports run on one core before anything is read (issue 25): a scan of one export with no declaration
    and no patterns loads neither the e-mail reader, nor gitignore patterns, nor the declaration comparison."""
    export = tmp_path / "asiakkaat.csv"
    export.write_text("nimi;email\nMatti Virtanen;matti.virtanen@example.fi\n", encoding="utf-8")
    out = _pdscan(["scan", str(export), "-q", "-f", "json", "-o", str(tmp_path / "scan.json")], tmp_path)
    assert "EXIT-0" in out, out
    assert json.loads((tmp_path / "scan.json").read_text(encoding="utf-8"))["findings"]  # the scan did its work
    unused = {"email.policy", "pathspec", "pdscan.sources.documents.mail", "pdscan.compliance.compare"}
    assert not unused & _modules(out), unused & _modules(out)
    # The same modules load when the scan needs them: a folder with an exclude pattern and a declaration.
    out = _pdscan(
        [
            "scan",
            str(tmp_path),
            "--exclude",
            "*.json",
            "--declaration",
            "entrack",
            "-q",
            "-f",
            "json",
            "-o",
            str(tmp_path / "declared.json"),
        ],
        tmp_path,
    )
    assert "EXIT-" in out and {"pathspec", "pdscan.compliance.compare"} <= _modules(out), out[-2000:]
