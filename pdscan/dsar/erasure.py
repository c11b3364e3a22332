"""The erasure plan (``pdscan find --erasure-plan FILE``): SQL for a human to review and run; pdscan never does.

Per database: related rows first (their foreign keys point at the person's rows), then the rows an identifier
matched as a whole value (``DELETE`` by primary key), then free-text mentions (``UPDATE ... SET col = NULL``).
Name-only matches are listed commented out: they may be someone else. Statements are SQLAlchemy constructs
compiled for the source's dialect, identifiers quoted. Files get a list of the rows to remove by hand.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Dialect, make_url

from pdscan.dsar.search import FindResult, Match


def erasure_plan(result: FindResult) -> str:
    lines = [
        f"-- pdscan erasure plan, {dt.datetime.now(dt.timezone.utc).isoformat(timespec='seconds')}",
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
                rows[m.location.display(with_column=False)].append(f"{m.key.get('row') or '?'} ({m.strength})")
            files.extend(f"--   {where}: data rows {', '.join(r)}" for where, r in rows.items())
            continue
        dialect = _dialect(source)
        lines += ["", f"-- database {source}", "BEGIN;"]
        related = sorted((m for m in matches if m.kind == "related"), key=lambda m: -m.hop)
        if related:
            lines.append("-- related rows (they reference the rows below), deepest first")
        for m in related:
            lines.append(_statement(_delete(m), dialect, f"related via {m.via}"))
        for m in matches:
            if m.kind == "direct":
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


def _dialect(source: str) -> Dialect:
    url = make_url(source.replace("***", "x"))
    return url.get_dialect()()


def _table(m: Match, columns: list[str]) -> Any:
    return sa.table(m.location.table or "", *[sa.column(c) for c in columns], schema=m.location.schema)


def _where(m: Match, table: Any) -> Any:
    return sa.and_(*[table.c[k] == v for k, v in m.key.items()])


def _delete(m: Match) -> Any:
    if not m.primary_key:
        return None
    table = _table(m, list(m.key))
    return sa.delete(table).where(_where(m, table))


def _null(m: Match, columns: list[str]) -> Any:
    if not m.primary_key:
        return None
    table = _table(m, [*m.key, *columns])
    return sa.update(table).where(_where(m, table)).values({c: None for c in columns})


def _statement(statement: Any, dialect: Dialect, why: str) -> str:
    if statement is None:
        return f"-- no primary key: identify this row by hand ({why})"
    sql = str(statement.compile(dialect=dialect, compile_kwargs={"literal_binds": True}))
    return f"{' '.join(sql.split())};  -- {why}"
