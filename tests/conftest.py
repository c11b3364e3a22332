from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import settings

# Property tests draw the same examples on every run (the seeds are fixed): a failure is the code's, reproducible,
# never a new draw on one CI run.
settings.register_profile("pdscan", derandomize=True)
settings.load_profile("pdscan")

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


# Slow modules mark themselves (`pytestmark = pytest.mark.slow`); these cannot without importing pytest for it.
SLOW_MODULES = {"tests/engines/test_findings_identical.py"}


def pytest_configure(config: pytest.Config) -> None:
    """Fingerprint keys (pdscan.inventory.keys) and caches go to folders of the test run, never the user's own."""
    os.environ["XDG_CONFIG_HOME"] = tempfile.mkdtemp(prefix="pdscan-tests-config-")
    # The built name lexicon is cached there (pdscan.resources.user_cache_dir): the run's own, never the user's.
    os.environ["XDG_CACHE_HOME"] = tempfile.mkdtemp(prefix="pdscan-tests-cache-")
    os.environ.pop("PDSCAN_FINGERPRINT_KEY", None)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """`pytest -m "not slow"` is the fast path the README gives; the full suite (CI) runs everything."""
    for item in items:
        if item.path.relative_to(REPO).as_posix() in SLOW_MODULES:
            item.add_marker(pytest.mark.slow)


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """Print the detection-quality figures measured by test_quality.py."""
    from quality_data import quality_summary

    lines = quality_summary()
    if lines:
        terminalreporter.section("pdscan detection quality")
        for line in lines:
            terminalreporter.write_line(line)
