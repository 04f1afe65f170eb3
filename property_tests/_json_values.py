"""
Any JSON value, for laws that must hold on garbage too.

Leaves reach the edges: integers around ±2**63 and beyond, floats up to 1e308 and
-0.0, strings with any Unicode scalar (odd categories, combining marks, private use,
astral planes), sometimes long. Containers nest a few levels.
"""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

EDGE_NUMBERS = st.sampled_from(
    [0, -0.0, 2**63, -(2**63), 2**63 - 1, 2**64, -(2**64) - 1, 1e308, -1e308, 5e-324, 1.5, 1024]
)
ODD_TEXT = st.text(
    st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=40
) | st.sampled_from(
    ["", " ", "\u0000", "\ufeff", "\u200b\u200d", "e\u0301", "\U0001f600" * 3, "\ue000", "a" * 5000]
)
LEAVES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    EDGE_NUMBERS,
    st.floats(allow_nan=False, allow_infinity=False),
    ODD_TEXT,
)


def json_values(max_leaves: int = 12) -> st.SearchStrategy[Any]:
    """JSON values (objects keyed by odd text too); shrink towards ``None``."""
    return st.recursive(
        LEAVES,
        lambda inner: st.lists(inner, max_size=4) | st.dictionaries(ODD_TEXT, inner, max_size=4),
        max_leaves=max_leaves,
    )
