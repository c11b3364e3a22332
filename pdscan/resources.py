"""Where the data files shipped with pdscan live."""

from __future__ import annotations

import os
import sys
from importlib import resources
from pathlib import Path


def builtin_rules_dir() -> Path:
    """The rules shipped with pdscan: inside the installed package, or the source tree's top-level rules/."""
    packaged = resources.files("pdscan") / "rules"
    if packaged.is_dir():
        return Path(str(packaged))
    return Path(__file__).resolve().parent.parent / "rules"


def user_cache_dir() -> Path | None:
    """``$XDG_CACHE_HOME/pdscan`` (``~/.cache/pdscan``; ``%LOCALAPPDATA%\\pdscan`` on Windows): what pdscan builds from
    its own shipped data to start faster (never anything it read from a source). Deleting it at any time only costs
    the next run the rebuild. None when there is no home to put it in (a container's user without one): nothing is
    cached then."""
    base = os.environ.get("XDG_CACHE_HOME") or (os.environ.get("LOCALAPPDATA") if sys.platform == "win32" else None)
    if not base:
        try:
            base = str(Path.home() / ".cache")
        except RuntimeError:  # Path.home(): no HOME and no entry in the password database
            return None
    return Path(base) / "pdscan"
