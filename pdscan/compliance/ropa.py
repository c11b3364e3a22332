"""The controller's record of processing activities (GDPR Art. 30(1), seloste käsittelytoimista) from a declaration.

:func:`build_ropa` lays a declaration out as the record: the controller and its contact, then one row per purpose
and data subject group with the legal basis (Art. 6(1), in words), the group's categories of personal data, the
recipients, transfers to third countries and their safeguards, retention and the security measures; a second table
lists each declared category with its groups, data category keys and the notice's sentence. The columns follow the
items of Art. 30(1) in the order the Data Protection Ombudsman's guidance lists them. Given where an inventory saw
each category (:class:`StoredAt`, built by ``pdscan.inventory.ropa``), both tables also say where the data is stored
and when it was last seen.

Every heading is in Finnish, Swedish or English; the declaration's own names (controller, groups, purposes,
categories, recipients) are copied word for word. A field the declaration does not give is marked to be completed in
the record's language, never invented; ``Ropa.to_complete`` counts those cells. A declaration does not tie purposes
to categories, so each row lists every category declared for its group (a category without ``subjects`` is declared
for every group). Nothing here reads data: the record holds names, places, counts and dates, never a value.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from pdscan.compliance.declaration import Declaration, DeclaredCategory, Purpose, Subject

ROPA_LANGUAGES = ("fi", "sv", "en")
# The extensions the record is written as (pdscan.reporters.ropa_writers writes them).
ROPA_FORMATS = (".xlsx", ".ods", ".md", ".html")

TEXTS: dict[str, dict[str, str]] = {
    "title": {
        "fi": "Seloste käsittelytoimista",
        "sv": "Register över behandling",
        "en": "Record of processing activities",
    },
    "basis": {
        "fi": "Rekisterinpitäjän seloste EU:n yleisen tietosuoja-asetuksen (2016/679) 30 artiklan 1 kohdan mukaisesti.",
        "sv": "Personuppgiftsansvarigs register enligt artikel 30.1 i EU:s allmänna dataskyddsförordning (2016/679).",
        "en": "Controller's record under Article 30(1) of the EU General Data Protection Regulation (2016/679).",
    },
    "sheet.activities": {"fi": "Käsittelytoimet", "sv": "Behandlingar", "en": "Processing activities"},
    "sheet.categories": {"fi": "Henkilötietoryhmät", "sv": "Personuppgifter", "en": "Data categories"},
    # The controller block (Art. 30(1)(a)).
    "controller": {"fi": "Rekisterinpitäjä", "sv": "Personuppgiftsansvarig", "en": "Controller"},
    "contact": {"fi": "Rekisterinpitäjän yhteystiedot", "sv": "Kontaktuppgifter", "en": "Contact details"},
    "dpo": {
        "fi": "Tietosuojavastaavan yhteystiedot",
        "sv": "Dataskyddsombudets kontaktuppgifter",
        "en": "Data protection officer",
    },
    "notice": {"fi": "Tietosuojaseloste", "sv": "Dataskyddsbeskrivning", "en": "Privacy notice"},
    "drawn_up": {"fi": "Laadittu", "sv": "Upprättad", "en": "Drawn up"},
    "declaration": {"fi": "Deklaraatio", "sv": "Deklaration", "en": "Declaration"},
    "inventory": {"fi": "Inventaario", "sv": "Inventering", "en": "Inventory"},
    "notes": {"fi": "Huomautukset", "sv": "Anmärkningar", "en": "Notes"},
    "updated": {"fi": "päivitetty {date}", "sv": "uppdaterad {date}", "en": "updated {date}"},
    # The columns of the processing activities (Art. 30(1)(b)-(g), the legal basis of Art. 6(1)).
    "col.purpose": {"fi": "Käsittelyn tarkoitus", "sv": "Ändamål med behandlingen", "en": "Purpose of the processing"},
    "col.basis": {
        "fi": "Käsittelyn oikeusperuste",
        "sv": "Rättslig grund för behandlingen",
        "en": "Legal basis of the processing",
    },
    "col.group": {"fi": "Rekisteröityjen ryhmä", "sv": "Kategori av registrerade", "en": "Category of data subjects"},
    "col.categories": {
        "fi": "Henkilötietoryhmät",
        "sv": "Kategorier av personuppgifter",
        "en": "Categories of personal data",
    },
    "col.recipients": {
        "fi": "Vastaanottajien ryhmät",
        "sv": "Kategorier av mottagare",
        "en": "Categories of recipients",
    },
    "col.transfers": {
        "fi": "Siirrot kolmansiin maihin ja suojatoimet",
        "sv": "Överföringar till tredjeland och skyddsåtgärder",
        "en": "Transfers to third countries and safeguards",
    },
    "col.retention": {
        "fi": "Poistamisen määräajat (säilytysaika)",
        "sv": "Tidsfrister för radering (lagringstid)",
        "en": "Time limits for erasure (retention)",
    },
    "col.security": {
        "fi": "Tekniset ja organisatoriset turvatoimet",
        "sv": "Tekniska och organisatoriska säkerhetsåtgärder",
        "en": "Technical and organisational security measures",
    },
    "col.stored": {
        "fi": "Säilytyspaikat (pdscan-inventaario)",
        "sv": "Lagringsplatser (pdscan-inventering)",
        "en": "Where stored (pdscan inventory)",
    },
    "col.last_seen": {"fi": "Viimeksi havaittu", "sv": "Senast sedd", "en": "Last seen"},
    # The columns of the categories table.
    "col.category": {"fi": "Henkilötietoryhmä", "sv": "Kategori av personuppgifter", "en": "Category of personal data"},
    "col.groups": {
        "fi": "Rekisteröityjen ryhmät",
        "sv": "Kategorier av registrerade",
        "en": "Categories of data subjects",
    },
    "col.keys": {
        "fi": "Tietoluokat (fideslang)",
        "sv": "Datakategorier (fideslang)",
        "en": "Data category keys (fideslang)",
    },
    "col.source": {
        "fi": "Tietosuojaselosteen lause",
        "sv": "Mening i dataskyddsbeskrivningen",
        "en": "Sentence of the privacy notice",
    },
    # Art. 6(1)(a)-(f), in the regulation's words.
    "basis.consent": {
        "fi": "rekisteröidyn suostumus (6 artiklan 1 kohdan a alakohta)",
        "sv": "den registrerades samtycke (artikel 6.1 a)",
        "en": "consent of the data subject (Article 6(1)(a))",
    },
    "basis.contract": {
        "fi": "sopimuksen täytäntöönpano (6 artiklan 1 kohdan b alakohta)",
        "sv": "fullgörande av ett avtal (artikel 6.1 b)",
        "en": "performance of a contract (Article 6(1)(b))",
    },
    "basis.legal_obligation": {
        "fi": "rekisterinpitäjän lakisääteinen velvoite (6 artiklan 1 kohdan c alakohta)",
        "sv": "rättslig förpliktelse (artikel 6.1 c)",
        "en": "legal obligation (Article 6(1)(c))",
    },
    "basis.vital_interests": {
        "fi": "rekisteröidyn tai toisen luonnollisen henkilön elintärkeä etu (6 artiklan 1 kohdan d alakohta)",
        "sv": "grundläggande intressen för den registrerade eller en annan fysisk person (artikel 6.1 d)",
        "en": "vital interests of the data subject or of another natural person (Article 6(1)(d))",
    },
    "basis.public_task": {
        "fi": "yleistä etua koskeva tehtävä tai julkisen vallan käyttäminen (6 artiklan 1 kohdan e alakohta)",
        "sv": "uppgift av allmänt intresse eller myndighetsutövning (artikel 6.1 e)",
        "en": "task in the public interest or official authority (Article 6(1)(e))",
    },
    "basis.legitimate_interests": {
        "fi": "rekisterinpitäjän tai kolmannen osapuolen oikeutettu etu (6 artiklan 1 kohdan f alakohta)",
        "sv": "berättigat intresse hos den personuppgiftsansvarige eller tredje part (artikel 6.1 f)",
        "en": "legitimate interests of the controller or a third party (Article 6(1)(f))",
    },
    "transfers_yes": {
        "fi": "Tietoja siirretään EU:n ja ETA:n ulkopuolelle.",
        "sv": "Uppgifter överförs utanför EU och EES.",
        "en": "Data is transferred outside the EU and the EEA.",
    },
    "transfers_no": {
        "fi": "Tietoja ei siirretä EU:n ja ETA:n ulkopuolelle.",
        "sv": "Uppgifter överförs inte utanför EU och EES.",
        "en": "Data is not transferred outside the EU and the EEA.",
    },
    "countries": {"fi": "Maat: {text}", "sv": "Länder: {text}", "en": "Countries: {text}"},
    "safeguards": {"fi": "Suojatoimet: {text}", "sv": "Skyddsåtgärder: {text}", "en": "Safeguards: {text}"},
    "period": {"fi": "{period} {counted}", "sv": "{period} {counted}", "en": "{period} {counted}"},
    "counted.latest": {
        "fi": "rivin viimeisimmästä päivämäärästä",
        "sv": "från radens senaste datum",
        "en": "from the row's latest date",
    },
    "counted.columns": {"fi": "sarakkeista {columns}", "sv": "från kolumnerna {columns}", "en": "from {columns}"},
    "not_seen": {
        "fi": "ei havaittu inventaarion viimeisimmissä ajoissa",
        "sv": "inte sedd i inventeringens senaste körningar",
        "en": "not seen in the inventory's latest runs",
    },
    "columns_at": {"fi": "{n} saraketta", "sv": "{n} kolumner", "en": "{n} columns"},
    "column_at": {"fi": "1 sarake", "sv": "1 kolumn", "en": "1 column"},
    "note.purposes": {
        "fi": "Deklaraatio ei kohdista käsittelyn tarkoituksia henkilötietoryhmiin: jokaisella rivillä ovat kaikki "
        "rekisteröityjen ryhmälle ilmoitetut henkilötietoryhmät. Tarkenna, mitä tietoja kukin tarkoitus tarvitsee.",
        "sv": "Deklarationen knyter inte ändamålen till kategorier av personuppgifter: varje rad visar alla kategorier "
        "som deklarerats för gruppen av registrerade. Precisera vilka uppgifter varje ändamål behöver.",
        "en": "The declaration does not tie purposes to categories of personal data: each row lists every category "
        "declared for its group of data subjects. Narrow down which data each purpose needs.",
    },
    "note.to_complete": {
        "fi": "Kohdat, joita deklaraatio ei kerro, on merkitty täydennettäviksi ({n} kpl).",
        "sv": "Uppgifter som deklarationen inte anger är markerade att kompletteras ({n} st.).",
        "en": "What the declaration does not say is marked to be completed ({n} fields).",
    },
    "note.inventory": {
        "fi": "Säilytyspaikat ja havaintopäivät ovat inventaarion {inventory} viimeisimmistä valmiista ajoista "
        "({runs}); sarakkeet ja paikat, ei tietojen arvoja.",
        "sv": "Lagringsplatser och datum kommer från de senaste slutförda körningarna i inventeringen {inventory} "
        "({runs}); kolumner och platser, inga värden.",
        "en": "Places and dates come from the latest complete runs of the inventory {inventory} ({runs}); columns "
        "and places, never values.",
    },
    "to_complete": {
        "fi": "[TÄYDENNETTÄVÄ: {what}]",
        "sv": "[SKA KOMPLETTERAS: {what}]",
        "en": "[TO BE COMPLETED: {what}]",
    },
    "missing.contact": {
        "fi": "rekisterinpitäjän yhteystiedot (deklaraatio ei kerro)",
        "sv": "den personuppgiftsansvariges kontaktuppgifter (deklarationen anger dem inte)",
        "en": "the controller's contact details (the declaration does not say)",
    },
    "missing.dpo": {
        "fi": "tietosuojavastaavan yhteystiedot tai tieto, ettei tietosuojavastaavaa ole nimitetty",
        "sv": "dataskyddsombudets kontaktuppgifter, eller att inget dataskyddsombud har utsetts",
        "en": "the data protection officer's contact details, or that none is appointed",
    },
    "missing.purpose": {
        "fi": "käsittelyn tarkoitukset (deklaraatio ei kerro)",
        "sv": "ändamålen med behandlingen (deklarationen anger dem inte)",
        "en": "the purposes of the processing (the declaration does not say)",
    },
    "missing.basis": {
        "fi": "oikeusperuste (tietosuojaseloste ei kerro)",
        "sv": "rättslig grund (dataskyddsbeskrivningen anger den inte)",
        "en": "the legal basis (the privacy notice does not say)",
    },
    "missing.categories": {
        "fi": "tämän ryhmän henkilötietoryhmät (deklaraatio ei kerro)",
        "sv": "kategorierna av personuppgifter för denna grupp (deklarationen anger dem inte)",
        "en": "this group's categories of personal data (the declaration does not say)",
    },
    "missing.recipients": {
        "fi": "vastaanottajien ryhmät (tietosuojaseloste ei kerro)",
        "sv": "kategorierna av mottagare (dataskyddsbeskrivningen anger dem inte)",
        "en": "the categories of recipients (the privacy notice does not say)",
    },
    "missing.transfers": {
        "fi": "siirretäänkö tietoja EU:n ja ETA:n ulkopuolelle (tietosuojaseloste ei kerro)",
        "sv": "om uppgifter överförs utanför EU och EES (dataskyddsbeskrivningen anger det inte)",
        "en": "whether data is transferred outside the EU and the EEA (the privacy notice does not say)",
    },
    "missing.countries": {
        "fi": "kolmannet maat (tietosuojaseloste ei nimeä niitä)",
        "sv": "tredjeländerna (dataskyddsbeskrivningen namnger dem inte)",
        "en": "the third countries (the privacy notice does not name them)",
    },
    "missing.safeguards": {
        "fi": "siirtojen suojatoimet (tietosuojaseloste ei kerro)",
        "sv": "skyddsåtgärderna för överföringarna (dataskyddsbeskrivningen anger dem inte)",
        "en": "the safeguards of the transfers (the privacy notice does not say)",
    },
    "missing.retention": {
        "fi": "säilytysaika (tietosuojaseloste ei kerro)",
        "sv": "lagringstiden (dataskyddsbeskrivningen anger den inte)",
        "en": "how long the data is kept (the privacy notice does not say)",
    },
    "missing.security": {
        "fi": "tekniset ja organisatoriset turvatoimet (deklaraatio ei kuvaa niitä)",
        "sv": "tekniska och organisatoriska säkerhetsåtgärder (deklarationen beskriver dem inte)",
        "en": "the technical and organisational security measures (a declaration does not describe them)",
    },
}

# What a field marked to be completed is, in English for the command line's summary.
MISSING_NAMES = {
    "contact": "controller's contact",
    "dpo": "data protection officer",
    "purpose": "purposes",
    "basis": "legal basis",
    "categories": "a group's categories",
    "recipients": "recipients",
    "transfers": "transfers",
    "countries": "third countries",
    "safeguards": "transfer safeguards",
    "retention": "retention",
    "security": "security measures",
}

_DPO_KEYS = ("dpo", "data_protection_officer", "group_dpo")


def text(key: str, lang: str, **values: object) -> str:
    return TEXTS[key][lang].format(**values)


@dataclass(frozen=True)
class StoredAt:
    """Where an inventory saw a declared category: a table, sheet or file. Never a value."""

    place: str  # the source (URLs masked) and the table, sheet or file
    subject: str | None  # the subject group's name the place holds, when known
    columns: int  # how many of its columns hold the category (0 for a document, which has none)
    last_seen: str  # ISO date of the latest complete run that found it there; "" when unknown


Cell = list[str]  # the lines of one cell


@dataclass
class Ropa:
    """The record, every phrase already in ``lang``: the controller block, the processing activities (one row per
    purpose and subject group) and the categories of personal data."""

    lang: str
    title: str
    basis: str
    header: list[tuple[str, Cell]]
    activities_title: str
    columns: list[str]
    rows: list[list[Cell]]
    categories_title: str
    category_columns: list[str]
    category_rows: list[list[Cell]]
    notes_title: str = ""
    notes: list[str] = field(default_factory=list)
    to_complete: int = 0
    missing: list[str] = field(default_factory=list)  # the kinds marked to be completed (MISSING_NAMES keys)
    purposes: int = 0
    groups: int = 0


def categories_of(declaration: Declaration, subject: Subject) -> list[tuple[int, DeclaredCategory]]:
    """The categories declared for a group, with their indexes (a category without ``subjects`` is declared for
    every group)."""
    return [(i, c) for i, c in enumerate(declaration.categories) if subject.id in c.subjects]


def build_ropa(
    declaration: Declaration,
    lang: str,
    storage: dict[int, list[StoredAt]] | None = None,
    inventory: tuple[str, str] | None = None,
    today: dt.date | None = None,
) -> Ropa:
    """The record of ``declaration`` in ``lang`` (fi, sv, en).

    ``storage``: per index of ``declaration.categories``, where an inventory saw it (None: no inventory given; the
    record then has no storage columns). ``inventory``: (its masked name, the runs read) for the notes.
    """
    if lang not in ROPA_LANGUAGES:
        raise ValueError(f"lang must be one of {ROPA_LANGUAGES}")
    missing: list[str] = []

    def complete(what: str) -> str:
        missing.append(what)
        return text("to_complete", lang, what=text(f"missing.{what}", lang))

    controller = declaration.controller
    notice = declaration.notice
    header: list[tuple[str, Cell]] = [
        (text("controller", lang), [controller.get("name", "")]),
        (text("contact", lang), [controller.get("contact") or complete("contact")]),
    ]
    dpo = [controller[k] for k in _DPO_KEYS if controller.get(k)]
    header.append((text("dpo", lang), dpo or [complete("dpo")]))
    notice_name = notice.get("title") or notice.get("file") or ""
    if notice_name:
        updated = f" ({text('updated', lang, date=notice['updated'])})" if notice.get("updated") else ""
        header.append((text("notice", lang), [notice_name + updated]))
    header.append((text("declaration", lang), [declaration.path]))
    header.append((text("drawn_up", lang), [(today or dt.date.today()).isoformat()]))
    if inventory is not None:
        header.append((text("inventory", lang), [inventory[0]]))

    columns = [text(f"col.{k}", lang) for k in _ACTIVITY_COLUMNS]
    category_columns = [text(f"col.{k}", lang) for k in ("category", "groups", "keys", "source")]
    if storage is not None:
        columns += [text("col.stored", lang), text("col.last_seen", lang)]
        category_columns += [text("col.stored", lang), text("col.last_seen", lang)]

    own_words = str(notice.get("language", ""))[:2].lower() == lang
    purposes: list[Purpose | None] = list(declaration.purposes) or [None]
    rows: list[list[Cell]] = []
    for purpose in purposes:
        for subject in declaration.subjects:
            categories = categories_of(declaration, subject)
            row: list[Cell] = [
                [purpose.name] if purpose else [complete("purpose")],
                _bases(purpose, lang, complete),
                [subject.name],
                [c.name for _, c in categories] or [complete("categories")],
                [r["name"] for r in declaration.recipients] or [complete("recipients")],
                _transfers(declaration.transfers, lang, complete),
                _retention(declaration, subject, lang, own_words, complete),
                [complete("security")],
            ]
            if storage is not None:
                places = [
                    place
                    for index, _ in categories
                    for place in storage.get(index, [])
                    if place.subject in (None, subject.name)
                ]
                row += _storage_cells(places, lang)
            rows.append(row)

    category_rows: list[list[Cell]] = []
    for index, category in enumerate(declaration.categories):
        crow: list[Cell] = [
            [category.name],
            [s.name for s in declaration.subjects if s.id in category.subjects],
            list(category.keys),
            [category.source],
        ]
        if storage is not None:
            crow += _storage_cells(storage.get(index, []), lang, with_subject=True)
        category_rows.append(crow)

    notes = [text("note.purposes", lang)]
    if inventory is not None:
        notes.append(text("note.inventory", lang, inventory=inventory[0], runs=inventory[1]))
    if missing:
        notes.append(text("note.to_complete", lang, n=len(missing)))
    return Ropa(
        lang=lang,
        title=text("title", lang),
        basis=text("basis", lang),
        header=header,
        activities_title=text("sheet.activities", lang),
        columns=columns,
        rows=rows,
        categories_title=text("sheet.categories", lang),
        category_columns=category_columns,
        category_rows=category_rows,
        notes_title=text("notes", lang),
        notes=notes,
        to_complete=len(missing),
        missing=list(dict.fromkeys(missing)),
        purposes=len(declaration.purposes),
        groups=len(declaration.subjects),
    )


_ACTIVITY_COLUMNS = ("purpose", "basis", "group", "categories", "recipients", "transfers", "retention", "security")


def _bases(purpose: Purpose | None, lang: str, complete: Callable[[str], str]) -> Cell:
    if purpose is None or not purpose.legal_bases:
        return [complete("basis")]
    return [text(f"basis.{b}", lang) for b in purpose.legal_bases]


def _transfers(transfers: dict[str, Any], lang: str, complete: Callable[[str], str]) -> Cell:
    if not transfers or not isinstance(transfers.get("outside_eea"), bool):
        return [complete("transfers")]
    if not transfers["outside_eea"]:
        return [text("transfers_no", lang)]
    countries = transfers.get("countries")
    if isinstance(countries, list):
        countries = ", ".join(str(c) for c in countries)
    safeguards = transfers.get("safeguards")
    return [
        text("transfers_yes", lang),
        text("countries", lang, text=countries or complete("countries")),
        text("safeguards", lang, text=safeguards or complete("safeguards")),
    ]


def _retention(
    declaration: Declaration,
    subject: Subject,
    lang: str,
    own_words: bool,
    complete: Callable[[str], str],
) -> Cell:
    """The retention periods that apply to the row's group (a period without ``subjects`` applies to every group
    the other periods do not name), then the notice's words; "Not stated" (as declarations and drafts write a
    notice's silence) is no retention."""
    periods = list(getattr(declaration, "retention_periods", ()))  # declarations with machine-readable retention
    named = {s for p in periods for s in p.subjects}
    lines = []
    for period in periods:
        if (period.subjects and subject.id not in period.subjects) or (not period.subjects and subject.id in named):
            continue
        if period.counted_from:
            counted = text("counted.columns", lang, columns=", ".join(period.counted_from))
        else:
            counted = text("counted.latest", lang)
        lines.append(text("period", lang, period=period.period, counted=counted))
    retention = declaration.retention
    if not periods and isinstance(retention.get("period"), str):
        lines.append(str(retention["period"]))
    statement = retention.get("statement")
    stated = isinstance(statement, str) and statement.strip() and not statement.lower().startswith("not stated")
    if stated:
        quote = retention.get("source") if own_words else None
        lines.append(str(quote or statement))
    return lines or [complete("retention")]


def _storage_cells(places: list[StoredAt], lang: str, with_subject: bool = False) -> list[Cell]:
    """Two cells: the places (one a line, by place) and the latest date any of them was seen."""
    if not places:
        return [[text("not_seen", lang)], []]
    merged: dict[str, list[Any]] = {}
    for place in places:
        entry = merged.setdefault(place.place, [0, "", set()])
        entry[0] += place.columns
        entry[1] = max(entry[1], place.last_seen)
        if place.subject:
            entry[2].add(place.subject)
    lines = []
    for name, (columns, _seen, subjects) in sorted(merged.items()):
        said = [text("column_at", lang) if columns == 1 else text("columns_at", lang, n=columns)] if columns else []
        if with_subject and subjects:
            said.append(", ".join(sorted(subjects)))
        lines.append(f"{name} ({'; '.join(said)})" if said else name)
    last = max((p.last_seen for p in places), default="")
    return [lines, [last[:10]] if last else []]
