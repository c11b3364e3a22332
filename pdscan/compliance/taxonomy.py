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


@dataclass(frozen=True)
class Category:
    key: str
    name: str
    risk: str = "normal"  # "high": GDPR Art. 9 special categories and national identity codes
    article: str | None = None
    replaced_by: str | None = None


@dataclass(frozen=True)
class Taxonomy:
    categories: dict[str, Category]
    source: str

    def canonical(self, key: str) -> str:
        category = self.categories.get(key)
        return category.replaced_by if category and category.replaced_by else key

    def __contains__(self, key: object) -> bool:
        return key in self.categories

    def get(self, key: str) -> Category:
        return self.categories[self.canonical(key)]

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
        unknown = set(fields) - {"name", "risk", "article", "replaced_by"}
        if unknown:  # an unquoted comma in a flow mapping turns the rest of a name into a field
            raise ConfigError(str(path), f"categories.{key}", f"unknown fields {sorted(map(str, unknown))}")
        categories[key] = Category(
            key=key,
            name=str(fields.get("name", key)),
            risk=str(fields.get("risk", "normal")),
            article=fields.get("article"),
            replaced_by=fields.get("replaced_by"),
        )
    if not categories:
        raise ConfigError(str(path), "", "no categories (is rules/taxonomy installed?)")
    return Taxonomy(categories, str(data.get("source", "")))
