"""Reading the YAML files pdscan is configured with: rules, declarations, allow-lists, taxonomy, vocabularies."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from pdscan.errors import ConfigError


def parse_yaml(text: str, name: str) -> Any:
    """Parse YAML text; a syntax error is a :class:`ConfigError` naming the line."""
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        raise ConfigError(name, "", f"invalid YAML{where}") from exc


def load_yaml(path: Path, name: str | None = None, what: str = "") -> Any:
    """Read and parse a YAML file; an unreadable file or a syntax error is a :class:`ConfigError`."""
    name = name or str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        reason = getattr(exc, "strerror", None) or str(exc)
        raise ConfigError(name, "", f"cannot read{' ' + what if what else ''} ({reason})") from exc
    return parse_yaml(text, name)
