"""The ``pdscan`` command: a thin click layer over the library; one module per group of commands.

Typed library errors (:class:`~pdscan.errors.PdscanError`) become click errors at the edge. Exit codes:
0 nothing at or above ``--fail-on``, 1 findings at or above it, 2 usage or runtime error (including an
interrupted scan and a scan where no source could be read at all).
"""

from __future__ import annotations

import importlib

import click

from pdscan import __version__

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
}


class LazyGroup(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

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
def main() -> None:
    """pdscan finds personal data (emails, phone numbers, HETUs, Y-tunnus, IBANs...) in files and databases.

    \b
    Example:
      pdscan scan sample_data/
    """


if __name__ == "__main__":
    main()
