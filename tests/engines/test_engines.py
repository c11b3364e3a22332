"""Scale-out engines give the local answer: a LocalCluster, a real dask-scheduler with two dask-worker processes,
and Spark's local mode, on the sample data and a generated multi-file lake (Parquet with several row groups, a CSV
big enough to split, a database table split by key ranges). Findings (source, location, entity, counts) must equal
``--engine local --full`` on the same input."""

from __future__ import annotations

import json
import os
import shutil
import socket
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from pdscan.model import ScanResult
from pdscan.scan import Progress, ScanOptions, scan

pytestmark = pytest.mark.slow

pytest.importorskip("distributed", reason="the dask extra is not installed (pip install 'pdscan[dask]')")

REPO = Path(__file__).resolve().parents[2]
SMALL_PARTS = {"partition_rows": 700, "partition_bytes": 40_000}


def _key(result: ScanResult) -> list[tuple[Any, ...]]:
    return sorted(
        (f.source, f.location.display(), f.entity, f.match_count, f.values_scanned, f.rows_scanned, f.confidence)
        for f in result.findings
    )


def _coverage(result: ScanResult) -> dict[str, int]:
    return {t.location.display(with_column=False): t.rows_scanned for t in result.tables}


@pytest.fixture(scope="module")
def lake(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Parquet files of several row groups, a CSV that splits into blocks, a cp1252 export, a SQLite database."""
    sys.path.insert(0, str(REPO / "tests"))
    import random

    from faker import Faker
    from synth import hetu, iban_fi, phone

    root = tmp_path_factory.mktemp("lake")
    fake = Faker("fi_FI")
    Faker.seed(9)
    rng = random.Random(9)
    for part in range(4):
        rows = [
            {
                "asiakas": f"{fake.first_name()} {fake.last_name()}",
                "email": f"asiakas{part}_{i}@example.fi",
                "puhelin": phone(rng) if i % 3 else None,
                "hetu": hetu(rng, fake.date_of_birth(minimum_age=18, maximum_age=90)) if i % 5 == 0 else None,
                "summa": rng.randint(1, 5000),
                "viesti": f"Soita {phone(rng)} ennen kahta" if i % 7 == 0 else "Ei huomioita",
            }
            for i in range(2500)
        ]
        (root / "parquet").mkdir(exist_ok=True)
        pq.write_table(pa.Table.from_pylist(rows), root / "parquet" / f"part-{part:03d}.parquet", row_group_size=500)
    with (root / "tilit.csv").open("w", encoding="utf-8") as f:
        f.write("nimi;tilinumero;sahkoposti;kommentti\n")
        for i in range(3000):
            f.write(f"{fake.first_name()} {fake.last_name()};{iban_fi(rng, spaced=True)};t{i}@example.com;rivi {i}\n")
    shutil.copy(REPO / "sample_data" / "newsletter_tilaajat.csv", root / "newsletter_tilaajat.csv")
    with sqlite3.connect(root / "crm.sqlite") as db:
        db.execute("create table asiakkaat (id integer primary key, nimi text, sahkoposti text, puhelin text)")
        db.executemany(
            "insert into asiakkaat (nimi, sahkoposti, puhelin) values (?, ?, ?)",
            [(f"{fake.first_name()} {fake.last_name()}", f"c{i}@example.fi", phone(rng)) for i in range(2000)],
        )
    return root


def _sources(lake: Path) -> list[str]:
    return [str(lake), f"sqlite:///{lake / 'crm.sqlite'}"]


def test_local_cluster_equals_local_on_the_lake_and_the_sample_data(lake: Path) -> None:
    notes: list[str] = []
    sources = [*_sources(lake), str(REPO / "sample_data")]
    local = scan(sources, ScanOptions(full=True))
    distributed = scan(
        sources, ScanOptions(full=True, engine="dask", **SMALL_PARTS), progress=Progress(note=notes.append)
    )
    assert distributed.errors == local.errors == []
    assert _key(distributed) == _key(local)
    assert _coverage(distributed) == _coverage(local)
    assert any("dashboard http" in n for n in notes)  # the started cluster says where its dashboard is
    sampling = {t.location.display(with_column=False): t.sampling for t in distributed.tables}
    # The big tables really were split: Parquet row groups, CSV byte ranges, database key ranges.
    assert "partitions" in sampling[f"{lake}/parquet/part-000.parquet"]
    assert "partitions" in sampling[f"{lake}/tilit.csv"]
    assert "partitions" in sampling["asiakkaat"]


def test_sampled_scans_are_the_same_sample(lake: Path) -> None:
    options = {"sample_size": 300}
    local = scan(_sources(lake), ScanOptions(**options))  # type: ignore[arg-type]
    distributed = scan(_sources(lake), ScanOptions(engine="dask", **options))  # type: ignore[arg-type]
    assert _coverage(distributed) == _coverage(local)
    assert {k[:3] for k in _key(distributed)} == {k[:3] for k in _key(local)}


def test_fsspec_memory_and_file_urls(lake: Path) -> None:
    fsspec = pytest.importorskip("fsspec")
    memory = fsspec.filesystem("memory")
    for path in sorted((lake / "parquet").iterdir())[:2]:
        memory.pipe(f"/pdscan-lake/{path.name}", path.read_bytes())
    from_memory = scan(["memory://pdscan-lake"], ScanOptions(full=True))
    from_disk = scan([str(lake / "parquet")], ScanOptions(full=True, include=("part-000*", "part-001*")))
    assert from_memory.errors == []
    assert [t.location.file for t in from_memory.tables] == [
        "memory://pdscan-lake/part-000.parquet",
        "memory://pdscan-lake/part-001.parquet",
    ]
    strip = lambda r: sorted((f.location.display().rsplit("/", 1)[1], f.entity, f.match_count) for f in r.findings)  # noqa: E731
    assert strip(from_memory) == strip(from_disk)
    url = f"file://{lake / 'parquet'}"
    assert _key(scan([url], ScanOptions(full=True, engine="dask", **SMALL_PARTS))) == _key(
        scan([url], ScanOptions(full=True))
    )


def test_a_failing_partition_is_an_error_entry_and_the_scan_completes(lake: Path, tmp_path: Path) -> None:
    """Workers load the rules themselves: a rules folder gone after planning fails every task on them."""
    rules = tmp_path / "rules"
    rules.mkdir()
    shutil.copy(REPO / "rules" / "email.yaml", rules / "own_email.yaml")
    result = scan(
        [str(lake / "parquet")],
        ScanOptions(full=True, engine="dask", rules_dirs=(rules,), **SMALL_PARTS),
        progress=Progress(note=lambda _message: shutil.rmtree(rules)),  # the cluster is up, tasks not yet run
    )
    assert result.errors, "every partition failed"
    assert all("partition failed after 2 retries" in e.reason for e in result.errors)
    assert len(result.errors) == 12  # 4 files x 3 partitions (5 row groups of 500 rows, ~700 rows a part), once each
    assert all("\n" not in e.reason for e in result.errors)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture()
def cluster() -> Iterator[str]:
    """A real dask-scheduler and two dask-worker processes on 127.0.0.1."""
    port = _free_port()
    address = f"tcp://127.0.0.1:{port}"
    env = {**os.environ, "PYTHONWARNINGS": "ignore"}
    scheduler = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "distributed.cli.dask_scheduler",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--dashboard-address",
            ":0",
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    workers = [
        subprocess.Popen(
            [sys.executable, "-m", "distributed.cli.dask_worker", address, "--nthreads", "1", "--no-dashboard"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for _ in range(2)
    ]
    try:
        from dask.distributed import Client

        deadline = time.monotonic() + 60
        while True:
            try:
                with Client(address, timeout="5s") as client:
                    if len(client.scheduler_info()["workers"]) == 2:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail("the dask scheduler and workers did not come up in 60 s")
            time.sleep(0.5)
        yield address
    finally:
        for proc in [*workers, scheduler]:
            proc.terminate()
        for proc in [*workers, scheduler]:
            proc.wait(timeout=30)


def test_cli_on_a_real_scheduler_with_two_workers(lake: Path, cluster: str, tmp_path: Path) -> None:
    def run(*args: str) -> dict[str, Any]:
        out = subprocess.run(
            [sys.executable, "-m", "pdscan.cli.main", "scan", *_sources(lake), "--full", "-q", "-f", "json", *args],
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert out.returncode == 0, out.stderr
        return dict(json.loads(out.stdout))

    distributed = ScanResult.from_dict(run("--engine", "dask", "--scheduler", cluster))
    local = ScanResult.from_dict(run("--engine", "local"))
    assert _key(distributed) == _key(local)
    assert distributed.options["engine"] == "dask" and distributed.options["scheduler"] == cluster


def test_scheduler_needs_the_dask_engine() -> None:
    from click.testing import CliRunner

    from pdscan.cli.main import main

    out = CliRunner().invoke(main, ["scan", str(REPO / "sample_data"), "--scheduler", "tcp://127.0.0.1:8786"])
    assert out.exit_code == 2 and "--scheduler needs --engine dask or spark" in out.output


@pytest.fixture(scope="module")
def spark() -> Iterator[Any]:
    pytest.importorskip("pyspark", reason="the spark extra is not installed (pip install 'pdscan[spark]')")
    if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
        pytest.skip("Spark needs Java: no java on PATH and no JAVA_HOME")
    os.environ["PYSPARK_PYTHON"] = sys.executable  # executors run this interpreter, with pdscan installed
    from pyspark.sql import SparkSession

    session = (
        SparkSession.builder.master("local[2]")
        .appName("pdscan-test")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "4")
        .getOrCreate()
    )
    yield session
    session.stop()


def test_spark_scan_dataframe_equals_local(lake: Path, spark: Any) -> None:
    from pdscan.engines.spark import scan_dataframe

    df = spark.read.parquet(str(lake / "parquet")).repartition(5)
    result = scan_dataframe(df, "asiakkaat", ScanOptions(full=True))
    assert result.tables[0].rows_scanned == 10_000
    assert "5 partitions" in result.tables[0].sampling
    local = scan([str(lake / "parquet")], ScanOptions(full=True))
    # The same rows: summed over the four files, per column and entity.
    totals: dict[tuple[str, str], list[int]] = {}
    for f in local.findings:
        entry = totals.setdefault((f.location.column or "", f.entity), [0, 0, 0])
        entry[0] += f.match_count
        entry[1] += f.values_scanned
        entry[2] += f.rows_scanned
    spark_totals = {
        (f.location.column or "", f.entity): [f.match_count, f.values_scanned, f.rows_scanned] for f in result.findings
    }
    assert spark_totals == totals
    sampled = scan_dataframe(df, "asiakkaat", ScanOptions(sample_size=1000))
    assert 700 < sampled.tables[0].rows_scanned < 1300 and sampled.tables[0].truncated


def _finished(result: ScanResult) -> tuple[Any, ...]:
    """What the shared finishing step decides: the findings kept and their order, what the allow-list
    suppressed, and the declared-vs-found comparison."""
    assert result.compliance is not None
    compliance = result.compliance.to_dict()
    return (
        [(f.fingerprint, f.match_count, f.confidence, f.declared) for f in result.findings],
        result.suppressed,
        {k: v for k, v in compliance.items() if k != "coverage"},
        compliance["coverage"]["rows_scanned"],
    )


def test_local_dask_and_spark_finish_alike_with_allow_list_and_declaration(
    lake: Path, spark: Any, tmp_path: Path
) -> None:
    sources = [*_sources(lake), str(REPO / "sample_data")]
    first = scan(sources, ScanOptions(full=True))
    accepted = [f for f in first.findings if f.entity == "EMAIL_ADDRESS"][:2]
    ignore = tmp_path / ".pdscanignore"
    ignore.write_text(
        "version: 1\nignore:\n"
        + "".join(f"  - fingerprint: '{f.fingerprint}'\n    reason: test accounts\n" for f in accepted),
        encoding="utf-8",
    )
    common = {"full": True, "ignore_file": ignore, "declaration": "entrack", **SMALL_PARTS}
    local = scan(sources, ScanOptions(**common))  # type: ignore[arg-type]
    dask = scan(sources, ScanOptions(engine="dask", **common))  # type: ignore[arg-type]
    on_spark = scan(sources, ScanOptions(engine="spark", scheduler="local[2]", **common))  # type: ignore[arg-type]
    assert len(local.suppressed) == 2 and local.compliance is not None and local.compliance.undeclared
    assert on_spark.errors == dask.errors == local.errors == []
    assert _finished(on_spark) == _finished(dask) == _finished(local)
    assert _coverage(on_spark) == _coverage(local)
    sampling = {t.location.display(with_column=False): t.sampling for t in on_spark.tables}
    assert "partitions" in sampling[f"{lake}/tilit.csv"]  # the big tables were split on Spark too
    assert on_spark.options["engine"] == "spark"


def test_scan_dataframe_applies_the_declaration(lake: Path, spark: Any) -> None:
    from pdscan.engines.spark import scan_dataframe

    df = spark.read.parquet(str(lake / "parquet"))
    result = scan_dataframe(df, "asiakkaat", ScanOptions(full=True, declaration="entteri"))
    assert result.compliance is not None
    assert all(f.declared for f in result.findings)
    local = scan([str(lake / "parquet")], ScanOptions(full=True, declaration="entteri"))
    assert local.compliance is not None
    assert {g.key for g in result.compliance.undeclared} == {g.key for g in local.compliance.undeclared}


def test_csv_with_quotes_is_not_cut_into_byte_ranges(tmp_path: Path) -> None:
    from pdscan.engines.tasks import FilePartTask, plan

    plain, quoted = tmp_path / "plain", tmp_path / "quoted"
    for folder in (plain, quoted):
        folder.mkdir()
    rows = [f"Nimi {i};n{i}@example.fi;rivi {i}" for i in range(5000)]
    (plain / "a.csv").write_text("nimi;email;teksti\n" + "\n".join(rows) + "\n", encoding="utf-8")
    quoted_rows = [*rows[:10], 'Nimi x;x@example.fi;"kaksi\nriviä"', *rows[10:]]
    (quoted / "a.csv").write_text("nimi;email;teksti\n" + "\n".join(quoted_rows) + "\n", encoding="utf-8")
    options = ScanOptions(full=True, engine="dask", partition_bytes=20_000)
    assert sum(isinstance(t, FilePartTask) for t in plan(str(plain), options).items) > 3
    assert not any(isinstance(t, FilePartTask) for t in plan(str(quoted), options).items)
