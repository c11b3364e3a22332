"""The documents a DSAR search produces, built here (not in the CLI) so every front end and reporter shares them.

:func:`find_document` is the JSON document of ``pdscan find`` (``schema_version`` 1): matches with masked values
unless ``show_data``, what was searched, what could not be. :func:`identifier_columns` reads, from the inventory's
latest complete runs, which columns hold identifiers, so a search can look there first.
"""

from __future__ import annotations

from typing import Any

from pdscan.detect.masking import MASKERS
from pdscan.dsar.search import FindResult, Match, table_knowledge
from pdscan.errors import UsageError
from pdscan.inventory.store import Inventory

SCHEMA_VERSION = 1
_MASK_BY_KIND = {"email": "email", "phone": "phone", "hetu": "hetu", "business_id": "business_id", "name": "name"}
# A column is an identifier column when every value scanned in it held the identifier.
_IDENTIFIER_SHARE = 1.0


def identifier_columns(
    store: Inventory, sources: tuple[str, ...]
) -> tuple[list[str], dict[tuple[str, str, str], str], dict[tuple[str, str], dict[str, frozenset[str]]]]:
    """The sources to search, the identifier columns the inventory's latest runs know in them, and what those runs
    know of each database table (:func:`pdscan.dsar.search.table_knowledge`: its columns and their entities)."""
    complete = store.runs(statuses=("complete",))
    latest: dict[str, Any] = {}
    for run in complete:
        latest[run.sources_key] = run
    targets = list(sources)
    if not targets:
        targets = [s for run in latest.values() for s in run.sources]
        if not targets:
            raise UsageError("give SOURCES, or scan them with --inventory first")
        hidden = [s for s in targets if "***" in s]
        if hidden:
            raise UsageError(
                f"the inventory keeps {hidden[0]} without its password: give the source on the command line"
            )
    known: dict[tuple[str, str, str], str] = {}
    results = [store.load(run.id).result for run in sorted(latest.values(), key=lambda r: (r.started_at, r.id))]
    for result in results:
        for finding in result.findings:
            share = finding.match_count / finding.values_scanned if finding.values_scanned else 0
            if share >= _IDENTIFIER_SHARE:
                key = (finding.source, finding.location.display(with_column=False), finding.location.column or "")
                known[key] = finding.entity
    return targets, known, table_knowledge(results)


def counts(result: FindResult) -> dict[str, int]:
    kinds = [m.kind for m in result.matches]
    return {
        "matches": len(kinds),
        "direct": kinds.count("direct"),
        "related": kinds.count("related"),
        "name_only": kinds.count("name"),
    }


def shown(match: Match, column: str, show_data: bool) -> str:
    """A matched value as the output shows it: masked by the kind of identifier found in it."""
    value = match.row.get(column)
    hits = match.match.columns.get(column, ()) if match.match else ()
    if value is None or not hits:
        return column
    exact = [h for h in hits if h.exact]
    if not exact:
        return f"{column} (in text: {', '.join(sorted({h.kind for h in hits}))})"
    mask = MASKERS[_MASK_BY_KIND[exact[0].kind]]
    values = value if isinstance(value, list) else [value]  # a JSON array field: each value of the record
    text = ", ".join(str(v) if show_data else mask(str(v)) for v in values)
    return f"{column}={text}"


# Keys that describe where, not who: a note, and a document's kind and parts (page 3, header From).
_PLAIN_KEYS = frozenset({"note", "document", "parts"})


def masked_key(match: Match, show_data: bool) -> dict[str, Any]:
    """Row keys as output shows them: numbers as they are; text keys masked (a key may be a HETU or an email)."""
    return {
        k: (v if show_data or v is None or isinstance(v, int) or k in _PLAIN_KEYS else MASKERS["generic"](str(v)))
        for k, v in match.key.items()
    }


def find_document(result: FindResult, show_data: bool, elapsed: float) -> dict[str, Any]:
    return {
        "schema_version": SCHEMA_VERSION,
        "kind": "dsar_find",
        "started_at": result.started_at,
        "finished_at": result.finished_at,
        "seconds": round(elapsed, 3),
        "identifiers": result.person.kinds,
        "sources": result.sources,
        "summary": counts(result),
        # False when a table or file could not be searched (a timeout, a broken file): "no other data" is unproven.
        "complete": not result.errors,
        "matches": [
            {
                "source": m.source,
                "location": m.location.to_dict(),
                "display": m.location.display(with_column=False),
                "key": masked_key(m, show_data),
                "kind": m.kind,
                "strength": m.strength,
                "columns": {c: sorted({h.kind for h in hits}) for c, hits in m.match.columns.items()}
                if m.match
                else {},
                "shown": [shown(m, c, show_data) for c in sorted(m.match.columns)] if m.match else [],
                "via": m.via,
            }
            for m in result.matches
        ],
        "searched": [
            {"source": s.source, "location": s.location.to_dict(), "rows": s.rows, "method": s.method}
            for s in result.searched
        ],
        "errors": [e.to_dict() for e in result.errors],
        # Related rows reached through a join the schema does not declare (same column name and type): check them.
        "inferred_joins": list(result.inferred_joins),
    }
