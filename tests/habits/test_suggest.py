"""Typo suggestions: entity names (by their codes, rule ids, DSAR identifiers and column names) and declaration names
(shipped ones and YAML files beside the one named). Commands: click itself (see the last test)."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from pdscan.cli.main import main
from pdscan.compliance.declaration import load_declaration
from pdscan.detect.rules import load_rules
from pdscan.errors import ConfigError, UsageError
from pdscan.suggest import close_matches, did_you_mean, normalise

RULES = load_rules()


def test_close_matches_ignores_case_and_separators() -> None:
    names = ["EMAIL_ADDRESS", "PHONE_NUMBER", "IBAN_CODE"]
    assert normalise(" FI_Personal-identity.code ") == "fi personal identity code"
    assert close_matches("email-address", names) == ["EMAIL_ADDRESS"]
    assert close_matches("phone_nmber", names) == ["PHONE_NUMBER"]
    assert close_matches("Iban code", names) == ["IBAN_CODE"]
    assert close_matches("xyzzy", names) == []
    assert close_matches("", names) == []
    assert close_matches("puhelin", names, {"puhelin": "PHONE_NUMBER"}) == ["PHONE_NUMBER"]
    assert did_you_mean([]) == ""
    assert did_you_mean(["A"]) == "; did you mean A?"
    assert did_you_mean(["A", "B", "C"]) == "; did you mean A, B or C?"


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("HETU", "FI_PERSONAL_IDENTITY_CODE"),  # a column name (and the DSAR identifier) of the fi-hetu rule
        ("fi-hetu", "FI_PERSONAL_IDENTITY_CODE"),  # the rule's id
        ("henkilotunnus", "FI_PERSONAL_IDENTITY_CODE"),
        ("FI_PERSONAL_IDENTITY_COD", "FI_PERSONAL_IDENTITY_CODE"),
        ("emial", "EMAIL_ADDRESS"),
        ("EMAIL", "EMAIL_ADDRESS"),
        ("puhelin", "PHONE_NUMBER"),
        ("PHONE", "PHONE_NUMBER"),
        ("y-tunnus", "FI_BUSINESS_ID"),
        ("IBAN", "IBAN_CODE"),
        ("Sähköpostiosoite", "EMAIL_ADDRESS"),  # the entity's Finnish label
    ],
)
def test_an_unknown_entity_gets_the_entity_meant(typed: str, meant: str) -> None:
    with pytest.raises(UsageError) as raised:
        RULES.select(only=[typed])
    assert f"unknown entity {typed.upper()}; did you mean {meant}" in str(raised.value)
    assert close_matches(typed, RULES.entities, RULES.aliases())[0] == meant


def test_several_unknown_entities_and_one_nobody_meant() -> None:
    with pytest.raises(UsageError) as raised:
        RULES.select(only=["EMAIL_ADDRESS", "HETU"], exclude=["xyzzy"])
    message = str(raised.value)
    assert message.startswith("unknown entities HETU (did you mean FI_PERSONAL_IDENTITY_CODE?), XYZZY; known entities:")
    assert "PHONE_NUMBER" in message  # with a name nothing is close to, the list of known entities


def test_an_alias_two_entities_share_suggests_neither_by_itself() -> None:
    aliases = RULES.aliases()
    for alias, entity in aliases.items():
        names = {
            r.id: {r.id, r.dsar_identifier, *(n for _, n in r.label), *(" ".join(p) for p in r.names.phrases)}
            for r in RULES
        }
        owners = {r.entity for r in RULES if alias in names[r.id]}
        assert owners == {entity}, alias


def test_the_cli_suggests_for_only_and_except(sample_dir: Path) -> None:
    for option in ("--only", "--except"):
        run = CliRunner().invoke(main, ["scan", str(sample_dir / "crm_contacts.csv"), option, "HETU", "-q"])
        assert run.exit_code == 2
        assert "unknown entity HETU; did you mean FI_PERSONAL_IDENTITY_CODE?" in run.output


@pytest.mark.parametrize(("typed", "meant"), [("entrak", "entrack"), ("ENTRACK", "entrack"), ("enteri", "entteri")])
def test_an_unknown_declaration_name_gets_the_shipped_one(typed: str, meant: str) -> None:
    with pytest.raises(ConfigError, match=rf"no such declaration file or shipped declaration; did you mean {meant}\?"):
        load_declaration(typed)


def test_a_mistyped_declaration_file_gets_the_file_beside_it(tmp_path: Path) -> None:
    (tmp_path / "tietosuojaseloste.yaml").write_text("version: 1\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"did you mean .*tietosuojaseloste\.yaml\?"):
        load_declaration(tmp_path / "tietosuojaselose.yaml")
    with pytest.raises(ConfigError, match="cannot read declaration"):  # nothing close: the plain error
        load_declaration(tmp_path / "xyzzy.yaml")
    assert load_declaration("entrack").controller["name"]  # a shipped name still loads


def test_the_cli_suggests_a_declaration(sample_dir: Path) -> None:
    run = CliRunner().invoke(main, ["scan", str(sample_dir / "crm_contacts.csv"), "--declaration", "entrak", "-q"])
    assert run.exit_code == 2
    assert "entrak: no such declaration file or shipped declaration; did you mean entrack?" in run.output


def test_a_mistyped_command_is_refused() -> None:
    # click (8.1 to 8.3 at least) suggests close option names ("No such option '--ful'. Did you mean --full?") but
    # not command names: `pdscan scna` says only "No such command 'scna'". A suggestion there belongs to the CLI's
    # group class (pdscan/cli/main.py), not to this module.
    run = CliRunner().invoke(main, ["scna"])
    assert run.exit_code == 2
    assert "No such command 'scna'" in run.output
    run = CliRunner().invoke(main, ["scan", "--ful"])
    assert "Did you mean" in run.output or "did you mean" in run.output
