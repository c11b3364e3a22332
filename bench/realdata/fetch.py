"""Copy the benchmark's real files into the cache, each from its repository at the manifest's commit.

    python bench/realdata/fetch.py [--mirror DIR] [--cache DIR]

The repositories must have been fetched (snapshots as bare git directories under ``--mirror``, default
/work/.mirror, named ``owner+name`` as the fetch tool lays them out). Nothing is downloaded here, and nothing is
written into the repository: files go to ``$PDSCAN_REALDATA_CACHE`` (default ``~/.cache/pdscan-realdata``), one
folder per manifest id. A file whose repository or commit is missing is named and skipped.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from mirror import git_dir as repository_dir

HERE = Path(__file__).resolve().parent


def cache_dir() -> Path:
    return Path(os.environ.get("PDSCAN_REALDATA_CACHE", Path.home() / ".cache" / "pdscan-realdata"))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mirror", type=Path, default=Path("/work/.mirror"))
    parser.add_argument("--cache", type=Path, default=cache_dir())
    args = parser.parse_args()
    manifest = yaml.safe_load((HERE / "manifest.yaml").read_text(encoding="utf-8"))
    copied = missing = 0
    for entry in manifest:
        target = args.cache / entry["id"] / entry["file"]
        if target.exists():
            copied += 1
            continue
        git_dir = repository_dir(args.mirror, entry["repo"])
        if git_dir is None:
            print(f"{entry['id']}: repository {entry['repo']} not fetched, skipped", file=sys.stderr)
            missing += 1
            continue
        shown = subprocess.run(
            ["git", "--git-dir", str(git_dir), "show", f"{entry['commit']}:{entry['path']}"],
            capture_output=True,
            check=False,
        )
        if shown.returncode != 0:
            print(f"{entry['id']}: {entry['path']} not at {entry['commit'][:10]}, skipped", file=sys.stderr)
            missing += 1
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(shown.stdout)
        copied += 1
    print(f"{copied} files in {args.cache}, {missing} missing")
    return 0


if __name__ == "__main__":
    sys.exit(main())
