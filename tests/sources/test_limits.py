"""Issue 23: the known hostile files, each beside a good CSV whose findings must survive the scan of the folder."""

from __future__ import annotations

import email.utils
import os
import stat
from pathlib import Path

import pytest

from pdscan.engines.options import ScanOptions
from pdscan.errors import SourceError
from pdscan.model import ScanResult
from pdscan.scan import scan
from pdscan.sources import open_source
from pdscan.sources.base import Limits, ReadOptions, SourceOptions, Table

pytestmark = pytest.mark.slow

GOOD = "nimi;sahkoposti\nMatti Virtanen;matti.virtanen@example.fi\nLiisa Korhonen;liisa.korhonen@example.fi\n"


def _nested_mail(parts: int) -> bytes:
    body = "hello"
    for i in range(parts):
        body = f'Content-Type: multipart/mixed; boundary="b{i}"\n\n--b{i}\n{body}\n--b{i}--\n'
    return f"From: a@example.fi\nDate: {email.utils.formatdate()}\nSubject: x\n{body}".encode()


CASES: dict[str, tuple[str | bytes, bytes, str | None]] = {
    # name: (file name, bytes, a word of the error reason or None when the file is read)
    "brackets": ("bad.json", b"[" * 100_000, "PDSCAN_JSON_MAX_DEPTH"),
    "keys": (
        "bad.json",
        ("{" + ",".join(f'"k{i}":"v"' for i in range(100_000)) + "}").encode(),
        "PDSCAN_JSON_MAX_KEYS",
    ),
    "jsonl": ("bad.jsonl", b'{"a":' * 10_000 + b"1" + b"}" * 10_000 + b"\n", "PDSCAN_JSON_MAX_DEPTH"),
    "field": ("bad.csv", b"a;b\n" + b"x" * 300_000 + b";y\n", None),
    "long line": ("bad.txt", b"word " * 2_000_000, None),
    "bytes name": (b"bad\xff\xfe.csv", b"a;b\n1;2\n", None),
    "mime": ("bad.eml", _nested_mail(1500), "PDSCAN_MAIL_MAX_PARTS"),
}


def _scan(folder: Path) -> ScanResult:
    return scan([str(folder)], ScanOptions())


@pytest.mark.parametrize("case", list(CASES))
def test_a_hostile_file_costs_only_itself(tmp_path: Path, case: str) -> None:
    name, data, error = CASES[case]
    (tmp_path / "good.csv").write_text(GOOD, encoding="utf-8")
    with open(os.path.join(os.fsencode(tmp_path), name if isinstance(name, bytes) else name.encode()), "wb") as f:
        f.write(data)
    result = _scan(tmp_path)
    good = [f for f in result.findings if f.location.file == f"{tmp_path}/good.csv"]
    assert {f.entity for f in good} >= {"EMAIL_ADDRESS"}
    bad = [e for e in result.errors if e.location is not None and "bad" in (e.location.file or "")]
    if error is None:
        assert bad == []
    else:
        assert len(bad) == 1 and error in bad[0].reason, bad
    result.to_dict()  # every name in the report is valid text
    str(result.to_dict()).encode("utf-8")


def test_a_long_line_is_read_in_pieces(tmp_path: Path) -> None:
    (tmp_path / "long.txt").write_bytes(b"word " * 200_000 + b"\nmatti.virtanen@example.fi\n")
    result = _scan(tmp_path)
    (table,) = result.tables
    assert any("read in pieces" in note for note in table.notes)
    assert any(f.entity == "EMAIL_ADDRESS" for f in result.findings)


def test_a_jsonl_line_past_the_limit_is_skipped_in_pieces(tmp_path: Path) -> None:
    long = b'{"x":"' + b"y" * 5000 + b'"}\n'
    (tmp_path / "a.jsonl").write_bytes(b'{"email":"matti@example.fi"}\n' + long + b'{"email":"liisa@example.fi"}\n')
    (tmp_path / "b.jsonl").write_bytes(long * 3)
    tables = {
        t.location.file: t
        for t in open_source(str(tmp_path), SourceOptions(limits=Limits(json_max_line=1000))).tables()
    }
    a, b = tables[f"{tmp_path}/a.jsonl"], tables[f"{tmp_path}/b.jsonl"]
    assert isinstance(a, Table) and isinstance(b, Table)
    assert sum(batch.num_rows for batch in a.batches(ReadOptions())) == 2  # the lines on either side of the long one
    assert a.info.notes == ["1 lines longer than 1,000 bytes skipped (PDSCAN_JSON_MAX_LINE)"]
    with pytest.raises(SourceError) as raised:
        list(b.batches(ReadOptions()))
    assert "every line is longer than 1,000 bytes (raise PDSCAN_JSON_MAX_LINE" in raised.value.reason


def test_limits_are_settings(tmp_path: Path) -> None:
    (tmp_path / "deep.json").write_bytes(b'[{"a":' * 5 + b'"x"' + b"}]" * 5)
    (table,) = list(open_source(str(tmp_path), SourceOptions(limits=Limits(json_max_depth=4))).tables())
    assert isinstance(table, Table)
    with pytest.raises(SourceError) as raised:
        list(table.batches(ReadOptions()))
    assert "limit 4 (raise it with PDSCAN_JSON_MAX_DEPTH=N" in raised.value.reason
    (table,) = list(open_source(str(tmp_path), SourceOptions(limits=Limits(json_max_depth=20))).tables())
    assert isinstance(table, Table)
    assert sum(batch.num_rows for batch in table.batches(ReadOptions())) == 1


def test_every_file_met_is_accounted_for(tmp_path: Path) -> None:
    (tmp_path / "good.csv").write_text(GOOD, encoding="utf-8")
    (tmp_path / "crm.sqlite").write_bytes(b"SQLite format 3\x00" + bytes(100))
    (tmp_path / "data.gz").write_bytes(b"\x1f\x8b")
    (tmp_path / "notes.bin").write_bytes(b"x")
    os.mkfifo(tmp_path / "pipe.csv")
    os.symlink("loop.csv", tmp_path / "loop.csv")
    (tmp_path / "sub").mkdir()
    os.symlink("..", tmp_path / "sub" / "up")
    result = _scan(tmp_path)
    skipped = {s.path.removeprefix(f"{tmp_path}/"): s.reason for s in result.skipped}
    assert "SQLite database" in skipped["crm.sqlite"]
    assert "inner extension" in skipped["data.gz"]
    assert skipped["notes.bin"] == "unsupported file type '.bin'"
    assert "named pipe" in skipped["pipe.csv"]
    assert "loop" in skipped["loop.csv"]
    assert "loop" in skipped["sub/up"]
    assert stat.S_ISFIFO(os.stat(tmp_path / "pipe.csv").st_mode)
    assert result.to_dict()["skipped"] and result.to_dict()["schema_version"] == 1
    assert ScanResult.from_dict(result.to_dict()).skipped == result.skipped
