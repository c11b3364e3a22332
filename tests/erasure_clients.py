"""Running an erasure plan as a DPO does: the database's own client (sqlite3, psql, mariadb/mysql), the file as it
is, one transaction. Without the client, the statements go through the driver in one transaction (transaction lines
left out). Shared by tests/dsar/test_erasure.py and tests/dsar/test_estate.py."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
from pathlib import Path

import sqlalchemy as sa


def run_plan(url: str, plan: Path) -> None:
    """Run ``plan`` on the database at ``url`` with its own client; fail the test on any error."""
    parsed = sa.engine.make_url(url)
    name = parsed.database or ""
    if parsed.get_backend_name() == "sqlite":
        run_sqlite(Path(name), plan)
    elif parsed.get_backend_name() == "postgresql":
        run_postgres(name, plan)
    else:
        run_mariadb(name, plan)


def run_sqlite(path: Path, plan: Path) -> None:
    if shutil.which("sqlite3"):
        done = subprocess.run(["sqlite3", str(path)], stdin=plan.open("rb"), capture_output=True, check=False)
        assert done.returncode == 0 and not done.stderr, done.stderr.decode()
    else:  # the shell's dot-commands (.bail) are its own: Python's executescript stops at an error anyway
        script = "\n".join(line for line in plan.read_text().splitlines() if not line.startswith("."))
        with sqlite3.connect(path, isolation_level=None) as conn:
            conn.executescript(script)


def run_postgres(name: str, plan: Path) -> None:
    if shutil.which("psql"):
        command = ["psql", "-X", "-q", "-h", "127.0.0.1", "-U", "postgres", "-d", name, "-f", str(plan)]
        done = subprocess.run(command, capture_output=True, check=False)
        assert done.returncode == 0 and b"ERROR" not in done.stderr, done.stderr.decode()
    else:
        _through_driver(f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}", plan, "\\")


def run_mariadb(name: str, plan: Path) -> None:
    client = shutil.which("mariadb") or shutil.which("mysql")
    if client:
        command = [client, "--protocol=tcp", "-h", "127.0.0.1", "-P", "3306", "-u", "root", name]
        done = subprocess.run(command, stdin=plan.open("rb"), capture_output=True, check=False)
        assert done.returncode == 0 and not done.stderr, done.stderr.decode()
    else:
        _through_driver(f"mysql+pymysql://root@127.0.0.1:3306/{name}", plan, "")


def _through_driver(url: str, plan: Path, client_prefix: str) -> None:
    """Without the client: the statements in one transaction through the driver (transaction lines left out)."""
    skip = ("--", "BEGIN", "START TRANSACTION", "COMMIT") + ((client_prefix,) if client_prefix else ())
    statements = [line for line in plan.read_text().splitlines() if line.strip() and not line.startswith(skip)]
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        for statement in statements:
            conn.exec_driver_sql(statement.split(";  --")[0].rstrip(";"))
    engine.dispose()
