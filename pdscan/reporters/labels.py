"""Plain language for reports: entities and data categories by their names (``Henkilötunnus``, not the entity code),
and the headings and phrases of the text report in English, Finnish and Swedish.

Names are data: an entity's name is its rule's ``label`` (rules/*.yaml), a category's its taxonomy entry's ``name``
and ``label`` (rules/taxonomy/). The report's own phrases are in :data:`TEXTS`, one table.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from pathlib import Path

from pdscan.compliance.taxonomy import Category, taxonomy
from pdscan.detect.rules import load_rules
from pdscan.errors import PdscanError

# Each phrase in every language of LANGUAGES; a pair is (one, many), chosen by the count.
TEXTS: dict[str, dict[str, str | tuple[str, str]]] = {
    "scanned": {"en": "Scanned", "fi": "Luettu", "sv": "Läst"},
    "found": {"en": "Found", "fi": "Löydetty", "sv": "Hittat"},
    "kind.directory": {"en": "folder", "fi": "kansio", "sv": "mapp"},
    "kind.file": {"en": "file", "fi": "tiedosto", "sv": "fil"},
    "kind.database": {"en": "database", "fi": "tietokanta", "sv": "databas"},
    "kind.unknown": {"en": "not opened", "fi": "ei avattu", "sv": "inte öppnad"},
    "coverage": {
        "en": "tables and files: {tables}, rows: {rows}",
        "fi": "tauluja ja tiedostoja: {tables}, rivejä: {rows}",
        "sv": "tabeller och filer: {tables}, rader: {rows}",
    },
    "sampled": {
        "en": "sampled: at most {size} rows per table (--full reads every row)",
        "fi": "otanta: enintään {size} riviä taulusta (--full lukee kaikki rivit)",
        "sv": "stickprov: högst {size} rader per tabell (--full läser alla rader)",
    },
    "full": {"en": "every row read (--full)", "fi": "kaikki rivit luettu (--full)", "sv": "alla rader lästa (--full)"},
    "sampled_tables": {
        "en": "more rows than were read: {n}",
        "fi": "enemmän rivejä kuin luettiin: {n}",
        "sv": "fler rader än som lästes: {n}",
    },
    "skipped_count": {
        "en": "files skipped: {n} (listed at the end)",
        "fi": "ohitettuja tiedostoja: {n} (luettelo lopussa)",
        "sv": "överhoppade filer: {n} (listade i slutet)",
    },
    "failed_count": {
        "en": "not scanned: {n} (listed at the end)",
        "fi": "lukematta: {n} (luettelo lopussa)",
        "sv": "inte lästa: {n} (listade i slutet)",
    },
    "ignored_count": {
        "en": "files of unsupported types ignored: {n}",
        "fi": "tukemattomia tiedostoja ohitettu: {n}",
        "sv": "filer av typer som inte stöds: {n}",
    },
    "finding": {
        "en": ("{n} finding", "{n} findings"),
        "fi": ("{n} löydös", "{n} löydöstä"),
        "sv": ("{n} fynd", "{n} fynd"),
    },
    "file": {"en": ("{n} file", "{n} files"), "fi": ("{n} tiedosto", "{n} tiedostoa"), "sv": ("{n} fil", "{n} filer")},
    "table": {
        "en": ("{n} table", "{n} tables"),
        "fi": ("{n} taulu", "{n} taulua"),
        "sv": ("{n} tabell", "{n} tabeller"),
    },
    "place": {
        "en": ("{n} place", "{n} places"),
        "fi": ("{n} paikka", "{n} paikkaa"),
        "sv": ("{n} plats", "{n} platser"),
    },
    "found_in": {
        "en": "{findings} in {places} of {tables} tables and files",
        "fi": "{findings} {places} taulussa tai tiedostossa ({tables} luettu)",
        "sv": "{findings} i {places} av {tables} tabeller och filer",
    },
    "nothing_found": {
        "en": "No personal data found in {n} tables.",
        "fi": "Henkilötietoja ei löytynyt ({n} taulua luettu).",
        "sv": "Inga personuppgifter hittades i {n} tabeller.",
    },
    "nothing_partial": {
        "en": "No personal data found in the {n} tables read; not everything was read.",
        "fi": "Henkilötietoja ei löytynyt {n} luetusta taulusta; kaikkea ei voitu lukea.",
        "sv": "Inga personuppgifter hittades i de {n} lästa tabellerna; allt kunde inte läsas.",
    },
    "interrupted": {
        "en": "Scan interrupted: results below cover only what was scanned before the interruption.",
        "fi": "Luku keskeytyi: tulokset kattavat vain sen, mitä ehdittiin lukea ennen keskeytystä.",
        "sv": "Sökningen avbröts: resultaten gäller bara det som lästes före avbrottet.",
    },
    "col.what": {"en": "What", "fi": "Mitä", "sv": "Vad"},
    "col.places": {"en": "Places", "fi": "Paikkoja", "sv": "Platser"},
    "col.values": {"en": "Values", "fi": "Arvoja", "sv": "Värden"},
    "col.risk": {"en": "Why risky", "fi": "Miksi riski", "sv": "Varför risk"},
    "col.where": {"en": "Where", "fi": "Missä", "sv": "Var"},
    "col.confidence": {"en": "Confidence", "fi": "Varmuus", "sv": "Säkerhet"},
    "col.matches": {"en": "Matches", "fi": "Osumat", "sv": "Träffar"},
    "legend.risk": {
        "en": "high risk: specially protected by law, or financial",
        "fi": "suuri riski: lain erityisesti suojaama tai taloudellinen tieto",
        "sv": "hög risk: särskilt skyddad i lag, eller finansiell",
    },
    "legend.undeclared": {
        "en": "not in the declaration",
        "fi": "ei ilmoitettu selosteessa",
        "sv": "saknas i deklarationen",
    },
    "compliance.short": {
        "en": "declared vs found: {undeclared} undeclared in {categories} categories ({high} high risk)",
        "fi": "ilmoitettu ja löydetty: {undeclared} ilmoittamatta {categories} ryhmässä ({high} suuri riski)",
        "sv": "deklarerat och hittat: {undeclared} odeklarerade i {categories} kategorier ({high} hög risk)",
    },
    "findings.heading": {
        "en": "Findings per folder (matches: matching values / values read)",
        "fi": "Löydökset kansioittain (osumat: osuneet arvot / luetut arvot)",
        "sv": "Fynd per mapp (träffar: träffande värden / lästa värden)",
    },
    "rollup": {
        "en": "{files}, {n} with findings",
        "fi": "{files}, joista {n} sisältää löydöksiä",
        "sv": "{files}, {n} med fynd",
    },
    "whole": {"en": "(whole file)", "fi": "(koko tiedosto)", "sv": "(hela filen)"},
    "confidence.high": {"en": "high", "fi": "korkea", "sv": "hög"},
    "confidence.medium": {"en": "medium", "fi": "kohtalainen", "sv": "medel"},
    "confidence.low": {"en": "low", "fi": "matala", "sv": "låg"},
    "why": {"en": "why", "fi": "perusteet", "sv": "skäl"},
    "samples": {"en": "samples", "fi": "esimerkit", "sv": "exempel"},
    "documents": {
        "en": "Documents: {n} read, {personal} with personal data, {cv} CV-like "
        "(a name, contact details and an identity code or birth date)",
        "fi": "Asiakirjat: {n} luettu, {personal} sisältää henkilötietoja, {cv} ansioluettelon kaltaista "
        "(nimi, yhteystiedot ja henkilötunnus tai syntymäaika)",
        "sv": "Dokument: {n} lästa, {personal} med personuppgifter, {cv} liknar CV "
        "(namn, kontaktuppgifter och personbeteckning eller födelsedatum)",
    },
    "documents.folder": {
        "en": "{personal} of {n} with personal data",
        "fi": "{personal}/{n} sisältää henkilötietoja",
        "sv": "{personal} av {n} med personuppgifter",
    },
    "documents.cv": {"en": "{n} CV-like", "fi": "{n} ansioluettelon kaltaista", "sv": "{n} liknar CV"},
    "cv_like": {"en": "CV-like", "fi": "Ansioluettelo", "sv": "CV-liknande"},
    "compliance": {
        "en": "Declared vs found: {controller} ({file})",
        "fi": "Ilmoitettu ja löydetty: {controller} ({file})",
        "sv": "Deklarerat och hittat: {controller} ({file})",
    },
    "all_covered": {
        "en": "Every finding is covered by a declared category.",
        "fi": "Jokainen löydös kuuluu ilmoitettuun tietoryhmään.",
        "sv": "Varje fynd täcks av en deklarerad kategori.",
    },
    "undeclared": {"en": "UNDECLARED", "fi": "ILMOITTAMATTA", "sv": "ODEKLARERAT"},
    "high_risk": {"en": "HIGH RISK", "fi": "SUURI RISKI", "sv": "HÖG RISK"},
    "declared_only_for": {
        "en": "for {subject}: declared only for {groups}",
        "fi": "ryhmälle {subject}: ilmoitettu vain ryhmälle {groups}",
        "sv": "för {subject}: deklarerat endast för {groups}",
    },
    "declared_and_found": {
        "en": "declared and found: {name} ({places})",
        "fi": "ilmoitettu ja löydetty: {name} ({places})",
        "sv": "deklarerat och hittat: {name} ({places})",
    },
    "never_found": {
        "en": "declared, never found: {name} ({why})",
        "fi": "ilmoitettu, ei löydetty: {name} ({why})",
        "sv": "deklarerat, aldrig hittat: {name} ({why})",
    },
    "no_detector": {"en": "no detector for it", "fi": "ei tunnistinta", "sv": "ingen detektor för den"},
    "stale": {
        "en": "stale, or not scanned yet?",
        "fi": "vanhentunut, tai vielä lukematta?",
        "sv": "inaktuell, eller inte läst ännu?",
    },
    "compliance.totals": {
        "en": "{undeclared} undeclared findings in {categories} categories ({high} high risk); "
        "{never} of {declared} declared categories never found",
        "fi": "{undeclared} ilmoittamatonta löydöstä {categories} tietoryhmässä ({high} suuri riski); "
        "{never}/{declared} ilmoitetusta tietoryhmästä ei löytynyt",
        "sv": "{undeclared} odeklarerade fynd i {categories} kategorier ({high} hög risk); "
        "{never} av {declared} deklarerade kategorier aldrig hittade",
    },
    "retention": {
        "en": "Retention: the declared periods checked against every row",
        "fi": "Säilytysaika: ilmoitetut säilytysajat verrattuna jokaiseen riviin",
        "sv": "Lagringstid: deklarerade lagringstider mot varje rad",
    },
    "retention.none": {
        "en": "No table with personal data belongs to a group with a declared period.",
        "fi": "Yksikään henkilötietoja sisältävä taulu ei kuulu ryhmään, jolle on ilmoitettu säilytysaika.",
        "sv": "Ingen tabell med personuppgifter hör till en grupp med deklarerad lagringstid.",
    },
    "retention.short": {
        "en": "retention: {rows} rows older than the declared period in {tables} of {of} tables checked",
        "fi": "säilytysaika: {rows} riviä ilmoitettua vanhempia {tables}/{of} tarkistetussa taulussa",
        "sv": "lagringstid: {rows} rader äldre än deklarerat i {tables} av {of} kontrollerade tabeller",
    },
    "retention.over_head": {"en": "OVER", "fi": "YLITTÄÄ", "sv": "ÖVER"},
    "retention.over": {
        "en": "{over} of {rows} rows older than {period} (dated before {cutoff}), the oldest {oldest}",
        "fi": "{over}/{rows} riviä vanhempia kuin {period} (päivätty ennen {cutoff}), vanhin {oldest}",
        "sv": "{over} av {rows} rader äldre än {period} (daterade före {cutoff}), den äldsta {oldest}",
    },
    "retention.ok": {
        "en": "none of {rows} rows older than {period} (dated before {cutoff})",
        "fi": "ei yhtään {rows} rivistä vanhempaa kuin {period} (päivätty ennen {cutoff})",
        "sv": "ingen av {rows} rader äldre än {period} (daterade före {cutoff})",
    },
    "retention.undated": {
        "en": "{n} rows without a date",
        "fi": "{n} riviä ilman päivämäärää",
        "sv": "{n} rader utan datum",
    },
    "retention.columns": {"en": "counted from {columns}", "fi": "laskettu: {columns}", "sv": "räknat från {columns}"},
    "retention.no_column": {
        "en": "no date column to count from",
        "fi": "ei päivämääräsaraketta",
        "sv": "ingen datumkolumn att räkna från",
    },
    "retention.error": {"en": "not counted: {reason}", "fi": "ei laskettu: {reason}", "sv": "inte räknat: {reason}"},
    "suppressed": {
        "en": "{n} findings suppressed by {source}",
        "fi": "{n} löydöstä ohitettu ({source})",
        "sv": "{n} fynd undertryckta av {source}",
    },
    "allow_list": {"en": "the allow-list", "fi": "sallittujen luettelo", "sv": "tillåtlistan"},
    "not_scanned": {"en": "Not scanned ({n}):", "fi": "Lukematta ({n}):", "sv": "Inte lästa ({n}):"},
    "skipped": {"en": "Skipped files ({n}):", "fi": "Ohitetut tiedostot ({n}):", "sv": "Överhoppade filer ({n}):"},
}


def text(key: str, lang: str, **values: object) -> str:
    """A phrase of :data:`TEXTS` in ``lang`` (English for a language it lacks), filled with ``values``."""
    forms = TEXTS[key]
    phrase = forms.get(lang) or forms["en"]
    if isinstance(phrase, tuple):
        phrase = phrase[0] if values.get("n") == 1 else phrase[1]
    return phrase.format(**values)


def number(n: int, lang: str) -> str:
    """1,148 in English, 1 148 in Finnish and Swedish."""
    return f"{n:,}" if lang == "en" else f"{n:,}".replace(",", " ")


def count(key: str, n: int, lang: str) -> str:
    """``3 files``, ``1 tiedosto``: a counted noun of :data:`TEXTS`."""
    return text(key, lang, n=n).replace(str(n), number(n, lang), 1)


@functools.lru_cache(maxsize=8)
def _entity_labels(rules_dirs: tuple[str, ...]) -> dict[str, dict[str, str]]:
    try:
        rules = load_rules([Path(d) for d in rules_dirs])
    except PdscanError:  # a saved result's --rules folder that is gone: the built-in names still serve
        rules = load_rules()
    labels: dict[str, dict[str, str]] = {}
    for rule in rules:
        if rule.label:
            labels.setdefault(rule.entity, dict(rule.label))
    return labels


def entity_label(entity: str, lang: str, rules_dirs: Sequence[str] = ()) -> str:
    """An entity's name for people: its rules' ``label`` in ``lang`` (else English), else the code in words."""
    labels = _entity_labels(tuple(rules_dirs)).get(entity, {})
    return labels.get(lang) or labels.get("en") or entity.replace("_", " ").capitalize()


def category_label(key: str, lang: str) -> str:
    """A data category's name (rules/taxonomy) in ``lang``; an unknown key as it is."""
    known = taxonomy()
    return known.get(key).label_in(lang) if key in known else key


def risk(categories: Sequence[str]) -> Category | None:
    """The taxonomy category that makes data of these categories risky ("high" before "elevated"), or None."""
    known = taxonomy()
    marked = [c for c in (known.risk(k) for k in categories if k in known) if c is not None]
    return next((c for c in marked if c.risk == "high"), marked[0] if marked else None)


def risk_note(category: Category, lang: str) -> str:
    """Why data is risky, from the taxonomy: the law that protects it (GDPR Art. 9), else the category's name."""
    return category.article or category.label_in(lang)
