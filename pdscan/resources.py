"""Where the data files shipped with pdscan live."""

from __future__ import annotations

import os
from importlib import resources
from pathlib import Path


def builtin_rules_dir() -> Path:
    """The rules shipped with pdscan: inside the installed package, or the source tree's top-level rules/."""
    packaged = resources.files("pdscan") / "rules"
    if packaged.is_dir():
        return Path(str(packaged))
    return Path(__file__).resolve().parent.parent / "rules"


def user_cache_dir() -> Path:
    """``$XDG_CACHE_HOME/pdscan`` (``~/.cache/pdscan``): what pdscan builds from its own shipped data to start faster
    (never anything it read from a source). Deleting it at any time only costs the next run the rebuild."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "pdscan"
