"""The name lexicon's cache (names.lexicon): read back, it is the lexicon built from the files; a damaged file is
built again; a change to a source file makes a new key, never a stale lexicon."""

from __future__ import annotations

import json
import shutil
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from pdscan.detect import names
from pdscan.resources import user_cache_dir

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


@pytest.mark.parametrize(
    "change",
    [
        lambda d: d.update(lemma=[d["lemma"]]),  # a list where the mapping was
        lambda d: d.update(first=[[w] for w in d["first"]]),  # lists where words were: unhashable
        lambda d: d.update(last=[1, 2, 3]),  # numbers where words were
        lambda d: d["lemma"].update(virtasen=["virtanen"]),  # a list where a base name was
        lambda d: d.pop("finnish"),  # a field missing
    ],
    ids=["lemma a list", "words lists", "words numbers", "a base name a list", "a field missing"],
)
def test_valid_json_of_the_wrong_shape_is_built_again(fresh: Path, change: Any) -> None:
    names.lexicon()
    (path,) = fresh.glob("lexicon-*.json")
    data = json.loads(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(json.dumps(data), encoding="utf-8")
    assert names._read_lexicon(path) is None
    names.lexicon.cache_clear()
    assert names.lexicon() == names._build_lexicon(LEXICONS)


def test_deeply_nested_json_is_built_again(fresh: Path) -> None:
    names.lexicon()
    (path,) = fresh.glob("lexicon-*.json")
    path.write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    assert names._read_lexicon(path) is None


def test_a_change_of_the_code_that_builds_it_makes_a_new_key(
    fresh: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    names.lexicon()
    (first,) = fresh.glob("lexicon-*.json")
    edited = tmp_path / "names.py"
    edited.write_bytes(Path(names.__file__).read_bytes() + b"\n# _STRONG_MIN_HOLDERS changed\n")
    monkeypatch.setattr(names, "__file__", str(edited))
    names.lexicon.cache_clear()
    names.lexicon()
    (second,) = fresh.glob("lexicon-*.json")  # the earlier key's file is removed
    assert second != first


def test_threads_that_ask_at_once_build_it_once(fresh: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    builds: list[int] = []
    build = names._build_lexicon

    def slow(directory: Path) -> names.Lexicon:
        builds.append(1)
        time.sleep(0.2)  # long enough for the other threads to reach the cache while it is built
        return build(directory)

    monkeypatch.setattr(names, "_build_lexicon", slow)
    with ThreadPoolExecutor(max_workers=4) as pool:
        lexicons = list(pool.map(lambda _: names.lexicon(), range(4)))
    assert len(builds) == 1  # the threads that waited read what the first one wrote
    assert all(lex == lexicons[0] for lex in lexicons)


def test_no_home_to_cache_in_only_costs_the_build(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    monkeypatch.delenv("HOME", raising=False)

    def homeless() -> Path:
        raise RuntimeError("Could not determine home directory.")

    monkeypatch.setattr(Path, "home", staticmethod(homeless))
    assert user_cache_dir() is None
    names.lexicon.cache_clear()
    try:
        assert names.lexicon() == names._build_lexicon(LEXICONS)
    finally:
        names.lexicon.cache_clear()


def test_a_failed_rename_leaves_no_temporary_file(fresh: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*_args: object) -> None:
        raise OSError("read-only")

    monkeypatch.setattr(names.os, "replace", refuse)
    names.lexicon()
    assert list(fresh.iterdir()) == []


def test_a_changed_source_file_makes_a_new_key(fresh: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    names.lexicon()
    rules = tmp_path / "rules"
    shutil.copytree(LEXICONS, rules / "lexicons")
    with (rules / "lexicons" / "names.tsv").open("a", encoding="utf-8") as fh:
        fh.write("zyxwvutsrq\tfirst\t5000\n")
    monkeypatch.setattr(names, "builtin_rules_dir", lambda: rules)
    names.lexicon.cache_clear()
    assert "zyxwvutsrq" in names.lexicon().first
    assert len(list(fresh.glob("lexicon-*.json"))) == 1  # the new key's; the earlier one is removed


def test_an_unwritable_cache_only_costs_the_build(fresh: Path) -> None:
    fresh.parent.mkdir(parents=True)
    fresh.write_text("a file where the folder would be", encoding="utf-8")
    assert names.lexicon() == names._build_lexicon(LEXICONS)
