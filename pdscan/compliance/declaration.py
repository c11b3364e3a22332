"""Declarations: what a privacy notice (tietosuojaseloste, tietosuojailmoitus) says the controller processes.

A declaration is a YAML file (format in the README; two real examples in rules/declarations/): the controller, the
data subject groups, the declared categories in the notice's own words, each mapped to data category keys
(rules/taxonomy) and quoting the sentence it comes from, the purposes with their legal bases, retention, transfers
outside the EU/EEA and recipients. Errors name the file and the field.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pdscan.compliance.taxonomy import Taxonomy, taxonomy
from pdscan.errors import ConfigError
from pdscan.resources import builtin_rules_dir
from pdscan.suggest import close_matches, did_you_mean
from pdscan.yamlfile import load_yaml

SUPPORTED_VERSIONS = (1,)
# GDPR Art. 6(1) (a)-(f), by the names declarations use.
LEGAL_BASES = ("consent", "contract", "legal_obligation", "vital_interests", "public_task", "legitimate_interests")
_TOP = {"version", "controller", "notice", "subjects", "categories", "purposes", "retention", "transfers", "recipients",
        "draft", "systems", "data_sources", "automated_decisions"}  # fmt: skip


@dataclass(frozen=True)
class Subject:
    id: str
    name: str
    source: str


@dataclass(frozen=True)
class DeclaredCategory:
    name: str  # the notice's own wording
    keys: tuple[str, ...]
    subjects: tuple[str, ...]
    source: str  # the sentence of the notice it comes from
    note: str | None = None  # how the wording was read, where it needed reading


@dataclass(frozen=True)
class System:
    """Where a subject group's data lives: globs on a source, file path or table (``hr/*``, ``*henkilosto*``)."""

    match: tuple[str, ...]
    subject: str


@dataclass(frozen=True)
class RetentionPeriod:
    """How long a subject group's data may be kept (``retention.periods[]``): an ISO 8601 period counted from the
    row's latest date (``counted_from`` empty) or from the latest of the named date columns. ``subjects`` empty:
    every group the other periods do not name."""

    period: str
    subjects: tuple[str, ...] = ()
    counted_from: tuple[str, ...] = ()
    source: str | None = None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"subjects": list(self.subjects), "period": self.period}
        out["counted_from"] = list(self.counted_from) if self.counted_from else "latest"
        if self.source:
            out["source"] = self.source
        return out


@dataclass(frozen=True)
class Purpose:
    name: str
    legal_bases: tuple[str, ...]
    source: str


@dataclass(frozen=True)
class Declaration:
    path: str
    controller: dict[str, str]
    notice: dict[str, str]
    subjects: tuple[Subject, ...]
    categories: tuple[DeclaredCategory, ...]
    purposes: tuple[Purpose, ...]
    retention: dict[str, str] = field(default_factory=dict)
    transfers: dict[str, Any] = field(default_factory=dict)
    recipients: tuple[dict[str, str], ...] = ()
    systems: tuple[System, ...] = ()
    # Where the data comes from (Art. 14(2)(f), 15(1)(g)): [{name, source}], in the notice's words.
    data_sources: tuple[dict[str, str], ...] = ()
    # Art. 22 decisions: {used: bool, logic: ..., source: ...}; None when the notice does not say.
    automated_decisions: dict[str, Any] | None = None
    # A draft's open review items (``draft.review``): decisions left to a human. A draft with any is a draft:
    # ``declarations check`` fails until each is resolved (deleted) or accepted (moved to ``draft.accepted``).
    review: tuple[str, ...] = ()
    # Machine-readable retention (``retention.periods``, or the older single ``retention.period`` for every group).
    retention_periods: tuple[RetentionPeriod, ...] = ()

    def subject_names(self, ids: tuple[str, ...]) -> list[str]:
        by_id = {s.id: s.name for s in self.subjects}
        return [by_id.get(i, i) for i in ids]

    def to_dict(self) -> dict[str, Any]:
        return {
            "file": self.path,
            "controller": dict(self.controller),
            "notice": dict(self.notice),
            "subjects": [{"id": s.id, "name": s.name} for s in self.subjects],
            "retention": {
                **self.retention,
                **({"periods": [p.to_dict() for p in self.retention_periods]} if self.retention_periods else {}),
            },
            "transfers": dict(self.transfers),
        }


def builtin_declarations() -> dict[str, Path]:
    """The example declarations shipped with pdscan, by name (entrack, entteri)."""
    return {p.stem: p for p in sorted((builtin_rules_dir() / "declarations").glob("*.yaml"))}


def load_declaration(spec: str | Path) -> Declaration:
    """Load a declaration file, or a shipped example by name (``entrack``)."""
    path = Path(spec)
    if not path.exists() and str(spec) in builtin_declarations():
        path = builtin_declarations()[str(spec)]
    elif not path.exists():
        _no_such_declaration(str(spec), path)
    name = str(spec)
    data: Any = load_yaml(path, name, "declaration")
    return parse_declaration(data, name, taxonomy())


def _no_such_declaration(spec: str, path: Path) -> None:
    """A declaration that is neither a file nor a shipped name: suggest the shipped name or the YAML file beside it
    that was probably meant (``entrak`` → entrack, ``notices/privasy.yaml`` → notices/privacy.yaml)."""
    candidates = {name: name for name in builtin_declarations()}
    if path.parent.is_dir():
        for sibling in sorted(path.parent.glob("*.y*ml")):
            shown = sibling.name if path.parent == Path() else str(path.parent / sibling.name)
            candidates[sibling.name] = shown
            candidates.setdefault(sibling.stem, shown)
    guesses = close_matches(path.name, list(candidates), limit=2)
    if guesses:
        meant = list(dict.fromkeys(candidates[g] for g in guesses))
        raise ConfigError(spec, "", f"no such declaration file or shipped declaration{did_you_mean(meant)}")


_PERIOD = re.compile(r"^P(?:(?P<y>\d+)Y)?(?:(?P<m>\d+)M)?(?:(?P<w>\d+)W)?(?:(?P<d>\d+)D)?$")


def parse_period(text: str) -> int | None:
    """An ISO 8601 date duration (P2Y, P18M, P6Y6M, P90D) in days (a year is 365.25 days), or None."""
    match = _PERIOD.match(text.strip().upper())
    if match is None or not any(match.groupdict().values()):
        return None
    y, m, w, d = (int(match.group(k) or 0) for k in ("y", "m", "w", "d"))
    return round(y * 365.25 + m * 30.44 + w * 7 + d)


def period_start(text: str, today: dt.date) -> dt.date:
    """The first day a period counted back from ``today`` still covers, by the calendar: P3Y on 2025-06-30 ->
    2022-06-30 (a row dated before it is older than the period). The day is clamped to the month's end."""
    match = _PERIOD.match(text.strip().upper())
    if match is None or not any(match.groupdict().values()):
        raise ValueError(f"not an ISO 8601 date duration: {text!r}")
    y, m, w, d = (int(match.group(k) or 0) for k in ("y", "m", "w", "d"))
    months = today.year * 12 + today.month - 1 - (y * 12 + m)
    year, month = divmod(months, 12)
    month += 1
    last = calendar.monthrange(year, month)[1]
    return dt.date(year, month, min(today.day, last)) - dt.timedelta(weeks=w, days=d)


def _fail(path: str, field_name: str, reason: str) -> ConfigError:
    return ConfigError(path, field_name, reason)


def _text(path: str, data: dict[str, Any], key: str, where: str, required: bool = True) -> str:
    value = data.get(key)
    if value is None and not required:
        return ""
    if not isinstance(value, str) or not value.strip():
        raise _fail(path, f"{where}{key}", "required text")
    return " ".join(value.split())


def _mapping(path: str, value: Any, where: str) -> dict[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise _fail(path, where, "a mapping")
    return value


def _items(path: str, value: Any, where: str) -> list[dict[str, Any]]:
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        raise _fail(path, where, "a list of mappings")
    return value


def parse_declaration(data: Any, path: str, known: Taxonomy) -> Declaration:
    if not isinstance(data, dict):
        raise _fail(path, "(top level)", "a mapping with version, controller, subjects and categories")
    for key in data:
        if key not in _TOP:
            raise _fail(path, str(key), f"unknown field; allowed: {', '.join(sorted(_TOP))}")
    if data.get("version") not in SUPPORTED_VERSIONS:
        raise _fail(path, "version", f"must be one of {list(SUPPORTED_VERSIONS)}")
    controller = _mapping(path, data.get("controller"), "controller")
    _text(path, controller, "name", "controller.")
    subjects = []
    for i, item in enumerate(_items(path, data.get("subjects"), "subjects")):
        where = f"subjects[{i}]."
        subjects.append(
            Subject(
                _text(path, item, "id", where), _text(path, item, "name", where), _text(path, item, "source", where)
            )
        )
    if not subjects:
        raise _fail(path, "subjects", "at least one data subject group")
    subject_ids = {s.id for s in subjects}
    categories = []
    for i, item in enumerate(_items(path, data.get("categories"), "categories")):
        where = f"categories[{i}]."
        keys = item.get("keys")
        if not isinstance(keys, list) or not keys or not all(isinstance(k, str) for k in keys):
            raise _fail(path, f"{where}keys", "a list of data category keys, e.g. [user.contact.email]")
        for key in keys:
            if key not in known:
                raise _fail(path, f"{where}keys", f"unknown data category '{key}' (see rules/taxonomy)")
        subjects_of = item.get("subjects") or sorted(subject_ids)
        if not isinstance(subjects_of, list) or not set(subjects_of) <= subject_ids:
            raise _fail(path, f"{where}subjects", f"ids of declared subjects: {sorted(subject_ids)}")
        categories.append(
            DeclaredCategory(
                name=_text(path, item, "name", where),
                keys=tuple(keys),
                subjects=tuple(subjects_of),
                source=_text(path, item, "source", where),
                note=_text(path, item, "note", where, required=False) or None,
            )
        )
    if not categories:
        raise _fail(path, "categories", "at least one declared category")
    purposes = []
    for i, item in enumerate(_items(path, data.get("purposes"), "purposes")):
        where = f"purposes[{i}]."
        bases = item.get("legal_bases") or []
        if not isinstance(bases, list) or not set(bases) <= set(LEGAL_BASES):
            raise _fail(path, f"{where}legal_bases", f"a list of {', '.join(LEGAL_BASES)}")
        purposes.append(Purpose(_text(path, item, "name", where), tuple(bases), _text(path, item, "source", where)))
    recipients = tuple(
        {
            "name": _text(path, item, "name", f"recipients[{i}]."),
            "source": _text(path, item, "source", f"recipients[{i}]."),
        }
        for i, item in enumerate(_items(path, data.get("recipients"), "recipients"))
    )
    data_sources = tuple(
        {
            "name": _text(path, item, "name", f"data_sources[{i}]."),
            "source": _text(path, item, "source", f"data_sources[{i}]."),
        }
        for i, item in enumerate(_items(path, data.get("data_sources"), "data_sources"))
    )
    drafted = _mapping(path, data.get("draft"), "draft")
    for field_name in ("review", "accepted"):
        items = drafted.get(field_name) or []
        if not isinstance(items, list) or not all(isinstance(i, str) for i in items):
            raise _fail(path, f"draft.{field_name}", "a list of review items (text)")
    automated: dict[str, Any] | None = None
    if data.get("automated_decisions") is not None:
        automated = _mapping(path, data.get("automated_decisions"), "automated_decisions")
        if not isinstance(automated.get("used"), bool):
            raise _fail(path, "automated_decisions.used", "true or false")
        _text(path, automated, "source", "automated_decisions.")
    systems = []
    for i, item in enumerate(_items(path, data.get("systems"), "systems")):
        where = f"systems[{i}]."
        match = item.get("match")
        patterns = [match] if isinstance(match, str) else match
        if not isinstance(patterns, list) or not patterns or not all(isinstance(m, str) for m in patterns):
            raise _fail(path, f"{where}match", "a glob or a list of globs on sources, files and tables")
        subject = _text(path, item, "subject", where)
        if subject not in subject_ids:
            raise _fail(path, f"{where}subject", f"the id of a declared subject: {sorted(subject_ids)}")
        systems.append(System(tuple(patterns), subject))
    retention = dict(_mapping(path, data.get("retention"), "retention"))
    periods = _retention_periods(path, retention, subject_ids)
    transfers = _mapping(path, data.get("transfers"), "transfers")
    if transfers and not isinstance(transfers.get("outside_eea"), bool):
        raise _fail(path, "transfers.outside_eea", "true or false")
    return Declaration(
        path=path,
        controller={k: str(v) for k, v in controller.items()},
        notice={k: str(v) for k, v in _mapping(path, data.get("notice"), "notice").items()},
        subjects=tuple(subjects),
        categories=tuple(categories),
        purposes=tuple(purposes),
        retention={k: " ".join(str(v).split()) for k, v in retention.items()},
        transfers={k: (" ".join(v.split()) if isinstance(v, str) else v) for k, v in transfers.items()},
        recipients=recipients,
        systems=tuple(systems),
        data_sources=data_sources,
        automated_decisions=automated,
        retention_periods=periods,
        review=tuple(drafted.get("review") or ()),
    )


_PERIOD_HELP = "an ISO 8601 duration such as P2Y, P18M or P6Y6M"


def _retention_periods(path: str, retention: dict[str, Any], subject_ids: set[str]) -> tuple[RetentionPeriod, ...]:
    """``retention.periods`` (taken out of ``retention``, whose other fields stay text), or the older single
    ``retention.period`` as one period for every group."""
    if "period" in retention and parse_period(str(retention["period"])) is None:
        raise _fail(path, "retention.period", _PERIOD_HELP)
    items = _items(path, retention.pop("periods", None), "retention.periods")
    out = []
    for i, item in enumerate(items):
        where = f"retention.periods[{i}]."
        for key in item:
            if key not in ("subjects", "period", "counted_from", "source"):
                raise _fail(path, f"{where}{key}", "unknown field; allowed: counted_from, period, source, subjects")
        period = item.get("period")
        if not isinstance(period, str) or parse_period(period) is None:
            raise _fail(path, f"{where}period", f"{_PERIOD_HELP} (got {period!r})")
        subjects = item.get("subjects") or []
        if isinstance(subjects, str):
            subjects = [subjects]
        if not isinstance(subjects, list) or not set(subjects) <= subject_ids:
            raise _fail(path, f"{where}subjects", f"ids of declared subjects: {sorted(subject_ids)}")
        counted = item.get("counted_from", "latest")
        if isinstance(counted, str):
            counted = [] if counted == "latest" else [counted]
        if not isinstance(counted, list) or not all(isinstance(c, str) and c.strip() for c in counted):
            raise _fail(path, f"{where}counted_from", "latest, or a list of date column names")
        source = _text(path, item, "source", where, required=False) or None
        out.append(RetentionPeriod(period.strip().upper(), tuple(subjects), tuple(counted), source))
    if not out and "period" in retention:
        out.append(RetentionPeriod(str(retention["period"]).strip().upper()))
    return tuple(out)
