"""Issue 24: every option declared once (pdscan/cli/settings.py), read from pdscan.toml or [tool.pdscan], then the
environment, then flags; excludes with gitignore rules; the allow-list independent of how a path was spelled;
report defaults; a bare --inventory never swallows the next word."""

from __future__ import annotations

import dataclasses
import json
import os
from collections import defaultdict
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from pdscan.cli.main import main
from pdscan.cli.settings import BY_KEY, FROM_SCAN_OPTIONS, SETTINGS, settings_for
from pdscan.engines.options import ScanOptions

GOOD = "nimi;sahkoposti\nMatti Virtanen;matti.virtanen@example.fi\nLiisa Korhonen;liisa.korhonen@example.fi\n"


def _commands() -> dict[str, click.Command]:
    """Every command by its path ("scan", "rules list"), loaded as `pdscan` loads them."""
    ctx = click.Context(main)
    out: dict[str, click.Command] = {}
    for name in main.list_commands(ctx):
        command = main.get_command(ctx, name)
        assert command is not None
        if isinstance(command, click.Group):
            for sub in command.list_commands(ctx):
                subcommand = command.get_command(ctx, sub)
                assert subcommand is not None
                out[f"{name} {sub}"] = subcommand
        else:
            out[name] = command
    return out


def test_every_shared_option_is_declared_once() -> None:
    declared: dict[str, list[str]] = defaultdict(list)
    for path, command in _commands().items():
        for param in command.params:
            if isinstance(param, click.Option):
                long = max(param.opts, key=len)
                declared[long].append(path)
                setting = BY_KEY.get(long.lstrip("-"))
                if setting is not None:
                    # An option named as a registered setting is that setting: same name, same commands.
                    assert path in setting.commands, (long, path)
                    assert param.name == setting.dest, (long, path)
    shared = {flag: paths for flag, paths in declared.items() if len(paths) > 1}
    # --help aside, an option taken by two commands comes from the registry (one declaration, one help text).
    unregistered = {f: p for f, p in shared.items() if f != "--help" and f.lstrip("-") not in BY_KEY}
    assert not unregistered, unregistered
    for setting in SETTINGS:  # and every registered setting reaches each command it names
        for path in setting.commands:
            assert setting.dest in {p.name for p in _commands()[path].params}, (setting.key, path)


def test_scan_defaults_come_from_the_scan_options_model() -> None:
    fields = {f.name: f for f in dataclasses.fields(ScanOptions)}
    for setting in settings_for("scan"):
        if setting.dest in fields and setting.dest not in ("ignore_file",):
            default = fields[setting.dest].default
            assert setting.default_for("scan") == (default if default is not dataclasses.MISSING else ()), setting.key
            if default not in (None, False, ()):
                assert setting.default is FROM_SCAN_OPTIONS, f"{setting.key}: default written twice"


def _scan_options(runner: CliRunner, *args: str, env: dict[str, str] | None = None) -> dict:
    result = runner.invoke(main, [*args], env=env)
    assert result.exit_code == 0, result.output + result.stderr
    return json.loads(result.stdout)["options"]


def test_file_then_environment_then_flags(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data = tmp_path / "data"
    data.mkdir()
    (data / "a.csv").write_text(GOOD, encoding="utf-8")
    cwd = tmp_path / "work"
    cwd.mkdir()
    (cwd / "pdscan.toml").write_text('[scan]\nsample-size = 50\nmin-confidence = "medium"\nformat = "json"\n')
    runner = CliRunner()
    monkeypatch.chdir(cwd)  # the settings file is found in the working folder
    from_file = _scan_options(runner, "scan", str(data))
    assert (from_file["sample_size"], from_file["min_confidence"]) == (50, "medium")
    from_env = _scan_options(runner, "scan", str(data), env={"PDSCAN_SAMPLE_SIZE": "7"})
    assert (from_env["sample_size"], from_env["min_confidence"]) == (7, "medium")
    from_flag = _scan_options(runner, "scan", str(data), "--sample-size", "3", env={"PDSCAN_SAMPLE_SIZE": "7"})
    assert from_flag["sample_size"] == 3
    shown = runner.invoke(main, ["config", "show", "scan", "-f", "json"], env={"PDSCAN_SAMPLE_SIZE": "7"})
    rows = {r["key"]: r for r in json.loads(shown.stdout)["settings"]}
    expected = {"command": "scan", "key": "sample-size", "value": 7, "from": "PDSCAN_SAMPLE_SIZE"}
    assert rows["sample-size"] == expected
    assert rows["min-confidence"]["from"].endswith("pdscan.toml")
    assert rows["full"] == {"command": "scan", "key": "full", "value": False, "from": "default"}


def test_every_setting_is_accepted_in_the_file(tmp_path: Path) -> None:
    lines = []
    for command in sorted({c for s in SETTINGS for c in s.commands}):
        lines.append(f"[{command.replace(' ', '.')}]")
        for setting in settings_for(command):
            value = setting.default_for(command)
            if setting.config and value is not None and not isinstance(value, (tuple, Path)):
                lines.append(f"{setting.key} = {json.dumps(value)}")
    (tmp_path / "pdscan.toml").write_text("\n".join(lines) + "\n")
    result = CliRunner().invoke(main, ["--config", str(tmp_path / "pdscan.toml"), "config", "show", "-f", "json"])
    assert result.exit_code == 0, result.output
    origins = {r["from"] for r in json.loads(result.stdout)["settings"]}
    assert str((tmp_path / "pdscan.toml").resolve()) in origins


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[scan]\nsample_siz = 5\n", "[scan] sample_siz: not a setting of this command; did you mean 'sample-size'?"),
        ("[scna]\nfull = true\n", "no command [scna]; did you mean 'scan'?"),
        ("[scan]\nsample-size = 'many'\n", "[scan] sample-size: 'many' is not a valid integer"),
        ("[scan]\nformat = 'pdf'\n", "[scan] format: 'pdf' is not one of"),
        ("[find]\nfull = true\n", "[find] full: not a setting of this command"),
        ("[scan\n", "not valid TOML"),
    ],
)
def test_a_bad_file_is_one_line_naming_the_key(tmp_path: Path, text: str, message: str) -> None:
    config = tmp_path / "pdscan.toml"
    config.write_text(text)
    result = CliRunner().invoke(main, ["--config", str(config), "scan", str(tmp_path)])
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[0] and str(config.resolve()) in lines[0], result.stderr


def test_pyproject_tool_table_and_relative_patterns(tmp_path: Path) -> None:
    project = tmp_path / "project"
    (project / "data" / "hakemukset").mkdir(parents=True)
    (project / "data" / "a.csv").write_text(GOOD, encoding="utf-8")
    (project / "data" / "hakemukset" / "b.csv").write_text(GOOD, encoding="utf-8")
    pyproject = '[project]\nname = "x"\n\n[tool.pdscan.scan]\nexclude = ["data/hakemukset/"]\n'
    (project / "pyproject.toml").write_text(pyproject)
    runner = CliRunner()
    cwd = os.getcwd()
    try:
        os.chdir(project)
        report = json.loads(runner.invoke(main, ["scan", "data", "-f", "json"]).stdout)
    finally:
        os.chdir(cwd)
    assert {t["location"]["file"] for t in report["tables"]} == {"data/a.csv"}
    assert report["skipped"] == [
        {
            "path": "data/hakemukset/b.csv",
            "reason": "excluded by 'data/hakemukset/' (exclude in the configuration file)",
        }
    ]
    # The same file given with --config from elsewhere: its patterns stay relative to its own folder.
    elsewhere = runner.invoke(
        main, ["--config", str(project / "pyproject.toml"), "scan", str(project / "data"), "-f", "json"]
    )
    assert {t["location"]["file"] for t in json.loads(elsewhere.stdout)["tables"]} == {f"{project}/data/a.csv"}


@pytest.mark.parametrize(
    "pattern", ["hakemukset/*", "hakemukset/", "hakemukset", "**/hakemukset/**", "data/hakemukset/", "/hakemukset"]
)
def test_every_spelling_of_a_folder_excludes_it(tmp_path: Path, pattern: str) -> None:
    data = tmp_path / "data"
    (data / "hakemukset" / "2026").mkdir(parents=True)
    (data / "a.csv").write_text(GOOD, encoding="utf-8")
    (data / "hakemukset" / "b.csv").write_text(GOOD, encoding="utf-8")
    (data / "hakemukset" / "2026" / "c.csv").write_text(GOOD, encoding="utf-8")
    runner = CliRunner()
    cwd = os.getcwd()
    try:
        os.chdir(tmp_path)
        report = json.loads(runner.invoke(main, ["scan", "data", "--exclude", pattern, "-f", "json"]).stdout)
    finally:
        os.chdir(cwd)
    assert {t["location"]["file"] for t in report["tables"]} == {"data/a.csv"}, pattern
    assert len(report["skipped"]) == 2 and all(pattern in s["reason"] for s in report["skipped"])


def test_exclude_from_reads_a_gitignore_file(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    for name in ("a.csv", "b.csv", "keep.log", "x.log"):
        (data / name).write_text(GOOD, encoding="utf-8")
    ignore = tmp_path / "scanignore"
    ignore.write_text("# old exports\ndata/b.csv\n*.log\n!keep.log\n")
    report = json.loads(
        CliRunner().invoke(main, ["scan", str(data), "--exclude-from", str(ignore), "-f", "json"]).stdout
    )
    assert {Path(t["location"]["file"]).name for t in report["tables"]} == {"a.csv", "keep.log"}


def test_allow_list_paths_are_normalised_and_unused_entries_warned(tmp_path: Path) -> None:
    data = tmp_path / "exports"
    data.mkdir()
    (data / "a.csv").write_text(GOOD, encoding="utf-8")
    (tmp_path / ".pdscanignore").write_text(
        "version: 1\nignore:\n"
        '  - fingerprint: "./exports/:./exports/a.csv :: sahkoposti:EMAIL_ADDRESS"\n    reason: test data\n'
        '  - fingerprint: "exports:exports/gone.csv :: x:PERSON"\n    reason: a file since removed\n'
    )
    runner = CliRunner()
    cwd = os.getcwd()
    try:
        os.chdir(tmp_path)
        for spelling in ("exports", "exports/", str(data)):  # the same folder however it is written
            result = runner.invoke(main, ["scan", spelling, "-f", "json"])
            report = json.loads(result.stdout)
            assert [s["reason"] for s in report["suppressed"]] == ["test data"], spelling
            assert "EMAIL_ADDRESS" not in {f["entity"] for f in report["findings"]}
            assert len(report["warnings"]) == 1 and "ignore[1]" in report["warnings"][0]
            assert "matched no finding" in result.stderr
    finally:
        os.chdir(cwd)


def test_a_bare_inventory_does_not_swallow_the_source(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    (data / "a.csv").write_text(GOOD, encoding="utf-8")
    inventory = tmp_path / "inv.sqlite"
    runner = CliRunner()
    result = runner.invoke(main, ["scan", "--inventory", str(data), "-q"], env={"PDSCAN_INVENTORY": str(inventory)})
    assert result.exit_code == 0, result.output + result.stderr
    history = runner.invoke(main, ["history", "--inventory", str(inventory), "-f", "json"])
    assert [r["sources"] for r in json.loads(history.stdout)["runs"]] == [[str(data)]]


def test_report_defaults_text_on_stdout_and_html_in_a_file(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    (data / "a.csv").write_text(GOOD, encoding="utf-8")
    runner = CliRunner()
    scan = tmp_path / "scan.json"
    runner.invoke(main, ["scan", str(data), "-f", "json", "-o", str(scan)])
    text = runner.invoke(main, ["report", str(scan)])
    assert text.exit_code == 0 and "<html" not in text.stdout.lower() and "a.csv" in text.stdout
    assert runner.invoke(main, ["report", str(scan), "-o", str(tmp_path / "r.html")]).exit_code == 0
    assert (tmp_path / "r.html").read_text(encoding="utf-8").lstrip().lower().startswith("<!doctype html")
    inventory = tmp_path / "inv.sqlite"
    runner.invoke(main, ["scan", str(data), "-q", "--inventory", str(inventory)])
    periodic = runner.invoke(main, ["report", "--inventory", str(inventory), "-f", "text"])
    assert periodic.exit_code == 0, periodic.output + periodic.stderr
    assert "<" not in periodic.stdout and periodic.stdout.strip()


@pytest.mark.parametrize("encoding", ["ascii", "latin-1"])
def test_a_stdout_that_is_not_utf8_never_crashes(tmp_path: Path, encoding: str) -> None:
    import subprocess
    import sys

    (tmp_path / "asiakkaat.csv").write_text("nimi;sähköposti\nÄijä Mäkelä;aija.makela@example.fi\n", encoding="utf-8")
    pdscan = str(Path(sys.executable).with_name("pdscan"))
    env = {**os.environ, "PYTHONIOENCODING": encoding, "COLUMNS": "80"}
    for args in (
        ["scan", str(tmp_path), "--lang", "fi"],
        ["find", "--name", "Äijä Mäkelä", str(tmp_path), "--inventory", str(tmp_path / "inv.sqlite")],
        ["config", "show", "scan"],
    ):
        done = subprocess.run([pdscan, *args], capture_output=True, env=env, timeout=120, check=False)
        assert done.returncode == 0, (args, done.stderr.decode(encoding, errors="replace")[-800:])
        assert b"Traceback" not in done.stderr


def test_a_mistyped_command_gets_a_suggestion() -> None:
    result = CliRunner().invoke(main, ["scna", "sample_data"])
    assert result.exit_code == 2
    assert "No such command 'scna'. Did you mean 'scan'?" in result.stderr


def test_config_show_never_prints_an_inventory_password(tmp_path: Path) -> None:
    config = tmp_path / "pdscan.toml"
    config.write_text('[scan]\ninventory = "postgresql://pdscan:s3cr3t-pw@db.example/inventory"\n')
    for fmt in ("text", "json"):
        shown = CliRunner().invoke(main, ["--config", str(config), "config", "show", "scan", "-f", fmt])
        assert shown.exit_code == 0, shown.output
        assert "s3cr3t-pw" not in shown.output and "postgresql://pdscan:***@db.example/inventory" in shown.output
