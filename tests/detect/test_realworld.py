"""Detection on shapes pdscan's authors did not generate: hand-labelled columns from the shapes of real public files
(codes, abbreviations, place, organisation and brand names, log lines, ZIP codes, EAN, GTFS ids) and other projects'
own test vectors (python-stdnum, email-validator, phonenumbers). Regressions below the targets fail the build; the
figures are printed at the end of the run and by bench/bench_accuracy.py."""

from __future__ import annotations

import os

import pytest
from quality_data import REPORT
from realworld import Labelled, columns, precision_recall
from vectors import Score, Unavailable, all_vectors, value_scores

pytestmark = pytest.mark.slow

TARGET = 0.95
# A decoy column (nothing personal expected) must never hold a medium or high finding of these.
NEVER_ON_DECOYS = {"PERSON", "HEALTH_DATA", "PHONE_NUMBER"}


@pytest.fixture(scope="module")
def labelled() -> list[Labelled]:
    return columns()


def test_decoy_columns_hold_no_medium_or_high_person_health_or_phone(labelled: list[Labelled]) -> None:
    loud = {
        c.name: {e: conf for e, conf in c.found.items() if e in NEVER_ON_DECOYS and conf != "low"}
        for c in labelled
        if not c.expect
    }
    assert {name: found for name, found in loud.items() if found} == {}


def test_column_precision_and_recall_per_entity(labelled: list[Labelled]) -> None:
    scores = precision_recall(labelled, "low")
    REPORT["realworld"] = scores
    failing = {e: (round(p, 3), round(r, 3)) for e, (p, r, *_) in scores.items() if p < TARGET or r < TARGET}
    mistakes = [
        f"{c.name}: found {sorted(set(c.found) - c.expect)}, missed {sorted(c.expect - set(c.found))}"
        for c in labelled
        if set(c.found) != c.expect
    ]
    assert failing == {}, mistakes


@pytest.fixture(scope="module")
def vector_scores() -> dict[str, Score]:
    try:
        vectors = all_vectors()
    except Unavailable as exc:
        if os.environ.get("PDSCAN_REQUIRE_SERVICES") == "1":
            pytest.fail(f"the test vectors must be fetched in CI: {exc}")
        pytest.skip(f"other projects' test vectors not reachable: {exc}")
    scores = value_scores(vectors)
    REPORT["vectors"] = scores
    return scores


def test_every_valid_vector_is_found(vector_scores: dict[str, Score]) -> None:
    assert set(vector_scores) == {"IBAN_CODE", "FI_PERSONAL_IDENTITY_CODE", "EMAIL_ADDRESS", "PHONE_NUMBER"}
    assert all(s.valid >= 5 for s in vector_scores.values())  # the vectors really were read
    assert {e: s.misses for e, s in vector_scores.items() if s.misses} == {}


def test_no_invalid_vector_is_accepted(vector_scores: dict[str, Score]) -> None:
    assert all(s.invalid >= 5 for s in vector_scores.values())
    assert {e: s.false for e, s in vector_scores.items() if s.false} == {}
