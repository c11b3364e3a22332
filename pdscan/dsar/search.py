"""Exhaustive search for one person over files and databases: every row of every text column is checked.

Files are streamed batch by batch (the scan's readers with no row limit); Arrow substring kernels keep the rows
that could hold an identifier and :meth:`Person.match_row` decides on those. Databases are searched where the data
is: one streamed ``SELECT`` per table whose ``WHERE`` is the prefilter (``lower(col) LIKE``, phone digits with
separators removed, equality on identifier columns the inventory knows), so the database does the scanning and
only candidate rows travel. Rows are identified by primary key (tables) or data row number (files). Rows that
reference a matched row through a declared foreign key (a customer's orders, an order's lines) are followed one
or two hops and reported as related.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import decimal
import functools
import re
import uuid
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import sqlalchemy as sa
from sqlalchemy.exc import DBAPIError, SQLAlchemyError

from pdscan import options as defaults
from pdscan.detect.rules import load_rules
from pdscan.dsar.identity import PHONE_SEPARATORS, Hit, Person, RowMatch
from pdscan.errors import SourceError
from pdscan.model import Location, ScanErrorEntry, ScanResult, utc_now
from pdscan.sources import mask_source, open_source
from pdscan.sources.base import ReadOptions, Source, SourceOptions, Table
from pdscan.sources.sql import DatabaseSource, DatabaseTable, column_kind, db_error
from pdscan.sources.sql.dialects import Dialect

_TEXT_KINDS = ("string", "json", "other", "array")
CANDIDATE_LIMIT = 20_000  # candidate rows of one table fetched at once; more are streamed
_PHONE_SEPARATOR_RE = "[" + "".join("\\" + c if c in "-()./+" else c for c in PHONE_SEPARATORS if c != " ") + "\\s]"


# Identifier columns the inventory knows, by entity: compared as whole normalised values (an index can help).
@functools.lru_cache(maxsize=1)
def _identifiers() -> dict[str, str]:
    """Entity -> the `find` identifier its values are compared with by equality (rules' ``dsar_identifier``)."""
    return {rule.entity: rule.dsar_identifier for rule in load_rules() if rule.dsar_identifier is not None}


@dataclass
class Match:
    """A row about the person (``match`` says why), or a row related to one through a foreign key (``via``)."""

    source: str
    location: Location  # the table, sheet or file (no column)
    key: dict[str, Any]  # {"row": 12} in files, the primary key's columns in tables
    row: dict[str, Any]  # every column of the row as JSON-ready values: only for the export, never printed
    match: RowMatch | None = None
    via: str | None = None  # related rows: "orders.customer_id -> asiakkaat.id"
    hop: int = 0
    primary_key: list[str] = field(default_factory=list)
    # A document about the person: every passage of each part (page, header, body), for the export. The person is
    # owed the whole document, not only the lines that name them.
    document_text: dict[str, list[str]] | None = None

    @property
    def kind(self) -> str:
        if self.match is None:
            return "related"
        return "direct" if self.match.direct else "name"

    @property
    def strength(self) -> str:
        return self.match.strength if self.match is not None else f"related ({self.hop} hop{'s' * (self.hop > 1)})"


@dataclass
class Searched:
    source: str
    location: Location
    rows: int | None  # rows the search looked at (files); None where the database did the looking
    method: str


@dataclass
class FindResult:
    person: Person
    sources: list[str]
    started_at: str
    finished_at: str = ""
    matches: list[Match] = field(default_factory=list)
    searched: list[Searched] = field(default_factory=list)
    errors: list[ScanErrorEntry] = field(default_factory=list)
    # Per database source: which tables reference which ((schema, table) -> referring (schema, table)s), so an
    # erasure plan deletes referring rows first.
    references: dict[str, dict[tuple[str | None, str], set[tuple[str | None, str]]]] = field(default_factory=dict)
    # Joins followed without a declared foreign key ("order_lines.order_id -> orders.id"), said in the output.
    inferred_joins: list[str] = field(default_factory=list)


# A search reads whole tables, not samples: statements may run much longer than a scan's.
FIND_TABLE_TIMEOUT = 600.0


@dataclass(frozen=True)
class FindOptions:
    # Which files and tables to open: the same filters as a scan (globs, schemas, timeouts).
    source: SourceOptions = field(default_factory=lambda: SourceOptions(table_timeout=FIND_TABLE_TIMEOUT))
    chunk_rows: int = defaults.CHUNK_ROWS
    hops: int = 2  # foreign-key hops followed from each direct match
    # (source, table/sheet/file as displayed, column) -> entity, from the inventory: identifier columns
    known_columns: Mapping[tuple[str, str, str], str] = field(default_factory=dict)
    # (source, table as displayed) -> {column: entities found there at any share}: every database table the
    # inventory's latest runs read rows of (table_knowledge). Such a table is searched for each identifier only in
    # the columns where its entity was found or whose name and type could hold it, and in columns the inventory
    # did not read; a table not here is searched in every text column.
    inventoried: Mapping[tuple[str, str], Mapping[str, frozenset[str]]] = field(default_factory=dict)


def find(person: Person, sources: Sequence[str], options: FindOptions | None = None) -> FindResult:
    """Every row and document about one person in these sources (one search: see :class:`Finder` for several)."""
    with Finder(sources, options) as finder:
        return finder.find(person)


class Finder:
    """Searches the same sources for one person after another (a DPO's queue of requests, a service).

    A database is connected once, and what a search needs of its catalog (the tables, each table's columns and
    primary key, the indexes and collations an equality lookup can use, the foreign keys) is read the first time a
    search needs it and kept for the Finder's life, the way a prepared statement keeps its plan: a later search runs
    only its own statements. Create a new Finder after a schema change. Files are opened by every search (they are
    read whole anyway). ``pdscan find`` makes one Finder per run.
    """

    def __init__(self, sources: Sequence[str], options: FindOptions | None = None) -> None:
        self.sources = list(sources)
        self.options = options or FindOptions()
        self._masked = [mask_source(s) for s in self.sources]
        self._catalogs: dict[str, _Catalog] = {}

    def __enter__(self) -> Finder:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def close(self) -> None:
        for catalog in self._catalogs.values():
            catalog.source.close()
        self._catalogs.clear()

    def find(self, person: Person) -> FindResult:
        options = self.options
        result = FindResult(person, list(self._masked), utc_now())
        for spec in self.sources:
            catalog = self._catalogs.get(spec)
            if catalog is not None:
                _search_database(person, catalog, options, result)
                continue
            try:
                # No round trip to test each connection before each statement: a statement that finds its
                # connection gone is run once more on a new one (_search_table).
                source = open_source(spec, dataclasses.replace(options.source, ping_connections=False))
            except SourceError as exc:
                result.errors.append(ScanErrorEntry(exc.source, exc.reason))
                continue
            if isinstance(source, DatabaseSource):
                catalog = self._catalogs[spec] = _Catalog(source)  # kept open for the next search
                _search_database(person, catalog, options, result)
                continue
            try:
                _search_files(person, source, options, result)
            finally:
                source.close()
        result.finished_at = utc_now()
        return result


def _search_files(person: Person, source: Source, options: FindOptions, result: FindResult) -> None:
    try:
        for item in source.tables():
            if isinstance(item, ScanErrorEntry):
                result.errors.append(item)
                continue
            try:
                result.matches.extend(_search_file(person, item, options, result))
            except SourceError as exc:
                result.errors.append(ScanErrorEntry(item.source, exc.reason, item.location))
    except SourceError as exc:
        result.errors.append(ScanErrorEntry(source.name, exc.reason))


def _search_database(person: Person, catalog: _Catalog, options: FindOptions, result: FindResult) -> None:
    source = catalog.source
    direct: list[Match] = []
    try:
        for item in catalog.tables():
            try:
                found = _search_table(person, item, catalog, options, result)
            except SourceError as exc:
                result.errors.append(ScanErrorEntry(item.source, exc.reason, item.location))
                continue
            direct.extend(found)
            result.matches.extend(found)
    except SourceError as exc:
        result.errors.append(ScanErrorEntry(source.name, exc.reason))
        return
    if not any(m.kind != "name" for m in direct):
        return
    children = catalog.foreign_keys(result)
    result.references[source.name] = {parent: {(c[0], c[1]) for c in links} for parent, links in children.items()}
    if options.hops > 0:
        persons = [m for m in direct if m.kind == "direct"]
        inferred = catalog.likely_joins(children, result)
        result.matches.extend(_related(catalog, children, persons, options, result, inferred))


# -- files ---------------------------------------------------------------------------------------------------


def _search_document(person: Person, table: Table, options: FindOptions, result: FindResult) -> list[Match]:
    """A document (PDF, Word, mail...) is one record: it is about the person when a passage of any part holds
    their identifiers; the match names the parts (pages, headers) where, and keeps those passages for the export."""
    matched: dict[str, list[str]] = {}  # part -> passages about the person
    hits: dict[str, tuple[Hit, ...]] = {}
    everything: dict[str, list[str]] = {}  # part -> every passage, in order (documents are bounded by the limits)
    passages = 0
    for batch in table.batches(ReadOptions(limit=None, chunk_rows=options.chunk_rows)):
        passages += table.info.rows_scanned - passages
        for column in batch.columns:
            everything.setdefault(column.name, []).extend(v for v in column.values.to_pylist() if v)
            for value in _candidate_values(person, column.values):
                match = person.match_row({column.name: value})
                if match is not None:
                    matched.setdefault(column.name, []).append(value)
                    hits[column.name] = (*hits.get(column.name, ()), *match.columns[column.name])
    result.searched.append(Searched(table.source, table.location, passages, "every passage of the document"))
    if not matched:
        return []
    key = {"document": table.info.document, "parts": ", ".join(matched)}
    row = {part: "\n\n".join(v) for part, v in matched.items()}
    return [Match(table.source, table.location, key, row, RowMatch(hits), document_text=everything)]


def _search_file(person: Person, table: Table, options: FindOptions, result: FindResult) -> list[Match]:
    if table.info.document is not None:
        return _search_document(person, table, options, result)
    found: list[Match] = []
    offset = 0
    for batch in table.batches(ReadOptions(limit=None, chunk_rows=options.chunk_rows)):
        # A JSON array field (``contacts[].email``) holds any number of values per row, even when the count happens
        # to equal the rows of the batch: only the reader's per-row columns are aligned with rows.
        aligned = [c for c in batch.columns if len(c.values) == batch.num_rows and "[]" not in c.name]
        candidates = _candidates(person, [c.values for c in aligned], batch.num_rows)
        if candidates.size:
            index = pa.array(candidates)
            columns = {c.name: pc.take(c.values, index).to_pylist() for c in aligned}
            for i, row_index in enumerate(candidates.tolist()):
                row = {name: values[i] for name, values in columns.items()}
                match = person.match_row(row)
                if match is not None:
                    found.append(Match(table.source, table.location, {"row": offset + row_index + 1}, row, match))
        # A JSON array field holds several values per row: searched value by value, each hit added to its record's
        # match (one record is listed once, whatever number of its values hit), or to a match of its own.
        by_row = {m.key["row"]: m for m in found if m.key.get("row") is not None}
        for column in batch.columns:
            if len(column.values) != batch.num_rows or "[]" in column.name:
                for i in np.flatnonzero(_column_mask(person, column.values)).tolist():
                    value = column.values[i].as_py()
                    match = person.match_row({column.name: str(value)}) if value is not None else None
                    if match is None:
                        continue
                    if column.rows is None:
                        key = {"row": None, "note": "inside a nested array: the row is not known"}
                        found.append(Match(table.source, table.location, key, {column.name: value}, match))
                        continue
                    number = offset + column.rows[i] + 1
                    known = by_row.get(number)
                    if known is None:
                        row = {c.name: c.values[column.rows[i]].as_py() for c in aligned}
                        known = by_row[number] = Match(table.source, table.location, {"row": number}, row, None)
                        found.append(known)
                    hits = dict(known.match.columns) if known.match else {}
                    hits[column.name] = (*hits.get(column.name, ()), *match.columns[column.name])
                    known.match = RowMatch(hits)
                    values = known.row.setdefault(column.name, [])
                    if isinstance(values, list) and value not in values:
                        values.append(value)
        offset += batch.num_rows
    if found and table.info.document is not None:
        # A text file is known to be a document only once read (no delimiter: lines of text): the person is owed all
        # of it, so it is read again whole for the export (documents are bounded by the limits).
        lines = [
            str(v)
            for batch in table.batches(ReadOptions(limit=None, chunk_rows=options.chunk_rows))
            for column in batch.columns
            for v in column.values.to_pylist()
            if v
        ]
        found[0].document_text = {"text": lines}
    method = "every row, streamed"
    if table.info.notes:  # rows a reader could not parse (a ragged CSV line, a broken JSON line) were not searched
        method += "; " + "; ".join(table.info.notes)
        result.errors.extend(
            ScanErrorEntry(table.source, f"not every row searched: {note}", table.location)
            for note in table.info.notes
            if "skipp" in note or "invalid" in note or "could not" in note
        )
    result.searched.append(Searched(table.source, table.location, offset, method))
    return found


def _candidates(person: Person, columns: list[pa.Array], num_rows: int) -> Any:
    mask = np.zeros(num_rows, dtype=bool)
    for values in columns:
        mask |= _column_mask(person, values)
    return np.flatnonzero(mask)


def _column_mask(person: Person, values: pa.Array) -> Any:
    if not pa.types.is_string(values.type) and not pa.types.is_large_string(values.type):
        values = pc.cast(values, pa.string())
    hit = pa.array(np.zeros(len(values), dtype=bool))
    lowered = pc.utf8_lower(values)
    for term in person.lower_terms():
        hit = pc.or_(hit, pc.match_substring(lowered, term))
    digits = person.digit_terms()
    if digits:
        stripped = pc.replace_substring_regex(values, _PHONE_SEPARATOR_RE, "")
        for term in digits:
            hit = pc.or_(hit, pc.match_substring(stripped, term))
    return pc.fill_null(hit, False).to_numpy(zero_copy_only=False)


def _candidate_values(person: Person, values: pa.Array) -> Iterator[str]:
    mask = _column_mask(person, values)
    for i in np.flatnonzero(mask).tolist():
        value = values[i].as_py()
        if value is not None:
            yield str(value)


# -- databases -----------------------------------------------------------------------------------------------


class _Catalog:
    """What a database's catalog says, read once per :class:`Finder` the first time a search needs each part."""

    def __init__(self, source: DatabaseSource) -> None:
        self.source = source
        self._tables: list[DatabaseTable] | None = None
        self._reflected: dict[tuple[str | None, str], sa.Table] = {}
        self._indexes: dict[tuple[str | None, str], dict[str, dict[str, str]]] = {}
        self._folds: dict[tuple[str | None, str], set[str]] = {}
        self._children: _Children | None = None
        self._likely: _Children | None = None

    def tables(self) -> list[DatabaseTable]:
        """The tables and views to search (the scan's listing and filters). Raises SourceError; not kept then."""
        if self._tables is None:
            self._tables = [t for t in self.source.tables() if isinstance(t, DatabaseTable)]
        return self._tables

    def table(self, conn: sa.Connection, schema: str | None, name: str) -> sa.Table:
        key = (schema, name)
        if key not in self._reflected:
            table = self._reflected[key] = self.source.dialect.reflect(conn, schema, name)
            for column in table.columns:
                column.info["kind"] = column_kind(column.type)  # asked by every search: told once
        return self._reflected[key]

    def indexes(self, conn: sa.Connection, table: sa.Table, is_view: bool) -> dict[str, dict[str, str]]:
        key = (table.schema, table.name)
        if key not in self._indexes:
            self._indexes[key] = {} if is_view else self.source.dialect.lookup_indexes(conn, table)
        return self._indexes[key]

    def folds_case(self, conn: sa.Connection, table: sa.Table) -> set[str]:
        key = (table.schema, table.name)
        if key not in self._folds:
            self._folds[key] = self.source.dialect.folds_case(conn, table)
        return self._folds[key]

    def foreign_keys(self, result: FindResult) -> _Children:
        """Declared foreign keys by the table they point at (:func:`_children`); a failure is reported, not kept."""
        if self._children is None:
            try:
                with self.source.engine.connect() as conn:
                    self._children = _children(conn, self.source.dialect)
            except SQLAlchemyError as exc:
                result.errors.append(ScanErrorEntry(self.source.name, f"reading foreign keys: {db_error(exc)}"))
                return {}
        return self._children

    def likely_joins(self, declared: _Children, result: FindResult) -> _Children:
        if self._likely is None:
            try:
                self._likely = _likely_joins(self, declared)
            except SQLAlchemyError as exc:
                reason = f"reading the schema for joins: {db_error(exc)}"
                result.errors.append(ScanErrorEntry(self.source.name, reason))
                return {}
        return self._likely


def _search_table(
    person: Person, table: DatabaseTable, catalog: _Catalog, options: FindOptions, result: FindResult
) -> list[Match]:
    """One table's statement. A connection the server dropped since the last search (a restart, an idle timeout)
    is noticed by the statement itself: SQLAlchemy invalidates the pool and the statement runs once more."""
    try:
        return _search_table_once(person, table, catalog, options, result)
    except _Reconnect:
        return _search_table_once(person, table, catalog, options, result)


class _Reconnect(Exception):
    """The connection was gone (``DBAPIError.connection_invalidated``): run the table's statement again."""


def _search_table_once(
    person: Person, table: DatabaseTable, catalog: _Catalog, options: FindOptions, result: FindResult
) -> list[Match]:
    where = table.location.display(with_column=False)
    found: list[Match] = []
    try:
        with catalog.source.engine.connect() as conn:
            reflected = catalog.table(conn, table.location.schema, table.location.table or "")
            text_columns = [c for c in reflected.columns if _kind(c) in _TEXT_KINDS]
            number_columns = _phone_number_columns(person, reflected, table.source, where, options)
            primary_key = [c.name for c in reflected.primary_key.columns]
            if not text_columns and not number_columns:
                result.searched.append(Searched(table.source, table.location, 0, "no text column"))
                return found
            lookups = _Lookups(catalog, conn, reflected, table.is_view)
            predicate, method = _predicate(person, reflected, table.source, where, options, lookups)
            if number_columns:
                # Phones kept as numbers (358401234567): equality in SQL, an index can serve it.
                numbers = person.phone_numbers()
                clauses = [] if predicate is None else [predicate]
                predicate = sa.or_(*clauses, *(_one_of(c, numbers) for c in number_columns))
                method += "; phone numbers as integers in " + ", ".join(
                    f"{c.name} ({_index_note(lookups.indexes.get(c.name, {}).get('plain'))})" for c in number_columns
                )
            if predicate is None:
                result.searched.append(Searched(table.source, table.location, None, method))
                return found
            text_columns = [*text_columns, *number_columns]
            query = sa.select(reflected).where(predicate)
            # A plain query lets PostgreSQL scan in parallel (a server-side cursor would not); the prefilter
            # usually leaves a handful of rows. When it leaves more than CANDIDATE_LIMIT, the table is read again
            # through a streaming cursor, so memory stays bounded either way.
            records: Any = conn.execute(query.limit(CANDIDATE_LIMIT + 1)).all()
            if len(records) > CANDIDATE_LIMIT:
                method += ", streamed (many candidates)"
                records = conn.execution_options(stream_results=True, yield_per=1000).execute(query)
            for record in records:
                row = {k: _json_ready(v) for k, v in record._mapping.items()}
                text = {c.name: _as_text(row[c.name]) for c in text_columns}
                match = person.match_row(text)
                if match is None:
                    continue
                key = {k: row[k] for k in primary_key} if primary_key else {"row": None, "note": "no primary key"}
                found.append(Match(table.source, table.location, key, row, match, primary_key=primary_key))
    except SQLAlchemyError as exc:
        if isinstance(exc, DBAPIError) and exc.connection_invalidated and not found:
            raise _Reconnect from exc
        raise SourceError(table.source, db_error(exc, options.source.table_timeout), where) from exc
    result.searched.append(Searched(table.source, table.location, None, method))
    return found


def _kind(column: sa.Column[Any]) -> str:
    """The pdscan kind of a column, as the catalog noted it when the table was reflected."""
    kind = column.info.get("kind")
    return kind if isinstance(kind, str) else column_kind(column.type)


def _phone_number_columns(
    person: Person, table: sa.Table, source: str, where: str, options: FindOptions
) -> list[sa.Column[Any]]:
    """Integer columns that may hold the person's phone number: named for one (the rules' column names of the
    identifier ``phone``) or known as one from the inventory. An integer column with four rows may have no finding."""
    if not person.phones:
        return []
    found = options.inventoried.get((source, where), {})
    out = []
    for column in table.columns:
        if _kind(column) != "integer":
            continue
        known = _identifiers().get(options.known_columns.get((source, where, column.name), ""))
        entities = found.get(column.name, frozenset())
        if known == "phone" or _holds("phone", column.name, entities):
            out.append(column)
    return out


class _Lookups:
    """A table's indexes and case-insensitive collations, read from the catalog the first time a lookup asks."""

    def __init__(self, catalog: _Catalog, conn: sa.Connection, table: sa.Table, is_view: bool) -> None:
        self._catalog, self._conn, self._table, self._is_view = catalog, conn, table, is_view

    @property
    def indexes(self) -> dict[str, dict[str, str]]:
        return self._catalog.indexes(self._conn, self._table, self._is_view)

    @property
    def folds_case(self) -> set[str]:
        return self._catalog.folds_case(self._conn, self._table)


@functools.lru_cache(maxsize=4096)
def _named_for(identifier: str, column: str) -> bool:
    """Whether a column's name says it holds this identifier (the rules' column names: sahkoposti, puhelin...)."""
    return any(r.name_evidence(column).supports for r in load_rules() if r.dsar_identifier == identifier)


def _holds(identifier: str, column: str, entities: frozenset[str]) -> bool:
    """Whether a column may hold an identifier: the inventory found its entity there, or the name says so."""
    identifiers = _identifiers()
    return any(identifiers.get(e) == identifier for e in entities) or _named_for(identifier, column)


def _index_note(index: str | None) -> str:
    return f"index {index}" if index else "no index: a full scan"


def _case_variants(value: str, limit: int = 16) -> list[str] | None:
    """Every upper/lower-case spelling of a value with few letters (a HETU has one or two), else None."""
    variants = [""]
    for ch in value:
        forms = {ch.lower(), ch.upper()}
        variants = [v + f for v in variants for f in sorted(forms)]
        if len(variants) > limit:
            return None
    return variants


def _equality(person: Person, column: sa.Column[Any], identifier: str, lookups: _Lookups) -> tuple[Any, str]:
    """A known identifier column compared with the person's normalised identifiers, the way an index can serve:
    the column's own ``=`` where its collation ignores case (MySQL/MariaDB ``_ci``), lower()/upper() where an
    expression index has them, every case spelling of a short value (a HETU) where a plain index exists."""
    text: Any = column if _kind(column) == "string" else sa.cast(column, sa.String)
    indexes = lookups.indexes.get(column.name, {})
    plain = indexes.get("plain")
    name = column.name
    if identifier == "business_id":  # digits and a dash: no case to fold
        return _one_of(text, person.business_ids), f"{name} = … ({_index_note(plain)})"
    values, fold = (person.emails, "lower") if identifier == "email" else (person.hetus, "upper")
    if name in lookups.folds_case:
        return _one_of(text, values), f"{name} = … (case-insensitive collation, {_index_note(plain)})"
    if fold in indexes:
        return _one_of(getattr(sa.func, fold)(text), values), f"{fold}({name}) = … (index {indexes[fold]})"
    spellings = [v for value in values for v in (_case_variants(value) or [])]
    if plain and identifier == "hetu" and len(spellings) >= len(values):
        return _one_of(text, spellings), f"{name} in every case spelling (index {plain})"
    note = f"no index on {fold}({name}): a full scan" if plain is None else f"index {plain} compares case: a full scan"
    return _one_of(getattr(sa.func, fold)(text), values), f"{fold}({name}) = … ({note})"


def _one_of(expression: Any, values: Sequence[Any]) -> Any:
    """``expression = value`` for one value (cheaper to build and to run than ``IN`` with one item), else ``IN``."""
    return expression == values[0] if len(values) == 1 else expression.in_(values)


def _substrings(person: Person, column: sa.Column[Any], kinds: Sequence[str]) -> list[Any]:
    """The prefilter of one column for some kinds of identifier: lower-case substrings, phone digits."""
    text: Any = column if _kind(column) == "string" else sa.cast(column, sa.String)
    terms = [
        *(person.emails if "email" in kinds else ()),
        *((h.lower() for h in person.hetus) if "hetu" in kinds else ()),
        *(person.business_ids if "business_id" in kinds else ()),
        *((p for n in person.names for p in n.prefixes) if "name" in kinds else ()),
    ]
    # lower(col) LIKE: measured twice as fast as ILIKE in PostgreSQL, and the same in every database.
    lowered = sa.func.lower(text)
    clauses = [lowered.contains(term, autoescape=True) for term in dict.fromkeys(terms)]
    if "name" in kinds:
        # SQLite's lower() folds ASCII only: MÄKINEN stays MÄKINEN, so upper-case forms are looked for too.
        clauses.extend(text.contains(term, autoescape=True) for term in person.upper_terms())
    if "phone" in kinds and person.digit_terms():
        stripped: Any = text
        for separator in PHONE_SEPARATORS:
            stripped = sa.func.replace(stripped, separator, "")
        # Digits compared with separators removed. Stripping costs; the number's last two digits, written together
        # in every grouping (040 123 45 67, 040-1234567), gate it cheaply first.
        clauses.extend(sa.and_(text.contains(term[-2:]), stripped.contains(term)) for term in person.digit_terms())
    return clauses


def _predicate(
    person: Person, table: sa.Table, source: str, where: str, options: FindOptions, lookups: _Lookups
) -> tuple[Any, str]:
    """The ``WHERE`` of a table's one statement and how the output describes it (``searched``).

    A column the inventory knows as an identifier column (every value it read held one) is compared by equality
    on normalised values, through an index where one serves (the method says where none does). In a table the
    inventory read (``options.inventoried``), each identifier is looked for only in the columns where its entity
    was found or whose name and type could hold it, names in every text column, and everything in columns the
    inventory did not read; elsewhere every text column gets the whole substring prefilter.
    """
    known = options.inventoried.get((source, where))
    kinds = person.kinds
    identifiers = [k for k in kinds if k != "name"]
    clauses: list[Any] = []
    equality: list[str] = []
    substring: list[str] = []
    skipped: list[str] = []
    for column in table.columns:
        if _kind(column) not in _TEXT_KINDS:
            continue
        pure = _identifiers().get(options.known_columns.get((source, where, column.name), ""))
        if pure in identifiers and pure != "phone":
            clause, note = _equality(person, column, pure, lookups)
            clauses.append(clause)
            equality.append(note)
            continue
        if known is None or column.name not in known:
            chosen = kinds  # nothing known of it: every identifier and name
        elif pure is not None:
            # Every value the inventory read here was this identifier: the other kinds are not in it.
            chosen = [pure] if pure in kinds else []
        else:
            chosen = [k for k in kinds if k == "name" or _holds(k, column.name, known[column.name])]
        if not chosen:
            skipped.append(column.name)
            continue
        clauses.extend(_substrings(person, column, chosen))
        substring.append(column.name if chosen == kinds else f"{column.name} ({', '.join(chosen)})")
    parts: list[str] = []
    if equality:
        n = len(equality)
        parts.append(f"equality on {n} identifier column{'s' * (n > 1)} from the inventory ({'; '.join(equality)})")
    if substring:
        every = not skipped and known is None
        parts.append("substring prefilter in SQL" + ("" if every else f" on {', '.join(substring)}"))
    if skipped and known is not None:
        parts.append(
            f"not searched in {', '.join(skipped)}: the inventory found none of the kinds of identifier asked for "
            "there, nor do the names say they hold one"
        )
    method = "database search: " + "; ".join(parts) if parts else "database search"
    return (sa.or_(*clauses) if clauses else None), method


def table_knowledge(results: Iterable[ScanResult]) -> dict[tuple[str, str], dict[str, frozenset[str]]]:
    """What scans know of each database table, for :attr:`FindOptions.inventoried`: the columns they read and
    the entities found in each at any share. ``results``: the inventory's latest complete runs, oldest first (a
    later run of a table replaces an earlier one). A table whose scan read no row is left out: nothing is known."""
    out: dict[tuple[str, str], dict[str, frozenset[str]]] = {}
    for scan in results:
        read: dict[tuple[str, str], dict[str, set[str]]] = {}
        for info in scan.tables:
            if info.document is not None or not info.schema or info.rows_scanned == 0:
                continue
            columns = {str(c["name"]): set[str]() for c in info.schema if c.get("scanned", True)}
            read[(info.source, info.location.display(with_column=False))] = columns
        for finding in scan.findings:
            found = read.get((finding.source, finding.location.display(with_column=False)))
            column = finding.location.column
            if found is None or column is None:
                continue
            if column not in found:  # a JSON path (profile.email, tags[]) is found in its column
                column = re.split(r"[.\[]", column, maxsplit=1)[0]
            if column in found:
                found[column].add(finding.entity)
        out.update({key: {c: frozenset(e) for c, e in cols.items()} for key, cols in read.items()})
    return out


_Children = dict[tuple[str | None, str], list[tuple[str | None, str, list[str], list[str]]]]


def _related(
    catalog: _Catalog,
    children: _Children,
    direct: list[Match],
    options: FindOptions,
    result: FindResult,
    inferred: _Children | None = None,
) -> list[Match]:
    """Rows whose foreign keys point at a matched row, one or two hops away, each reported once. ``inferred``: joins
    without a declared foreign key (:func:`_likely_joins`), followed the same way and named as inferred."""
    if not direct:
        return []
    guessed = {
        (parent, link[0], link[1], tuple(link[2])) for parent, links in (inferred or {}).items() for link in links
    }
    merged: _Children = defaultdict(list)
    for parent, links in [*children.items(), *(inferred or {}).items()]:
        merged[parent].extend(links)
    children = merged
    related: list[Match] = []
    seen = {(m.location, tuple(sorted(m.key.items()))) for m in direct}
    if not any((m.location.schema, m.location.table) in children for m in direct):
        return []  # no table of a matched row is referenced: nothing to follow, no connection needed
    source = catalog.source
    try:
        with source.engine.connect() as conn:
            frontier = direct
            for hop in range(1, options.hops + 1):
                next_frontier: list[Match] = []
                for (schema, table), links in children.items():
                    parents = [m for m in frontier if (m.location.schema, m.location.table) == (schema, table)]
                    if not parents:
                        continue
                    for child_schema, child_table, child_cols, parent_cols in links:
                        keys = {tuple(p.row.get(c) for c in parent_cols) for p in parents}
                        keys.discard(tuple(None for _ in parent_cols))
                        if not keys:
                            continue
                        child = catalog.table(conn, child_schema, child_table)
                        cols = [child.c[c] for c in child_cols]
                        condition = (
                            cols[0].in_([k[0] for k in keys]) if len(cols) == 1 else sa.tuple_(*cols).in_(list(keys))
                        )
                        primary_key = [c.name for c in child.primary_key.columns]
                        via = f"{_dotted(child_schema, child_table)}.{','.join(child_cols)} -> " + (
                            f"{_dotted(schema, table)}.{','.join(parent_cols)}"
                        )
                        if ((schema, table), child_schema, child_table, tuple(child_cols)) in guessed:
                            via += " (inferred: no foreign key declared)"
                        location = Location(schema=child_schema, table=child_table)
                        for record in conn.execute(sa.select(child).where(condition)):
                            row = {k: _json_ready(v) for k, v in record._mapping.items()}
                            key = {k: row[k] for k in primary_key} if primary_key else {"row": None}
                            ident = (location, tuple(sorted(key.items())))
                            if ident in seen and primary_key:
                                continue
                            seen.add(ident)
                            if via.endswith("declared)") and via not in result.inferred_joins:
                                result.inferred_joins.append(via)  # said once, when it led to a row
                            match = Match(source.name, location, key, row, None, via, hop, primary_key)
                            related.append(match)
                            next_frontier.append(match)
                frontier = next_frontier
                if not frontier:
                    break
    except SQLAlchemyError as exc:
        result.errors.append(ScanErrorEntry(source.name, f"following foreign keys: {db_error(exc)}"))
    return related


def likely_joins(source: DatabaseSource, declared: _Children, result: FindResult) -> _Children:
    """:func:`_likely_joins` of one database, read from its catalog now (an erasure plan's schema); a failure to
    read it is reported in ``result`` and nothing is inferred."""
    return _Catalog(source).likely_joins(declared, result)


def _likely_joins(catalog: _Catalog, declared: _Children) -> _Children:
    """Joins the schema does not declare but its names make likely: a column named for a table's single-column
    primary key (``order_lines.order_id`` -> ``orders.id``, ``rivit.tilaus_id`` -> ``tilaukset.tilaus_id``) with
    the same kind of type. Only rows whose values equal a matched row's key are followed, and each join followed is
    named in the output (``inferred_joins``). Raises SQLAlchemyError."""
    columns: dict[tuple[str | None, str], dict[str, str]] = {}
    keys: dict[tuple[str | None, str], str] = {}
    with catalog.source.engine.connect() as conn:
        for owner, name, is_view in catalog.source.dialect.list_tables(conn):
            if is_view:
                continue
            table = catalog.table(conn, owner, name)  # as the scan and the search reflect it
            columns[(owner, name)] = {c.name: _kind(c) for c in table.columns}
            primary = [c.name for c in table.primary_key.columns]
            if len(primary) == 1:
                keys[(owner, name)] = primary[0]
    known = {(parent, link[0], link[1], tuple(link[2])) for parent, links in declared.items() for link in links}
    out: _Children = defaultdict(list)
    for parent, key in keys.items():
        kind = columns[parent][key]
        names = _join_names(parent[1], key)
        for child, child_columns in columns.items():
            if child == parent:
                continue
            for name, child_kind in child_columns.items():
                if name.lower() in names and child_kind == kind and (parent, *child, (name,)) not in known:
                    out[parent].append((child[0], child[1], [name], [key]))
    return out


def _join_names(table: str, key: str) -> set[str]:
    """The column names that point at ``table``'s primary key ``key``: the key's own name where it says whose it is
    (``tilaus_id``), else the table's name in the singular with ``_id`` (orders -> order_id, categories ->
    category_id)."""
    names = {key.lower()} if key.lower() != "id" else set()
    base = table.lower()
    singular = base[:-3] + "y" if base.endswith("ies") else base[:-1] if base.endswith("s") else base
    names.update({f"{base}_id", f"{singular}_id", f"{singular}id"})
    return names


def _children(conn: sa.Connection, dialect: Dialect) -> _Children:
    """Declared foreign keys by the table they point at: (schema, table) -> [(child schema, child, cols, keys)].
    Tables as the scan lists them (``Dialect.list_tables``: the default schema as None, system schemas left out)."""
    inspector = sa.inspect(conn)
    default = inspector.default_schema_name
    out: dict[tuple[str | None, str], list[tuple[str | None, str, list[str], list[str]]]] = defaultdict(list)
    for name_schema, table, is_view in dialect.list_tables(conn):
        if is_view:
            continue
        for fk in inspector.get_foreign_keys(table, schema=name_schema):
            referred_schema = fk.get("referred_schema")
            referred = (None if referred_schema in (None, default) else referred_schema, fk["referred_table"])
            if referred == (name_schema, table):
                continue  # a row pointing at a row of its own table (a referrer, a manager) is another person
            out[referred].append((name_schema, table, fk["constrained_columns"], fk["referred_columns"]))
    return out


def _dotted(schema: str | None, table: str) -> str:
    return f"{schema}.{table}" if schema else table


def _json_ready(value: Any) -> Any:
    """A database value as JSON can hold it (dates as ISO text, decimals as text, bytes left out)."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, dt.date | dt.datetime | dt.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, bytes | bytearray | memoryview):
        return None
    if isinstance(value, dict | list):
        return value
    return str(value)


def _as_text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, dict | list):
        import json

        return json.dumps(value, ensure_ascii=False)
    return str(value)
