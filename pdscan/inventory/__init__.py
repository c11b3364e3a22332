"""The inventory: scan history in a database, diffs between runs, and periodic reports."""

from __future__ import annotations

from pdscan.inventory.store import ENV_VAR, Inventory, RunInfo, StoredRun, default_inventory_path, resolve_inventory_url

__all__ = ["ENV_VAR", "Inventory", "RunInfo", "StoredRun", "default_inventory_path", "resolve_inventory_url"]
