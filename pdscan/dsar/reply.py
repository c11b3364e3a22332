"""The reply to an access request (GDPR Art. 15) in Finnish, Swedish or English, ready to send (issue 26).

:func:`build_reply` turns a search's package index and the controller's declaration into the reply's content, every
phrase already in the reply's language; ``reply.md``, ``reply.html`` and ``reply.pdf`` render that one structure. It
holds what Art. 15(1)-(2) owe besides the copy: the purposes and legal bases, the categories of data for the
person's group, the recipients and transfers, the retention, where the data came from, the rights (Art. 16-18, 20,
21, 7(3)), the right to complain to the supervisory authority and whether automated decisions are made. Places are
named in plain words (a database by its name, a file by its name), never by an internal path or a URL. What the
declaration does not say is marked to be completed, never invented (``to_complete`` counts those passages).
"""

from __future__ import annotations

import fnmatch
from pathlib import PurePath
from typing import Any

from pdscan.compliance.declaration import Declaration
from pdscan.detect.rules import load_rules
from pdscan.reporters.labels import entity_label

# Every phrase of the reply in every language; {name} fields are filled in by build_reply.
TEXTS: dict[str, dict[str, str]] = {
    "title": {
        "fi": "Vastaus pyyntöönne saada pääsy henkilötietoihinne",
        "sv": "Svar på er begäran om tillgång till era personuppgifter",
        "en": "Reply to your request for access to your personal data",
    },
    "basis": {
        "fi": "EU:n yleisen tietosuoja-asetuksen (2016/679) 15 artiklan mukainen vastaus.",
        "sv": "Svar enligt artikel 15 i EU:s allmänna dataskyddsförordning (2016/679).",
        "en": "Reply under Article 15 of the EU General Data Protection Regulation (2016/679).",
    },
    "controller": {"fi": "Rekisterinpitäjä", "sv": "Personuppgiftsansvarig", "en": "Controller"},
    "contact": {"fi": "Yhteystiedot", "sv": "Kontaktuppgifter", "en": "Contact"},
    "date": {"fi": "Päivämäärä", "sv": "Datum", "en": "Date"},
    "searched_with": {
        "fi": "Tietonne haettiin seuraavilla tunnisteilla: {kinds}.",
        "sv": "Era uppgifter söktes med följande identifierare: {kinds}.",
        "en": "Your data was searched for with these identifiers: {kinds}.",
    },
    "kind.email": {"fi": "sähköpostiosoite", "sv": "e-postadress", "en": "e-mail address"},
    "kind.phone": {"fi": "puhelinnumero", "sv": "telefonnummer", "en": "phone number"},
    "kind.hetu": {"fi": "henkilötunnus", "sv": "personbeteckning", "en": "personal identity code"},
    "kind.business_id": {"fi": "Y-tunnus", "sv": "FO-nummer", "en": "business ID"},
    "kind.name": {"fi": "nimi", "sv": "namn", "en": "name"},
    "processed_yes": {
        "fi": "Käsittelemme teitä koskevia henkilötietoja. Jäljennös tiedoista on tämän vastauksen liitteenä.",
        "sv": "Vi behandlar personuppgifter som gäller er. En kopia av uppgifterna bifogas detta svar.",
        "en": "We process personal data about you. A copy of the data is attached to this reply.",
    },
    "processed_no": {
        "fi": "Emme löytäneet teitä koskevia henkilötietoja järjestelmistämme.",
        "sv": "Vi hittade inga personuppgifter som gäller er i våra system.",
        "en": "We found no personal data about you in our systems.",
    },
    "incomplete": {
        "fi": "LUONNOS: haku ei ole valmis ({n} taulua tai tiedostoa jäi hakematta). Älä lähetä ennen uutta hakua.",
        "sv": "UTKAST: sökningen är inte klar ({n} tabeller eller filer söktes inte). Skicka inte före en ny sökning.",
        "en": "DRAFT: the search is not complete ({n} tables or files were not searched). Do not send before a new "
        "search.",
    },
    "h_data": {"fi": "Teistä käsittelemämme tiedot", "sv": "Uppgifter vi behandlar om er", "en": "The data we hold"},
    "th_system": {"fi": "Järjestelmä", "sv": "System", "en": "System"},
    "th_place": {"fi": "Taulu tai tiedosto", "sv": "Tabell eller fil", "en": "Table or file"},
    "th_rows": {"fi": "Rivejä", "sv": "Rader", "en": "Rows"},
    "th_data": {"fi": "Tiedot", "sv": "Uppgifter", "en": "Data"},
    "th_file": {"fi": "Liite", "sv": "Bilaga", "en": "Attachment"},
    "system.database": {"fi": "tietokanta {name}", "sv": "databas {name}", "en": "database {name}"},
    "system.files": {"fi": "tiedostot", "sv": "filer", "en": "files"},
    "attachments": {
        "fi": "Tiedot ovat liitteinä koneluettavassa muodossa (JSON ja CSV), jotta voitte siirtää ne toiselle "
        "rekisterinpitäjälle (20 artikla). Muiden henkilöiden tiedot on peitetty (15 artiklan 4 kohta).",
        "sv": "Uppgifterna bifogas i maskinläsbart format (JSON och CSV) så att ni kan överföra dem till en annan "
        "personuppgiftsansvarig (artikel 20). Andra personers uppgifter har dolts (artikel 15.4).",
        "en": "The data is attached in machine-readable form (JSON and CSV) so that you can move it to another "
        "controller (Article 20). Other people's data has been masked (Article 15(4)).",
    },
    "h_copy": {"fi": "Jäljennös tiedoistanne", "sv": "Kopia av era uppgifter", "en": "Copy of your data"},
    "row": {"fi": "Rivi {n}", "sv": "Rad {n}", "en": "Row {n}"},
    "more_rows": {
        "fi": "Lisäksi {n} riviä liitteissä {files}.",
        "sv": "Ytterligare {n} rader i bilagorna {files}.",
        "en": "{n} more rows in the attachments {files}.",
    },
    "h_groups": {"fi": "Rekisteröityjen ryhmä", "sv": "Kategori av registrerade", "en": "Your group"},
    "groups_all": {
        "fi": "Tietosuojaselosteemme koskee seuraavia ryhmiä:",
        "sv": "Vår dataskyddsbeskrivning gäller följande grupper:",
        "en": "Our privacy notice covers these groups:",
    },
    "h_purposes": {
        "fi": "Käsittelyn tarkoitukset ja oikeusperusteet",
        "sv": "Ändamål och rättslig grund",
        "en": "Purposes and legal bases",
    },
    "basis.consent": {"fi": "suostumus", "sv": "samtycke", "en": "consent"},
    "basis.contract": {"fi": "sopimus", "sv": "avtal", "en": "contract"},
    "basis.legal_obligation": {"fi": "lakisääteinen velvoite", "sv": "rättslig förpliktelse", "en": "legal obligation"},
    "basis.vital_interests": {"fi": "elintärkeä etu", "sv": "grundläggande intresse", "en": "vital interests"},
    "basis.public_task": {"fi": "yleinen etu tai julkinen valta", "sv": "allmänt intresse", "en": "public task"},
    "basis.legitimate_interests": {
        "fi": "oikeutettu etu",
        "sv": "berättigat intresse",
        "en": "legitimate interests",
    },
    "h_categories": {
        "fi": "Käsiteltävät henkilötietoryhmät",
        "sv": "Kategorier av personuppgifter",
        "en": "Categories of personal data",
    },
    "h_sources": {"fi": "Mistä tiedot saadaan", "sv": "Varifrån uppgifterna kommer", "en": "Where the data comes from"},
    "h_recipients": {"fi": "Tietojen vastaanottajat", "sv": "Mottagare", "en": "Recipients"},
    "transfers_yes": {
        "fi": "Tietoja voidaan siirtää EU:n ja ETA:n ulkopuolelle.",
        "sv": "Uppgifter kan överföras utanför EU och EES.",
        "en": "Data may be transferred outside the EU and the EEA.",
    },
    "transfers_no": {
        "fi": "Tietoja ei siirretä EU:n ja ETA:n ulkopuolelle.",
        "sv": "Uppgifter överförs inte utanför EU och EES.",
        "en": "Data is not transferred outside the EU and the EEA.",
    },
    "h_retention": {"fi": "Säilytysaika", "sv": "Lagringstid", "en": "How long the data is kept"},
    "h_automated": {
        "fi": "Automaattinen päätöksenteko",
        "sv": "Automatiserat beslutsfattande",
        "en": "Automated decision-making",
    },
    "automated_no": {
        "fi": "Emme tee teitä koskevia päätöksiä pelkästään automaattisen käsittelyn perusteella (22 artikla).",
        "sv": "Vi fattar inga beslut om er som enbart grundas på automatiserad behandling (artikel 22).",
        "en": "We make no decisions about you based solely on automated processing (Article 22).",
    },
    "h_rights": {"fi": "Oikeutenne", "sv": "Era rättigheter", "en": "Your rights"},
    "rights": {
        "fi": "Teillä on oikeus saada virheelliset tiedot oikaistuiksi (16 artikla) ja tiedot poistetuiksi "
        "(17 artikla), rajoittaa käsittelyä (18 artikla), vastustaa oikeutettuun etuun perustuvaa käsittelyä ja "
        "suoramarkkinointia (21 artikla) sekä saada tiedot siirretyiksi (20 artikla).",
        "sv": "Ni har rätt att få felaktiga uppgifter rättade (artikel 16) och uppgifter raderade (artikel 17), att "
        "begränsa behandlingen (artikel 18), att invända mot behandling som grundar sig på berättigat intresse och "
        "mot direktmarknadsföring (artikel 21) samt att få uppgifterna överförda (artikel 20).",
        "en": "You have the right to have inaccurate data rectified (Article 16) and data erased (Article 17), to "
        "restrict processing (Article 18), to object to processing based on legitimate interests and to direct "
        "marketing (Article 21), and to data portability (Article 20).",
    },
    "withdraw": {
        "fi": "Kun käsittely perustuu suostumukseen, voitte peruuttaa sen milloin tahansa (7 artiklan 3 kohta).",
        "sv": "När behandlingen grundar sig på samtycke kan ni när som helst återkalla det (artikel 7.3).",
        "en": "Where processing is based on consent, you may withdraw it at any time (Article 7(3)).",
    },
    "complaint": {
        "fi": "Teillä on oikeus tehdä valitus valvontaviranomaiselle: Tietosuojavaltuutetun toimisto, PL 800, "
        "00531 Helsinki, tietosuoja.fi.",
        "sv": "Ni har rätt att lämna in klagomål till tillsynsmyndigheten: Dataombudsmannens byrå, PB 800, "
        "00531 Helsingfors, tietosuoja.fi/sv.",
        "en": "You have the right to lodge a complaint with the supervisory authority: the Office of the Data "
        "Protection Ombudsman, P.O. Box 800, 00531 Helsinki, Finland, tietosuoja.fi/en.",
    },
    "to_complete": {
        "fi": "[TÄYDENNETTÄVÄ: {what}]",
        "sv": "[SKA KOMPLETTERAS: {what}]",
        "en": "[TO BE COMPLETED: {what}]",
    },
    "missing.sources": {
        "fi": "mistä tiedot saadaan (tietosuojaseloste ei kerro)",
        "sv": "varifrån uppgifterna kommer (dataskyddsbeskrivningen anger det inte)",
        "en": "where the data comes from (the privacy notice does not say)",
    },
    "missing.automated": {
        "fi": "tehdäänkö automaattisia päätöksiä (tietosuojaseloste ei kerro)",
        "sv": "om automatiserade beslut fattas (dataskyddsbeskrivningen anger det inte)",
        "en": "whether automated decisions are made (the privacy notice does not say)",
    },
    "missing.declaration": {
        "fi": "käsittelyn tarkoitukset, tietoryhmät, vastaanottajat ja säilytysaika (anna --declaration)",
        "sv": "ändamål, kategorier, mottagare och lagringstid (ange --declaration)",
        "en": "purposes, categories, recipients and retention (give --declaration)",
    },
    "missing.retention": {
        "fi": "säilytysaika (tietosuojaseloste ei kerro)",
        "sv": "lagringstid (dataskyddsbeskrivningen anger det inte)",
        "en": "how long the data is kept (the privacy notice does not say)",
    },
}

REPLY_LANGUAGES = ("fi", "sv", "en")


def text(key: str, lang: str, **values: object) -> str:
    return TEXTS[key][lang].format(**values)


# Rows of one place shown in the readable copy; the rest are in its attached files (the reply says how many).
READABLE_ROWS = 100


def build_reply(
    index: dict[str, Any],
    declaration: Declaration | None,
    lang: str,
    readable: list[list[list[tuple[str, str]]]] | None = None,
) -> dict[str, Any]:
    """The reply's content in ``lang``: headings, paragraphs, the table of where the data is, and ``readable`` (per
    location, per row, its (column, value) pairs: the copy of the data as people read it), as plain values."""
    missing: list[str] = []

    def complete(what: str) -> str:
        missing.append(what)
        return text("to_complete", lang, what=text(f"missing.{what}", lang))

    locations = [_plain_location(loc, lang) for loc in index["locations"]]
    copies = []
    for location, rows in zip(locations, readable or [[] for _ in locations], strict=True):
        shown = rows[:READABLE_ROWS]
        more = len(rows) - len(shown)
        copies.append(
            {
                "heading": f"{location['system']} · {location['place']}",
                "rows": [
                    {"label": text("row", lang, n=n), "fields": [{"name": c, "value": v} for c, v in row]}
                    for n, row in enumerate(shown, start=1)
                ],
                "more": text("more_rows", lang, n=more, files=", ".join(location["files"])) if more else "",
            }
        )
    reply: dict[str, Any] = {
        "lang": lang,
        "title": text("title", lang),
        "basis": text("basis", lang),
        "date": str(index["generated_at"])[:10],
        "labels": {k: text(k, lang) for k in ("controller", "contact", "date", "th_system", "th_place", "th_rows")}
        | {k: text(k, lang) for k in ("th_data", "th_file")},
        "searched_with": text(
            "searched_with", lang, kinds=", ".join(text(f"kind.{k}", lang) for k in index["identifiers"])
        ),
        "draft": None if index.get("complete", True) else text("incomplete", lang, n=len(index.get("errors", []))),
        "processed": text("processed_yes" if locations else "processed_no", lang),
        "data_heading": text("h_data", lang),
        "locations": locations,
        "attachments": text("attachments", lang) if locations else "",
        "copy_heading": text("h_copy", lang),
        "copies": copies,
        "sections": [],
    }
    sections: list[dict[str, Any]] = reply["sections"]
    if declaration is None:
        reply["controller"] = {"name": complete("declaration"), "contact": ""}
    else:
        reply["controller"] = {
            "name": declaration.controller.get("name", ""),
            "contact": declaration.controller.get("contact", ""),
        }
        groups = _groups(declaration, index)
        own_words = str(declaration.notice.get("language", ""))[:2].lower() == lang
        names = declaration.subject_names(tuple(groups)) if groups else [s.name for s in declaration.subjects]
        sections.append(
            {
                "heading": text("h_groups", lang),
                "paragraphs": [] if groups else [text("groups_all", lang)],
                "items": names,
            }
        )
        sections.append(
            {
                "heading": text("h_purposes", lang),
                "paragraphs": [],
                "items": [
                    p.name
                    + (f" ({', '.join(text(f'basis.{b}', lang) for b in p.legal_bases)})" if p.legal_bases else "")
                    for p in declaration.purposes
                ],
            }
        )
        wanted = set(groups) or {s.id for s in declaration.subjects}
        categories = [c.name for c in declaration.categories if wanted.intersection(c.subjects)]
        sections.append({"heading": text("h_categories", lang), "paragraphs": [], "items": categories})
        data_sources = declaration.data_sources
        sections.append(
            {
                "heading": text("h_sources", lang),
                "paragraphs": [] if data_sources else [complete("sources")],
                "items": [d["name"] for d in data_sources],
            }
        )
        recipients = [r["name"] for r in declaration.recipients]
        transfers = declaration.transfers
        paragraphs = []
        if transfers:
            paragraphs.append(text("transfers_yes" if transfers.get("outside_eea") else "transfers_no", lang))
            if transfers.get("outside_eea") and transfers.get("safeguards") and own_words:
                paragraphs.append(str(transfers["safeguards"]))
        sections.append({"heading": text("h_recipients", lang), "paragraphs": paragraphs, "items": recipients})
        retention = declaration.retention
        said = (retention.get("source") if own_words else None) or retention.get("statement")
        sections.append(
            {"heading": text("h_retention", lang), "paragraphs": [said or complete("retention")], "items": []}
        )
        automated = declaration.automated_decisions
        if automated is None:
            decided = complete("automated")
        elif automated.get("used"):
            decided = str(automated.get("logic") or automated.get("source") or "")
        else:
            decided = text("automated_no", lang)
        sections.append({"heading": text("h_automated", lang), "paragraphs": [decided], "items": []})
        rights = [text("rights", lang)]
        if any("consent" in p.legal_bases for p in declaration.purposes):
            rights.append(text("withdraw", lang))
        rights.append(text("complaint", lang))
        sections.append({"heading": text("h_rights", lang), "paragraphs": rights, "items": []})
    if declaration is None:
        sections.append(
            {
                "heading": text("h_rights", lang),
                "paragraphs": [text("rights", lang), text("complaint", lang)],
                "items": [],
            }
        )
    reply["to_complete"] = len(missing)
    return reply


def plain_place(source: str, where: str) -> tuple[str | None, str]:
    """(the database's name or None for files, the table or the file's own name): no path, no URL."""
    if "://" in source:
        database = PurePath(source.rsplit("/", 1)[-1].split("?", 1)[0]).stem or source.split("://", 1)[0]
        return database, where
    path, bracket, sheet = where.partition(" [")
    return None, PurePath(path.split("!")[-1]).name + (f" [{sheet}" if bracket else "")  # in an archive: the member


def _plain_location(location: dict[str, Any], lang: str) -> dict[str, Any]:
    """A place in plain words: the database by its name, a file by its own name (never a path or a URL)."""
    database, place = plain_place(str(location["source"]), str(location["location"]))
    system = text("system.database", lang, name=database) if database else text("system.files", lang)
    return {
        "system": system,
        "place": place,
        "rows": location["rows"],
        "data": ", ".join(_column_label(c, lang) for c in location["columns"]),
        "files": location["files"],
    }


def _column_label(column: str, lang: str) -> str:
    """A column by what it holds when a rule's column names say so (Sähköpostiosoite), else by its own name."""
    for rule in load_rules():
        if rule.name_evidence(column).supports:
            return entity_label(rule.entity, lang)
    return column.replace("_", " ")


def _groups(declaration: Declaration, index: dict[str, Any]) -> list[str]:
    """The subject groups whose systems hold the locations found (the declaration's ``systems`` globs)."""
    found: list[str] = []
    for location in index["locations"]:
        candidates = [str(location["source"]), str(location["location"])]
        for system in declaration.systems:
            matched = any(fnmatch.fnmatch(c, pattern) for c in candidates for pattern in system.match)
            if matched and system.subject not in found:
                found.append(system.subject)
    return found
