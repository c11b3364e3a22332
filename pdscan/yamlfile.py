"""Reading the YAML files pdscan is configured with: rules, declarations, allow-lists, taxonomy, vocabularies."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from pdscan.errors import ConfigError

# libyaml's safe loader is ten times faster than the pure-Python one (the rules load at every start).
_SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def parse_yaml(text: str, name: str) -> Any:
    """Parse YAML text; a syntax error is a :class:`ConfigError` naming the line."""
    try:
        return yaml.load(text, Loader=_SAFE_LOADER)  # a safe loader (libyaml's when installed)
    except yaml.YAMLError as exc:
        line = error_line(exc, text)
        raise ConfigError(name, "", f"invalid YAML{f' at line {line}' if line else ''}") from exc


def error_line(exc: BaseException | None, text: str) -> int | None:
    """The 1-based line a YAML syntax error points at, if it says. libyaml puts an error at the very end of the
    text one line past the last one: that is the last line."""
    mark = getattr(exc, "problem_mark", None)
    if mark is None:
        return None
    return int(min(mark.line + 1, max(1, len(text.splitlines()))))


def load_yaml(path: Path, name: str | None = None, what: str = "") -> Any:
    """Read and parse a YAML file; an unreadable file or a syntax error is a :class:`ConfigError`."""
    name = name or str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        reason = getattr(exc, "strerror", None) or str(exc)
        raise ConfigError(name, "", f"cannot read{' ' + what if what else ''} ({reason})") from exc
    return parse_yaml(text, name)
