"""The inventory commands: ``pdscan history``, ``pdscan diff`` and the periodic ``pdscan report --inventory``."""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path
from typing import Any

import click

from pdscan.cli.kit import (
    EXIT_FINDINGS,
    EXIT_OK,
    PdscanClickError,
    exit_code,
    report_style,
    split_inventory,
    tell,
    write_output,
    write_report,
)
from pdscan.cli.settings import options_for
from pdscan.compliance.compare import compare
from pdscan.compliance.declaration import load_declaration
from pdscan.compliance.taxonomy import taxonomy
from pdscan.detect.rules import load_rules
from pdscan.errors import PdscanError
from pdscan.inventory.diff import DiffOptions, diff_runs, runs_declaration_differs
from pdscan.inventory.periodic import build_periodic_report, compliance_of
from pdscan.inventory.store import Inventory, RunInfo
from pdscan.model import Compliance, ScanResult
from pdscan.reporters import DIFF_FORMATS, PERIODIC_FORMATS, REPORTERS, document_json

DATE_FORMATS = ["%Y-%m-%d", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S"]


@click.command("history")
@click.option("--limit", type=click.IntRange(min=1), default=20, show_default=True, help="Show the last N runs.")
@options_for("history")
def history_command(inventory: str | None, limit: int, fmt: str) -> None:
    """List the runs stored in the inventory, newest last.

    A run is 'complete', 'interrupted' (Ctrl-C, SIGTERM or SIGHUP: what was scanned is kept), 'failed' (storing
    failed), 'running' (still running, or on another host) or 'abandoned' (its process was killed before it could
    finish). Diffs and reports use complete runs.

    \b
    Examples:
      pdscan history
      pdscan history --inventory postgresql://pdscan@db.example/inventory --limit 50 --format json
    """
    try:
        with Inventory(inventory, create=False) as store:
            tell(store.notices)
            runs = store.runs()[-limit:]
            name = store.name
    except PdscanError as exc:
        raise PdscanClickError(str(exc)) from exc
    if fmt == "json":
        document_json.render({"schema_version": 1, "inventory": name, "runs": [r.to_dict() for r in runs]}, sys.stdout)
        return
    if not runs:
        click.echo(f"no runs in {name} yet: pdscan scan SOURCES --inventory")
        return
    click.echo(
        f"{'run':>5}  {'started (UTC)':<25} {'status':<11} {'findings':>8} {'undecl.':>7} "
        f"{'tables':>6} {'errors':>6}  sources"
    )
    for run in runs:
        undeclared = (run.compliance or {}).get("summary", {}).get("undeclared")
        click.echo(
            f"{run.id:>5}  {run.started_at:<25} {run.status:<11} {run.findings:>8} "
            f"{'-' if undeclared is None else undeclared:>7} {run.tables:>6} {run.errors:>6}  {', '.join(run.sources)}"
        )


@click.command("diff")
@click.argument("run_a", type=int, required=False)
@click.argument("run_b", type=int, required=False)
@click.option(
    "--count-factor",
    type=click.FloatRange(min=1.0, min_open=True),
    default=2.0,
    show_default=True,
    help="A match count that grew or shrank by this factor is a big change.",
)
@options_for("diff")
def diff_command(
    run_a: int | None,
    run_b: int | None,
    inventory: str | None,
    declaration: str | None,
    fmt: str,
    count_factor: float,
    fail_on: str,
) -> None:
    """Show what changed between two runs: new and removed personal-data locations (a table or file removed since
    the last run is told from one not scanned), entity, confidence and count changes, new undeclared findings (per
    location and subject group), changes of the declaration the runs were compared with (another file, an edit,
    categories added, removed or changed per subject group) and schema changes. Every one counts for --fail-on
    changes.

    With no RUN, the last two complete runs of the same sources; with one, that run against the latest
    complete run of the same sources.

    \b
    Examples:
      pdscan diff
      pdscan diff 12 15 --format json
      pdscan diff --declaration entrack --fail-on new
    """
    try:
        with Inventory(inventory, create=False) as store:
            tell(store.notices)
            before, after = _pick_runs(store, run_a, run_b)
            a, b = store.load(before), store.load(after)
            recomputed: tuple[Compliance | None, Compliance | None] = (None, None)
            declaration = declaration or _shared_declaration(a.info, b.info)
            if declaration is not None:
                declared, rules = load_declaration(declaration), load_rules()
                recomputed = (compliance_of(a.result, declared, rules), compliance_of(b.result, declared, rules))
            diff = diff_runs(a, b, DiffOptions(count_factor=count_factor), undeclared=recomputed)
    except PdscanError as exc:
        raise PdscanClickError(str(exc)) from exc
    DIFF_FORMATS[fmt](diff, sys.stdout)
    summary = diff["summary"]
    failing = {
        "never": False,
        "changes": summary["changed"],
        "new": bool(summary["new_locations"] or summary["new_undeclared"]),
        "undeclared": bool(summary["new_undeclared"]),
    }[fail_on]
    sys.exit(EXIT_FINDINGS if failing else EXIT_OK)


def _shared_declaration(a: RunInfo, b: RunInfo) -> str | None:
    """The declaration both runs used, when it can still be loaded (so the new gaps come with their subject groups).

    None when the runs were compared with different declarations, or with different contents of one (edited between
    the runs): then each run's undeclared findings are compared as stored, each against its own declaration, so that
    a category dropped from the notice shows up as new undeclared findings."""
    files = {(a.declaration or {}).get("file"), (b.declaration or {}).get("file")}
    if len(files) != 1 or None in files or runs_declaration_differs(a, b):
        return None
    spec = str(next(iter(files)))
    try:
        load_declaration(spec)
    except PdscanError:
        return None
    return spec


def _pick_runs(store: Inventory, run_a: int | None, run_b: int | None) -> tuple[int, int]:
    if run_a is not None and run_b is not None:
        store.run(run_a), store.run(run_b)  # both must exist
        return run_a, run_b
    complete = store.runs(statuses=("complete",))
    if run_a is not None:
        base = store.run(run_a)
        others = [r for r in complete if r.sources_key == base.sources_key and r.id != base.id]
        if not others:
            raise PdscanClickError(f"no other complete run of the sources of run {run_a} to compare with")
        later = [r for r in others if (r.started_at, r.id) > (base.started_at, base.id)]
        if later:
            return run_a, later[-1].id
        return others[-1].id, run_a  # run_a is the latest: compare the one before it with it
    if not complete:
        raise PdscanClickError(f"no complete run in {store.name} yet: pdscan scan SOURCES --inventory")
    latest = complete[-1]
    previous = store.previous_run(latest)
    if previous is None:
        raise PdscanClickError(
            f"run {latest.id} is the only complete run of {', '.join(latest.sources)}: scan again to compare"
        )
    return previous.id, latest.id


def periodic_report(
    inventory: str,
    since: dt.datetime | None,
    declaration: str | None,
    fmt: str,
    output: Path | None,
    fail_on: str,
) -> int:
    """``pdscan report --inventory``: returns the exit code."""
    if fmt not in PERIODIC_FORMATS:
        raise click.UsageError(f"the inventory report comes as {', '.join(sorted(PERIODIC_FORMATS))}, not {fmt}")
    try:
        with Inventory(inventory, create=False) as store:
            tell(store.notices)
            report = build_periodic_report(
                store,
                since=since.replace(tzinfo=since.tzinfo or dt.timezone.utc) if since else None,
                declaration=load_declaration(declaration) if declaration else None,
            )
    except PdscanError as exc:
        raise PdscanClickError(str(exc)) from exc
    write_output(output, lambda stream: PERIODIC_FORMATS[fmt](report, stream))
    if fail_on == "undeclared":
        if report["compliance"] is None:
            raise click.UsageError("--fail-on undeclared needs --declaration FILE (or runs that used one)")
        return EXIT_FINDINGS if report["compliance"]["undeclared"] else EXIT_OK
    return EXIT_OK


@click.command("report")
@click.argument(
    "scan_file", type=click.Path(dir_okay=False, exists=True, path_type=Path), metavar="[SCAN.json]", required=False
)
@click.option(
    "--since",
    type=click.DateTime(formats=DATE_FORMATS),
    help="Inventory report: the period starts here (default: 30 days ago); changes are counted from the last run "
    "before it.",
)
@options_for("report")
def report_command(scan_file: Path | None, since: dt.datetime | None, **values: Any) -> None:
    """Render a saved scan (pdscan scan ... --format json) as a report compared with a declaration, or, with
    --inventory, the periodic inventory report: overview, changes in the period, undeclared gaps, trend,
    retention hints and coverage.

    \b
    Examples:
      pdscan scan exports/ crm.sqlite --format json --output scan.json
      pdscan report scan.json --declaration entrack --format html --output report.html
      pdscan report scan.json --declaration my_notice.yaml --format markdown --fail-on undeclared
      pdscan report --inventory --since 2026-11-01 --declaration entrack --output inventory-2026-11.html
    """
    inventory, stray = split_inventory(values["inventory"])
    if stray is not None:  # `report --inventory scan.json`: the word after a bare --inventory is not its URL
        if scan_file is not None:
            raise click.UsageError(f"got more than one SCAN.json: {stray}, {scan_file}")
        scan_file = Path(stray)
    declaration, output, fail_on = values["declaration"], values["output"], values["fail_on"]
    fmt = values["fmt"] or default_format(output, periodic=inventory is not None)
    style = report_style(values, declaration)
    if (scan_file is None) == (inventory is None):
        raise click.UsageError("give either SCAN.json or --inventory [URL]")
    if inventory is not None:
        if fail_on == "retention":
            raise click.UsageError("--fail-on retention reads a saved scan (SCAN.json): the inventory has hints only")
        sys.exit(periodic_report(inventory, since, declaration, fmt, output, fail_on))
    assert scan_file is not None
    if not scan_file.is_file():
        raise click.UsageError(f"SCAN.json: {scan_file}: no such file")
    try:
        result = ScanResult.from_dict(json.loads(scan_file.read_text(encoding="utf-8")))
    except (OSError, ValueError) as exc:
        raise PdscanClickError(f"{scan_file}: not a pdscan JSON scan ({str(exc).splitlines()[0]})") from exc
    if fmt not in REPORTERS:
        raise click.UsageError(f"a saved scan comes as {', '.join(sorted(REPORTERS))}, not {fmt}")
    try:
        if declaration is not None:
            compare(result, load_declaration(declaration), taxonomy(), load_rules())
        elif fail_on == "undeclared":
            raise click.UsageError("--fail-on undeclared needs --declaration FILE")
        if fail_on == "retention" and result.retention is None:
            raise click.UsageError(
                "--fail-on retention: this scan checked no retention period (scan with a --declaration that has them)"
            )
        write_report(result, fmt, output, style)
    except PdscanError as exc:
        raise PdscanClickError(str(exc)) from exc
    sys.exit(exit_code(result, fail_on))


def default_format(output: Path | None, periodic: bool) -> str:
    """HTML into a file (or the format its extension names), text on standard output."""
    if output is None:
        return "text"
    known = PERIODIC_FORMATS if periodic else {name: r.extension for name, r in REPORTERS.items()}
    by_extension = {REPORTERS[name].extension: name for name in known if name in REPORTERS}
    return by_extension.get(output.suffix.lower(), "html")
