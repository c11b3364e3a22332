"""Score pdscan on the real-data benchmark: hand labels (labels.yaml) against what a scan reports.

    python bench/realdata/score.py [--full] [--split tune|test|all] [-v]

Each file of the manifest is scanned on its own, as a user would (`pdscan scan FILE`, sampled unless --full), from
the cache that fetch.py fills (``$PDSCAN_REALDATA_CACHE``, default ``~/.cache/pdscan-realdata``); absent files are
named and skipped. A unit is a table's column or a whole document (a mail attachment is a document of its own).

Per (unit, entity): a finding at or above the confidence is a true positive where the label expects the entity, a
false positive where the label does not list it, nothing where it is tolerated; an expected entity not found is a
miss. Organisations' own contact data (``org_contact``) is counted as expected in the "with org" figures and as
tolerated in the "without org" ones. Printed: micro precision / recall / F1 at >= medium and >= low, documents and
tables apart, per entity, for the tune half, the held-out test half and both.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from fetch import cache_dir  # noqa: E402

from pdscan.engines.base import ScanOptions  # noqa: E402
from pdscan.model import CONFIDENCE_LEVELS  # noqa: E402
from pdscan.scan import scan  # noqa: E402

UNLABELLED = {"LOCATION"}  # needs a NER model: not labelled


def _norm(name: str) -> str:
    return name.replace("[]", "").replace("_", " ").strip().lower()


def _same_column(label: str, found: str) -> bool:
    a, b = _norm(label), _norm(found)
    return a == b or a.endswith("." + b) or b.endswith("." + a)


@dataclass
class Unit:
    file_id: str
    kind: str  # table | document
    name: str  # column path or document name
    sheet: str | None
    expected: set[str]
    org: set[str]
    tolerated: set[str]
    found: dict[str, str] = field(default_factory=dict)  # entity -> best confidence


def _units(entry: dict[str, Any], labels: dict[str, Any]) -> list[Unit]:
    out = []
    for unit in labels.get("units") or []:
        is_doc = "document" in unit
        out.append(
            Unit(
                entry["id"],
                "document" if is_doc else "table",
                str(unit["document"] if is_doc else unit["column"]),
                unit.get("sheet"),
                set(unit.get("expected") or []),
                set(unit.get("org_contact") or []),
                set(unit.get("tolerated") or []),
            )
        )
    return out


def _better(a: str | None, b: str) -> str:
    return b if a is None or CONFIDENCE_LEVELS.index(b) > CONFIDENCE_LEVELS.index(a) else a


def scan_file(entry: dict[str, Any], path: Path, units: list[Unit], full: bool) -> list[Unit]:
    """Scan one file; attach each finding to its unit (an unlabelled unit is made up on the spot: every finding
    there is a false positive)."""
    try:
        result = scan([str(path)], ScanOptions(full=full))
    except Exception as exc:  # noqa: BLE001 - a crash on one file is scored as finding nothing there, and named
        print(f"{entry['id']}: the scan crashed ({type(exc).__name__}: {exc}); scored as finding nothing")
        return units
    prefix = str(path.parent) + "/"
    extra: dict[tuple[str, str | None], Unit] = {}
    for finding in result.findings:
        if finding.entity in UNLABELLED:
            continue
        loc = finding.location
        file = (loc.file or "").removeprefix(prefix)
        if entry["kind"] == "document" or (loc.column is None and loc.file):
            name, sheet = file, None
            unit = next((u for u in units if u.kind == "document" and u.name == name), None)
            if unit is None and "!" not in name:
                unit = next((u for u in units if u.kind == "document" and "!" not in u.name), None)
        else:
            column = ".".join(p for p in (loc.table, loc.column) if p)
            sheet = loc.sheet
            candidates = [
                u
                for u in units
                if u.kind == "table"
                and _same_column(u.name, column)
                and (u.sheet is None or sheet is None or u.sheet == sheet)
            ]
            # The exact path first: "user.name" must not take the finding of "retweeted_status.user.name".
            candidates.sort(key=lambda u: _norm(u.name) != _norm(column))
            unit = candidates[0] if candidates else None
            name = column
        if unit is None:
            key = (name, sheet)
            unit = extra.setdefault(key, Unit(entry["id"], entry["kind"], name, sheet, set(), set(), set()))
        unit.found[finding.entity] = _better(unit.found.get(finding.entity), finding.confidence)
    return units + list(extra.values())


@dataclass
class Tally:
    tp: Counter[str] = field(default_factory=Counter)
    fp: Counter[str] = field(default_factory=Counter)
    fn: Counter[str] = field(default_factory=Counter)
    wrong: list[str] = field(default_factory=list)

    def add(self, unit: Unit, minimum: str, with_org: bool) -> None:
        found = {e for e, c in unit.found.items() if CONFIDENCE_LEVELS.index(c) >= CONFIDENCE_LEVELS.index(minimum)}
        expected = unit.expected | (unit.org if with_org else set())
        ignored = unit.tolerated | (set() if with_org else unit.org) | {"POSTAL_CODE"}
        where = f"{unit.file_id}: {unit.name}" + (f" [{unit.sheet}]" if unit.sheet else "")
        for entity in found:
            if entity in expected:
                self.tp[entity] += 1
            elif entity not in ignored:
                self.fp[entity] += 1
                self.wrong.append(f"FP {entity:<26} {unit.found[entity]:<6} {where}")
        for entity in expected - found - {"POSTAL_CODE"}:
            self.fn[entity] += 1
            got = unit.found.get(entity, "-")
            self.wrong.append(f"FN {entity:<26} {got:<6} {where}")

    def micro(self) -> tuple[float, float, float, int, int, int]:
        tp, fp, fn = sum(self.tp.values()), sum(self.fp.values()), sum(self.fn.values())
        return _prf(tp, fp, fn)


def _prf(tp: int, fp: int, fn: int) -> tuple[float, float, float, int, int, int]:
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 1.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f, tp, fp, fn


def _line(label: str, figures: tuple[float, float, float, int, int, int]) -> str:
    p, r, f, tp, fp, fn = figures
    return f"  {label:<34} P {p:.3f}  R {r:.3f}  F1 {f:.3f}   TP {tp:>3} FP {fp:>3} FN {fn:>3}"


def report(units: list[Unit], files: int, title: str, verbose: bool) -> None:
    print(f"\n== {title}: {files} files, {len(units)} units labelled or reported")
    for minimum in ("medium", "low"):
        for with_org in (True, False):
            both, docs, tables = Tally(), Tally(), Tally()
            for unit in units:
                both.add(unit, minimum, with_org)
                (docs if unit.kind == "document" else tables).add(unit, minimum, with_org)
            org = "with org contacts" if with_org else "without org contacts"
            print(_line(f">= {minimum}, {org}", both.micro()))
            if with_org:
                print(_line("   documents", docs.micro()))
                print(_line("   tables", tables.micro()))
            if with_org:
                entities = sorted(set(both.tp) | set(both.fp) | set(both.fn))
                for entity in entities:
                    print(_line(f"     {entity}", _prf(both.tp[entity], both.fp[entity], both.fn[entity])))
                if verbose and minimum == "medium":
                    for line in sorted(both.wrong):
                        print("     " + line)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--full", action="store_true", help="scan every row (default: sampled, as pdscan scan)")
    parser.add_argument("--split", choices=("tune", "test", "all"), default="all")
    parser.add_argument("--cache", type=Path, default=cache_dir())
    parser.add_argument("-v", "--verbose", action="store_true", help="list every false positive and miss")
    args = parser.parse_args()
    logging.disable(logging.CRITICAL)
    manifest = yaml.safe_load((HERE / "manifest.yaml").read_text(encoding="utf-8"))
    labels = {entry["id"]: entry for entry in yaml.safe_load((HERE / "labels.yaml").read_text(encoding="utf-8"))}
    scored: dict[str, list[Unit]] = {"tune": [], "test": []}
    files = {"tune": 0, "test": 0}
    absent = []
    for entry in manifest:
        if args.split != "all" and entry["split"] != args.split:
            continue
        path = args.cache / entry["id"] / entry["file"]
        if not path.exists():
            absent.append(entry["id"])
            continue
        scored[entry["split"]].extend(scan_file(entry, path, _units(entry, labels[entry["id"]]), args.full))
        files[entry["split"]] += 1
    if absent:
        print(f"{len(absent)} files not in {args.cache} (run fetch.py), skipped: {', '.join(absent)}")
    mode = "--full" if args.full else "sampled (default scan)"
    for split in ("tune", "test"):
        if files[split]:
            report(scored[split], files[split], f"{split} half, {mode}", args.verbose)
    if files["tune"] and files["test"]:
        report(scored["tune"] + scored["test"], sum(files.values()), f"all files, {mode}", args.verbose)
    return 0


if __name__ == "__main__":
    sys.exit(main())
