"""Subject-aware declared vs found: a declaration's categories apply to its subject groups, a location belongs to a
group by the declaration's `systems` globs or by its name (shown as inferred), and a category declared for other
groups is a gap of its own, "declared only for employees: undeclared for customers", in every report format."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from pdscan.cli.main import main
from pdscan.compliance.declaration import load_declaration
from pdscan.compliance.subjects import subject_of
from pdscan.model import Finding, Location

HETUS = ["131052-308T", "010203A123F", "311299-9872", "120464-126J", "230581-042P"]
DECLARATION = {
    "version": 1,
    "controller": {"name": "Esimerkki Oy", "contact": "tietosuoja@esimerkki.example"},
    "subjects": [
        {"id": "employees", "name": "Työntekijät", "source": "Käsittelemme työntekijöiden tietoja."},
        {"id": "subscribers", "name": "Uutiskirjeen tilaajat", "source": "Käsittelemme tilaajien tietoja."},
    ],
    "categories": [
        {"name": "henkilötunnus", "keys": ["user.government_id.national_identification_number"],
         "subjects": ["employees"], "source": "Työntekijöistä käsittelemme henkilötunnuksen palkanmaksua varten."},
        {"name": "nimi ja sähköpostiosoite", "keys": ["user.name", "user.contact.email"],
         "source": "Käsittelemme nimiä ja sähköpostiosoitteita."},
    ],
    "systems": [{"match": "*/postitus/*", "subject": "subscribers"}],
}  # fmt: skip


@pytest.fixture
def estate(tmp_path: Path) -> tuple[Path, Path]:
    (tmp_path / "henkilosto").mkdir()
    (tmp_path / "postitus").mkdir()
    rows = "\n".join(f"{h};matti{i}@example.fi" for i, h in enumerate(HETUS))
    (tmp_path / "henkilosto" / "palkat.csv").write_text("henkilotunnus;sahkoposti\n" + rows + "\n", encoding="utf-8")
    (tmp_path / "postitus" / "lista.csv").write_text("henkilotunnus;sahkoposti\n" + rows + "\n", encoding="utf-8")
    declaration = tmp_path / "notice.yaml"
    declaration.write_text(yaml.safe_dump(DECLARATION, allow_unicode=True), encoding="utf-8")
    return tmp_path, declaration


def _report(estate: tuple[Path, Path], fmt: str) -> str:
    root, declaration = estate
    result = CliRunner().invoke(main, ["scan", str(root / "henkilosto"), str(root / "postitus"),
                                       "--declaration", str(declaration), "-f", fmt, "-q"])  # fmt: skip
    assert result.exit_code == 0, result.output  # findings, but --fail-on is never by default
    return result.stdout


def test_json_names_the_group_and_the_groups_declared_for(estate: tuple[Path, Path]) -> None:
    report = json.loads(_report(estate, "json"))
    gaps = report["compliance"]["undeclared"]
    assert len(gaps) == 1  # the payroll file's HETUs are declared (for employees); the mailing list's are not
    gap = gaps[0]
    assert gap["key"] == "user.government_id.national_identification_number"
    assert gap["subject"] == "Uutiskirjeen tilaajat" and gap["declared_for"] == ["Työntekijät"]
    assert gap["reason"] == "declared only for Työntekijät: undeclared for Uutiskirjeen tilaajat"
    assert [loc["subject_from"] for loc in gap["locations"]] == ["systems: */postitus/*"]
    found = report["compliance"]["found_declared"]
    hetu = next(c for c in found if c["name"] == "henkilötunnus")
    assert [loc["subject_from"] for loc in hetu["locations"]] == ["inferred from the name 'henkilosto'"]


@pytest.mark.parametrize("fmt", ["text", "markdown", "html"])
def test_every_report_says_declared_only_for(estate: tuple[Path, Path], fmt: str) -> None:
    out = _report(estate, fmt)
    if fmt == "text":
        assert "for Uutiskirjeen tilaajat: declared only for Työntekijät" in " ".join(out.split())
    else:
        assert "Declared only for Työntekijät: undeclared for Uutiskirjeen tilaajat" in out
        assert "systems: */postitus/*" in out


def test_inference_needs_one_declared_group(tmp_path: Path) -> None:
    path = tmp_path / "d.yaml"
    path.write_text(yaml.safe_dump({**DECLARATION, "systems": []}, allow_unicode=True), encoding="utf-8")
    declaration = load_declaration(path)

    def finding(file: str) -> Finding:
        return Finding("s", Location(file=file, column="c"), "EMAIL_ADDRESS", [], "high", 1.0, 1, 1, 1, [], [])

    assert subject_of(finding("exports/henkilosto_2024.csv"), declaration) == (
        "employees", "inferred from the name 'henkilosto'"
    )  # fmt: skip
    assert subject_of(finding("exports/uutiskirje.csv"), declaration)[0] == "subscribers"
    assert subject_of(finding("exports/asiakkaat.csv"), declaration) == (None, None)  # customers are not declared
    assert subject_of(finding("henkilosto/uutiskirje.csv"), declaration) == (None, None)  # two groups: no answer


def test_systems_must_name_a_declared_group(tmp_path: Path) -> None:
    from pdscan.errors import ConfigError

    path = tmp_path / "d.yaml"
    bad = {**DECLARATION, "systems": [{"match": "crm/*", "subject": "customers"}]}
    path.write_text(yaml.safe_dump(bad, allow_unicode=True), encoding="utf-8")
    with pytest.raises(ConfigError, match=r"systems\[0\]\.subject"):
        load_declaration(path)


@pytest.mark.parametrize("spelling", ["relative", "dot", "absolute"])
def test_a_relative_glob_matches_however_the_path_was_given(
    estate: tuple[Path, Path], spelling: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    root, declaration = estate
    data = {**DECLARATION, "systems": [{"match": "postitus/*", "subject": "subscribers"}]}
    declaration.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    monkeypatch.chdir(root)
    path = {"relative": "postitus", "dot": "./postitus", "absolute": str(root / "postitus")}[spelling]
    result = CliRunner().invoke(main, ["scan", path, "--declaration", str(declaration), "-f", "json", "-q"])
    gaps = json.loads(result.stdout)["compliance"]["undeclared"]
    assert [g["subject"] for g in gaps] == ["Uutiskirjeen tilaajat"]
    assert gaps[0]["locations"][0]["subject_from"] == "systems: postitus/*"
