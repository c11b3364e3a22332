"""The name lexicon's cache (names.lexicon): read back, it is the lexicon built from the files; a damaged file is
built again; a change to a source file makes a new key, never a stale lexicon."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from pdscan.detect import names

LEXICONS = names.builtin_rules_dir() / "lexicons"


@pytest.fixture
def fresh(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Path]:
    """An empty cache folder and no lexicon in memory; the process's lexicon is cleared again afterwards."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    names.lexicon.cache_clear()
    yield tmp_path / "cache" / "pdscan"
    names.lexicon.cache_clear()


def test_the_cached_lexicon_is_the_built_one(fresh: Path) -> None:
    built = names.lexicon()
    (path,) = fresh.glob("lexicon-*.json")
    assert names._read_lexicon(path) == built == names._build_lexicon(LEXICONS)
    names.lexicon.cache_clear()
    assert names.lexicon() == built  # the second process reads it


@pytest.mark.parametrize(
    "text",
    ["", "{not json", "[]", '{"first": []}', "\udcff".encode("utf-8", "surrogatepass").decode("latin-1")],
    ids=["empty", "truncated", "a list", "fields missing", "not UTF-8"],
)
def test_a_damaged_cache_file_is_built_again(fresh: Path, text: str) -> None:
    names.lexicon()
    (path,) = fresh.glob("lexicon-*.json")
    path.write_text(text, encoding="latin-1")
    names.lexicon.cache_clear()
    assert names.lexicon() == names._build_lexicon(LEXICONS)
    assert names._read_lexicon(path) is not None  # and written again whole


def test_a_wrong_type_in_the_cache_file_is_built_again(fresh: Path) -> None:
    names.lexicon()
    (path,) = fresh.glob("lexicon-*.json")
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace('"lemma": {', '"lemma": [{', 1).replace("}}", "}]}"), encoding="utf-8")
    assert names._read_lexicon(path) is None


def test_a_changed_source_file_makes_a_new_key(fresh: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    names.lexicon()
    rules = tmp_path / "rules"
    shutil.copytree(LEXICONS, rules / "lexicons")
    with (rules / "lexicons" / "names.tsv").open("a", encoding="utf-8") as fh:
        fh.write("zyxwvutsrq\tfirst\t5000\n")
    monkeypatch.setattr(names, "builtin_rules_dir", lambda: rules)
    names.lexicon.cache_clear()
    assert "zyxwvutsrq" in names.lexicon().first
    assert len(list(fresh.glob("lexicon-*.json"))) == 2


def test_an_unwritable_cache_only_costs_the_build(fresh: Path) -> None:
    fresh.parent.mkdir(parents=True)
    fresh.write_text("a file where the folder would be", encoding="utf-8")
    assert names.lexicon() == names._build_lexicon(LEXICONS)
