"""The inventory: scan history in a database, diffs between runs, and periodic reports.

The store (:mod:`pdscan.inventory.store`, SQLAlchemy) is imported by whoever uses it, not here: the CLI's help and a
scan that stores nothing need only the default location (:mod:`pdscan.inventory.paths`).
"""

from __future__ import annotations

from pdscan.inventory.paths import ENV_VAR, default_inventory_path

__all__ = ["ENV_VAR", "default_inventory_path"]
