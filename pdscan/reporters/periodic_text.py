"""The periodic inventory report in a terminal: the Markdown report laid out by rich at the terminal's width."""

from __future__ import annotations

import io
import os
from typing import Any, TextIO

from rich.console import Console
from rich.markdown import Markdown

from pdscan.reporters import periodic_markdown


def render(report: dict[str, Any], stream: TextIO) -> None:
    text = io.StringIO()
    periodic_markdown.render(report, text)
    tty = stream.isatty()
    columns = os.environ.get("COLUMNS", "")
    console = Console(
        file=stream,
        width=int(columns) if columns.isdigit() else (None if tty else 100),
        force_terminal=tty,
        no_color=not tty or bool(os.environ.get("NO_COLOR")),
        highlight=False,
    )
    console.print(Markdown(text.getvalue()))
