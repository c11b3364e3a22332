"""Results the file reporters (CSV, XLSX, SARIF, JUnit) are tested on: scans of sample_data/ and one made by hand
(reporter_results.py)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from reporter_results import made_up

from pdscan.model import ScanResult
from pdscan.scan import ScanOptions, scan

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture()
def made_up_result() -> ScanResult:
    return made_up()


@pytest.fixture(scope="session")
def sample_result() -> Iterator[ScanResult]:
    """sample_data/ scanned as a user does from the checkout: a relative folder."""
    before = os.getcwd()
    os.chdir(REPO)
    try:
        yield scan(["sample_data"])
    finally:
        os.chdir(before)


@pytest.fixture(scope="session")
def declared_result() -> ScanResult:
    """sample_data/ compared with a shipped declaration: findings carry categories and declared, and a compliance."""
    return scan([str(REPO / "sample_data")], ScanOptions(declaration="entteri"))
