"""The pre-commit hook (.pre-commit-hooks.yaml) runs a real pdscan command with real flags, on data files only.

`pre-commit try-repo` was run by hand on this repository (it installs pdscan into a fresh virtualenv: 1.5 minutes):
the hook failed a commit of sample_data/crm_contacts.csv and skipped one of a .py file."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import click
import yaml
from click.testing import CliRunner

from pdscan.cli.main import main
from pdscan.sources.formats import BY_EXTENSION

REPO = Path(__file__).resolve().parents[2]
HOOKS = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))


def _hook() -> dict[str, object]:
    (hook,) = [h for h in HOOKS if h["id"] == "pdscan"]
    return hook


def test_the_hook_runs_pdscan_scan_with_flags_it_has() -> None:
    hook = _hook()
    assert hook["language"] == "python" and hook["pass_filenames"] is True
    program, command, *flags = shlex.split(str(hook["entry"]))
    assert program == "pdscan"  # the console script pyproject.toml installs
    assert command in CliRunner().invoke(main, ["--help"]).output
    scan = main.get_command(click.Context(main), command)
    assert scan is not None
    options = {opt for p in scan.params if isinstance(p, click.Option) for opt in [*p.opts, *p.secondary_opts]}
    help_text = CliRunner().invoke(main, [command, "--help"]).output
    for flag in (f for f in flags if f.startswith("-")):
        assert flag in options and flag in help_text, flag
    assert flags[flags.index("--fail-on") + 1] == "medium"
    # pdscan parses the entry and the file names pre-commit appends.
    run = CliRunner().invoke(main, [command, *flags, "--help"])
    assert run.exit_code == 0, run.output


def test_the_hook_matches_data_files_and_not_code() -> None:
    files = re.compile(str(_hook()["files"]))
    samples = [p for p in (REPO / "sample_data").rglob("*") if p.is_file() and p.suffix not in {".py", ".md"}]
    assert len(samples) >= 8
    for path in samples:
        assert files.search(path.relative_to(REPO).as_posix()), path
    for name in ["exports/asiakkaat.CSV", "hr/palkat.xlsx", "dump/orders.jsonl.gz", "mail/hakemus.eml", "a.zip"]:
        assert files.search(name), name
    for name in ["pdscan/scan.py", "tests/conftest.py", "README.md", "docs/index.html", "Dockerfile", "x.csv.py"]:
        assert not files.search(name), name


def test_every_extension_the_hook_matches_is_one_pdscan_reads() -> None:
    pattern = str(_hook()["files"])
    names = re.search(r"\(\?:\(\?:([a-z|]+)\)", pattern)
    assert names is not None, pattern
    assert {f".{ext}" for ext in names.group(1).split("|")} <= set(BY_EXTENSION)
