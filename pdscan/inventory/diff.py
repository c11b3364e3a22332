"""What changed between two runs: a pure function of two stored runs.

A personal-data *location* is a column of a table (source, table or sheet or file, column). The diff reports new
locations and removed ones (saying whether a location's table or file was removed since the last run, or only not
scanned), entity changes in a column, confidence changes, big count changes, new undeclared data per location and
subject group, changes of the declaration the runs were compared with, and schema changes: new tables and columns,
and whether they were scanned at all.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from pdscan.compliance.compare import UNDECLARED
from pdscan.compliance.taxonomy import taxonomy
from pdscan.inventory.store import RunInfo, StoredRun
from pdscan.model import Compliance, Finding, FindingRef, ScanResult, TableInfo

SCHEMA_VERSION = 1
_CONFIDENCE_ORDER = {"low": 0, "medium": 1, "high": 2}

LocationKey = tuple[str, str, str]  # source, container (table/sheet/file as displayed), column
TableKey = tuple[str, str]
# One undeclared finding: data category key, subject group of the location ("" when unknown), source, location.
UndeclaredKey = tuple[str, str, str, str]
# What the scan options say about which files and tables a run reads: when they are the same in both runs, a table
# or file the later run did not meet was removed since the earlier one (not excluded).
_SELECTION_OPTIONS = (
    "include",
    "exclude",
    "exclude_from",
    "patterns_base",
    "schemas",
    "include_tables",
    "exclude_tables",
)
REMOVED_SINCE = "removed since the last run"


@dataclass(frozen=True)
class DiffOptions:
    count_factor: float = 2.0  # a count that grew or shrank by this factor is a big change...
    min_count: int = 10  # ...when the larger of the two counts is at least this


def _key(finding: Finding) -> LocationKey:
    return (finding.source, finding.location.display(with_column=False), finding.location.column or "")


def _display(key: LocationKey) -> str:
    return f"{key[1]} :: {key[2]}" if key[2] else key[1]


def _by_location(result: ScanResult) -> dict[LocationKey, dict[str, Finding]]:
    out: dict[LocationKey, dict[str, Finding]] = defaultdict(dict)
    for finding in result.findings:
        out[_key(finding)][finding.entity] = finding
    return out


def _tables(result: ScanResult) -> dict[TableKey, TableInfo]:
    return {(t.source, t.location.display(with_column=False)): t for t in result.tables}


def _table_errors(result: ScanResult) -> dict[TableKey, str]:
    return {
        (e.source, e.location.display(with_column=False)): e.reason for e in result.errors if e.location is not None
    }


def _finding_summary(key: LocationKey, found: dict[str, Finding]) -> dict[str, Any]:
    first = next(iter(found.values()))
    return {
        "source": key[0],
        "location": first.location.to_dict(),
        "display": _display(key),
        "entities": sorted(found),
        "categories": sorted({c for f in found.values() for c in f.categories}),
        "confidence": max((f.confidence for f in found.values()), key=lambda c: _CONFIDENCE_ORDER.get(c, -1)),
        "match_count": max(f.match_count for f in found.values()),
        "rows_scanned": first.rows_scanned,
    }


def diff_runs(
    before: StoredRun,
    after: StoredRun,
    options: DiffOptions | None = None,
    undeclared: tuple[Compliance | None, Compliance | None] = (None, None),
) -> dict[str, Any]:
    """The changes from ``before`` to ``after``. ``undeclared`` may carry both runs' compliance (recomputed
    against one declaration); without it the stored compliance of each run is compared."""
    options = options or DiffOptions()
    a, b = before.result, after.result
    found_a, found_b = _by_location(a), _by_location(b)
    tables_a, tables_b = _tables(a), _tables(b)
    errors_b = _table_errors(b)

    new_locations = [_finding_summary(k, found_b[k]) for k in sorted(found_b.keys() - found_a.keys())]
    removed_locations = []
    for key in sorted(found_a.keys() - found_b.keys()):
        item = _finding_summary(key, found_a[key])
        table = key[:2]
        if table in tables_b and table not in errors_b:
            item["reason"] = "no longer found"
            item["status"] = "removed"
        else:
            item["status"], item["reason"] = _absence(table, before, after, errors_b)
        removed_locations.append(item)

    entity_changes: list[dict[str, Any]] = []
    confidence_changes: list[dict[str, Any]] = []
    count_changes: list[dict[str, Any]] = []
    for key in sorted(found_a.keys() & found_b.keys()):
        ents_a, ents_b = found_a[key], found_b[key]
        if set(ents_a) != set(ents_b):
            entity_changes.append(
                {
                    "display": _display(key),
                    "source": key[0],
                    "added": sorted(set(ents_b) - set(ents_a)),
                    "removed": sorted(set(ents_a) - set(ents_b)),
                }
            )
        for entity in sorted(set(ents_a) & set(ents_b)):
            fa, fb = ents_a[entity], ents_b[entity]
            if fa.confidence != fb.confidence:
                confidence_changes.append(
                    {
                        "display": _display(key),
                        "source": key[0],
                        "entity": entity,
                        "before": fa.confidence,
                        "after": fb.confidence,
                        "direction": "up"
                        if _CONFIDENCE_ORDER.get(fb.confidence, 0) > _CONFIDENCE_ORDER.get(fa.confidence, 0)
                        else "down",
                    }
                )
            change = _count_change(fa, fb, options)
            if change is not None:
                count_changes.append({"display": _display(key), "source": key[0], "entity": entity, **change})

    result: dict[str, Any] = {
        "schema_version": SCHEMA_VERSION,
        "before": _run_summary(before),
        "after": _run_summary(after),
        "same_sources": before.info.sources_key == after.info.sources_key,
        "new_locations": new_locations,
        "removed_locations": removed_locations,
        "entity_changes": entity_changes,
        "confidence_changes": confidence_changes,
        "count_changes": count_changes,
        "undeclared": _undeclared_changes(before, after, undeclared),
        "declaration": declaration_changes(before.info, after.info),
        "schema_changes": _schema_changes(before, after, tables_a, tables_b, errors_b, found_b),
    }
    removed = ("removed", "deleted")
    summary: dict[str, Any] = {
        "new_locations": len(new_locations),
        "removed_locations": sum(1 for r in removed_locations if r["status"] in removed),
        "not_scanned_locations": sum(1 for r in removed_locations if r["status"] not in removed),
        "entity_changes": len(entity_changes),
        "confidence_changes": len(confidence_changes),
        "count_changes": len(count_changes),
        "new_undeclared": sum(len(g["locations"]) for g in result["undeclared"]["new"]),
        "declaration_changes": len(result["declaration"]["changes"]),
        "new_tables": len(result["schema_changes"]["new_tables"]),
        "new_columns": len(result["schema_changes"]["new_columns"]),
    }
    summary["changed"] = any(summary.values())
    result["summary"] = summary
    return result


def _count_change(fa: Finding, fb: Finding, options: DiffOptions) -> dict[str, Any] | None:
    lo, hi = sorted((fa.match_count, fb.match_count))
    if hi < options.min_count or hi < lo * options.count_factor:
        return None
    return {
        "before": {"match_count": fa.match_count, "rows_scanned": fa.rows_scanned},
        "after": {"match_count": fb.match_count, "rows_scanned": fb.rows_scanned},
        "factor": round(fb.match_count / fa.match_count, 2) if fa.match_count else None,
    }


def _run_summary(run: StoredRun) -> dict[str, Any]:
    info = run.info
    return {
        "id": info.id,
        "status": info.status,
        "started_at": info.started_at,
        "finished_at": info.finished_at,
        "sources": list(info.sources),
        "findings": info.findings,
        "tables": info.tables,
        "rules_version": info.rules_version,
        "schema_recorded": bool(run.result.tables) or info.tables == 0,
    }


def _absence(table: TableKey, before: StoredRun, after: StoredRun, errors_b: dict[TableKey, str]) -> tuple[str, str]:
    """Why a table, sheet or file of the earlier run is not in the later one: (status, reason).

    ``not_scanned``: the later run met it and could not read it, or could not open its source; ``deleted``: it was
    removed since the last run (its source was scanned with the same selection and did not have it, or the file
    named as a source no longer exists); ``table_missing``: the later run may have left it out (it did not complete,
    or chose files and tables otherwise).
    """
    if table in errors_b:
        return "not_scanned", f"table not scanned in the later run: {errors_b[table]}"
    source = table[0]
    for error in after.result.errors:
        if error.location is None and error.source == source:
            if error.reason.startswith("no such file"):
                return "deleted", REMOVED_SINCE
            return "not_scanned", f"source not scanned in the later run: {error.reason}"
    scanned = {s.source for s in after.result.sources} | set(after.info.sources)
    if scanned and source not in scanned:
        return "not_scanned", "source not scanned in the later run"
    if after.info.status != "complete":
        return "table_missing", f"not in the later run, which is {after.info.status}"
    options_a, options_b = before.info.options, after.info.options
    if any(options_a.get(name) != options_b.get(name) for name in _SELECTION_OPTIONS):
        return "table_missing", "not in the later run: removed, renamed or excluded (the runs chose files differently)"
    return "deleted", REMOVED_SINCE


def runs_declaration_differs(a: RunInfo, b: RunInfo) -> bool:
    """Whether two runs were compared with different declarations, or different contents of one (as recorded)."""
    da, db = a.declaration or {}, b.declaration or {}
    if da.get("file") != db.get("file"):
        return True
    return bool(da.get("sha256") and db.get("sha256") and da["sha256"] != db["sha256"])


def declaration_changes(a: RunInfo, b: RunInfo) -> dict[str, Any]:
    """How the declaration the later run was compared with differs from the earlier run's: another file, another
    content (SHA-256), categories added, removed or changed per subject group. Every entry of ``changes`` is a change
    of the diff (``--fail-on changes``)."""
    da, db = a.declaration, b.declaration
    out: dict[str, Any] = {
        "before": _declaration_summary(da),
        "after": _declaration_summary(db),
        "compared": True,
        "note": None,
        "changes": [],
        "subjects": [],
    }
    changes: list[dict[str, Any]] = out["changes"]
    if da is None and db is None:
        return out
    if da is None or db is None:
        changes.append({"kind": "added" if da is None else "dropped", "file": (db or da or {}).get("file")})
        return out
    if da.get("file") != db.get("file"):
        changes.append({"kind": "file", "before": da.get("file"), "after": db.get("file")})
    if not da.get("sha256") or not db.get("sha256"):
        old = a if not da.get("sha256") else b
        out["compared"] = False
        out["note"] = (
            f"run #{old.id} kept no record of its declaration's content (an older pdscan): edits cannot be told"
        )
        return out
    if da["sha256"] != db["sha256"]:
        changes.append({"kind": "content", "before": da["sha256"], "after": db["sha256"]})
    cats_a, cats_b = _per_subject(da), _per_subject(db)
    for subject in sorted(cats_a.keys() | cats_b.keys()):
        before, after = cats_a.get(subject, {}), cats_b.get(subject, {})
        entry = {
            "subject": subject,
            "added": [{"name": n, "keys": after[n]} for n in sorted(after.keys() - before.keys())],
            "removed": [{"name": n, "keys": before[n]} for n in sorted(before.keys() - after.keys())],
            "changed": [
                {"name": n, "before": before[n], "after": after[n]}
                for n in sorted(before.keys() & after.keys())
                if before[n] != after[n]
            ],
        }
        if entry["added"] or entry["removed"] or entry["changed"]:
            out["subjects"].append(entry)
    if out["subjects"] and not any(c["kind"] == "content" for c in changes):
        changes.append({"kind": "categories", "before": da.get("sha256"), "after": db.get("sha256")})
    return out


def _declaration_summary(record: dict[str, Any] | None) -> dict[str, Any] | None:
    if record is None:
        return None
    return {"file": record.get("file"), "controller": record.get("controller"), "sha256": record.get("sha256")}


def _per_subject(record: dict[str, Any]) -> dict[str, dict[str, list[str]]]:
    """Subject group -> declared category (the notice's wording) -> its data category keys."""
    out: dict[str, dict[str, list[str]]] = defaultdict(dict)
    for category in record.get("categories") or []:
        for subject in category.get("subjects") or ["(every group)"]:
            keys = out[subject].setdefault(category["name"], [])
            keys[:] = sorted(set(keys) | set(category.get("keys") or []))
    return out


def _undeclared_changes(
    before: StoredRun, after: StoredRun, recomputed: tuple[Compliance | None, Compliance | None]
) -> dict[str, Any]:
    """New and resolved undeclared findings, one per data category, location and subject group: a second
    undeclared HETU column in another table is new even when HETUs were undeclared elsewhere already."""
    ca, cb = recomputed
    note = None
    if ca is not None and cb is not None:
        units_a, units_b = _gap_units(ca), _gap_units(cb)
    else:
        if before.info.compliance is None or after.info.compliance is None:
            return {"compared": False, "reason": "a declaration was not used by both runs", "new": [], "resolved": []}
        units_a, units_b = _stored_units(before), _stored_units(after)
        if runs_declaration_differs(before.info, after.info):
            note = "the runs were compared with different declarations"
    return {
        "compared": True,
        "note": note,
        "new": _grouped(units_b, units_a),
        "resolved": _grouped(units_a, units_b),
    }


def _gap_units(compliance: Compliance) -> dict[UndeclaredKey, dict[str, Any]]:
    out: dict[UndeclaredKey, dict[str, Any]] = {}
    for gap in compliance.undeclared:
        head = gap.to_dict()
        del head["locations"]
        for loc in gap.locations:
            subject = loc.subject or gap.subject or ""
            out.setdefault((gap.key, subject, loc.source, loc.display), {"gap": head, "location": loc.to_dict()})
    return out


def _stored_units(run: StoredRun) -> dict[UndeclaredKey, dict[str, Any]]:
    """The undeclared findings of a run as compared with its own declaration when it was stored (every finding keeps
    its declared categories, or UNDECLARED); the subject groups are not kept, only the locations."""
    known = taxonomy()
    out: dict[UndeclaredKey, dict[str, Any]] = {}
    for finding in run.result.findings:
        if finding.declared != [UNDECLARED]:
            continue
        for category in finding.categories or ["user"]:
            key = known.canonical(category)
            name = known.get(key).name if key in known else key
            head = {"key": key, "name": name, "risk": "high" if known.high_risk(key) else "normal", "subject": None}
            ref = FindingRef(
                source=finding.source,
                location=finding.location.to_dict(),
                display=finding.location.display(),
                entity=finding.entity,
                confidence=finding.confidence,
                match_count=finding.match_count,
                rows_scanned=finding.rows_scanned,
            )
            out.setdefault((key, "", finding.source, ref.display), {"gap": head, "location": ref.to_dict()})
    return out


def _grouped(
    units: dict[UndeclaredKey, dict[str, Any]], other: dict[UndeclaredKey, dict[str, Any]]
) -> list[dict[str, Any]]:
    """The units of ``units`` not in ``other``, as gaps (one per data category and subject group) listing those
    locations; ``new_category`` tells whether ``other`` had the category undeclared for that group nowhere."""
    groups: dict[tuple[str, str], dict[str, Any]] = {}
    elsewhere = {(k[0], k[1]) for k in other}
    for unit in sorted(units.keys() - other.keys()):
        group = groups.setdefault(
            unit[:2], {**units[unit]["gap"], "new_category": unit[:2] not in elsewhere, "locations": []}
        )
        group["locations"].append(units[unit]["location"])
    return sorted(groups.values(), key=lambda g: (g.get("risk") != "high", g["key"], g.get("subject") or ""))


def _schema_changes(
    before: StoredRun,
    after: StoredRun,
    tables_a: dict[TableKey, TableInfo],
    tables_b: dict[TableKey, TableInfo],
    errors_b: dict[TableKey, str],
    found_b: dict[LocationKey, dict[str, Finding]],
) -> dict[str, Any]:
    a: ScanResult = before.result
    findings_per_table: dict[TableKey, int] = defaultdict(int)
    for key in found_b:
        findings_per_table[key[:2]] += 1

    def status(table: TableKey) -> str:
        if table in errors_b:
            return f"not scanned: {errors_b[table]}"
        n = findings_per_table[table]
        return f"scanned, {n} column{'' if n == 1 else 's'} with personal data"

    recorded = bool(a.tables)
    new_tables = [
        {
            "source": key[0],
            "display": key[1],
            "columns": [c.get("name") for c in tables_b[key].schema],
            "scanned": key not in errors_b,
            "status": status(key),
        }
        for key in sorted(tables_b.keys() - tables_a.keys())
    ]
    # A table that failed in the later run is listed there too (as an error), not only in coverage.
    for failed in sorted(set(errors_b) - tables_a.keys() - tables_b.keys()):
        new_tables.append(
            {"source": failed[0], "display": failed[1], "columns": [], "scanned": False, "status": status(failed)}
        )
    removed_tables = []
    for k in sorted(tables_a.keys() - tables_b.keys()):
        gone, why = _absence(k, before, after, errors_b)
        removed_tables.append({"source": k[0], "display": k[1], "status": gone, "reason": why})
    new_columns: list[dict[str, Any]] = []
    removed_columns: list[dict[str, Any]] = []
    type_changes: list[dict[str, Any]] = []
    for tk in sorted(tables_a.keys() & tables_b.keys()):
        cols_a = {c["name"]: c for c in tables_a[tk].schema}
        cols_b = {c["name"]: c for c in tables_b[tk].schema}
        if not cols_a or not cols_b:
            continue
        for name in cols_b:
            column = cols_b[name]
            if name not in cols_a:
                personal = sorted(found_b.get((tk[0], tk[1], name), {}))
                scanned = bool(column.get("scanned", True)) and tk not in errors_b
                new_columns.append(
                    {
                        "source": tk[0],
                        "table": tk[1],
                        "column": name,
                        "type": column.get("type"),
                        "scanned": scanned,
                        "entities": personal,
                        "status": ("personal data: " + ", ".join(personal))
                        if personal
                        else ("scanned, nothing found" if scanned else "never scanned (type not read)"),
                    }
                )
            elif cols_a[name].get("type") != column.get("type"):
                type_changes.append(
                    {
                        "source": tk[0],
                        "table": tk[1],
                        "column": name,
                        "before": cols_a[name].get("type"),
                        "after": column.get("type"),
                    }
                )
        removed_columns.extend(
            {"source": tk[0], "table": tk[1], "column": name} for name in cols_a if name not in cols_b
        )
    return {
        "recorded": recorded,
        "new_tables": new_tables if recorded else [],
        "removed_tables": removed_tables,
        "new_columns": new_columns,
        "removed_columns": removed_columns,
        "type_changes": type_changes,
    }
