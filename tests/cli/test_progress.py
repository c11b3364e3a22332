"""Issue 24: on a terminal the progress bar counts files against a background count, for a percentage and time left."""

from __future__ import annotations

import io
import threading
from pathlib import Path

import pytest

from pdscan.cli import progress as progress_module
from pdscan.cli.progress import count_files, progress_for
from pdscan.engines.options import ScanOptions
from pdscan.scan import scan


def test_count_files_counts_what_the_walker_reads(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / ".git").mkdir()
    for name in ("a/1.csv", "a/2.csv", "3.xlsx", ".hidden.csv", ".git/x"):
        (tmp_path / name).write_text("x")
    single = tmp_path / "3.xlsx"
    assert count_files([str(tmp_path)], threading.Event()) == 3
    assert count_files([str(tmp_path), str(single), "postgresql://db/crm"], threading.Event()) == 5
    stopped = threading.Event()
    stopped.set()
    assert count_files([str(tmp_path)], stopped) == 0  # the scan ended first: the count gives up at once


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_the_bar_shows_files_done_of_the_total(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for i in range(3):
        (tmp_path / f"{i}.csv").write_text("email\nmatti.virtanen@example.fi\n")
    terminal = _Terminal()
    monkeypatch.setattr(progress_module.sys, "stderr", terminal)
    with progress_for(False, [str(tmp_path)]) as callbacks:
        scan([str(tmp_path)], ScanOptions(), progress=callbacks)
    shown = terminal.getvalue()
    assert "files" in shown and "rows" in shown
    assert "%" in shown  # the count finished: a percentage, not a spinner alone
