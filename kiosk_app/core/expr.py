"""The small, safe expression language of form definitions (never ``eval``).

Public API:

- ``parse(text: str) -> Expr`` — tokenise and parse; raises ``ExprError`` (with ``.column``,
  1-based) on a syntax error or an unknown function.  ``Expr`` is immutable and reusable.
- ``Expr.names: frozenset[str]`` — referenced field paths (``"mother.full_name"``, ``"pages"``;
  ``"."`` for the checked value); ``Expr.functions``; ``Expr.calls`` (name, args) pairs.
- ``compile_expr(text) -> Expr`` — ``parse`` with a cache.
- ``Expr.evaluate(env) -> Any`` — evaluate; raises ``ExprError`` only for a type error
  (e.g. ``'a' - 1``) or an unknown name.  ``env`` is an ``Env(lookup, self_value=None,
  today=None)`` whose ``lookup(name)`` returns a root name's value or raises ``KeyError``, or
  a plain mapping (missing names are null).
- ``FUNCTIONS`` — the whitelist: name → (min args, max args or None).

Layout: ``expr_parse`` (tokeniser, AST, parser), ``expr_funcs`` (the whitelisted functions
and shared value helpers); this module walks the tree and is the one callers import.

Grammar (lowest to highest precedence)::

    expr    := or
    or      := and ('or' and)*
    and     := not ('and' not)*
    not     := 'not' not | cmp
    cmp     := sum (('=='|'!='|'<'|'<='|'>'|'>='|'in'|'not' 'in') sum)?   # no chaining
    sum     := term (('+'|'-') term)*
    term    := unary (('*'|'/'|'//'|'%') unary)*
    unary   := '-' unary | postfix
    postfix := primary ('.' NAME | '[' expr ']' | '(' args ')')*
    primary := NUMBER | STRING | true | false | null | NAME | '.' | '(' expr ')' | '[' list ']'

Semantics: values are JSON-like (None, bool, int, float, str, list, dict); dates are ISO
``"YYYY-MM-DD"`` strings, so they compare correctly as strings.  A null operand of arithmetic
or of an ordering comparison gives null; ``==``/``!=`` compare null normally (``x == null``).
``and``/``or``/``not`` use three-valued logic (null = unknown).  ``/`` is true division but
stays an int when both operands are ints and the result is exact; division by zero gives
null.  Attribute or index access on null or a missing key gives null.  ``if(c, a, b)`` is lazy.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from typing import Any

from kiosk_app.core.expr_funcs import (
    FUNCTIONS,
    as_number,
    call_function,
    to_date,
    truthy,
    type_name,
)
from kiosk_app.core.expr_parse import (
    COMPARE,
    Attr,
    Binary,
    Call,
    ExprError,
    Index,
    ListLit,
    Literal,
    Name,
    Node,
    Parser,
    SelfRef,
    Unary,
    collect,
)

__all__ = ["ExprError", "Expr", "Env", "parse", "compile_expr", "FUNCTIONS", "to_date", "truthy"]


# ---------------------------------------------------------------------------- evaluation


@dataclass(frozen=True)
class Env:
    """Evaluation environment. ``lookup(root_name)`` raises ``KeyError`` for unknown names."""

    lookup: Callable[[str], Any]
    self_value: Any = None
    today: date | None = None


def _arith(op: str, a: Any, b: Any, col: int) -> Any:
    if a is None or b is None:
        return None
    if op == "+" and isinstance(a, str) and isinstance(b, str):
        return a + b
    if op == "+" and isinstance(a, list) and isinstance(b, list):
        return a + b
    x, y = as_number(a, op, col), as_number(b, op, col)
    try:
        return _numeric(op, x, y)
    except OverflowError:  # a huge int meeting a float: 10**400 * 1.5
        raise ExprError(f"number too large for {op!r}", col) from None


def _numeric(op: str, x: int | float, y: int | float) -> Any:
    if op == "+":
        return x + y
    if op == "-":
        return x - y
    if op == "*":
        return x * y
    if y == 0:
        return None
    if op == "/":
        if isinstance(x, int) and isinstance(y, int) and x % y == 0:
            return x // y
        return x / y
    if op == "//":
        return x // y
    return x % y


def _compare(op: str, a: Any, b: Any, col: int) -> Any:
    if op in ("==", "!="):
        equal = a == b and (type(a) is bool) == (type(b) is bool)
        return equal if op == "==" else not equal
    if a is None or b is None:
        return None
    if op in ("in", "not in"):
        if isinstance(b, dict):
            try:
                found = a in b
            except TypeError:  # a list or dict is never a key (unhashable)
                found = False
        elif isinstance(b, (list, str)):
            if isinstance(b, str) and not isinstance(a, str):
                raise ExprError(f"'in' a string needs a string, got {type_name(a)}", col)
            found = a in b
        else:
            raise ExprError(f"'in' needs a list or string, got {type_name(b)}", col)
        return found if op == "in" else not found
    numbers = all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in (a, b))
    if not numbers and not (isinstance(a, str) and isinstance(b, str)):
        raise ExprError(f"cannot compare {type_name(a)} with {type_name(b)}", col)
    if op == "<":
        return a < b
    if op == "<=":
        return a <= b
    if op == ">":
        return a > b
    return a >= b


def _eval(node: Node, env: Env) -> Any:
    if isinstance(node, Literal):
        return node.value
    if isinstance(node, SelfRef):
        return env.self_value
    if isinstance(node, Name):
        try:
            return env.lookup(node.name)
        except KeyError:
            raise ExprError(f"unknown name {node.name!r}", node.col) from None
    if isinstance(node, Attr):
        target = _eval(node.target, env)
        return target.get(node.attr) if isinstance(target, dict) else None
    if isinstance(node, Index):
        target = _eval(node.target, env)
        index = _eval(node.index, env)
        if isinstance(target, list) and isinstance(index, int) and not isinstance(index, bool):
            return target[index] if -len(target) <= index < len(target) else None
        if isinstance(target, dict) and isinstance(index, str):
            return target.get(index)
        return None
    if isinstance(node, ListLit):
        return [_eval(i, env) for i in node.items]
    if isinstance(node, Call):
        return call_function(node.func, node.args, lambda n: _eval(n, env), env.today, node.col)
    if isinstance(node, Unary):
        v = _eval(node.operand, env)
        if node.op == "not":
            t = truthy(v)
            return None if t is None else not t
        return None if v is None else -as_number(v, "unary -", node.col)
    if isinstance(node, Binary):
        if node.op in ("and", "or"):
            left = truthy(_eval(node.left, env))
            if node.op == "and" and left is False:
                return False
            if node.op == "or" and left is True:
                return True
            right = truthy(_eval(node.right, env))
            if node.op == "and":
                return False if right is False else (None if None in (left, right) else True)
            return True if right is True else (None if None in (left, right) else False)
        left, right = _eval(node.left, env), _eval(node.right, env)
        if node.op in COMPARE:
            return _compare(node.op, left, right, node.col)
        return _arith(node.op, left, right, node.col)
    raise ExprError(f"unknown node {type(node).__name__}", node.col)  # pragma: no cover


@dataclass(frozen=True)
class Expr:
    """A parsed expression. Build with ``parse``; evaluate with ``evaluate(env)``."""

    source: str
    root: Node = field(repr=False)
    names: frozenset[str] = field(repr=False)
    calls: tuple[tuple[str, tuple[Node, ...]], ...] = field(repr=False)

    @property
    def functions(self) -> frozenset[str]:
        return frozenset(name for name, _ in self.calls)

    def evaluate(
        self, env: Env | Mapping[str, Any], *, self_value: Any = None, today: date | None = None
    ) -> Any:
        """Value of the expression. ``env`` is an ``Env`` or a plain mapping of root names
        (a name missing from a mapping is null; ``self_value``/``today`` then apply)."""
        if not isinstance(env, Env):
            mapping = env
            env = Env(lambda name: mapping.get(name), self_value=self_value, today=today)
        try:
            return _eval(self.root, env)
        except RecursionError as e:  # pragma: no cover - absurd nesting
            raise ExprError("expression too deeply nested") from e


_MAX_LENGTH = 2000


def parse(text: str) -> Expr:
    """Parse ``text``; raises ``ExprError`` (with a 1-based column) on any problem."""
    if not isinstance(text, str):
        raise ExprError(f"an expression must be text, not {type(text).__name__}")
    if len(text) > _MAX_LENGTH:
        raise ExprError(f"expression longer than {_MAX_LENGTH} characters", _MAX_LENGTH)
    names: set[str] = set()
    calls: list[tuple[str, tuple[Node, ...]]] = []
    try:
        root = Parser(text, FUNCTIONS).parse()
        # "1+1+1…" and "a.b.c…" are parsed by loops into left-deep trees; every later walk
        # (collect, evaluate, the catalogue cache's pickle) recurses once per level.
        if _depth(root) > _MAX_DEPTH:
            raise RecursionError
        collect(root, names, calls)
    except RecursionError:
        raise ExprError("expression too deeply nested", 1) from None
    return Expr(text, root, frozenset(names), tuple(calls))


_MAX_DEPTH = 100


def _depth(root: Node) -> int:
    """The tree's depth, walked without recursion (so a deep tree cannot overflow here)."""
    deepest, stack = 0, [(root, 1)]
    while stack:
        node, d = stack.pop()
        deepest = max(deepest, d)
        kids: list[Any] = []
        for value in vars(node).values():
            if isinstance(value, Node):
                kids.append(value)
            elif isinstance(value, tuple):
                kids.extend(v for v in value if isinstance(v, Node))
        stack.extend((k, d + 1) for k in kids)
    return deepest


@lru_cache(maxsize=1024)
def compile_expr(text: str) -> Expr:
    """``parse`` with a cache (expressions are immutable, so sharing them is safe)."""
    return parse(text)
