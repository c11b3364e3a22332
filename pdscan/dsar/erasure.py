"""The erasure plan (``pdscan find --erasure-plan FILE``): one SQL script per database for a human to review and run
with that database's own client (sqlite3, psql, mysql/mariadb) as one transaction; pdscan never runs it.

pdscan reads the database again (read-only) to plan: its foreign keys with their ``ON DELETE`` rules, the columns'
``NOT NULL`` and ``UNIQUE`` constraints, and every row that depends on the person's rows, to any depth (not only the
``--hops`` of the search). Then, per row:

* the person's rows (an identifier is a column's whole value) and the rows that exist only for them (rows whose
  foreign keys point at those, deepest first) are deleted: ``RESTRICT`` / ``NO ACTION`` children by a ``DELETE`` of
  their own before the rows they reference, ``ON DELETE CASCADE`` children by the database (listed in comments),
  ``ON DELETE SET NULL`` references are set to NULL by the database; rows joined by a column no foreign key declares
  (``order_notes.order_id``, the joins the search infers) are deleted by a statement too, even where they also
  mention the person;
* a row shared with another person (another foreign key of it points at a row of another person in a table where
  the person has a row: a message with two participants) is kept: its reference to the person is set to NULL and
  the person's identifiers in it are anonymised;
* a row of a table under a legal retention duty the declaration names (:func:`retention_duties`) is kept and
  anonymised instead of deleted (its identifiers, and a column whose whole value is the person's name, also when
  the search was given none: the name their e-mail address spells);
* a row that must stay because a kept row references it through a ``NOT NULL`` foreign key is kept as an
  anonymised stub (no identifier of the person remains in it);
* a row that only mentions an identifier in free text (somebody else's ticket) has those columns anonymised;
* name-only rows are listed commented out: they may be someone else.

Anonymised means NULL, or where the column is ``NOT NULL`` a neutral value (``''``, or ``erased-<key>`` where the
column is unique, 0 for numbers). Statements are SQLAlchemy constructs compiled for the database's dialect,
identifiers quoted; only the client and transaction control lines are fixed text. Files get a list of the rows to
remove by hand.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import decimal
import os
import re
import tempfile
import uuid
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import SQLAlchemyError

from pdscan.compliance.declaration import Declaration
from pdscan.dsar.identity import Person
from pdscan.dsar.search import FindResult, Match
from pdscan.errors import PdscanError
from pdscan.model import utc_now

_TableKey = tuple[str | None, str]
_RowId = tuple[_TableKey, tuple[Any, ...]]
_BATCH = 500  # keys per IN list
# Which role wins when a row is reached twice: the person's row, then a row that exists only for them.
_ROLES = {"person": 3, "dependent": 2, "mention": 1, "referrer": 1, "nulled": 1}
# A whole value shaped as a person's name: two to four words of letters (Matti Virtanen, Anna-Liisa af Ström).
_NAME_VALUE = re.compile(r"[^\W\d_][\w'’-]*(?:\s+[^\W\d_][\w'’-]*){1,3}")
_SCALAR = (int, str, decimal.Decimal, dt.date, dt.datetime, dt.time, uuid.UUID, bool)


# -- legal retention duties ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RetentionDuty:
    """A legal duty to keep some records, as a declaration names it, and the tables it covers (by their names)."""

    name: str  # "bookkeeping"
    law: str
    period: str
    named_by: str  # where the declaration names it
    tables: re.Pattern[str]

    def covers(self, table: str) -> bool:
        return self.tables.search(table) is not None

    def describe(self) -> str:
        return f"{self.name}, {self.law}: {self.period} (named by the declaration's {self.named_by})"


# Known statutory duties: (name, words that name it in a declaration, law, period, words of the tables it covers).
_DUTIES = (
    (
        "bookkeeping",
        re.compile(r"kirjanpi|bokför|bookkeep|accounting", re.IGNORECASE),
        "Finnish Accounting Act (kirjanpitolaki 1336/1997) 2:10",
        "vouchers 6 years from the end of the financial year",
        re.compile(r"lasku|invoice|kuitti|receipt|tosite|voucher|maksu|payment|kirjanpi|faktur|kvitto|ledger", re.I),
    ),
    (
        "payroll",
        re.compile(r"palkanmaks|palkkakirj|payroll|lönebokf", re.IGNORECASE),
        "Finnish Accounting Act (kirjanpitolaki 1336/1997) 2:10",
        "payroll records 10 years from the end of the financial year",
        re.compile(r"palkka|palkat|payroll|salary|salaries|lön", re.IGNORECASE),
    ),
)


def retention_duties(declaration: Declaration | None) -> list[RetentionDuty]:
    """The legal retention duties a declaration names, read conservatively.

    The declaration format has no per-table retention field, so a duty counts only where the declaration names it
    in words: a purpose whose legal bases include ``legal_obligation`` and whose name or quoted sentence names
    bookkeeping (kirjanpito, bokföring, accounting) or payroll (palkanmaksu, payroll), or the ``retention``
    statement or its quoted sentence naming one. A duty then covers only the tables whose names say they hold such
    records (bookkeeping: lasku, invoice, kuitti, receipt, tosite, voucher, maksu, payment, ledger...; payroll:
    palkka, payroll, salary); every other table is erased as usual. Without a declaration nothing is retained.
    """
    if declaration is None:
        return []
    duties: list[RetentionDuty] = []
    for name, words, law, period, tables in _DUTIES:
        named_by = next(
            (
                f"purpose '{p.name}' (legal obligation)"
                for p in declaration.purposes
                if "legal_obligation" in p.legal_bases and words.search(f"{p.name} {p.source}")
            ),
            None,
        )
        if named_by is None and words.search(" ".join(declaration.retention.values())):
            named_by = "retention statement"
        if named_by is not None:
            duties.append(RetentionDuty(name, law, period, named_by, tables))
    return duties


# -- the plan --------------------------------------------------------------------------------------------------


@dataclass
class DatabasePlan:
    source: str  # as shown (password masked)
    label: str  # a short name for the file: the database's name
    backend: str  # sqlite, postgresql, mysql, mariadb...
    script: str


@dataclass
class ErasurePlan:
    started: str
    databases: list[DatabasePlan] = field(default_factory=list)
    files: list[str] = field(default_factory=list)  # comment lines: file rows to remove by hand

    def text(self) -> str:
        """Everything in one text: with one database exactly its script (runnable as is), with several each
        script after the other (write them apart with :func:`write_erasure_plan` to run them)."""
        parts = [db.script for db in self.databases]
        if self.files or not self.databases:
            parts.append(self._files_text(with_header=not self.databases))
        return "\n".join(parts)

    def _files_text(self, with_header: bool) -> str:
        lines = [f"-- pdscan erasure plan, {self.started}"] if with_header else []
        if self.files:
            lines += ["-- files: remove these rows by hand, or delete the files if they are only exports", *self.files]
        elif with_header:
            lines.append("-- nothing to erase: no row of the person was found")
        return "\n".join(lines) + "\n"

    def index_text(self, scripts: Sequence[tuple[DatabasePlan, Path]]) -> str:
        lines = [
            f"-- pdscan erasure plan, {self.started}",
            "-- One SQL script per database, each to be run by that database's own client as one transaction:",
            *(f"--   {path.name}: {db.source} ({db.backend})" for db, path in scripts),
        ]
        text = "\n".join(lines) + "\n"
        if self.files:
            text += "\n" + self._files_text(with_header=False)
        return text


def plan_erasure(
    result: FindResult, declaration: Declaration | None = None, sources: Iterable[str] = ()
) -> ErasurePlan:
    """Plan the erasure of the person ``result`` found. ``sources`` are the sources as given to ``find`` (with
    their passwords): the databases are read again to plan. Without them a database is opened by its shown name,
    which works where it has no password (SQLite, peer or trust authentication)."""
    plan = ErasurePlan(utc_now())
    by_source: dict[str, list[Match]] = defaultdict(list)
    for match in result.matches:
        by_source[match.source].append(match)
    specs = _specs(sources)
    duties = retention_duties(declaration)
    labels: set[str] = set()
    for source, matches in by_source.items():
        if matches[0].location.file is not None:
            plan.files.extend(_file_lines(matches))
            continue
        planner = _DatabasePlanner(source, specs.get(source, source), matches, duties, plan.started, result.person)
        label = planner.label
        while label in labels:
            label += "_"
        labels.add(label)
        plan.databases.append(DatabasePlan(source, label, planner.backend, planner.script()))
    return plan


def erasure_plan(result: FindResult, declaration: Declaration | None = None, sources: Iterable[str] = ()) -> str:
    """The plan as one text (see :meth:`ErasurePlan.text`)."""
    return plan_erasure(result, declaration, sources).text()


def plan_paths(path: Path, plan: ErasurePlan) -> list[tuple[DatabasePlan, Path]]:
    """Where each database's script goes: FILE itself for one database; for several, FILE's name with the
    database's name before the suffix (``erase.sql`` -> ``erase.crm.sql``, ``erase.hr.sql``), FILE then being an
    index (comments only) of the scripts and the file rows to remove by hand."""
    if len(plan.databases) == 1:
        return [(plan.databases[0], path)]
    suffix = path.suffix or ".sql"
    return [(db, path.with_name(f"{path.stem}.{db.label}{suffix}")) for db in plan.databases]


def write_erasure_plan(
    result: FindResult, path: Path, declaration: Declaration | None = None, sources: Iterable[str] = ()
) -> list[Path]:
    """Write the plan: one script per database (:func:`plan_paths`), readable by the owner only (the scripts name
    the person's rows by their keys). Returns the files written, FILE first."""
    plan = plan_erasure(result, declaration, sources)
    scripts = plan_paths(path, plan)
    if len(scripts) == 1:
        _write(path, plan.text())
        return [path]
    written = [path]
    _write(path, plan.text() if not scripts else plan.index_text(scripts))
    for db, script_path in scripts:
        _write(script_path, db.script)
        written.append(script_path)
    return written


def _write(path: Path, text: str) -> None:
    """Atomically, mode 0600 (mkstemp's), so an interrupted run leaves no half script."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as stream:
            stream.write(text)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def _specs(sources: Iterable[str]) -> dict[str, str]:
    """Shown name -> the source as given."""
    from pdscan.sources import mask_source

    out: dict[str, str] = {}
    for spec in sources:
        out[mask_source(spec)] = spec
        with contextlib.suppress(Exception):
            from pdscan.sources.sql import mask_url, parse_url

            out[mask_url(parse_url(spec))] = spec
    return out


# -- files -----------------------------------------------------------------------------------------------------


def _file_lines(matches: list[Match]) -> list[str]:
    lines: list[str] = []
    rows: dict[str, list[str]] = defaultdict(list)
    for m in matches:
        if "document" in m.key:  # a CV, an application, a mail: the file is the record
            lines.append(_document_line(m))
            continue
        rows[m.location.display(with_column=False)].append(f"{m.key.get('row') or '?'} ({m.strength})")
    lines.extend(f"--   {where}: data rows {', '.join(r)}" for where, r in rows.items())
    return lines


def _document_line(match: Match) -> str:
    """A document about the person is deleted (or redacted) as a whole file: its text has no rows to remove."""
    where = match.location.display(with_column=False)
    why = f"({match.key['parts']}; {match.strength})"
    if "!" in where:  # an attachment or a zip member: what is deleted is its container (the mail, the archive)
        outer, inner = where.split("!", 1)
        return f"--   delete or redact {outer}: its part {inner} is about the person {why}"
    return f"--   delete {where}: a {match.key['document']} document about the person {why}"


# -- databases -------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Fk:
    child: _TableKey
    columns: tuple[str, ...]
    parent: _TableKey
    referred: tuple[str, ...]
    ondelete: str  # CASCADE, SET NULL, SET DEFAULT, RESTRICT, NO ACTION
    inferred: bool = False  # a join no foreign key declares (order_notes.order_id -> orders.id): nothing enforces it

    @property
    def label(self) -> str:
        rule = "(inferred: no foreign key declared)" if self.inferred else f"ON DELETE {self.ondelete}"
        return (
            f"{_dotted(self.child)}.{','.join(self.columns)} -> {_dotted(self.parent)}.{','.join(self.referred)} {rule}"
        )


@dataclass
class _Row:
    table: _TableKey
    ident: tuple[Any, ...]
    values: dict[str, Any]
    role: str  # person (an identifier is a whole value), dependent (reached by a foreign key), mention, referrer
    delete: bool = True
    kept: str = ""  # why it is kept: shared, retention, stub, mention, another person's row
    match: Match | None = None
    via: list[_Fk] = field(default_factory=list)  # foreign keys by which it depends on rows being erased
    anonymise: set[str] = field(default_factory=set)  # columns given a neutral value
    detach: set[str] = field(default_factory=set)  # foreign key columns set to NULL
    cascaded: bool = False  # deleted by the database (ON DELETE CASCADE)
    duty: RetentionDuty | None = None
    related: str = ""  # related by the search without a foreign key: how
    # The person's name as written in a kept row's free text, per column: replaced by *** in SQL ("Hei Matti
    # Virtanen" -> "Hei ***"), so the plan holds their name, never the rest of another person's text.
    rewrite: dict[str, list[str]] = field(default_factory=dict)

    @property
    def rid(self) -> _RowId:
        return (self.table, self.ident)


@dataclass(frozen=True)
class _Edge:
    child: _RowId
    fk: _Fk
    parent: _RowId


class _DatabasePlanner:
    def __init__(
        self,
        source: str,
        spec: str,
        matches: list[Match],
        duties: list[RetentionDuty],
        started: str,
        person: Person | None = None,
    ) -> None:
        self.source = source
        self.person = person
        self._words: set[str] | None = None  # the person's own name words (_own_words), read once
        self.spec = spec
        self.matches = matches
        self.duties = duties
        self.started = started
        url = sa.engine.make_url(source.replace("***", "x"))
        self.backend = url.get_backend_name()
        database = url.database or url.host or "database"
        self.label = re.sub(r"[^A-Za-z0-9_-]+", "_", Path(database).stem if self.backend == "sqlite" else database)
        self.database = database
        self.dialect: Any = url.get_dialect()()
        self.tables: dict[_TableKey, sa.Table] = {}
        self.fks_to: dict[_TableKey, list[_Fk]] = defaultdict(list)
        self.fks_of: dict[_TableKey, list[_Fk]] = defaultdict(list)
        self.rows: dict[_RowId, _Row] = {}
        self.edges: list[_Edge] = []
        self.parents_of: dict[_RowId, list[_Edge]] = defaultdict(list)
        self.notes: list[str] = []

    # The script ------------------------------------------------------------------------------------------------

    def script(self) -> str:
        head = [
            f"-- pdscan erasure plan for {self.source}, {self.started}",
            "-- Review it, then run it as is, as one transaction, on the database (try it on a copy first):",
            f"--   {self._client_command()}",
            "-- An error stops the script and nothing is changed. pdscan never runs it.",
        ]
        try:
            self._plan()
        except (SQLAlchemyError, PdscanError, OSError) as exc:
            reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            return (
                "\n".join(
                    [
                        *head,
                        f"-- The database could not be read to plan the erasure ({reason}):",
                        "-- no statement written. Run pdscan find again where the database can be reached.",
                    ]
                )
                + "\n"
            )
        updates, deletes = self._statements()
        names = [m for m in self.matches if m.kind == "name" and _match_rid(m) not in self.rows]
        lines = [*head, "--", *self._summary(), ""]
        lines += self._begin()
        if updates:
            lines.append("-- rows kept: references to the person set to NULL, the person's data anonymised")
            lines += updates
        if deletes:
            lines.append("-- rows deleted, those that reference others first")
            lines += deletes
        if not updates and not deletes:
            lines.append("-- nothing to change in this database")
        lines += self._commit()
        if names:
            lines += [
                "",
                "-- name only: these rows may be someone else's. Confirm the identity, then search again with their",
                "-- identifiers (pdscan find --email ...) for a plan that covers them; not part of this transaction:",
            ]
            lines += ["-- " + self._name_only(m) for m in names]
        return "\n".join(lines) + "\n"

    def _client_command(self) -> str:
        if self.backend == "sqlite":
            return f"sqlite3 {self.database} < FILE"
        if self.backend == "postgresql":
            return f"psql -X -d {self.database} -f FILE"
        if self.backend in ("mysql", "mariadb"):
            return f"{self.backend} {self.database} < FILE"
        return f"the {self.backend} client, with FILE"

    def _begin(self) -> list[str]:
        if self.backend == "sqlite":
            # .bail: the sqlite3 shell stops at the first error (the open transaction is then never committed).
            # Foreign keys are enforced, and ON DELETE rules applied, only with the pragma, set outside a transaction.
            return [".bail on", "PRAGMA foreign_keys = ON;", "BEGIN;"]
        if self.backend == "postgresql":
            return ["\\set ON_ERROR_STOP on", "BEGIN;"]
        if self.backend in ("mysql", "mariadb"):  # the client stops at the first error unless --force
            return ["SET SESSION foreign_key_checks = 1;", "START TRANSACTION;"]
        return ["BEGIN;"]

    def _commit(self) -> list[str]:
        return ["COMMIT;"]

    # Reading the database --------------------------------------------------------------------------------------

    def _plan(self) -> None:
        from pdscan.sources import open_source
        from pdscan.sources.sql import DatabaseSource

        source = open_source(self.spec)
        if not isinstance(source, DatabaseSource):
            source.close()
            raise PdscanError(f"{self.source} is not a database")
        try:
            self.dialect = source.engine.dialect
            with source.engine.connect() as conn:
                self._foreign_keys(conn)
            self._inferred_joins(source)
            with source.engine.connect() as conn:
                self._seed(conn)
                self._follow(conn, [r for r in self.rows.values() if r.role == "person"])
                self._follow(conn, self._related(conn))
        finally:
            source.close()
        self._decide()

    def _foreign_keys(self, conn: sa.Connection) -> None:
        from pdscan.sources.sql.dialects import is_system_schema

        inspector = sa.inspect(conn)
        default = inspector.default_schema_name
        for schema in inspector.get_schema_names():
            if is_system_schema(schema):
                continue
            own = None if schema == default else schema
            for (_, table), fks in inspector.get_multi_foreign_keys(schema=schema).items():
                for fk in fks:
                    referred_schema = fk.get("referred_schema")
                    parent = (None if referred_schema in (None, default) else referred_schema, fk["referred_table"])
                    rule = str((fk.get("options") or {}).get("ondelete") or "NO ACTION").upper()
                    key = _Fk(
                        (own, table), tuple(fk["constrained_columns"]), parent, tuple(fk["referred_columns"]), rule
                    )
                    self.fks_to[parent].append(key)
                    self.fks_of[(own, table)].append(key)

    def _inferred_joins(self, source: Any) -> None:
        """The joins the search infers where no foreign key is declared (``order_notes.order_id`` -> ``orders.id``),
        followed like foreign keys: a row that hangs off a row being erased exists only for the person, also when it
        mentions them itself (a note with their phone number). Nothing in the database deletes it or keeps it valid:
        a kept row's value is left as it is."""
        from pdscan.dsar.search import FindResult, likely_joins

        declared: dict[_TableKey, list[tuple[str | None, str, list[str], list[str]]]] = defaultdict(list)
        for parent, fks in self.fks_to.items():
            declared[parent].extend((fk.child[0], fk.child[1], list(fk.columns), list(fk.referred)) for fk in fks)
        scratch = FindResult(Person(), [], "")  # _likely_joins reports a failure there: then nothing is inferred
        for parent, links in likely_joins(source, declared, scratch).items():
            for child_schema, child_table, columns, referred in links:
                fk = _Fk((child_schema, child_table), tuple(columns), parent, tuple(referred), "NO ACTION", True)
                self.fks_to[parent].append(fk)

    def _table(self, conn: sa.Connection, key: _TableKey) -> sa.Table:
        if key not in self.tables:
            self.tables[key] = sa.Table(key[1], sa.MetaData(), schema=key[0], autoload_with=conn)
        return self.tables[key]

    def _ident(self, table: sa.Table, values: Mapping[str, Any]) -> tuple[Any, ...]:
        pk = [c.name for c in table.primary_key.columns]
        if pk:
            return tuple(values[c] for c in pk)
        return tuple(sorted((k, repr(v)) for k, v in values.items()))

    def _add(self, table: sa.Table, key: _TableKey, values: dict[str, Any], role: str) -> tuple[_Row, bool]:
        """The row, and whether it is new to the plan or now erased where it was only kept before."""
        ident = self._ident(table, values)
        rid = (key, ident)
        row = self.rows.get(rid)
        if row is None:
            row = self.rows[rid] = _Row(key, ident, values, role)
            return row, True
        if _ROLES[role] > _ROLES[row.role]:  # the person's row, or a row that exists for them, wins
            row.role = role
            return row, True
        return row, False

    def _edge(self, edge: _Edge) -> None:
        if edge not in self.parents_of[edge.child]:
            self.edges.append(edge)
            self.parents_of[edge.child].append(edge)

    def _seed(self, conn: sa.Connection) -> None:
        """The person's rows and the rows that mention them, as they are in the database now."""
        for m in self.matches:
            if m.kind != "direct":
                continue
            key = (m.location.schema, m.location.table or "")
            table = self._table(conn, key)
            if not m.primary_key or any(v is None for v in m.key.values()):
                self.notes.append(
                    f"-- {_dotted(key)}: a row without a usable primary key ({m.strength}): identify it by hand"
                )
                continue
            where = sa.and_(*[table.c[k] == v for k, v in m.key.items()])
            record = conn.execute(sa.select(table).where(where)).first()
            if record is None:
                self.notes.append(f"-- {_dotted(key)}: a row found by the search is no longer there")
                continue
            role = "person" if m.strength == "exact identifier" else "mention"
            row, _ = self._add(table, key, dict(record._mapping), role)
            row.match = m

    def _related(self, conn: sa.Connection) -> list[_Row]:
        """Rows the search related to the person by a join no foreign key declares (an ``order_id`` column without
        a constraint): they exist only for the person too, and nothing in the database deletes them."""
        added: list[_Row] = []
        for m in self.matches:
            if m.kind != "related" or _match_rid(m) in self.rows or not m.primary_key:
                continue
            key = (m.location.schema, m.location.table or "")
            table = self._table(conn, key)
            if any(v is None for v in m.key.values()):
                continue
            record = conn.execute(sa.select(table).where(sa.and_(*[table.c[k] == v for k, v in m.key.items()]))).first()
            if record is not None:
                row, new = self._add(table, key, dict(record._mapping), "dependent")
                row.related = m.via or "related"
                if new:
                    added.append(row)
        return added

    def _follow(self, conn: sa.Connection, frontier: list[_Row]) -> None:
        """Every row that references a row being erased, to any depth, level by level."""
        while frontier:
            found: list[_Row] = []
            by_table: dict[_TableKey, list[_Row]] = defaultdict(list)
            for row in frontier:
                by_table[row.table].append(row)
            for parent_key, parents in by_table.items():
                for fk in self.fks_to.get(parent_key, []):
                    child = self._table(conn, fk.child)
                    keys: dict[tuple[Any, ...], _Row] = {}
                    for p in parents:
                        referred = tuple(p.values.get(c) for c in fk.referred)
                        if all(v is not None for v in referred):
                            keys[referred] = p
                    items = list(keys)
                    for start in range(0, len(items), _BATCH):
                        chunk = items[start : start + _BATCH]
                        cols = [child.c[c] for c in fk.columns]
                        condition = _in(cols, chunk)
                        for record in conn.execute(sa.select(child).where(condition)):
                            found_values = dict(record._mapping)
                            parent = keys[tuple(found_values[c] for c in fk.columns)]
                            if fk.child == fk.parent:  # a referrer, a manager: another person's row
                                role = "referrer"
                            elif fk.ondelete in ("SET NULL", "SET DEFAULT"):  # meant to outlive the row
                                role = "nulled"
                            else:
                                role = "dependent"
                            row, new = self._add(child, fk.child, found_values, role)
                            self._edge(_Edge(row.rid, fk, parent.rid))
                            if new and row.role == "dependent":
                                found.append(row)
            frontier = found

    # Deciding --------------------------------------------------------------------------------------------------

    def _decide(self) -> None:
        person_tables = {r.table for r in self.rows.values() if r.role == "person"}
        in_plan: dict[tuple[_TableKey, tuple[str, ...]], set[tuple[Any, ...]]] = defaultdict(set)
        for r in self.rows.values():
            if r.role in ("person", "dependent"):
                for fk in self.fks_to.get(r.table, []):
                    in_plan[(r.table, fk.referred)].add(tuple(r.values.get(c) for c in fk.referred))
        for edge in self.edges:
            self.rows[edge.child].via.append(edge.fk)
        for m in self.matches:  # a name in a row of the plan: the foreign key says whose it is
            rid = _match_rid(m)
            if m.kind == "name" and rid in self.rows and self.rows[rid].match is None:
                self.rows[rid].match = m
        for row in self.rows.values():
            duty = next((d for d in self.duties if d.covers(row.table[1])), None)
            if row.role in ("mention", "referrer", "nulled"):
                row.delete = False
                row.kept = {"mention": "mention", "referrer": "another person's row", "nulled": "nulled"}[row.role]
            elif duty is not None:
                row.delete = False
                row.kept = f"retention: {duty.name}"
                row.duty = duty
            elif row.role == "dependent" and self._shared(row, person_tables, in_plan):
                row.delete = False
                row.kept = "shared"
            if row.match is not None and not row.delete:
                row.anonymise |= set(row.match.match.columns if row.match.match else ())
            if not row.delete and row.role not in ("referrer", "nulled"):  # the person's data in a row kept
                row.anonymise |= self._name_columns(row)
            if not row.delete:  # a kept row's free text may still name them (a shared message greeting them)
                row.rewrite = self._names_out(row)
        # A row kept that references a row being deleted: NULL its reference (the database does it for ON DELETE
        # SET NULL), or, where the reference cannot be NULL, keep the referenced row as an anonymised stub.
        changed = True
        while changed:
            changed = False
            for edge in self.edges:
                child, parent = self.rows[edge.child], self.rows[edge.parent]
                if child.delete or not parent.delete or edge.fk.inferred:
                    continue
                table = self.tables[edge.fk.child]
                nullable = all(table.c[c].nullable for c in edge.fk.columns)
                if edge.fk.ondelete in ("SET NULL", "SET DEFAULT") and nullable:
                    continue
                if nullable:
                    child.detach |= set(edge.fk.columns)
                    continue
                parent.delete = False
                parent.kept = f"stub: {_dotted(child.table)} keeps a NOT NULL reference to it ({edge.fk.label})"
                changed = True
        for row in self.rows.values():
            if not row.delete and row.kept.startswith("stub"):
                row.anonymise |= self._stub_columns(row)
            # A row deleted by an ON DELETE CASCADE of a row deleted needs no statement of its own, unless it also
            # references a deleted row without CASCADE (then it must go first, by a statement).
            rules = {e.fk.ondelete for e in self.parents_of.get(row.rid, []) if self.rows[e.parent].delete}
            row.cascaded = row.delete and rules == {"CASCADE"}

    def _shared(
        self,
        row: _Row,
        person_tables: set[_TableKey],
        in_plan: Mapping[tuple[_TableKey, tuple[str, ...]], set[tuple[Any, ...]]],
    ) -> bool:
        """Another foreign key of the row points at another person's row (a row the plan does not erase, in a table
        where the person has a row)."""
        for fk in self.fks_of.get(row.table, []):
            if fk.parent not in person_tables or fk.child == fk.parent:
                continue
            values = tuple(row.values.get(c) for c in fk.columns)
            if any(v is None for v in values):
                continue
            if values not in in_plan.get((fk.parent, fk.referred), set()):
                return True
        return False

    def _name_columns(self, row: _Row) -> set[str]:
        """The columns of a kept row of the person whose whole value is their name: one of their names, or, searched
        without a name, the name their e-mail address spells (an invoice's ``customer_name`` beside their e-mail).
        A row kept for a retention duty or as a stub keeps no name of theirs either."""
        from pdscan.detect.colnames import fold
        from pdscan.dsar.export import is_persons_name

        person = self.person
        if person is None:
            return set()

        def theirs(value: str) -> bool:
            words = [fold(w).lower() for w in value.split()]
            if person.names:  # every word one of their names' (a namesake's first name alone is not enough)
                return any(
                    all(w in n.first_forms or w in n.last_forms for w in words)
                    and any(w in n.last_forms for w in words)
                    for n in person.names
                )
            return is_persons_name(person, value)

        return {
            column
            for column, value in row.values.items()
            if isinstance(value, str) and _NAME_VALUE.fullmatch(value.strip()) and theirs(value)
        }

    def _own_words(self) -> set[str]:
        """The words of the person's own name as their rows write it (first name and surname columns of the rows that
        hold their identifiers), folded: searched without --name, their name is still known from their own rows."""
        from pdscan.detect.colnames import fold
        from pdscan.detect.rules import load_rules

        rules = [r for r in load_rules() if r.matcher == "person_name"]
        words: set[str] = set()
        for row in self.rows.values():
            if row.role != "person":
                continue
            for column, value in row.values.items():
                if isinstance(value, str) and any(r.name_evidence(column).supports for r in rules):
                    words.update(fold(w).lower() for w in re.findall(r"[^\W\d_][\w'’-]*", value))
        return words

    def _names_out(self, row: _Row) -> dict[str, list[str]]:
        """The mentions of the person's name in a kept row's text columns, per column: one of their names (any case
        form), the name their e-mail address spells, or two words of their own rows' name columns."""
        from pdscan.detect.colnames import fold
        from pdscan.detect.names import mentions
        from pdscan.dsar.export import is_persons_name

        person = self.person
        if person is None:
            return {}
        if self._words is None:
            self._words = self._own_words()
        own = self._words
        out: dict[str, list[str]] = {}
        for column, value in row.values.items():
            if not isinstance(value, str) or column in row.anonymise or _NAME_VALUE.fullmatch(value.strip()):
                continue
            found: list[str] = []
            for start, end in mentions(value):
                mention = value[start:end]
                words = [fold(w).lower() for w in re.findall(r"[^\W\d_][\w'’-]*", mention)]
                theirs = is_persons_name(person, mention) or (len(words) >= 2 and set(words) <= own)
                if theirs and mention not in found:
                    found.append(mention)
            if found:
                out[column] = sorted(found, key=len, reverse=True)  # the longest first: "Matti Virtanen" before "Matti"
        return out

    def _stub_columns(self, row: _Row) -> set[str]:
        """Every column of a stub but its keys: what remains is a row with no data of the person."""
        table = self.tables[row.table]
        keys = {c.name for c in table.primary_key.columns}
        keys |= {c for fk in self.fks_of.get(row.table, []) for c in fk.columns}
        return {c.name for c in table.columns if c.name not in keys and (c.nullable or _is_text(c))}

    # Statements ------------------------------------------------------------------------------------------------

    def _statements(self) -> tuple[list[str], list[str]]:
        updates: list[str] = []
        for row in sorted(self.rows.values(), key=lambda r: (_dotted(r.table), repr(r.ident))):
            if row.delete or not (row.anonymise or row.detach or row.rewrite):
                continue
            table = self.tables[row.table]
            values: dict[str, Any] = {c: None for c in sorted(row.detach)}
            for column, found in sorted(row.rewrite.items()):
                if column not in row.detach:
                    expression: Any = table.c[column]
                    for mention in found:
                        expression = sa.func.replace(expression, mention, "***")
                    values[column] = expression
            pk = {c.name for c in table.primary_key.columns}
            blocked = sorted(c for c in row.anonymise if c in pk)
            for c in sorted(row.anonymise - row.detach - pk):
                values[c] = _neutral(table.c[c], row, table)
            why = self._kept_why(row)
            if row.rewrite:
                why += f"; their name taken out of {', '.join(sorted(row.rewrite))}"
            if blocked:
                why += f"; the key {', '.join(blocked)} holds the identifier: change it by hand"
            if values:
                statement = sa.update(table).where(_row_where(table, row)).values(values)
                updates.append(_statement(statement, self.dialect, why))
        deletes: list[str] = []
        order = self._levels()
        groups: dict[tuple[int, _TableKey], list[_Row]] = defaultdict(list)
        for row in self.rows.values():
            if row.delete and not row.cascaded:
                groups[(order[row.rid], row.table)].append(row)
        for (_, key), rows in sorted(groups.items(), key=lambda kv: (kv[0][0], _dotted(kv[0][1]))):
            table = self.tables[key]
            rows.sort(key=lambda r: repr(r.ident))
            for start in range(0, len(rows), _BATCH):
                chunk = rows[start : start + _BATCH]
                where: Any = sa.or_(*[_row_where(table, r) for r in chunk])
                if len(table.primary_key.columns) == 1 and len(chunk) > 1:
                    where = next(iter(table.primary_key.columns)).in_([r.ident[0] for r in chunk])
                deletes.append(_statement(sa.delete(table).where(where), self.dialect, self._deleted_why(chunk)))
        return updates, deletes

    def _levels(self) -> dict[_RowId, int]:
        """0 for a row no other deleted row references, else one more than the deepest row referencing it."""
        referencing: dict[_RowId, list[_RowId]] = defaultdict(list)
        for edge in self.edges:
            if self.rows[edge.child].delete and edge.child != edge.parent:
                referencing[edge.parent].append(edge.child)
        level: dict[_RowId, int] = {}
        visiting: set[_RowId] = set()

        def depth(rid: _RowId) -> int:
            if rid in level:
                return level[rid]
            if rid in visiting:  # a cycle of references: any order, the database will say
                return 0
            visiting.add(rid)
            value = max((depth(c) + 1 for c in referencing.get(rid, [])), default=0)
            visiting.discard(rid)
            level[rid] = value
            return value

        for rid in self.rows:
            depth(rid)
        # Whole tables at once where the tables' references allow it (the usual case: no cycle among them).
        by_table: dict[_TableKey, int] = defaultdict(int)
        for rid, value in level.items():
            if self.rows[rid].delete:
                by_table[rid[0]] = max(by_table[rid[0]], value)
        consistent = all(
            by_table[e.child[0]] < by_table[e.parent[0]]
            for e in self.edges
            if self.rows[e.child].delete and self.rows[e.parent].delete
        )
        return {rid: by_table[rid[0]] for rid in level} if consistent else level

    def _kept_why(self, row: _Row) -> str:
        parts = []
        if row.kept == "shared":
            parts.append("shared with another person: kept")
        elif row.kept == "mention":
            parts.append("mentions the person")
        elif row.kept:
            parts.append(f"kept ({row.kept})")
        if row.detach:
            parts.append(f"reference to the person set to NULL: {', '.join(sorted(row.detach))}")
        if row.anonymise - row.detach:
            parts.append(f"anonymised: {', '.join(sorted(row.anonymise - row.detach))}")
        return "; ".join(parts)

    def _deleted_why(self, rows: list[_Row]) -> str:
        row = rows[0]
        if row.role == "person":
            kinds = row.match.match.kinds if row.match and row.match.match else []
            return f"the person's row{'s' * (len(rows) > 1)}: {', '.join(kinds)}"
        fks = sorted(
            {fk.label for r in rows for fk in r.via}
            | {r.related if "foreign key" in r.related else f"{r.related} (no foreign key)" for r in rows if r.related}
        )
        return f"exist{'s' * (len(rows) == 1)} only for the person: {'; '.join(fks)}"

    def _name_only(self, m: Match) -> str:
        if not m.primary_key or any(v is None for v in m.key.values()):
            return f"{_dotted((m.location.schema, m.location.table or ''))}: a row without a usable key (name only)"
        table = sa.table(m.location.table or "", *[sa.column(c) for c in m.key], schema=m.location.schema)
        statement = sa.delete(table).where(sa.and_(*[table.c[k] == v for k, v in m.key.items()]))
        return _statement(statement, self.dialect, "name only")

    # The summary per table ---------------------------------------------------------------------------------------

    def _summary(self) -> list[str]:
        lines = ["-- Per table:"]
        by_table: dict[_TableKey, list[_Row]] = defaultdict(list)
        for row in self.rows.values():
            by_table[row.table].append(row)
        for key in sorted(by_table, key=_dotted):
            rows = by_table[key]
            table = self.tables[key]
            name = _dotted(key)
            deleted = [r for r in rows if r.delete and not r.cascaded]
            cascaded = [r for r in rows if r.cascaded]
            if deleted:
                persons = sum(r.role == "person" for r in deleted)
                others = len(deleted) - persons
                what = []
                if persons:
                    what.append(f"{persons} row{'s' * (persons > 1)} of the person")
                if others:
                    what.append(f"{others} row{'s' * (others > 1)} that exist{'s' * (others == 1)} only for them")
                lines.append(f"--   {name}: DELETE {' and '.join(what)}: {_keys(table, deleted)}")
            if cascaded:
                rules = sorted({fk.label for r in cascaded for fk in r.via if fk.ondelete == "CASCADE"})
                lines.append(
                    f"--   {name}: deleted by the database ({'; '.join(rules)}), no statement: {_keys(table, cascaded)}"
                )
            by_reason: dict[str, list[_Row]] = defaultdict(list)
            for r in rows:
                if not r.delete:
                    by_reason[r.kept].append(r)
            for reason, kept in by_reason.items():
                sentence = _kept_sentence(reason, kept)
                if kept[0].duty is not None:
                    sentence += f" ({kept[0].duty.describe()})"
                lines.append(f"--   {name}: {sentence}: {_keys(table, kept)}")
        if len(lines) == 1:
            lines.append("--   no row of the person in this database")
        lines += self.notes
        return lines


def _match_rid(m: Match) -> _RowId:
    return ((m.location.schema, m.location.table or ""), tuple(m.key.values()))


def _kept_sentence(reason: str, rows: list[_Row]) -> str:
    n = len(rows)
    rows_text = f"{n} row{'s' * (n > 1)}"
    if reason == "shared":
        return f"{rows_text} shared with another person, not deleted: the person's columns anonymised (UPDATE)"
    if reason == "mention":
        return f"{rows_text} mentioning the person, not deleted: the columns that mention them anonymised (UPDATE)"
    if reason == "nulled":
        return (
            f"{rows_text} referencing the person, kept: the reference set to NULL by the database (ON DELETE SET NULL)"
        )
    if reason == "another person's row":
        return f"{rows_text} of other people referencing the person: the reference set to NULL (UPDATE)"
    if reason.startswith("retention"):
        return f"{rows_text} kept for a legal {reason} duty, not deleted: the person's data anonymised (UPDATE)"
    return f"{rows_text} kept as an anonymised {reason}"


def _keys(table: sa.Table, rows: list[_Row], limit: int = 20) -> str:
    pk = [c.name for c in table.primary_key.columns]
    if not pk:
        return f"{len(rows)} row{'s' * (len(rows) > 1)} without a primary key"
    shown = [
        ",".join(f"{c}={_short(v)}" for c, v in zip(pk, r.ident, strict=True))
        for r in sorted(rows, key=lambda r: repr(r.ident))
    ]
    more = f" and {len(shown) - limit} more" if len(shown) > limit else ""
    return ", ".join(shown[:limit]) + more


def _short(value: Any) -> str:
    text = str(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _dotted(key: _TableKey) -> str:
    return f"{key[0]}.{key[1]}" if key[0] else key[1]


def _is_text(column: sa.Column[Any]) -> bool:
    return isinstance(column.type, sa.String | sa.Text | sa.Enum)


def _neutral(column: sa.Column[Any], row: _Row, table: sa.Table) -> Any:
    """NULL, or what a NOT NULL column accepts: '' (``erased-<key>`` where the column is unique), 0 for numbers."""
    if column.nullable:
        return None
    if _is_text(column):
        if not _unique(table, column.name):
            return ""
        text = "erased-" + "-".join(str(v) for v in row.ident)
        length = getattr(column.type, "length", None)
        return text[:length] if length else text
    if isinstance(column.type, sa.Integer | sa.Numeric):
        return 0
    return None  # the database will refuse it: the statement fails, nothing is changed


def _unique(table: sa.Table, column: str) -> bool:
    for constraint in table.constraints:
        if isinstance(constraint, sa.UniqueConstraint | sa.PrimaryKeyConstraint) and column in constraint.columns:
            return True
    return any(index.unique and column in index.columns for index in table.indexes)


def _in(columns: list[sa.Column[Any]], keys: list[tuple[Any, ...]]) -> Any:
    if len(columns) == 1:
        return columns[0].in_([k[0] for k in keys])
    return sa.or_(*[sa.and_(*[c == v for c, v in zip(columns, k, strict=True)]) for k in keys])


def _row_where(table: sa.Table, row: _Row) -> Any:
    pk = [c.name for c in table.primary_key.columns]
    if pk:
        return sa.and_(*[table.c[c] == v for c, v in zip(pk, row.ident, strict=True)])
    # No primary key: every scalar column as it is (identical rows go together; they are the same data).
    clauses: list[Any] = []
    for name, value in row.values.items():
        if value is None:
            clauses.append(table.c[name].is_(None))
        elif isinstance(value, _SCALAR):
            clauses.append(table.c[name] == value)
    return sa.and_(*clauses)


def _statement(statement: Any, dialect: Any, why: str) -> str:
    sql = str(statement.compile(dialect=dialect, compile_kwargs={"literal_binds": True}))
    # SQLAlchemy breaks lines between clauses; a literal keeps its own spaces.
    return f"{sql.replace(chr(10), ' ')};  -- {why}"
