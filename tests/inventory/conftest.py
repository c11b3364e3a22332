"""Fixtures of the inventory tests."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from databases import postgres_empty


@pytest.fixture(params=["sqlite", "postgresql"])
def inventory_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An inventory of its own: a SQLite file, and an empty PostgreSQL database (skipped with the reason without the
    test servers)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'inventory.sqlite'}"
    else:
        with postgres_empty() as url:
            yield url
