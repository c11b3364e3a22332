"""Labels are data: every entity's name in the rule files (field ``label``), every data category's in the taxonomy,
every phrase of the text report in each language."""

from __future__ import annotations

from pathlib import Path

import pytest

from pdscan.compliance.taxonomy import taxonomy
from pdscan.detect.rules import load_rules, parse_rule
from pdscan.errors import RuleError
from pdscan.reporters import labels
from pdscan.reporters.style import LANGUAGES

RULE = """
id: loyalty-number
entity: LOYALTY_NUMBER
description: Loyalty card number
categories: [user.unique_id]
column:
  names: [kanta-asiakasnumero]
examples:
  column_match: [Kanta-asiakasnumero]
"""


def test_every_builtin_entity_has_one_label_in_every_language() -> None:
    by_entity: dict[str, set[tuple[tuple[str, str], ...]]] = {}
    for rule in load_rules():
        by_entity.setdefault(rule.entity, set()).add(rule.label)
    assert {e: v for e, v in by_entity.items() if len(v) != 1} == {}  # the rules of one entity agree
    for entity, (label,) in by_entity.items():
        assert {lang for lang, _ in label} == set(LANGUAGES), entity
        for lang in LANGUAGES:
            assert labels.entity_label(entity, lang) == dict(label)[lang]
    assert labels.entity_label("FI_PERSONAL_IDENTITY_CODE", "fi") == "Henkilötunnus"


def test_a_rule_label_is_read_and_checked(tmp_path: Path) -> None:
    rule = parse_rule(RULE + "label: {en: Loyalty card number, fi: Kanta-asiakasnumero}\n", "my_rules/l.yaml")
    assert dict(rule.label) == {"en": "Loyalty card number", "fi": "Kanta-asiakasnumero"}
    assert parse_rule(RULE, "my_rules/l.yaml").label == ()  # optional
    for bad in ("label: Loyalty", "label: {fi: Kanta-asiakasnumero}", "label: {english: Loyalty}", "label: {en: ''}"):
        with pytest.raises(RuleError) as caught:
            parse_rule(RULE + bad + "\n", "my_rules/l.yaml")
        assert caught.value.field == "label"
    # A --rules folder's label names its entity in the report; without one, the code in words.
    (tmp_path / "loyalty.yaml").write_text(RULE + "label: {en: Loyalty card number, sv: Stamkundsnummer}\n")
    assert labels.entity_label("LOYALTY_NUMBER", "sv", [str(tmp_path)]) == "Stamkundsnummer"
    assert labels.entity_label("LOYALTY_NUMBER", "fi", [str(tmp_path)]) == "Loyalty card number"
    assert labels.entity_label("LOYALTY_NUMBER", "fi") == "Loyalty number"
    assert labels.entity_label("LOYALTY_NUMBER", "fi", [str(tmp_path / "gone")]) == "Loyalty number"


def test_every_category_has_a_label_and_risk_is_data() -> None:
    known = taxonomy()
    for key, category in known.categories.items():
        assert {lang for lang, _ in category.label} == set(LANGUAGES) - {"en"}, key
    assert labels.category_label("user.government_id.national_identification_number", "sv") == "Personbeteckning"
    assert labels.category_label("user.health", "en") == "Health data"
    high = labels.risk(["user.name", "user.health.condition"])
    assert high is not None and high.key == "user.health.condition" and labels.risk_note(high, "fi") == "GDPR Art. 9"
    financial = labels.risk(["user.financial.credit_card"])
    assert financial is not None and labels.risk_note(financial, "fi") == "Taloudelliset tiedot"
    assert not known.high_risk("user.financial.bank_account")  # declared-vs-found counts only "high"
    assert labels.risk(["user.contact.email", "user.name"]) is None


def test_every_phrase_in_every_language() -> None:
    for key, forms in labels.TEXTS.items():
        assert set(forms) == set(LANGUAGES), key
        shapes = {type(v) for v in forms.values()}
        assert len(shapes) == 1, key  # all counted (one, many) or none
    assert labels.count("file", 1, "fi") == "1 tiedosto" and labels.count("file", 1234, "fi") == "1 234 tiedostoa"
    assert labels.count("file", 1234, "en") == "1,234 files"
