"""What changed between two runs: a pure function of two stored runs.

A personal-data *location* is a column of a table (source, table or sheet or file, column). The diff reports new
locations and removed ones (saying when a location only disappeared because its table was not scanned), entity
changes in a column, confidence changes, big count changes, new undeclared data categories, and schema changes:
new tables and columns, and whether they were scanned at all.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from pdscan.compliance.taxonomy import taxonomy
from pdscan.inventory.store import StoredRun
from pdscan.model import Compliance, Finding, ScanResult, TableInfo

SCHEMA_VERSION = 1
_CONFIDENCE_ORDER = {"low": 0, "medium": 1, "high": 2}

LocationKey = tuple[str, str, str]  # source, container (table/sheet/file as displayed), column
TableKey = tuple[str, str]


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
        if table in errors_b:
            item["reason"] = f"table not scanned in the later run: {errors_b[table]}"
            item["status"] = "not_scanned"
        elif table not in tables_b:
            item["reason"] = "table not in the later run: removed, renamed or excluded"
            item["status"] = "table_missing"
        else:
            item["reason"] = "no longer found"
            item["status"] = "removed"
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
        "schema_changes": _schema_changes(a, b, tables_a, tables_b, errors_b, found_b),
    }
    summary: dict[str, Any] = {
        "new_locations": len(new_locations),
        "removed_locations": sum(1 for r in removed_locations if r["status"] == "removed"),
        "not_scanned_locations": sum(1 for r in removed_locations if r["status"] != "removed"),
        "entity_changes": len(entity_changes),
        "confidence_changes": len(confidence_changes),
        "count_changes": len(count_changes),
        "new_undeclared": len(result["undeclared"]["new"]),
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


def _undeclared_changes(
    before: StoredRun, after: StoredRun, recomputed: tuple[Compliance | None, Compliance | None]
) -> dict[str, Any]:
    ca, cb = recomputed
    if ca is not None and cb is not None:
        gaps_a = {g.key: g for g in ca.undeclared}
        gaps_b = {g.key: g for g in cb.undeclared}
        return {
            "compared": True,
            "new": [gaps_b[k].to_dict() for k in gaps_b if k not in gaps_a],
            "resolved": [{"key": k, "name": gaps_a[k].name} for k in gaps_a if k not in gaps_b],
        }
    sa_, sb = before.info.compliance, after.info.compliance
    if sa_ is None or sb is None:
        return {"compared": False, "reason": "a declaration was not used by both runs", "new": [], "resolved": []}
    keys_a, keys_b = list(sa_.get("undeclared", [])), list(sb.get("undeclared", []))
    known = taxonomy()

    def gap(key: str) -> dict[str, Any]:
        name = known.get(key).name if key in known else key
        return {"key": key, "name": name, "risk": "high" if known.high_risk(key) else "normal", "locations": []}

    files = {(before.info.declaration or {}).get("file"), (after.info.declaration or {}).get("file")}
    return {
        "compared": True,
        "note": None if len(files) == 1 else "the runs were compared with different declarations",
        "new": [gap(k) for k in keys_b if k not in keys_a],
        "resolved": [gap(k) for k in keys_a if k not in keys_b],
    }


def _schema_changes(
    a: ScanResult,
    b: ScanResult,
    tables_a: dict[TableKey, TableInfo],
    tables_b: dict[TableKey, TableInfo],
    errors_b: dict[TableKey, str],
    found_b: dict[LocationKey, dict[str, Finding]],
) -> dict[str, Any]:
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
    removed_tables = [{"source": k[0], "display": k[1]} for k in sorted(tables_a.keys() - tables_b.keys())]
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
