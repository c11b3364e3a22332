"""Where the data files shipped with pdscan live."""

from __future__ import annotations

from importlib import resources
from pathlib import Path


def builtin_rules_dir() -> Path:
    """The rules shipped with pdscan: inside the installed package, or the source tree's top-level rules/."""
    packaged = resources.files("pdscan") / "rules"
    if packaged.is_dir():
        return Path(str(packaged))
    return Path(__file__).resolve().parent.parent / "rules"
