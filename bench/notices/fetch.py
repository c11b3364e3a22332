"""Restore the privacy notices of the draft benchmark into the cache, each from its repository at the manifest's commit.

    python bench/notices/fetch.py [--mirror DIR] [--cache DIR] [--texts] [--update-hashes]

The repositories must have been fetched (snapshots as bare git directories under ``--mirror``, default /work/.mirror,
named ``owner+name`` as the fetch tool lays them out). Nothing is downloaded here. A notice whose licence lets us
redistribute it is committed under texts/ (``committed: true``); every other one is written to
``$PDSCAN_NOTICES_CACHE`` (default ``~/.cache/pdscan/notices``), one folder per manifest id, never into the
repository. Each text has the manifest's ``redact`` patterns replaced by ``[redacted]`` (named private persons'
contact details) and must match the manifest's sha256: the text the hand-made label was made on. A notice whose
repository or commit is missing, or whose text differs, is named and skipped.

--texts also rewrites the committed texts from the mirror; --update-hashes writes the sha256 of every restored text
into the manifest (for a maintainer adding a notice).
"""

from __future__ import annotations

import argparse
import hashlib
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from mirror import git_dir as repository_dir

HERE = Path(__file__).resolve().parent
MANIFEST = HERE / "manifest.yaml"
TEXTS = HERE / "texts"


def cache_dir() -> Path:
    return Path(os.environ.get("PDSCAN_NOTICES_CACHE", Path.home() / ".cache" / "pdscan" / "notices"))


def load_manifest() -> list[dict[str, Any]]:
    return yaml.safe_load(MANIFEST.read_text(encoding="utf-8"))


def notice_path(entry: dict[str, Any], cache: Path | None = None) -> Path:
    """Where the bench reads a notice: texts/ when committed, else the cache."""
    if entry.get("committed"):
        return TEXTS / entry["file"]
    return (cache or cache_dir()) / entry["id"] / entry["file"]


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def redact(data: bytes, patterns: list[str]) -> bytes:
    if not patterns:
        return data
    text = data.decode("utf-8")
    for pattern in patterns:
        text = re.sub(pattern, "[redacted]", text)
    return text.encode("utf-8")


def from_mirror(entry: dict[str, Any], mirror: Path) -> tuple[bytes | None, str]:
    """The redacted text at the manifest's commit, or None and why not."""
    git_dir = repository_dir(mirror, entry["repo"])
    if git_dir is None:
        return None, f"repository {entry['repo']} not fetched"
    shown = subprocess.run(
        ["git", "--git-dir", str(git_dir), "show", f"{entry['commit']}:{entry['path']}"],
        capture_output=True,
        check=False,
    )
    if shown.returncode != 0:
        return None, f"{entry['path']} not at {entry['commit'][:10]}"
    return redact(shown.stdout, entry.get("redact") or []), ""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mirror", type=Path, default=Path("/work/.mirror"))
    parser.add_argument("--cache", type=Path, default=cache_dir())
    parser.add_argument("--texts", action="store_true", help="also rewrite the committed texts from the mirror")
    parser.add_argument("--update-hashes", action="store_true", help="write the restored texts' sha256 to the manifest")
    args = parser.parse_args()
    manifest = load_manifest()
    hashes: dict[str, str] = {}
    ready = missing = 0
    for entry in manifest:
        target = notice_path(entry, args.cache)
        refresh = args.update_hashes or (entry.get("committed") and args.texts)
        if target.exists() and not refresh:
            ready += 1
            continue
        data, why = from_mirror(entry, args.mirror)
        if data is None:
            print(f"{entry['id']}: {why}, skipped", file=sys.stderr)
            missing += 1
            continue
        digest = sha256(data)
        if args.update_hashes:
            hashes[entry["id"]] = digest
        elif entry.get("sha256") and digest != entry["sha256"]:
            print(f"{entry['id']}: text differs from the labelled one (sha256 {digest[:12]}), skipped", file=sys.stderr)
            missing += 1
            continue
        if entry.get("committed") and not (args.texts or args.update_hashes):
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        ready += 1
    if hashes:
        _write_hashes(hashes)
    print(f"{ready} notices ready ({args.cache} and {TEXTS}), {missing} missing")
    return 0


def _write_hashes(hashes: dict[str, str]) -> None:
    """Set each entry's sha256 line in the manifest, keeping its comments and layout."""
    lines = MANIFEST.read_text(encoding="utf-8").splitlines()
    out: list[str] = []
    current = None
    for line in lines:
        if line.startswith("- id: "):
            current = line[len("- id: ") :].strip()
        if current in hashes and line.startswith("  sha256:"):
            continue
        out.append(line)
        if current in hashes and line.startswith("  file: "):
            out.append(f"  sha256: {hashes[current]}")
    MANIFEST.write_text("\n".join(out) + "\n", encoding="utf-8")


if __name__ == "__main__":
    sys.exit(main())
