"""Every rule file carries its own match / no-match examples; this one parametrised test checks them all."""

from __future__ import annotations

from pathlib import Path

import pytest

from pdscan.detect.findings import name_evidence
from pdscan.detect.rules import builtin_rules_dir, load_rules, parse_rule
from pdscan.detect.ruletest import needs_model, value_matches
from pdscan.errors import RuleError, UsageError

RULES = load_rules()


def _value_cases() -> list[tuple[str, str, bool]]:
    return [
        (rule.id, example, expected)
        for rule in RULES
        for expected, examples in ((True, rule.examples.match), (False, rule.examples.no_match))
        for example in examples
    ]


def _column_cases() -> list[tuple[str, str, bool]]:
    return [
        (rule.id, example, expected)
        for rule in RULES
        for expected, examples in ((True, rule.examples.column_match), (False, rule.examples.column_no_match))
        for example in examples
    ]


@pytest.mark.parametrize(("rule_id", "value", "expected"), _value_cases())
def test_rule_value_examples(rule_id: str, value: str, expected: bool) -> None:
    rule = next(r for r in RULES if r.id == rule_id)
    if needs_model(rule):
        pytest.skip("finds values only with a NER model: tests/detect/test_ner.py runs it with a pipeline it builds")
    assert value_matches(rule, RULES, value) is expected, (
        f"{rule_id}: {value!r} should {'' if expected else 'not '}match"
    )


@pytest.mark.parametrize(("rule_id", "column", "expected"), _column_cases())
def test_rule_column_name_examples(rule_id: str, column: str, expected: bool) -> None:
    rule = next(r for r in RULES if r.id == rule_id)
    assert name_evidence(rule, column).supports is expected


def test_builtin_rules_cover_the_issue_entities() -> None:
    assert {
        "EMAIL_ADDRESS",
        "PHONE_NUMBER",
        "FI_BUSINESS_ID",
        "FI_PERSONAL_IDENTITY_CODE",
        "IBAN_CODE",
    } <= set(RULES.entities)
    assert builtin_rules_dir().is_dir()


def test_every_rule_comes_after_the_rules_it_yields_to() -> None:
    seen: set[str] = set()
    for rule in RULES:
        assert rule.yield_ids <= seen, rule.id
        seen.add(rule.id)
    phone = next(r for r in RULES if r.id == "phone")
    assert phone.yields("fi-hetu") and not phone.yields("person")


def test_rules_that_yield_to_each_other_are_a_rule_error(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text(GOOD.replace("id: loyalty-number", "id: a") + "yields_to: [b]\n", "utf-8")
    (tmp_path / "b.yaml").write_text(GOOD.replace("id: loyalty-number", "id: b") + "yields_to: [a]\n", "utf-8")
    with pytest.raises(RuleError, match="circle"):
        load_rules([tmp_path])


def test_priority_is_replaced_by_yields_to() -> None:
    with pytest.raises(RuleError, match="yields_to"):
        parse_rule(GOOD + "priority: 70\n", "my_rules/old.yaml")


GOOD = """
id: loyalty-number
entity: LOYALTY_NUMBER
description: Loyalty card number
categories: [user.unique_id]
value:
  pattern: '\\bC-\\d{6}\\b'
  precision: 0.7
  weak: true
column:
  names: [asiakasnumero, customer number]
examples:
  match: [C-000123]
  no_match: [C-12]
  column_match: [Asiakasnumero]
"""


@pytest.mark.parametrize(
    ("text", "field"),
    [
        ("id: [", "line 1"),
        ("- a\n- b\n", "(top level)"),
        (GOOD.replace("id: loyalty-number", "id: Bad Id"), "id"),
        (GOOD.replace("entity: LOYALTY_NUMBER", "entity: loyalty"), "entity"),
        (GOOD.replace("precision: 0.7", "precision: 2"), "value.precision"),
        (GOOD.replace("precision: 0.7", "validator: nope"), "value.validator"),
        (GOOD.replace("\\bC-\\d{6}\\b", "(?<=C)-\\d{6}"), "value.pattern"),
        (GOOD.replace("\\bC-\\d{6}\\b", "C-(\\d"), "value.pattern"),
        (GOOD.replace("  no_match: [C-12]\n", ""), "examples"),
        (GOOD.replace("description: Loyalty card number\n", ""), "description"),
        (GOOD + "colour: red\n", "colour"),
        (GOOD.replace("categories: [user.unique_id]", "categories: [user.shoe_size]"), "categories"),
        (GOOD.replace("weak: true", "wek: true"), "value.wek"),
    ],
)
def test_malformed_rule_names_file_and_field(text: str, field: str) -> None:
    with pytest.raises(RuleError) as caught:
        parse_rule(text, "my_rules/bad.yaml")
    assert caught.value.field == field
    assert str(caught.value).startswith("my_rules/bad.yaml: field ")


def test_extra_rules_directory_adds_and_overrides(tmp_path: Path) -> None:
    (tmp_path / "customer.yaml").write_text(GOOD, encoding="utf-8")
    email = (builtin_rules_dir() / "email.yaml").read_text(encoding="utf-8")
    (tmp_path / "email.yaml").write_text(email.replace("precision: 0.95", "precision: 0.96"), encoding="utf-8")
    rules = load_rules([tmp_path])
    by_id = {r.id: r for r in rules}
    assert by_id["loyalty-number"].weak
    assert by_id["email"].precision == 0.96
    assert len(rules) == len(RULES) + 1
    assert rules.version != RULES.version


def test_select_rejects_unknown_entities() -> None:
    with pytest.raises(UsageError, match="unknown entity NOPE"):
        RULES.select(only=["NOPE"])
    assert {r.entity for r in RULES.select(only=["email_address"])} == {"EMAIL_ADDRESS"}
    assert "EMAIL_ADDRESS" not in {r.entity for r in RULES.select(exclude=["EMAIL_ADDRESS"])}
