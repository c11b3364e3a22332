"""Mutation testing of the validators and the masks (issue 23): would the tests notice a wrong HETU check or a mask
that keeps too much?

Needs mutmut 3 in the environment that runs pdscan's tests (the test extra has it, or pip install 'mutmut>=3.8,<4'):

    python bench/mutation.py [--max-children N] [--keep] [--committed] [--mutant PATTERN]

The repository is cloned into a temporary directory (uncommitted changes to pdscan/, tests/, rules/ and pyproject.toml
are copied over unless --committed), so the working tree is never mutated. mutmut 3 copies the clone's code into
mutants/ and puts that first on sys.path; its forced-fail run stops the run if the tests do not import the mutated
copy (an editable install of another checkout, say). Every mutant of pdscan/detect/validators.py and
pdscan/detect/masking.py is then run against the fast tests that exercise them (TESTS below), in forked workers of a
fork server: detect's thread pool would not survive a fork of a process that has already run a scan.

A surviving mutant (and one no selected test reaches) is either killed by a new test or explained in
bench/mutation_explained.yaml: equivalent (no observable change) or harmless (performance only), one line each.
Entries are keyed by function and the normalised removed and added lines of the mutant's diff, not by mutmut's
numbered names, which shift whenever a function changes. The script prints the totals and every unexplained
survivor (file, line, diff), and exits 1 if there is one; explained entries that no survivor matches any more are
listed as stale (a test now kills them, or the code changed) so they can be dropped.
"""

from __future__ import annotations

import argparse
import ast
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]
EXPLAINED = REPO / "bench" / "mutation_explained.yaml"
MUTATED = ["pdscan/detect/validators.py", "pdscan/detect/masking.py"]
# The tests that exercise validators and masks and take seconds (tests/detect/test_realworld.py takes 40 s, the
# accuracy gates of test_quality.py measure rates, not rules).
TESTS = [
    "tests/detect/test_validators.py",
    "tests/detect/test_masking.py",
    "tests/detect/test_rules.py",
    "tests/detect/test_evidence.py",
    "tests/detect/test_detect.py",
    "tests/detect/test_shape.py",
    "tests/detect/test_mentions.py",
]
OVERLAID = ("pdscan/", "tests/", "rules/", "pyproject.toml")

# Written into the clone only. source_paths is the package mutmut copies to mutants/; only_mutate limits the
# mutants to the two modules.
SETUP_CFG = "\n".join(
    [
        "[mutmut]",
        "source_paths=pdscan",
        "only_mutate=",
        *(f"    {path}" for path in MUTATED),
        "also_copy=",
        "    rules/",
        "    tests/",
        "pytest_add_cli_args_test_selection=",
        *(f"    {path}" for path in TESTS),
        "process_isolation=forkserver",
        "",
    ]
)

# Run inside the clone: each mutant's status and, for the ones not killed, its diff, through mutmut's own API.
DUMP = """
import json, sys
from pathlib import Path
from mutmut.mutation.data import SourceFileMutationData
from mutmut.mutation.diff_apply import get_diff_for_mutant
from mutmut.stats import status_by_exit_code
rows = []
for path in sys.argv[1:]:
    data = SourceFileMutationData(path=Path(path))
    data.load()
    for name, code in data.exit_code_by_key.items():
        status = status_by_exit_code[code]
        diff = "" if status in ("killed", "not checked") else get_diff_for_mutant(name, path=path)
        rows.append({"name": name, "path": path, "status": status, "diff": diff})
json.dump(rows, sys.stdout)
"""

SURVIVED = ("survived", "no tests")  # a mutant no selected test reaches is as undetected as one that survives
TIMEOUT = "timeout"


def _git(*args: str, cwd: Path = REPO) -> str:
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True).stdout


def clone(target: Path, committed: bool) -> list[str]:
    """A fresh clone of the repository at ``target``, with the working tree's uncommitted changes unless
    ``committed``; returns the paths copied over."""
    _git("clone", "-q", str(REPO), str(target))
    copied: list[str] = []
    if committed:
        return copied
    entries = _git("status", "--porcelain=v1", "-z", "--untracked-files=all").split("\0")
    skip = False
    for entry in entries:
        if skip or not entry:
            skip = False
            continue
        code, path = entry[:2], entry[3:]
        skip = code[0] in "RC"  # a rename's old path follows as its own entry
        if not path.startswith(OVERLAID):
            continue
        source, dest = REPO / path, target / path
        if source.is_file():
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, dest)
        elif dest.exists():
            dest.unlink()
        copied.append(path)
    return copied


def function_of(name: str) -> str:
    """``pdscan.detect.validators.x__fi_hetu_many__mutmut_4`` -> ``validators._fi_hetu_many``; methods are
    ``module.Class.method`` (mutmut spells them ``xǁClassǁmethod``)."""
    module, _, mangled = name.rpartition(".")
    mangled = mangled.rpartition("__mutmut_")[0]
    return f"{module.rpartition('.')[2]}.{mangled[2:].replace('ǁ', '.')}"  # x_name, or xǁClassǁmethod


def changed_lines(diff: str) -> tuple[str, str]:
    """The removed and the added lines of a diff, each side joined and with its whitespace normalised."""
    removed, added = [], []
    for line in diff.splitlines():
        if line.startswith(("---", "+++")):
            continue
        if line.startswith("-"):
            removed.append(line[1:])
        elif line.startswith("+"):
            added.append(line[1:])
    return " ".join(" ".join(removed).split()), " ".join(" ".join(added).split())


def line_of(source: Path, function: str, removed: str) -> int | None:
    """The line of the original source where the mutant's removed text starts, within its function."""
    tree = ast.parse(source.read_text(encoding="utf-8"))
    parts = function.split(".")[1:]
    nodes: list[ast.AST] = list(tree.body)
    found: ast.AST | None = None
    for part in parts:
        found = next(
            (n for n in nodes if isinstance(n, ast.FunctionDef | ast.ClassDef) and n.name == part),
            None,
        )
        if found is None:
            return None
        nodes = list(getattr(found, "body", []))
    if found is None:
        return None
    lines = source.read_text(encoding="utf-8").splitlines()
    start, end = found.lineno, found.end_lineno or found.lineno
    first = removed.split(" ")[0:6]  # the first words of the removed text, whitespace-normalised
    for number in range(start, end + 1):
        if " ".join(lines[number - 1].split()).startswith(" ".join(first)):
            return number
    return start


def load_explained(path: Path) -> dict[tuple[str, str, str], str]:
    entries = (yaml.safe_load(path.read_text(encoding="utf-8")) if path.exists() else None) or []
    explained: dict[tuple[str, str, str], str] = {}
    for entry in entries:
        key = (entry["function"], " ".join(entry["removed"].split()), " ".join(entry["added"].split()))
        if not entry.get("reason"):
            raise SystemExit(f"{path}: no reason for {key}")
        if key in explained:
            raise SystemExit(f"{path}: {key} is listed twice")
        explained[key] = entry["reason"]
    return explained


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--max-children", type=int, default=os.cpu_count() or 1, help="parallel mutant workers")
    parser.add_argument("--keep", action="store_true", help="keep the temporary clone (its mutants/ and log)")
    parser.add_argument("--committed", action="store_true", help="test HEAD only, without uncommitted changes")
    parser.add_argument("--mutant", action="append", default=[], help="run only these mutmut names (globs)")
    parser.add_argument("--explained", type=Path, default=EXPLAINED)
    args = parser.parse_args()

    explained = load_explained(args.explained)
    tmp = Path(tempfile.mkdtemp(prefix="pdscan-mutation-"))
    work = tmp / "repo"
    started = time.monotonic()
    try:
        copied = clone(work, args.committed)
        if copied:
            print(f"uncommitted changes copied into the clone: {', '.join(copied)}")
        if (work / "setup.cfg").exists() or "[tool.mutmut]" in (work / "pyproject.toml").read_text(encoding="utf-8"):
            raise SystemExit("the repository has a mutmut configuration of its own: this script writes setup.cfg")
        (work / "setup.cfg").write_text(SETUP_CFG, encoding="utf-8")
        log = tmp / "mutmut.log"
        command = [sys.executable, "-m", "mutmut", "run", "--max-children", str(args.max_children), *args.mutant]
        print(f"running mutmut in {work} ({len(TESTS)} test files, {args.max_children} workers); log: {log}")
        with log.open("w", encoding="utf-8") as out:
            run = subprocess.run(command, cwd=work, stdout=out, stderr=subprocess.STDOUT, check=False)
        if run.returncode != 0:
            print(log.read_text(encoding="utf-8", errors="replace")[-3000:])
            print(f"mutmut failed with exit code {run.returncode}", file=sys.stderr)
            return 2
        dumped = subprocess.run(
            [sys.executable, "-c", DUMP, *MUTATED], cwd=work, check=True, capture_output=True, text=True
        )
        rows = json.loads(dumped.stdout)
        elapsed = time.monotonic() - started

        statuses = Counter(row["status"] for row in rows)
        if statuses["killed"] == 0:
            print("no mutant was killed: did the tests run the mutated code?", file=sys.stderr)
            return 2
        unexplained = []
        matched: set[tuple[str, str, str]] = set()
        n_explained = 0
        for row in rows:
            if row["status"] not in SURVIVED:
                continue
            function = function_of(row["name"])
            removed, added = changed_lines(row["diff"])
            key = (function, removed, added)
            if key in explained:
                matched.add(key)
                n_explained += 1
            else:
                line = line_of(work / row["path"], function, removed)
                unexplained.append((row, function, line, removed, added))

        for row, function, line, removed, added in unexplained:
            print(f"\nUNEXPLAINED {row['status']}: {row['path']}:{line} {function} ({row['name']})")
            body = [d for d in row["diff"].splitlines() if d.startswith(("-", "+")) and not d.startswith(("--", "++"))]
            print("\n".join("    " + d for d in body))
            print(f"  - function: {function}\n    removed: {json.dumps(removed)}\n    added: {json.dumps(added)}")
        stale = [key for key in explained if key not in matched]
        if stale and not args.mutant:
            print(f"\n{len(stale)} explained entries match no survivor any more (killed now, or the code changed):")
            for function, removed, added in stale:
                print(f"  {function}: {removed!r} -> {added!r}")

        survived = sum(statuses[s] for s in SURVIVED)
        print(f"\nmutants of {', '.join(MUTATED)}, {elapsed / 60:.1f} min")
        print(f"  total                 {sum(statuses.values())}")
        print(f"  killed                {statuses['killed']}")
        print(f"  survived, explained   {n_explained}")
        print(f"  survived, unexplained {len(unexplained)}")
        print(f"  timeouts              {statuses[TIMEOUT]}")
        others = {s: n for s, n in statuses.items() if s not in ("killed", TIMEOUT, *SURVIVED)}
        if statuses["no tests"]:
            print(f"  (of the survivors, {statuses['no tests']} are reached by no selected test)")
        for status, n in sorted(others.items()):
            print(f"  {status:<21} {n}")
        assert survived == n_explained + len(unexplained)
        return 1 if unexplained else 0
    finally:
        if args.keep:
            print(f"kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
