"""Structural mutation of YAML-loaded data (dicts, lists, scalars) for fuzzing definitions."""

from __future__ import annotations

import copy
from typing import Any

from hypothesis import strategies as st

from tests.fuzz.strategies import hostile_text

SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(),
    hostile_text(max_size=40),
    st.sampled_from(
        [
            "text",
            "choice",
            "person",
            "date",
            "integer",
            "computed",
            "group",
            "repeat",
            "attachment",
            "address",
            "vi",
            "en",
            "id",
            "fields",
            "type",
        ]
    ),
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(
            st.sampled_from(
                [
                    "id",
                    "type",
                    "label",
                    "vi",
                    "en",
                    "fields",
                    "relevant",
                    "options",
                    1,
                    None,
                    "list",
                    "required",
                    "min",
                    "max",
                    "value_type",
                    "expr",
                    "x",
                ]
            )
            | hostile_text(10),
            inner,
            max_size=3,
        )
    ),
    max_leaves=8,
)


def _paths(node: Any, prefix: tuple = ()) -> list[tuple]:
    out = [prefix]
    if isinstance(node, dict):
        for k, v in node.items():
            out += _paths(v, (*prefix, k))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            out += _paths(v, (*prefix, i))
    return out


def _parent(root: Any, path: tuple) -> Any:
    for p in path[:-1]:
        root = root[p]
    return root


@st.composite
def mutated(draw: st.DrawFn, original: Any, max_edits: int = 3) -> Any:
    """``original`` (not changed) with 1..max_edits random edits: replace a node, delete a
    key or item, add a key, duplicate a list item, swap a scalar's type."""
    data = copy.deepcopy(original)
    for _ in range(draw(st.integers(1, max_edits))):
        paths = _paths(data)
        path = draw(st.sampled_from(paths))
        op = draw(st.sampled_from(["replace", "delete", "add", "dup", "stringify"]))
        if not path:
            if op == "replace":
                data = draw(VALUES)
            continue
        parent, key = _parent(data, path), path[-1]
        try:
            if op == "replace":
                parent[key] = draw(VALUES)
            elif op == "delete":
                del parent[key]
            elif op == "add" and isinstance(parent[key], dict):
                parent[key][draw(hostile_text(10) | st.sampled_from(["id", "type", "when"]))] = (
                    draw(VALUES)
                )
            elif op == "dup" and isinstance(parent, list):
                parent.insert(key, copy.deepcopy(parent[key]))
            elif op == "stringify":
                parent[key] = str(parent[key])[:80]
        except (KeyError, IndexError, TypeError):
            pass
    return data
