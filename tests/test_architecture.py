"""The shape of the code: the layers hold (import-linter), no package reaches into another's private names, and the
README documents exactly the commands and options the CLI has (sqlite-utils style)."""

from __future__ import annotations

import ast
import re
import shutil
import subprocess
from pathlib import Path

import click

from pdscan.cli.main import main

REPO = Path(__file__).resolve().parent.parent
PACKAGE = REPO / "pdscan"
README = (REPO / "README.md").read_text(encoding="utf-8")
# Options the README shows for other tools' commands, not pdscan's: `ruff format --check`, `systemctl enable --now`.
OTHER_TOOLS_OPTIONS = {"--check", "--now"}


def test_the_import_layers_hold() -> None:
    lint_imports = shutil.which("lint-imports")
    assert lint_imports is not None, "import-linter is a test dependency: pip install '.[test]'"
    run = subprocess.run([lint_imports], cwd=REPO, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-2000:]
    assert "0 broken" in run.stdout


def _module(path: Path) -> str:
    parts = path.relative_to(REPO).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _package(module: str) -> str:
    """The subpackage a module belongs to (pdscan.detect.core -> pdscan.detect; pdscan.scan -> pdscan)."""
    parts = module.split(".")
    return ".".join(parts[:2]) if len(parts) > 2 or (PACKAGE / parts[-1]).is_dir() else parts[0]


def _offences(module: str, source: str) -> list[str]:
    """``from pdscan.x import _private`` where x is another subpackage than the importing module's."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.ImportFrom) or not node.module or not node.module.startswith("pdscan"):
            continue
        if _package(node.module) == _package(module):
            continue
        for alias in node.names:
            if alias.name.startswith("_") and not alias.name.startswith("__"):
                found.append(f"{module}: from {node.module} import {alias.name}")
    return found


def test_no_package_imports_another_packages_private_names() -> None:
    offences = [
        line
        for path in sorted(PACKAGE.rglob("*.py"))
        for line in _offences(_module(path), path.read_text(encoding="utf-8"))
    ]
    assert offences == []


def test_no_engine_code_names_an_entity_or_a_rule() -> None:
    # Rules are data: what an entity needs (its evidence, its card, its DSAR identifier, what it yields to) is in its
    # YAML file. A string in the code that is exactly an entity's or a rule's name is a special case in the engine.
    from pdscan.detect.rules import load_rules

    rules = load_rules()
    names = {r.entity for r in rules} | {r.id for r in rules if "-" in r.id}  # "email" is also a masker's name
    offences = [
        f"{path.relative_to(REPO)}:{node.lineno}: {node.value}"
        for path in sorted(PACKAGE.rglob("*.py"))
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value in names
    ]
    assert offences == []


def test_the_private_import_check_sees_an_offender() -> None:
    # What the engines did before the architecture step: the check must catch it, and allow a package's own.
    assert _offences("pdscan.engines.dask", "def f():\n    from pdscan.scan import _Run, ScanOptions\n") == [
        "pdscan.engines.dask: from pdscan.scan import _Run"
    ]
    assert _offences("pdscan.detect.core", "from pdscan.detect.names import _TOKEN\n") == []
    assert _offences("pdscan.cli.main", "from pdscan import __version__\n") == []


def _commands(command: click.Command, path: list[str]) -> list[tuple[list[str], click.Command]]:
    found = [(path, command)]
    if isinstance(command, click.Group):
        ctx = click.Context(command)
        for name in command.list_commands(ctx):
            sub = command.get_command(ctx, name)
            assert sub is not None, name
            found.extend(_commands(sub, [*path, name]))
    return found


def _cli_options() -> dict[str, list[str]]:
    options: dict[str, list[str]] = {}
    for path, command in _commands(main, []):
        for param in command.get_params(click.Context(command)):
            if isinstance(param, click.Option):
                for opt in [*param.opts, *param.secondary_opts]:
                    if opt.startswith("--"):
                        options.setdefault(opt, []).append(" ".join(["pdscan", *path]))
    return options


def test_every_command_has_help_with_an_example() -> None:
    from click.testing import CliRunner

    for path, _command in _commands(main, []):
        result = CliRunner().invoke(main, [*path, "--help"])
        assert result.exit_code == 0
        assert "Example" in result.output, f"'pdscan {' '.join(path)}' --help has no example"


def test_every_command_is_in_the_readme() -> None:
    missing = [" ".join(p) for p, _ in _commands(main, []) if p and f"pdscan {' '.join(p)}" not in README]
    assert missing == []


def test_every_option_of_every_command_is_in_the_readme() -> None:
    documented = set(re.findall(r"(?<![\w-])--[a-z][a-z0-9-]*", README))
    missing = {opt: where for opt, where in _cli_options().items() if opt not in documented}
    assert missing == {}


def test_every_option_the_readme_names_exists() -> None:
    documented = set(re.findall(r"(?<![\w-])--[a-z][a-z0-9-]*", README))
    unknown = documented - set(_cli_options()) - OTHER_TOOLS_OPTIONS
    assert unknown == set()


def test_registries_feed_the_cli_and_the_readers() -> None:
    from pdscan.engines import ENGINES, engine_class
    from pdscan.sources.files import supported
    from pdscan.sources.formats import BY_EXTENSION, FORMATS
    from pdscan.sources.sql.dialects import DIALECTS, SYSTEM_SCHEMAS, Dialect

    scan_command = main.get_command(click.Context(main), "scan")
    assert scan_command is not None
    engine = next(p for p in scan_command.params if p.name == "engine")
    assert isinstance(engine.type, click.Choice) and list(engine.type.choices) == list(ENGINES) == [
        "local",
        "dask",
        "spark",
    ]
    assert all(engine_class(name).name == name for name in ENGINES)
    assert {ext for f in FORMATS for ext in f.extensions} == set(BY_EXTENSION)
    assert all(supported(f"export{ext}") and supported(f"export{ext}.gz") for ext in BY_EXTENSION)
    assert not supported("notes.pages")  # Apple Pages: no reader
    assert all(issubclass(d, Dialect) for d in DIALECTS.values())
    assert {"pg_catalog", "information_schema", "performance_schema"} <= SYSTEM_SCHEMAS
