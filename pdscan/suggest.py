"""'Did you mean ...?' for names a user types: entities (``--only HETU``), declarations (``--declaration entrak``).

Matching ignores case and the spelling of separators (``fi-hetu``, ``FI_HETU``, ``fi hetu`` are one name), and a
name may be reached through its aliases: a rule's id, its DSAR identifier or a column name it knows all lead to the
rule's entity (``HETU`` → ``FI_PERSONAL_IDENTITY_CODE``). Standard library only, so any layer may use it.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Mapping

_SEPARATORS = re.compile(r"[\s_.\-]+")
_NEAR = 0.08  # a second suggestion must be about as close as the first


def normalise(name: str) -> str:
    """``FI_Personal-Identity code`` → ``fi personal identity code``."""
    return _SEPARATORS.sub(" ", name.strip().lower()).strip()


def close_matches(
    word: str,
    names: Iterable[str],
    aliases: Mapping[str, str] | None = None,
    limit: int = 3,
    cutoff: float = 0.6,
) -> list[str]:
    """The ``names`` ``word`` most likely meant, best first, at most ``limit`` (none when nothing is close).

    ``aliases`` maps other spellings to one of the names; a name or alias spelled as ``word`` wins outright, and a
    close alias counts as its name. Only names about as close as the closest are kept: ``emial`` gives
    EMAIL_ADDRESS, not every name that shares three letters with it.
    """
    spellings: list[tuple[str, str]] = [(normalise(name), name) for name in names]
    spellings += [(normalise(alias), name) for alias, name in (aliases or {}).items()]
    key = normalise(word)
    if not key:
        return []
    exact = [name for spelling, name in spellings if spelling == key]
    if exact:
        return list(dict.fromkeys(exact))[:limit]
    best: dict[str, float] = {}
    matcher = difflib.SequenceMatcher(b=key)
    for spelling, name in spellings:
        matcher.set_seq1(spelling)
        if matcher.real_quick_ratio() >= cutoff and matcher.quick_ratio() >= cutoff:
            best[name] = max(best.get(name, 0.0), matcher.ratio())
    ranked = sorted(((score, name) for name, score in best.items() if score >= cutoff), key=lambda s: -s[0])
    top = ranked[0][0] if ranked else 0.0
    return [name for score, name in ranked if score >= top - _NEAR][:limit]


def did_you_mean(matches: list[str]) -> str:
    """``; did you mean A?`` / ``; did you mean A or B?``, or the empty string."""
    if not matches:
        return ""
    return f"; did you mean {', '.join(matches[:-1]) + ' or ' if len(matches) > 1 else ''}{matches[-1]}?"
