"""Where the inventory is, by default: light enough for the CLI's help texts (no SQLAlchemy import)."""

from __future__ import annotations

import os
from pathlib import Path

ENV_VAR = "PDSCAN_INVENTORY"


def default_inventory_path() -> Path:
    """``$XDG_DATA_HOME/pdscan/inventory.sqlite`` (``~/.local/share/pdscan/inventory.sqlite``)."""
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "pdscan" / "inventory.sqlite"
