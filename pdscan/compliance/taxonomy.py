"""The data category taxonomy (fideslang keys) shipped in rules/taxonomy/: what rules and declarations speak.

Keys are hierarchical: a declaration of ``user.contact`` covers ``user.contact.email``; ``user.health`` covers
``user.health.condition``. Keys fideslang renamed stay usable through ``replaced_by``.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

from pdscan.errors import ConfigError
from pdscan.resources import builtin_rules_dir
from pdscan.yamlfile import load_yaml

# "high": GDPR Art. 9 and 10 and national identity codes; "elevated": harmful when it leaks (financial data).
RISKS = ("normal", "elevated", "high")


@dataclass(frozen=True)
class Category:
    key: str
    name: str
    risk: str = "normal"  # one of RISKS
    article: str | None = None
    replaced_by: str | None = None
    label: tuple[tuple[str, str], ...] = ()  # the name in other languages than English: (("fi", "Nimi"), ...)
    cv_documents: bool = False  # a CV-like document (a name, contact and birth date) is evidence of this category

    def label_in(self, lang: str) -> str:
        """The category's name in ``lang`` (``name`` for English or a language without a label)."""
        return dict(self.label).get(lang) or self.name


@dataclass(frozen=True)
class Taxonomy:
    categories: dict[str, Category]
    source: str

    def canonical(self, key: str) -> str:
        category = self.categories.get(key)
        return category.replaced_by if category and category.replaced_by else key

    @property
    def cv_keys(self) -> list[str]:
        """The categories a CV-like document is evidence of (``cv_documents`` in the taxonomy)."""
        return [key for key, category in self.categories.items() if category.cv_documents]

    def __contains__(self, key: object) -> bool:
        return key in self.categories

    def get(self, key: str) -> Category:
        return self.categories[self.canonical(key)]

    def risk(self, key: str) -> Category | None:
        """The category at or above ``key`` that gives it a risk ("high", or "elevated"), the most specific first;
        a "high" one wins over an "elevated" one."""
        parts = self.canonical(key).split(".")
        above = [self.categories.get(".".join(parts[:i])) for i in range(len(parts), 0, -1)]
        marked = [c for c in above if c is not None and c.risk != "normal"]
        return next((c for c in marked if c.risk == "high"), marked[0] if marked else None)

    def high_risk(self, key: str) -> bool:
        """A key, or any key above it, that GDPR Art. 9 or national law protects specially."""
        key = self.canonical(key)
        parts = key.split(".")
        return any(
            self.categories.get(".".join(parts[:i]), Category("", "")).risk == "high" for i in range(1, len(parts) + 1)
        )


def covers(declared: str, found: str, taxonomy: Taxonomy) -> bool:
    """Whether a declared key covers a found key: the same key or one of its ancestors."""
    declared, found = taxonomy.canonical(declared), taxonomy.canonical(found)
    return found == declared or found.startswith(declared + ".")


@functools.lru_cache(maxsize=1)
def taxonomy() -> Taxonomy:
    path = builtin_rules_dir() / "taxonomy" / "data_categories.yaml"
    data: Any = load_yaml(path)
    categories = {}
    for key, fields in (data.get("categories") or {}).items():
        fields = fields or {}
        unknown = set(fields) - {"name", "risk", "article", "replaced_by", "label", "cv_documents"}
        if unknown:  # an unquoted comma in a flow mapping turns the rest of a name into a field
            raise ConfigError(str(path), f"categories.{key}", f"unknown fields {sorted(map(str, unknown))}")
        if fields.get("risk", "normal") not in RISKS:
            raise ConfigError(str(path), f"categories.{key}.risk", f"one of {', '.join(RISKS)}")
        if not isinstance(fields.get("label") or {}, dict):
            raise ConfigError(str(path), f"categories.{key}.label", "a mapping of language codes to names")
        categories[key] = Category(
            key=key,
            name=str(fields.get("name", key)),
            risk=str(fields.get("risk", "normal")),
            article=fields.get("article"),
            replaced_by=fields.get("replaced_by"),
            label=tuple(sorted((str(k), str(v)) for k, v in (fields.get("label") or {}).items())),
            cv_documents=fields.get("cv_documents") is True,
        )
    if not categories:
        raise ConfigError(str(path), "", "no categories (is rules/taxonomy installed?)")
    return Taxonomy(categories, str(data.get("source", "")))
