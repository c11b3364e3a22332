"""Issue 23: SIGTERM and SIGHUP end a scan as Ctrl-C does (stored 'interrupted' with what was scanned); a run
left 'running' by a process killed hard is marked 'abandoned' by the next command that opens the inventory."""

from __future__ import annotations

import datetime as dt
import json
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from pdscan.inventory import schema
from pdscan.inventory.store import Inventory

pytestmark = pytest.mark.slow

ROWS = 400_000
SCAN = [sys.executable, "-m", "pdscan.cli.main", "scan"]


@pytest.fixture(scope="module")
def big_csv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("signals") / "big.csv"
    rng = random.Random(23)  # a fixed seed: the same file every run
    with path.open("w", encoding="utf-8") as f:
        f.write("id;sahkoposti;puhelin;kommentti\n")
        for i in range(ROWS):
            f.write(f"{i};user{i}@example.fi;040{rng.randrange(10**7):07d};rivi {i}\n")
    return path


def _start(csv: Path, inventory: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [*SCAN, str(csv), "--full", "--chunk-rows", "2000", "-q", "--inventory", f"sqlite:///{inventory}"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _wait_running(proc: subprocess.Popen[str], inventory: Path, timeout: float = 60.0) -> None:
    """Until the run's 'running' row is committed: the scan has started."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert proc.poll() is None, proc.communicate()
        if inventory.exists():
            try:
                with Inventory(f"sqlite:///{inventory}", upgrade=False) as store:
                    if any(r.status == "running" for r in store.runs()):
                        return
            except Exception:  # noqa: BLE001 - the file exists but the schema is being created
                pass
        time.sleep(0.05)
    raise AssertionError("the scan did not start")


def _history(inventory: Path) -> list[dict[str, object]]:
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "pdscan.cli.main",
            "history",
            "--format",
            "json",
            "--inventory",
            f"sqlite:///{inventory}",
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr
    runs: list[dict[str, object]] = json.loads(run.stdout)["runs"]
    return runs


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGHUP])
def test_sigterm_and_sighup_store_the_run_as_interrupted(big_csv: Path, tmp_path: Path, sig: signal.Signals) -> None:
    inventory = tmp_path / "inv.sqlite"
    proc = _start(big_csv, inventory)
    _wait_running(proc, inventory)
    time.sleep(1.5)  # some batches scanned
    proc.send_signal(sig)
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 2, err  # as an interrupted run
    assert "Traceback" not in err
    assert "interrupted" in err
    with Inventory(f"sqlite:///{inventory}") as store:
        (run,) = store.runs()
        assert run.status == "interrupted"
        assert run.pid == proc.pid
        assert 0 < run.rows_scanned < ROWS  # partial rows kept
        assert store.load(run.id).result.findings  # what was scanned is stored
    assert "user1@example.fi" not in out  # masked samples only


def test_a_killed_run_is_abandoned_by_the_next_command(big_csv: Path, tmp_path: Path) -> None:
    inventory = tmp_path / "inv.sqlite"
    proc = _start(big_csv, inventory)
    _wait_running(proc, inventory)
    proc.kill()
    proc.communicate(timeout=60)
    runs = _history(inventory)
    assert [r["status"] for r in runs] == ["abandoned"]
    assert runs[0]["pid"] == proc.pid and runs[0]["host"]


def test_a_live_run_is_not_abandoned(big_csv: Path, tmp_path: Path) -> None:
    inventory = tmp_path / "inv.sqlite"
    proc = _start(big_csv, inventory)
    try:
        _wait_running(proc, inventory)
        assert [r["status"] for r in _history(inventory)] == ["running"]  # its pid is alive: left alone
    finally:
        proc.terminate()
        proc.communicate(timeout=120)
    assert [r["status"] for r in _history(inventory)] == ["interrupted"]


def test_a_reused_pid_does_not_keep_a_dead_run_running(tmp_path: Path) -> None:
    """A run whose pid now belongs to a process that started after it (pid reuse) is abandoned all the same."""
    inventory = tmp_path / "inv.sqlite"
    sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        with Inventory(f"sqlite:///{inventory}") as store:
            run_id = store.start_run(["x"], {})
            an_hour_ago = dt.datetime.now(dt.timezone.utc) - dt.timedelta(hours=1)
            with store._begin() as conn:  # the dead run's pid, now held by a younger live process
                runs = schema.runs_table
                conn.execute(runs.update().where(runs.c.id == run_id).values(pid=sleeper.pid, started_at=an_hour_ago))
        with Inventory(f"sqlite:///{inventory}") as store:
            assert [r.status for r in store.runs()] == ["abandoned"]
        with Inventory(f"sqlite:///{inventory}") as store:  # the same pid with the run's true start: left alone
            run_id = store.start_run(["x"], {})
            with store._begin() as conn:
                conn.execute(runs.update().where(runs.c.id == run_id).values(pid=sleeper.pid))
        with Inventory(f"sqlite:///{inventory}") as store:
            assert [r.status for r in store.runs()] == ["abandoned", "running"]
    finally:
        sleeper.kill()
        sleeper.communicate()


def _check(inventory: Path) -> list[str]:
    """Open the inventory as the next command would: no run left running, every stored run readable and whole."""
    with Inventory(f"sqlite:///{inventory}") as store:
        runs = store.runs()
        for run in runs:
            assert run.status in ("complete", "interrupted", "failed", "abandoned"), run
            stored = store.load(run.id)
            assert len(stored.result.findings) == run.findings, run
            if run.status in ("failed", "abandoned"):
                assert not stored.result.findings, run
        return [r.status for r in runs]


def test_random_kills_leave_the_inventory_consistent(big_csv: Path, tmp_path: Path) -> None:
    rng = random.Random(2023)  # seeded: the same kill points every run
    inventory = tmp_path / "inv.sqlite"
    statuses: list[str] = []
    for kill in range(20):
        proc = _start(big_csv, inventory)
        if kill % 2:
            time.sleep(rng.uniform(0.0, 2.5))  # at a random time: before, during or after the running row
        else:
            _wait_running(proc, inventory)  # during the scan, whatever the machine's load
            time.sleep(rng.uniform(0.0, 1.0))
        sig = rng.choice([signal.SIGTERM, signal.SIGKILL])
        if proc.poll() is None:
            proc.send_signal(sig)
        _, err = proc.communicate(timeout=120)
        assert "Traceback" not in err, (kill, err)
        assert proc.returncode in (0, 2, -signal.SIGKILL, -signal.SIGTERM), (kill, proc.returncode, err)
        statuses = _check(inventory)  # after every kill, not only the last
    assert statuses, "no run was stored at all"
    # The seeded kill points reach both kinds of ending: a run stopped cleanly and a run killed hard.
    assert "interrupted" in statuses and "abandoned" in statuses, statuses
    assert [r["status"] for r in _history(inventory)] == statuses  # the history command agrees


def test_a_run_ended_as_interrupted_exits_with_2_whatever_signal_follows() -> None:
    """After "interrupted before anything was scanned" the process exits 2: a SIGTERM or Ctrl-C that arrives during
    the last clean-up no longer turns it into death by SIGINT (-2), which a random kill once caught."""
    code = (
        "import os, signal, sys\n"
        "from pdscan.cli.scan import _quiet_exit\n"
        "_quiet_exit()\n"
        "os.kill(os.getpid(), signal.SIGTERM)\n"
        "os.kill(os.getpid(), signal.SIGINT)\n"
        "sys.exit(2)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 2, done.stderr
