"""``--format text``: the report a person reads in a terminal, one rich table per source."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import TextIO

from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

from pdscan import options as defaults
from pdscan.model import Compliance, DocumentFacts, ScanResult, documents_summary
from pdscan.reporters.style import ReportStyle

_STYLE = {"high": "bold red", "medium": "yellow", "low": "dim"}
_PLAIN_WIDTH = 160  # fixed width when not writing to a terminal, so files and pipes get stable output


def render(result: ScanResult, stream: TextIO, style: ReportStyle | None = None) -> None:
    tty = stream.isatty()
    console = Console(
        file=stream,
        width=None if tty else _PLAIN_WIDTH,
        force_terminal=tty,
        no_color=not tty,
        highlight=False,
        soft_wrap=False,
    )
    tool = result.tool
    console.print(
        Text(f"pdscan {tool.get('version', '')}  ·  {_duration(result)}  ·  {_sampling(result)}", style="bold")
    )
    if result.interrupted:
        console.print(
            Text(
                "Scan interrupted: results below cover only what was scanned before the interruption.", style="bold red"
            )
        )

    by_source: dict[str, list[int]] = {}
    for i, finding in enumerate(result.findings):
        by_source.setdefault(finding.source, []).append(i)
    for summary in result.sources:
        indexes = by_source.get(summary.source, [])
        if not indexes:
            continue
        table = Table(
            title=summary.source, title_justify="left", box=box.SIMPLE_HEAD, show_lines=False, title_style="bold"
        )
        for name, kwargs in (
            ("Location", {"overflow": "fold", "max_width": 40}),
            ("Column", {"overflow": "fold", "max_width": 24}),
            ("Entity", {"no_wrap": True}),
            ("Confidence", {"no_wrap": True}),
            ("Matches", {"justify": "right", "no_wrap": True}),
            ("Rows", {"justify": "right", "no_wrap": True}),
            ("Samples", {"overflow": "fold", "max_width": 36}),
            ("Reasons", {"overflow": "fold", "max_width": 60}),
        ):
            table.add_column(name, **kwargs)
        previous = None
        for i in indexes:
            f = result.findings[i]
            container = f.location.display(with_column=False)
            if summary.kind == "directory" and container.startswith(summary.source):
                # The table's title already names the folder: show the path inside it.
                container = container[len(summary.source) :].lstrip("/") or container
            table.add_row(
                container if container != previous else "",
                f.location.column or "",
                f.entity,
                Text(f.confidence, style=_STYLE.get(f.confidence, "")),
                f"{f.match_count}/{f.values_scanned}",
                f"{f.rows_scanned:,}",
                ", ".join(f.samples[:3]),
                "; ".join(f.reasons),
            )
            previous = container
        console.print(table)

    if not result.findings and not result.errors and not result.interrupted:
        console.print(f"No personal data found in {len(result.tables)} tables.")
    elif not result.findings:
        # Not a clean result: what could not be read may hold the personal data (see "Not scanned").
        console.print(f"No personal data found in the {len(result.tables)} tables read; not everything was read.")

    if result.compliance is not None:
        _compliance(console, result.compliance)

    documents = result.documents()
    if documents:
        _documents(console, documents)

    rows = sum(t.rows_scanned for t in result.tables)
    sampled = sum(1 for t in result.tables if t.truncated)
    coverage = f"Coverage: {len(result.tables)} tables scanned across {len(result.sources)} sources, {rows:,} rows"
    if sampled:
        coverage += f"; {sampled} sampled (more rows than scanned)"
    ignored = sum(s.ignored_files for s in result.sources)
    if result.skipped:  # every file a folder scan met and did not read, listed below with the reason
        coverage += f"; {len(result.skipped)} files skipped"
    elif ignored:  # a result saved before skipped files were listed
        coverage += f"; {ignored} files of unsupported types ignored"
    console.print(coverage)

    if result.suppressed:
        source = result.options.get("ignore_file") or "the allow-list"
        console.print(f"{len(result.suppressed)} findings suppressed by {source}")

    if result.errors:
        console.print(Text(f"Not scanned ({len(result.errors)}):", style="bold"))
        for entry in result.errors:
            console.print(Text(f"  {entry.one_line()}"))
    if result.skipped:
        console.print(Text(f"Skipped files ({len(result.skipped)}):", style="bold"))
        for skipped in result.skipped:
            console.print(Text(f"  {skipped.one_line()}"))

    console.print(Text(_summary(result), style="bold"))


def _documents(console: Console, documents: list[DocumentFacts]) -> None:
    """Documents with personal data per folder, and the CV-like ones by name: what a DPO looks for on a share."""
    summary = documents_summary(documents)
    console.print(
        Text(
            f"Documents: {summary['documents']} scanned, {summary['personal']} with personal data, "
            f"{summary['cv_like']} CV-like (a name, contact details and a HETU or birth date)",
            style="bold",
        )
    )
    for folder in summary["folders"]:
        console.print(
            Text(f"  {folder['folder']}: {folder['personal']}/{folder['documents']} with personal data"
                 + (f", {folder['cv_like']} CV-like" if folder["cv_like"] else ""))
        )  # fmt: skip
    for doc in documents:
        if doc.cv_like:
            console.print(Text(f"  CV-like: {doc.file} ({', '.join(doc.entities)})"))


def _compliance(console: Console, compliance: Compliance) -> None:
    """Declared vs found, gaps first: what a DPO acts on."""
    declaration = compliance.declaration
    summary = compliance.summary
    console.print(
        Text(f"Declared vs found: {declaration['controller'].get('name', '')} ({declaration['file']})", style="bold")
    )
    if not compliance.undeclared:
        console.print(Text("  Every finding is covered by a declared category.", style="green"))
    for gap in compliance.undeclared:
        risk = "HIGH RISK " if gap.risk == "high" else ""
        article = f" ({gap.article})" if gap.article else ""
        scope = f" for {gap.subject}: declared only for {', '.join(gap.declared_for)}" if gap.declared_for else ""
        console.print(
            Text(f"  UNDECLARED {risk}{gap.name} [{gap.key}]{article}{scope}", style="bold red" if risk else "yellow")
        )
        for loc in gap.locations:
            group = f" ({loc.subject}, {loc.subject_from})" if loc.subject else ""
            console.print(Text(f"    {loc.display}: {loc.entity} {loc.match_count}/{loc.rows_scanned}{group}"))
    for category in compliance.found_declared:
        count = len(category.locations or [])
        console.print(Text(f"  declared and found: {category.name} ({count} location{'' if count == 1 else 's'})"))
    for category in compliance.declared_not_found:
        why = "no detector for it" if category.detectable is False else "stale, or not scanned yet?"
        console.print(Text(f"  declared, never found: {category.name} ({why})", style="dim"))
    console.print(
        f"  {summary.undeclared} undeclared findings in {summary.undeclared_categories} categories "
        f"({summary.high_risk_undeclared} high risk); {summary.declared_never_found} of "
        f"{summary.declared_categories} declared categories never found"
    )


def _summary(result: ScanResult) -> str:
    if not result.findings:
        return "0 findings"
    levels = Counter(f.confidence for f in result.findings)
    entities = Counter(f.entity for f in result.findings)
    columns = {(f.source, f.location) for f in result.findings}
    tables = {(f.source, f.location.container()) for f in result.findings}
    level_text = ", ".join(f"{lvl} {levels[lvl]}" for lvl in ("high", "medium", "low") if levels[lvl])
    entity_text = ", ".join(f"{name} {count}" for name, count in sorted(entities.items()))
    return (
        f"{len(result.findings)} findings ({level_text}) in {len(columns)} columns of {len(tables)} tables: "
        f"{entity_text}"
    )


def _sampling(result: ScanResult) -> str:
    if result.options.get("full"):
        return "full scan: every row"
    size = result.options.get("sample_size", defaults.SAMPLE_SIZE)
    return f"sampled: at most {size} rows per table (use --full to scan every row)"


def _duration(result: ScanResult) -> str:
    try:
        seconds = dt.datetime.fromisoformat(result.finished_at) - dt.datetime.fromisoformat(result.started_at)
    except ValueError:
        return result.started_at
    return f"{result.started_at}, {seconds.total_seconds():.0f} s"
