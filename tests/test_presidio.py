"""pdscan's rules inside presidio's own AnalyzerEngine, with a tiny spaCy pipeline the test builds."""

from __future__ import annotations

from pathlib import Path

import pytest

spacy = pytest.importorskip("spacy", reason="presidio interop needs the presidio extra")
presidio_analyzer = pytest.importorskip("presidio_analyzer", reason="presidio interop needs the presidio extra")

from presidio_analyzer import AnalyzerEngine, RecognizerRegistry  # noqa: E402
from presidio_analyzer.nlp_engine import SpacyNlpEngine  # noqa: E402

from pdscan.presidio import add_to, recognizers  # noqa: E402


@pytest.fixture(scope="module")
def analyzer(tmp_path_factory: pytest.TempPathFactory) -> AnalyzerEngine:
    model = tmp_path_factory.mktemp("blank_fi")
    spacy.blank("fi").to_disk(model)  # no statistical model can be downloaded here: a blank Finnish pipeline
    engine = SpacyNlpEngine(models=[{"lang_code": "fi", "model_name": str(model)}])
    registry = RecognizerRegistry(recognizers=[], supported_languages=["fi"])
    analyzer = AnalyzerEngine(registry=registry, nlp_engine=engine, supported_languages=["fi"])
    add_to(analyzer, language="fi")
    return analyzer


def _found(analyzer: AnalyzerEngine, text: str) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for result in analyzer.analyze(text, language="fi"):
        out.setdefault(result.entity_type, []).append(text[result.start : result.end])
    return out


def test_every_value_rule_becomes_a_recognizer() -> None:
    names = {r.name for r in recognizers()}
    assert {"pdscan:fi-hetu", "pdscan:fi-business-id", "pdscan:phone", "pdscan:person", "pdscan:email"} <= names


def test_finnish_text_through_presidio(analyzer: AnalyzerEngine) -> None:
    text = (
        "Soita Matille numeroon 040 123 4567. Henkilötunnus 131052-308T, väärä 131052-308X. "
        "Y-tunnus 2077474-0, tili FI21 1234 5600 0007 85, osoite Mannerheimintie 12 A 3, 00100 Helsinki."
    )
    found = _found(analyzer, text)
    assert found["PHONE_NUMBER"] == ["040 123 4567"]
    assert found["FI_PERSONAL_IDENTITY_CODE"] == ["131052-308T"]  # the wrong check character is rejected
    assert found["FI_BUSINESS_ID"] == ["2077474-0"]
    assert found["IBAN_CODE"] == ["FI21 1234 5600 0007 85"]
    assert found["PERSON"] == ["Matille"]
    assert found["STREET_ADDRESS"] == ["Mannerheimintie 12 A 3, 00100 Helsinki"]


def test_validator_confirmation_scores_high_and_explains(analyzer: AnalyzerEngine) -> None:
    results = analyzer.analyze("HETU 131052-308T", language="fi", return_decision_process=True)
    hetu = next(r for r in results if r.entity_type == "FI_PERSONAL_IDENTITY_CODE")
    assert hetu.score == 1.0
    assert hetu.analysis_explanation.validation_result is True
    assert hetu.analysis_explanation.recognizer == "pdscan:fi-hetu"


def test_context_words_raise_a_weak_match(analyzer: AnalyzerEngine) -> None:
    bare = analyzer.analyze("koodi 00100", language="fi")
    near = analyzer.analyze("postinumero 00100", language="fi")
    score = {r.entity_type: r.score for r in near}
    assert score["FI_POSTAL_CODE"] > max((r.score for r in bare if r.entity_type == "FI_POSTAL_CODE"), default=0)


def test_model_path_is_real(tmp_path: Path) -> None:
    # The loading code is presidio's own: a model name or a path on disk, as spaCy accepts.
    spacy.blank("fi").to_disk(tmp_path / "m")
    engine = SpacyNlpEngine(models=[{"lang_code": "fi", "model_name": str(tmp_path / "m")}])
    engine.load()
    assert engine.is_loaded()
