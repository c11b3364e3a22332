"""Optional NER: the real loading code (spaCy model by name or path, through presidio), exercised with a tiny
pipeline the test builds, since no statistical model can be downloaded here."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

spacy = pytest.importorskip("spacy", reason="NER needs the presidio extra")
pytest.importorskip("presidio_analyzer", reason="NER needs the presidio extra")

from pdscan.cli.main import main  # noqa: E402
from pdscan.detect.rules import load_rules  # noqa: E402
from pdscan.detect.ruletest import check_examples  # noqa: E402


@pytest.fixture(scope="module")
def tiny_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A blank Finnish pipeline whose entity ruler knows a few names and places, saved like a real model."""
    nlp = spacy.blank("fi")
    ruler = nlp.add_pipe("entity_ruler")
    ruler.add_patterns(
        [
            {"label": "PER", "pattern": [{"TEXT": "Xandor"}, {"TEXT": "Zqwerty"}]},
            {"label": "LOC", "pattern": "Rovaniemelle"},
            {"label": "LOC", "pattern": "Kittilässä"},
        ]
    )
    path = tmp_path_factory.mktemp("tiny_fi_model")
    nlp.to_disk(path)
    return path


@pytest.fixture()
def notes_csv(tmp_path: Path) -> Path:
    path = tmp_path / "palaute.csv"
    rows = ["palaute"] + [
        "Asiakas Xandor Zqwerty muutti Rovaniemelle viime keväänä.",
        "Tapasimme Kittilässä messujen jälkeen ja sovimme jatkosta.",
        "Toimitus saapui ajallaan ja kaikki oli kunnossa.",
    ] * 5
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


def _scan(*args: str) -> dict[str, set[str]]:
    result = CliRunner().invoke(main, ["scan", *args, "-f", "json", "-q"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    out: dict[str, set[str]] = {}
    for finding in report["findings"]:
        out.setdefault(finding["entity"], set()).update(finding["samples"])
    return out


def test_ner_finds_names_and_places_the_lexicon_cannot(tiny_model: Path, notes_csv: Path) -> None:
    without = _scan(str(notes_csv))
    assert "LOCATION" not in without and "PERSON" not in without  # Xandor Zqwerty is in no lexicon
    found = _scan(str(notes_csv), "--ner", str(tiny_model))
    assert "LOCATION" in found and "PERSON" in found
    assert found["PERSON"] == {"X*** Z***"}  # masked like every sample


def test_missing_model_is_a_clear_usage_error(notes_csv: Path) -> None:
    result = CliRunner().invoke(main, ["scan", str(notes_csv), "--ner", "xx_no_such_model"])
    assert result.exit_code == 2
    assert "spaCy model 'xx_no_such_model' not found" in result.stderr


def test_location_rule_examples_with_a_model(tiny_model: Path) -> None:
    rules = load_rules()
    location = next(r for r in rules if r.id == "location")
    results = check_examples(location, rules, ner_model=str(tiny_model))
    assert results and all(r.passed for r in results), results
