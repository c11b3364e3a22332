"""The erasure plan (``pdscan find --erasure-plan FILE``): SQL for a human to review and run; pdscan never does.

Per database: related rows first (their foreign keys point at the person's rows), then the rows an identifier
matched as a whole value (``DELETE`` by primary key), then free-text mentions (``UPDATE ... SET col = NULL``).
Name-only matches are listed commented out: they may be someone else. Statements are SQLAlchemy constructs
compiled for the source's dialect, identifiers quoted. Files get a list of the rows to remove by hand.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Dialect, make_url

from pdscan.dsar.search import FindResult, Match
from pdscan.model import utc_now


def _document_line(match: Match) -> str:
    """A document about the person is deleted (or redacted) as a whole file: its text has no rows to remove."""
    where = match.location.display(with_column=False)
    why = f"({match.key['parts']}; {match.strength})"
    if "!" in where:  # an attachment or a zip member: what is deleted is its container (the mail, the archive)
        outer, inner = where.split("!", 1)
        return f"--   delete or redact {outer}: its part {inner} is about the person {why}"
    return f"--   delete {where}: a {match.key['document']} document about the person {why}"


def erasure_plan(result: FindResult) -> str:
    lines = [
        f"-- pdscan erasure plan, {utc_now()}",
        "-- For human review: pdscan never runs these statements. Check legal retention duties first",
        "-- (bookkeeping, payroll and tax records must be kept for their statutory periods).",
    ]
    by_source: dict[str, list[Match]] = defaultdict(list)
    for match in result.matches:
        by_source[match.source].append(match)
    files: list[str] = []
    for source, matches in by_source.items():
        if matches[0].location.file is not None:
            rows: dict[str, list[str]] = defaultdict(list)
            for m in matches:
                if "document" in m.key:  # a CV, an application, a mail: the file is the record
                    files.append(_document_line(m))
                    continue
                rows[m.location.display(with_column=False)].append(f"{m.key.get('row') or '?'} ({m.strength})")
            files.extend(f"--   {where}: data rows {', '.join(r)}" for where, r in rows.items())
            continue
        dialect = _dialect(source)
        lines += ["", f"-- database {source}", "BEGIN;"]
        order = _referring_first(result.references.get(source, {}), matches)
        erasable = [m for m in matches if m.kind in ("direct", "related")]
        erasable.sort(key=lambda m: (order.get((m.location.schema, m.location.table or ""), 0), -m.hop))
        if any(m.kind == "related" for m in erasable):
            lines.append("-- rows that reference others come first, so that foreign keys hold")
        for m in erasable:
            if m.kind == "related":
                lines.append(_statement(_delete(m), dialect, f"related via {m.via}"))
            else:
                lines.append(_erase(m, dialect))
        names = [m for m in matches if m.kind == "name"]
        if names:
            lines.append("-- name only: these rows may be someone else's; confirm the identity first")
            lines.extend("-- " + _erase(m, dialect) for m in names)
        lines.append("COMMIT;")
    if files:
        lines += ["", "-- files: remove these rows by hand, or delete the files if they are only exports", *files]
    return "\n".join(lines) + "\n"


def _erase(m: Match, dialect: Dialect) -> str:
    """DELETE a row that holds the person's identifier (or name) as a whole value; otherwise blank the free-text
    columns that mention them."""
    assert m.match is not None
    whole = any(h.exact for hits in m.match.columns.values() for h in hits)
    if whole:
        return _statement(_delete(m), dialect, f"{m.strength}: {', '.join(m.match.kinds)}")
    columns = sorted(m.match.columns)
    return _statement(_null(m, columns), dialect, f"{', '.join(m.match.kinds)} mentioned in {', '.join(columns)}")


def _referring_first(
    references: dict[tuple[str | None, str], set[tuple[str | None, str]]], matches: list[Match]
) -> dict[tuple[str | None, str], int]:
    """A rank per table, lowest deleted first: a table no other table of the plan references comes first, then the
    tables only those referenced, and so on up to the person's own table."""
    tables = {(m.location.schema, m.location.table or "") for m in matches}
    rank: dict[tuple[str | None, str], int] = {}
    remaining = set(tables)
    level = 0
    while remaining:
        leaves = {t for t in remaining if not (references.get(t, set()) & (remaining - {t}))}
        if not leaves:  # a cycle: keep the rest in any order
            leaves = set(remaining)
        for t in leaves:
            rank[t] = level
        remaining -= leaves
        level += 1
    return rank


def _dialect(source: str) -> Dialect:
    url = make_url(source.replace("***", "x"))
    return url.get_dialect()()


def _table(m: Match, columns: list[str]) -> Any:
    return sa.table(m.location.table or "", *[sa.column(c) for c in columns], schema=m.location.schema)


def _where(m: Match, table: Any) -> Any:
    return sa.and_(*[table.c[k] == v for k, v in m.key.items()])


def _delete(m: Match) -> Any:
    if not m.primary_key or any(v is None for v in m.key.values()):
        return None  # no key, or a key that cannot be written as a literal (binary)
    table = _table(m, list(m.key))
    return sa.delete(table).where(_where(m, table))


def _null(m: Match, columns: list[str]) -> Any:
    if not m.primary_key or any(v is None for v in m.key.values()):
        return None
    table = _table(m, [*m.key, *columns])
    return sa.update(table).where(_where(m, table)).values({c: None for c in columns})


def _statement(statement: Any, dialect: Dialect, why: str) -> str:
    if statement is None:
        return f"-- no usable primary key: identify this row by hand ({why})"
    sql = str(statement.compile(dialect=dialect, compile_kwargs={"literal_binds": True}))
    # SQLAlchemy breaks lines between clauses; a literal keeps its own spaces.
    return f"{sql.replace(chr(10), ' ')};  -- {why}"
