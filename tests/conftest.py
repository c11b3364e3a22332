from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parent.parent
SAMPLE_DATA = REPO / "sample_data"


@pytest.fixture(scope="session")
def sample_dir() -> Path:
    return SAMPLE_DATA


@pytest.fixture(scope="session")
def expected() -> dict[str, Any]:
    """Ground truth of the sample data, written by sample_data/generate.py."""
    data: dict[str, Any] = json.loads((REPO / "tests" / "sample_expected.json").read_text(encoding="utf-8"))
    return data


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """Print the detection-quality figures measured by test_quality.py."""
    from quality_data import quality_summary

    lines = quality_summary()
    if lines:
        terminalreporter.section("pdscan detection quality")
        for line in lines:
            terminalreporter.write_line(line)
