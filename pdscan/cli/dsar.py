"""``pdscan find`` (data subject requests) and ``pdscan audit`` (the log of those searches)."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Any

import click

from pdscan.cli.config import current
from pdscan.cli.kit import EXIT_ERROR, EXIT_FINDINGS, PdscanClickError, resolve_lang, tell
from pdscan.cli.settings import options_for
from pdscan.compliance.declaration import load_declaration
from pdscan.dsar.document import SCHEMA_VERSION, counts, find_document, identifier_columns
from pdscan.dsar.erasure import write_erasure_plan
from pdscan.dsar.export import write_export
from pdscan.dsar.identity import Person
from pdscan.dsar.search import FindOptions, find
from pdscan.errors import PdscanError
from pdscan.inventory.store import Inventory
from pdscan.reporters import FIND_FORMATS
from pdscan.scan import check_sources
from pdscan.sources.base import SourceOptions


@click.command("find")
@click.argument("sources", nargs=-1)
@click.option("--email", "emails", multiple=True, metavar="ADDRESS", help="An email address (repeatable).")
@click.option("--phone", "phones", multiple=True, metavar="NUMBER", help="A phone number in any written form.")
@click.option("--hetu", "hetus", multiple=True, metavar="HETU", help="A henkilötunnus.")
@click.option("--name", "names", multiple=True, metavar="'FIRST LAST'", help="A first name and a surname.")
@click.option("--business-id", "business_ids", multiple=True, metavar="Y-TUNNUS", help="A Y-tunnus (sole traders).")
@click.option(
    "--export",
    "export_dir",
    type=click.Path(file_okay=False, path_type=Path),
    metavar="DIR",
    help="Write the access/portability package to DIR: rows as JSON and CSV, index, summary.",
)
@click.option(
    "--erasure-plan",
    "plan_file",
    type=click.Path(dir_okay=False, path_type=Path),
    metavar="FILE",
    help="Write the erasure plan to FILE, for review (pdscan runs nothing): one SQL script per database that its "
    "own client runs as one transaction (several databases: FILE lists erase.<database>.sql beside it), and the "
    "files to remove by hand. With --declaration, tables under a legal retention duty are anonymised instead.",
)
@click.option(
    "--hops",
    type=click.IntRange(0, 2),
    default=2,
    show_default=True,
    help="Foreign-key hops followed from the person's rows to related rows.",
)
@options_for("find")
@click.pass_context
def find_command(
    ctx: click.Context,
    /,
    sources: tuple[str, ...],
    emails: tuple[str, ...],
    phones: tuple[str, ...],
    hetus: tuple[str, ...],
    names: tuple[str, ...],
    business_ids: tuple[str, ...],
    export_dir: Path | None,
    plan_file: Path | None,
    hops: int,
    **values: Any,
) -> None:
    """Find every row about one person in files and databases (access, portability and erasure requests).

    Every row of every text column is searched: identifiers are compared normalised (email case, any phone
    format, HETU case), names in either order and with Finnish case endings. Rows that reference a found row
    through a foreign key are followed (--hops). Values are masked in the output. Each search is recorded in the
    inventory's audit log with keyed hashes of the identifiers, never the identifiers themselves.

    \b
    Examples:
      pdscan find --email matti.virtanen@example.fi --phone "040 123 4567" sample_data/ sqlite:///crm.sqlite
      pdscan find --hetu 131052-308T --name "Matti Virtanen" --inventory --export dsar-2026-11/
      pdscan find --email m.v@example.fi postgresql://dpo@db/crm --erasure-plan erase.sql
    """
    inventory, declaration, fmt = values["inventory"], values["declaration"], values["fmt"]
    show_data, keep_going, quiet = values["show_data"], values["keep_going"], values["quiet"]
    try:
        person = Person.from_identifiers(emails, phones, hetus, names, business_ids)
        declared = load_declaration(declaration) if declaration else None
        source_options = SourceOptions(
            include=values["include"],
            exclude=values["exclude"],
            exclude_from=values["exclude_from"],
            patterns_base=current(ctx).patterns_base(ctx, "find"),
            schemas=values["schemas"],
            table_timeout=values["table_timeout"],
        )
        # Every source named is opened before anything is searched: a typo must not pass as "no row about this
        # person", nor cost a long search of the others first.
        failed = check_sources(sources, source_options)
        for exc in failed.values():
            click.echo(f"Error: {exc}", err=True)  # one line each, even with -q: the run fails because of them
        if failed and (not keep_going or len(failed) == len(set(sources))):
            sys.exit(EXIT_ERROR)  # (with none left, no SOURCES would mean the inventory's sources)
        with Inventory(inventory) as store:
            targets, known, inventoried = identifier_columns(store, tuple(s for s in sources if s not in failed))
            options = FindOptions(source=source_options, hops=hops, known_columns=known, inventoried=inventoried)
            started = time.perf_counter()
            result = find(person, targets, options)
            elapsed = time.perf_counter() - started
            lang = resolve_lang(values["lang"], declaration)
            index = write_export(result, export_dir, declared, lang) if export_dir is not None else None
            # One script per database, each run by its own client as one transaction; the declaration's retention
            # duties decide where rows are anonymised instead of deleted (pdscan.dsar.erasure).
            plan_files = write_erasure_plan(result, plan_file, declared, targets) if plan_file is not None else []
            entry = store.record_audit(
                {
                    "identifier_kinds": person.kinds,
                    "fingerprints": person.fingerprints(store.fingerprint_key().secret),
                    "sources": targets,
                    **counts(result),
                    "exported": export_dir is not None,
                    "erasure_plan": plan_file is not None,
                }
            )
            inventory_name = store.name
            tell(store.notices)
    except PdscanError as exc:
        raise PdscanClickError(str(exc)) from exc
    if index is not None and index["reply"]["to_complete"]:
        count = index["reply"]["to_complete"]
        click.echo(
            f"pdscan: the reply has {count} passage{'s' * (count > 1)} marked to be completed (the declaration does "
            "not say): fill them in before sending",
            err=True,
        )
    if not quiet:
        for error in result.errors:
            click.echo(f"pdscan: not searched {error.one_line()}", err=True)
    document = find_document(result, show_data, elapsed)
    document["audit"] = {"inventory": inventory_name, "entry": entry}
    if index is not None:
        document["export"] = {"directory": str(export_dir), "locations": len(index["locations"])}
    FIND_FORMATS[fmt](document, sys.stdout)
    if fmt == "text":
        if export_dir is not None and index is not None:
            click.echo(
                f"Export: {export_dir}/ (reply.pdf, reply.html, reply.md in {index['reply']['language']}; rows as "
                "JSON and CSV; index.json; summary.md and summary.html for you)"
            )
        if plan_files:
            click.echo(f"Erasure plan: {', '.join(map(str, plan_files))} (review it; pdscan runs nothing)")
        click.echo(f"Audit: entry {entry} in {inventory_name}")
    if result.errors or failed:
        # A partial search is no answer: "no other data about you" would be unproven (a timeout, a broken file).
        click.echo(
            f"pdscan: the search is incomplete: {len(result.errors) + len(failed)} source(s), table(s) or file(s) "
            "not searched",
            err=True,
        )
        sys.exit(EXIT_ERROR)


@click.command("audit")
@click.option(
    "--verify",
    is_flag=True,
    help="Check the log's hash chain with the inventory's key: exit 1 and one line per problem if an entry was "
    "changed, removed or inserted.",
)
@options_for("audit")
def audit_command(inventory: str | None, fmt: str, verify: bool) -> None:
    """List the DSAR searches recorded in the inventory: when, who, which identifier kinds, how many rows.

    The identifiers themselves are never stored: only keyed hashes, so that two searches for the same person
    can be told apart from searches for different people. The key is kept outside the inventory (a key file in
    the user's config folder, or PDSCAN_FINGERPRINT_KEY), and each entry carries a keyed hash of the one before it:
    --verify tells whether anyone changed, removed or inserted an entry.

    \b
    Examples:
      pdscan audit --format json
      pdscan audit --verify
    """
    try:
        with Inventory(inventory, create=False) as store:
            tell(store.notices)
            entries = store.audit_log()
            problems = store.verify_audit()[1] if verify else []
    except PdscanError as exc:
        raise PdscanClickError(str(exc)) from exc
    if verify:
        if fmt == "json":
            document = {"schema_version": SCHEMA_VERSION, "entries": len(entries), "intact": not problems}
            json.dump(document | {"problems": problems}, sys.stdout, ensure_ascii=False, indent=2)
            sys.stdout.write("\n")
        else:
            for problem in problems:
                click.echo(f"audit log: {problem}")
            state = "intact" if not problems else f"{len(problems)} problem{'s' if len(problems) > 1 else ''}"
            click.echo(f"audit log: {len(entries)} entries, chain {state}")
        sys.exit(EXIT_FINDINGS if problems else 0)
    if fmt == "json":
        json.dump({"schema_version": SCHEMA_VERSION, "entries": entries}, sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
        return
    for e in entries:
        click.echo(
            f"{e['id']:>4}  {e['at']}  {e['user'] or '-'}@{e['host'] or '-'}  {','.join(e['identifier_kinds'])}  "
            f"rows {e['matches']} (direct {e['direct']}, related {e['related']}, name only {e['name_only']})"
            f"{'  exported' if e['exported'] else ''}{'  erasure plan' if e['erasure_plan'] else ''}"
        )
    if not entries:
        click.echo("no DSAR searches recorded")
