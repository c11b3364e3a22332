"""Settings from ``pdscan.toml`` (or ``[tool.pdscan]`` in ``pyproject.toml``) and ``PDSCAN_*`` variables.

Precedence, lowest first: the defaults, the configuration file, the environment, the command line. The file is
``--config FILE`` (or ``$PDSCAN_CONFIG``), else ``pdscan.toml`` in the working folder, else ``pyproject.toml`` there
when it has a ``[tool.pdscan]`` table. It has one table per command, keyed as the long flags::

    [scan]
    exclude = ["data/hakemukset/", "*.log"]
    declaration = "entrack"
    lang = "fi"

    [rules.list]
    rules = ["my_rules/"]

Paths and patterns in the file are relative to its folder. Every value is checked with the option's own type; an
unknown key, table or value is an error naming the file and the key, with the nearest valid name.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import click
import tomllib
from click.core import ParameterSource

from pdscan import suggest
from pdscan.cli.settings import BY_KEY, SETTINGS, Setting, options_for, settings_for
from pdscan.sources import mask_source

CONFIG_FILE = "pdscan.toml"


class ConfigFileError(click.ClickException):
    """A configuration file or variable that cannot be used: one line naming it and the key, exit code 2."""

    exit_code = 2


CONFIG_ENV = "PDSCAN_CONFIG"
META_KEY = "pdscan.config"
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


@dataclass
class Config:
    """The settings read before the command line: per command path, each option's value and where it came from."""

    path: Path | None = None  # the file read, if any
    values: dict[str, dict[str, Any]] = field(default_factory=dict)  # command -> dest -> value
    origins: dict[tuple[str, str], str] = field(default_factory=dict)  # (command, dest) -> file or variable

    def default_map(self) -> dict[str, Any]:
        """As click's ``default_map``: nested per command group (``{"rules": {"list": {...}}}``)."""
        out: dict[str, Any] = {}
        for command, values in self.values.items():
            node = out
            *groups, name = command.split()
            for group in groups:
                node = node.setdefault(group, {})
            node.setdefault(name, {}).update(values)
        return out

    def patterns_base(self, ctx: click.Context, command: str) -> Path | None:
        """The folder relative --include/--exclude patterns are relative to: the file's when they came from it
        (not overridden on the command line), else None (the working folder)."""
        for dest in ("exclude", "include"):
            from_file = self.path is not None and self.origins.get((command, dest)) == str(self.path)
            if from_file and ctx.get_parameter_source(dest) is ParameterSource.DEFAULT_MAP:
                assert self.path is not None
                return self.path.parent
        return None


def commands() -> list[str]:
    return sorted({c for s in SETTINGS for c in s.commands})


def _param(setting: Setting, command: str) -> click.Option:
    decorated = setting.option(command)(lambda **_: None)
    params: list[click.Parameter] = getattr(decorated, "__click_params__")  # noqa: B009 - set by click.option
    option = params[-1]
    assert isinstance(option, click.Option)
    return option


def _convert(setting: Setting, command: str, value: Any, where: str, base: Path | None) -> Any:
    """One value checked and converted by the option's own click type."""
    param = _param(setting, command)
    if param.is_flag and param.type.name == "boolean":
        if isinstance(value, bool):
            return value
        elif isinstance(value, str) and value.strip().lower() in _TRUE | _FALSE:
            return value.strip().lower() in _TRUE
        else:
            raise ConfigFileError(f"{where}: expected true or false, not {value!r}")
    flag_value = setting.extra.get("flag_value")
    if value is True and flag_value is not None:
        return flag_value  # `inventory = true`: what the bare flag means (the default inventory)
    items = value if isinstance(value, list) else [value]
    if not setting.multiple and isinstance(value, list):
        raise ConfigFileError(f"{where}: expected one value, not a list")
    out = []
    for item in items:
        if isinstance(item, (dict, list)):
            raise ConfigFileError(f"{where}: expected a value, not {type(item).__name__}")
        text = str(item) if not isinstance(item, bool) else str(item).lower()
        if setting.relative and base is not None and text and not os.path.isabs(text):
            text = str(base / text)
        try:
            out.append(param.type.convert(text, param, None))
        except click.BadParameter as exc:
            raise ConfigFileError(f"{where}: {exc.message}") from None
    return tuple(out) if setting.multiple else out[0]


def _tables(data: Mapping[str, Any], where: str) -> Iterator[tuple[str, Mapping[str, Any]]]:
    """(command path, its table) for every table of the file; an unknown table is an error."""
    known = commands()
    groups = {c.split()[0] for c in known if " " in c}
    for name, table in data.items():
        if not isinstance(table, dict):
            raise ConfigFileError(
                f"{where}: '{name}' must be a table of a command ([scan], [find]...), not a value"
                + did_you_mean(name, known)
            )
        if name in groups:
            for sub, subtable in table.items():
                path = f"{name} {sub}"
                if path not in known or not isinstance(subtable, dict):
                    raise ConfigFileError(f"{where}: no settings for [{name}.{sub}]" + did_you_mean(path, known))
                yield path, subtable
        elif name in known:
            yield name, table
        else:
            raise ConfigFileError(f"{where}: no command [{name}]" + did_you_mean(name, known))


def _read(path: Path) -> Mapping[str, Any]:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigFileError(f"{path}: cannot be read ({exc.strerror or type(exc).__name__})") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigFileError(f"{path}: not valid TOML ({exc})") from None
    if path.name == "pyproject.toml":
        tool = data.get("tool", {})
        return tool.get("pdscan", {}) if isinstance(tool, dict) else {}
    return data


def config_file(explicit: Path | None = None, cwd: Path | None = None) -> Path | None:
    if explicit is not None:
        return explicit
    if os.environ.get(CONFIG_ENV):
        return Path(os.environ[CONFIG_ENV])
    folder = cwd or Path.cwd()
    if (folder / CONFIG_FILE).is_file():
        return folder / CONFIG_FILE
    pyproject = folder / "pyproject.toml"
    if pyproject.is_file():
        try:
            tool = tomllib.loads(pyproject.read_text(encoding="utf-8")).get("tool", {})
        except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError):
            return None  # not ours to judge: a broken pyproject.toml is the project's business
        if isinstance(tool, dict) and "pdscan" in tool:
            return pyproject
    return None


def load_config(explicit: Path | None = None, environ: Mapping[str, str] | None = None) -> Config:
    """The file's settings, then the environment's over them."""
    environ = os.environ if environ is None else environ
    path = config_file(explicit)
    config = Config(path=path.resolve() if path is not None else None)
    if config.path is not None:
        shown = str(config.path)
        for command, table in _tables(_read(config.path), shown):
            header = f"[{command.replace(' ', '.')}]"
            for key, value in table.items():
                setting = BY_KEY.get(key.replace("_", "-"))
                where = f"{shown}: {header} {key}"
                if setting is None or command not in setting.commands:
                    valid = [s.key for s in settings_for(command) if s.config]
                    raise ConfigFileError(f"{where}: not a setting of this command" + did_you_mean(key, valid))
                if not setting.config:
                    raise ConfigFileError(f"{where}: given on the command line only")
                converted = _convert(setting, command, value, where, config.path.parent)
                config.values.setdefault(command, {})[setting.dest] = converted
                config.origins[(command, setting.dest)] = shown
    for setting in SETTINGS:
        variable = setting.env_var
        if variable is None or variable not in environ:
            continue
        raw = environ[variable]
        given: Any = [v.strip() for v in raw.split(",") if v.strip()] if setting.multiple else raw
        for command in setting.commands:
            config.values.setdefault(command, {})[setting.dest] = _convert(setting, command, given, variable, None)
            config.origins[(command, setting.dest)] = variable
    return config


def did_you_mean(word: str, choices: list[str]) -> str:
    return suggest.did_you_mean([f"'{c}'" for c in suggest.close_matches(word, choices, limit=1)])


def current(ctx: click.Context) -> Config:
    config = ctx.meta.get(META_KEY)
    return config if isinstance(config, Config) else Config()


@click.group("config")
def config_group() -> None:
    """The settings pdscan reads before the command line: pdscan.toml, [tool.pdscan], PDSCAN_* variables.

    \b
    Examples:
      pdscan config show
      pdscan config show scan --format json
    """


@config_group.command("show")
@click.argument("command", required=False)
@options_for("config show")
def config_show(command: str | None, fmt: str) -> None:
    """Print the effective settings of each command (or one) and where each came from: the default, the
    configuration file or an environment variable. Flags given on a command line come on top of these.

    \b
    Examples:
      pdscan config show scan
      PDSCAN_SAMPLE_SIZE=500 pdscan config show scan
    """
    config = current(click.get_current_context())
    known = commands()
    if command is not None and command not in known:
        raise click.UsageError(f"no command '{command}'" + did_you_mean(command, known))
    rows = []
    for name in [command] if command else known:
        for setting in settings_for(name):
            if (name, setting.dest) in config.origins:
                value, origin = config.values[name][setting.dest], config.origins[(name, setting.dest)]
            else:
                value, origin = setting.default_for(name), "default"
            rows.append({"command": name, "key": setting.key, "value": _plain(value), "from": origin})
    if fmt == "json":
        document = {"schema_version": 1, "file": str(config.path) if config.path else None, "settings": rows}
        click.echo(json.dumps(document, indent=2, ensure_ascii=False))
        return
    click.echo(f"Configuration file: {config.path or 'none (pdscan.toml or [tool.pdscan] in pyproject.toml)'}")
    width = max((len(r["key"]) for r in rows), default=0)
    previous = None
    for row in rows:
        if row["command"] != previous:
            click.echo(f"\n[{row['command'].replace(' ', '.')}]")
            previous = row["command"]
        shown = json.dumps(row["value"], ensure_ascii=False)
        click.echo(f"  {row['key']:<{width}} = {shown}" + (f"   # {row['from']}" if row["from"] != "default" else ""))


def _plain(value: Any) -> Any:
    if isinstance(value, (tuple, list)):
        return [_plain(v) for v in value]
    if isinstance(value, Path):
        return str(value)
    if isinstance(value, str):
        return mask_source(value)  # an inventory URL in pdscan.toml: its password is never shown
    return value
