"""``--format text``: the report a person reads in a terminal.

Summary first (what was read, what was found and how risky, undeclared first), then one line per finding grouped
per source and folder with a roll-up per folder, then the documents, the declared-vs-found details and everything
that was not read. Plain language (entity and category names from the rules, phrases from :mod:`.labels`) in the
report's language; every line fits the width, except the paths of files that were not read, which are never cut.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TextIO

from rich.cells import cell_len, get_character_cell_size
from rich.console import Console
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

from pdscan import options as defaults
from pdscan.model import Compliance, DocumentFacts, Finding, Location, RetentionCheck, ScanResult, documents_summary
from pdscan.reporters import labels
from pdscan.reporters.labels import count, number, text
from pdscan.reporters.style import LANGUAGES, ReportStyle

DEFAULT_WIDTH = 100  # neither $COLUMNS nor a terminal says how wide
MIN_WIDTH = 40  # narrower than this, lines are laid out for 40 columns and the terminal wraps them
_CONFIDENCE_STYLE = {"high": "bold", "medium": "yellow", "low": "dim"}
_RISK_MARK, _UNDECLARED_MARK = "!", "*"
_KEEP = "\u00a0"  # a space the report's wrapping never breaks at (written out as a plain space)
_TRAILING = re.compile(r"[ \t]+((?:\x1b\[[0-9;]*m)*)$", re.MULTILINE)


def report_width(style: ReportStyle, stream: TextIO) -> int:
    """The width the report is laid out for: the style's, else $COLUMNS (also for a file or a pipe), else the
    terminal's, else 100."""
    if style.width:
        return max(style.width, MIN_WIDTH)
    columns = os.environ.get("COLUMNS", "").strip()
    if columns.isdigit() and int(columns) > 0:
        return max(int(columns), MIN_WIDTH)
    if _isatty(stream):
        try:
            return max(os.get_terminal_size(stream.fileno()).columns, MIN_WIDTH)
        except (OSError, ValueError, AttributeError, io.UnsupportedOperation):
            pass
    return DEFAULT_WIDTH


def report_color(style: ReportStyle, stream: TextIO) -> bool:
    """Colour when the style asks for it; by default only on a terminal and when NO_COLOR is unset or empty."""
    if style.color is not None:
        return style.color
    return not os.environ.get("NO_COLOR") and _isatty(stream)


def _isatty(stream: TextIO) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError, OSError):
        return False


class _Buffer(io.StringIO):
    """Where rich writes: it reads the encoding of the real stream from here (ASCII-safe boxes for a non-UTF one)."""

    def __init__(self, encoding: str) -> None:
        super().__init__()
        self._encoding = encoding

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return self._encoding


def render(result: ScanResult, stream: TextIO, style: ReportStyle | None = None) -> None:
    style = style or ReportStyle()
    encoding = getattr(stream, "encoding", None) or "utf-8"
    color = report_color(style, stream)
    buffer = _Buffer(encoding)
    console = Console(
        file=buffer,
        width=report_width(style, stream),
        force_terminal=color,
        no_color=not color,
        color_system="auto" if color else None,
        highlight=False,
        markup=False,
        emoji=False,
        soft_wrap=False,
        legacy_windows=False,
    )
    _Report(result, style, console, _Glyphs.for_encoding(encoding)).write()
    # Rich pads table cells to the width: no trailing blanks (before a line's closing colour code, if any).
    out = _TRAILING.sub(r"\1", buffer.getvalue())
    try:
        out.encode(encoding)
    except (UnicodeEncodeError, LookupError):  # a stdout that is not UTF-8: what it cannot show becomes "?"
        try:
            out = out.encode(encoding, errors="replace").decode(encoding)
        except LookupError:
            out = out.encode("ascii", errors="replace").decode("ascii")
    stream.write(out)


@dataclass(frozen=True)
class _Glyphs:
    ellipsis: str = "…"
    dot: str = " · "

    @classmethod
    def for_encoding(cls, encoding: str) -> _Glyphs:
        try:
            "…·".encode(encoding)
        except (UnicodeEncodeError, LookupError):
            return cls("...", " - ")
        return cls()


def _take(value: str, width: int, from_end: bool = False) -> str:
    """The longest start (or end) of ``value`` that fits ``width`` cells."""
    chars = reversed(value) if from_end else iter(value)
    kept: list[str] = []
    used = 0
    for ch in chars:
        size = get_character_cell_size(ch)
        if used + size > width:
            break
        kept.append(ch)
        used += size
    return "".join(reversed(kept)) if from_end else "".join(kept)


def _middle(value: str, width: int, ellipsis: str) -> str:
    """``value`` cut in the middle to ``width`` cells: a path keeps its start and its file name."""
    if cell_len(value) <= width:
        return value
    room = width - cell_len(ellipsis)
    if room <= 1:
        return _take(value, width)
    tail = room * 2 // 3
    return _take(value, room - tail) + ellipsis + _take(value, tail, from_end=True)


def _end(value: str, width: int, ellipsis: str) -> str:
    if cell_len(value) <= width:
        return value
    return _take(value, max(width - cell_len(ellipsis), 0)) + ellipsis


def _pad(value: str, width: int, right: bool = False) -> str:
    gap = " " * max(width - cell_len(value), 0)
    return gap + value if right else value + gap


def _folder_of(path: str) -> str:
    outer = path.split("!", 1)[0]
    return outer.rsplit("/", 1)[0] if "/" in outer else "."


@dataclass
class _Group:
    """The findings of one folder (or one database schema), with what was read there."""

    title: str
    prefix: str  # stripped from the file paths of its containers
    database: bool
    read: set[str] = field(default_factory=set)  # files (or tables) read
    containers: dict[str, list[Finding]] = field(default_factory=dict)


class _Report:
    def __init__(self, result: ScanResult, style: ReportStyle, console: Console, glyphs: _Glyphs) -> None:
        self.result = result
        self.lang = style.lang if style.lang in LANGUAGES else "en"
        self.verbose = style.verbose
        self.console = console
        self.width = console.width
        self.glyphs = glyphs
        self.rules_dirs = tuple(str(d) for d in result.options.get("rules_dirs") or ())
        self.kinds = {s.source: s.kind for s in result.sources}

    # -- helpers

    def t(self, key: str, **values: object) -> str:
        return text(key, self.lang, **values)

    def kind(self, kind: str) -> str:
        return self.t(f"kind.{kind}") if f"kind.{kind}" in labels.TEXTS else kind

    def n(self, value: int) -> str:
        return number(value, self.lang)

    def label(self, entity: str) -> str:
        return labels.entity_label(entity, self.lang, self.rules_dirs)

    def line(self, *parts: str | tuple[str, str]) -> None:
        """One line laid out to fit: never wrapped."""
        self.console.print(Text.assemble(*parts), no_wrap=True, overflow="ellipsis", crop=True)

    def hanging(self, head: str, body: str | Text, indent: int = 0, head_style: str = "", gap: int = 1) -> None:
        """``head`` then ``body`` wrapped under itself (a hanging indent)."""
        grid = Table.grid(padding=(0, gap, 0, 0))
        grid.add_column(no_wrap=True, style=head_style)
        grid.add_column(overflow="fold")
        grid.add_row(head, body)
        self.console.print(Padding(grid, (0, 0, 0, indent)) if indent else grid)

    def wrapped(
        self, body: str, indent: int = 0, style: str = "", hang: int = 2, head: str = "", head_style: str = ""
    ) -> None:
        """``head`` and ``body`` wrapped at spaces to the width, the lines after the first indented by ``hang``."""
        full = f"{head} {body}" if head else body
        for i, line in enumerate(_wrap(full, self.width - indent, hang)):
            pad = " " * (indent + (hang if i else 0))
            content = Text(pad + line, style=style)
            if i == 0 and head:
                content.stylize(head_style, len(pad), len(pad) + len(head))
            self.console.print(content, no_wrap=True, overflow="ignore", crop=False)

    def marks(self, findings: Iterable[Finding]) -> tuple[bool, bool]:
        """Whether these findings are risky, and whether any of them is undeclared."""
        items = list(findings)
        return (
            labels.risk([k for f in items for k in f.categories]) is not None,
            any(f.declared == ["UNDECLARED"] for f in items),
        )

    def mark_text(self, risky: bool, undeclared: bool) -> Text:
        return Text.assemble(
            (_RISK_MARK if risky else " ", "bold red"), (_UNDECLARED_MARK if undeclared else " ", "bold yellow")
        )

    # -- the report

    def write(self) -> None:
        result = self.result
        tool = result.tool
        self.line((f"pdscan {tool.get('version', '')}{self.glyphs.dot}{_duration(result)}", "bold"))
        if result.interrupted:
            self.wrapped(self.t("interrupted"), style="bold red")
        self.summary()
        if result.compliance is not None:
            self.compliance(result.compliance)
        if result.retention is not None:
            self.retention(result.retention)
        if result.findings:
            self.findings()
        documents = result.documents()
        if documents:
            self.documents(documents)
        if result.suppressed:
            source = result.options.get("ignore_file") or self.t("allow_list")
            self.wrapped(self.t("suppressed", n=self.n(len(result.suppressed)), source=source))
        self.not_read()

    def summary(self) -> None:
        result = self.result
        scanned = [
            ", ".join(f"{s.source} ({self.kind(s.kind)})" for s in result.sources) or "-",
            self.t(
                "coverage", tables=self.n(len(result.tables)), rows=self.n(sum(t.rows_scanned for t in result.tables))
            ),
            self.t("full")
            if result.options.get("full")
            else self.t("sampled", size=result.options.get("sample_size", defaults.SAMPLE_SIZE)),
        ]
        sampled = sum(1 for t in result.tables if t.truncated)
        if sampled:
            scanned.append(self.t("sampled_tables", n=self.n(sampled)))
        if result.skipped:
            scanned.append(self.t("skipped_count", n=self.n(len(result.skipped))))
        elif sum(s.ignored_files for s in result.sources):  # a result saved before skipped files were listed
            scanned.append(self.t("ignored_count", n=self.n(sum(s.ignored_files for s in result.sources))))
        if result.errors:
            scanned.append(self.t("failed_count", n=self.n(len(result.errors))))
        grid = Table.grid(padding=(0, 2, 0, 0))
        grid.add_column(no_wrap=True, style="bold")
        grid.add_column(overflow="fold")
        grid.add_row(self.t("scanned"), "\n".join(scanned))
        if result.findings:
            places = {(f.source, f.location.container()) for f in result.findings}
            found = [
                self.t(
                    "found_in",
                    findings=count("finding", len(result.findings), self.lang),
                    places=self.n(len(places)),
                    tables=self.n(len(result.tables)),
                )
            ]
            if result.compliance is not None:
                s = result.compliance.summary
                found.append(
                    self.t(
                        "compliance.short",
                        undeclared=self.n(s.undeclared),
                        categories=self.n(s.undeclared_categories),
                        high=self.n(s.high_risk_undeclared),
                    )
                )
            if result.retention:
                over = [r for r in result.retention if r.rows_over]
                rows = self.n(sum(r.rows_over for r in over))
                found.append(self.t("retention.short", rows=rows, tables=self.n(len(over)), of=len(result.retention)))
            grid.add_row(self.t("found"), "\n".join(found))
        self.console.print(grid)
        if not result.findings:
            # Not a clean result when something could not be read: it may hold the personal data (see below).
            key = "nothing_found" if not result.errors and not result.interrupted else "nothing_partial"
            self.console.print(self.t(key, n=len(result.tables)), soft_wrap=True)
            return
        self.categories()

    def categories(self) -> None:
        """Per entity: where and how much, risky and undeclared first."""
        by_entity: dict[str, list[Finding]] = {}
        for finding in self.result.findings:
            by_entity.setdefault(finding.entity, []).append(finding)
        rows = []
        for entity, findings in by_entity.items():
            risky, undeclared = self.marks(findings)
            rank = (not (risky and undeclared), not undeclared, not risky)
            rows.append((rank, -len(findings), self.label(entity), risky, undeclared, findings))
        rows.sort(key=lambda r: r[:3])
        table = Table(box=None, show_header=True, header_style="bold", pad_edge=False, padding=(0, 1), show_edge=False)
        table.add_column("", no_wrap=True, width=2)
        table.add_column(self.t("col.what"), no_wrap=True, overflow="ellipsis")
        table.add_column(self.t("col.places"), justify="right", no_wrap=True)
        table.add_column(self.t("col.values"), justify="right", no_wrap=True)
        table.add_column(self.t("col.risk"), overflow="fold")
        for _, _, name, risky, undeclared, findings in rows:
            category = labels.risk([k for f in findings for k in f.categories])
            table.add_row(
                self.mark_text(risky, undeclared),
                Text(name, style="bold" if risky or undeclared else ""),
                self.n(len(findings)),
                self.n(sum(f.match_count for f in findings)),
                labels.risk_note(category, self.lang) if category is not None else "",
            )
        self.console.print(Padding(table, (0, 0, 0, 2)))
        legend = []
        if any(r[3] for r in rows):
            legend.append(f"{_RISK_MARK} {self.t('legend.risk')}")
        if any(r[4] for r in rows):
            legend.append(f"{_UNDECLARED_MARK} {self.t('legend.undeclared')}")
        if legend:
            self.wrapped("; ".join(legend), indent=2, style="dim")

    # -- findings per source and folder

    def groups(self) -> list[_Group]:
        groups: dict[tuple[str, ...], _Group] = {}

        def group_of(source: str, location: Location) -> tuple[_Group, str]:
            if location.file is None:  # a database table: its schema is its folder
                key: tuple[str, ...] = ("db", source, location.schema or "")
                title = f"{source}{self.glyphs.dot}{location.schema}" if location.schema else source
                container = location.table or ""
                group = groups.setdefault(key, _Group(title, "", True))
                return group, container
            folder = _folder_of(location.file)
            group = groups.setdefault(("files", folder), _Group(folder + "/", folder + "/", False))
            name = location.file[len(group.prefix) :] if location.file.startswith(group.prefix) else location.file
            return group, name + (f" [{location.sheet}]" if location.sheet else "")

        for table in self.result.tables:
            group, container = group_of(table.source, table.location)
            group.read.add(table.location.file.split("!", 1)[0] if table.location.file else container)
        for finding in self.result.findings:
            group, container = group_of(finding.source, finding.location)
            group.containers.setdefault(container, []).append(finding)
        return [groups[k] for k in sorted(groups) if groups[k].containers]

    def findings(self) -> None:
        findings = self.result.findings
        marked = any(any(self.marks([f])) for f in findings)
        mark_w = 3 if marked else 0  # the two marks and a space
        conf_w = max(cell_len(self.t(k)) for k in ("col.confidence", *(f"confidence.{c}" for c in _CONFIDENCE_STYLE)))
        count_w = max([cell_len(self.t("col.matches"))] + [len(_matches(f, self.lang)) for f in findings])
        indent, gap = 4, 2
        # What the location and the label share: the label whole when it leaves the location half, else halves.
        room = self.width - (indent + mark_w + conf_w + count_w + 2 * gap + 1)
        label_need = max([cell_len(self.t("col.what"))] + [cell_len(self.label(f.entity)) for f in findings])
        loc_need = max(cell_len(_where(f, self.t("whole"))) for f in findings)
        label_w = max(min(label_need, max(room - loc_need, room // 2)), 8)
        loc_w = max(room - label_w, 8)
        sep = " " * gap

        def row(loc: str, mark: Text, label: str, conf: tuple[str, str], matches: str) -> Text:
            return Text.assemble(
                " " * indent,
                _pad(_middle(loc, loc_w, self.glyphs.ellipsis), loc_w),
                sep,
                mark + " " if mark_w else "",
                _pad(_end(label, label_w, self.glyphs.ellipsis), label_w),
                sep,
                (_pad(conf[0], conf_w), conf[1]),
                " ",  # the counts are right-aligned: one space is gap enough
                _pad(matches, count_w, right=True),
            )

        self.console.print()
        self.wrapped(self.t("findings.heading"), style="bold")
        header = row(
            self.t("col.where"), Text("  "), self.t("col.what"), (self.t("col.confidence"), ""), self.t("col.matches")
        )
        header.stylize("dim")
        self.console.print(header, no_wrap=True, crop=True)
        for group in self.groups():
            self.rollup(group)
            for container, items in group.containers.items():
                self.line("  ", (_middle(container, self.width - 2, self.glyphs.ellipsis), "bold"))
                for f in items:
                    where = _where(f, self.t("whole"))
                    risky, undeclared = self.marks([f])
                    conf = (self.t(f"confidence.{f.confidence}"), _CONFIDENCE_STYLE.get(f.confidence, ""))
                    line = row(
                        where, self.mark_text(risky, undeclared), self.label(f.entity), conf, _matches(f, self.lang)
                    )
                    self.console.print(line, no_wrap=True, crop=True)
                    if self.verbose:
                        self.details(f)

    def rollup(self, group: _Group) -> None:
        """The folder's line: how many files were read there, how many hold findings, and what."""
        findings = [f for items in group.containers.values() for f in items]
        holding = {f.location.file.split("!", 1)[0] if f.location.file else (f.location.table or "") for f in findings}
        noun = "table" if group.database else "file"
        summary = self.t("rollup", files=count(noun, len(group.read), self.lang), n=self.n(len(holding)))
        per_label = Counter(self.label(f.entity) for f in findings)
        what = [f"{name} {self.n(n)}" for name, n in sorted(per_label.items(), key=lambda x: (-x[1], x[0]))]
        head = _middle(group.title, max(self.width - cell_len(summary) - 2, self.width // 2), self.glyphs.ellipsis)
        self.console.print()
        self.wrapped(summary, head=head + " ", head_style="bold")
        self.wrapped("\n".join(_flow(what, self.width - 2)), indent=2, style="dim", hang=0)

    def details(self, finding: Finding) -> None:
        indent = 6
        detail = [
            (self.t("why"), "; ".join(finding.reasons) + f" [{finding.entity}]"),
            (self.t("samples"), ", ".join(finding.samples)),
        ]
        if finding.parts and finding.location.column:
            detail.append(("", ", ".join(finding.parts)))
        for head, body in detail:
            if body:
                self.hanging(f"{head}:" if head else "", body, indent=indent, head_style="dim")

    # -- declared vs found

    def compliance(self, compliance: Compliance) -> None:
        declaration = compliance.declaration
        self.console.print()
        controller = declaration.get("controller", {}).get("name", "")
        self.wrapped(self.t("compliance", controller=controller, file=declaration.get("file", "")), style="bold")
        if not compliance.undeclared:
            self.wrapped(self.t("all_covered"), indent=2, style="green")
        for gap in compliance.undeclared:
            high = gap.risk == "high"
            words = [self.t("undeclared")] + ([self.t("high_risk")] if high else [])
            name = labels.category_label(gap.key, self.lang)
            article = f" ({gap.article.replace(' ', _KEEP)})" if gap.article else ""
            scope = (
                " " + self.t("declared_only_for", subject=gap.subject, groups=", ".join(gap.declared_for))
                if gap.declared_for
                else ""
            )
            key = f" [{gap.key}]" if self.verbose else ""
            marker = " ".join(words)
            self.wrapped(
                f"{name}{key}{article}{scope}", indent=2, head=marker, head_style="bold red" if high else "bold yellow"
            )
            for loc in gap.locations:
                group = f" ({loc.subject}, {loc.subject_from})" if loc.subject else ""
                what = f"{self.label(loc.entity)} {self.n(loc.match_count)}/{self.n(loc.rows_scanned)}{group}"
                self.located(self.inside(loc.source, loc.display), what, indent=6)
        for category in compliance.found_declared:
            places = count("place", len(category.locations or []), self.lang)
            self.wrapped(self.t("declared_and_found", name=category.name, places=places), indent=2)
        for category in compliance.declared_not_found:
            why = self.t("no_detector") if category.detectable is False else self.t("stale")
            self.wrapped(self.t("never_found", name=category.name, why=why), indent=2, style="dim")
        s = compliance.summary
        totals = self.t(
            "compliance.totals",
            undeclared=self.n(s.undeclared),
            categories=self.n(s.undeclared_categories),
            high=self.n(s.high_risk_undeclared),
            never=self.n(s.declared_never_found),
            declared=self.n(s.declared_categories),
        )
        self.wrapped(totals, indent=2)

    def retention(self, checks: Sequence[RetentionCheck]) -> None:
        """Each declared period against the rows of each table of its group: counts and the oldest date only."""
        self.console.print()
        self.wrapped(self.t("retention"), style="bold")
        if not checks:
            self.wrapped(self.t("retention.none"), indent=2, style="dim")
        for check in checks:
            group = f" ({check.subject})" if check.subject else ""
            where = f"{self.inside(check.source, check.display)}{group}"
            values = {"rows": self.n(check.rows_checked), "period": check.period, "cutoff": check.cutoff}
            if check.error is not None:
                self.located(where, self.t("retention.error", reason=check.error), indent=2)
                continue
            parts = [
                self.t("retention.over", over=self.n(check.rows_over), oldest=check.oldest_over or "", **values)
                if check.rows_over
                else self.t("retention.ok", **values)
            ]
            if check.rows_without_date:
                parts.append(self.t("retention.undated", n=self.n(check.rows_without_date)))
            parts.append(
                self.t("retention.columns", columns=", ".join(check.columns))
                if check.columns
                else self.t("retention.no_column")
            )
            head = self.t("retention.over_head") if check.rows_over else ""
            self.wrapped(where, indent=2, head=head, head_style="bold red")
            self.wrapped("; ".join(parts), indent=6, style="" if check.rows_over else "dim")

    def inside(self, source: str, display: str) -> str:
        """A location inside a folder that was scanned, without the folder's path (the heading names it)."""
        prefix = source.rstrip("/") + "/"
        if self.kinds.get(source) == "directory" and display.startswith(prefix) and len(self.kinds) == 1:
            return display[len(prefix) :]
        return display

    def located(self, where: str, what: str, indent: int) -> None:
        """``where: what`` on one line when it fits, else the location on its line (cut in the middle) and what
        was found there under it."""
        one = f"{where}: {what}"
        if indent + cell_len(one) <= self.width:
            self.wrapped(one, indent=indent)
            return
        self.line(" " * indent, _middle(where, self.width - indent, self.glyphs.ellipsis))
        self.wrapped(what, indent=indent + 2)

    # -- documents

    def documents(self, documents: Sequence[DocumentFacts]) -> None:
        summary = documents_summary(documents)
        self.console.print()
        heading = self.t(
            "documents",
            n=self.n(summary["documents"]),
            personal=self.n(summary["personal"]),
            cv=self.n(summary["cv_like"]),
        )
        self.wrapped(heading, style="bold")
        for folder in summary["folders"]:
            body = self.t("documents.folder", personal=self.n(folder["personal"]), n=self.n(folder["documents"]))
            if folder["cv_like"]:
                body += ", " + self.t("documents.cv", n=self.n(folder["cv_like"]))
            where = _middle(folder["folder"] + "/", max(self.width // 2, 20), self.glyphs.ellipsis)
            self.hanging(where, body, indent=2, gap=2)
        head = self.t("cv_like") + ":"
        room = self.width - 2 - cell_len(head) - 1
        for doc in documents:
            if doc.cv_like:
                path = _middle(doc.file, room, self.glyphs.ellipsis)
                names = "\n".join(_flow(sorted({self.label(e) for e in doc.entities}), room))
                self.hanging(head, Text.assemble(path, "\n", (names, "dim")), indent=2)

    # -- what was not read

    def not_read(self) -> None:
        result = self.result
        if result.errors:
            self.console.print()
            self.wrapped(self.t("not_scanned", n=self.n(len(result.errors))), style="bold")
            for entry in result.errors:
                where = entry.location.display() if entry.location else entry.source
                self.unread(where, entry.reason)
        if result.skipped:
            self.console.print()
            self.wrapped(self.t("skipped", n=self.n(len(result.skipped))), style="bold")
            for skipped in result.skipped:
                self.unread(skipped.path, skipped.reason)

    def unread(self, path: str, reason: str) -> None:
        """A file or table that was not read: its path whole (never cut, whatever its length), and why."""
        one = f"  {path}: {reason}"
        if cell_len(one) <= self.width:
            self.console.print(Text(one), soft_wrap=True)
            return
        self.console.print(Text(f"  {path}"), soft_wrap=True)
        self.wrapped(reason, indent=6)


def _where(finding: Finding, whole: str) -> str:
    """Where in its table or file: the column, or a document's parts (page 1, header From)."""
    return finding.location.column or (", ".join(finding.parts) if finding.parts else whole)


def _wrap(text: str, width: int, hang: int = 0) -> list[str]:
    """``text`` in lines of ``width`` cells (after the first, ``width - hang``), broken at spaces only: a
    :data:`_KEEP` space holds two words together ("29 §"). A word longer than a line is cut where the line ends."""
    lines: list[str] = []
    for paragraph in text.split("\n"):
        line = ""
        for word in paragraph.split(" "):
            room = max(width - (hang if lines else 0), 1)
            candidate = f"{line} {word}" if line else word
            if cell_len(candidate) <= room:
                line = candidate
                continue
            if line:
                lines.append(line)
            room = max(width - hang, 1)
            while cell_len(word) > room:
                piece = _take(word, room) or word[0]
                lines.append(piece)
                word = word[len(piece) :]
            line = word
        lines.append(line)
    return [line.replace(_KEEP, " ") for line in lines]


def _flow(items: Sequence[str], width: int, sep: str = ", ") -> list[str]:
    """Items joined with ``sep`` into lines of ``width`` cells, an item never split (unless longer than a line)."""
    lines: list[str] = []
    current = ""
    for i, item in enumerate(items):
        piece = item + (sep.rstrip() if i < len(items) - 1 else "")
        candidate = f"{current} {piece}" if current else piece
        if current and cell_len(candidate) > width:
            lines.append(current)
            candidate = piece
        current = candidate
    if current:
        lines.append(current)
    return lines


def _matches(finding: Finding, lang: str) -> str:
    return f"{number(finding.match_count, lang)}/{number(finding.values_scanned, lang)}"


def _duration(result: ScanResult) -> str:
    try:
        seconds = dt.datetime.fromisoformat(result.finished_at) - dt.datetime.fromisoformat(result.started_at)
    except ValueError:
        return result.started_at
    return f"{result.started_at.replace('T', ' ')}, {seconds.total_seconds():.0f} s"
