"""The ``pdscan`` command: a thin click layer over the library; one module per group of commands.

Typed library errors (:class:`~pdscan.errors.PdscanError`) become click errors at the edge. Exit codes:
0 nothing at or above ``--fail-on``, 1 findings at or above it, 2 usage or runtime error (including an
interrupted scan and a scan where no source could be read at all).
"""

from __future__ import annotations

import importlib
import io
import os
import sys
import types
from pathlib import Path

# Arrow's jemalloc pool hands freed batches back sooner than these wheels' default (mimalloc): on the
# high-cardinality bench (issue 25) a long scan peaked at 390-440 MB instead of 465-490, at the same speed. Arrow
# reads the variable when it starts, so it is set before anything imports pyarrow; a user's own value wins. Windows
# wheels are built without jemalloc (Arrow would warn).
if sys.platform != "win32":
    os.environ.setdefault("ARROW_DEFAULT_MEMORY_POOL", "jemalloc")


import click

from pdscan import __version__


class _PandasAbsent:
    """A meta-path finder under which ``import pandas`` fails (only while pyarrow probes for it, below)."""

    @staticmethod
    def find_spec(name: str, *_args: object) -> None:
        if name == "pandas":
            raise ImportError("pdscan does not use pandas")


def _arrow_without_pandas() -> None:
    """Stop pyarrow importing pandas (0.25-0.35 s, a quarter of a command's start-up); pdscan never uses it.

    pdscan hands pyarrow lists and numpy arrays, never pandas objects, yet pyarrow imports pandas twice over:
    - its lazy pandas shim (pyarrow/pandas-shim.pxi, ``_PandasAPIShim._check_import``) tries the import on the first
      ``pa.array``, to ask whether the object is a pandas one. When that import fails it answers "no" from then on
      without trying again, while an explicit conversion (``from_pandas``, ``to_pandas``) still imports pandas.
    - Arrow's C++ side (src/arrow/python/helpers.cc, ``InitPandasStaticData``, run once per process) imports it on
      the first ``to_numpy`` or type inference, to learn pandas' null sentinels (``NaT``, ``NA``). Given an empty
      module in its place, it keeps no sentinel and never imports pandas again: a pandas ``NaT`` or ``NA`` handed to
      Arrow in this process would not count as null. pdscan's command line never hands it one (the Spark engine
      converts pandas frames in Spark's own worker processes).
    Only the command line does this (tests/test_startup.py checks that no scan or search imports pandas): a
    program that imports pdscan keeps pyarrow as it is.
    """
    if "pandas" in sys.modules or "pyarrow" in sys.modules:
        return
    import pyarrow as pa

    sys.meta_path.insert(0, _PandasAbsent)
    try:
        pa.array([], pa.string())
    finally:
        sys.meta_path.remove(_PandasAbsent)
    sys.modules["pandas"] = types.ModuleType("pandas")  # an empty stand-in, for Arrow's C++ side only
    try:
        pa.scalar("")  # infers a type: Arrow's C++ side looks for pandas' sentinels, once
    finally:
        del sys.modules["pandas"]


_arrow_without_pandas()

# The commands, each imported when it runs (click's lazy group): `pdscan scan` does not load SQLAlchemy, Jinja2 and
# the DSAR modules other commands need. Adding a command = its module in pdscan/cli/ and one line here.
COMMANDS = {
    "scan": "pdscan.cli.scan:scan_command",
    "rules": "pdscan.cli.rules:rules_group",
    "report": "pdscan.cli.inventory:report_command",
    "history": "pdscan.cli.inventory:history_command",
    "diff": "pdscan.cli.inventory:diff_command",
    "find": "pdscan.cli.dsar:find_command",
    "audit": "pdscan.cli.dsar:audit_command",
    "declarations": "pdscan.cli.rules:declarations_group",
    "config": "pdscan.cli.config:config_group",
}


class LazyGroup(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def resolve_command(
        self, ctx: click.Context, args: list[str]
    ) -> tuple[str | None, click.Command | None, list[str]]:
        name = args[0] if args else ""
        if args and not name.startswith("-") and self.get_command(ctx, name) is None:
            from pdscan.suggest import close_matches

            close = close_matches(name, self.list_commands(ctx), limit=1, cutoff=0.5)
            hint = f" Did you mean '{close[0]}'?" if close else ""
            ctx.fail(f"No such command '{name}'.{hint}")
        return super().resolve_command(ctx, args)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        target = COMMANDS.get(cmd_name)
        if target is None:
            return None
        module, name = target.split(":")
        command = getattr(importlib.import_module(module), name)
        assert isinstance(command, click.Command)
        return command


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 110})
@click.version_option(__version__, prog_name="pdscan")
@click.option(
    "--config",
    "config_path",
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    metavar="FILE",
    help="Read settings from FILE instead of ./pdscan.toml or [tool.pdscan] in ./pyproject.toml ($PDSCAN_CONFIG).",
)
@click.pass_context
def main(ctx: click.Context, config_path: Path | None) -> None:
    """pdscan finds personal data (emails, phone numbers, HETUs, Y-tunnus, IBANs...) in files and databases.

    Settings are read from pdscan.toml (one table per command, keys as the long flags), then PDSCAN_*
    environment variables, then the command line: see pdscan config show.

    \b
    Example:
      pdscan scan sample_data/
    """
    from pdscan.cli.config import META_KEY, load_config

    for stream in (sys.stdout, sys.stderr):
        # A terminal or pipe that is not UTF-8 (LANG=C, a Windows code page): a letter it cannot show becomes '?'
        # instead of ending the run with UnicodeEncodeError.
        if isinstance(stream, io.TextIOWrapper) and (stream.encoding or "").lower().replace("-", "") != "utf8":
            stream.reconfigure(errors="replace")

    config = load_config(config_path)
    ctx.meta[META_KEY] = config
    ctx.default_map = config.default_map()


if __name__ == "__main__":
    main()
