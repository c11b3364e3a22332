"""Versioned inventory schema: migrations applied in order, each recorded in ``pdscan_migrations``.

A new pdscan opens an inventory an older one created and brings it up to date; an inventory newer than this
pdscan is refused with a clear error rather than written in a shape it does not know. Migrations run in one
transaction under a lock, so two scans starting at once on a fresh inventory do not both create it:
PostgreSQL ``pg_advisory_xact_lock``, MySQL/MariaDB ``GET_LOCK``, SQLite ``BEGIN IMMEDIATE`` (see store.py).
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Callable
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from pdscan import __version__
from pdscan.errors import InventoryError
from pdscan.inventory import schema
from pdscan.model import utc_now

# An arbitrary constant: the key of the advisory lock all pdscan processes take while migrating.
_LOCK_KEY = 0x70647363616E  # "pdscan"


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    apply: Callable[[Connection], None]


def _create(*tables: sa.Table) -> Callable[[Connection], None]:
    def apply(conn: Connection) -> None:
        for table in tables:
            table.create(conn)

    return apply


def _initial(conn: Connection) -> None:
    _create(
        schema.meta_table,
        schema.runs_table,
        schema.run_sources_table,
        schema.findings_table,
        schema.errors_table,
        schema.suppressed_table,
    )(conn)
    now = utc_now()
    # The salt keys the fingerprints the inventory keeps of identifiers (DSAR audit log): without it a hash of
    # a HETU or a phone number could be reversed by trying them all.
    conn.execute(
        schema.meta_table.insert(),
        [{"key": "created_at", "value": now}, {"key": "salt", "value": secrets.token_hex(32)}],
    )


def _run_pid(conn: Connection) -> None:
    """Migration 4 adds ``pdscan_runs.pid``. Migration 1 creates the table from the current metadata, which has the
    column already: only an inventory created before it gets the ALTER TABLE."""
    columns = {c["name"] for c in sa.inspect(conn).get_columns(schema.runs_table.name)}
    if "pid" not in columns:
        conn.execute(sa.text(f"ALTER TABLE {schema.runs_table.name} ADD COLUMN pid INTEGER"))


MIGRATIONS: tuple[Migration, ...] = (
    Migration(1, "runs, sources, findings, errors, suppressed findings", _initial),
    Migration(2, "locations: coverage, schema and date ranges of every scanned table", _create(schema.locations_table)),
    Migration(3, "audit log of DSAR searches", _create(schema.audit_table)),
    Migration(4, "runs: the pid of the scanning process (abandoned runs)", _run_pid),
)
LATEST = MIGRATIONS[-1].version


def current_version(conn: Connection) -> int:
    if not sa.inspect(conn).has_table(schema.migrations_table.name):
        return 0
    version = conn.execute(sa.select(sa.func.max(schema.migrations_table.c.version))).scalar()
    return int(version or 0)


def upgrade(engine: Engine, target: int = LATEST, name: str = "inventory") -> int:
    """Apply the migrations up to ``target`` that the inventory lacks. Returns the version it is at afterwards."""
    with engine.begin() as conn:
        _lock(conn)
        version = current_version(conn)
        if version > LATEST:
            raise InventoryError(
                name, f"its schema version {version} is newer than this pdscan knows ({LATEST}): upgrade pdscan"
            )
        if version == 0:
            schema.migrations_table.create(conn)
        for migration in MIGRATIONS:
            if version < migration.version <= target:
                migration.apply(conn)
                conn.execute(
                    schema.migrations_table.insert().values(
                        version=migration.version,
                        name=migration.name,
                        applied_at=dt.datetime.now(dt.timezone.utc),
                        pdscan_version=__version__,
                    )
                )
                version = migration.version
        return version


def _lock(conn: Connection) -> None:
    dialect = conn.dialect.name
    if dialect == "postgresql":
        conn.execute(sa.select(sa.func.pg_advisory_xact_lock(_LOCK_KEY)))
    elif dialect in ("mysql", "mariadb"):
        conn.execute(sa.select(sa.func.get_lock("pdscan_inventory", 60)))
    # SQLite: the transaction itself began with BEGIN IMMEDIATE, which takes the database's write lock.
