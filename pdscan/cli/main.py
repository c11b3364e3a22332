"""The ``pdscan`` command: a thin click layer over the library; one module per group of commands.

Typed library errors (:class:`~pdscan.errors.PdscanError`) become click errors at the edge. Exit codes:
0 nothing at or above ``--fail-on``, 1 findings at or above it, 2 usage or runtime error (including an
interrupted scan and a scan where no source could be read at all).
"""

from __future__ import annotations

import click

from pdscan import __version__
from pdscan.cli.dsar import audit_command, find_command
from pdscan.cli.inventory import diff_command, history_command, report_command
from pdscan.cli.rules import declarations_group, rules_group
from pdscan.cli.scan import scan_command


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 110})
@click.version_option(__version__, prog_name="pdscan")
def main() -> None:
    """pdscan finds personal data (emails, phone numbers, HETUs, Y-tunnus, IBANs...) in files and databases.

    \b
    Example:
      pdscan scan sample_data/
    """


for command in (
    scan_command,
    rules_group,
    report_command,
    history_command,
    diff_command,
    find_command,
    audit_command,
    declarations_group,
):
    main.add_command(command)


if __name__ == "__main__":
    main()
