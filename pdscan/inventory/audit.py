"""The audit log of DSAR searches as a hash chain (issue 26): each entry carries the hash of the one before it.

An entry's hash is an HMAC-SHA256, with the inventory's fingerprint key (:mod:`pdscan.inventory.keys`, kept outside
the inventory), of the previous entry's hash and the entry's own fields as canonical JSON. The inventory's meta table
keeps the *head*: an HMAC of the number of entries and the last hash. So whoever can write the inventory but not read
the key cannot edit an entry (its hash no longer matches), delete one (the next entry's link breaks; the last one:
the head no longer matches), insert one (no valid hash), or rebuild the chain. ``pdscan audit --verify`` walks it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
from collections.abc import Mapping, Sequence
from typing import Any

# The fields an entry's hash covers, in the order of the table (its id is not one: a chain orders the entries).
FIELDS = (
    "at",
    "action",
    "identifier_kinds",
    "fingerprints",
    "sources",
    "matches",
    "direct",
    "related",
    "name_only",
    "exported",
    "erasure_plan",
    "user",
    "host",
)
HEAD = "audit_head"  # the meta table's key of the chain's head


def stamp(value: dt.datetime) -> str:
    """An entry's time as every database gives it back: UTC to the second (MySQL keeps no fraction, SQLite no zone)."""
    aware = value if value.tzinfo is not None else value.replace(tzinfo=dt.timezone.utc)
    return aware.astimezone(dt.timezone.utc).isoformat(timespec="seconds")


def entry_hash(key: bytes, previous: str, entry: Mapping[str, Any]) -> str:
    body = {name: entry[name] for name in FIELDS}
    body["at"] = stamp(entry["at"]) if isinstance(entry["at"], dt.datetime) else str(entry["at"])
    text = json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hmac.new(key, f"{previous}\n{text}".encode(), hashlib.sha256).hexdigest()


def head(key: bytes, count: int, last: str) -> str:
    return hmac.new(key, f"head\n{count}\n{last}".encode(), hashlib.sha256).hexdigest()


def chain(key: bytes, entries: Sequence[Mapping[str, Any]]) -> list[tuple[str, str]]:
    """(previous hash, own hash) of each entry, in order: how the chain is first built over existing entries."""
    out: list[tuple[str, str]] = []
    previous = ""
    for entry in entries:
        own = entry_hash(key, previous, entry)
        out.append((previous, own))
        previous = own
    return out


def verify(key: bytes, entries: Sequence[Mapping[str, Any]], recorded_head: str | None) -> list[str]:
    """What is wrong with the chain, one line per problem (none: intact). ``entries`` in id order, each with its
    ``id``, ``prev_hash``, ``entry_hash`` and the hashed fields."""
    problems: list[str] = []
    previous = ""
    for entry in entries:
        number = entry["id"]
        if entry.get("entry_hash") is None:
            problems.append(f"entry {number}: has no hash (written outside pdscan)")
        elif entry.get("prev_hash") != previous:
            problems.append(f"entry {number}: does not follow the entry before it (an entry removed or inserted)")
        elif not hmac.compare_digest(entry_hash(key, previous, entry), str(entry["entry_hash"])):
            problems.append(f"entry {number}: changed since it was written, or a different key")
        previous = str(entry.get("entry_hash") or "")
    expected = head(key, len(entries), previous)
    if recorded_head is None:
        if entries:
            problems.append("the log's head is missing (removed, or written outside pdscan)")
    elif not hmac.compare_digest(expected, recorded_head):
        problems.append("the log's head does not match its entries (entries removed at the end, or a different key)")
    return problems
