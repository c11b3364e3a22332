"""Shell completion as the README documents it: click's `_PDSCAN_COMPLETE` protocol on the installed `pdscan`."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


def _pdscan(env: dict[str, str]) -> str:
    script = shutil.which("pdscan", path=str(Path(sys.executable).parent))
    if script is None:
        if os.environ.get("PDSCAN_EXPECT_INSTALLED") == "1":
            pytest.fail("CI installed pdscan, but its console script is missing")
        pytest.skip("the pdscan console script is not installed in this environment")
    run = subprocess.run(
        [script], env={**os.environ, **env}, capture_output=True, text=True, timeout=60, check=False, cwd=REPO
    )
    assert run.returncode == 0, run.stderr
    return run.stdout


@pytest.mark.parametrize(
    ("shell", "marker"),
    [
        ("bash", "complete -o nosort -F _pdscan_completion pdscan"),
        ("zsh", "#compdef pdscan"),
        ("fish", "complete --no-files --command pdscan"),
    ],
)
def test_pdscan_prints_a_completion_script(shell: str, marker: str) -> None:
    script = _pdscan({"_PDSCAN_COMPLETE": f"{shell}_source"})
    assert marker in script
    assert f"_PDSCAN_COMPLETE={shell}_complete" in script
    assert shell in README_SHELLS


def test_completion_offers_commands_options_and_choices() -> None:
    def complete(words: str) -> list[str]:
        cword = len(words.split()) - (0 if words.endswith(" ") else 1)  # the index of the word being completed
        out = _pdscan({"_PDSCAN_COMPLETE": "bash_complete", "COMP_WORDS": words, "COMP_CWORD": str(cword)})
        return [line.split(",", 1)[1] for line in out.splitlines() if "," in line]

    assert "scan" in complete("pdscan sc")
    assert "--fail-on" in complete("pdscan scan --fail")
    assert {"low", "medium", "high"} <= set(complete("pdscan scan --fail-on "))


README_SHELLS = {
    shell
    for shell in ("bash", "zsh", "fish")
    if f"_PDSCAN_COMPLETE={shell}_source pdscan" in (REPO / "README.md").read_text(encoding="utf-8")
}
