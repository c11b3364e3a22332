"""The Dockerfile, read without Docker (none on the test machines): a slim Python base, the DB drivers through extras
pyproject.toml defines, everything the wheel needs copied in and let through by .dockerignore, a non-root user, and
`pdscan` as the entry point in /data."""

from __future__ import annotations

import fnmatch
import json
import re
import sys
from pathlib import Path

import pytest

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    tomllib = pytest.importorskip("tomli")

REPO = Path(__file__).resolve().parents[2]
PYPROJECT = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))


def _instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) in order, with continuation lines joined and comments dropped."""
    text = (REPO / "Dockerfile").read_text(encoding="utf-8")
    lines = [line for line in text.splitlines() if not line.lstrip().startswith("#")]
    joined = re.sub(r"\\\n", " ", "\n".join(lines))
    found = []
    for line in joined.splitlines():
        if line.strip():
            keyword, _, rest = line.strip().partition(" ")
            found.append((keyword.upper(), rest.strip()))
    return found


def _last(instructions: list[tuple[str, str]], keyword: str) -> tuple[int, str]:
    index = max(i for i, (k, _) in enumerate(instructions) if k == keyword)
    return index, instructions[index][1]


def test_the_image_is_python_slim_and_runs_pdscan_in_data() -> None:
    steps = _instructions()
    assert {k for k, _ in steps} <= {"FROM", "LABEL", "ENV", "WORKDIR", "COPY", "RUN", "USER", "ENTRYPOINT", "CMD"}
    assert steps[0] == ("FROM", "python:3.11-slim")
    assert json.loads(_last(steps, "ENTRYPOINT")[1]) == ["pdscan"]
    assert _last(steps, "WORKDIR")[1] == "/data"
    assert "pdscan" in PYPROJECT["project"]["scripts"]


def test_the_image_runs_as_a_user_that_is_not_root() -> None:
    steps = _instructions()
    user_at, user = _last(steps, "USER")
    assert user.split(":")[0] not in {"root", "0", ""}
    assert user_at > _last(steps, "RUN")[0], "a RUN after USER would run as that user; the last one must come before"
    assert re.search(rf"useradd\b[^&]*\b{re.escape(user)}\b", _last(steps, "RUN")[1])


def test_the_drivers_come_from_extras_pyproject_defines() -> None:
    run = " ".join(args for k, args in _instructions() if k == "RUN")
    installs = re.findall(r"pip install[^&]*?'?\.\[([a-z,]+)\]'?", run)
    assert installs, run
    extras = {e for group in installs for e in group.split(",")}
    assert {"postgres", "mysql"} <= extras
    defined = PYPROJECT["project"]["optional-dependencies"]
    assert extras <= set(defined)
    assert any(d.startswith("psycopg") for d in defined["postgres"])
    assert any(d.startswith("pymysql") for d in defined["mysql"])


def _ignored(path: str, patterns: list[str]) -> bool:
    """Docker's rule: the last pattern that matches decides (``!`` lets a path back in)."""
    ignored = False
    for pattern in patterns:
        negate = pattern.startswith("!")
        body = pattern.lstrip("!").rstrip("/")
        for prefix in [path, *(str(p) for p in Path(path).parents if str(p) != ".")]:
            if fnmatch.fnmatch(prefix, body) or fnmatch.fnmatch(prefix, body.replace("**/", "")):
                ignored = not negate
                break
    return ignored


def test_what_the_wheel_needs_is_copied_and_not_ignored() -> None:
    copied = [src for k, args in _instructions() if k == "COPY" for src in args.split()[:-1]]
    wheel = PYPROJECT["tool"]["hatch"]["build"]["targets"]["wheel"]
    needed = {"pyproject.toml", PYPROJECT["project"]["readme"], *wheel["packages"], *wheel["force-include"]}
    assert needed <= set(copied)
    patterns = [
        line.strip()
        for line in (REPO / ".dockerignore").read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    ]
    for src in copied:
        assert (REPO / src).exists(), src
        assert not _ignored(src, patterns), f"{src} is copied but .dockerignore leaves it out"
    assert not _ignored("pdscan/scan.py", patterns) and not _ignored("rules/fi_hetu.yaml", patterns)
    for path in [".venv/bin/python", ".git/HEAD", "tests/conftest.py", "pdscan/__pycache__/scan.cpython-311.pyc"]:
        assert _ignored(path, patterns), path
