"""Versioned inventory schema: migrations applied in order, each recorded in ``pdscan_migrations``.

A new pdscan opens an inventory an older one created and brings it up to date; an inventory newer than this
pdscan is refused with a clear error rather than written in a shape it does not know. Migrations run in one
transaction under a lock, so two scans starting at once on a fresh inventory do not both create it:
PostgreSQL ``pg_advisory_xact_lock``, MySQL/MariaDB ``GET_LOCK``, SQLite ``BEGIN IMMEDIATE`` (see store.py).
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from pdscan import __version__
from pdscan.errors import InventoryError
from pdscan.inventory import audit, keys, schema
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
    # Inventories made before migration 5 also got a "salt" here, the key of their fingerprints; migration 5 moves it
    # out. A new inventory's key is made outside it on first use (pdscan.inventory.keys).
    conn.execute(schema.meta_table.insert(), [{"key": "created_at", "value": utc_now()}])


def _run_pid(conn: Connection) -> None:
    """Migration 4 adds ``pdscan_runs.pid``. Migration 1 creates the table from the current metadata, which has the
    column already: only an inventory created before it gets the ALTER TABLE."""
    columns = {c["name"] for c in sa.inspect(conn).get_columns(schema.runs_table.name)}
    if "pid" not in columns:
        conn.execute(sa.text(f"ALTER TABLE {schema.runs_table.name} ADD COLUMN pid INTEGER"))


def _key_out(conn: Connection) -> None:
    """Migration 5: the fingerprint key leaves the inventory (a key file named by the inventory's new id), and the
    audit log becomes a hash chain, its existing entries chained in order with that key."""
    name = conn.engine.url.render_as_string(hide_password=True)
    audit_table, meta = schema.audit_table, schema.meta_table
    columns = {c["name"] for c in sa.inspect(conn).get_columns(audit_table.name)}
    for column in ("prev_hash", "entry_hash"):
        if column not in columns:  # an inventory made before this migration (migration 3 now creates them)
            conn.execute(sa.text(f"ALTER TABLE {audit_table.name} ADD COLUMN {column} VARCHAR(64)"))
    values = {str(k): str(v) for k, v in conn.execute(sa.select(meta.c.key, meta.c.value)).all()}
    inventory_id = values.get("inventory_id") or uuid.uuid4().hex
    rows = [{"key": "inventory_id", "value": inventory_id}] if "inventory_id" not in values else []
    salt = values.get("salt")
    if salt is not None:
        keys.save_key(inventory_id, salt, name)  # written before the salt is deleted: the key is never lost
        conn.execute(meta.delete().where(meta.c.key == "salt"))
        rows.append({"key": KEY_MOVED, "value": utc_now()})
    if rows:
        conn.execute(meta.insert(), rows)
    entries = conn.execute(sa.select(audit_table).order_by(audit_table.c.id)).mappings().all()
    if entries:
        key = keys.load_key(inventory_id, name).secret
        links = audit.chain(key, [dict(entry) for entry in entries])
        for entry, (previous, own) in zip(entries, links, strict=True):
            conn.execute(
                audit_table.update().where(audit_table.c.id == entry["id"]).values(prev_hash=previous, entry_hash=own)
            )
        conn.execute(meta.insert().values(key=audit.HEAD, value=audit.head(key, len(entries), links[-1][1])))


KEY_MOVED = "key_moved_at"  # meta: when migration 5 moved the key out (the CLI says so once)


def _widen_text(conn: Connection) -> None:
    """Migration 6: the columns that hold paths, names and reasons become unbounded TEXT.

    The first inventories (migrations 1 and 2 as first released) created them as ``VARCHAR(1000)`` (sources, files,
    tables, columns), ``VARCHAR(2000)`` (reasons, fingerprints) and ``VARCHAR(400)`` (sampling); schema.py then made
    them TEXT without a migration, so such an inventory kept the narrow columns and PostgreSQL or MySQL refused a run
    with a longer path ("value too long"). This widens them where they are narrow (an inventory made since has TEXT
    already). SQLite does not enforce a VARCHAR's length: nothing to change there.
    """
    dialect = conn.dialect.name
    if dialect == "sqlite":
        return
    inspector = sa.inspect(conn)
    for table in WIDENED:
        narrow = [
            c["name"]
            for c in inspector.get_columns(table.name)
            if c["name"] in WIDENED[table] and isinstance(c["type"], sa.String) and c["type"].length is not None
        ]
        for name in narrow:
            column = table.c[name]
            if dialect == "postgresql":
                conn.execute(sa.text(f"ALTER TABLE {table.name} ALTER COLUMN {name} TYPE TEXT"))
            elif dialect in ("mysql", "mariadb"):
                null = "NULL" if column.nullable else "NOT NULL"
                conn.execute(sa.text(f"ALTER TABLE {table.name} MODIFY COLUMN {name} TEXT {null}"))
            else:
                raise InventoryError(
                    conn.engine.url.render_as_string(hide_password=True),
                    f"cannot widen {table.name}.{name} on {dialect}: change it to TEXT by hand",
                )


# The columns migration 6 widens, by table: narrow in the first inventories (see _widen_text).
WIDENED: dict[sa.Table, tuple[str, ...]] = {
    schema.run_sources_table: ("source",),
    schema.findings_table: ("source", "container", "column_name"),
    schema.errors_table: ("source", "reason"),
    schema.suppressed_table: ("fingerprint", "reason"),
    schema.locations_table: ("source", "container", "sampling"),
}

MIGRATIONS: tuple[Migration, ...] = (
    Migration(1, "runs, sources, findings, errors, suppressed findings", _initial),
    Migration(2, "locations: coverage, schema and date ranges of every scanned table", _create(schema.locations_table)),
    Migration(3, "audit log of DSAR searches", _create(schema.audit_table)),
    Migration(4, "runs: the pid of the scanning process (abandoned runs)", _run_pid),
    Migration(5, "fingerprint key outside the inventory; audit log as a hash chain", _key_out),
    Migration(6, "paths, names and reasons as TEXT where an older inventory has VARCHAR(400-2000)", _widen_text),
)
LATEST = MIGRATIONS[-1].version


def current_version(conn: Connection) -> int:
    if not sa.inspect(conn).has_table(schema.migrations_table.name):
        return 0
    version = conn.execute(sa.select(sa.func.max(schema.migrations_table.c.version))).scalar()
    return int(version or 0)


def upgrade(engine: Engine, target: int = LATEST, name: str = "inventory", applied: list[int] | None = None) -> int:
    """Apply the migrations up to ``target`` that the inventory lacks. Returns the version it is at afterwards;
    ``applied`` receives the versions applied now."""
    with engine.begin() as conn:
        lock(conn)
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
                if applied is not None:
                    applied.append(version)
        return version


def lock(conn: Connection) -> None:
    """Serialise writers that must not interleave (migrations, audit entries): see the module's docstring."""
    dialect = conn.dialect.name
    if dialect == "postgresql":
        conn.execute(sa.select(sa.func.pg_advisory_xact_lock(_LOCK_KEY)))
    elif dialect in ("mysql", "mariadb"):
        conn.execute(sa.select(sa.func.get_lock("pdscan_inventory", 60)))
    # SQLite: the transaction itself began with BEGIN IMMEDIATE, which takes the database's write lock.


def unlock(conn: Connection) -> None:
    """MySQL's named lock belongs to the connection, not the transaction: give it back before the pool keeps it."""
    if conn.dialect.name in ("mysql", "mariadb"):
        conn.execute(sa.select(sa.func.release_lock("pdscan_inventory")))
