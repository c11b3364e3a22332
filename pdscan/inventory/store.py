"""The inventory: every scan kept in a database (SQLite by default, PostgreSQL for teams), never a raw value.

A run is written in two steps so that nothing half-written looks complete: :meth:`Inventory.start_run` commits a
``running`` row before the scan; :meth:`Inventory.finish_run` writes everything the scan found and flips the status
in one transaction (``complete``, or ``interrupted`` after Ctrl-C). A scan killed hard leaves its row ``running``;
a failure while storing rolls the transaction back and marks the row ``failed``. History, diffs and reports use
complete runs unless asked otherwise.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import socket
import uuid
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import URL, Connection, Engine, make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError, SQLAlchemyError

from pdscan import __version__
from pdscan.compliance.declaration import builtin_declarations
from pdscan.errors import InventoryError, UrlError, one_line
from pdscan.inventory import audit, keys, migrations, schema
from pdscan.inventory.keys import FingerprintKey
from pdscan.inventory.paths import ENV_VAR, default_inventory_path
from pdscan.model import Compliance, Finding, Location, ScanErrorEntry, ScanResult, SourceSummary, TableInfo
from pdscan.sources import looks_like_url, mask_source
from pdscan.sources.sql import mask_url, parse_url

STATUSES = ("running", "complete", "interrupted", "failed", "abandoned")


def resolve_inventory_url(value: str | None) -> str:
    """The inventory URL: the value given, else ``$PDSCAN_INVENTORY``, else the default SQLite file.

    A plain path (no ``://``) is a SQLite file.
    """
    value = value or os.environ.get(ENV_VAR) or str(default_inventory_path())
    if looks_like_url(value) and not Path(value).expanduser().exists():
        # A URL, or a mistyped one (postgresql:/u:secret@db/x): never a file path, whose parent folders would be
        # created from the URL's text, password and all. _engine parses it and names it masked when it fails.
        return value
    return f"sqlite:///{Path(value).expanduser().resolve()}"


def mask(url: str) -> str:
    """A database URL without its password (in the user part or a query parameter)."""
    return mask_url(url)


def sources_key(sources: Sequence[str]) -> str:
    """Which runs scanned the same sources: folders and files by absolute path, databases by masked URL."""
    normal = sorted(s if "://" in s else os.path.abspath(s) for s in sources)
    return hashlib.sha256(json.dumps(normal).encode()).hexdigest()[:32]


@dataclass(frozen=True)
class RunInfo:
    id: int
    uid: str
    status: str
    started_at: str
    finished_at: str | None
    pdscan_version: str
    rules_version: str
    sources: list[str]
    sources_key: str
    options: dict[str, Any]
    declaration: dict[str, Any] | None
    compliance: dict[str, Any] | None
    host: str | None
    findings: int
    errors: int
    tables: int
    rows_scanned: int
    pid: int | None = None  # the scanning process, on host (None for runs stored before migration 4)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "uid": self.uid,
            "status": self.status,
            "started_at": self.started_at,
            "finished_at": self.finished_at,
            "pdscan_version": self.pdscan_version,
            "rules_version": self.rules_version,
            "sources": list(self.sources),
            "sources_key": self.sources_key,
            "declaration": self.declaration,
            "compliance": self.compliance,
            "host": self.host,
            "pid": self.pid,
            "findings": self.findings,
            "errors": self.errors,
            "tables": self.tables,
            "rows_scanned": self.rows_scanned,
        }


@dataclass
class StoredRun:
    """A run as the inventory keeps it: its metadata and the scan result rebuilt from the stored rows."""

    info: RunInfo
    result: ScanResult


class Inventory:
    """An open inventory database. Use as a context manager, or call :meth:`close`."""

    def __init__(self, url: str | None = None, *, upgrade: bool = True, create: bool = True) -> None:
        """``create=False`` (readers: history, diff, reports) refuses a SQLite file that does not exist yet."""
        self.url = resolve_inventory_url(url)
        self.name = mask(self.url)
        if not create:
            database = _sqlite_database(self.url)
            if database and database != ":memory:" and not Path(database).exists():
                raise InventoryError(
                    self.name, "no inventory here yet: store a run with pdscan scan SOURCES --inventory"
                )
        self.engine = _engine(self.url, self.name)
        self.notices: list[str] = []  # one-line news for the user (a key made or moved), said once by the CLI
        self._key: FingerprintKey | None = None
        if upgrade:
            applied: list[int] = []
            try:
                self.version = migrations.upgrade(self.engine, name=self.name, applied=applied)
            except SQLAlchemyError as exc:
                self.engine.dispose()
                raise InventoryError(self.name, self.reason(exc)) from exc
            if 5 in applied and self._meta(migrations.KEY_MOVED) is not None:
                inventory_id = self._meta("inventory_id") or ""
                self.notices.append(
                    f"moved the fingerprint key of {self.name} out of it, to {keys.key_path(inventory_id)} (or "
                    f"{keys.ENV_VAR} when set): keep it apart from the inventory"
                )
            self.mark_abandoned()

    def __enter__(self) -> Inventory:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.engine.dispose()

    def _meta(self, key: str) -> str | None:
        with self._connect() as conn:
            value = conn.execute(sa.select(schema.meta_table.c.value).where(schema.meta_table.c.key == key)).scalar()
        return None if value is None else str(value)

    def fingerprint_key(self, *, create: bool = True) -> FingerprintKey:
        """The key of this inventory's fingerprints and audit chain, from outside it (:mod:`.keys`); made on first
        use unless ``create`` is False (verifying needs the key the entries were made with)."""
        if self._key is None:
            inventory_id = self._meta("inventory_id")
            if inventory_id is None:  # opened without upgrading: an inventory older than migration 5
                raise InventoryError(self.name, "its schema is older than this pdscan: open it once to upgrade it")
            self._key = keys.load_key(inventory_id, self.name, create=create)
            if self._key.created:
                self.notices.append(
                    f"created the fingerprint key of {self.name} in {self._key.origin}: keep it apart from the "
                    "inventory (without it the audit log cannot be verified nor a person recognised)"
                )
        return self._key

    def reason(self, exc: BaseException) -> str:
        """An error's one line without the URL's password (a driver may echo the connection string it was given)."""
        line = one_line(exc)
        password = make_url(self.url).password if looks_like_url(self.url) else None
        return line.replace(password, "***") if password else line

    # -- writing ---------------------------------------------------------------------------------------------

    def start_run(self, sources: Sequence[str], options: dict[str, Any], declaration: str | None = None) -> int:
        """Record a run as ``running`` (committed at once) and return its id."""
        names = [mask_source(s) for s in sources]
        row = {
            "uid": str(uuid.uuid4()),
            "status": "running",
            "started_at": dt.datetime.now(dt.timezone.utc),
            "pdscan_version": _version(),
            "rules_version": "",
            "sources": names,
            "sources_key": sources_key(names),
            "options": _jsonable(options),
            "declaration": {"file": declaration} if declaration else None,
            "host": socket.gethostname(),
            "pid": os.getpid(),
            "findings": 0,
            "errors": 0,
            "tables": 0,
            "rows_scanned": 0,
        }
        with self._begin() as conn:
            key = conn.execute(schema.runs_table.insert().values(**row)).inserted_primary_key
        assert key is not None
        return int(key[0])

    def finish_run(self, run_id: int, result: ScanResult) -> None:
        """Store everything the scan found and mark the run complete (or interrupted), all in one transaction."""
        status = "interrupted" if result.interrupted else "complete"
        raw_samples = bool(result.options.get("show_data"))
        try:
            with self._begin() as conn:
                self._write_children(conn, run_id, result, raw_samples)
                compliance = None
                if result.compliance is not None:
                    compliance = {
                        "summary": asdict(result.compliance.summary),
                        "undeclared": [g.key for g in result.compliance.undeclared],
                    }
                declaration = None if result.compliance is None else declaration_record(result.compliance)
                conn.execute(
                    schema.runs_table.update()
                    .where(schema.runs_table.c.id == run_id)
                    .values(
                        status=status,
                        started_at=parse_time(result.started_at),
                        finished_at=parse_time(result.finished_at),
                        rules_version=result.tool.get("rules_version", ""),
                        declaration=declaration,
                        compliance=compliance,
                        findings=len(result.findings),
                        errors=len(result.errors),
                        tables=len(result.tables),
                        rows_scanned=sum(t.rows_scanned for t in result.tables),
                    )
                )
        except InventoryError as exc:
            self.fail_run(run_id)
            raise InventoryError(self.name, f"run {run_id} could not be stored ({exc.reason})") from exc
        except BaseException:  # Ctrl-C while storing: the transaction rolled back; say so on the run's row
            self.fail_run(run_id)
            raise

    def fail_run(self, run_id: int) -> None:
        """Mark a run failed, keeping nothing of it but its row. Best effort: the original error matters more."""
        try:
            with self._begin() as conn:
                conn.execute(
                    schema.runs_table.update()
                    .where(schema.runs_table.c.id == run_id, schema.runs_table.c.status == "running")
                    .values(status="failed", finished_at=dt.datetime.now(dt.timezone.utc))
                )
        except InventoryError:
            pass  # the inventory is unreachable: the row stays 'running', which history shows as not complete

    def mark_abandoned(self) -> list[int]:
        """Mark 'abandoned' the runs left 'running' on this host by a process that is gone (SIGKILL, a power cut).

        Only runs of this host whose pid is recorded and no longer alive: a run on another host, or one whose
        process still runs, is left alone (it may still finish). Every command that opens the inventory calls this,
        so a killed scan shows up as abandoned in the next history, diff or report. Returns the ids marked.
        """
        runs = schema.runs_table
        host = socket.gethostname()
        try:
            with self._connect() as conn:
                candidates = conn.execute(
                    sa.select(runs.c.id, runs.c.pid, runs.c.started_at).where(
                        runs.c.status == "running", runs.c.host == host
                    )
                ).all()
            dead = [
                int(r.id) for r in candidates if r.pid is not None and not _alive(int(r.pid), _as_utc(r.started_at))
            ]
            if dead:
                with self._begin() as conn:
                    # The status condition again: the run may have finished between the two statements.
                    conn.execute(
                        runs.update()
                        .where(runs.c.id.in_(dead), runs.c.status == "running")
                        .values(status="abandoned", finished_at=dt.datetime.now(dt.timezone.utc))
                    )
        except InventoryError:
            return []  # a read-only inventory, or locked past the timeout: the runs stay 'running' for now
        return dead

    def _write_children(self, conn: Connection, run_id: int, result: ScanResult, raw_samples: bool) -> None:
        if result.sources:
            conn.execute(
                schema.run_sources_table.insert(),
                [
                    {
                        "run_id": run_id,
                        "position": i,
                        "source": s.source,
                        "kind": s.kind,
                        "tables": s.tables,
                        "ignored_files": s.ignored_files,
                        "errors": s.errors,
                    }
                    for i, s in enumerate(result.sources)
                ],
            )
        if result.findings:
            conn.execute(
                schema.findings_table.insert(), [_finding_row(run_id, f, raw_samples) for f in result.findings]
            )
        if result.errors:
            conn.execute(
                schema.errors_table.insert(),
                [
                    {
                        "run_id": run_id,
                        "source": e.source,
                        "location": e.location.to_dict() if e.location else None,
                        "reason": e.reason,
                    }
                    for e in result.errors
                ],
            )
        if result.suppressed:
            conn.execute(
                schema.suppressed_table.insert(),
                [{"run_id": run_id, "fingerprint": s["fingerprint"], "reason": s["reason"]} for s in result.suppressed],
            )
        if result.tables:
            conn.execute(schema.locations_table.insert(), [_location_row(run_id, t) for t in result.tables])

    # -- reading ---------------------------------------------------------------------------------------------

    def runs(self, statuses: Sequence[str] | None = None, since: dt.datetime | None = None) -> list[RunInfo]:
        """Runs, oldest first."""
        runs = schema.runs_table
        query = sa.select(runs).order_by(runs.c.started_at, runs.c.id)
        if statuses:
            query = query.where(runs.c.status.in_(list(statuses)))
        if since is not None:
            query = query.where(runs.c.started_at >= since)
        with self._connect() as conn:
            return [_run_info(row._mapping) for row in conn.execute(query)]

    def run(self, run_id: int) -> RunInfo:
        with self._connect() as conn:
            row = conn.execute(sa.select(schema.runs_table).where(schema.runs_table.c.id == run_id)).first()
        if row is None:
            raise InventoryError(self.name, f"no run {run_id} (see pdscan history)")
        return _run_info(row._mapping)

    def load(self, run_id: int) -> StoredRun:
        """A run with everything stored of it, as a ScanResult (findings, coverage, errors, suppressed)."""
        info = self.run(run_id)
        with self._connect() as conn:
            sources = [
                SourceSummary(r.source, r.kind, r.tables, r.ignored_files, r.errors)
                for r in conn.execute(
                    sa.select(schema.run_sources_table)
                    .where(schema.run_sources_table.c.run_id == run_id)
                    .order_by(schema.run_sources_table.c.position)
                )
            ]
            findings = [
                Finding.from_dict(dict(r._mapping))
                for r in conn.execute(
                    sa.select(schema.findings_table)
                    .where(schema.findings_table.c.run_id == run_id)
                    .order_by(schema.findings_table.c.id)
                )
            ]
            errors = [
                ScanErrorEntry(r.source, r.reason, Location(**r.location) if r.location else None)
                for r in conn.execute(
                    sa.select(schema.errors_table)
                    .where(schema.errors_table.c.run_id == run_id)
                    .order_by(schema.errors_table.c.id)
                )
            ]
            suppressed = [
                {"fingerprint": r.fingerprint, "reason": r.reason}
                for r in conn.execute(
                    sa.select(schema.suppressed_table).where(schema.suppressed_table.c.run_id == run_id)
                )
            ]
            tables = [
                TableInfo.from_dict({**r._mapping, "schema": r._mapping["table_schema"]})
                for r in conn.execute(
                    sa.select(schema.locations_table)
                    .where(schema.locations_table.c.run_id == run_id)
                    .order_by(schema.locations_table.c.id)
                )
            ]
        result = ScanResult(
            tool={"name": "pdscan", "version": info.pdscan_version, "rules_version": info.rules_version},
            started_at=info.started_at,
            finished_at=info.finished_at or info.started_at,
            options=dict(info.options),
            sources=sources,
            tables=tables,
            findings=findings,
            errors=errors,
            interrupted=info.status != "complete",
            suppressed=suppressed,
        )
        return StoredRun(info, result)

    def seen(self) -> dict[tuple[str, str, str, str], tuple[str, str]]:
        """First and last start time of the complete runs that found each (source, container, column, entity)."""
        f, r = schema.findings_table, schema.runs_table
        query = (
            sa.select(
                f.c.source,
                f.c.container,
                f.c.column_name,
                f.c.entity,
                sa.func.min(r.c.started_at),
                sa.func.max(r.c.started_at),
            )
            .join(r, r.c.id == f.c.run_id)
            .where(r.c.status == "complete")
            .group_by(f.c.source, f.c.container, f.c.column_name, f.c.entity)
        )
        with self._connect() as conn:
            return {
                (row[0], row[1], row[2], row[3]): (_iso(row[4]) or "", _iso(row[5]) or "")
                for row in conn.execute(query)
            }

    def categories_per_run(self, run_ids: Sequence[int]) -> dict[int, dict[str, int]]:
        """Per run: how many findings (columns) fall in each data category."""
        out: dict[int, dict[str, int]] = {run_id: {} for run_id in run_ids}
        if not run_ids:
            return out
        f = schema.findings_table
        query = sa.select(f.c.run_id, f.c.categories).where(f.c.run_id.in_(list(run_ids)))
        with self._connect() as conn:
            for run_id, categories in conn.execute(query):
                counts = out[int(run_id)]
                for key in categories or ["user"]:
                    counts[key] = counts.get(key, 0) + 1
        return out

    def record_audit(self, entry: dict[str, Any]) -> int:
        """Append one DSAR search to the audit log, chained to the entry before it (:mod:`.audit`). ``entry`` holds
        kinds, keyed fingerprints and counts only."""
        row = {
            # To the second, as every database gives it back: the chain hashes what is stored.
            "at": dt.datetime.now(dt.timezone.utc).replace(microsecond=0),
            "action": entry.get("action", "find"),
            "identifier_kinds": list(entry["identifier_kinds"]),
            "fingerprints": list(entry["fingerprints"]),
            "sources": [mask_source(s) for s in entry["sources"]],
            "matches": int(entry["matches"]),
            "direct": int(entry["direct"]),
            "related": int(entry["related"]),
            "name_only": int(entry["name_only"]),
            "exported": bool(entry.get("exported", False)),
            "erasure_plan": bool(entry.get("erasure_plan", False)),
            "user": _user(),
            "host": socket.gethostname(),
        }
        key = self.fingerprint_key().secret
        table, meta = schema.audit_table, schema.meta_table
        with self._begin() as conn:
            migrations.lock(conn)  # two searches at once: one chain, not a fork
            count = int(conn.execute(sa.select(sa.func.count()).select_from(table)).scalar_one())
            previous = conn.execute(sa.select(table.c.entry_hash).order_by(table.c.id.desc()).limit(1)).scalar()
            row["prev_hash"] = str(previous or "")
            row["entry_hash"] = audit.entry_hash(key, row["prev_hash"], row)
            inserted = conn.execute(table.insert().values(**row)).inserted_primary_key
            value = audit.head(key, count + 1, row["entry_hash"])
            if not conn.execute(meta.update().where(meta.c.key == audit.HEAD).values(value=value)).rowcount:
                conn.execute(meta.insert().values(key=audit.HEAD, value=value))
            migrations.unlock(conn)
        assert inserted is not None
        return int(inserted[0])

    def audit_log(self) -> list[dict[str, Any]]:
        with self._connect() as conn:
            rows = conn.execute(sa.select(schema.audit_table).order_by(schema.audit_table.c.id)).mappings().all()
        return [dict(r) | {"at": _iso(r["at"])} for r in rows]

    def verify_audit(self) -> tuple[int, list[str]]:
        """The number of entries in the audit log and what is wrong with its chain (nothing: intact)."""
        with self._connect() as conn:
            rows = conn.execute(sa.select(schema.audit_table).order_by(schema.audit_table.c.id)).mappings().all()
        head = self._meta(audit.HEAD)
        if not rows and head is None:
            return 0, []  # nothing was ever recorded: nothing to check, and no key is needed yet
        key = self.fingerprint_key(create=False).secret
        return len(rows), audit.verify(key, [dict(row) for row in rows], head)

    def previous_run(self, run: RunInfo) -> RunInfo | None:
        """The complete run of the same sources before ``run``."""
        earlier = [
            r
            for r in self.runs(statuses=("complete",))
            if r.sources_key == run.sources_key and (r.started_at, r.id) < (run.started_at, run.id)
        ]
        return earlier[-1] if earlier else None

    # -- plumbing --------------------------------------------------------------------------------------------

    def _begin(self) -> _Transaction:
        return _Transaction(self)

    def _connect(self) -> _Transaction:
        return _Transaction(self, write=False)


class _Transaction:
    """A connection in a transaction; SQLAlchemy errors become one-line InventoryErrors naming the inventory."""

    def __init__(self, inventory: Inventory, write: bool = True) -> None:
        self.inventory = inventory
        self.write = write
        self._context: Any = None

    def __enter__(self) -> Connection:
        try:
            self._context = self.inventory.engine.begin()
            conn: Connection = self._context.__enter__()
        except SQLAlchemyError as exc:
            raise InventoryError(self.inventory.name, self.inventory.reason(exc)) from exc
        return conn

    def __exit__(self, exc_type: Any, exc: Any, tb: Any) -> None:
        try:
            self._context.__exit__(exc_type, exc, tb)
        except SQLAlchemyError as error:
            raise InventoryError(self.inventory.name, self.inventory.reason(error)) from error
        if isinstance(exc, SQLAlchemyError) and not isinstance(exc, InventoryError):
            raise InventoryError(self.inventory.name, self.inventory.reason(exc)) from exc


def _sqlite_database(url: str) -> str | None:
    """The file of a SQLite inventory URL, or None (another database, or a URL _engine will refuse)."""
    if not url.lower().startswith("sqlite"):
        return None
    try:
        return make_url(url).database
    except (ArgumentError, ValueError):
        return None


def _engine(url: str, name: str) -> Engine:
    try:
        parsed: URL = parse_url(url)
    except UrlError as exc:
        raise InventoryError(exc.source, f"not a SQLAlchemy URL or a file path: {exc.reason}") from None
    kwargs: dict[str, Any] = {}
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database
        if database and database != ":memory:":
            try:
                Path(database).parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise InventoryError(name, f"cannot create {Path(database).parent} ({exc.strerror})") from exc
        kwargs["connect_args"] = {"timeout": 60}  # wait for another writer rather than fail at once
    elif parsed.get_backend_name() == "postgresql":
        kwargs["connect_args"] = {"connect_timeout": 10}
    try:
        engine = sa.create_engine(parsed, pool_pre_ping=True, **kwargs)
    except (NoSuchModuleError, ImportError) as exc:
        raise InventoryError(
            name, f"no driver for {parsed.drivername} (install pdscan[postgres] or pdscan[mysql])"
        ) from exc
    if engine.dialect.name == "sqlite":
        _serialise_sqlite_writers(engine)
    return engine


def _serialise_sqlite_writers(engine: Engine) -> None:
    """SQLAlchemy's documented recipe: let SQLAlchemy, not pysqlite, begin transactions, and begin them IMMEDIATE.

    Then DDL is transactional (a migration is all or nothing) and two writers queue on SQLite's lock (with the
    connect timeout) instead of one failing with 'database is locked' halfway through a run.
    """

    @event.listens_for(engine, "connect")
    def _connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        dbapi_connection.execute("PRAGMA foreign_keys = ON")

    @event.listens_for(engine, "begin")
    def _begin(conn: Connection) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE")


def _finding_row(run_id: int, finding: Finding, raw_samples: bool) -> dict[str, Any]:
    return {
        "run_id": run_id,
        "source": finding.source,
        "container": finding.location.display(with_column=False),
        "column_name": finding.location.column or "",
        "location": finding.location.to_dict(),
        "entity": finding.entity,
        "rules": list(finding.rules),
        "confidence": finding.confidence,
        "score": float(finding.score),
        "match_count": finding.match_count,
        "values_scanned": finding.values_scanned,
        "rows_scanned": finding.rows_scanned,
        "reasons": list(finding.reasons),
        # Raw values never reach the inventory: a --show-data scan stores no samples at all.
        "samples": [] if raw_samples else list(finding.samples),
        "categories": list(finding.categories),
        "declared": list(finding.declared) if finding.declared is not None else None,
        "primary_key": list(finding.primary_key) if finding.primary_key is not None else None,
        "estimated_rows": finding.estimated_rows,
    }


def _location_row(run_id: int, table: TableInfo) -> dict[str, Any]:
    return {
        "run_id": run_id,
        "source": table.source,
        "container": table.location.display(with_column=False),
        "location": table.location.to_dict(),
        "rows_scanned": table.rows_scanned,
        "columns": table.columns,
        "truncated": table.truncated,
        "sampling": table.sampling,
        "estimated_rows": table.estimated_rows,
        "primary_key": table.primary_key,
        "notes": list(table.notes),
        "table_schema": [dict(c) for c in table.schema],
        "dates": [dict(d) for d in table.dates],
    }


def _run_info(row: Any) -> RunInfo:
    return RunInfo(
        id=int(row["id"]),
        uid=row["uid"],
        status=row["status"],
        started_at=_iso(row["started_at"]) or "",
        finished_at=_iso(row["finished_at"]),
        pdscan_version=row["pdscan_version"],
        rules_version=row["rules_version"],
        sources=list(row["sources"]),
        sources_key=row["sources_key"],
        options=dict(row["options"]),
        declaration=row["declaration"],
        compliance=row["compliance"],
        host=row["host"],
        findings=int(row["findings"]),
        errors=int(row["errors"]),
        tables=int(row["tables"]),
        rows_scanned=int(row["rows_scanned"]),
        pid=int(row["pid"]) if row.get("pid") is not None else None,
    )


def declaration_record(compliance: Compliance) -> dict[str, Any]:
    """What a run keeps of the declaration it was compared with, so that a later diff tells an edit of it: the file,
    the controller, the SHA-256 of the file's content (of the parsed declaration when the file cannot be read) and
    its categories with their data category keys and subject groups."""
    declared = compliance.declaration
    spec = str(declared.get("file") or "")
    categories = sorted(
        (
            {"name": c.name, "keys": sorted(c.keys), "subjects": sorted(c.subjects)}
            for c in [*compliance.found_declared, *compliance.declared_not_found]
        ),
        key=lambda c: (c["name"], c["keys"], c["subjects"]),
    )
    try:
        path = Path(spec)
        if not path.is_file() and spec in builtin_declarations():
            path = builtin_declarations()[spec]
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        parsed = {**{k: v for k, v in declared.items() if k != "file"}, "categories": categories}
        digest = hashlib.sha256(json.dumps(parsed, sort_keys=True, default=str).encode()).hexdigest()
    return {
        "file": declared.get("file"),
        "controller": (declared.get("controller") or {}).get("name"),
        "notice_updated": (declared.get("notice") or {}).get("updated"),  # the notice's own date, if it says
        "sha256": digest,
        "subjects": [s.get("name") for s in declared.get("subjects", [])],
        "categories": categories,
    }


def parse_time(text: str) -> dt.datetime:
    value = dt.datetime.fromisoformat(text)
    return value if value.tzinfo else value.replace(tzinfo=dt.timezone.utc)


def _as_utc(value: dt.datetime) -> dt.datetime:
    # SQLite keeps no zone: everything pdscan writes is UTC
    return value if value.tzinfo is not None else value.replace(tzinfo=dt.timezone.utc)


def _iso(value: dt.datetime | None) -> str | None:
    if value is None:
        return None
    return _as_utc(value).astimezone(dt.timezone.utc).isoformat(timespec="seconds")


def _jsonable(data: dict[str, Any]) -> dict[str, Any]:
    return dict(json.loads(json.dumps(data, default=str)))


def _alive(pid: int, run_started: dt.datetime | None = None) -> bool:
    """Whether the process that started a run still runs on this host (signal 0 checks without sending anything).

    A pid is reused once its process is gone: a process with that pid that started after the run did is another
    process, and the run's own is dead.
    """
    if run_started is not None and _started_after(pid, run_started):
        return False
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # another user's process: alive
    except OSError:
        return True  # cannot tell: better a run left 'running' than a live one marked abandoned
    return _not_zombie(pid)


def _started_after(pid: int, moment: dt.datetime) -> bool:
    """Whether process ``pid`` started after ``moment`` (Linux: /proc; elsewhere unknown, so False).

    proc(5): field 22 of /proc/PID/stat is the start time in clock ticks after boot; /proc/stat's ``btime`` is the
    boot time in seconds since the epoch. A second of slack covers the tick and the run row's own timestamp.
    """
    try:
        stat = Path(f"/proc/{pid}/stat").read_text(encoding="ascii", errors="replace")
        boot = next(
            int(line.split()[1])
            for line in Path("/proc/stat").read_text(encoding="ascii", errors="replace").splitlines()
            if line.startswith("btime ")
        )
        ticks = int(stat.rsplit(")", 1)[-1].split()[19])  # fields after the command name start at field 3
        started = boot + ticks / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError, StopIteration):
        return False
    return started > moment.timestamp() + 1.0


def _not_zombie(pid: int) -> bool:
    """A killed child not yet reaped by its parent still answers signal 0; Linux tells it is a zombie."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text(encoding="ascii", errors="replace")
    except OSError:
        return True
    return stat.rsplit(")", 1)[-1].split()[:1] != ["Z"]


def _user() -> str | None:
    import getpass

    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no user name for this uid (containers)
        return None


def _version() -> str:
    return __version__
