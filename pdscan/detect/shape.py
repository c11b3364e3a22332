"""What a rule's regular expression needs of a column before it can match there, read from the pattern itself.

A column of order numbers holds only digits: a pattern that needs a letter, an ``@`` or a dash cannot match any of
its values, and running it over 50,000 distinct values costs a whole Arrow pass for nothing. :func:`requirement`
turns a pattern into a formula over bytes ("a digit, and a dash or an F") that is a *necessary* condition for a
match: a column whose bytes do not satisfy it is skipped, a column that does is searched as before. So findings
never change; only passes that could not find anything are saved. The formula is conservative wherever the
pattern is hard to bound (negated classes, ``.``, look-arounds count as "anything").

:func:`value_is_whole` says whether the group ``v`` of a pattern is the whole match (only zero-width assertions
around it), so a value that matches the anchored pattern *is* its ``v`` and needs no extraction pass.

Both read Python's own parse tree of the pattern (``re._parser``, the module behind ``sre_parse``): the rule
patterns are written so that Python's ``re`` and RE2 read them alike (see :mod:`pdscan.detect.rules`).
"""

from __future__ import annotations

import functools
import re
import sys
from dataclasses import dataclass
from typing import Any

import numpy as np
import pyarrow as pa

# Python's own regex parser: re._parser since 3.11, sre_parse (now its deprecated alias) before.
if sys.version_info >= (3, 11):
    from re import _constants as sre_constants  # type: ignore[attr-defined]
    from re import _parser as sre_parse  # type: ignore[attr-defined]
else:  # pragma: no cover
    import sre_constants
    import sre_parse

_C = sre_constants
_ALL = np.ones(256, dtype=bool)
_NON_ASCII = np.zeros(256, dtype=bool)
_NON_ASCII[128:] = True  # every byte of a UTF-8 encoded non-ASCII character is >= 0x80


def _bytes(chars: str) -> np.ndarray:
    mask = np.zeros(256, dtype=bool)
    for ch in chars:
        mask[ord(ch)] = True
    return mask


_CATEGORIES: dict[Any, np.ndarray] = {
    _C.CATEGORY_DIGIT: _bytes("0123456789"),
    _C.CATEGORY_SPACE: _bytes(" \t\n\r\f\v"),
    # \w: ASCII letters, digits and _ under the rules' ASCII flag; non-ASCII bytes kept too, to stay conservative.
    _C.CATEGORY_WORD: _bytes("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_") | _NON_ASCII,
}


_MET_MEMO = 4096  # sets of columns remembered per formula (32 bytes a column, a few KB each)


@dataclass(frozen=True)
class Requirement:
    """A formula over the bytes present in a column: ``kind`` is "bytes" (one of ``mask``), "all" or "any"."""

    kind: str
    mask: np.ndarray | None = None
    parts: tuple[Requirement, ...] = ()

    def met(self, present: np.ndarray) -> bool:
        """Whether a column with these bytes present (a bool array of 256) may hold a match."""
        if self.kind == "bytes":
            assert self.mask is not None
            return bool(present[self.mask].any())
        if self.kind == "all":
            return all(part.met(present) for part in self.parts)
        return any(part.met(present) for part in self.parts)

    def met_each(self, present: np.ndarray) -> np.ndarray:
        """:meth:`met` for many columns at once: ``present`` has one row of 256 per column. Every byte set of the
        formula is tested against every column at once, as 256-bit words (AND, then any bit set); the formula then
        combines the results."""
        masks, tree = self._compiled
        if len(masks) == 0:
            return np.ones(len(present), dtype=bool)
        words = _words(present)
        # The same columns come back batch after batch with the same bytes: the formula is evaluated once per
        # set of columns (numpy's per-call overhead on a formula of dozens of nodes was a tenth of a scan). Only
        # the bytes the formula names make the key: a free-text column gains and loses other rare ones.
        key = (words & np.bitwise_or.reduce(masks, axis=0)).tobytes()
        known = self._met.get(key)
        if known is None:
            hits = ((words[:, None, :] & masks[None, :, :]) != 0).any(axis=2)
            if len(hits) == 1:  # one column (a large table's batch): the formula in plain Python, not numpy per node
                row = hits[0].tolist()
                known = np.asarray([_holds(tree, row)], dtype=bool)
            else:
                known = np.asarray(_evaluate(tree, hits))
            known.flags.writeable = False
            if len(self._met) < _MET_MEMO:
                self._met[key] = known
        return known

    @functools.cached_property
    def _met(self) -> dict[bytes, np.ndarray]:
        return {}

    @functools.cached_property
    def _compiled(self) -> tuple[np.ndarray, _Node]:
        """The formula's distinct byte sets as 256-bit words, and the formula over their positions, flattened
        (an "all" inside an "all" is one "all") with repeated parts once: health-data's 1,058 byte sets are 42."""
        leaves: dict[bytes, int] = {}

        def walk(node: Requirement) -> _Node:
            if node.kind == "bytes":
                assert node.mask is not None
                return leaves.setdefault(np.packbits(node.mask).tobytes(), len(leaves))
            parts: list[_Node] = []
            for part in (walk(p) for p in node.parts):
                same = not isinstance(part, int) and part[0] == node.kind
                for item in part[1] if same else (part,):  # type: ignore[index]
                    if item not in parts:
                        parts.append(item)
            return parts[0] if len(parts) == 1 else (node.kind, tuple(parts))  # no parts: anything

        tree = walk(self)
        words = np.frombuffer(b"".join(leaves), dtype=np.uint64).reshape(-1, 4) if leaves else np.zeros((0, 4))
        return words.astype(np.uint64), tree

    @property
    def trivial(self) -> bool:
        return self.kind == "all" and not self.parts


ANYTHING = Requirement("all")

# A compiled formula: a byte set's column in the matrix of met_each, or ("all" | "any", parts).
_Node = int | tuple[str, tuple["_Node", ...]]


def _words(rows: np.ndarray) -> np.ndarray:
    """Rows of 256 booleans as rows of four 64-bit words."""
    return np.packbits(rows, axis=1).view(np.uint64)


def _holds(node: _Node, row: list[bool]) -> bool:
    """:func:`_evaluate` for one column."""
    if isinstance(node, int):
        return row[node]
    kind, parts = node
    if not parts:
        return True  # no parts: anything
    if kind == "all":
        return all(_holds(part, row) for part in parts)
    return any(_holds(part, row) for part in parts)


def _evaluate(node: _Node, hits: np.ndarray) -> np.ndarray:
    if isinstance(node, int):
        return np.asarray(hits[:, node])
    kind, parts = node
    if not parts:
        return np.ones(len(hits), dtype=bool)
    results = [_evaluate(part, hits) for part in parts]
    return np.asarray(np.logical_and.reduce(results) if kind == "all" else np.logical_or.reduce(results))


def _of_mask(mask: np.ndarray) -> Requirement:
    return ANYTHING if mask.all() else Requirement("bytes", mask)


def _all(parts: list[Requirement]) -> Requirement:
    kept = tuple(p for p in parts if not p.trivial)
    return kept[0] if len(kept) == 1 else Requirement("all", parts=kept)


def _any(parts: list[Requirement]) -> Requirement:
    if not parts or any(p.trivial for p in parts):
        return ANYTHING
    return Requirement("any", parts=tuple(parts))


def _char(code: int, ignore_case: bool) -> np.ndarray:
    if code > 127:
        return _NON_ASCII
    mask = np.zeros(256, dtype=bool)
    mask[code] = True
    if ignore_case and chr(code).isalpha():
        mask[ord(chr(code).swapcase())] = True
        mask |= _NON_ASCII  # RE2 folds case beyond ASCII too (k and the Kelvin sign, s and the long s)
    return mask


def _class(items: list[tuple[Any, Any]], ignore_case: bool) -> np.ndarray:
    mask = np.zeros(256, dtype=bool)
    for op, av in items:
        if op is _C.NEGATE:
            return _ALL  # [^...]: nearly anything
        if op is _C.LITERAL:
            mask |= _char(av, ignore_case)
        elif op is _C.RANGE:
            low, high = av
            for code in range(low, min(high, 127) + 1):
                mask |= _char(code, ignore_case)
            if high > 127:
                mask |= _NON_ASCII
        elif op is _C.CATEGORY and av in _CATEGORIES:
            mask |= _CATEGORIES[av]
        else:  # \D, \S, \W and anything unforeseen
            return _ALL
    return mask


def _sequence(items: Any, ignore_case: bool) -> Requirement:
    return _all([_item(op, av, ignore_case) for op, av in items])


def _item(op: Any, av: Any, ignore_case: bool) -> Requirement:
    if op is _C.LITERAL:
        return _of_mask(_char(av, ignore_case))
    if op is _C.IN:
        return _of_mask(_class(av, ignore_case))
    if op in (_C.MAX_REPEAT, _C.MIN_REPEAT, getattr(_C, "POSSESSIVE_REPEAT", None)):
        low, _high, sub = av
        return _sequence(sub, ignore_case) if low > 0 else ANYTHING
    if op is _C.SUBPATTERN:
        _group, add_flags, del_flags, sub = av
        case = (ignore_case or bool(add_flags & re.IGNORECASE)) and not del_flags & re.IGNORECASE
        return _sequence(sub, case)
    if op is _C.BRANCH:
        return _any([_sequence(alternative, ignore_case) for alternative in av[1]])
    if op is getattr(_C, "ATOMIC_GROUP", None):
        return _sequence(av, ignore_case)
    return ANYTHING  # ., assertions, look-arounds, back-references: no byte is certain


@functools.lru_cache(maxsize=256)
def _parsed(pattern: str, ignore_case: bool) -> Any:
    """The pattern parsed once for what is read from it (a rule's requirement and its minimum length)."""
    return sre_parse.parse(pattern, re.ASCII | (re.IGNORECASE if ignore_case else 0))


def requirement(pattern: str, ignore_case: bool = False) -> Requirement:
    """The necessary condition on a column's bytes for ``pattern`` to match one of its values."""
    parsed = _parsed(pattern, ignore_case)
    return _sequence(parsed, ignore_case or bool(parsed.state.flags & re.IGNORECASE))


def min_length(pattern: str, ignore_case: bool = False) -> int:
    """The fewest characters a match of ``pattern`` takes: a value of fewer bytes cannot hold one (a character is a
    byte at least), so it is left out before the pattern runs (a card number needs 13 digits; a column of
    7-digit customer numbers is never searched for one)."""
    return int(_parsed(pattern, ignore_case).getwidth()[0])


_DIGIT_CODES = frozenset(range(48, 58))
# What each class escape holds of the ten ASCII digits (under the rules' ASCII flag): all of them or none.
_DIGITS_IN = {
    _C.CATEGORY_DIGIT: True,
    _C.CATEGORY_NOT_DIGIT: False,
    _C.CATEGORY_WORD: True,
    _C.CATEGORY_NOT_WORD: False,
    _C.CATEGORY_SPACE: False,
    _C.CATEGORY_NOT_SPACE: True,
}


def _class_blind(items: list[tuple[Any, Any]]) -> bool:
    """Whether a class holds all ten digits or none ([0-9A-F], [^\\s@], [A-Z]; not [1-9] or [05])."""
    held: set[int] = set()
    for op, av in items:
        if op is _C.NEGATE:
            continue  # [^...] holds the digits its inside does not: all or none again
        if op is _C.LITERAL:
            held |= {av} & _DIGIT_CODES
        elif op is _C.RANGE:
            held |= set(range(av[0], av[1] + 1)) & _DIGIT_CODES
        elif op is _C.CATEGORY and av in _DIGITS_IN:
            held |= _DIGIT_CODES if _DIGITS_IN[av] else set()
        else:
            return False  # anything unforeseen
    return len(held) in (0, len(_DIGIT_CODES))


def _blind(items: Any) -> bool:
    for op, av in items:
        if op in (_C.LITERAL, _C.NOT_LITERAL):
            if av in _DIGIT_CODES:
                return False  # "358", (19|20)\d{2}: this digit and no other
        elif op is _C.IN:
            if not _class_blind(av):
                return False
        elif op in (_C.MAX_REPEAT, _C.MIN_REPEAT, getattr(_C, "POSSESSIVE_REPEAT", None)):
            if not _blind(av[2]):
                return False
        elif op is _C.SUBPATTERN:
            if not _blind(av[-1]):
                return False
        elif op is _C.BRANCH:
            if not all(_blind(alternative) for alternative in av[1]):
                return False
        elif op in (_C.ASSERT, _C.ASSERT_NOT):
            if not _blind(av[1]):
                return False
        elif op is getattr(_C, "ATOMIC_GROUP", None):
            if not _blind(av):
                return False
        elif op not in (_C.ANY, _C.AT):
            return False  # back-references (two digits compared) and anything unforeseen
    return True


@functools.lru_cache(maxsize=256)
def digit_blind(pattern: str) -> bool:
    """Whether ``pattern`` treats the ten ASCII digits alike: no digit of its own, and each class holds all of them
    or none. Such a pattern matches a text exactly when it matches the text with every digit made 0
    (:func:`digits_zeroed`): a column of 50,000 timestamps is one "0000-00-00 00:00:00" to search, 50,000 phone
    numbers a few dozen shapes. Every character stays one of its class (0 is a digit and a word character as the
    digit it replaces), so matches keep their places and lengths."""
    if "{," in pattern:
        return False  # Python reads x{,3} as a repeat, RE2 as the text "x{,3}" (a digit of its own)
    return _blind(sre_parse.parse(pattern, re.ASCII))


def digits_zeroed(values: pa.Array) -> pa.Array:
    """The strings with each ASCII digit made 0: a copy of the data buffer, one numpy pass, the same offsets (a digit
    is one byte in UTF-8, and no byte of a multi-byte character is one)."""
    if not (pa.types.is_string(values.type) or pa.types.is_large_string(values.type)):
        raise TypeError(f"digits_zeroed reads string arrays, not {values.type}")  # views keep short strings inline
    buffers = values.buffers()
    if len(values) == 0 or buffers[2] is None:
        return values
    data = np.frombuffer(buffers[2], dtype=np.uint8).copy()
    data[(data >= 48) & (data <= 57)] = 48
    return pa.Array.from_buffers(
        values.type, len(values), [buffers[0], buffers[1], pa.py_buffer(data)], offset=values.offset
    )


def value_is_whole(pattern: str) -> bool:
    """Whether the group ``v`` spans the whole match: nothing but zero-width assertions (\\b, ^, $) around it."""
    parsed = sre_parse.parse(pattern, re.ASCII)
    group = parsed.state.groupdict.get("v")
    if group is None:
        return True  # no v: the value is the match
    found = False
    for op, av in parsed:
        if op is _C.SUBPATTERN and av[0] == group:
            found = True
        elif op is not _C.AT:
            return False
    return found


# Above this many bytes per value a column is prose: it holds letters, digits and punctuation, so no rule would be
# skipped, and counting its bytes would cost as much as a pattern pass.
PROSE_BYTES = 24


def bytes_present(values: pa.Array) -> np.ndarray:
    """Which of the 256 byte values occur in a string column: one pass over its data buffer. A column of prose
    (more than PROSE_BYTES a value) reads as holding every byte, so every rule runs on it."""
    if len(values) == 0:
        return np.zeros(256, dtype=bool)
    offsets_type = np.int64 if pa.types.is_large_string(values.type) else np.int32
    buffers = values.buffers()
    offsets = np.frombuffer(buffers[1], dtype=offsets_type)[values.offset : values.offset + len(values) + 1]
    if buffers[2] is None:
        return np.zeros(256, dtype=bool)
    if offsets[-1] - offsets[0] > PROSE_BYTES * len(values):
        return np.ones(256, dtype=bool)
    data = np.frombuffer(buffers[2], dtype=np.uint8)[offsets[0] : offsets[-1]]
    return np.bincount(data, minlength=256) > 0
