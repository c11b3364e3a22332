"""The data that flows one way through pdscan: source -> batch -> column stats -> finding -> report.

Everything here is plain data (dataclasses), so that a later distributed engine can ship it between processes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

import pyarrow as pa

# Column kinds a connector can report. The detector treats every column as strings, but the kind is evidence:
# an integer column is never a person's name, a binary column is never scanned.
COLUMN_KINDS = ("string", "integer", "float", "boolean", "datetime", "json", "binary", "other")


def utc_now() -> str:
    """Now in UTC, ISO 8601 to the second: the timestamps of scans, searches and inventory runs."""
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")


@dataclass(frozen=True)
class Location:
    """Where something was found, as precise as the source allows.

    Files use ``file`` (and ``sheet`` for workbooks); databases use ``schema`` and ``table``.
    ``column`` is the column name, or for JSON the dotted field path (``address.city``, ``contacts[].email``).
    """

    file: str | None = None
    sheet: str | None = None
    schema: str | None = None
    table: str | None = None
    column: str | None = None

    def with_column(self, column: str) -> Location:
        return Location(self.file, self.sheet, self.schema, self.table, column)

    def container(self) -> Location:
        """The same location without the column: the table or sheet the column lives in."""
        return Location(self.file, self.sheet, self.schema, self.table, None)

    def to_dict(self) -> dict[str, str]:
        # Not dataclasses.asdict, which deep-copies field by field: a report of 20,000 findings spent 0.4 s here.
        pairs = (("file", self.file), ("sheet", self.sheet), ("schema", self.schema), ("table", self.table),
                 ("column", self.column))  # fmt: skip
        return {k: v for k, v in pairs if v is not None}

    def display(self, with_column: bool = True) -> str:
        text = self.file if self.file is not None else ".".join(p for p in (self.schema, self.table) if p)
        if self.sheet:
            text += f" [{self.sheet}]"
        if with_column and self.column is not None:
            text += f" :: {self.column}"
        return text

    def sort_key(self) -> tuple[str, ...]:
        return tuple(v or "" for v in (self.file, self.schema, self.table, self.sheet, self.column))


@dataclass
class Column:
    """One column of a batch. ``values`` is an Arrow string array (nulls allowed).

    A column may hold more values than the batch has rows: a JSON array field is exploded into one value per element.
    """

    name: str
    values: pa.Array
    kind: str = "string"
    # Passages of a document's part: prose, where a weak rule is backed by its context words in the same passage
    # ("Syntymäaika: 12.3.1985") as a column is by its name.
    prose: bool = False
    # For a column whose values are not one per row (a JSON array field): the batch row of each value, when the
    # reader knows it (a data subject search lists a nested e-mail address under its own record).
    rows: list[int] | None = field(default=None, compare=False, repr=False)


@dataclass
class Batch:
    """A batch of columns read from one table, sheet or file. The detector core is a pure function of one batch."""

    columns: list[Column]
    num_rows: int


@dataclass
class TableInfo:
    """Coverage of one scanned table/sheet/file: how many rows were read and how they were chosen."""

    source: str
    location: Location
    rows_scanned: int = 0
    columns: int = 0
    truncated: bool = False  # True when the table has more rows than were scanned (sampling)
    sampling: str = "all rows"
    estimated_rows: int | None = None
    primary_key: list[str] | None = None  # database tables: the key that identifies a row (for DSAR search)
    notes: list[str] = field(default_factory=list)
    # The table's columns as the source describes them (name, type), scanned or not: schema changes between runs.
    schema: list[dict[str, Any]] = field(default_factory=list)
    # Retention-relevant date columns: {"column": name, "role": created|activity|date, "count", "oldest", "newest"}.
    dates: list[dict[str, Any]] = field(default_factory=list)
    # Documents (PDF, Word, mail...): what kind; their columns are parts (pages, headers) and rows passages of text.
    document: str | None = None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "source": self.source,
            "location": self.location.to_dict(),
            "rows_scanned": self.rows_scanned,
            "columns": self.columns,
            "truncated": self.truncated,
            "sampling": self.sampling,
        }
        if self.estimated_rows is not None:
            out["estimated_rows"] = self.estimated_rows
        if self.primary_key is not None:
            out["primary_key"] = list(self.primary_key)
        if self.notes:
            out["notes"] = list(self.notes)
        if self.schema:
            out["schema"] = [dict(c) for c in self.schema]
        if self.dates:
            out["dates"] = [dict(d) for d in self.dates]
        if self.document is not None:
            out["document"] = self.document
        return out

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> TableInfo:
        return cls(
            source=data["source"],
            location=Location(**data["location"]),
            rows_scanned=int(data.get("rows_scanned", 0)),
            columns=int(data.get("columns", 0)),
            truncated=bool(data.get("truncated", False)),
            sampling=str(data.get("sampling", "")),
            estimated_rows=data.get("estimated_rows"),
            primary_key=data.get("primary_key"),
            notes=list(data.get("notes", [])),
            schema=[dict(c) for c in data.get("schema", [])],
            dates=[dict(d) for d in data.get("dates", [])],
            document=data.get("document"),
        )


@dataclass
class ScanErrorEntry:
    """A source, file, sheet or table that could not be (fully) scanned. ``reason`` is one line, free of data."""

    source: str
    reason: str
    location: Location | None = None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"source": self.source, "reason": self.reason}
        if self.location is not None:
            out["location"] = self.location.to_dict()
        return out

    def one_line(self) -> str:
        where = self.location.display() if self.location else self.source
        return f"{where}: {self.reason}"


@dataclass
class SkippedFile:
    """A file a folder scan met and did not read, with the reason (``unsupported type '.bin'``, ``a FIFO``...)."""

    path: str
    reason: str

    def to_dict(self) -> dict[str, Any]:
        return {"path": self.path, "reason": self.reason}

    def one_line(self) -> str:
        return f"{self.path}: {self.reason}"


@dataclass
class Finding:
    """One entity found in one location (column), with its evidence."""

    source: str
    location: Location
    entity: str
    rules: list[str]
    confidence: str
    score: float
    match_count: int
    values_scanned: int
    rows_scanned: int
    reasons: list[str]
    samples: list[str]
    # Database tables: the row key (DSAR search will need it) and the table's estimated size.
    primary_key: list[str] | None = None
    estimated_rows: int | None = None
    categories: list[str] = field(default_factory=list)  # data category keys (rules/taxonomy)
    # With a declaration: the declared categories (the notice's wording) that cover it, or ["UNDECLARED"].
    declared: list[str] | None = None
    # A document's finding is for the whole document: the parts (pages, mail headers, body) where it was seen.
    parts: list[str] | None = None

    @property
    def fingerprint(self) -> str:
        """Stable identity of the finding across runs: source, location and entity (used by allow-lists)."""
        return f"{self.source}:{self.location.display()}:{self.entity}"

    def to_dict(self) -> dict[str, Any]:
        return {
            "fingerprint": self.fingerprint,
            "source": self.source,
            "location": self.location.to_dict(),
            "entity": self.entity,
            "rules": list(self.rules),
            "confidence": self.confidence,
            "score": round(self.score, 3),
            "match_count": self.match_count,
            "values_scanned": self.values_scanned,
            "rows_scanned": self.rows_scanned,
            "reasons": list(self.reasons),
            "samples": list(self.samples),
            "categories": list(self.categories),
            **({"declared": list(self.declared)} if self.declared is not None else {}),
            **({"primary_key": list(self.primary_key)} if self.primary_key is not None else {}),
            **({"estimated_rows": self.estimated_rows} if self.estimated_rows is not None else {}),
            **({"parts": list(self.parts)} if self.parts is not None else {}),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Finding:
        return cls(
            source=data["source"],
            location=Location(**data["location"]),
            entity=data["entity"],
            rules=list(data.get("rules", [])),
            confidence=data["confidence"],
            score=float(data["score"]),
            match_count=int(data["match_count"]),
            values_scanned=int(data["values_scanned"]),
            rows_scanned=int(data["rows_scanned"]),
            reasons=list(data.get("reasons", [])),
            samples=list(data.get("samples", [])),
            primary_key=data.get("primary_key"),
            estimated_rows=data.get("estimated_rows"),
            categories=list(data.get("categories", [])),
            declared=data.get("declared"),
            parts=data.get("parts"),
        )


@dataclass
class SourceSummary:
    """What one source given by the user turned into."""

    source: str
    kind: str  # "file", "directory", "database"
    tables: int = 0
    ignored_files: int = 0  # files of unsupported types inside a directory
    errors: int = 0

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


CONFIDENCE_LEVELS = ("low", "medium", "high")


@dataclass
class FindingRef:
    """A finding as the declared-vs-found sections list it (``key``: the data category it was matched under)."""

    source: str
    location: dict[str, Any]
    display: str
    entity: str
    confidence: str
    match_count: int
    rows_scanned: int
    key: str | None = None
    # The data subject group of the location (a declaration's systems, or inferred from its name) and how it was told.
    subject: str | None = None
    subject_from: str | None = None

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        for optional in ("key", "subject", "subject_from"):
            if out[optional] is None:
                del out[optional]
        return out

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> FindingRef:
        return cls(**{k: data[k] for k in _FINDING_REF_FIELDS if k in data})


@dataclass
class Gap:
    """A data category found but not declared: the compliance gap a DPO acts on."""

    key: str
    name: str
    risk: str  # "high" for Art. 9/10 categories and national identifiers, else "normal"
    article: str | None
    entities: list[str]
    locations: list[FindingRef]
    # Subject-aware gaps: the category is declared, but for other groups than the one these locations hold.
    subject: str | None = None  # the group found here (its name)
    declared_for: list[str] = field(default_factory=list)  # the groups the notice declares the category for

    @property
    def reason(self) -> str:
        if self.declared_for and self.subject:
            return f"declared only for {', '.join(self.declared_for)}: undeclared for {self.subject}"
        return "not covered by any category of the declaration"

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "reason": self.reason, "locations": [loc.to_dict() for loc in self.locations]}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Gap:
        return cls(
            key=data["key"],
            name=data["name"],
            risk=data["risk"],
            article=data.get("article"),
            entities=list(data.get("entities", [])),
            locations=[FindingRef.from_dict(loc) for loc in data.get("locations", [])],
            subject=data.get("subject"),
            declared_for=list(data.get("declared_for", [])),
        )


@dataclass
class DeclaredCategory:
    """A category the notice declares, with where it was found (found and declared) or whether pdscan could have
    found it at all (declared, never found: ``detectable`` False means no rule looks for it)."""

    name: str
    keys: list[str]
    subjects: list[str]
    source: str  # the notice's sentence
    note: str | None = None
    locations: list[FindingRef] | None = None
    detectable: bool | None = None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"name": self.name, "keys": list(self.keys), "subjects": list(self.subjects)}
        out["source"] = self.source
        if self.note:
            out["note"] = self.note
        if self.locations is not None:
            out["locations"] = [loc.to_dict() for loc in self.locations]
        else:
            out["detectable"] = self.detectable
        return out

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> DeclaredCategory:
        locations = data.get("locations")
        return cls(
            name=data["name"],
            keys=list(data.get("keys", [])),
            subjects=list(data.get("subjects", [])),
            source=data.get("source", ""),
            note=data.get("note"),
            locations=[FindingRef.from_dict(loc) for loc in locations] if locations is not None else None,
            detectable=data.get("detectable"),
        )


@dataclass
class ComplianceSummary:
    findings: int = 0
    declared: int = 0
    undeclared: int = 0
    undeclared_categories: int = 0
    high_risk_undeclared: int = 0
    declared_categories: int = 0
    declared_never_found: int = 0


@dataclass
class Coverage:
    """What the comparison rests on: a category 'never found' means little in tables that were not scanned."""

    sources: list[dict[str, Any]]
    tables_scanned: int
    tables_sampled: int
    tables_skipped: int
    rows_scanned: int
    errors: list[str]
    sample_size: int | None


@dataclass
class Compliance:
    """Declared vs found for one scan and one declaration (JSON: the result's ``compliance`` member)."""

    declaration: dict[str, Any]
    summary: ComplianceSummary
    undeclared: list[Gap]
    found_declared: list[DeclaredCategory]
    declared_not_found: list[DeclaredCategory]
    coverage: Coverage

    def to_dict(self) -> dict[str, Any]:
        return {
            "declaration": self.declaration,
            "summary": asdict(self.summary),
            "undeclared": [g.to_dict() for g in self.undeclared],
            "found_declared": [c.to_dict() for c in self.found_declared],
            "declared_not_found": [c.to_dict() for c in self.declared_not_found],
            "coverage": asdict(self.coverage),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Compliance:
        return cls(
            declaration=dict(data["declaration"]),
            summary=ComplianceSummary(**data["summary"]),
            undeclared=[Gap.from_dict(g) for g in data.get("undeclared", [])],
            found_declared=[DeclaredCategory.from_dict(c) for c in data.get("found_declared", [])],
            declared_not_found=[DeclaredCategory.from_dict(c) for c in data.get("declared_not_found", [])],
            coverage=Coverage(**data["coverage"]),
        )


_FINDING_REF_FIELDS = tuple(FindingRef.__dataclass_fields__)


@dataclass
class RetentionCheck:
    """A declared retention period checked against one table or export of a subject group (JSON: an entry of the
    result's ``retention`` list). Counts only, and the oldest counting date: never a value of the rows."""

    source: str
    location: dict[str, Any]  # as in findings, without the column
    display: str
    subjects: list[str]  # the period's subject group ids (empty: every group)
    subject: str | None  # the location's group, by its name in the notice
    subject_from: str | None  # how the group was told (a systems glob, or the location's name)
    period: str  # ISO 8601 (P3Y)
    counted_from: str | list[str]  # "latest" (the row's latest date) or the named date columns
    cutoff: str  # rows whose counting date is before this day are older than the period
    columns: list[str] = field(default_factory=list)  # the date columns the counting date was taken from
    rows_checked: int = 0
    rows_over: int = 0
    oldest_over: str | None = None
    rows_without_date: int = 0
    error: str | None = None  # why the table could not be counted (one line, no data)

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        if out["error"] is None:
            del out["error"]
        return out

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> RetentionCheck:
        return cls(**{k: data[k] for k in cls.__dataclass_fields__ if k in data})


@dataclass
class DocumentFacts:
    """One document (an attachment is one too): what it holds, and whether it reads like a CV or an application."""

    file: str
    kind: str
    entities: list[str]
    cv_like: bool  # a name, a way to reach the person, and a HETU or birth date: a CV, an application, a form
    personal: bool  # holds an entity about a person (not only a business ID)

    @property
    def folder(self) -> str:
        """The folder the document lies in (an attachment or zip member: the folder of its container)."""
        outer = self.file.split("!", 1)[0]
        return outer.rsplit("/", 1)[0] if "/" in outer else "."

    def to_dict(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "kind": self.kind,
            "entities": list(self.entities),
            "cv_like": self.cv_like,
            "personal": self.personal,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> DocumentFacts:
        entities = list(data.get("entities", []))
        return cls(
            data["file"], data["kind"], entities, bool(data.get("cv_like")), bool(data.get("personal", entities))
        )


def documents_summary(facts: Sequence[DocumentFacts]) -> dict[str, Any]:
    """Counts per folder: documents scanned, with personal data, CV-like (the JSON ``documents`` object)."""
    folders: dict[str, dict[str, Any]] = {}
    for doc in facts:
        entry = folders.setdefault(doc.folder, {"folder": doc.folder, "documents": 0, "personal": 0, "cv_like": 0})
        entry["documents"] += 1
        entry["personal"] += doc.personal
        entry["cv_like"] += doc.cv_like
    return {
        "documents": len(facts),
        "personal": sum(d.personal for d in facts),
        "cv_like": sum(d.cv_like for d in facts),
        "folders": [folders[k] for k in sorted(folders)],
        "items": [d.to_dict() for d in facts],
    }


@dataclass
class ScanResult:
    """Everything one scan produced. Reporters render this; nothing else."""

    tool: dict[str, str]
    started_at: str
    finished_at: str
    options: dict[str, Any]
    sources: list[SourceSummary] = field(default_factory=list)
    tables: list[TableInfo] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    errors: list[ScanErrorEntry] = field(default_factory=list)
    interrupted: bool = False
    suppressed: list[dict[str, str]] = field(default_factory=list)  # allow-listed findings: fingerprint, reason
    warnings: list[str] = field(default_factory=list)  # about the run's settings (an allow-list entry unused)
    compliance: Compliance | None = None  # declared vs found, when the scan had a declaration
    # The documents scanned (PDF, Word, mail...) with what each holds: decided by the finishing step from the rules.
    document_facts: list[DocumentFacts] = field(default_factory=list)
    skipped: list[SkippedFile] = field(default_factory=list)  # files met in folders and not read, with the reason
    # Declared retention periods checked against the data (a declaration with periods only); None: not checked.
    retention: list[RetentionCheck] | None = None

    SCHEMA_VERSION = 1

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ScanResult:
        """A result saved with ``--format json``. Raises ValueError for another schema version or a broken file."""
        if data.get("schema_version") != cls.SCHEMA_VERSION:
            raise ValueError(f"schema_version {data.get('schema_version')!r}, expected {cls.SCHEMA_VERSION}")
        try:
            return cls(
                tool=dict(data["tool"]),
                started_at=data["started_at"],
                finished_at=data["finished_at"],
                options=dict(data.get("options", {})),
                sources=[SourceSummary(**s) for s in data.get("sources", [])],
                tables=[TableInfo.from_dict(t) for t in data.get("tables", [])],
                findings=[Finding.from_dict(f) for f in data.get("findings", [])],
                errors=[
                    ScanErrorEntry(e["source"], e["reason"], Location(**e["location"]) if "location" in e else None)
                    for e in data.get("errors", [])
                ],
                interrupted=bool(data.get("interrupted", False)),
                suppressed=list(data.get("suppressed", [])),
                warnings=list(data.get("warnings", [])),
                compliance=Compliance.from_dict(data["compliance"]) if data.get("compliance") else None,
                document_facts=[DocumentFacts.from_dict(d) for d in (data.get("documents") or {}).get("items", [])],
                skipped=[SkippedFile(s["path"], s["reason"]) for s in data.get("skipped", [])],
                retention=[RetentionCheck.from_dict(r) for r in data["retention"]]
                if data.get("retention") is not None
                else None,
            )
        except (KeyError, TypeError) as exc:
            raise ValueError(f"not a pdscan scan result ({type(exc).__name__}: {exc})") from exc

    def to_dict(self, lazy: bool = False) -> dict[str, Any]:
        """The result as JSON-ready data. ``lazy``: the lists of records (tables, findings...) are iterators that
        build each record's dict when it is written, so that a reporter holds one at a time (a folder of 20,000
        exports has 234,000 findings: as one list of dicts and one string, a 1.4 GB peak)."""

        def records(items: Sequence[Any]) -> Iterable[dict[str, Any]]:
            made = (item.to_dict() for item in items)
            return made if lazy else list(made)

        return {
            "schema_version": self.SCHEMA_VERSION,
            "tool": dict(self.tool),
            "started_at": self.started_at,
            "finished_at": self.finished_at,
            "interrupted": self.interrupted,
            "options": dict(self.options),
            "sources": records(self.sources),
            "tables": records(self.tables),
            "findings": records(self.findings),
            "errors": records(self.errors),
            "skipped": records(self.skipped),
            "suppressed": list(self.suppressed),
            "warnings": list(self.warnings),
            **({"compliance": self.compliance.to_dict()} if self.compliance is not None else {}),
            **({"documents": documents_summary(self.documents())} if self.documents() else {}),
            **({"retention": records(self.retention)} if self.retention is not None else {}),
        }

    def documents(self) -> list[DocumentFacts]:
        """The documents scanned (PDF, Word, mail...), with what each holds."""
        return self.document_facts
