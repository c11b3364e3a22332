"""``pdscan find`` as text: one line per row found, from the find document (:mod:`pdscan.dsar.document`)."""

from __future__ import annotations

from typing import Any, TextIO

_LABELS = {"direct": "DIRECT ", "related": "RELATED", "name": "NAME?  "}


def render(document: dict[str, Any], stream: TextIO) -> None:
    counts = document["summary"]
    stream.write(
        f"pdscan find: {', '.join(document['identifiers'])} in {len(document['sources'])} source(s), "
        f"{len(document['searched'])} tables/files searched in full, {document['seconds']:.1f} s\n"
    )
    for m in document["matches"]:
        key = ", ".join(f"{k}={v}" for k, v in m["key"].items() if k != "note")
        detail = f"via {m['via']}" if m["kind"] == "related" else "; ".join(m["shown"])
        stream.write(f"  {_LABELS[m['kind']]} {m['display']} [{key}] {m['strength']}: {detail}\n")
    if not document["matches"]:
        stream.write("  no row about this person in the sources searched\n")
    stream.write(
        f"{counts['matches']} row{'' if counts['matches'] == 1 else 's'}: {counts['direct']} matched by an "
        f"identifier, {counts['related']} related, {counts['name_only']} by name only (confirm those before acting "
        "on them)\n"
    )
    for join in document.get("inferred_joins", []):
        stream.write(f"  joined without a declared foreign key, check it: {join}\n")
    if not document.get("complete", True):
        stream.write(f"INCOMPLETE: {len(document['errors'])} table(s)/file(s) could not be searched:\n")
        for error in document["errors"]:
            where = error.get("location") or {}
            place = " ".join(str(v) for v in where.values()) if isinstance(where, dict) else str(where)
            stream.write(f"  {error['source']}{' ' + place if place else ''}: {error['reason']}\n")
