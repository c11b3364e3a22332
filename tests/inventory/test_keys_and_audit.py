"""Issue 26: the fingerprint key lives outside the inventory, and the audit log is a hash chain that tells when an
entry was changed, removed or inserted. On SQLite and on a real PostgreSQL (skipped with a reason without it)."""

from __future__ import annotations

import hashlib
import hmac
import os
import stat
from pathlib import Path

import pytest
import sqlalchemy as sa
from click.testing import CliRunner, Result

from pdscan.cli.main import main
from pdscan.dsar.identity import Person
from pdscan.inventory import keys, migrations, schema
from pdscan.inventory.store import Inventory

HETU = "131052-308T"
PERSON = Person.from_identifiers(("matti.virtanen@example.fi",), (), (HETU,), (), ())


@pytest.fixture()
def folder(tmp_path: Path) -> Path:
    data = tmp_path / "data"
    data.mkdir()
    (data / "crm.csv").write_text(
        f"email;hetu\nmatti.virtanen@example.fi;{HETU}\nliisa@example.fi;010101A123N\n", encoding="utf-8"
    )
    return data


@pytest.fixture(autouse=True)
def own_key_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    config = tmp_path / "config"
    monkeypatch.setenv("XDG_CONFIG_HOME", str(config))
    monkeypatch.delenv(keys.ENV_VAR, raising=False)
    return config / "pdscan" / "keys"


def _find(inventory: str, folder: Path) -> Result:
    args = ["find", "--email", "matti.virtanen@example.fi", "--hetu", HETU, str(folder), "--inventory", inventory]
    return CliRunner().invoke(main, [*args, "-f", "json"])


def _audit(inventory: str, *args: str) -> Result:
    return CliRunner().invoke(main, ["audit", "--inventory", inventory, *args])


def _meta(url: str) -> dict[str, str]:
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        values = dict(conn.execute(sa.select(schema.meta_table.c.key, schema.meta_table.c.value)).all())
    engine.dispose()
    return values


def _execute(url: str, statement: sa.Executable) -> None:
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.execute(statement)
    engine.dispose()


def test_the_key_is_made_outside_the_inventory_on_first_use(
    inventory_url: str, folder: Path, own_key_folder: Path
) -> None:
    result = _find(inventory_url, folder)
    assert result.exit_code == 0, result.output
    meta = _meta(inventory_url)
    assert "salt" not in meta
    path = own_key_folder / f"{meta['inventory_id']}.key"
    assert "created the fingerprint key of" in result.stderr and str(path) in result.stderr
    assert stat.S_IMODE(path.stat().st_mode) == 0o600 and stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    key = path.read_text(encoding="ascii").strip().encode()
    with Inventory(inventory_url) as store:
        (entry,) = store.audit_log()
    assert entry["fingerprints"] == PERSON.fingerprints(key)
    # The attack of the issue: every value the inventory holds, tried as the key, reproduces no fingerprint.
    target = {f["hmac_sha256"] for f in entry["fingerprints"]}
    held = [*meta.values(), *(str(v) for v in entry.values() if v is not None)]
    for candidate in held:
        digest = hmac.new(candidate.encode(), f"hetu:{HETU}".encode(), hashlib.sha256).hexdigest()
        assert digest not in target
    assert _find(inventory_url, folder).exit_code == 0  # the second search uses the same key: same fingerprints
    with Inventory(inventory_url) as store:
        first, second = store.audit_log()
    assert first["fingerprints"] == second["fingerprints"]
    assert "created the fingerprint key" not in _find(inventory_url, folder).stderr


def test_a_key_others_can_read_is_refused(tmp_path: Path, folder: Path, own_key_folder: Path) -> None:
    inventory = f"sqlite:///{tmp_path / 'inventory.sqlite'}"
    assert _find(inventory, folder).exit_code == 0
    (path,) = own_key_folder.glob("*.key")
    path.chmod(0o644)
    result = _find(inventory, folder)
    assert result.exit_code == 2
    assert result.stderr.strip().count("\n") == 0 and f"chmod 600 {path}" in result.stderr
    assert "Traceback" not in result.output


def test_the_key_from_the_environment(tmp_path: Path, folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    inventory = f"sqlite:///{tmp_path / 'inventory.sqlite'}"
    monkeypatch.setenv(keys.ENV_VAR, "short")
    result = _find(inventory, folder)
    assert result.exit_code == 2 and f"{keys.ENV_VAR} is too short" in result.stderr
    secret = "e" * 64
    monkeypatch.setenv(keys.ENV_VAR, secret)
    assert _find(inventory, folder).exit_code == 0
    with Inventory(inventory) as store:
        (entry,) = store.audit_log()
    assert entry["fingerprints"] == PERSON.fingerprints(secret.encode())
    assert _audit(inventory, "--verify").exit_code == 0


def test_the_chain_tells_an_edit_a_removal_an_insertion_and_a_cut(inventory_url: str, folder: Path) -> None:
    for _ in range(4):
        assert _find(inventory_url, folder).exit_code == 0
    intact = _audit(inventory_url, "--verify")
    assert intact.exit_code == 0 and "4 entries, chain intact" in intact.output
    table = schema.audit_table
    with Inventory(inventory_url) as store:
        rows = store.audit_log()
    ids = [r["id"] for r in rows]

    _execute(inventory_url, table.update().where(table.c.id == ids[1]).values(matches=0))
    edited = _audit(inventory_url, "--verify")
    assert edited.exit_code == 1 and f"entry {ids[1]}: changed since it was written" in edited.output
    _execute(inventory_url, table.update().where(table.c.id == ids[1]).values(matches=rows[1]["matches"]))
    assert _audit(inventory_url, "--verify").exit_code == 0  # put back: intact again

    _execute(inventory_url, table.delete().where(table.c.id == ids[1]))
    removed = _audit(inventory_url, "--verify")
    assert removed.exit_code == 1 and f"entry {ids[2]}: does not follow" in removed.output

    forged = {k: v for k, v in rows[1].items() if k not in ("id", "at")} | {"at": sa.func.now()}
    _execute(inventory_url, table.insert().values(**forged))
    inserted = _audit(inventory_url, "--verify", "--format", "json")
    assert inserted.exit_code == 1 and '"intact": false' in inserted.output

    _execute(inventory_url, table.delete().where(table.c.id > ids[2]))
    cut = _audit(inventory_url, "--verify")
    assert cut.exit_code == 1 and "head does not match" in cut.output


def test_an_older_inventory_moves_its_key_out_and_chains_its_log(tmp_path: Path, own_key_folder: Path) -> None:
    """An inventory made before migration 5 (its salt in the meta table, an audit log without hashes) is upgraded:
    the salt becomes its key file, the old entries are chained with it, and their fingerprints stay comparable."""
    url = f"sqlite:///{tmp_path / 'old.sqlite'}"
    engine = sa.create_engine(url)
    migrations.upgrade(engine, target=4)
    salt = "ab" * 32
    with engine.begin() as conn:
        for column in ("prev_hash", "entry_hash"):  # the table as migration 3 made it then
            conn.execute(sa.text(f"ALTER TABLE pdscan_audit_log DROP COLUMN {column}"))
        conn.execute(schema.meta_table.insert().values(key="salt", value=salt))
        for matches in (3, 5):
            conn.execute(
                schema.audit_table.insert().values(  # the hash columns left out, as then
                    at=sa.func.now(),
                    action="find",
                    identifier_kinds=["hetu"],
                    fingerprints=PERSON.fingerprints(salt.encode()),
                    sources=["data"],
                    matches=matches,
                    direct=1,
                    related=0,
                    name_only=0,
                    exported=False,
                    erasure_plan=False,
                    user="dpo",
                    host="h",
                )
            )
    engine.dispose()
    result = _audit(url)
    assert result.exit_code == 0, result.output
    meta = _meta(url)
    assert "salt" not in meta and migrations.KEY_MOVED in meta
    path = own_key_folder / f"{meta['inventory_id']}.key"
    assert path.read_text(encoding="ascii").strip() == salt and stat.S_IMODE(path.stat().st_mode) == 0o600
    assert "moved the fingerprint key" in result.stderr and str(path) in result.stderr
    assert salt.encode() not in Path(tmp_path / "old.sqlite").read_bytes()
    verified = _audit(url, "--verify")
    assert verified.exit_code == 0 and "2 entries, chain intact" in verified.output
    assert "moved the fingerprint key" not in verified.stderr  # said once
    with Inventory(url) as store:
        assert store.audit_log()[0]["fingerprints"] == PERSON.fingerprints(store.fingerprint_key().secret)


def test_a_missing_key_is_one_line(tmp_path: Path, folder: Path, own_key_folder: Path) -> None:
    inventory = f"sqlite:///{tmp_path / 'inventory.sqlite'}"
    assert _find(inventory, folder).exit_code == 0
    for path in own_key_folder.glob("*.key"):
        os.unlink(path)
    result = _audit(inventory, "--verify")
    assert result.exit_code == 2 and "is missing: restore it" in result.stderr
    assert "Traceback" not in result.output


def test_an_inventory_without_searches_verifies_without_a_key(tmp_path: Path, own_key_folder: Path) -> None:
    inventory = f"sqlite:///{tmp_path / 'inventory.sqlite'}"
    assert CliRunner().invoke(
        main, ["scan", "sample_data", "--inventory", inventory, "-q", "-o", os.devnull]
    ).exit_code in (0, 1)
    result = _audit(inventory, "--verify")
    assert result.exit_code == 0 and "0 entries, chain intact" in result.output
    assert not list(own_key_folder.glob("*.key"))  # verifying made no key
