"""The findings of pdscan on fixed inputs, as plain data, so that a speed change can prove it changed no finding.

``tests/data/findings_golden.json`` holds the snapshot taken before the speed work of issue 16 (column byte
requirements, whole CSV batches, kernels): ``tests/engines/test_findings_identical.py`` compares today's findings
with it. Inputs: the sample data, three generated estates (each in one batch and in batches of 400 rows merged),
and a 20,000-row CRM export in batches of 3,000. A change meant to alter findings regenerates it, and says why in
the commit: ``python tests/findings_snapshot.py > tests/data/findings_golden.json``.
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path
from typing import Any

import pyarrow as pa

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "bench"))

from quality_data import build  # noqa: E402

from pdscan.detect.core import DetectOptions, detect_batch  # noqa: E402
from pdscan.detect.findings import column_findings  # noqa: E402
from pdscan.detect.rules import load_rules  # noqa: E402
from pdscan.detect.stats import merge_stats  # noqa: E402
from pdscan.engines.base import ScanOptions  # noqa: E402
from pdscan.model import Batch, Column, Location  # noqa: E402
from pdscan.scan import scan  # noqa: E402

_KEPT = ("location", "entity", "rules", "confidence", "score", "match_count", "values_scanned", "rows_scanned",
         "reasons", "samples")  # fmt: skip


def _finding(data: dict[str, Any], root: Path) -> dict[str, Any]:
    kept = {key: data[key] for key in _KEPT}
    source = Path(data["source"])
    kept["source"] = source.relative_to(root).as_posix() if source.is_relative_to(root) else source.name
    if kept["location"].get("file"):
        kept["location"] = {**kept["location"], "file": Path(kept["location"]["file"]).name}
    return kept


def _scanned(paths: list[Path], root: Path, chunk_rows: int) -> list[dict[str, Any]]:
    result = scan([str(p) for p in paths], ScanOptions(full=True, chunk_rows=chunk_rows))
    return [_finding(f.to_dict(), root) for f in result.findings]


def _estate(seed: int, batch_rows: int | None) -> list[dict[str, Any]]:
    rules = load_rules()
    out = []
    for table in build(seed):
        names = list(table.columns)
        rows = max(len(values) for _, values in table.columns.values())
        step = batch_rows or rows
        stats: dict[str, Any] = {}
        for start in range(0, rows, step):
            batch = Batch(
                [
                    Column(n, pa.array(values[start : start + step], pa.string()))
                    for n, (_, values) in table.columns.items()
                ],
                min(step, rows - start),
            )
            stats = merge_stats(stats, detect_batch(batch, rules, DetectOptions()), 3)
        for column in stats.values():
            for found in column_findings("estate", Location(table=table.name), column, rules, "low", names):
                data = found.to_dict()
                data["source"] = f"estate-{seed}"
                out.append(_finding(data, ROOT))
    return out


def snapshot() -> dict[str, list[dict[str, Any]]]:
    from bench_scan import generate

    out: dict[str, list[dict[str, Any]]] = {}
    # The tabular sample files: the sample documents came later (issue 17) and have tests of their own.
    samples = sorted(p for p in (ROOT / "sample_data").iterdir() if p.suffix in (".csv", ".xlsx", ".jsonl"))
    out["sample_data"] = _scanned(samples, ROOT, chunk_rows=700)
    for seed in (4242, 7, 2026):
        out[f"estate {seed}, one batch"] = _estate(seed, None)
        out[f"estate {seed}, batches of 400"] = _estate(seed, 400)
    with tempfile.TemporaryDirectory() as tmp:
        crm = Path(tmp) / "contacts_20000.csv"
        generate(crm, 20_000)
        out["crm export, batches of 3000"] = _scanned([crm], Path(tmp), chunk_rows=3000)
    return out


if __name__ == "__main__":
    json.dump(snapshot(), sys.stdout, ensure_ascii=False, indent=1, sort_keys=True)
    sys.stdout.write("\n")
