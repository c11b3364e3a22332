"""Declarations drafted from privacy notices (pdscan declarations draft): measured against the hand-made declarations
of the two real notices (categories, subject groups and quotes, precision and recall printed, goal 0.9 each), and
against three synthetic notices in Finnish, Swedish and English; every draft passes `declarations check`."""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner

from pdscan.cli.main import main
from pdscan.compliance.declaration import load_declaration, parse_declaration
from pdscan.compliance.draft import (
    Sentence,
    Term,
    _a_section_heading,
    _keys_in,
    _string_lines_apart,
    _term_stems,
    detect_language,
    draft,
    read_notice,
    stems,
    to_yaml,
)
from pdscan.compliance.taxonomy import taxonomy
from pdscan.resources import builtin_rules_dir

SEEDS = Path(__file__).resolve().parents[3] / "shared" / "seeds"
NOTICES = {"entrack": "002_0855ea90893791f5.txt", "entteri": "000_4a9650135503ee72.txt"}
SYNTHETIC = Path(__file__).resolve().parents[1] / "data" / "notices"
GOAL = 0.9


def _related(a: str, b: str) -> bool:
    """Keys that name the same data at two levels of detail (user.contact and user.contact.email) agree."""
    return a == b or a.startswith(b + ".") or b.startswith(a + ".")


def _words(text: str) -> set[str]:
    return {w.lower() for w in re.findall(r"\w+", text)}


def _quotes(draft_source: str, truth_source: str) -> bool:
    """A hand-made quote elides with '...': the draft quotes it when it holds most words of one of its parts."""
    parts = [p for p in truth_source.split("...") if len(_words(p)) >= 3] or [truth_source]
    return any(len(_words(p) & _words(draft_source)) >= 0.6 * len(_words(p)) for p in parts)


def _scores(drafted: dict[str, Any], truth: dict[str, Any]) -> dict[str, tuple[float, float]]:
    dk = [k for c in drafted["categories"] for k in c["keys"]]
    tk = sorted({k for c in truth["categories"] for k in c["keys"]})
    ds, ts = {s["id"] for s in drafted["subjects"]}, {s["id"] for s in truth["subjects"]}

    def quoted(d: dict[str, Any], t: dict[str, Any]) -> bool:
        return any(_related(a, b) for a in d["keys"] for b in t["keys"]) and _quotes(d["source"], t["source"])

    return {
        "categories": (
            sum(any(_related(k, t) for t in tk) for k in dk) / len(dk),
            sum(any(_related(k, d) for d in dk) for k in tk) / len(tk),
        ),
        "subject groups": (len(ds & ts) / len(ds), len(ds & ts) / len(ts)),
        "quotes": (
            sum(any(quoted(d, t) for t in truth["categories"]) for d in drafted["categories"])
            / len(drafted["categories"]),
            sum(any(quoted(d, t) for d in drafted["categories"]) for t in truth["categories"])
            / len(truth["categories"]),
        ),
    }


@pytest.mark.parametrize("name", sorted(NOTICES))
def test_drafts_of_the_real_notices_reach_the_goal(name: str) -> None:
    notice = SEEDS / NOTICES[name]
    if not notice.is_file():
        pytest.skip(f"{notice} is not beside the repository")
    drafted = draft(read_notice(notice), notice.name).data
    truth = yaml.safe_load((builtin_rules_dir() / "declarations" / f"{name}.yaml").read_text(encoding="utf-8"))
    scores = _scores(drafted, truth)
    print(f"\ndraft of {name} against rules/declarations/{name}.yaml:")
    for what, (precision, recall) in scores.items():
        print(f"  {what:15} precision {precision:.2f}  recall {recall:.2f}")
    for what, (precision, recall) in scores.items():
        assert precision >= GOAL and recall >= GOAL, (what, precision, recall)
    assert drafted["controller"]["contact"] == truth["controller"]["contact"]
    assert drafted["transfers"]["outside_eea"] is truth["transfers"]["outside_eea"]
    # Neither notice states a retention period; the draft says so instead of inventing one.
    assert "period" not in drafted["retention"] and "no retention period stated" in drafted["draft"]["unsaid"]
    parse_declaration(yaml.safe_load(to_yaml(draft(read_notice(notice), notice.name))), name, taxonomy())


EXPECTED: dict[str, Any] = yaml.safe_load((SYNTHETIC / "expected.yaml").read_text(encoding="utf-8"))


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_drafts_of_synthetic_notices(name: str) -> None:
    truth = EXPECTED[name]
    text = read_notice(SYNTHETIC / name)
    assert detect_language(text) == truth["language"]
    drafted = draft(text, name).data
    assert drafted["controller"]["name"] == truth["controller"]
    assert [s["id"] for s in drafted["subjects"]] == truth["subjects"]
    keys = {k for c in drafted["categories"] for k in c["keys"]}
    assert keys == set(truth["keys"])
    assert drafted["retention"].get("period") == truth["retention"]
    assert drafted["transfers"]["outside_eea"] is truth["outside_eea"]
    special = "no special categories of personal data (GDPR Art. 9) declared" not in drafted["draft"]["unsaid"]
    assert special is truth["special"]
    assert all(c["source"] in " ".join(text.split()) for c in drafted["categories"])  # quotes are the notice's own
    assert all(c["confidence"] in ("low", "medium", "high") for c in drafted["categories"])
    assert all(p["legal_bases"] for p in drafted["purposes"])


def test_inflected_words_are_matched_through_the_stemmer() -> None:
    # Snowball's Finnish stemmer: the case endings of a notice's lists do not defeat the vocabulary.
    assert stems(["sähköpostiosoitteen"], "fi") == stems(["sähköpostiosoite"], "fi")
    assert stems(["puhelinnumeroita"], "fi") == stems(["puhelinnumero"], "fi")
    # ... nor the gradation Snowball keeps: -tiedot/-tieto, -us/-uksia, -yys/-yyden.
    assert stems(["yhteystiedot"], "fi") == stems(["yhteystietoja"], "fi")
    assert stems(["luottosopimukset"], "fi") == stems(["luottosopimus"], "fi")
    assert stems(["jäsenyydestä"], "fi") == stems(["jäsenyys"], "fi")
    assert stems(["asiakkuuteen"], "fi") == stems(["asiakkuus"], "fi")
    # A Swedish verbal noun is not its verb: "meddelanden" (messages) are data, "meddelas" (is notified) is not.
    assert stems(["meddelandena"], "sv") == stems(["meddelanden"], "sv") != stems(["meddelas"], "sv")
    text = "Mitä tietoja käsittelemme\n\nKäsittelemme asiakkaidemme sähköpostiosoitteita ja puhelinnumeroita."
    keys = _drafted(text, "fi")
    assert keys == {"user.contact.email", "user.contact.phone_number"}


def test_the_cli_writes_a_draft_that_declarations_check_accepts_once_reviewed(tmp_path: Path) -> None:
    """A draft with open review items is a draft: check lists them and exits 1; once each is resolved (deleted)
    or accepted (moved to draft.accepted) the same file is valid."""
    notice = tmp_path / "notice.txt"
    notice.write_text(
        "Privacy notice of Example Shop Ltd\n\nThe controller is Example Shop Ltd, privacy@shop.example.\n\n"
        "What data we collect\n\nWe collect our customers' names, email addresses and phone numbers.\n\n"
        "Retention\n\nWe keep the data as long as it is needed.\n",
        encoding="utf-8",
    )
    target = tmp_path / "draft.yaml"
    runner = CliRunner()
    result = runner.invoke(main, ["declarations", "draft", str(notice), "-o", str(target)])
    assert result.exit_code == 0, result.output
    assert target.read_text(encoding="utf-8").startswith("# Declaration DRAFTED by pdscan")
    data = yaml.safe_load(target.read_text(encoding="utf-8"))
    assert data["draft"]["review"], "a retention statement without a period is left to a human"
    checked = runner.invoke(main, ["declarations", "check", str(target)])
    assert checked.exit_code == 1, checked.output
    assert f"a draft with {len(data['draft']['review'])} open review item" in checked.output
    assert all(f"  - {item}" in checked.output for item in data["draft"]["review"])
    data["draft"]["accepted"] = data["draft"].pop("review")[:1]
    target.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    checked = runner.invoke(main, ["declarations", "check", str(target)])
    assert checked.exit_code == 0 and "valid (Example Shop Ltd" in checked.output, checked.output
    assert load_declaration(target).controller["contact"] == "privacy@shop.example"


def _drafted(text: str, language: str) -> set[str]:
    """The category keys of a text's draft."""
    return _keys(draft(text, "n.md", language).data)


_DATA_HEADING = {"fi": "Rekisterin tietosisältö", "sv": "Vilka uppgifter behandlar vi?", "en": "What data we collect"}


def _drafted_in_the_list(sentence: str, language: str) -> set[str]:
    """The category keys of one sentence under the heading of a notice's list of data."""
    return _drafted(f"{_DATA_HEADING[language]}\n\n{sentence}\n", language)


def _keys(data: dict[str, Any]) -> set[str]:
    return {k for c in data["categories"] for k in c["keys"]}


@pytest.mark.parametrize("name", sorted(NOTICES))
def test_seed_drafts_match_the_hand_made_declarations_key_for_key(name: str) -> None:
    """The issue's goal: the draft of each seed notice declares exactly the hand-made declaration's keys, every
    category quoting a sentence of the notice, and inferences only as review items with their reason."""
    notice = SEEDS / NOTICES[name]
    if not notice.is_file():
        pytest.skip(f"{notice} is not beside the repository")
    text = read_notice(notice)
    drafted = draft(text, notice.name).data
    truth = yaml.safe_load((builtin_rules_dir() / "declarations" / f"{name}.yaml").read_text(encoding="utf-8"))
    assert _keys(drafted) == _keys(truth)
    flat = " ".join(text.split())
    assert all(" ".join(c["source"].split()) in flat for c in drafted["categories"])
    inferred = [c for c in drafted["categories"] if c.get("confidence") == "low"]
    for category in inferred:
        assert category["note"].startswith("inferred: ")
        assert any(f"inferred {category['keys'][0]} from" in item for item in drafted["draft"]["review"])


def test_a_general_kind_of_data_covers_its_examples_and_inferences_need_their_group() -> None:
    text = (
        "Mitä tietoja keräämme?\n\n"
        "Keräämme asiakkaidemme sekä työntekijöiden tietoja.\n\n"
        "Keräämme asiakkaista yhteystiedot, kuten sähköpostiosoitteen ja puhelinnumeron.\n\n"
        "Työntekijöiltä keräämme tietoja, joita tarvitaan lakisääteisten velvoitteiden täyttämiseksi.\n\n"
        "Asiakkailta keräämme tietoja, joita tarvitaan lakisääteisten velvoitteiden täyttämiseksi.\n\n"
        "Voit ottaa meihin yhteyttä kirjoittamalla osoitteeseen:\n\ntietosuoja@example.fi\n"
    )
    drafted = draft(text, "notice.txt", "fi").data
    keys = {k: c for c in drafted["categories"] for k in c["keys"]}
    # "yhteystiedot, kuten sähköpostiosoitteen ja puhelinnumeron": a closed list after "kuten" names the parts.
    assert {"user.contact.email", "user.contact.phone_number"} <= set(keys) and "user.contact" not in keys
    # An open one ("..., kuten sähköpostiosoite ja muut yhteystiedot") gives examples of the kind: the kind alone.
    open_list = draft("Rekisterin tietosisältö\n\nYhteystiedot, kuten sähköpostiosoite ja muut yhteystiedot.\n", "n")
    assert [c["keys"] for c in open_list.data["categories"]] == [["user.contact"]]
    # The employer's statutory duties imply the henkilötunnus for staff, proposed for review; not for customers.
    hetu = keys["user.government_id.national_identification_number"]
    assert hetu["subjects"] == ["employees"] and hetu["source"].startswith("Työntekijöiltä")
    assert sum("inferred user.government_id" in item for item in drafted["draft"]["review"]) == 1
    # The controller's address to write to is no data category.
    assert "user.contact.address" not in keys


def test_lists_of_data_in_sub_headings_plain_lines_and_markdown_tables() -> None:
    headings = (
        "# Rekisteriin tallennettavat tiedot\n\nKäsittelemme osallistujien tietoja.\n\n"
        "## Henkilön kutsuma- ja sukunimi (pakollinen)\n\nTietoa käytetään tunnistamiseen.\n\n"
        "## Epätoivotut henkilöt (valinnainen)\n\nLista henkilöistä.\n\n"  # names no data: the list goes on
        "## Syntymävuosi (pakollinen)\n\nKäytämme tätä tietoa valitessamme osallistujia.\n\n"
        "## Henkilön yhteystiedot\n\nKäytämme sähköpostia, puhelinnumeroa tai jotakin muuta yhteystietoa.\n\n"
        "# Tietolähteet\n\nSyntymäaika saadaan väestörekisteristä.\n"  # a sources section: no data named
    )
    keys = _drafted(headings, "fi")
    assert {"user.name", "user.demographic.date_of_birth"} <= keys
    # A general kind after specific ones adds to them (before them, it covers them: the test above).
    assert {"user.contact", "user.contact.email", "user.contact.phone_number"} <= keys
    plain = "Rekisterin tietosisältö\n\nEtu- ja sukunimi\n\nJuomamieltymys *\n\nPuhelinnumero *\n"
    assert "user.contact.phone_number" in _drafted(plain, "fi")
    # The line no term names is a review item, so the DPO sees what the draft left out.
    review = draft(plain, "n.md", "fi").data["draft"]["review"]
    assert [r for r in review if "name nothing" in r] == [
        "1 line(s) of the list of data name nothing pdscan has a category for: 'Juomamieltymys *'; "
        "add each with its key, or leave it out"
    ]
    table = (
        "Vi behandlar dina uppgifter.\n\n"
        "| # | Ändamål | Kategorier av personuppgifter som används | Laglig grund |\n"
        "| :-- | :-- | :-- | :-- |\n"
        "| 1. | Att administrera avtalet | Ditt namn <br/> Ditt telefonnummer | Avtal, som är skyddad |\n"
        "| 2. | Att skicka fakturor | Din e-postadress | Rättslig förpliktelse |\n"
    )
    drafted = draft(table, "n.md", "sv").data
    by_key = {k: c for c in drafted["categories"] for k in c["keys"]}
    assert {"user.name", "user.contact.phone_number", "user.contact.email"} <= set(by_key)
    assert by_key["user.contact.phone_number"]["source"] == "Ditt telefonnummer"  # the cell, not the row


def test_a_line_ending_in_data_and_a_colon_opens_the_list() -> None:
    # Lines between the items that name no data ("Jäsenhakemus"): no run of naming lines makes it a list by itself.
    text = (
        "Tietosuojaseloste\n\nYhdistys käsittelee muun muassa seuraavia jäsentensä tietoja:\n\n"
        "Kansalaisuus\n\nJäsenhakemus\n\nSukupuoli\n"
    )
    assert _drafted(text, "fi") == {
        "user.demographic.citizenship_or_immigration_status",
        "user.demographic.gender",
    }


def test_data_the_notice_says_it_does_not_keep_is_no_category() -> None:
    text = "Rekisterin tietosisältö\n\nNimi ja sähköpostiosoite.\n\nEmme kerää tietoa sukupuolesta.\n"
    assert _drafted(text, "fi") == {"user.name", "user.contact.email"}
    assert _drafted("Vilka uppgifter behandlar vi?\n\nNamn. Vi behandlar inte personnummer.\n", "sv") == {"user.name"}


def test_cookies_are_data_unless_named_as_the_means_of_collecting() -> None:
    assert _drafted("Mitä tietoja keräämme?\n\nKäytämme sivustollamme evästeitä.\n", "fi") == {"user.device.cookie"}
    # The means: what they collect is the data, and the notice's other words on cookies describe those cookies.
    means = (
        "Mitä tietoja keräämme?\n\nKeräämme tietoja verkkopalveluidemme käytöstä evästeiden avulla.\n\n"
        "Evästeet helpottavat sivustojen käyttöä.\n"
    )
    assert _drafted(means, "fi") == {"user.device", "user.behavior.browsing_history"}
    assert _drafted("Vilka uppgifter?\n\nKakor är små textfiler.\n", "sv") == set()  # a definition


@pytest.mark.parametrize(
    ("language", "sentence", "keys"),
    [
        # words that only start like a cue or a term: each sentence still declares what it names
        ("en", "We collect your name, email address and social security number.", {"user.name", "user.contact.email"}),
        ("sv", "Vi behandlar ditt namn och din e-postadress för att säkerställa leveransen.",
         {"user.name", "user.contact.email"}),
        ("en", "We process the content of your complaint, your name and email address.",
         {"user.name", "user.contact.email"}),
        ("sv", "Namn och e-postadress lagras internt i vårt kundregister.", {"user.name", "user.contact.email"}),
        ("fi", "Emoyhtiö käsittelee asiakkaiden nimiä ja sähköpostiosoitteita.", {"user.name", "user.contact.email"}),
        ("en", "We process your medical history and your name.", {"user.name"}),
        ("fi", "Passiivijäsenten nimet poistetaan vuosittain.", {"user.name"}),
        ("fi", "Keräämme evästeitä sekä yhteystietoja (esim. puhelinnumero).",
         {"user.device.cookie", "user.contact"}),
    ],
)  # fmt: skip
def test_cues_and_short_terms_match_whole_words_only(language: str, sentence: str, keys: set[str]) -> None:
    assert _drafted_in_the_list(sentence, language) >= keys


@pytest.mark.parametrize(
    ("language", "sentence"),
    [
        # words that start like a term of another meaning: none of these names data held
        ("en", "You can disable this feature at any time."),  # not a disability
        ("en", "Changes to this notice will be posted on this page."),  # not posts
        ("en", "Our qualified staff answer professional questions."),  # not qualifications, not a profession
        ("fi", "Tuotteiden palautukset ja palautusoikeus kerrotaan toimitusehdoissa."),  # returns, not feedback
        ("fi", "Arvonnan palkinnot ja palkkiot toimitetaan voittajille."),  # prizes, not salary
        ("fi", "Sivustoa voi selata ilman kirjautumista."),  # to browse, not a browser
        ("sv", "Det lönar sig att yrka på rättelse."),  # pays off and to claim: no salary, no occupation
        # terms.yaml not_data: read from the vocabulary corpus
        ("fi", "Sovellus on maksuton ja sen käyttö on maksutonta."),  # free of charge, not a payment
        ("fi", "Kaikki pyynnöt osoitetaan asiakaspalveluun."),  # are addressed to, not an address
        ("fi", "Tiedot tallennetaan tiedostoon nimeltä jasenet."),  # called, not a name
        ("sv", "Vid fel visas felmeddelandet i appen."),  # the error message, not a message
        ("sv", "Tjänsten är avgiftsfri."),  # free of charge, not a fee
    ],
)
def test_words_that_only_start_like_a_term_name_no_category(language: str, sentence: str) -> None:
    assert _drafted_in_the_list(sentence, language) == set()


@pytest.mark.parametrize(
    ("language", "sentence", "key"),
    [
        ("fi", "Maksutiedot ja maksutapahtumat.", "user.payment"),
        ("fi", "Osoitetiedot ja postiosoite.", "user.contact.address"),
        ("fi", "Jäsenen nimi ja nimet.", "user.name"),
        ("sv", "Meddelanden som du skickar.", "user.content"),
    ],
)  # fmt: skip
def test_the_words_not_data_leaves_still_name_their_data(language: str, sentence: str, key: str) -> None:
    assert key in _drafted_in_the_list(sentence, language)


def test_a_box_left_unticked_names_no_data_and_a_ticked_one_does() -> None:
    """The research notice template of Finnish universities ticks the data held (☒) and leaves the rest (☐); a
    white square (□) is also printed as a plain bullet, and names data."""
    assert _drafted_in_the_list("- ☐ Terveystiedot", "fi") == set()
    assert _drafted_in_the_list("☐ Geneettiset tiedot", "fi") == set()
    assert _drafted_in_the_list("- ☒ Nimi", "fi") == {"user.name"}
    assert _drafted_in_the_list("□ Nimi\n\n□ Sähköpostiosoite", "fi") == {"user.name", "user.contact.email"}


@pytest.mark.parametrize(
    ("language", "sentence", "keys"),
    [
        ("sv", "De uppgifter som avses ovan: namn, adress och telefonnummer.",
         {"user.name", "user.contact.address", "user.contact.phone_number"}),
        ("en", "We keep your name and email address, which is meant to let us reach you.",
         {"user.name", "user.contact.email"}),
        ("fi", "Rekisterin tiedoilla tarkoitetaan seuraavia: nimi, osoite, puhelinnumero.",
         {"user.name", "user.contact.address", "user.contact.phone_number"}),
    ],
)  # fmt: skip
def test_a_list_that_uses_the_words_of_a_definition_still_names_its_data(
    language: str, sentence: str, keys: set[str]
) -> None:
    assert _drafted_in_the_list(sentence, language) >= keys


@pytest.mark.parametrize(
    ("language", "sentence"),
    [
        ("sv", "Du kan kontakta oss per telefon."),  # the channel, not a number held
        ("sv", "Vi finns på varje ort där vi verkar."),  # a place the company is, not a city held
        ("fi", "Asiakaspalveluun osoitetut pyynnöt käsitellään viikon kuluessa."),  # addressed, not an address
    ],
)
def test_channels_places_and_verbs_name_no_data(language: str, sentence: str) -> None:
    assert _drafted_in_the_list(sentence, language) == set()


@pytest.fixture
def terms_file(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[dict[str, Any]], None]]:
    """Makes the drafter read the given mapping as its terms file; the caches that hold what it read are cleared
    before and after, so that no other test sees it."""
    from pdscan.compliance import draft as drafting

    caches = (drafting.vocabulary, drafting._not_data)

    def use(terms: dict[str, Any]) -> None:
        monkeypatch.setattr(drafting, "_terms_file", lambda: terms)
        for cache in caches:
            cache.cache_clear()

    yield use
    for cache in caches:
        cache.cache_clear()


@pytest.mark.parametrize(
    "section",
    [["maksuton"], {"se": ["maksuton"]}, {"fi": "maksuton"}, {"fi": ["(unclosed"]}],
    ids=["a list", "an unknown language", "a string", "an invalid expression"],
)
def test_a_malformed_not_data_is_a_config_error(terms_file: Callable[[dict[str, Any]], None], section: Any) -> None:
    from pdscan.compliance import draft as drafting
    from pdscan.errors import ConfigError

    terms_file({"not_data": section})
    with pytest.raises(ConfigError, match="not_data"):
        drafting._not_data("fi")


@pytest.mark.parametrize(
    ("language", "sentence"),
    [
        ("fi", "Henkilötiedoilla tarkoitetaan kaikkia tietoja, kuten nimi ja osoite."),
        ("sv", "Med känsliga uppgifter avses uppgifter om hälsa och etniskt ursprung."),
        ("sv", "Vanligaste personuppgifter är namn, personnummer och kontaktuppgifter."),
        ("en", "Personal data means any information such as a name or an email address."),
    ],
)
def test_what_words_mean_in_general_is_no_category(language: str, sentence: str) -> None:
    assert _drafted_in_the_list(sentence, language) == set()


@pytest.mark.parametrize(
    ("language", "sentence", "key"),
    [
        ("fi", "Palvelun lokitiedot", "user.behavior"),
        ("fi", "Palvelimen tekniset lokit", "user.device"),
        ("fi", "Tehtäväpalautukset ja niiden arvioinnit", "user.content"),
        ("fi", "Lähiomaisen yhteystiedot", "user.contact"),
        ("fi", "Sivulle saapumisajankohta", "user.behavior.browsing_history"),
        ("fi", "Koulun nimi", "user.professional_information.workplace"),
        ("sv", "Information om närstående", "user.contact"),
        ("sv", "Kreditkortsinformation", "user.financial.credit_card"),
        ("sv", "Fel- och diagnostikloggar", "user.device"),
        ("sv", "Smeknamn", "user.account.username"),
        # the second corpus (bench/notices/corpus2)
        ("fi", "Kävijätiedot, kuten sivukäynnit ja viittaava sivu", "user.behavior.browsing_history"),
        ("fi", "Selaimen tyyppi ja laitteen malli", "user.device"),
        ("fi", "Evästevalinnat", "user.privacy_preferences"),
        ("fi", "Valittu kieli", "user.demographic.language"),
        ("sv", "Journalanteckningar", "user.health"),
        ("sv", "Webbplatstrafik och tid på sidan", "user.behavior.browsing_history"),
        ("sv", "Ärendetyp och fritext", "user.content"),
        # the fourth corpus (bench/notices/corpus4) and the eighth batch's errors (twelfth session)
        ("fi", "Tunnistusvälineen yksilöivä tunniste", "user.unique_id"),
        ("sv", "Unikt identifieringsnummer", "user.unique_id"),
        ("fi", "IP-osoite ja istuntotunnus", "user.device.cookie_id"),
        ("sv", "Kraschloggar", "user.device"),
        ("fi", "Käyntiajankohta ja käytetyt sivut", "user.behavior.browsing_history"),
        ("sv", "Användningsstatistik", "user.behavior"),
        ("sv", "Namn, allergi och ort", "user.contact.address.city"),
        ("fi", "Erillinen viestintäsuostumus", "user.privacy_preferences"),
        ("fi", "Opiskelijan arvosanat", "user.professional_information"),
        # the ninth batch's errors (thirteenth session)
        ("fi", "Ikä, ammatti ja äidinkieli", "user.professional_information.job_title"),
        ("fi", "Mahdolliset tarjonnanestotiedot", "user.privacy_preferences"),
        ("fi", "Käyttäjäpalautteet", "user.content"),
        ("fi", "Päätelaitteen sarjanumero", "user.device.device_id"),
        ("fi", "Kotisivujen osoite", "user.contact.social_url"),
        ("sv", "Push-token för notiser", "user.device.device_id"),
        ("sv", "Uppgifter i passersystem", "user.behavior"),
        ("sv", "Kameraövervakning", "user.content.self_image"),
        ("sv", "Vänskaper och vänförfrågningar", "user.social_activity"),
    ],
)
def test_terms_read_from_the_vocabulary_corpus(language: str, sentence: str, key: str) -> None:
    assert key in _drafted_in_the_list(sentence, language)


def test_diagnostics_logs_are_no_diagnosis() -> None:
    assert _drafted_in_the_list("Fel- och diagnostikloggar", "sv") == {"user.device"}


def test_a_lone_word_of_security_in_the_list_does_not_end_it() -> None:
    text = "Mitä tietoja keräämme\n\nKäyttäjätunnus\n\nSalasana\n\nNimi\n\nSähköposti\n"
    keys = {"user.account.username", "user.authorization.credentials", "user.name", "user.contact.email"}
    assert _drafted(text, "fi") == keys
    # a heading on security still ends it
    text = (
        "Mitä tietoja keräämme\n\nNimi\n\nRekisterin suojaus\n\nPalvelimen käyttäjätunnus tunnetaan vain ylläpidolla.\n"
    )
    assert _drafted(text, "fi") == {"user.name"}


def test_a_legal_basis_outside_the_list_of_data_is_no_category() -> None:
    notice = (
        "4. Käsittelyn peruste ja tarkoitus\n\n"
        "Henkilötietojen käsittelyn peruste on asiakassuhde.\n"
        "Tarkoitus on yhteydenpito asiakkaisiin ja asiakassuhteen ylläpito.\n\n"
        "5. Rekisterin tietosisältö\n\nRekisteriin tallennetaan asiakkaan nimi ja sähköpostiosoite.\n"
    )
    assert _drafted(notice, "fi") == {"user.name", "user.contact.email"}
    assert "user.unique_id" in _drafted("Rekisterin tietosisältö\n\nNimi\n\nAsiakassuhteen tiedot\n", "fi")


@pytest.mark.parametrize(
    ("language", "sentence"),
    [
        ("fi", "Sovellus ei kerää sähköpostiosoitteita eikä puhelinnumeroita."),
        ("sv", "Vi lagrar aldrig dina kortuppgifter."),
        ("sv", "Vi använder inga cookies."),
        ("en", "We never store your card details."),
        ("sv", "Tjänsten riktar sig inte till barn under 16 år oavsett ålder."),  # an age limit, not an age held
        ("fi", "Palvelua ei ole tarkoitettu alle 16-vuotiaille, ikäraja on 16 vuotta."),
        ("fi", "Web-ohjelma ei käytä evästeitä."),
        # "art." before its number ends no sentence: the denial reaches the data it names
        ("sv", "Vi behandlar inte känsliga uppgifter enligt GDPR art. 9 som etniskt ursprung eller politiska åsikter."),
        ("sv", "Sajten har inget kontaktformulär."),
        # the subject between the negation verb and the main verb ("…" in terms.yaml: up to three words)
        ("fi", "Palvelu on maksuton, eikä se käytä evästeitä."),
        ("fi", "Sovellus ei vaadi kirjautumista eikä luo käyttäjätilejä."),
        ("sv", "Skriv därför inte personnummer i formuläret."),
    ],
)
def test_data_said_never_to_be_kept_is_no_category(language: str, sentence: str) -> None:
    assert _drafted_in_the_list(sentence, language) == set()


@pytest.mark.parametrize(
    ("language", "sentence", "keys"),
    [
        (
            "fi",
            "Nimi, syntymäaika ja osoite (henkilötunnus voidaan tarvita, mutta sitä ei tallenneta)",
            {"user.name", "user.demographic.date_of_birth", "user.contact.address"},
        ),
        ("sv", "Namn och e-postadress (personnummer sparas inte)", {"user.name", "user.contact.email"}),
        # A denial outside the brackets still takes back the whole sentence.
        ("fi", "Emme tallenna nimeä emmekä syntymäaikaa (esim. 1.1.2000)", set()),
        # An aside that names no data denies the item before it.
        ("sv", "Personnummer (sparas inte)", set()),
        ("fi", "Henkilötunnus (ei tallenneta)", set()),
        ("sv", "Vi sparar (inte) ditt personnummer.", set()),
        # Only the denied aside goes: another one stays.
        (
            "sv",
            "Namn och e-postadress (vi sparar inte personnummer) samt (telefonnummer)",
            {"user.name", "user.contact.email", "user.contact.phone_number"},
        ),
    ],
)
def test_a_denial_in_brackets_takes_back_only_the_aside(language: str, sentence: str, keys: set[str]) -> None:
    assert _drafted_in_the_list(sentence, language) == keys


@pytest.mark.parametrize(
    ("language", "text", "groups"),
    [
        ("en", "Acme Ltd is the controller of the personal data of its customers.", ["customers"]),
        ("sv", "Vi behandlar uppgifter om barnens vårdnadshavare: namn och telefonnummer.", ["guardians"]),
        ("fi", "Rekisterissä käsitellään lasten huoltajien tietoja: nimi ja sähköpostiosoite.", ["guardians"]),
        ("fi", "Tietoja kerätään seuraavista ryhmistä.\n\nHakijat: nimi ja sähköpostiosoite.", ["applicants"]),
        ("sv", "Vi behandlar uppgifter om våra kunder: namn och e-postadress.", ["customers"]),
    ],
)
def test_the_controller_s_sentence_and_a_group_before_a_colon_name_the_group(
    language: str, text: str, groups: list[str]
) -> None:
    assert [s["id"] for s in draft(text + "\n", "n.md", language).data["subjects"]] == groups


@pytest.mark.parametrize(
    "line",
    [
        "Puhelin (vaihde): 09 83911",  # a number after its label
        "Puh. [redacted]",  # a redacted detail
        "Käyntiosoite: Ratapihantie 9, 6. krs",  # a street and number
        "Postiosoite: PL 800",  # a post box
    ],
)
def test_contact_details_written_out_are_someone_s_not_a_category(line: str) -> None:
    assert _drafted(f"Rekisterin tietosisältö\n\nNimi.\n\n{line}\n", "fi") == {"user.name"}


def test_the_unnamed_lines_review_item_shows_eight_and_counts_the_rest() -> None:
    items = "\n\n".join(f"Harrastus{i}" for i in range(10))
    review = draft(f"Rekisterin tietosisältö\n\n{items}\n", "n.md", "fi").data["draft"]["review"]
    (line,) = [r for r in review if "name nothing" in r]
    assert line.startswith("10 line(s)") and "'Harrastus7'" in line and "'Harrastus8'" not in line
    assert "and 2 more" in line


def test_special_categories_are_read_from_the_taxonomy() -> None:
    drafted = draft("Rekisterin tietosisältö\n\nJäsenen filosofinen vakaumus.\n", "n.md", "fi").data
    assert "user.demographic.philosophical_belief" in _keys(drafted)
    assert not any("special categories" in line for line in drafted["draft"]["unsaid"])


def test_who_may_see_the_register_is_no_subject_group() -> None:
    text = "Rekisteri sisältää jäsenten tietoja.\n\nPääsy tietoihin on hallituksen jäsenillä ja työntekijöillä.\n"
    assert [s["id"] for s in draft(text, "n.md", "fi").data["subjects"]] == ["members"]
    text = "Vi behandlar personuppgifter om våra kunder: namn och e-postadress.\n\nMedarbetare har begränsad åtkomst.\n"
    assert [s["id"] for s in draft(text, "n.md", "sv").data["subjects"]] == ["customers"]


@pytest.mark.parametrize(
    ("language", "text", "groups"),
    [
        # to whom the data is given, and where it comes from, are not whom it is about
        ("fi", "Rekisteri sisältää jäsenten tietoja.\n\nTietoja voidaan luovuttaa asiakkaille.\n", ["members"]),
        ("fi", "Rekisteri sisältää jäsenten tietoja.\n\nTiedot saadaan yhteistyötahoilta.\n", ["members"]),
        # the users of a service or an app; not the visitors of a website
        ("sv", "Vi behandlar dina personuppgifter när du använder vår tjänst.\n", ["users"]),
        ("sv", "Vi behandlar dina personuppgifter när du använder appen Mitt Konto.\n", ["users"]),
        ("sv", "Vi behandlar dina personuppgifter när du använder vår webbplats.\n", []),
        # volunteers; Finnish "vapaaehtoiset tiedot" are optional data, no group
        ("sv", "Vi behandlar uppgifter om våra volontärer: namn och telefonnummer.\n", ["volunteers"]),
        ("fi", "Rekisteriin tallennetaan vapaaehtoistoimijoiden nimet.\n", ["volunteers"]),
        ("fi", "Rekisteriin tallennetaan asiakkaiden vapaaehtoiset tiedot.\n", ["customers"]),
        # contact persons of organisations (the controller's own contact person is none)
        ("fi", "Rekisteriin tallennetaan muiden organisaatioiden yhteyshenkilöiden tiedot.\n", ["customer_contacts"]),
        ("fi", "Rekisterin yhteyshenkilö on Matti Meikäläinen.\n", []),
    ],
)
def test_subject_groups_of_the_eleventh_session(language: str, text: str, groups: list[str]) -> None:
    assert [s["id"] for s in draft(text, "n.md", language).data["subjects"]] == groups


@pytest.mark.parametrize(
    ("language", "text", "groups"),
    [
        # who may see or process the data ("pääsee käsiksi", "henkilökunnan toimesta", "voivat nähdä") is no group
        ("fi", "Rekisteri sisältää asiakkaiden tietoja.\n\nNiihin pääsee käsiksi vain työntekijä.\n", ["customers"]),
        ("fi", "Rekisteri sisältää asiakkaiden tietoja.\n\nNiitä käsitellään henkilökunnan toimesta.\n", ["customers"]),
        ("fi", "Rekisteri sisältää jäsenten tietoja.\n\nHuoltajat voivat nähdä huollettaviensa tiedot.\n", ["members"]),
        # a parent's contact details ("mobilnummer (förälder)") are a guardian's
        ("sv", "Vi behandlar deltagarnas namn och förälderns mobilnummer.\n", ["participants", "guardians"]),
    ],
)
def test_subject_groups_of_the_twelfth_session(language: str, text: str, groups: list[str]) -> None:
    assert [s["id"] for s in draft(text, "n.md", language).data["subjects"]] == groups


@pytest.mark.parametrize(
    ("language", "text", "keys"),
    [
        # a denial that opens a list denies its items, which name no denial of their own
        (
            "fi",
            "Rekisteriin tallennetaan seuraavat tiedot:\n\n- nimi\n\nEmme käsittele seuraavia tietoja:\n\n"
            "- henkilötunnus\n- valokuva\n\nLisäksi tallennetaan puhelinnumero.\n",
            {"user.name", "user.contact.phone_number"},
        ),
        (
            "fi",
            "Rekisteriin tallennetaan seuraavat tiedot:\n\n- nimi\n\n"
            "### Palvelin ei voi käsitellä seuraavia tietoja edes käyttäjän pyynnöstä\n\n- henkilötunnus\n",
            {"user.name"},
        ),
        # a heading of what is not kept ends the list of data before it: the security sentence after it is no item
        (
            "fi",
            "Rekisterin tietosisältö\n\n- nimi\n\n## Emme käsittele seuraavia tietoja\n\n- henkilötunnus\n\n"
            "Tiedot suojataan ja sähköpostiosoite salataan.\n",
            {"user.name"},
        ),
        # "none but these" restricts the register to the list: its items are held
        (
            "fi",
            "Rekisteriin ei tallenneta muita kuin seuraavia tietoja:\n\n- nimi\n- sähköpostiosoite\n",
            {"user.name", "user.contact.email"},
        ),
        ("sv", "Vi samlar inte in andra uppgifter än följande:\n\n- namn\n", {"user.name"}),
        # without the denial, the same list names its data
        (
            "fi",
            "Rekisteriin tallennetaan seuraavat tiedot:\n\n- nimi\n\nKäsittelemme seuraavia tietoja:\n\n"
            "- henkilötunnus\n",
            {"user.name", "user.government_id.national_identification_number"},
        ),
        # what the law calls personal data is a definition ("bildar" is no picture: a verb Snowball stems as "bild")
        (
            "sv",
            "Vad är en personuppgift?\n\nEn personuppgift kan vara ditt namn, personnummer, kön eller en bild. "
            "Tillsammans bildar dessa en personuppgift.\n\nVi behandlar din e-postadress.\n",
            {"user.contact.email"},
        ),
        ("sv", "Vi hanterar inga kreditkortsuppgifter. Vi sparar ditt namn.\n", {"user.name"}),
        ("fi", "Emme vaadi puhelinnumeroa. Tallennamme nimesi.\n", {"user.name"}),
    ],
)
def test_denials_and_definitions_of_the_twelfth_session(language: str, text: str, keys: set[str]) -> None:
    assert _drafted(text, language) == keys


def test_a_gap_in_a_category_term_spans_at_most_three_words() -> None:
    term = Term(_term_stems("tiedot … tallennetaan", "fi"), "tiedot … tallennetaan")
    vocab = {"user.name": {"fi": (term,)}}
    near = Sentence(
        "tiedot myös tänne pian tallennetaan", stems(["tiedot", "myös", "tänne", "pian", "tallennetaan"], "fi")
    )
    far = Sentence("tiedot a b c d tallennetaan", stems(["tiedot", "a", "b", "c", "d", "tallennetaan"], "fi"))
    assert list(_keys_in(vocab, near, "fi", compounds=True)) == ["user.name"]
    assert list(_keys_in(vocab, far, "fi", compounds=True)) == []


@pytest.mark.parametrize(
    ("language", "text", "keys"),
    [
        # "art" is also a Swedish word: before a capital it ends the sentence, and the denial stays in its own
        (
            "sv",
            "Vi behandlar inga uppgifter av känslig art. Namn och telefonnummer sparas.",
            {"user.name", "user.contact.phone_number"},
        ),
        # denials are whole phrases: "käytännössä" (in practice) and "har ingen skyldighet" (no obligation) deny nothing
        (
            "fi",
            "Nimi ja sähköpostiosoite, joita ei käytännössä käytetä markkinointiin.",
            {"user.name", "user.contact.email"},
        ),
        ("sv", "Du har ingen skyldighet att lämna namn och e-postadress.", {"user.name", "user.contact.email"}),
        # a gap in a denial spans three words at most: "ei" six words before "käyttää" denies nothing
        (
            "fi",
            "Tietoja ei luovuteta eteenpäin kolmansille osapuolille, mutta sivusto käyttää evästeitä.",
            {"user.device.cookie"},
        ),
    ],
)
def test_words_near_a_denial_deny_nothing(language: str, text: str, keys: set[str]) -> None:
    assert keys <= _drafted_in_the_list(text, language)


def test_the_rights_to_object_and_rectify_and_a_service_event_name_no_category() -> None:
    rights = "Markkinointikieltoihin ja korjauspyyntöihin liittyvät oikeudet voi esittää sähköpostilla."
    assert _drafted(f"Rekisterin tietosisältö\n\nNimi\n\nTietojen säilytys\n\n{rights}\n", "fi") == {"user.name"}
    assert _drafted_in_the_list("Nimi ja asiakaspalvelutapahtumat", "fi") == {"user.name"}


@pytest.mark.parametrize(
    "sentence",
    [
        "Rekisteröidyn oikeudet\n\nRekisterinpitäjä vastaa asiakkaalle EU:n tietosuoja-asetuksessa säädetyssä ajassa.",
        "Pyynnön voi esittää myös sähköisesti allekirjoitetulla asiakirjalla.",  # asiakirja: a document, no customer
    ],
)
def test_customers_are_not_named_by_a_rights_sentence_or_a_document(sentence: str) -> None:
    text = f"Rekisteri sisältää jäsenten tietoja.\n\n{sentence}\n"
    assert [s["id"] for s in draft(text, "n.md", "fi").data["subjects"]] == ["members"]


@pytest.mark.parametrize(
    ("language", "sentence", "key"),
    [
        ("fi", "Organisaatio, rooli ja kotikunta", "user.professional_information.job_title"),
        ("sv", "Roll i föreningen (ledare eller deltagare)", "user.professional_information.job_title"),
        ("sv", "Abonnemangsstatus", "user.behavior.purchase_history"),
        ("fi", "Karttapalvelun kirjautumistiedot", "user.authorization.credentials"),
        ("fi", "Yrityksen verkkosivut ja somekanavat", "user.contact.social_url"),
        ("fi", "Ilmoittajan nimi ja vian kuvaus", "user.content"),
        ("fi", "Kyselyn kysymykset ja vastaukset", "user.content"),
        ("sv", "Valda inställningar för tjänsten", "user.settings"),
        ("fi", "Sovelluksen push-ilmoitustunnus", "user.device.device_id"),
        ("sv", "Från vilket land du besöker sajten", "user.location"),
    ],
)
def test_terms_of_the_seventh_batch(language: str, sentence: str, key: str) -> None:
    """Words the seventh batch's notices and the tuning set missed (2026-12-07), each general."""
    assert key in _drafted_in_the_list(sentence, language)


@pytest.mark.parametrize(
    ("language", "sentence", "keys"),
    [
        # beside its postcode, an address is the street part ...
        (
            "sv",
            "Leveransadress, postnummer och ort",
            {"user.contact.address.street", "user.contact.address.postal_code"},
        ),
        ("fi", "Osoitetiedot (katuosoite, postinumero, postitoimipaikka)", {"user.contact.address.street"}),
        # ... beside the home municipality alone it stays the address
        ("fi", "Nimi, osoite ja kotikunta", {"user.name", "user.contact.address", "user.contact.address.city"}),
    ],
)
def test_an_address_listed_with_its_postcode_is_the_street(language: str, sentence: str, keys: set[str]) -> None:
    drafted = _drafted_in_the_list(sentence, language)
    assert keys <= drafted
    assert ("user.contact.address" in drafted) == ("user.contact.address" in keys)


def test_a_notice_kept_in_program_source_reads_each_string_as_a_paragraph() -> None:
    """A page's TSX: each line holding one string literal is a paragraph, a field's string a heading of its own."""
    source = (
        "export const sections = [\n"
        "  {\n"
        '    title: "Vilka uppgifter vi sparar",\n'
        "    paragraphs: [\n"
        '      "Vi sparar kontouppgifter som e-postadress och namn.",\n'
        '      "Om du skickar ett supportärende sparas meddelandet du själv skriver.",\n'
        "    ],\n"
        "  },\n"
        '  { title: "Dina rättigheter", paragraphs: ["Du har rätt att begära tillgång till dina uppgifter."] },\n'
        "];\n"
    )
    drafted = draft(source, "page.tsx", "sv").data
    sources = {k: c["source"] for c in drafted["categories"] for k in c["keys"]}
    assert {"user.contact.email", "user.name"} <= set(sources)
    assert sources["user.contact.email"] == "Vi sparar kontouppgifter som e-postadress och namn."


@pytest.mark.parametrize(
    ("language", "sentence"),
    [
        ("fi", "Yhteyttä voi ottaa postitse osoitteeseen, joka löytyy sivun alalaidasta."),
        ("sv", "Kontaktinformation finns på vår hemsida."),
        ("sv", "Tveka inte att kontakta oss om du har frågor om hur vi hanterar din adress."),
    ],
)
def test_how_to_reach_the_controller_names_no_data(language: str, sentence: str) -> None:
    assert _drafted(sentence + "\n", language) == set()


def test_a_postal_code_and_post_office_pair_is_both() -> None:
    keys = _drafted("Rekisterin tietosisältö\n\nPostinumero ja -toimipaikka\n\nSähköpostiosoite\n", "fi")
    assert {"user.contact.address.postal_code", "user.contact.address.city"} <= keys


def test_a_kind_named_again_after_its_parts_ends_an_open_list_only_after_other() -> None:
    def keys(line: str) -> set[str]:
        return _drafted(f"Vilka uppgifter vi samlar in\n\n{line}\n", "sv")

    # "enhetstyp" is one more part of the technical information, not "other technical information": the IP stays.
    assert "user.device.ip_address" in keys("Teknisk information (IP-adress, enhetstyp, operativsystem).")
    assert keys("Teknisk information, såsom IP-adress och övrig teknisk information.") == {"user.device"}


def test_brackets_that_list_a_kinds_parts_declare_the_parts_and_examples_keep_it_general() -> None:
    def keys(line: str) -> set[str]:
        return _drafted(f"Rekisterin tietosisältö\n\n{line}\n", "fi")

    assert keys("Perustiedot, kuten nimi ja yhteystiedot (sähköposti, puhelinnumero).") == {
        "user.name",
        "user.contact.email",
        "user.contact.phone_number",
    }
    assert keys("Muut yhteystiedot (esim. puhelinnumero).") == {"user.contact"}
    # "by e-mail" is how the controller writes, not data it keeps
    assert keys("Nimi. Ilmoitamme muutoksista sähköpostitse.") == {"user.name"}


def test_what_the_person_may_ask_names_no_category() -> None:
    text = (
        "Rekisteröidyn oikeudet\n\nTarkastaminen on maksutonta kerran vuodessa.\n\n"
        "Jäsenrekisteri\n\nRekisteriin tallennetaan jäsenten jäsenmaksut.\n"
    )
    drafted = draft(text, "n.md", "fi").data["categories"]
    assert [c["source"] for c in drafted if "user.payment" in c["keys"]] == [
        "Rekisteriin tallennetaan jäsenten jäsenmaksut."
    ]


def test_definitions_of_sensitive_data_and_complaints_name_no_category() -> None:
    text = (
        "Vilka uppgifter behandlar vi?\n\nVi behandlar barnets namn.\n\n"
        "Känsliga personuppgifter är uppgifter om ras eller etniskt ursprung, politiska åsikter och hälsa.\n\n"
        "Du kan lämna klagomål till Integritetsskyddsmyndigheten, Box 8114, 104 20 Stockholm.\n"
    )
    assert _drafted(text, "sv") == {"user.name"}


def test_sections_on_rights_and_security_name_no_category() -> None:
    text = (
        "Rekisterin tietosisältö\n\nJäsenen nimi ja sähköpostiosoite.\n\n"
        "Rekisterin suojaus\n\nKäyttöoikeudet määräytyvät työtehtävien mukaan.\n\n"
        "Rekisteröidyn oikeudet\n\nPyyntö käsitellään maksutta kuukauden kuluessa.\n"
    )
    assert _drafted(text, "fi") == {"user.name", "user.contact.email"}


def test_a_notice_as_html_or_docx_is_read_too(tmp_path: Path) -> None:
    import docx

    text = (SYNTHETIC / "en_webshop.txt").read_text(encoding="utf-8")
    document = docx.Document()
    for paragraph in text.split("\n\n"):
        document.add_paragraph(paragraph)
    document.save(str(tmp_path / "notice.docx"))
    html = "<html><body>" + "".join(f"<p>{p}</p>" for p in text.split("\n\n")) + "</body></html>"
    (tmp_path / "notice.html").write_text(html, encoding="utf-8")
    for name in ("notice.docx", "notice.html"):
        keys = {k for c in draft(read_notice(tmp_path / name), name).data["categories"] for k in c["keys"]}
        assert keys == set(EXPECTED["en_webshop.txt"]["keys"]), name


def test_a_language_that_does_not_fit_and_an_empty_notice_are_flagged() -> None:
    text = (SYNTHETIC / "fi_kuntokeskus.txt").read_text(encoding="utf-8")
    review = draft(text, "fi.txt", "sv").data["draft"]["review"]
    assert "--lang sv was given but the text reads as fi: check the language" in review
    empty = draft("   \n", "empty.txt").data["draft"]["review"]
    assert any("holds no text" in item for item in empty)


def test_a_draft_masks_people_named_in_the_notice_unless_show_data(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from pdscan.cli.main import main

    notice = tmp_path / "seloste.txt"
    notice.write_text(
        "Tietosuojaseloste\n\nRekisterinpitäjä: Esimerkki Oy, info@esimerkki.fi\n\n"
        "Rekisteriin tallennetaan asiakkaan nimi, lisätietoja antaa Matti Virtanen (matti.virtanen@esimerkki.fi).\n",
        encoding="utf-8",
    )
    masked = CliRunner().invoke(main, ["declarations", "draft", str(notice)])
    assert masked.exit_code == 0, masked.output
    assert "Virtanen" not in masked.output and "matti.virtanen@" not in masked.output
    assert "M*** V***" in masked.output
    assert "info@esimerkki.fi" in masked.output  # the controller's own published contact stays as written
    shown = CliRunner().invoke(main, ["declarations", "draft", str(notice), "--show-data"])
    assert "Matti Virtanen" in shown.output


@pytest.mark.parametrize("hyphen", ["-", "\u2010", "\u2011"])
def test_a_typographic_hyphen_keeps_a_word_whole(hyphen: str) -> None:
    """Word processors write "e-postadress" with a non-breaking hyphen (U+2011): still an e-mail address, not "e" and
    a postal address, and the quote keeps the notice's own character."""
    text = f"Vi behandlar följande personuppgifter: namn och e{hyphen}postadress."
    categories = draft(text, "integritetspolicy.txt", "sv").data["categories"]
    assert {k for c in categories for k in c["keys"]} == {"user.name", "user.contact.email"}
    assert all(f"e{hyphen}postadress" in c["source"] for c in categories)


def test_an_item_of_a_lettered_list_is_not_the_rest_of_the_sentence_before_it() -> None:
    """ "a) ..." after "seuraavia tietoja:" is an item, not the rest of the sentence: a denial of disclosure written on
    item b)'s line (as a web page's text came out) takes b) with it, not the whole list."""
    text = (
        "Rekisterin tietosisältö\n\nRekisteri sisältää seuraavia tietoja:\na) etunimi, sukunimi, sähköpostiosoite\n"
        "b) puhelinnumero Tietoja ei luovuteta eteenpäin.\n"
    )
    categories = draft(text, "seloste.txt", "fi").data["categories"]
    assert {"user.name", "user.contact.email"} <= {k for c in categories for k in c["keys"]}
    assert all(c["source"].startswith("a) ") for c in categories if c["keys"][0] != "user.contact.phone_number")


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Rekisterin tietosisältö\n\nRekisteriin tallennetaan asiakkaan nimi ja sähköpostiosoite\n", "fi"),
        ("Henkilötiedot\n\nKeräämme seuraavat tiedot: nimi, sähköpostiosoite\n", "fi"),
        ("Personuppgifter\n\nVi sparar följande uppgifter: namn och e-postadress\n", "sv"),
    ],
)
def test_a_short_line_that_says_what_is_kept_and_names_it_is_no_heading(text: str, language: str) -> None:
    """Without a full stop a line of eight words or fewer reads as a heading; one that says data is kept and names it
    is the list of data."""
    categories = draft(text, "seloste.txt", language).data["categories"]
    assert {k for c in categories for k in c["keys"]} == {"user.name", "user.contact.email"}


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Tietojasi säilytetään laitteellasi, kunnes tyhjennät selaimen tiedot.", "fi"),
        ("Voit estää evästeiden käytön selaimen asetuksista.", "fi"),
        ("Du kan blockera kakor i din webbläsares inställningar.", "sv"),
    ],
)
def test_what_the_reader_may_do_in_their_browser_names_no_data(text: str, language: str) -> None:
    """An instruction to the reader ("kunnes tyhjennät selaimen tiedot") names their own browser, not device data the
    register holds."""
    notice = f"Asiakasrekisteri\n\nRekisteriin tallennetaan asiakkaan nimi.\n\n{text}\n"
    if language == "sv":
        notice = f"Kundregister\n\nVi sparar kundens namn.\n\n{text}\n"
    categories = draft(notice, "seloste.txt", language).data["categories"]
    assert {k for c in categories for k in c["keys"]} == {"user.name"}


def test_the_notice_title_opens_no_section_and_data_protection_sentences_name_no_data() -> None:
    """ "Tietosuojaseloste" above the text is the notice's title, not a section on how data is protected: the data
    under it are read. A sentence about data protection itself (the law, another service's policy, whom to ask)
    names none."""
    text = (
        "Tietosuojaseloste\n\nRekisteriin tallennetaan asiakkaan nimi ja puhelinnumero.\n\n"
        "Tietosuojaan liittyvissä asioissa voit lähettää sähköpostia osoitteeseen tietosuoja@esimerkki.fi.\n\n"
        "Lisätietoja saat palvelun tietosuojakäytännöstä.\n"
    )
    categories = draft(text, "seloste.txt", "fi").data["categories"]
    assert {k for c in categories for k in c["keys"]} == {"user.name", "user.contact.phone_number"}


@pytest.mark.parametrize(
    ("language", "text", "keys"),
    [
        # a list written without bullets, its items ending in commas, is read as one sentence with its opener: the
        # password among its items is data held, not a sentence on how the register is protected
        (
            "fi",
            "5. Rekisterin tietosisältö\n\nRekisteri voi sisältää seuraavia tietoja:\n\n"
            "yhteystiedot, kuten nimi ja puhelinnumerot,\n\nrekisteröitymistiedot, kuten käyttäjätunnus ja salasana,"
            "\n\nikä ja sukupuoli.\n\n6. Rekisterin suojaus\n\nTiedot on suojattu salasanoin.\n",
            {
                "user.name",
                "user.contact.phone_number",
                "user.account.username",
                "user.authorization.credentials",
                "user.demographic.age_range",
                "user.demographic.gender",
            },
        ),
        # "salasana" names data only as an item of the list: not in a sentence on security, nor in "salassapito"
        ("fi", "Mitä tietoja keräämme\n\nNimi\n\nTietoja ei säilytetä.\n\nKirjaudut salasanalla.\n", {"user.name"}),
        (
            "fi",
            "Rekisterin tietosisältö\n\n- nimi\n- sähköpostiosoite\n- salassapitositoumus\n",
            {"user.name", "user.contact.email"},
        ),
        # "ammattikorkeakoulu" (a university of applied sciences) names no profession, "lägenhets-" (a flat's) no
        # device ("enhet")
        ("fi", "Rekisteri sisältää Karelia-ammattikorkeakoulun opiskelijoiden nimet.\n", {"user.name"}),
        ("sv", "Föreningen ska hantera lägenhets- och medlemsregister med namn.\n", {"user.name"}),
        # when data is deleted says nothing of what is kept
        (
            "sv",
            "Vilka personuppgifter vi behandlar\n\n- namn\n\nLagring\n\n"
            "Data raderas senast 180 dagar efter att medlemskapet har avslutats.\n",
            {"user.name"},
        ),
        (
            "fi",
            "Mitä tietoja keräämme\n\n- nimi\n\nSäilytys\n\nKäyttäjätilit poistetaan automaattisesti.\n",
            {"user.name"},
        ),
        # ... but a notice in prose may name its data only there
        (
            "fi",
            "Tallennamme nimen ja sähköpostiosoitteen, jotka poistetaan kun jäsenyys päättyy.\n",
            {"user.name", "user.contact.email"},
        ),
        # a colon under a heading on security opens no list of data
        ("fi", "Rekisterin suojaus\n\nKäsittelemme tietoja turvallisesti: tiedot suojataan salasanoin.\n", set()),
        # "ammattilainen" (a professional) and "ammattitaito" (skill) name no profession; "bostadslägenhets-" no
        # device
        ("fi", "Tallennamme nimen. Ammattilaisemme toimivat ammattitaitoisesti.\n", {"user.name"}),
        ("sv", "Föreningen hanterar bostadslägenhets- och medlemsregister med namn.\n", {"user.name"}),
        # a word that denies the noun right after it ("ei korttitietoja", "aldrig hälsodata")
        ("fi", "Tallennamme maksutiedot (jäsenmaksut, summat — ei korttitietoja).\n", {"user.payment"}),
        ("sv", "Vi sparar ditt namn, aldrig hälsodata.\n", {"user.name"}),
        ("en", "We keep your name and no payment details.\n", {"user.name"}),
    ],
)
def test_lists_and_words_of_the_thirteenth_session(language: str, text: str, keys: set[str]) -> None:
    assert _drafted(text, language) == keys


@pytest.mark.parametrize(
    ("language", "text", "groups"),
    [
        # tenants of a housing cooperative are its residents, as the cottage residents of the fifth batch
        (
            "sv",
            "Vi samlar in och behandlar personuppgifter om dig som hyresgäst. Vi sparar ditt namn.\n",
            ["residents"],
        ),
        ("fi", "Rekisteri sisältää asukkaiden ja jäsenten tiedot.\n", ["residents", "members"]),
        # "boende" alone is a stay, not the residents
        ("sv", "Vi sparar gästernas namn under ditt boende hos oss.\n", []),
        # whom the data is shared with ("endast med skolans behöriga personal") is no group the notice is about
        ("sv", "Vi behandlar elevernas namn.\n\n- Endast med skolans behöriga personal.\n", []),
        # the register's name says whom it is about, beside a sentence that names other groups
        (
            "fi",
            "3. Rekisterin nimi\n\nPalvelun käyttäjärekisteri\n\n4. Rekisterin tietosisältö\n\n"
            "Seloste koskee asiakkaita ja osallistujia. Rekisteriin tallennetaan nimi.\n",
            ["customers", "participants", "users"],
        ),
        # nor who may use or see the register ("pääsevät käyttämään", "ser enbart")
        (
            "fi",
            "Rekisteri sisältää asiakkaiden tiedot.\n\nRekisteriä pääsevät käyttämään työntekijät.\n",
            ["customers"],
        ),
        (
            "sv",
            "Vi behandlar medlemmarnas namn.\n\nStyrelseledamot ser enbart medlemmar i sin avdelning.\n",
            ["members"],
        ),
    ],
)
def test_subject_groups_of_the_thirteenth_session(language: str, text: str, groups: list[str]) -> None:
    assert [s["id"] for s in draft(text, "n.md", language).data["subjects"]] == groups


@pytest.mark.parametrize(
    ("language", "text", "keys"),
    [
        # a numbered line that lists data is an item, however long; a long numbered item does not end the list
        (
            "sv",
            "Vilka uppgifter behandlar vi?\n\n1. Vårdnadshavares namn, adress, telefonnummer och e-postadress samt "
            "barnets personnummer\n",
            {
                "user.name",
                "user.contact.address",
                "user.contact.phone_number",
                "user.contact.email",
                "user.government_id.national_identification_number",
            },
        ),
        (
            "fi",
            "Rekisterin tietosisältö\n\n1. Nimi\n\n2. Tiedot säilytetään suojatulla palvelimella jonne pääsy on vain "
            "ylläpitäjillä ja tekijöillä\n\n3. Sähköpostiosoite\n\n4. Puhelinnumero\n",
            {"user.name", "user.contact.email", "user.contact.phone_number"},
        ),
        # a denial in one clause of a list joined by commas takes back that clause only ...
        (
            "sv",
            "Vi behandlar namn, e-postadress och telefonnummer, bokad tjänst och tid; kortuppgifter hanteras av "
            "Stripe och lagras inte av oss.\n",
            # the booked service is a booking (purchase history), in the clause that is kept
            {"user.name", "user.contact.email", "user.contact.phone_number", "user.behavior.purchase_history"},
        ),
        # ... a clause that names no data of its own denies what stands before it
        ("sv", "Vi behandlar personnummer; de sparas inte.\n", set()),
        # Finnish denials of cookies in the passive, "ilman" and a cookie banner
        ("fi", "Tallennamme nimen. Sivustolla ei tällä hetkellä käytetä evästeitä.\n", {"user.name"}),
        ("fi", "Tallennamme nimen. Sivu toimii ilman evästeitä. Evästebanneria ei tarvita.\n", {"user.name"}),
        ("fi", "Tallennamme nimen. Sivusto ei käytä analytiikkaa eikä tarpeettomia evästeitä.\n", {"user.name"}),
        # a page's local storage is filed with cookies
        ("sv", "Vilka uppgifter behandlar vi?\n\n- Inställningar sparas i localStorage\n", {"user.device.cookie"}),
        # an age limit and a fee for unfounded requests name no age or payment
        ("fi", "Tallennamme nimen. Edellytämme palvelun käyttäjiltä 13 vuoden ikää.\n", {"user.name"}),
        (
            "fi",
            "Tallennamme nimen. Perusteettomista pyynnöistä voidaan periä kohtuullinen maksu.\n",
            {"user.name"},
        ),
        # Markdown's emphasis between a kind and the brackets that spell it out
        (
            "sv",
            "Vilka uppgifter behandlar vi?\n\n- **Kontouppgifter** *(användarnamn, lösenord)*\n",
            {"user.account.username", "user.authorization.credentials"},
        ),
        # "Telefonnummer:" before the controller's number is how to reach the controller
        (
            "sv",
            "Personuppgiftsansvarig för behandlingen av dina personuppgifter är:\n\nNamn:\n\nExempel AB\n\n"
            "E-postadress: gdpr@example.se\n\nTelefonnummer:\n\n0704-123456\n\n"
            "Vilka personuppgifter behandlar vi om dig?\n\nVi behandlar din e-postadress.\n",
            {"user.contact.email"},
        ),
        ("sv", "Vi sparar cookies, vi sparar inga personuppgifter i dessa cookies.\n", set()),
        # "token-sormenjälki" is a hash, no fingerprint
        ("fi", "Tallennamme nimen. Lokissa voi näkyä lyhyt token-sormenjälki.\n", {"user.name"}),
    ],
)
def test_lists_and_words_of_the_fourteenth_session(language: str, text: str, keys: set[str]) -> None:
    assert _drafted(text, language) == keys


@pytest.mark.parametrize(
    ("language", "sentence", "key"),
    [
        ("fi", "Käyttäjän selaimen tunniste (User-Agent)", "user.device"),
        ("sv", "Teknisk data", "user.device"),
        ("fi", "Asiakkaan mobiililaitteen tunniste (laite-ID)", "user.device.device_id"),
        ("fi", "Expo-push-tunniste", "user.device.device_id"),
        ("fi", "Suostumus- ja asetustiedot", "user.settings"),
        ("fi", "Kuntoutussuunnitelmat", "user.health"),
        ("sv", "Patientjournaler och annan vårddokumentation", "user.health"),
        ("sv", "Vi använder analyskakor", "user.device.cookie"),
        ("sv", "Profildata du själv fyller i", "user.account"),
        ("sv", "Timlön för instruktörer", "user.financial"),
        ("sv", "Tidrapporter", "user.behavior"),
        ("fi", "Vierailtuja sivuja, vierailun ajankohtaa ja kestoa", "user.behavior.browsing_history"),
    ],
)  # fmt: skip
def test_terms_of_the_fourteenth_session(language: str, sentence: str, key: str) -> None:
    assert key in _drafted_in_the_list(sentence, language)


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("sv", "Vi behandlar kundernas namn.\n\nTillgång begränsas till nödvändig personal.\n"),
        # the staff's duty of confidentiality says who handles the register, not whom it is about
        (
            "fi",
            "Rekisteri sisältää asiakkaiden nimet.\n\n"
            "Henkilötietoja käsittelevällä henkilöstöllä on vaitiolovelvollisuus.\n",
        ),
    ],
)
def test_who_has_access_is_no_subject_group(language: str, text: str) -> None:
    assert [s["id"] for s in draft(text, "n.md", language).data["subjects"]] == ["customers"]


@pytest.mark.parametrize(
    "listed", [["salasana"], {"fi": "salasana"}, {"se": ["salasana"]}], ids=["a list", "a string", "a language"]
)
def test_malformed_listed_terms_are_a_config_error(terms_file: Callable[[dict[str, Any]], None], listed: Any) -> None:
    from pdscan.compliance import draft as drafting
    from pdscan.errors import ConfigError

    terms_file({"categories": {"user.name": {"fi": ["nimi"], "listed": listed}}})
    with pytest.raises(ConfigError, match="listed"):
        drafting.vocabulary()


def test_the_controller_read_from_repeated_names_is_the_same_in_every_run() -> None:
    # Two brands named as often: the first named is read, whatever the process's hash seed (a set's order is not).
    import subprocess
    import sys

    code = (
        "from pdscan.compliance.draft import draft\n"
        "t = 'Palvelua ylläpitää Alfa ja tietoja käsittelee Beta.\\n'\n"
        "print(draft(t, 'n.md', 'fi').data['controller']['name'])"
    )
    names = {
        subprocess.run(
            [sys.executable, "-c", code],
            capture_output=True,
            text=True,
            check=True,
            env={**os.environ, "PYTHONHASHSEED": seed},
        ).stdout.strip()
        for seed in ("0", "1", "2", "3", "4", "5")
    }
    assert names == {"Alfa"}


@pytest.mark.parametrize(
    ("language", "text", "name"),
    [
        # the name on the line under a heading that names the role (no company form to find it by)
        ("fi", "1. Rekisterinpitäjä ja käsittelijä\n\nJahtiPro\n\nYhteyshenkilö: [redacted]\n", "JahtiPro"),
        ("sv", "**Personuppgiftsansvarig:**\n\nZemichat\n\nE-post: support@zemichat.example\n", "Zemichat"),
        # ... past a label whose value is on the next line
        (
            "sv",
            "Personuppgiftsansvarig för behandlingen av dina personuppgifter är:\n\nNamn:\n\nExempel Studio\n\n"
            "Vi sparar din e-postadress.\n",
            "Exempel Studio",
        ),
        # a section's heading, an id or a redacted contact under it is no name: the company the notice names
        (
            "fi",
            "Rekisterinpitäjä\n\nJäsenyys käsitelty kokouksessa\n\nTestaajat ry ylläpitää rekisteriä.\n",
            "Testaajat ry",
        ),
        ("fi", "Rekisterinpitäjä\n\nY-tunnus 1234567-8\n\nPalvelua ylläpitää Alfa Oy.\n", "Alfa Oy"),
    ],
)
def test_the_controller_is_the_name_under_its_heading(language: str, text: str, name: str) -> None:
    assert draft(text, "n.md", language).data["controller"]["name"] == name


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("fi", "1. Rekisterinpitäjä\n\nRekisterin nimi\n\nAsiakasrekisteri\n\nKäsittelemme nimeä.\n"),  # a data line
        ("fi", "## Rekisterinpitäjä\n\n## Yhteystiedot\n\nKäsittelemme nimeä.\n"),  # a section's heading
    ],
)
def test_a_line_of_data_or_a_heading_under_the_controllers_heading_is_no_name(language: str, text: str) -> None:
    assert draft(text, "n.md", language).data["controller"]["name"] == "REVIEW: controller not found"


def test_a_controller_read_from_the_line_under_its_heading_is_a_review_item() -> None:
    review = draft("1. Rekisterinpitäjä\n\nJahtiPro\n\nKäsittelemme nimeä.\n", "n.md", "fi").data["draft"]["review"]
    assert any("controller read as 'JahtiPro' (the line under" in item for item in review)


def test_a_controller_read_from_the_company_named_most_among_others_is_a_review_item() -> None:
    text = "Palvelua ylläpitää Alfa Oy. Alfa Oy käyttää Beta Oy:n palvelimia.\n"
    assert any("controller read as 'Alfa Oy'" in item for item in draft(text, "n.md", "fi").data["draft"]["review"])
    # the only company the notice names is no question
    alone = draft("Palvelua ylläpitää Alfa Oy.\n", "n.md", "fi").data["draft"]["review"]
    assert not any("controller read as" in item for item in alone)


@pytest.mark.parametrize(
    ("language", "text", "groups", "implied"),
    [
        # cookies of the site: its visitors, though the notice never names them
        (
            "fi",
            "Tallennamme asiakkaiden nimet.\n\nSivustomme käyttää evästeitä.\n",
            ["customers", "website_visitors"],
            "Sivustomme käyttää evästeitä.",
        ),
        (
            "sv",
            "Vi behandlar kunders namn.\n\nPå denna webbplats används kakor.\n",
            ["customers", "website_visitors"],
            "På denna webbplats används kakor.",
        ),
        # cookies with no word of a site are not enough; nor where the notice is about a service's users
        ("fi", "Tallennamme asiakkaiden nimet.\n\nKäytämme evästeitä.\n", ["customers"], None),
        ("fi", "Palvelun käyttäjistä tallennetaan nimi.\n\nSivustomme käyttää evästeitä.\n", ["users"], None),
        # an account named with no group: the service's users; beside the members, the account is a member's
        ("fi", "Rekisterin tietosisältö\n\n- Käyttäjätunnus\n- Salasana\n", ["users"], "- Käyttäjätunnus"),
        ("fi", "Tallennamme jäsenten nimet.\n\nJäsen kirjautuu käyttäjätunnuksella.\n", ["members"], None),
    ],
)
def test_a_group_the_drafted_data_implies(language: str, text: str, groups: list[str], implied: str | None) -> None:
    drafted = draft(text, "n.md", language).data
    assert [s["id"] for s in drafted["subjects"]] == groups
    # an implied group is for review, with its reason, and quotes the sentence that implies it
    reviews = [r for r in drafted["draft"]["review"] if r.startswith("inferred the group")]
    assert len(reviews) == (implied is not None)
    if implied is not None:
        assert drafted["subjects"][-1]["source"] == implied
        assert drafted["subjects"][-1]["confidence"] == "low"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"keys": ["user.no_such_key"]}, r"user\.no_such_key"),
        ({"unless": ["no_such_group"]}, "no_such_group"),
        ({"keys": "user.name"}, "a list of names"),
        ({"keys": None}, "a list of names"),
        ({"unless": 5}, "a list of names"),
        ({"keys": []}, "keys must name"),
        ({"reason": None}, "reason must be a text"),
        ({"terms": ["sivusto"]}, "lists of terms"),
        ({"terms": {"xx": ["sivusto"]}}, "lists of terms"),
        ({"terms": {"fi": "sivusto"}}, "a list of terms"),
        ({"because": "x"}, "optionally unless"),
    ],
)
def test_malformed_implied_groups_are_a_config_error(
    terms_file: Callable[[dict[str, Any]], None], change: dict[str, Any], message: str
) -> None:
    from pdscan.compliance import draft as drafting
    from pdscan.errors import ConfigError

    implied = {"keys": ["user.name"], "terms": {"fi": ["sivusto"]}, "unless": ["users"], "reason": "r", **change}
    terms_file(
        {"subjects": {"users": {"fi": ["käyttäjä"]}, "website_visitors": {"fi": ["kävijä"], "implied": implied}}}
    )
    with pytest.raises(ConfigError, match=message):
        drafting.vocabulary()


def test_a_notice_kept_as_json_data_reads_each_string_as_a_paragraph() -> None:
    """A site's JSON data ('"title": "5. Rekisterin tietosisältö",' and a list of strings): each string a paragraph."""
    source = (
        "{\n"
        '  "sections": [\n'
        "    {\n"
        '      "title": "1. Rekisterinpitäjä",\n'
        '      "body": "Esimerkki ry<br/>Esimerkkitie 2, 41310 Leppävesi",\n'
        '      "list": []\n'
        "    },\n"
        "    {\n"
        '      "title": "5. Rekisterin tietosisältö",\n'
        '      "body": "Rekisteriin voidaan tallentaa seuraavia tietoja:",\n'
        '      "list": [\n'
        '        "Etu- ja sukunimi",\n'
        '        "S\\u00e4hk\\u00f6postiosoite",\n'
        '        "Puhelinnumero"\n'
        "      ]\n"
        "    }\n"
        "  ]\n"
        "}\n"
    )
    drafted = draft(source, "notice.txt", "fi").data
    sources = {k: c["source"] for c in drafted["categories"] for k in c["keys"]}
    assert sources == {"user.name": "Etu- ja sukunimi", "user.contact.email": "Sähköpostiosoite",
                       "user.contact.phone_number": "Puhelinnumero"}  # fmt: skip


@pytest.mark.parametrize(
    ("language", "items", "keys"),
    [
        # terms read from the sixth vocabulary corpus (bench/notices/corpus6) and the twelfth batch
        ("fi", "- Nimi\n- Ruokavaliot", {"user.name", "user.health"}),  # a special diet: health (LABELLING)
        ("fi", "- Sähköpostiosoite\n- Uutiskirjeen tilaus", {"user.contact.email", "user.privacy_preferences"}),
        ("fi", "- Nimi\n- Varattu palvelu", {"user.name", "user.behavior.purchase_history"}),
        ("sv", "- Namn\n- Ort", {"user.name", "user.contact.address.city"}),  # "ort" only as an item of the list
        ("sv", "- Namn\n- Vald tjänst", {"user.name", "user.behavior.purchase_history"}),
    ],
)
def test_terms_of_the_fifteenth_session(language: str, items: str, keys: set[str]) -> None:
    assert _drafted(f"{_DATA_HEADING[language]}\n\n{items}\n", language) == keys


@pytest.mark.parametrize(
    ("language", "text", "groups"),
    [
        ("fi", "Käsittelemme nimeä asiakassuhteen hoitamiseksi.\n", ["customers"]),
        ("sv", "Vi sparar ditt namn när du handlar hos oss.\n", ["customers"]),
        ("sv", "Vi sparar din e-postadress när du skapar ett konto.\n", ["users"]),
        # "ort" outside a list is a place the controller works in, no data
        ("sv", "Vi finns på varje ort där vi verkar och sparar kunders namn.\n", ["customers"]),
    ],
)
def test_subject_groups_of_the_fifteenth_session(language: str, text: str, groups: list[str]) -> None:
    drafted = draft(text, "n.md", language).data
    assert [s["id"] for s in drafted["subjects"]] == groups
    assert "user.contact.address.city" not in _keys(drafted)


def test_an_implied_group_holds_the_data_that_implies_it_and_no_other() -> None:
    drafted = draft("Tallennamme asiakkaiden nimet.\n\nSivustomme käyttää evästeitä.\n", "n.md", "fi").data
    groups = {k: c["subjects"] for c in drafted["categories"] for k in c["keys"]}
    # the visitors keep no customer's name, and the cookies are the visitors'
    assert groups == {"user.name": ["customers"], "user.device.cookie": ["website_visitors"]}
    # users implied beside the site's cookies: the cookies are the users', no visitors are implied
    both = "Rekisterin tietosisältö\n\n- Käyttäjätunnus\n- Salasana\n\nSivustomme käyttää evästeitä.\n"
    assert [s["id"] for s in draft(both, "n.md", "fi").data["subjects"]] == ["users"]


@pytest.mark.parametrize(
    ("language", "items", "keys"),
    [
        # a field's label spelled out by its parts after a colon: the parts, not the kind
        ("fi", "- Yhteystiedot: sähköpostiosoite ja puhelinnumero",
         {"user.contact.email", "user.contact.phone_number"}),
        ("fi", "- Yhteystiedot: nimi, puhelinnumero, sähköpostiosoite",
         {"user.name", "user.contact.phone_number", "user.contact.email"}),  # a name beside the parts
        ("fi", "- Osoite: postinumero ja kaupunki",
         {"user.contact.address.postal_code", "user.contact.address.city"}),  # not narrowed to the street first
        ("sv", "- Kontaktuppgifter: e-postadress och telefonnummer",
         {"user.contact.email", "user.contact.phone_number"}),
        ("fi", "- **Yhteystiedot:** sähköpostiosoite ja puhelinnumero",
         {"user.contact.email", "user.contact.phone_number"}),  # a label in Markdown bold
        # an item the terms do not know keeps the kind (the screen size is the device's); the kind again after
        # "muut", or items given as examples, make the parts examples of it (the kind alone, as in brackets)
        ("fi", "- Tekniset tiedot: IP-osoite, ruudun koko", {"user.device", "user.device.ip_address"}),
        ("fi", "- Yhteystiedot: sähköpostiosoite ja muut yhteystiedot", {"user.contact"}),
        ("fi", "- Yhteystiedot: esim. sähköpostiosoite ja puhelinnumero", {"user.contact"}),
        ("fi", "- Yhteystiedot: sähköpostiosoite, puhelinnumero yms.", {"user.contact"}),
        ("sv", "- Kontaktuppgifter: t.ex. e-postadress och telefonnummer", {"user.contact"}),
        # in brackets the address listed with its postcode is still the street
        ("fi", "- Osoite (katu, postinumero)", {"user.contact.address.street", "user.contact.address.postal_code"}),
        # a call, a counter: not a phone number, not a payment
        ("fi", "- Nimi\n- Puheluiden tallenteet\n- Laskuri käynneistä", {"user.name"}),
        # listed terms of the thirteenth batch
        ("fi", "- Nimi ja yhteystiedot (sähköposti, puhelin)",
         {"user.name", "user.contact.email", "user.contact.phone_number"}),
        ("fi", "- Tilaukset, toimitukset, laskut", {"user.behavior.purchase_history", "user.payment"}),
        ("fi", "- Nimi\n- Osallistutut tapahtumat", {"user.name", "user.behavior"}),
        ("fi", "- Tapahtumakirjaukset ja laskutustiedot", {"user.behavior", "user.payment"}),
    ],
)  # fmt: skip
def test_terms_of_the_sixteenth_session(language: str, items: str, keys: set[str]) -> None:
    assert _drafted(f"{_DATA_HEADING[language]}\n\n{items}\n", language) == keys


@pytest.mark.parametrize(
    ("language", "text"),
    [
        # events and training in prose are what the controller does, not data held
        ("fi", "Käsittelemme tietoja tapahtumien ja muun yhdistystoiminnan järjestämiseen.\n"),
        ("fi", "Henkilökuntamme saa säännöllistä koulutusta tietosuojasta.\n"),
        # a call, a cookie notice, what is not followed or never seen
        ("fi", "Voit soittaa meille puhelimella arkisin.\n"),
        ("fi", "Lisäämme asianmukaisen evästeilmoituksen ennen muutoksen voimaantuloa.\n"),
        ("fi", "Emme seuraa klikkauksiasi, hiiren liikkeitäsi tai projektien nimiä.\n"),
        ("sv", "Tjänsten ser aldrig ditt kortnummer eller övriga betalningsuppgifter.\n"),
    ],
)
def test_words_of_the_sixteenth_session_that_name_no_data(language: str, text: str) -> None:
    assert _drafted(text, language) == set()


@pytest.mark.parametrize(
    ("language", "text", "keys"),
    [
        # after a contrast the clause says what is kept, whatever the clause before it denies
        ("fi", "Emme seuraa käyttäjiä muilla sivustoilla, mutta palvelimemme tallentaa IP-osoitteen lokiin.\n",
         {"user.device.ip_address"}),
        ("sv", "Vi behandlar ditt namn och din e-postadress, men vi ser aldrig ditt kortnummer.\n",
         {"user.name", "user.contact.email"}),
        # how long data is kept is no denial of it
        ("sv", "Namn och e-postadress lagras ej längre än nödvändigt.\n", {"user.name", "user.contact.email"}),
        # events and training named as data held in prose
        ("fi", "Rekisterin tietosisältö\n\nRekisteriin tallennetaan jäsenen nimi ja tiedot osallistutuista "
               "tapahtumista.\n", {"user.name", "user.behavior"}),
        # a block of filled fields: the controller's town, phone and e-mail are no data of the register
        ("fi", "1. Rekisterinpitäjä\n\nEsimerkki ry\nKaupunki: Helsinki\nPuhelin 040 123 4567\n"
               "Sähköposti: info@esimerkki.fi\n\n2. Rekisterin tietosisältö\n\n- Nimi\n- Sähköpostiosoite\n",
         {"user.name", "user.contact.email"}),
    ],
)  # fmt: skip
def test_denials_and_fields_of_the_sixteenth_session(language: str, text: str, keys: set[str]) -> None:
    assert _drafted(text, language) == keys


@pytest.mark.parametrize(
    "line",
    ["Puhelin: 029 566 6700", "Puhelin 029 566 6700", "Puhelinvaihde 029 566 6700", "**Puhelin:** (09) 123 4567"],
)
def test_a_label_with_its_value_opens_no_list_of_data(line: str) -> None:
    """The supervisory authority's block ("Puhelin: 029 566 6700") is someone's contact detail: it neither names a
    phone number nor makes the sections after it the list of data, whose cookies then stay data."""
    text = (
        "Rekisterin tietosisältö\n\n- Nimi\n\n## Valitusoikeus\n\nTietosuojavaltuutetun toimisto\n\n"
        f"{line}\n\n## Evästeet\n\nVerkkosivustomme käyttää teknisesti välttämättömiä evästeitä.\n"
    )
    assert _drafted(text, "fi") == {"user.name", "user.device.cookie"}


@pytest.mark.parametrize(
    ("language", "items", "keys"),
    [
        # terms of the fourteenth batch, read into the tuning set
        ("fi", "- Nimi\n- Bruttotulot", {"user.name", "user.financial"}),
        ("sv", "- Namn\n- Tävlingsanmälningar och resultat", {"user.name", "user.behavior"}),
        ("sv", "- Namn\n- Nuvarande årskurs", {"user.name", "user.professional_information"}),
        ("fi", "- Nimi\n- Luokka-aste", {"user.name", "user.professional_information"}),
        ("fi", "- Nimi\n- Taitotaso", {"user.name", "user.professional_information"}),
        ("fi", "- Nimi\n- Toimialatiedot", {"user.name", "user.professional_information"}),
        ("fi", "- Nimi\n- Käyttäjän itse kertomat tiedot", {"user.name", "user.content"}),
        ("fi", "- Nimi\n- Vapaamuotoinen viesti", {"user.name", "user.content"}),
        ("fi", "- Nimi\n- Käyttäytymistiedot", {"user.name", "user.behavior"}),
        ("sv", "- Namn\n- Användningsmetadata", {"user.name", "user.behavior"}),
        ("fi", "- Nimi\n- Sukuelimet (pakollinen)", {"user.name", "user.demographic.gender"}),
        ("sv", "- Namn\n- Postaddress", {"user.name", "user.contact.address"}),
        # the first word of "X- ja Y" read with Y's last part: "kirjautumistiedot", "kontaktuppgifter"
        ("fi", "- Nimi\n- Kirjautumis- ja istuntotiedot", {"user.name", "user.authorization.credentials"}),
        ("sv", "- Namn\n- Kontakt- och företagsuppgifter", {"user.name", "user.contact"}),
    ],
)  # fmt: skip
def test_terms_of_the_seventeenth_session(language: str, items: str, keys: set[str]) -> None:
    assert _drafted(f"{_DATA_HEADING[language]}\n\n{items}\n", language) == keys


@pytest.mark.parametrize(
    ("language", "text"),
    [
        # a page's link addresses: no postal address
        ("sv", "Användare kan dela länkadresserna till enskilda sidor på Facebook.\n"),
        # fault reports and reports to a whistleblowing channel, courses by level, a class's teacher: in prose no
        # behaviour and no education (those terms name data as items of the list only)
        ("sv", "Felanmälningar görs via vår kundtjänst.\n"),
        ("fi", "Kurssit on jaettu taitotason mukaan.\n"),
        ("fi", "Luokka-asteen opettaja vastaa opetuksesta.\n"),
        # the notice's own languages are no data of the person
        ("fi", "Tämä seloste on saatavilla kielillä suomi ja ruotsi.\n"),
        # a compound's shared last part is read only before "ja" and a compound that ends in it
        ("fi", "Asiakas- ja markkinointiviestintä hoidetaan keskitetysti.\n"),
    ],
)
def test_words_of_the_seventeenth_session_that_name_no_data(language: str, text: str) -> None:
    assert _drafted(text, language) == set()


def test_tulot_alone_names_no_income() -> None:
    """Only compounds of income are income: "tulot" alone shares its stem with tulos (a result)."""
    assert _drafted(f"{_DATA_HEADING['fi']}\n\n- Nimi\n- Kilpailun tulokset\n", "fi") == {"user.name"}


@pytest.mark.parametrize(
    ("language", "text", "keys"),
    [
        # "Information vi lagrar om dig" opens the list of data: its items are read, a lone item among lines no term
        # names (Telefonnummer* between Masterprofil and RFID) and a password among them too
        ("sv", "## Information vi lagrar om dig\n\nDetta innefattar:\n\n- Adress\n- Masterprofil\n- Telefonnummer*\n"
               "- RFID för din studentlegitimation\n- Ditt lösenord, krypterat\n",
         {"user.contact.address", "user.contact.phone_number", "user.authorization.credentials"}),
        # under a numbered heading, a line of the list that speaks of the controller is an item, not the end of it
        ("fi", "5. Rekisterin tietosisältö\n\nRekisteriin tallennettavia tietoja ovat:\n\nEtu- ja sukunimi\n"
               "Sähköpostiosoite\nRekisterinpitäjän merkinnät\nJäsenyyden tila\nJäsenen kuvaus itsestään\n\n"
               "6. Säännönmukaiset tietolähteet\n\nTiedot saadaan jäseneltä itseltään.\n",
         {"user.name", "user.contact.email", "user.content"}),
        # a long numbered heading ends the section on security before it; a numbered line that lists is read
        ("fi", "6. Rekisterin suojauksen periaatteet\n\nTiedot suojataan palomuurilla.\n\n"
               "7. Evästeet ja seurantatekniikat sivustollamme ja kolmannen osapuolen tuottamat palvelut\n\n"
               "Sivustolla vierailevasta käyttäjästä tallennetaan IP-osoite ja selaimen tunniste.\n",
         {"user.device.ip_address", "user.device"}),
        ("sv", "## Personuppgifter\n\n2. Vårdnadshavares namn, adress och telefonnummer samt barnets personnummer "
               "för att:\n\n- Kunna ringa vid behov\n",
         {"user.name", "user.contact.address", "user.contact.phone_number",
          "user.government_id.national_identification_number"}),
        # what a service removes from a text and the placeholder it puts there: data not kept
        ("sv", "## Vilka uppgifter vi behandlar\n\n- Namn och e-postadress för ditt konto\n\n"
               "Följande uppgifter ersätts med platshållare:\n\n- Personnummer → [PERSONNUMMER]\n"
               "- Telefonnummer → [TELEFON]\n- Bankkontonummer -> [KONTONUMMER]\n"
               "- Övriga siffersträngar → [BORTTAGET]\n",
         {"user.name", "user.contact.email"}),
    ],
)  # fmt: skip
def test_lists_of_the_seventeenth_session(language: str, text: str, keys: set[str]) -> None:
    assert _drafted(text, language) == keys


def test_a_notice_in_program_source_quotes_its_strings_not_its_brackets() -> None:
    """Lines of brackets ("],", "{", "cells: [") end a paragraph and an id's slug (id: "cookies") is no text: every
    category quotes the notice's own words, not "], }, { cookies cells: [" or "... referenser cookies"."""
    text = (
        'const rows = [\n  {\n    id: "applicants",\n    cells: [\n      "Rekryteringsinformation",\n'
        '      "CV, betyg och referenser som du lämnar",\n      "Den arbetssökande och referenser",\n    ],\n  },\n'
        '  {\n    id: "cookies",\n    cells: [\n      "Kakor och lokal lagringsinformation",\n'
        '      "Vi använder kakor för att hålla dig inloggad.",\n    ],\n  },\n];\n'
    )
    categories = draft(text, "policy.tsx", "sv").data["categories"]
    assert "user.device.cookie" in _keys({"categories": categories})
    assert all(category["source"] in text for category in categories), [c["source"] for c in categories]


@pytest.mark.parametrize(
    ("language", "text", "keys"),
    [
        # numbered sentences that name data are read, outside a section about other things
        ("en", "Privacy Policy\n\nThis policy explains our practices.\n\n1. Your name and email address which you give "
               "us when you sign up\n\nWe need these to create your account.\n\n2. Your IP address which our servers "
               "log when you visit the site\n\nLogs are deleted after 30 days.\n",
         {"user.name", "user.contact.email", "user.device.ip_address"}),
        # under a numbered list of data, a heading of sources still ends it: what the population register hands over
        # is said there, not listed
        ("fi", "5. Rekisterin tietosisältö\n\nRekisteriin tallennettavia tietoja ovat:\n\nNimi\nSähköpostiosoite\n"
               "Tietolähteet\nTiedot saadaan väestörekisteristä, joka luovuttaa henkilötunnuksen ja kotiosoitteen.\n",
         {"user.name", "user.contact.email"}),
        # a footnote or a note after an arrow is no placeholder
        ("fi", "Rekisterin tietosisältö\n\n- Sähköpostiosoite -> [1]\n- Nimi → [pakollinen]\n",
         {"user.contact.email", "user.name"}),
        # the shared part of "X- ja Y" is the word for data only: no "sähköpostinumero", no "kotiosoite"
        ("fi", "Rekisterin tietosisältö\n\n- Sähköposti- ja puhelinnumero\n",
         {"user.contact.email", "user.contact.phone_number"}),
        ("fi", "Rekisterin tietosisältö\n\n- Koti- ja työsähköpostiosoite\n", {"user.contact.email"}),
        # a numbered list inside a section about security is that section's: its items name no data held
        ("fi", "7. Rekisterin suojaus\n\n1. Manuaalinen aineisto säilytetään lukitussa tilassa johon vain nimetyillä "
               "työntekijöillä on pääsy\n\n2. Asiakkaan nimi, henkilötunnus ja terveystiedot säilytetään salattuina "
               "erillisessä järjestelmässä.\n", set()),
        # under a numbered list of data, lines of purpose and retention are items: the list goes on after them
        ("fi", "5. Rekisterin tietosisältö\n\nRekisteriin tallennettavia tietoja ovat:\n\nNimi\n"
               "Asiakkuuden käyttötarkoitus\nSyntymäaika\nTietojen säilytysaika\nHenkilötunnus\n\n"
               "6. Säännönmukaiset tietolähteet\n\nTiedot saadaan asiakkaalta.\n",
         {"user.name", "user.demographic.date_of_birth", "user.government_id.national_identification_number"}),
        # placeholders with a hyphen or a dot
        ("sv", "## Vilka uppgifter vi behandlar\n\n- Namn\n\nFöljande ersätts med platshållare:\n\n"
               "- E-postadresser → [E-POST]\n- Telefonnummer → [TEL.NR]\n", {"user.name"}),
        # a language heading after the list of data is no language of the person
        ("fi", "## Mitä tietoja keräämme\n\n- Nimi\n- Sähköpostiosoite\n\n## Kielet\n\n"
               "Tämä seloste on saatavilla suomeksi ja ruotsiksi.\n", {"user.name", "user.contact.email"}),
        # where a person lives is an address, in any case
        ("fi", "Rekisteriin tallennetaan tieto siitä, missä osoitteessa henkilö asuu.\n", {"user.contact.address"}),
    ],
)  # fmt: skip
def test_review_of_the_seventeenth_session(language: str, text: str, keys: set[str]) -> None:
    assert _drafted(text, language) == keys


@pytest.mark.parametrize(
    ("line", "heading"),
    [
        ("7. Evästeet ja seurantatekniikat sivustollamme ja kolmannen osapuolen tuottamat palvelut", True),
        ("## 10. Personuppgifter som vi delar med andra företag och organisationer inom EU", True),
        # a date, a year, a count, a list of data, an opener, a sentence, too long
        ("1.12.2025 alkaen keräämme myös asiakkaan puhelinnumeron tilauksen yhteydessä", False),
        ("2025 började vi även samla in kundens telefonnummer och födelsedatum vid beställning", False),
        ("30 days after your order we also store your phone number and date of birth for support", False),
        ("2. Vårdnadshavares namn, adress och telefonnummer samt barnets personnummer", False),
        ("3. Personuppgifter som vi behandlar för att:", False),
        ("4. Tiedot säilytetään kaksi vuotta.", False),
        ("5. " + " ".join(["sana"] * 17), False),
    ],
)
def test_a_long_numbered_line_is_a_sections_heading(line: str, heading: bool) -> None:
    """Where a section about other things (security, rights) reaches it, such a line ends it (see _Sections.step)."""
    assert _a_section_heading(Sentence.of(line, "fi")) is heading


@pytest.mark.parametrize(
    ("line", "kept"),
    [
        # a title or a label in lower case is text; an id's slug, quoted key or not, is not; nor a line of brackets
        ('    title: "namn",\n', "namn"),
        ('    label: "puhelinnumero",\n', "puhelinnumero"),
        ('    id: "cookies",\n', None),
        ('  "id": "cookies",\n', None),
        ('  "sections": [\n', None),
        ("  ],\n", None),
    ],
)
def test_program_source_ids_and_titles(line: str, kept: str | None) -> None:
    text = _string_lines_apart(line)
    assert (text.strip() == kept) if kept is not None else (text.strip() == "")
