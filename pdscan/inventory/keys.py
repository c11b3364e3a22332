"""The key of an inventory's keyed fingerprints and of its audit chain, kept outside the inventory (issue 26).

The audit log of DSAR searches keeps HMAC-SHA256 fingerprints of the identifiers searched for, so two searches for
the same person can be recognised without storing who. A key kept in the same database protects nothing: a HETU has
about 40 million possible values, and with the key beside the fingerprint each is one HMAC away (the first
inventories did that; a HETU came back in 4 seconds). So the key lives apart, in one of two places:

* ``PDSCAN_FINGERPRINT_KEY``: any secret of at least 32 characters (``openssl rand -hex 32``), for a team that shares
  an inventory on PostgreSQL, or CI that keeps it in its secret store;
* otherwise a key file per inventory, ``$XDG_CONFIG_HOME/pdscan/keys/<inventory id>.key`` (``~/.config/...``),
  created on first use with mode 0600 in a 0700 folder. A key file that others can read is refused, as ssh refuses
  a private key.

The same key makes each audit entry's chain hash (see :mod:`pdscan.inventory.store`), so that whoever can write the
inventory but not read the key can neither recompute a fingerprint nor rewrite the log unnoticed.
"""

from __future__ import annotations

import os
import secrets
import stat
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from pdscan.errors import InventoryError

ENV_VAR = "PDSCAN_FINGERPRINT_KEY"
_MIN_LENGTH = 32


@dataclass(frozen=True)
class FingerprintKey:
    secret: bytes = b""
    origin: str = ""  # where it came from: the variable's name or the key file's path (never the key)
    created: bool = False  # made just now: the user is told where it is


def key_folder() -> Path:
    """``$XDG_CONFIG_HOME/pdscan/keys`` (``~/.config/pdscan/keys``); ``%APPDATA%\\pdscan\\keys`` on Windows."""
    if sys.platform == "win32":
        base = os.environ.get("APPDATA") or str(Path.home() / "AppData" / "Roaming")
    else:
        base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "pdscan" / "keys"


def key_path(inventory_id: str) -> Path:
    return key_folder() / f"{inventory_id}.key"


def load_key(inventory_id: str, inventory: str, *, create: bool = True) -> FingerprintKey:
    """The inventory's key: the variable's, else its key file's (created when missing and ``create``)."""
    given = os.environ.get(ENV_VAR)
    if given:
        if len(given) < _MIN_LENGTH:
            raise InventoryError(
                inventory, f"{ENV_VAR} is too short: give at least {_MIN_LENGTH} characters (openssl rand -hex 32)"
            )
        return FingerprintKey(given.encode(), ENV_VAR)
    path = key_path(inventory_id)
    if path.exists():
        return FingerprintKey(_read(path, inventory), str(path))
    if not create:
        raise InventoryError(
            inventory,
            f"its fingerprint key {path} is missing: restore it, or set {ENV_VAR} to the key it was made with",
        )
    created = save_key(inventory_id, secrets.token_hex(32), inventory)
    return FingerprintKey(_read(path, inventory), str(path), created)


def save_key(inventory_id: str, secret: str, inventory: str) -> bool:
    """Write a key file once (0600, atomically: two processes starting at once keep the same key). True: written
    now; False: a key file was already there (the first one stays)."""
    path = key_path(inventory_id)
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".key-")  # mode 0600
        try:
            with os.fdopen(handle, "w", encoding="ascii") as stream:
                stream.write(secret + "\n")
            os.link(temporary, path)  # fails if the file exists: never a half-written key
        except FileExistsError:
            return False
        finally:
            os.unlink(temporary)
    except OSError as exc:
        raise InventoryError(
            inventory, f"cannot write its fingerprint key {path}: {exc.strerror or exc}; or set {ENV_VAR}"
        ) from exc
    return True


def _read(path: Path, inventory: str) -> bytes:
    try:
        if sys.platform != "win32":
            mode = path.stat().st_mode
            if mode & (stat.S_IRWXG | stat.S_IRWXO):
                raise InventoryError(inventory, f"its fingerprint key {path} can be read by others: chmod 600 {path}")
        text = path.read_text(encoding="ascii").strip()
    except (OSError, UnicodeDecodeError) as exc:
        raise InventoryError(inventory, f"cannot read its fingerprint key {path}: {exc}") from exc
    if len(text) < _MIN_LENGTH:
        raise InventoryError(inventory, f"its fingerprint key {path} is too short (damaged?)")
    return text.encode()
