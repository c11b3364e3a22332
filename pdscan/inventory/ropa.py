"""Where an inventory saw each declared category, for the record of processing activities (``pdscan declarations
ropa --inventory``).

The current state is the latest complete run of each set of sources, as the periodic report reads it; its findings
are compared with the declaration afresh (a run may have been compared with another declaration, or none), and each
declared category gets the places (source, URLs masked, and table, sheet or file) where findings it covers were seen,
with how many columns and the last complete run that saw them there. Only places, counts and dates: never a value.
"""

from __future__ import annotations

from pdscan.compliance.compare import compare
from pdscan.compliance.declaration import Declaration
from pdscan.compliance.ropa import StoredAt
from pdscan.compliance.taxonomy import taxonomy
from pdscan.errors import InventoryError
from pdscan.inventory.store import Inventory, RunInfo
from pdscan.model import Location, ScanResult
from pdscan.sources import mask_source


def stored_categories(inventory: Inventory, declaration: Declaration) -> tuple[dict[int, list[StoredAt]], str]:
    """Per index of ``declaration.categories``, where the inventory's latest runs saw it; and the runs read, as
    the record names them (``#3, #5; 2026-05-01``: their ids and the latest one's date)."""
    complete = inventory.runs(statuses=("complete",))
    if not complete:
        raise InventoryError(inventory.name, "no complete run yet: scan with pdscan scan SOURCES --inventory first")
    latest: dict[str, RunInfo] = {}
    for info in complete:
        latest[info.sources_key] = info  # runs come oldest first
    current = sorted(latest.values(), key=lambda r: r.id)
    merged = ScanResult(tool={}, started_at="", finished_at="", options={})
    for info in current:
        result = inventory.load(info.id).result
        merged.sources.extend(result.sources)
        merged.tables.extend(result.tables)
        merged.findings.extend(result.findings)
    compare(merged, declaration, taxonomy())
    seen = inventory.seen()
    storage: dict[int, list[StoredAt]] = {}
    assert merged.compliance is not None  # compare() sets it
    by_name = {c.name: c for c in merged.compliance.found_declared}
    for index, category in enumerate(declaration.categories):
        found = by_name.get(category.name)
        columns: dict[tuple[str, str | None], set[str]] = {}
        last: dict[tuple[str, str | None], str] = {}
        for ref in (found.locations or []) if found else []:
            where = Location(**ref.location)
            container = where.display(with_column=False)
            inside = container.startswith(ref.source.rstrip("/") + "/")  # a file of a folder source names it
            key = (container if inside else f"{mask_source(ref.source)}: {container}", ref.subject)
            held = columns.setdefault(key, set())
            if where.column:  # a document's finding has no column: its place is counted, not its columns
                held.add(where.column)
            seen_at = seen.get((ref.source, container, where.column or "", ref.entity), ("", ""))[1]
            last[key] = max(last.get(key, ""), seen_at)
        storage[index] = [
            StoredAt(
                place=place, subject=subject, columns=len(columns[(place, subject)]), last_seen=last[(place, subject)]
            )
            for place, subject in sorted(columns, key=lambda k: (k[0], k[1] or ""))
        ]
    latest_start = max(info.started_at for info in current)[:10]
    return storage, f"#{', #'.join(str(info.id) for info in current)}; {latest_start}"
