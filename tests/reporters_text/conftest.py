"""The sample data scanned once for the text report's tests, with and without a declaration."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from pdscan.model import ScanResult
from pdscan.scan import ScanOptions, scan

REPO = Path(__file__).resolve().parents[2]


@contextmanager
def _in_repo() -> Iterator[None]:
    """Scan `sample_data` by its relative path: the paths a user sees after `pdscan scan sample_data/`."""
    before = Path.cwd()
    os.chdir(REPO)
    try:
        yield
    finally:
        os.chdir(before)


@pytest.fixture(scope="session")
def sample() -> ScanResult:
    with _in_repo():
        return scan(["sample_data"])


@pytest.fixture(scope="session")
def declared() -> ScanResult:
    with _in_repo():
        return scan(["sample_data"], ScanOptions(declaration="entteri"))
