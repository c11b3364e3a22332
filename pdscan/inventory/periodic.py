"""The periodic inventory report: the personal-data map as of the latest runs, what changed over the period,
the undeclared gaps, coverage, the trend over runs and retention hints.

Built from the inventory alone (no source is re-read). The *current state* is the latest complete run of each set
of sources (a cron job scanning the CRM database and another scanning the export folder both count). Changes are
the diff, per set of sources, between the last complete run at or before ``since`` (or the first one after it) and
the latest. The result is plain data; the HTML, Markdown and JSON reporters lay it out.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections import defaultdict
from typing import Any

from pdscan import __version__
from pdscan import options as defaults
from pdscan.compliance.compare import compare
from pdscan.compliance.declaration import Declaration, load_declaration, parse_period
from pdscan.compliance.taxonomy import taxonomy
from pdscan.detect.rules import RuleSet, load_rules
from pdscan.errors import InventoryError, PdscanError
from pdscan.inventory.diff import diff_runs, runs_declaration_differs
from pdscan.inventory.store import Inventory, RunInfo, StoredRun, parse_time
from pdscan.model import Compliance, ScanResult

SCHEMA_VERSION = 1
TREND_POINTS = 24  # runs shown in the trend chart
TREND_SERIES = 6  # categories drawn as lines (the largest); the total is drawn too
_COLOURS = ("#2e5aac", "#b42318", "#067647", "#b54708", "#6941c6", "#0e7090")


def build_periodic_report(
    inventory: Inventory,
    since: dt.datetime | None = None,
    declaration: Declaration | None = None,
    now: dt.datetime | None = None,
    rules: RuleSet | None = None,
) -> dict[str, Any]:
    now = now or dt.datetime.now(dt.timezone.utc)
    since = since or now - dt.timedelta(days=30)
    complete = inventory.runs(statuses=("complete",))
    if not complete:
        raise InventoryError(inventory.name, "no complete run yet: scan with pdscan scan SOURCES --inventory first")
    rules = rules or load_rules()
    latest: dict[str, RunInfo] = {}
    for info in complete:
        latest[info.sources_key] = info  # runs come oldest first
    current = [inventory.load(info.id) for info in sorted(latest.values(), key=lambda r: r.id)]
    notes: list[str] = []
    explicit = declaration is not None
    declaration = declaration or _declaration_of(current, notes)
    merged = _merge([c.result for c in current])
    if declaration is not None:
        compare(merged, declaration, taxonomy(), rules)

    changes = []
    for run in current:
        base = _base_run(complete, run.info, since)
        if base is None:
            changes.append({"sources": run.info.sources, "after": run.info.id, "before": None, "diff": None})
            continue
        before = inventory.load(base.id)
        recomputed: tuple[Compliance | None, Compliance | None] = (None, None)
        # Runs compared with different declarations (or an edited one) keep their own comparisons, as `pdscan diff`
        # does: a category dropped from the notice then shows as new undeclared findings.
        if declaration is not None and (explicit or not runs_declaration_differs(base, run.info)):
            recomputed = (
                compliance_of(before.result, declaration, rules),
                compliance_of(run.result, declaration, rules),
            )
        changes.append(
            {
                "sources": run.info.sources,
                "before": base.id,
                "after": run.info.id,
                "diff": diff_runs(before, run, undeclared=recomputed),
            }
        )

    period_runs = [r for r in inventory.runs() if parse_time(r.started_at) >= since]
    return {
        "schema_version": SCHEMA_VERSION,
        "kind": "periodic_inventory_report",
        "generated_at": now.isoformat(timespec="seconds"),
        "tool": {"name": "pdscan", "version": __version__},
        "inventory": inventory.name,
        "period": {"since": since.isoformat(timespec="seconds"), "until": now.isoformat(timespec="seconds")},
        "declaration": merged.compliance.declaration if merged.compliance else None,
        "notes": notes,
        "current_runs": [c.info.to_dict() for c in current],
        "runs_in_period": [r.to_dict() for r in period_runs],
        "incomplete_runs": [r.to_dict() for r in period_runs if r.status != "complete"],
        "overview": _overview(merged, inventory.seen()),
        "changes": changes,
        "compliance": merged.compliance.to_dict() if merged.compliance else None,
        "coverage": _coverage(current),
        "trend": _trend(inventory, complete),
        "retention": _retention(merged, declaration, now),
        "declaration_history": _declaration_history(complete, declaration),
    }


def _declaration_history(complete: list[RunInfo], declaration: Declaration | None) -> dict[str, Any] | None:
    """When the declaration last changed, as the inventory saw it, beside the notice's own date (``notice.updated``).

    Every complete run records the declaration it was compared with (file and SHA-256 of its content). The runs with
    the latest run's declaration file, oldest first, tell when its content changed: a run whose SHA-256 differs from
    the run before it. None when no run was compared with a declaration and none is given."""
    recorded = [r for r in complete if r.declaration and r.declaration.get("file")]
    if not recorded:
        if declaration is None:
            return None
        return {"file": declaration.path, "notice_updated": declaration.notice.get("updated"), "runs": 0,
                "first_recorded": None, "last_changed": None, "changes": []}  # fmt: skip
    latest = recorded[-1].declaration or {}
    same = [r for r in recorded if (r.declaration or {}).get("file") == latest.get("file")]
    changes = [
        {
            "run": after.id,
            "at": after.started_at,
            "before": (before.declaration or {}).get("sha256"),
            "after": (after.declaration or {}).get("sha256"),
        }
        for before, after in itertools.pairwise(same)
        if runs_declaration_differs(before, after)
    ]
    return {
        "file": latest.get("file"),
        "notice_updated": (declaration.notice.get("updated") if declaration else None) or latest.get("notice_updated"),
        "runs": len(same),
        "first_recorded": same[0].started_at,
        "last_changed": changes[-1]["at"] if changes else None,
        "changes": changes,
    }


def _declaration_of(current: list[StoredRun], notes: list[str]) -> Declaration | None:
    """The declaration the latest runs were compared with, when they agree on one and it can still be loaded."""
    files = {(c.info.declaration or {}).get("file") for c in current}
    if len(files) != 1 or None in files:
        return None
    spec = str(next(iter(files)))
    try:
        return load_declaration(spec)
    except PdscanError as exc:
        notes.append(f"the declaration the runs used ({spec}) cannot be loaded: {exc}; pass --declaration")
        return None


def compliance_of(result: ScanResult, declaration: Declaration, rules: RuleSet) -> Compliance | None:
    copy = ScanResult.from_dict(result.to_dict())  # compare() marks findings: keep the stored runs untouched
    compare(copy, declaration, taxonomy(), rules)
    return copy.compliance


def _base_run(complete: list[RunInfo], run: RunInfo, since: dt.datetime) -> RunInfo | None:
    same = [
        r for r in complete if r.sources_key == run.sources_key and r.id != run.id and r.started_at <= run.started_at
    ]
    before = [r for r in same if parse_time(r.started_at) <= since]
    if before:
        return before[-1]
    return same[0] if same else None


def _merge(results: list[ScanResult]) -> ScanResult:
    merged = ScanResult(
        tool=dict(results[-1].tool),
        started_at=min(r.started_at for r in results),
        finished_at=max(r.finished_at for r in results),
        options=dict(results[-1].options),
    )
    for result in results:
        merged.sources.extend(result.sources)
        merged.tables.extend(result.tables)
        merged.findings.extend(result.findings)
        merged.errors.extend(result.errors)
        merged.suppressed.extend(result.suppressed)
    return merged


def _overview(result: ScanResult, seen: dict[tuple[str, str, str, str], tuple[str, str]]) -> list[dict[str, Any]]:
    """Record-of-processing style: per source and table, its categories, subjects, counts, first and last seen."""
    known = taxonomy()
    subjects_of: dict[tuple[str, str], set[str]] = defaultdict(set)
    if result.compliance:
        for category in result.compliance.found_declared:
            for loc in category.locations or []:
                subjects_of[(loc.source, loc.display)].update(category.subjects)
    tables = {(t.source, t.location.display(with_column=False)): t for t in result.tables}
    rows: dict[tuple[str, str], dict[str, Any]] = {}
    for f in result.findings:
        container = f.location.display(with_column=False)
        row = rows.setdefault(
            (f.source, container),
            {
                "source": f.source,
                "table": container,
                "categories": set(),
                "entities": {},
                "subjects": set(),
                "undeclared": set(),
                "high_risk": False,
                "rows_scanned": 0,
                "estimated_rows": None,
                "sampling": "",
                "first_seen": None,
                "last_seen": None,
            },
        )
        names = {known.get(k).name if k in known else k for k in f.categories}
        row["categories"].update(names)
        row["high_risk"] = row["high_risk"] or any(known.high_risk(k) for k in f.categories if k in known)
        entity = row["entities"].setdefault(f.entity, {"columns": 0, "matches": 0})
        entity["columns"] += 1
        entity["matches"] += f.match_count
        row["subjects"].update(subjects_of.get((f.source, f.location.display()), set()))
        if f.declared == ["UNDECLARED"]:
            row["undeclared"].update(names)
        first, last = seen.get((f.source, container, f.location.column or "", f.entity), ("", ""))
        if first and (row["first_seen"] is None or first < row["first_seen"]):
            row["first_seen"] = first
        if last and (row["last_seen"] is None or last > row["last_seen"]):
            row["last_seen"] = last
        table = tables.get((f.source, container))
        if table is not None:
            row["rows_scanned"] = table.rows_scanned
            row["estimated_rows"] = table.estimated_rows
            row["sampling"] = table.sampling
    out = []
    for row in sorted(rows.values(), key=lambda r: (r["source"], r["table"])):
        out.append(
            row
            | {
                "categories": sorted(row["categories"]),
                "subjects": sorted(row["subjects"]),
                "undeclared": sorted(row["undeclared"]),
                "entities": [{"entity": k, **v} for k, v in sorted(row["entities"].items())],
            }
        )
    return out


def _coverage(current: list[StoredRun]) -> list[dict[str, Any]]:
    out = []
    for run in current:
        result = run.result
        out.append(
            {
                "run": run.info.id,
                "finished_at": run.info.finished_at,
                "sources": run.info.sources,
                "tables_scanned": sum(1 for t in result.tables if t.rows_scanned or not result.errors),
                "tables_sampled": sum(1 for t in result.tables if t.truncated),
                "rows_scanned": sum(t.rows_scanned for t in result.tables),
                "sampling": "every row (--full)"
                if result.options.get("full")
                else f"at most {result.options.get('sample_size', defaults.SAMPLE_SIZE)} rows per table",
                "skipped": [e.one_line() for e in result.errors],
            }
        )
    return out


def _trend(inventory: Inventory, complete: list[RunInfo]) -> dict[str, Any]:
    """Findings per category after each run: the sum over sets of sources of their latest state at that time."""
    runs = complete[-TREND_POINTS:]
    per_run = inventory.categories_per_run([r.id for r in runs])
    # The state before the window starts: the last run of each set of sources before it.
    state: dict[str, dict[str, int]] = {}
    earlier = complete[: len(complete) - len(runs)]
    seed: dict[str, int] = {}
    for run in earlier:
        seed[run.sources_key] = run.id
    for key, run_id in seed.items():
        state[key] = inventory.categories_per_run([run_id])[run_id]
    known = taxonomy()
    points = []
    for run in runs:
        state[run.sources_key] = per_run[run.id]
        totals: dict[str, int] = defaultdict(int)
        for counts in state.values():
            for key, n in counts.items():
                totals[key] += n
        undeclared = (run.compliance or {}).get("summary", {}).get("undeclared")
        points.append({"run": run.id, "at": run.started_at, "categories": dict(totals), "undeclared": undeclared})
    largest: dict[str, int] = defaultdict(int)
    for point in points:
        for key, n in point["categories"].items():
            largest[key] = max(largest[key], n)
    top = sorted(largest, key=lambda k: (-largest[k], k))[:TREND_SERIES]
    series = [
        {
            "key": key,
            "name": known.get(key).name if key in known else key,
            "colour": _COLOURS[i % len(_COLOURS)],
            "counts": [p["categories"].get(key, 0) for p in points],
            "latest": points[-1]["categories"].get(key, 0) if points else 0,
        }
        for i, key in enumerate(top)
    ]
    return {"points": points, "series": series, "chart": _chart(points, series)}


def _chart(points: list[dict[str, Any]], series: list[dict[str, Any]]) -> dict[str, Any]:
    """Coordinates for an inline SVG line chart (the template only draws them)."""
    width, height, left, right, top, bottom = 1000, 240, 40, 16, 10, 28
    peak = max((v for s in series for v in s["counts"]), default=0) or 1
    n = len(points)

    def x(i: int) -> float:
        return left + (width - left - right) * (i / (n - 1) if n > 1 else 0.5)

    def y(v: int) -> float:
        return top + (height - top - bottom) * (1 - v / peak)

    lines = [
        {
            "name": s["name"],
            "colour": s["colour"],
            "points": " ".join(f"{x(i):.1f},{y(v):.1f}" for i, v in enumerate(s["counts"])),
            "dots": [{"x": round(x(i), 1), "y": round(y(v), 1), "v": v} for i, v in enumerate(s["counts"])],
        }
        for s in series
    ]
    ticks = [{"y": round(y(v), 1), "v": v} for v in sorted({0, peak // 2, peak})]
    labels = [
        {
            "x": round(x(i), 1),
            "text": f"#{p['run']} {p['at'][:10]}",
            # The first and last labels grow inwards so that they stay inside the chart.
            "anchor": "start" if i == 0 and n > 1 else "end" if i == n - 1 and n > 1 else "middle",
        }
        for i, p in enumerate(points)
    ]
    step = max(1, len(labels) // 6)  # at most about six x labels
    return {
        "width": width,
        "height": height,
        "lines": lines,
        "ticks": ticks,
        "labels": [*labels[:-1:step], labels[-1]] if labels else [],
        "baseline": height - bottom,
        "left": left,
    }


def _retention(result: ScanResult, declaration: Declaration | None, now: dt.datetime) -> dict[str, Any]:
    """Age of the oldest rows of tables that hold personal data, next to the retention the notice declares."""
    statement = declaration.retention.get("statement") if declaration else None
    period = (
        parse_period(declaration.retention["period"]) if declaration and "period" in declaration.retention else None
    )
    personal = {(f.source, f.location.display(with_column=False)) for f in result.findings}
    tables = []
    for table in result.tables:
        key = (table.source, table.location.display(with_column=False))
        if key not in personal or not table.dates:
            continue
        columns = []
        for d in table.dates:
            try:
                age = (now.date() - dt.date.fromisoformat(d["oldest"])).days
            except ValueError:  # a date stored by an older pdscan that did not check days of the month
                continue
            columns.append(d | {"age_days": age, "age": _age_text(age)})
        if not columns:
            continue
        # Last activity tells best how long data outlived its purpose; creation dates come next.
        ranked = sorted(columns, key=lambda c: ({"activity": 0, "created": 1}.get(c["role"], 2), -c["age_days"]))
        oldest = ranked[0]
        for column in columns:
            column["indicator"] = column is oldest
        tables.append(
            {
                "source": table.source,
                "table": key[1],
                "sampled": table.truncated,
                "columns": columns,
                "indicator": oldest,
                "over_period": period is not None and oldest["age_days"] > period,
            }
        )
    return {
        "statement": statement,
        "period": declaration.retention.get("period") if declaration else None,
        "period_days": period,
        "tables": tables,
        "over_period": sum(1 for t in tables if t["over_period"]),
    }


def _age_text(days: int) -> str:
    if days < 0:
        return "in the future"
    years, rest = divmod(days, 365)
    if years:
        return f"{years} y {rest // 30} mo"
    return f"{days // 30} mo" if days >= 60 else f"{days} d"
