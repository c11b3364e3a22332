"""The inventory's tables, as SQLAlchemy Core metadata. Never a raw value: masked samples and counts only.

The schema is versioned: :mod:`pdscan.inventory.migrations` creates these tables in order, one migration per
version, and records each in ``pdscan_migrations``. A table added in a later version is defined here with the
migration that adds it named in a comment; a migration never changes a table an earlier one created without
saying so in its own code.
"""

from __future__ import annotations

import sqlalchemy as sa

metadata = sa.MetaData()

# Applied migrations: one row per schema version.
migrations_table = sa.Table(
    "pdscan_migrations",
    metadata,
    sa.Column("version", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("applied_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("pdscan_version", sa.String(40), nullable=False),
)

# Settings of this inventory: its id (which names its fingerprint key file, kept outside: pdscan.inventory.keys),
# when it was created, the audit chain's head. Inventories before migration 5 kept the key here as "salt".
meta_table = sa.Table(
    "pdscan_meta",
    metadata,
    sa.Column("key", sa.String(100), primary_key=True),
    sa.Column("value", sa.String(400), nullable=False),
)

# Migration 1. One scan. status: running (written first), complete, interrupted (Ctrl-C, SIGTERM, SIGHUP: what was
# scanned is kept, marked), failed (storing failed; nothing but this row), abandoned (its process was killed hard:
# found 'running' with no live process by the next command that opened the inventory).
runs_table = sa.Table(
    "pdscan_runs",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("uid", sa.String(36), nullable=False, unique=True),
    sa.Column("status", sa.String(20), nullable=False),
    sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("finished_at", sa.DateTime(timezone=True)),
    sa.Column("pdscan_version", sa.String(40), nullable=False),
    sa.Column("rules_version", sa.String(40), nullable=False),
    sa.Column("sources", sa.JSON, nullable=False),  # source names as shown: passwords masked
    sa.Column("sources_key", sa.String(64), nullable=False, index=True),  # which runs scanned the same sources
    sa.Column("options", sa.JSON, nullable=False),
    sa.Column("declaration", sa.JSON),  # {"file", "controller"} of the declaration used, if any
    sa.Column("compliance", sa.JSON),  # summary and undeclared category keys, if a declaration was used
    sa.Column("host", sa.String(200)),
    # Migration 4: the scanning process, so that a run left 'running' by a killed process can be told from one
    # still alive on the same host and marked 'abandoned'.
    sa.Column("pid", sa.Integer),
    sa.Column("findings", sa.Integer, nullable=False, default=0),
    sa.Column("errors", sa.Integer, nullable=False, default=0),
    sa.Column("tables", sa.Integer, nullable=False, default=0),
    sa.Column("rows_scanned", sa.BigInteger, nullable=False, default=0),
)

# Migration 6: the Text columns of paths, names and reasons here and in pdscan_locations (source, container,
# column_name, reason, fingerprint, sampling) were VARCHAR(400-2000) in the first inventories; migration 6 widens
# them there (migrations.WIDENED).
run_sources_table = sa.Table(
    "pdscan_run_sources",
    metadata,
    sa.Column("run_id", sa.Integer, sa.ForeignKey("pdscan_runs.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("position", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("source", sa.Text, nullable=False),
    sa.Column("kind", sa.String(20), nullable=False),
    sa.Column("tables", sa.Integer, nullable=False),
    sa.Column("ignored_files", sa.Integer, nullable=False),
    sa.Column("errors", sa.Integer, nullable=False),
)

findings_table = sa.Table(
    "pdscan_findings",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("run_id", sa.Integer, sa.ForeignKey("pdscan_runs.id", ondelete="CASCADE"), nullable=False, index=True),
    sa.Column("source", sa.Text, nullable=False),
    sa.Column("container", sa.Text, nullable=False),  # the table/sheet/file, as displayed
    sa.Column("column_name", sa.Text, nullable=False),
    sa.Column("location", sa.JSON, nullable=False),
    sa.Column("entity", sa.String(100), nullable=False),
    sa.Column("rules", sa.JSON, nullable=False),
    sa.Column("confidence", sa.String(10), nullable=False),
    sa.Column("score", sa.Float, nullable=False),
    sa.Column("match_count", sa.BigInteger, nullable=False),
    sa.Column("values_scanned", sa.BigInteger, nullable=False),
    sa.Column("rows_scanned", sa.BigInteger, nullable=False),
    sa.Column("reasons", sa.JSON, nullable=False),
    sa.Column("samples", sa.JSON, nullable=False),  # masked; empty when the scan ran with --show-data
    sa.Column("categories", sa.JSON, nullable=False),
    sa.Column("declared", sa.JSON),
    sa.Column("primary_key", sa.JSON),
    sa.Column("estimated_rows", sa.BigInteger),
)

errors_table = sa.Table(
    "pdscan_errors",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("run_id", sa.Integer, sa.ForeignKey("pdscan_runs.id", ondelete="CASCADE"), nullable=False, index=True),
    sa.Column("source", sa.Text, nullable=False),
    sa.Column("location", sa.JSON),
    sa.Column("reason", sa.Text, nullable=False),
)

suppressed_table = sa.Table(
    "pdscan_suppressed",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("run_id", sa.Integer, sa.ForeignKey("pdscan_runs.id", ondelete="CASCADE"), nullable=False, index=True),
    sa.Column("fingerprint", sa.Text, nullable=False),
    sa.Column("reason", sa.Text, nullable=False),
)

# Migration 2. Coverage per scanned table, sheet or file: rows read, sampling, the schema as the source
# described it (column names, types, whether each was scanned) and date ranges of retention-relevant columns.
locations_table = sa.Table(
    "pdscan_locations",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("run_id", sa.Integer, sa.ForeignKey("pdscan_runs.id", ondelete="CASCADE"), nullable=False, index=True),
    sa.Column("source", sa.Text, nullable=False),
    sa.Column("container", sa.Text, nullable=False),
    sa.Column("location", sa.JSON, nullable=False),
    sa.Column("rows_scanned", sa.BigInteger, nullable=False),
    sa.Column("columns", sa.Integer, nullable=False),
    sa.Column("truncated", sa.Boolean, nullable=False),
    sa.Column("sampling", sa.Text, nullable=False),
    sa.Column("estimated_rows", sa.BigInteger),
    sa.Column("primary_key", sa.JSON),
    sa.Column("notes", sa.JSON, nullable=False),
    sa.Column("table_schema", sa.JSON, nullable=False),
    sa.Column("dates", sa.JSON, nullable=False),
)

# Migration 3. Every DSAR search (pdscan find): when, which identifier kinds, keyed hashes of the identifiers
# (HMAC-SHA256 with the inventory's key, kept outside it: the same person can be recognised, never read back), what
# was found.
audit_table = sa.Table(
    "pdscan_audit_log",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("action", sa.String(40), nullable=False),
    sa.Column("identifier_kinds", sa.JSON, nullable=False),
    sa.Column("fingerprints", sa.JSON, nullable=False),
    sa.Column("sources", sa.JSON, nullable=False),
    sa.Column("matches", sa.Integer, nullable=False),
    sa.Column("direct", sa.Integer, nullable=False),
    sa.Column("related", sa.Integer, nullable=False),
    sa.Column("name_only", sa.Integer, nullable=False),
    sa.Column("exported", sa.Boolean, nullable=False),
    sa.Column("erasure_plan", sa.Boolean, nullable=False),
    sa.Column("user", sa.String(200)),
    sa.Column("host", sa.String(200)),
    # Migration 5: the hash chain (pdscan.inventory.audit): the previous entry's hash and this entry's.
    sa.Column("prev_hash", sa.String(64)),
    sa.Column("entry_hash", sa.String(64)),
)
