"""Where a repository fetched with the library's `fetch` tool keeps its git directory (shared by the bench's fetch
scripts: bench/realdata/fetch.py and bench/notices/fetch.py)."""

from __future__ import annotations

from pathlib import Path


def git_dir(mirror: Path, repo: str) -> Path | None:
    """The git directory of ``owner/name`` under ``mirror`` (``owner+name/...``), or None when it is not fetched."""
    folder = mirror / repo.replace("/", "+")
    if not folder.exists():
        return None
    if (folder / "HEAD").exists():
        return folder
    found = [p.parent for p in folder.rglob("HEAD") if (p.parent / "objects").is_dir()]
    return found[0] if found else None
