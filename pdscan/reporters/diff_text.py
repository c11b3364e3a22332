"""``pdscan diff`` as text: what changed between two runs, most important first."""

from __future__ import annotations

from typing import Any, TextIO


def render(diff: dict[str, Any], stream: TextIO) -> None:
    before, after = diff["before"], diff["after"]
    out = stream.write
    out(f"pdscan diff: run #{before['id']} ({before['started_at']}) -> run #{after['id']} ({after['started_at']})\n")
    out(f"sources: {', '.join(after['sources'])}\n")
    if not diff["same_sources"]:
        out(f"note: the runs scanned different sources (before: {', '.join(before['sources'])})\n")
    if not diff["summary"]["changed"]:
        out("no change\n")
        return
    _declaration(out, diff.get("declaration"))
    undeclared = diff["undeclared"]
    if undeclared.get("note"):
        out(f"note: {undeclared['note']}; give --declaration FILE to compare both with one\n")
    for gap in undeclared["new"]:
        risk = " HIGH RISK" if gap.get("risk") == "high" else ""
        subject = f" for {gap['subject']}" if gap.get("subject") else ""
        also = "" if gap.get("new_category", True) else " (undeclared elsewhere already; new location)"
        out(f"\nNEW UNDECLARED{risk}: {gap['name']} [{gap['key']}]{subject}{also}\n")
        for loc in gap.get("locations", []):
            group = f" [{loc['subject']}]" if loc.get("subject") and not gap.get("subject") else ""
            out(f"  {loc['display']}: {loc['entity']} {loc['match_count']}/{loc['rows_scanned']}{group}\n")
    for gap in undeclared["resolved"]:
        where = ", ".join(loc["display"] for loc in gap.get("locations", []))
        out(f"\nno longer undeclared: {gap['name']} [{gap['key']}]{': ' + where if where else ''}\n")
    _section(
        out,
        "New personal-data locations",
        [
            f"+ {x['display']}: {', '.join(x['entities'])} ({x['confidence']}, {x['match_count']}/{x['rows_scanned']})"
            for x in diff["new_locations"]
        ],
    )
    _section(
        out,
        "No longer seen",
        [f"- {x['display']}: {', '.join(x['entities'])} ({x['reason']})" for x in diff["removed_locations"]],
    )
    changed = [
        f"~ {x['display']}: "
        + "; ".join(
            part
            for part in (
                f"now also {', '.join(x['added'])}" if x["added"] else "",
                f"no longer {', '.join(x['removed'])}" if x["removed"] else "",
            )
            if part
        )
        for x in diff["entity_changes"]
    ]
    changed += [
        f"~ {x['display']}: {x['entity']} confidence {x['before']} -> {x['after']}" for x in diff["confidence_changes"]
    ]
    changed += [
        f"~ {x['display']}: {x['entity']} {x['before']['match_count']} -> {x['after']['match_count']} matches "
        f"({x['before']['rows_scanned']} -> {x['after']['rows_scanned']} rows scanned)"
        for x in diff["count_changes"]
    ]
    _section(out, "Changed", changed)
    schema = diff["schema_changes"]
    lines = [f"+ table {t['display']}: {t['status']}" for t in schema["new_tables"]]
    lines += [
        f"- table {t['display']} ({t.get('reason') or 'not in the later run: removed, renamed or excluded'})"
        for t in schema["removed_tables"]
    ]
    lines += [f"+ column {c['table']} :: {c['column']} ({c['type']}): {c['status']}" for c in schema["new_columns"]]
    lines += [f"- column {c['table']} :: {c['column']}" for c in schema["removed_columns"]]
    lines += [
        f"~ column {c['table']} :: {c['column']}: type {c['before']} -> {c['after']}" for c in schema["type_changes"]
    ]
    if not schema["recorded"]:
        lines.append(f"(run #{before['id']} recorded no schema: new tables and columns cannot be told)")
    _section(out, "Schema changes", lines)


def _declaration(out: Any, change: dict[str, Any] | None) -> None:
    """The declaration the runs were compared with: another file, an edit, categories per subject group."""
    if not change:
        return
    if change.get("note"):
        out(f"note: {change['note']}\n")
    if not change["changes"]:
        return
    before, after = change["before"] or {}, change["after"] or {}
    out("\nDECLARATION CHANGED\n")
    for item in change["changes"]:
        if item["kind"] == "added":
            out(f"  + the later run was compared with {item['file']}, the earlier with no declaration\n")
        elif item["kind"] == "dropped":
            out(f"  - the later run was compared with no declaration, the earlier with {item['file']}\n")
        elif item["kind"] == "file":
            out(f"  ~ file {item['before']} -> {item['after']}\n")
        else:
            name = after.get("file") or before.get("file")
            out(f"  ~ {name}: content edited (sha256 {item['before'][:12]} -> {item['after'][:12]})\n")
    for group in change["subjects"]:
        for cat in group["added"]:
            out(f"  + {group['subject']}: {cat['name']} [{', '.join(cat['keys'])}]\n")
        for cat in group["removed"]:
            out(f"  - {group['subject']}: {cat['name']} [{', '.join(cat['keys'])}]\n")
        for cat in group["changed"]:
            out(f"  ~ {group['subject']}: {cat['name']} [{', '.join(cat['before'])}] -> [{', '.join(cat['after'])}]\n")


def _section(out: Any, title: str, lines: list[str]) -> None:
    if not lines:
        return
    out(f"\n{title}\n")
    for line in lines:
        out(f"  {line}\n")
