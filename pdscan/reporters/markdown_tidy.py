"""Blank-line hygiene for Markdown rendered from templates: Jinja's loops and conditions leave blank lines that
would cut a table or a list in two. Tables and lists are made contiguous; runs of blank lines become one."""

from __future__ import annotations

import re

_BLANKS = re.compile(r"\n{3,}")


def tidy(text: str) -> str:
    lines = [line.rstrip() for line in text.split("\n")]
    out: list[str] = []
    for i, line in enumerate(lines):
        if not line and out:
            previous = out[-1]
            following = next((x for x in lines[i + 1 :] if x), "")
            for marker in ("|", "- "):
                if previous.startswith(marker) and following.startswith(marker):
                    break
            else:
                out.append(line)
            continue
        out.append(line)
    return _BLANKS.sub("\n\n", "\n".join(out)).strip() + "\n"
