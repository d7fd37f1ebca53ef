"""The whitelisted functions of the expression language, and the value helpers they share
with the evaluator (three-valued truth, dates, emptiness, number checks).

Values are JSON-like (see :mod:`kiosk_app.core.expr`). A function never sees an unevaluated
argument except ``if``, which is lazy: ``call_function`` gets the argument nodes and an
``evaluate(node)`` callback.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from datetime import date
from typing import Any

from kiosk_app.core import vn_words
from kiosk_app.core.expr_parse import ExprError, Node

# name -> (min args, max args or None for any)
FUNCTIONS: dict[str, tuple[int, int | None]] = {
    "len": (1, 1),
    "count": (1, 1),
    "sum": (1, 2),
    "min": (1, None),
    "max": (1, None),
    "round": (1, 2),
    "int": (1, 1),
    "str": (1, 1),
    "if": (3, 3),
    "empty": (1, 1),
    "coalesce": (1, None),
    "today": (0, 0),
    "age": (1, 2),
    "year": (1, 1),
    "days_between": (2, 2),
    "matches": (2, 2),
    "date_words": (1, 1),
    "number_words": (1, 1),
    "clamp": (3, 3),
}


def truthy(value: Any) -> bool | None:
    """Three-valued truth: None stays None; other values use Python truthiness."""
    return None if value is None else bool(value)


def to_date(value: Any) -> date | None:
    """A ``date`` from a date or ISO string; None for null or an unparseable value."""
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip()[:10])
        except ValueError:
            return None
    return None


def as_number(value: Any, what: str, col: int) -> int | float:
    """``value`` if it is an int or float (not a bool); else ExprError naming ``what``."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ExprError(f"{what} needs a number, got {type(value).__name__}", col)
    return value


def type_name(v: Any) -> str:
    """The value's kind as error messages name it (``null`` for None)."""
    return "null" if v is None else type(v).__name__


def is_empty(v: Any) -> bool:
    """None, blank text, an empty list, or a dict whose values are all empty."""
    if v is None:
        return True
    if isinstance(v, str):
        return v.strip() == ""
    if isinstance(v, (list, dict)):
        return len(v) == 0 or (isinstance(v, dict) and all(is_empty(x) for x in v.values()))
    return False


def _age(born: date, on: date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def call_function(
    f: str,
    arg_nodes: tuple[Node, ...],
    evaluate: Callable[[Node], Any],
    today: date | None,
    col: int,
) -> Any:
    """Value of the whitelisted function ``f`` (arity already checked by the parser).

    ``today`` fixes ``today()`` and one-argument ``age()``; None means the clock.
    """
    if f == "if":
        cond = truthy(evaluate(arg_nodes[0]))
        return evaluate(arg_nodes[1] if cond else arg_nodes[2])
    args = [evaluate(a) for a in arg_nodes]
    if f == "empty":
        return is_empty(args[0])
    if f == "coalesce":
        return next((a for a in args if not is_empty(a)), None)
    if f == "today":
        return (today or date.today()).isoformat()
    if f in ("len", "count"):
        v = args[0]
        if v is None:
            return 0
        if not isinstance(v, (str, list, dict)):
            raise ExprError(f"{f}() needs a text or list, got {type_name(v)}", col)
        return len(v)
    if f == "sum":
        items = args[0]
        if items is None:
            return 0
        if not isinstance(items, list):
            raise ExprError(f"sum() needs a list, got {type_name(items)}", col)
        if len(args) == 2:
            key = args[1]
            items = [it.get(key) if isinstance(it, dict) else None for it in items]
        total: int | float = 0
        for v in items:
            if v is not None:
                total += as_number(v, "sum()", col)
        return total
    if f in ("min", "max"):
        values = args[0] if len(args) == 1 and isinstance(args[0], list) else args
        if not values or any(v is None for v in values):
            return None
        for v in values:
            if not isinstance(v, str):
                as_number(v, f + "()", col)
        try:
            return min(values) if f == "min" else max(values)
        except TypeError as e:
            raise ExprError(f"{f}() cannot compare mixed values", col) from e
    if f == "clamp":
        if any(v is None for v in args):
            return None
        x, lo, hi = (as_number(v, "clamp()", col) for v in args)
        return max(lo, min(x, hi))
    if f == "round":
        if args[0] is None:
            return None
        x = as_number(args[0], "round()", col)
        digits = int(as_number(args[1], "round()", col)) if len(args) == 2 else 0
        if digits <= 0:  # half away from zero, as people round money
            q = 10 ** (-digits)
            return int(math.copysign(math.floor(abs(x) / q + 0.5), x)) * q
        return round(x, digits)
    if f == "int":
        v = args[0]
        if v is None:
            return None
        if isinstance(v, str):
            try:
                return int(v.strip())
            except ValueError:
                return None
        return int(as_number(v, "int()", col))
    if f == "str":
        v = args[0]
        if v is None:
            return None
        if isinstance(v, bool):
            return "true" if v else "false"
        return str(v)
    if f == "matches":
        value, pattern = args
        if value is None:
            return None
        if not isinstance(pattern, str):
            raise ExprError("matches() needs a regex text", col)
        try:
            return re.fullmatch(pattern, str(value)) is not None
        except re.error as e:
            raise ExprError(f"bad regex in matches(): {e}", col) from e
    if f in ("year", "age", "days_between", "date_words"):
        dates = [to_date(v) for v in args]
        if any(d is None for d in dates):
            return None
        if f == "year":
            return dates[0].year
        if f == "date_words":
            return vn_words.date_words(dates[0])
        if f == "age":
            on = dates[1] if len(dates) == 2 else (today or date.today())
            return _age(dates[0], on)
        return (dates[1] - dates[0]).days
    if f == "number_words":
        v = args[0]
        if v is None:
            return None
        x = as_number(v, "number_words()", col)
        return vn_words.number_words(int(x))
    raise ExprError(f"unknown function {f!r}", col)  # pragma: no cover - parse rejects
