"""``pdscan rules`` and ``pdscan declarations``: the configuration files a scan reads, listed and checked."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from pdscan.cli.kit import EXIT_FINDINGS, EXIT_OK, PdscanClickError, resolve_lang, write_binary, write_output
from pdscan.cli.settings import options_for
from pdscan.compliance.declaration import builtin_declarations, load_declaration
from pdscan.detect.rules import load_rules, parse_rule
from pdscan.detect.ruletest import check_examples
from pdscan.errors import PdscanError


@click.group("rules")
def rules_group() -> None:
    """Inspect the detection rules.

    \b
    Example:
      pdscan rules list
    """


@rules_group.command("list")
@options_for("rules list")
def rules_list(rules_dirs: tuple[Path, ...]) -> None:
    """List the rules: id, entity, validator and description.

    \b
    Example:
      pdscan rules list --rules my_rules/
    """
    try:
        rules = load_rules(rules_dirs)
    except PdscanError as exc:
        raise PdscanClickError(str(exc)) from exc
    click.echo(f"{len(rules)} rules (rules version {rules.version})")
    for rule in rules:
        validator = rule.validator or "-"
        click.echo(f"{rule.id:<20} {rule.entity:<28} {validator:<16} {rule.description}")


@rules_group.command("test")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False, exists=True, path_type=Path))
@options_for("rules test")
def rules_test(files: tuple[Path, ...], rules_dirs: tuple[Path, ...]) -> None:
    """Check rule files: their fields, and their match / no_match examples run through the engine.

    The rules run together with the built-in ones (a rule with a built-in id replaces it), so overlaps between
    rules are part of the test. Exit code 0 when every example passes, 1 when one fails, 2 for a malformed rule.

    \b
    Example:
      pdscan rules test my_rules/customer_number.yaml
    """
    try:
        base = load_rules(rules_dirs)
        own = [parse_rule(path.read_text(encoding="utf-8"), str(path)) for path in files]
    except PdscanError as exc:
        raise PdscanClickError(str(exc)) from exc
    rules = base.with_rules(own)
    failed = 0
    for rule in own:
        results = check_examples(rule, rules)
        bad = [r for r in results if not r.passed]
        failed += len(bad)
        click.echo(f"{rule.id}: {len(results) - len(bad)}/{len(results)} examples pass ({rule.path})")
        for result in bad:
            expectation = "should" if result.kind in ("match", "column_match") else "should not"
            what = "match" if result.kind in ("match", "no_match") else "be a column name for it"
            click.echo(f"  FAIL {result.kind}: {result.example!r} {expectation} {what}")
    sys.exit(EXIT_FINDINGS if failed else EXIT_OK)


@click.group("declarations")
def declarations_group() -> None:
    """Privacy-notice declarations: the shipped examples, and checking your own.

    \b
    Example:
      pdscan declarations check my_notice.yaml
    """


@declarations_group.command("list")
def declarations_list() -> None:
    """List the declarations shipped with pdscan (use them by name with --declaration).

    \b
    Example:
      pdscan declarations list
    """
    for name, path in builtin_declarations().items():
        declaration = load_declaration(path)
        click.echo(
            f"{name:<10} {declaration.controller['name']}: {len(declaration.categories)} categories, "
            f"{len(declaration.subjects)} subject groups ({path})"
        )


@declarations_group.command("check")
@click.argument("files", nargs=-1, required=True)
def declarations_check(files: tuple[str, ...]) -> None:
    """Validate declaration files; an error names the file and the field.

    A draft (``pdscan declarations draft``) with open review items under ``draft.review`` is not a declaration
    yet: check lists them and exits 1 until each is resolved (delete it) or accepted (move it to
    ``draft.accepted``, with your note).

    \b
    Example:
      pdscan declarations check rules/declarations/entrack.yaml my_notice.yaml
    """
    open_items = 0
    for spec in files:
        try:
            declaration = load_declaration(spec)
        except PdscanError as exc:
            raise PdscanClickError(str(exc)) from exc
        keys = sorted({k for c in declaration.categories for k in c.keys})
        summary = (
            f"{declaration.controller['name']}; {len(declaration.categories)} categories over {len(keys)} data "
            "category keys"
        )
        if declaration.review:
            count = len(declaration.review)
            click.echo(f"{spec}: a draft with {count} open review item{'s' * (count > 1)} ({summary}):")
            for item in declaration.review:
                click.echo(f"  - {item}")
            open_items += count
            continue
        click.echo(f"{spec}: valid ({summary})")
    if open_items:
        click.echo(
            "Resolve each review item (delete it from draft.review) or accept it (move it to draft.accepted).",
            err=True,
        )
        sys.exit(EXIT_FINDINGS)


@declarations_group.command("draft")
@click.argument("notice", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--notice-lang", "language", type=click.Choice(["fi", "sv", "en"]), help="The notice's language (default: guessed)."
)
@options_for("declarations draft")
def declarations_draft(notice: Path, language: str | None, output: Path | None, show_data: bool) -> None:
    """Draft a declaration from a privacy notice (text, PDF, Word, HTML), for review.

    Categories are mapped to data category keys with the sentence each comes from, subject groups, purposes and
    legal bases, retention and transfers outside the EU/EEA; each item has a confidence, and draft.review and
    draft.unsaid list what needs a human decision and what the notice does not say. Personal data of people named
    in the quoted sentences (a named employee's phone) is masked unless --show-data; the controller's own contact
    details are quoted as published.

    \b
    Examples:
      pdscan declarations draft tietosuojaseloste.txt -o my_notice.yaml
      pdscan declarations draft privacy.pdf --notice-lang en -o my_notice.yaml
      pdscan declarations check my_notice.yaml
    """
    from pdscan.compliance.draft import draft, read_notice, to_yaml

    try:
        result = draft(read_notice(notice), notice.name, language)
        if not show_data:
            _redact_quotes(result.data)
    except PdscanError as exc:
        raise PdscanClickError(str(exc)) from exc
    write_output(output, lambda stream: stream.write(to_yaml(result)))
    if output is not None:
        data = result.data
        click.echo(
            f"{output}: {len(data['categories'])} categories, {len(data['subjects'])} subject groups, "
            f"{len(data['draft']['review'])} items to review ({result.language})",
            err=True,
        )


@declarations_group.command("ropa")
@click.argument("declaration")
@options_for("declarations ropa")
def declarations_ropa(declaration: str, output: Path | None, lang: str | None, inventory: str | None) -> None:
    """Write the record of processing activities (GDPR Art. 30, seloste käsittelytoimista) of a declaration.

    One row per purpose and data subject group: the purpose and its legal basis (Art. 6(1)), the group, its
    categories of personal data, recipients, transfers to third countries and safeguards, retention and security
    measures, under the controller and its contact; a second table lists each category. Names are the
    declaration's own; what it does not say is marked to be completed (counted on standard error), never invented.
    With --inventory, each category's places (tables and files, never values) and the date it was last seen.

    \b
    Examples:
      pdscan declarations ropa entrack -o seloste.xlsx
      pdscan declarations ropa my_notice.yaml --lang sv -o register.ods
      pdscan declarations ropa entrack --inventory inventory.sqlite -o ropa.html
    """
    from pdscan.compliance.ropa import MISSING_NAMES, ROPA_FORMATS, build_ropa
    from pdscan.reporters.ropa_writers import WRITERS

    if output is None:
        raise click.UsageError("-o FILE is required: its extension picks the format (.xlsx, .ods, .md or .html)")
    extension = output.suffix.lower()
    if extension not in ROPA_FORMATS:
        raise PdscanClickError(
            f"{output}: the record is written as {', '.join(ROPA_FORMATS)} (by the extension of -o FILE), "
            f"not '{output.suffix or 'no extension'}'"
        )
    try:
        declared = load_declaration(declaration)
        storage, read = None, None
        if inventory is not None:
            from pdscan.inventory.ropa import stored_categories
            from pdscan.inventory.store import Inventory

            with Inventory(inventory, create=False) as store:
                storage, runs = stored_categories(store, declared)
                read = (store.name, runs)
        ropa = build_ropa(declared, resolve_lang(lang, declaration), storage, read)
    except PdscanError as exc:
        raise PdscanClickError(str(exc)) from exc
    binary, write = WRITERS[extension]
    if binary:
        write_binary(output, lambda stream: write(ropa, stream))
    else:
        write_output(output, lambda stream: write(ropa, stream))
    kinds = ", ".join(MISSING_NAMES[k] for k in ropa.missing)
    click.echo(
        f"{output}: {len(ropa.rows)} rows ({ropa.purposes} purposes x {ropa.groups} subject groups), "
        f"{len(ropa.category_rows)} categories ({ropa.lang})",
        err=True,
    )
    if ropa.to_complete:
        n = ropa.to_complete
        click.echo(
            f"pdscan: {n} cell{'s' * (n > 1)} of the record {'are' if n > 1 else 'is'} marked to be completed, for "
            f"what the declaration does not say ({kinds}): fill them in before signing",
            err=True,
        )
    if declared.review:
        n = len(declared.review)
        click.echo(
            f"pdscan: {declaration} is a draft with {n} open review item{'s' * (n > 1)}: the record says what the "
            "draft says (pdscan declarations check lists them)",
            err=True,
        )


def _redact_quotes(data: dict[str, Any]) -> None:
    """Mask the personal data in every quoted string of a draft but the controller's own contact details."""
    from pdscan.detect.redact import redact

    rules = load_rules()
    controller = data.get("controller") or {}
    keep = {str(v) for v in controller.values()}

    def walk(node: Any) -> Any:
        if isinstance(node, str):
            return redact(node, rules, keep)
        if isinstance(node, list):
            return [walk(item) for item in node]
        if isinstance(node, dict):
            return {key: walk(value) for key, value in node.items()}
        return node

    for key in list(data):
        if key != "controller":
            data[key] = walk(data[key])
