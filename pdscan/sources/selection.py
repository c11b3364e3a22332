"""Which files of a folder are read: ``--include``/``--exclude`` patterns with gitignore's rules (pathspec).

A pattern is matched against the file's path relative to the folder being scanned and, when the file lies under it,
relative to a base folder: the folder of ``pdscan.toml`` for patterns written there (as ``.gitignore`` does), else
the working folder, so ``--exclude sample_data/hakemukset/`` and ``--exclude hakemukset/`` both work when scanning
``sample_data/``. ``--exclude-from FILE`` reads patterns from a gitignore-style file, relative to that file's folder.

gitignore(5): a pattern with a slash at its start or middle is anchored, one without matches at any depth, a
trailing slash matches folders only, ``**`` spans folders, ``!`` re-includes; a file in an excluded folder stays
excluded. A ``.gz`` file is also matched without its suffix (``*.csv`` selects ``old.csv.gz``).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from pdscan.errors import UsageError

if TYPE_CHECKING:
    import pathspec


@dataclass(frozen=True)
class _Patterns:
    spec: pathspec.GitIgnoreSpec
    lines: tuple[str, ...]
    base: str | None  # absolute folder the patterns are relative to, besides the scanned folder
    origin: str  # where they were written: --exclude, a file name


def _compile(lines: Sequence[str], base: str | None, origin: str) -> _Patterns:
    import pathspec  # loads only where patterns are given (start-up imports run on one core: issue 25)

    kept = tuple(line for line in lines if line.strip() and not line.lstrip().startswith("#"))
    try:
        spec = pathspec.GitIgnoreSpec.from_lines(kept)
    except (ValueError, TypeError) as exc:  # pathspec: an invalid pattern
        raise UsageError(f"{origin}: not a gitignore pattern ({exc})") from None
    return _Patterns(spec, kept, base, origin)


def _read_patterns(path: Path) -> list[str]:
    try:
        return path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"--exclude-from {path}: cannot be read ({exc.__class__.__name__})") from None


def _strip_gz(rel: str) -> str:
    return rel[:-3] if rel.lower().endswith(".gz") else rel


class Selector:
    """Decides, for a path relative to the scanned folder, whether it is read, and if not, why."""

    def __init__(
        self,
        root: Path,
        include: Sequence[str] = (),
        exclude: Sequence[str] = (),
        exclude_from: Sequence[Path] = (),
        base: Path | None = None,
    ) -> None:
        self.root = os.path.abspath(root if root.is_dir() else root.parent)
        where = os.path.abspath(base) if base is not None else os.getcwd()
        # Patterns with a base of their own came from the configuration file (pdscan.toml's `exclude = [...]`).
        flag = "{} in the configuration file" if base is not None else "--{}"
        self._include = _compile(include, where, flag.format("include")) if include else None
        self._exclude = [_compile(exclude, where, flag.format("exclude"))] if exclude else []
        for path in exclude_from:
            self._exclude.append(_compile(_read_patterns(path), os.path.abspath(path.parent), str(path)))

    def _spellings(self, rel: str, base: str | None) -> list[str]:
        """The path as each set of patterns sees it: relative to the scanned folder, and to their own base."""
        rel = rel.replace(os.sep, "/").lstrip("/")
        out = [rel]
        if base is not None:
            full = os.path.join(self.root, rel)
            if full == base or full.startswith(base.rstrip(os.sep) + os.sep):
                other = os.path.relpath(full, base).replace(os.sep, "/")
                if other not in out:
                    out.append(other)
        return out + [_strip_gz(p) for p in out if _strip_gz(p) != p]

    @staticmethod
    def _hit(patterns: _Patterns, path: str) -> str | None:
        """The pattern that selects ``path`` (a file in a selected folder counts), or None."""
        parts = path.split("/")
        for i in range(1, len(parts)):  # the folders above first: git never re-includes inside an excluded folder
            result = patterns.spec.check_file("/".join(parts[:i]) + "/")
            if result.include and result.index is not None:
                return patterns.lines[result.index]
        result = patterns.spec.check_file(path)
        if result.include and result.index is not None:
            return patterns.lines[result.index]
        return None

    def _matches(self, patterns: _Patterns, rel: str) -> str | None:
        for spelling in self._spellings(rel, patterns.base):
            hit = self._hit(patterns, spelling)
            if hit is not None:
                return hit
        return None

    def excluded(self, rel: str) -> str | None:
        """Why ``rel`` is excluded (the pattern and where it was written), or None."""
        for patterns in self._exclude:
            hit = self._matches(patterns, rel)
            if hit is not None:
                return f"excluded by '{hit}' ({patterns.origin})"
        return None

    def included(self, rel: str) -> bool:
        return self._include is None or self._matches(self._include, rel) is not None

    @property
    def has_include(self) -> bool:
        return self._include is not None
