"""Strings read as bytes by the validators' column forms (issue 25): dropping bytes by numpy gives what the regular
expression replacement it replaced gives, and a byte matrix read without a gather is the one read with it, for any
text (beyond ASCII too), slices of arrays and both string types."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from hypothesis import given
from hypothesis import strategies as st

from pdscan.detect.validators import _byte_matrix, _byte_set, _dropping

# Digits of other scripts, separators of other scripts, the characters the validators keep, and plain text.
TEXT = st.text(alphabet=st.sampled_from([*"0123456789+ .-()FIfiAÄ", "٣", "\xa0", "–", "·", "é", "€", "\x00"]))
ARRAYS = st.tuples(
    st.lists(st.one_of(TEXT, st.none()), max_size=30),
    st.sampled_from([pa.string(), pa.large_string()]),
    st.integers(min_value=0, max_value=5),
)


def _array(drawn: tuple[list[str | None], pa.DataType, int]) -> pa.Array:
    values, kind, start = drawn
    return pa.array(values, kind).slice(min(start, len(values)))


@given(ARRAYS)
def test_dropping_gives_what_the_regex_replacement_gave(drawn: tuple[list[str | None], pa.DataType, int]) -> None:
    values = _array(drawn)
    for drop, regex in (
        (_byte_set("0123456789+", complement=True), "[^0-9+]"),
        (_byte_set("0123456789", complement=True), "[^0-9]"),
        (_byte_set(" .-"), "[ .-]"),
    ):
        assert _dropping(values, drop).to_pylist() == pc.replace_substring_regex(values, regex, "").to_pylist()


def _gathered(values: pa.Array, width: int) -> np.ndarray:
    """The byte matrix as the general path reads it: every row gathered from the data buffer."""
    rows = [(v or "").encode("utf-8")[:width] for v in values.to_pylist()]
    return np.array([list(r.ljust(width, b"\0")) for r in rows], dtype=np.uint8).reshape(len(rows), width)


@given(
    st.lists(st.text(alphabet="0123456789-AFXä", min_size=11, max_size=11), min_size=1, max_size=20),
    st.sampled_from([pa.string(), pa.large_string()]),
    st.integers(min_value=0, max_value=3),
    st.sampled_from([4, 11, 14]),
)
def test_values_of_one_length_read_as_the_gathered_matrix(
    values: list[str], kind: pa.DataType, start: int, width: int
) -> None:
    array = pa.array(["x" * 7, *values], kind).slice(1 + min(start, len(values) - 1))
    matrix, lengths = _byte_matrix(array, width)
    assert (matrix == _gathered(array, width)).all()
    assert lengths.tolist() == [len(v.encode("utf-8")) for v in array.to_pylist()]
