"""The report model's hand-written serialisation keeps up with its fields."""

from __future__ import annotations

from dataclasses import fields

from pdscan.model import Location


def test_a_location_writes_every_field_it_has_and_only_those() -> None:
    names = [f.name for f in fields(Location)]
    full = Location(**{name: f"v-{name}" for name in names})
    # to_dict lists the fields by hand (dataclasses.asdict was slow): a new field must be added there too.
    assert full.to_dict() == {name: f"v-{name}" for name in names}
    assert list(full.to_dict()) == names
    assert Location(file="a.csv", column="x").to_dict() == {"file": "a.csv", "column": "x"}
    assert Location(**full.to_dict()) == full
