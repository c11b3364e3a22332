"""CI installs pdscan non-editable: the tests must then run against the wheel, with rules/ inside it."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

import pdscan
from pdscan.detect.rules import builtin_rules_dir, load_rules

INSTALLED = os.environ.get("PDSCAN_EXPECT_INSTALLED") == "1"


@pytest.mark.skipif(not INSTALLED, reason="only meaningful on a non-editable install (CI sets PDSCAN_EXPECT_INSTALLED)")
def test_rules_ship_inside_the_installed_package() -> None:
    package_dir = Path(pdscan.__file__).resolve().parent
    assert "site-packages" in package_dir.parts, f"tests import pdscan from {package_dir}, not the wheel"
    assert builtin_rules_dir() == package_dir / "rules"
    shipped = {p.name for p in builtin_rules_dir().glob("*.yaml")}
    in_repo = {p.name for p in (Path(__file__).resolve().parent.parent / "rules").glob("*.yaml")}
    assert shipped == in_repo


def test_every_rule_file_loads() -> None:
    rules = load_rules()
    assert len(rules) == len(list(builtin_rules_dir().glob("*.y*ml")))
