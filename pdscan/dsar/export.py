"""The access and portability package (``pdscan find --export DIR``): the person's rows, and a summary to send.

Written: ``index.json`` (what is where, with ``schema_version``), per location the rows as ``.json`` and ``.csv``,
and ``summary.md`` and ``summary.html`` for the DPO to send. Exported are the rows an identifier matched and the
rows related to them through foreign keys; rows that matched by name only may be someone else's and are listed for
review, not exported. Other people's identifiers in free text (emails, phone numbers, HETUs, names) are masked.
"""

from __future__ import annotations

import csv
import functools
import json
import os
import re
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pdscan import __version__
from pdscan.compliance.declaration import Declaration
from pdscan.detect.colnames import fold
from pdscan.detect.masking import MASKERS
from pdscan.detect.names import mentions
from pdscan.detect.rules import load_rules
from pdscan.detect.validators import VALIDATORS, Outcome
from pdscan.dsar.identity import EMAIL, PHONE, Person, hetu_pattern
from pdscan.dsar.reply import build_reply, plain_place
from pdscan.dsar.reply_pdf import write_pdf
from pdscan.dsar.search import FindResult, Match
from pdscan.errors import UsageError
from pdscan.reporters.markdown_tidy import tidy
from pdscan.reporters.templates import environment

SCHEMA_VERSION = 1


def location_groups(result: FindResult) -> dict[tuple[str, str], list[Match]]:
    groups: dict[tuple[str, str], list[Match]] = defaultdict(list)
    for match in result.matches:
        groups[(match.source, match.location.display(with_column=False))].append(match)
    return groups


def export_row(person: Person, row: dict[str, Any], own_row: bool) -> dict[str, Any]:
    """A row as the package shows it: the person's own data whole (it is their copy), other people's identifiers
    masked (GDPR Art. 15(4): the copy must not reveal others).

    In the person's own row (matched by an identifier) a whole-value identifier is theirs even when the search did
    not name it (their phone beside their e-mail), unless the row is shared: two different values of one kind of
    identifier (a message's sender and recipient, an order's second contact), where only the person's own are
    shown whole. In related rows every identifier that is not the person's is masked.
    """
    kinds: dict[str, set[str]] = {}
    for column, value in row.items():
        kind = _identifier_kind(value, column)
        if kind is not None:
            kinds.setdefault(kind, set()).add(str(value).strip().casefold())
    shared = any(len(values) > 1 for values in kinds.values())
    return {k: mask_others(person, v, own_row=own_row and not shared, column=k) for k, v in row.items()}


def mask_others(person: Person, value: Any, own_row: bool = True, column: str = "") -> Any:
    """Mask identifiers and names that are not the person's own; everything else (their dates, amounts, texts)
    stays as it is.

    ``own_row``: a whole-value identifier is the person's (see :func:`export_row`); only free text can mention
    others. Otherwise every identifier that is not the person's is masked, whole values too.
    """
    if isinstance(value, int) and not isinstance(value, bool):
        if _identifier_kind(value, column) == "phone" and not own_row and not person.match_value(str(value)):
            return MASKERS["phone"](str(value))  # a number kept as an integer (358401234567)
        return value
    if not isinstance(value, str) or not value.strip():
        return value
    if any(hit.exact for hit in person.match_value(value)):
        return value  # the person's own identifier, as a whole value
    if own_row and _identifier_kind(value) is not None:
        return value

    def replace(pattern: re.Pattern[str], masker: str, text: str, real: Callable[[str], bool]) -> str:
        def one(m: re.Match[str]) -> str:
            found = m.group(0)
            return found if person.match_value(found) or not real(found) else MASKERS[masker](found)

        return pattern.sub(one, text)

    text = replace(EMAIL, "email", value, lambda _: True)
    text = replace(hetu_pattern(), "hetu", text, lambda _: True)
    text = replace(PHONE, "phone", text, _is_phone)
    spans = [(s, e) for s, e in mentions(text) if not is_persons_name(person, text[s:e])]
    for start, end in reversed(spans):
        text = text[:start] + MASKERS["name"](text[start:end]) + text[end:]
    return text


# A date, a time or a period written with digits (2021-05-03, 3.5.2021 klo 12.30, 2019-2021): the phone pattern's
# shape, never a phone number. A person's dates in their own rows were masked as phone numbers (issue 26).
_DATE_LIKE = re.compile(r"\d{1,4}[-./]\d{1,2}(?:[-./]\d{1,4})?(?:\s+(?:klo\s+)?\d{1,2}[.:]\d{2})?|\d{4}\s*[-–]\s*\d{4}")


@functools.lru_cache(maxsize=256)
def _named_for_phones(column: str) -> bool:
    return bool(column) and any(
        rule.name_evidence(column).supports for rule in load_rules() if rule.dsar_identifier == "phone"
    )


def _is_phone(text: str) -> bool:
    """A phone number by its numbering plan (libphonenumber, the scan's validator), and not a date."""
    if _DATE_LIKE.fullmatch(text.strip()):
        return False
    return VALIDATORS["phone_number"].one(text).outcome is not Outcome.REJECT


def _identifier_kind(value: Any, column: str = "") -> str | None:
    """The kind of identifier a whole value is (email, hetu, phone), or None. An integer is a phone number only in
    a column named for one (an order number of nine digits is not)."""
    if isinstance(value, bool) or not isinstance(value, str | int):
        return None
    if isinstance(value, int) and not _named_for_phones(column):
        return None
    text = str(value).strip()
    if EMAIL.fullmatch(text):
        return "email"
    if hetu_pattern().fullmatch(text):
        return "hetu"
    if isinstance(value, int):  # an integer keeps no + and no trunk 0: 358401234567, 401234567
        return "phone" if 7 <= len(text) <= 15 and (_is_phone("+" + text) or _is_phone("0" + text)) else None
    if PHONE.fullmatch(text) and _is_phone(text):
        return "phone"
    return None


def is_persons_name(person: Person, text: str) -> bool:
    """Whether a name mention is the person's: one of their names (any case form), or, searched without a name,
    a name their e-mail address spells (Matti Virtanen, matti.virtanen@...): their own name stays in their copy."""
    words = [fold(w).lower() for w in re.findall(r"[^\W\d_][\w'’-]*", text)]
    if any(w in name.first_forms or w in name.last_forms for name in person.names for w in words):
        return True
    handles = [re.sub(r"[^a-z]", "", fold(email.split("@", 1)[0]).lower()) for email in person.emails]
    spelled = [re.sub(r"[^a-z]", "", w) for w in words]
    return len(spelled) >= 2 and any(all(w and w in handle for w in spelled) for handle in handles)


def write_export(
    result: FindResult, directory: Path, declaration: Declaration | None = None, lang: str = "en"
) -> dict[str, Any]:
    if directory.exists() and any(directory.iterdir()):
        # Files of an earlier export (maybe of another person) would be sent along with this one.
        raise UsageError(f"{directory}: the export folder is not empty; give a new folder for each request")
    directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    old_umask = os.umask(0o077)  # the package is personal data: readable by its owner only
    try:
        return _write(result, directory, declaration, lang)
    finally:
        os.umask(old_umask)


def _write(result: FindResult, directory: Path, declaration: Declaration | None, lang: str) -> dict[str, Any]:
    person = result.person
    locations = []
    readable: list[list[list[tuple[str, str]]]] = []  # per location, per row: (column, value)
    review: list[dict[str, Any]] = []
    for number, ((source, where), matches) in enumerate(sorted(location_groups(result).items()), start=1):
        exported = [m for m in matches if m.kind != "name"]
        review.extend(
            {"source": source, "location": where, "key": m.key, "shown_key": _key_text(m.key), "strength": m.strength}
            for m in matches
            if m.kind == "name"
        )
        if not exported:
            continue
        database, place = plain_place(source, where)  # file names the person sees: no internal path
        slug = re.sub(r"[^\w.-]+", "_", f"{database}_{place}" if database else place).strip("_")[-80:] or "location"
        stem = f"{number:02d}_{slug}"
        rows: list[dict[str, Any]] = [
            {
                "key": m.key,
                "match": m.strength,
                "matched_columns": sorted(m.match.columns) if m.match else [],
                "via": m.via,
                "row": export_row(person, m.row, own_row=m.kind == "direct"),
            }
            for m in exported
        ]
        (directory / f"{stem}.json").write_text(
            json.dumps(
                {"database": database, "place": place, "rows": rows} if database else {"file": place, "rows": rows},
                ensure_ascii=False,
                indent=2,
            ),
            encoding="utf-8",
        )
        columns = list(dict.fromkeys(c for r in rows for c in r["row"]))
        with (directory / f"{stem}.csv").open("w", encoding="utf-8", newline="") as f:
            writer = csv.writer(f)
            writer.writerow(["_key", "_match", "_via", *columns])
            for r in rows:
                writer.writerow(
                    [
                        json.dumps(r["key"], ensure_ascii=False),
                        r["match"],
                        r["via"] or "",
                        *[_cell(r["row"].get(c)) for c in columns],
                    ]
                )
        files = [f"{stem}.json", f"{stem}.csv"]
        documents = [m for m in exported if m.document_text]
        if documents:  # the whole document is the person's (a CV, a letter), others' identifiers masked
            (directory / f"{stem}.txt").write_text(_document_text(person, documents), encoding="utf-8")
            files.append(f"{stem}.txt")
        # The readable copy in the reply: each row as "column: value" lines (any number of columns fits a page).
        readable.append(
            [[(column, _cell(value)) for column, value in r["row"].items() if value not in (None, "")] for r in rows]
        )
        locations.append(
            {
                "source": source,
                "location": where,
                "rows": len(rows),
                "direct": sum(1 for m in exported if m.kind == "direct"),
                "related": sum(1 for m in exported if m.kind == "related"),
                "columns": columns,
                "files": files,
            }
        )
    index = {
        "schema_version": SCHEMA_VERSION,
        "kind": "dsar_export",
        "generated_at": result.finished_at,
        "tool": {"name": "pdscan", "version": __version__},
        "identifiers": person.kinds,
        "sources": result.sources,
        "locations": locations,
        "not_exported_name_only": review,
        "searched": len(result.searched),
        "complete": not result.errors,
        "errors": [e.one_line() for e in result.errors],
        "declaration": _declared(declaration) if declaration else None,
    }
    # The reply to send (reply.md, .html, .pdf) in the person's language; summary.md/.html are the DPO's notes.
    reply = build_reply(index, declaration, lang, readable)
    for location, plain in zip(locations, reply["locations"], strict=True):
        location["in_plain_words"] = f"{plain['system']}: {plain['place']}"  # what the reply calls it
    index["reply"] = {
        "language": lang,
        "files": ["reply.md", "reply.html", "reply.pdf"],
        "to_complete": reply["to_complete"],
    }
    (directory / "index.json").write_text(json.dumps(index, ensure_ascii=False, indent=2), encoding="utf-8")
    for kind, name in (("markdown", "summary.md"), ("html", "summary.html")):
        template = environment(kind).get_template(f"dsar.{'md' if kind == 'markdown' else 'html'}.j2")
        text = template.render(index=index)
        (directory / name).write_text(tidy(text) if kind == "markdown" else text, encoding="utf-8")
    for kind, name in (("markdown", "reply.md"), ("html", "reply.html")):
        template = environment(kind).get_template(f"dsar_reply.{'md' if kind == 'markdown' else 'html'}.j2")
        text = template.render(reply=reply)
        (directory / name).write_text(tidy(text).rstrip("\n") + "\n" if kind == "markdown" else text, encoding="utf-8")
    write_pdf(reply, directory / "reply.pdf")
    return index


def _document_text(person: Person, documents: list[Match]) -> str:
    """Every passage of each part of the documents, in order, under the part's name; other people masked."""
    out: list[str] = []
    for match in documents:
        for part, passages in (match.document_text or {}).items():
            out.append(f"== {part} ==")
            # A passage is no row of the person's: one that is a whole identifier (an address block's e-mail line)
            # may be anybody's, so only the person's own identifiers stay (own_row=False).
            out.extend(mask_others(person, passage, own_row=False) for passage in passages)
            out.append("")
    return "\n\n".join(out).rstrip() + "\n"


def _key_text(key: dict[str, Any]) -> str:
    """A row key of a name-only match, which may be someone else's: text keys (a HETU, an email) masked."""
    shown = (v if v is None or isinstance(v, int) else MASKERS["generic"](str(v)) for v in key.values())
    return ", ".join(f"{k} {v}" for k, v in zip(key, shown, strict=True) if k != "note")


def _declared(declaration: Declaration) -> dict[str, Any]:
    """What an access response owes besides the data (GDPR Art. 15(1)): purposes, recipients, retention."""
    return {
        **declaration.to_dict(),
        "purposes": [{"name": p.name, "legal_bases": list(p.legal_bases)} for p in declaration.purposes],
        "recipients": [dict(r) for r in declaration.recipients],
    }


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return str(value)
