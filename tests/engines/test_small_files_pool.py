"""Issue 25: small delimited files read and detected ahead in worker processes
(pdscan.engines.small_tables) give the report a scan in this process gives, byte for byte but the
timings; a file that kills its worker is one error entry and the rest is scanned; a few files start no workers."""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

import pytest
import small_pool_workers

from pdscan.engines import small_tables
from pdscan.engines.options import ScanOptions
from pdscan.engines.small_tables import CRASHED
from pdscan.model import ScanResult
from pdscan.scan import scan
from pdscan.sources.documents import pool

HEADER = ["nimi", "sahkoposti", "puhelin", "henkilotunnus", "kommentti", "summa"]
FIRST = ["Matti", "Liisa", "Juha", "Anna", "Aino", "Eero", "Sanna"]
LAST = ["Virtanen", "Korhonen", "Mäkinen", "Nieminen", "Laine"]
HETUS = ["131052-308T", "010101A123N", "290877-1639", "311280-888Y"]


def _rows(rng: random.Random, count: int) -> list[str]:
    rows = []
    for _ in range(count):
        first, last = rng.choice(FIRST), rng.choice(LAST)
        number = rng.randrange(10**6, 10**7)
        rows.append(
            f"{first} {last};{first.lower()}.{number}@example.fi;040 {number};{rng.choice(HETUS)};"
            f"soitti {rng.choice(['eilen', 'tänään', 'numerosta 050 123 4567'])};{rng.randrange(1000)}"
        )
    return rows


def _folder(root: Path, files: int = 150) -> Path:
    """Many small CSVs, and among them the files a worker leaves to this process: a big one, a broken one, an empty
    one, a header-less text file, and a CSV in Latin-1."""
    rng = random.Random(25)
    root.mkdir()
    for number in range(3):
        (root / f"export_{number:02d}").mkdir()
    for i in range(files):
        folder = root / f"export_{i // 50:02d}"
        lines = [";".join(HEADER), *_rows(rng, rng.randint(3, 30))]
        (folder / f"contacts_{i:04d}.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (root / "export_01" / "contacts_0060_big.csv").write_text(
        "\n".join([";".join(HEADER), *_rows(rng, 1500)]) + "\n", encoding="utf-8"
    )
    (root / "export_01" / "contacts_0061_binary.csv").write_bytes(b"\x00\x01\x02binary\x00" * 20)
    (root / "export_01" / "contacts_0062_empty.csv").write_bytes(b"")
    (root / "export_02" / "contacts_0101_latin1.csv").write_bytes(
        ("nimi;puhelin\nJääskeläinen Öljy;040 7654321\n").encode("latin-1")
    )
    (root / "export_02" / "notes.txt").write_text("Matti Virtanen, puhelin 040 1234567\n", encoding="utf-8")
    return root


def _report(result: ScanResult) -> str:
    out = result.to_dict()
    for key in ("started_at", "finished_at"):
        out.pop(key)
    return json.dumps(out, sort_keys=True, ensure_ascii=False)


def _scan(folder: Path, monkeypatch: pytest.MonkeyPatch, pooled: bool, **options: Any) -> tuple[ScanResult, int]:
    """The scan, with small files read by workers (two, whatever the cores) or none; and the files sent."""
    sent: list[int] = []
    submit = small_tables.SmallTables._submit

    def counting(self: small_tables.SmallTables, chunk: Any) -> None:
        sent.append(len(chunk.jobs))
        submit(self, chunk)

    with monkeypatch.context() as patch:
        patch.setattr(small_tables.SmallTables, "_submit", counting)
        patch.setattr(small_tables, "THRESHOLD", 1 if pooled else 10**9)
        patch.setattr(small_tables, "CHUNK", 16)
        patch.setattr(small_tables, "HERE_FIRST", 5)
        patch.setattr(pool, "processes_for", lambda workers: max(2, workers))
        result = scan([str(folder)], ScanOptions(**options))
    return result, sum(sent)


@pytest.mark.parametrize(
    "options",
    [{"full": True}, {"sample_size": 4}, {"full": True, "workers": 2}],
    ids=["full", "sampled", "threads"],
)
def test_small_files_read_by_workers_give_the_report_read_here_gives(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, options: dict[str, Any]
) -> None:
    folder = _folder(tmp_path / "exports")
    here, none_sent = _scan(folder, monkeypatch, pooled=False, **options)
    workers, sent = _scan(folder, monkeypatch, pooled=True, **options)
    assert none_sent == 0
    assert sent == 150 + 4 - 5  # the small CSVs, the big, the broken, the Latin-1 and the text one; not the empty one
    assert _report(workers) == _report(here)
    assert len(here.tables) == 150 + 4 and here.findings
    errors = {Path(e.location.file).name for e in here.errors if e.location and e.location.file}
    assert errors == {"contacts_0061_binary.csv", "contacts_0062_empty.csv"}


def test_a_few_small_files_start_no_workers(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = _folder(tmp_path / "exports", files=10)
    sent: list[Any] = []
    monkeypatch.setattr(small_tables.SmallTables, "_submit", lambda self, chunk: sent.append(chunk))
    result = scan([str(folder)], ScanOptions(full=True))
    assert sent == [] and len(result.tables) == 10 + 4


def test_a_file_that_kills_its_worker_is_one_error_and_the_others_are_scanned(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = _folder(tmp_path / "exports", files=60)
    crashing = folder / "export_00" / "contacts_0020_kaatuu.csv"
    crashing.write_text(";".join(HEADER) + "\nMatti Virtanen;m@example.fi;040 1234567;131052-308T;x;1\n")
    here, _ = _scan(folder, monkeypatch, pooled=False, full=True)
    monkeypatch.setattr(small_tables, "read_chunk", small_pool_workers.killing_chunk)
    workers, sent = _scan(folder, monkeypatch, pooled=True, full=True)
    assert sent > 0
    name = str(crashing)
    crashed = [e for e in workers.errors if e.reason == CRASHED]
    assert [e.location.file if e.location else None for e in crashed] == [name]
    assert [e for e in workers.errors if e.reason != CRASHED] == here.errors
    assert [t.to_dict() for t in workers.tables if t.location.file != name] == [
        t.to_dict() for t in here.tables if t.location.file != name
    ]
    assert [f.to_dict() for f in workers.findings if f.location.file != name] == [
        f.to_dict() for f in here.findings if f.location.file != name
    ]
    assert any(f.location.file == name for f in here.findings)
    assert not any(f.location.file == name for f in workers.findings)
