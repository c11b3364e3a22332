"""Jinja2 environments for the report templates shipped in pdscan/templates."""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from jinja2 import Environment


def _markdown_cell(value: object) -> object:
    # Every printed value may sit in a table cell: a pipe or a line break would break the table.
    if isinstance(value, str):
        return value.replace("|", "\\|").replace("\n", " ")
    return value


@functools.lru_cache(maxsize=2)
def environment(kind: str) -> Environment:
    # Jinja2 loads when an HTML or Markdown report is written, not with every command.
    from jinja2 import Environment, PackageLoader, select_autoescape

    loader = PackageLoader("pdscan", "templates")
    if kind == "html":
        return Environment(
            loader=loader,
            autoescape=select_autoescape(default=True),
            trim_blocks=True,
            lstrip_blocks=True,
        )
    return Environment(
        loader=loader,
        autoescape=False,
        finalize=_markdown_cell,
        trim_blocks=False,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
