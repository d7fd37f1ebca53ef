"""A safety check of YAML-loaded data before anything walks it (catalogue, forms, blocks).

No imports from the rest of the program, so the catalogue checker, its loader and the form
engine can all use it.
"""

from __future__ import annotations

from typing import Any

MAX_DEPTH = 32  # the shipped files nest at most 10 deep
MAX_VALUES = 100_000  # the largest shipped form has ~2,000


def shape_problem(data: Any) -> str | None:
    """Why YAML-loaded ``data`` is unsafe to walk, or None.

    YAML anchors make a few lines expand to billions of values ("billion laughs": walking
    them takes minutes) or to a structure that contains itself (``&a [*a]``: every recursive
    walk overflows), and deep nesting overflows as well. Walked without recursion, counting.
    """
    stack, seen = [(data, 1)], 0
    while stack:
        node, depth = stack.pop()
        seen += 1
        if seen > MAX_VALUES:
            return f"more than {MAX_VALUES} values (anchors/aliases expanding?)"
        if depth > MAX_DEPTH:
            return f"nested more than {MAX_DEPTH} levels deep (or contains itself)"
        if isinstance(node, dict):
            stack.extend((v, depth + 1) for v in node.values())
        elif isinstance(node, list):
            stack.extend((v, depth + 1) for v in node)
    return None
