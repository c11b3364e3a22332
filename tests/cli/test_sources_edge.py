"""Issue 23: sources named on the command line. Malformed database URLs are parsed once, at the edge, and never
echoed (exit 2, one line naming the URL masked, the password nowhere: not in stdout, stderr, files or folder
names); a source that does not exist or cannot be opened stops the run before anything is scanned."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from pdscan.cli.main import main
from pdscan.errors import UNPARSABLE_URL, UrlError
from pdscan.sources.sql import parse_url

SECRET = "hunter2xyz"

# Each of these leaked the password, printed a traceback, or was taken as a file path before.
MALFORMED = [
    f"postgresql:/user:{SECRET}@host/db",  # one-slash typo
    f"postgresql:/user:{SECRET}@host:5432/db",
    f"mysql+pymysql:/user:{SECRET}@host/db",
    f"postgresql:user:{SECRET}@host/db",  # no slash at all
    f"postgres:user:{SECRET}@host/db",
    f"postgresql:///user:{SECRET}@host/db",  # three slashes
    f"postgresql://u:{SECRET}@host:99999/db",  # port out of range
    f"postgresql://u:{SECRET}@host:0/db",
    f"postgresql://u:{SECRET}@host:abc/db",  # port not a number
    f"postgresql://u:{SECRET}@host:-1/db",
    f"postgresql://u:{SECRET}@:5432/db",  # a port, no host
    f"postgresx://u:{SECRET}@h/db",  # unknown driver
    f"nosuchdb+driver://u:{SECRET}@h/db",
    f"postgresql://u:{SECRET}@h /db",  # stray characters
    f"postgresql://u:{SECRET} @h/db",
    f"postgresql://u:{SECRET}@h/db\n",
    f"postgresql://u:{SECRET}@h/d\tb",
    f"postgresql://u:{SECRET}\x00@h/db",
    f"postgresql://u@h:99999/db?password={SECRET}",  # secret in the query
    f"postgresql://u@h:0/db?password={SECRET}&sslmode=require",
    f"mysql+pymysql://u@h:70000/db?passwd={SECRET}",
    f"postgresql://u:{SECRET[:4]}@{SECRET[4:]}@h/db",  # '@' in the password, unescaped
    f"postgresql://u:{SECRET}@@h/db",
    f"postgresql://u:@{SECRET}@h/db",
    f"postgresql://u:{SECRET[:4]}:{SECRET[4:]}@h:99999/db",  # ':' in the password
    f"postgresql://u:{SECRET[:4]}/{SECRET[4:]}@h:99999/db",  # '/' in the password
    f"postgresql://u:{SECRET}%@h:99999/db",  # '%' in the password
    f"postgresql://u:{SECRET}%zz@h:99999/db",
    f"postgresql://u:{SECRET}%40x@h:99999/db",  # URL-encoded password
    "postgresql://u:%68%75%6e%74%65%72%32%78%79%7a@h:99999/db",  # the whole password URL-encoded
    f"postgresql://u/p:{SECRET}@h/db",  # slash in the user part
    f"postgresql://u:{SECRET}",  # no '@' at all: the password reads as a port
    f"postgresql://u:{SECRET}/db",
    f"postgresql://u:{SECRET}@[::1/db",  # broken IPv6 host
    f"s3://key:{SECRET}@bucket:99999/x",  # object store with a bad port
]
# With --inventory too: the inventory URL itself malformed (the directory named after the password, before).
INVENTORY_CASES = [MALFORMED[0], MALFORMED[6], MALFORMED[11], MALFORMED[21]]


def _files_under(root: Path) -> list[str]:
    return [str(p.relative_to(root)) for p in root.rglob("*")]


def _assert_clean(code: int, out: str, err: str, root: Path) -> None:
    assert code == 2, (code, out, err)
    assert "Traceback" not in out + err
    assert SECRET not in out and SECRET not in err
    for name in _files_under(root):
        assert SECRET not in name and SECRET[:4] not in name
        path = root / name
        if path.is_file():
            assert SECRET not in path.read_text(errors="replace")


def test_there_are_enough_malformed_urls() -> None:
    assert len(MALFORMED) >= 30


@pytest.mark.parametrize("url", MALFORMED, ids=range(len(MALFORMED)))
def test_a_malformed_url_is_one_masked_line_and_exit_2(
    url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["scan", "-q", url])
    _assert_clean(result.exit_code, result.stdout, result.stderr, tmp_path)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("Error: ")
    assert ":***@" in lines[0] or "=***" in lines[0] or UNPARSABLE_URL in lines[0]
    assert result.stdout == ""  # stopped before anything was scanned: no report


@pytest.mark.parametrize("url", INVENTORY_CASES)
def test_a_malformed_url_with_inventory_creates_nothing(
    url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "a.csv").write_text("email\nmatti@example.fi\n")
    runner = CliRunner()
    as_source = runner.invoke(main, ["scan", "-q", url, "--inventory", str(tmp_path / "inv.sqlite")])
    _assert_clean(as_source.exit_code, as_source.stdout, as_source.stderr, tmp_path)
    assert not (tmp_path / "inv.sqlite").exists()  # the run never started
    # The URL given as the inventory (--inventory takes the next word): never a path, never a folder.
    as_inventory = runner.invoke(main, ["scan", "-q", "a.csv", "--inventory", url])
    _assert_clean(as_inventory.exit_code, as_inventory.stdout, as_inventory.stderr, tmp_path)
    assert sorted(_files_under(tmp_path)) == ["a.csv"]
    history = runner.invoke(main, ["history", "--inventory", url])
    _assert_clean(history.exit_code, history.stdout, history.stderr, tmp_path)


@pytest.mark.parametrize("url", [MALFORMED[0], MALFORMED[8], MALFORMED[11], MALFORMED[21], MALFORMED[31]])
def test_a_malformed_url_in_a_subprocess(url: str, tmp_path: Path) -> None:
    run = subprocess.run(
        [sys.executable, "-m", "pdscan.cli.main", "scan", url, "--inventory"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "PDSCAN_INVENTORY": str(tmp_path / "inv.sqlite")},
    )
    _assert_clean(run.returncode, run.stdout, run.stderr, tmp_path)
    assert len(run.stderr.strip().splitlines()) == 1, run.stderr


@pytest.mark.parametrize("url", MALFORMED[:-1])
def test_parse_url_raises_a_typed_error_that_never_quotes_the_url(url: str) -> None:
    with pytest.raises(UrlError) as caught:
        parse_url(url)
    assert SECRET not in str(caught.value)
    # Nothing chained that a traceback could print: the parser's own message quotes the URL.
    assert caught.value.__cause__ is None
    assert caught.value.__context__ is None or caught.value.__suppress_context__


def test_parse_url_keeps_good_urls_and_masks_them() -> None:
    parsed = parse_url(f"postgresql://scanner:{SECRET[:4]}%40{SECRET[4:]}@db.example:5432/crm")
    assert parsed.password == f"{SECRET[:4]}@{SECRET[4:]}"
    assert parsed.port == 5432
    with pytest.raises(UrlError, match=r"^postgresql://scanner:\*\*\*@db.example:99999/crm: port out of range"):
        parse_url(f"postgresql://scanner:{SECRET}@db.example:99999/crm")


def test_a_missing_source_stops_the_run_before_anything_is_scanned(tmp_path: Path) -> None:
    (tmp_path / "a.csv").write_text("email\nmatti@example.fi\n")
    runner = CliRunner()
    result = runner.invoke(main, ["scan", "-q", str(tmp_path / "a.csv"), str(tmp_path / "missing.csv")])
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.strip() == f"Error: {tmp_path / 'missing.csv'}: no such file or directory"


def test_keep_going_scans_the_others_and_still_exits_2(tmp_path: Path) -> None:
    (tmp_path / "a.csv").write_text("email\nmatti@example.fi\n")
    runner = CliRunner()
    args = ["scan", "-q", "--keep-going", str(tmp_path / "missing.csv"), f"postgresql:/u:{SECRET}@h/db"]
    result = runner.invoke(main, [*args, str(tmp_path / "a.csv"), "--format", "json"])
    assert result.exit_code == 2
    assert len(result.stderr.strip().splitlines()) == 2
    assert SECRET not in result.stdout + result.stderr
    assert "EMAIL_ADDRESS" in result.stdout  # the good source was scanned
    text = runner.invoke(main, ["scan", "-q", "--keep-going", str(tmp_path / "missing.csv"), str(tmp_path)])
    assert text.exit_code == 2


def test_no_personal_data_found_only_when_everything_was_read(tmp_path: Path) -> None:
    (tmp_path / "a.csv").write_text("colour\nred\nblue\n")
    runner = CliRunner()
    clean = runner.invoke(main, ["scan", "-q", str(tmp_path / "a.csv")])
    assert clean.exit_code == 0
    assert "No personal data found in 1 tables." in clean.stdout
    partial = runner.invoke(main, ["scan", "-q", "--keep-going", str(tmp_path / "a.csv"), str(tmp_path / "nope")])
    assert partial.exit_code == 2
    assert "No personal data found in 1 tables." not in partial.stdout
    assert "not everything was read" in partial.stdout


def test_a_bad_file_in_a_folder_keeps_0_and_strict_makes_it_2(tmp_path: Path) -> None:
    folder = tmp_path / "share"
    folder.mkdir()
    (folder / "good.csv").write_text("colour\nred\nblue\n")
    (folder / "bad.xlsx").write_bytes(b"not a spreadsheet at all")
    runner = CliRunner()
    assert runner.invoke(main, ["scan", "-q", str(folder)]).exit_code == 0
    assert runner.invoke(main, ["scan", "-q", "--strict", str(folder)]).exit_code == 2
    (folder / "bad.xlsx").unlink()
    assert runner.invoke(main, ["scan", "-q", "--strict", str(folder)]).exit_code == 0
    (folder / "good.csv").write_text("email\nmatti@example.fi\nliisa@example.fi\n")
    assert runner.invoke(main, ["scan", "-q", "--strict", "--fail-on", "low", str(folder)]).exit_code == 1


@pytest.mark.parametrize(
    "url",
    ["postgresql://pdscan_nobody:{s}@127.0.0.1:1/db", "mysql+pymysql://pdscan_nobody:{s}@127.0.0.1:1/db"],
)
def test_a_database_that_cannot_be_reached_is_one_line(url: str, tmp_path: Path) -> None:
    pytest.importorskip("psycopg" if url.startswith("postgresql") else "pymysql")
    result = CliRunner().invoke(main, ["scan", url.format(s=SECRET)])
    assert result.exit_code == 2
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("Error: ") and ":***@127.0.0.1:1/db: cannot connect: " in lines[0]
    assert SECRET not in result.stderr
    assert "(2003," not in lines[0] and "Errno" not in lines[0]  # not the driver's raw tuple
    assert "No personal data found" not in result.stdout + result.stderr


@pytest.mark.parametrize(
    "url",
    ["postgresql://pdscan_nobody:{s}@127.0.0.1:1/db", "mysql+pymysql://pdscan_nobody:{s}@127.0.0.1:1/db"],
)
def test_an_inventory_that_cannot_be_reached_is_one_line(url: str, tmp_path: Path) -> None:
    pytest.importorskip("psycopg" if url.startswith("postgresql") else "pymysql")
    (tmp_path / "a.csv").write_text("email\nmatti@example.fi\n")
    result = CliRunner().invoke(main, ["scan", "-q", str(tmp_path / "a.csv"), "--inventory", url.format(s=SECRET)])
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: inventory "), result.stderr
    assert SECRET not in result.stdout + result.stderr
    assert "(2003," not in lines[0] and "Errno" not in lines[0]  # not the driver's raw tuple


def test_find_checks_its_sources_before_searching(tmp_path: Path) -> None:
    (tmp_path / "a.csv").write_text("email\nmatti@example.fi\n")
    inventory = f"sqlite:///{tmp_path / 'inv.sqlite'}"
    runner = CliRunner()
    base = ["find", "--email", "matti@example.fi", "--inventory", inventory, "-f", "json"]
    stopped = runner.invoke(main, [*base, str(tmp_path / "a.csv"), str(tmp_path / "missing.csv")])
    assert stopped.exit_code == 2
    assert stopped.stdout == ""  # nothing searched, nothing recorded, no "no row about this person"
    assert stopped.stderr.strip() == f"Error: {tmp_path / 'missing.csv'}: no such file or directory"
    going = runner.invoke(main, [*base, "--keep-going", str(tmp_path / "a.csv"), str(tmp_path / "missing.csv")])
    assert going.exit_code == 2  # the other source was searched, and the run still fails
    assert json.loads(going.stdout)["summary"]["matches"] == 1
    alone = runner.invoke(main, [*base, "--keep-going", str(tmp_path / "missing.csv")])
    assert alone.exit_code == 2 and alone.stdout == ""  # not the inventory's sources instead
