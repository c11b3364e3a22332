"""Build the international name lexicon rules/lexicons/names_world.tsv from name statistics that PyPI packages ship.

Sources (read at build time, never imported by pdscan):

* US Census 1990 name frequency files (`dist.male.first`, `dist.female.first`, `dist.all.last`; public domain, US
  government work) as shipped in the PyPI package `names` 0.3.0 (MIT).
* `nam_dict.txt` by Jörg Michael (GNU Free Documentation License 1.2 or later) as shipped in the PyPI package
  `gender-guesser` 0.4.0 (GPLv3 code): about 45,000 first names with a frequency code per country (55 countries
  or groups plus "other countries").

Install them into a throwaway venv, not into the project, and run the script with that venv's interpreter from the
repository root (Debian's `wamerican` gives the English word list):

    python3 -m venv /tmp/lexvenv && /tmp/lexvenv/bin/pip install names==0.3.0 gender-guesser==0.4.0
    apt-get install wamerican
    /tmp/lexvenv/bin/python scripts/build_world_names.py

Writes rules/lexicons/names_world.tsv (name, kind, per_million) and rules/lexicons/name_ambiguous_world.txt (world
names that are also lower-case English dictionary words).

per_million is the estimated number of holders per million people, in the population where the name is most
common; first names and surnames use the same scale:

* census surname: percent × 10,000 (the census percent is the share of the whole population);
* census first name: (percent among men + percent among women) × 5,000 (each list is a share of one sex, and
  each sex is about half of the population);
* nam_dict first name: code c (1-13) means, per nam_dict's notes, a share of at least 2 % × 2^(c−10) of that
  sex ("10 = at least 2 percent, each step a factor of two"), so per_million = 10,000 × 2^(c−10) — the lower edge
  of the band, halved for the sex; 1 → 20, 4 → 156, 7 → 1,250, 10 → 10,000. Lines of both sexes (unisex
  names) are added up per country.

A name's value is the highest over the census and every nam_dict country. Cut-offs: first names of at least
MIN_FIRST_PER_MILLION (nam_dict code ≥ 4 in at least one country, or a census share of ≥ 0.031 % of one sex),
surnames of at least MIN_LAST_PER_MILLION (census share ≥ 0.001 %, about 2,500 holders in the US of 1990).
"""

from __future__ import annotations

import argparse
import importlib.util
import time
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "rules" / "lexicons"
MIN_FIRST_PER_MILLION = 150  # nam_dict code 4 is 156; census 0.030 % of one sex is 150
MIN_LAST_PER_MILLION = 10  # census 0.001 %, the smallest non-zero share the surname file gives
COUNTRY_COLUMNS = slice(30, 86)  # 56 one-character columns: 55 countries or groups and "other countries"
# Month and weekday names that are also given names: English capitalises them, so the dictionary has them only
# capitalised, but in running text they are as ambiguous as "may".
CALENDAR_WORDS = """
january february march april may june july august september october november december
monday tuesday wednesday thursday friday saturday sunday
"""
# Languages, nationalities and faiths that are also surnames (English, French, Christian): capitalised in English, so
# the dictionary has them only capitalised, and in text ("English headers", "French wines") they name no one.
GROUP_WORDS = """
english french german dutch welsh irish scottish scott swedish finnish norwegian danish spanish italian polish
russian chinese japanese korean indian american british canadian australian african european asian latin greek
roman christian catholic jewish muslim hindu arab persian turkish hungarian czech swiss austrian belgian
"""


def package_dir(name: str) -> Path:
    spec = importlib.util.find_spec(name)
    if spec is None or spec.origin is None:
        raise SystemExit(f"package {name!r} not found: run with /tmp/lexvenv/bin/python (see this script's docstring)")
    return Path(spec.origin).parent


def normalise(name: str) -> str:
    """Lower-case a name; Turkish dotted İ and the Dutch ĳ ligature become plain letters."""
    return name.replace("İ", "I").replace("Ĳ", "IJ").replace("ĳ", "ij").lower()


def census(path: Path) -> Iterator[tuple[str, float]]:
    """(name, percent) from a census file: NAME, percent, cumulative percent, rank."""
    with path.open(encoding="ascii") as fh:
        for line in fh:
            parts = line.split()
            if len(parts) == 4:
                yield normalise(parts[0]), float(parts[1])


def nam_dict(path: Path) -> dict[str, float]:
    """name -> the highest per-million estimate over the countries of nam_dict.txt."""
    per_country: dict[str, dict[int, float]] = defaultdict(lambda: defaultdict(float))
    with path.open(encoding="utf-8") as fh:
        for raw in fh:
            line = raw.rstrip("\r\n")
            # '#' comments, '=' equivalences; a '+' in column 30 marks a duplicate sorted by expanded umlauts.
            if not line or line[0] in "#=" or line[29:30] == "+":
                continue
            name = line[3:29].strip()
            columns = line[COUNTRY_COLUMNS]
            for index, char in enumerate(columns):
                if char != " ":
                    per_country[name][index] += 10_000 * 2 ** (int(char, 16) - 10)
    best: dict[str, float] = {}
    for name, countries in per_country.items():
        value = max(countries.values())
        # '+' joins parts of Arabic, Chinese and Korean names: "Abdel+Aziz" is Abdelaziz, Abdel-Aziz or Abdel Aziz.
        # The spaced form is two tokens, so the joined and hyphenated ones are kept.
        forms = {name.replace("+", ""), name.replace("+", "-")}
        for form in forms:
            key = normalise(form)
            best[key] = max(best.get(key, 0.0), value)
    return best


def dictionary_words(path: Path) -> set[str]:
    """Lower-case entries of a word list (one word a line); capitalised entries are proper nouns."""
    words: set[str] = set()
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            word = line.strip()
            if word and word == word.lower() and "'" not in word:
                words.add(word)
    return words


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--words", type=Path, default=Path("/usr/share/dict/words"), help="English word list")
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument(
        "--census-only", action="store_true", help="leave out nam_dict.txt (GNU FDL): public-domain data only"
    )
    parser.add_argument("--min-first", type=float, default=MIN_FIRST_PER_MILLION, help="first-name cut-off")
    parser.add_argument("--min-last", type=float, default=MIN_LAST_PER_MILLION, help="surname cut-off")
    args = parser.parse_args()
    started = time.perf_counter()

    census_dir = package_dir("names")
    first: dict[str, float] = defaultdict(float)
    for sex_file in ("dist.male.first", "dist.female.first"):
        for name, percent in census(census_dir / sex_file):
            first[name] += percent * 5_000
    last = {name: percent * 10_000 for name, percent in census(census_dir / "dist.all.last")}
    census_first = len(first)
    if not args.census_only:
        for name, value in nam_dict(package_dir("gender_guesser") / "data" / "nam_dict.txt").items():
            first[name] = max(first[name], value)

    rows = [(n, "first", round(v)) for n, v in first.items() if v >= args.min_first]
    rows += [(n, "last", round(v)) for n, v in last.items() if v >= args.min_last]
    rows.sort(key=lambda r: (r[1], -r[2], r[0]))
    args.out.mkdir(parents=True, exist_ok=True)
    with (args.out / "names_world.tsv").open("w", encoding="utf-8", newline="\n") as fh:
        fh.write(
            "# Derived from US Census 1990 name files (public domain) and Jörg Michael's nam_dict.txt (GNU FDL 1.2+);"
            " see rules/lexicons/README.md. name\tkind\tper_million\n"
        )
        for name, kind, value in rows:
            fh.write(f"{name}\t{kind}\t{value}\n")

    words = dictionary_words(args.words) | set(CALENDAR_WORDS.split()) | set(GROUP_WORDS.split())
    ambiguous = sorted({name for name, _, _ in rows} & words)
    (args.out / "name_ambiguous_world.txt").write_text(
        "# World names (names_world.tsv) that are also lower-case English words (Debian wamerican), months,"
        " weekdays, languages or nationalities: weak evidence on their own.\n" + "\n".join(ambiguous) + "\n",
        encoding="utf-8",
    )
    firsts = sum(1 for r in rows if r[1] == "first")
    print(
        f"{firsts} first names (of {len(first)}; {census_first} in the census), {len(rows) - firsts} surnames"
        f" (of {len(last)}), {len(ambiguous)} ambiguous -> {args.out} in {time.perf_counter() - started:.1f} s"
    )


if __name__ == "__main__":
    main()
