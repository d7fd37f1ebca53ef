"""Tokeniser, AST and recursive-descent parser of the expression language (see ``expr``).

Parsing only: the grammar lives in :mod:`kiosk_app.core.expr`'s docstring; the function
whitelist is passed in (``Parser(text, functions)``) so this module knows no function bodies.
``collect(node, names, calls)`` gathers the field paths and calls an expression uses.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any


class ExprError(ValueError):
    """A syntax error, unknown function or evaluation type error; ``column`` is 1-based."""

    def __init__(self, message: str, column: int | None = None) -> None:
        self.message = message
        self.column = column
        super().__init__(f"{message} (column {column})" if column else message)


# ---------------------------------------------------------------------------- tokens

_TOKEN_RE = re.compile(
    r"""
    (?P<ws>\s+)
  | (?P<number>\d+(?:\.\d+)?)
  | (?P<string>'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")
  | (?P<name>[A-Za-z_][A-Za-z0-9_]*)
  | (?P<op>//|==|!=|<=|>=|[-+*/%<>()\[\],.])
    """,
    re.VERBOSE,
)
_KEYWORDS = {"and", "or", "not", "in", "true", "false", "null"}
_ESCAPES = {"n": "\n", "t": "\t", "\\": "\\", "'": "'", '"': '"'}


@dataclass(frozen=True)
class _Tok:
    kind: str  # number, string, name, kw, op, end
    value: Any
    col: int


def _unescape(body: str, col: int) -> str:
    out: list[str] = []
    i = 0
    while i < len(body):
        ch = body[i]
        if ch == "\\":
            nxt = body[i + 1]  # the regex guarantees a following character
            if nxt not in _ESCAPES:
                raise ExprError(f"unknown escape \\{nxt}", col + i + 1)
            out.append(_ESCAPES[nxt])
            i += 2
        else:
            out.append(ch)
            i += 1
    return "".join(out)


def _tokenize(text: str) -> list[_Tok]:
    toks: list[_Tok] = []
    pos = 0
    while pos < len(text):
        m = _TOKEN_RE.match(text, pos)
        if m is None:
            ch = text[pos]
            if ch in "'\"":
                raise ExprError("unterminated string", pos + 1)
            raise ExprError(f"unexpected character {ch!r}", pos + 1)
        kind = m.lastgroup or ""
        value = m.group()
        col = pos + 1
        pos = m.end()
        if kind == "ws":
            continue
        if kind == "number":
            toks.append(_Tok("number", float(value) if "." in value else int(value), col))
        elif kind == "string":
            toks.append(_Tok("string", _unescape(value[1:-1], col), col))
        elif kind == "name":
            toks.append(_Tok("kw" if value in _KEYWORDS else "name", value, col))
        else:
            toks.append(_Tok("op", value, col))
    toks.append(_Tok("end", None, len(text) + 1))
    return toks


# ---------------------------------------------------------------------------- AST


@dataclass(frozen=True)
class Node:
    col: int


@dataclass(frozen=True)
class Literal(Node):
    value: Any


@dataclass(frozen=True)
class Name(Node):
    name: str


@dataclass(frozen=True)
class SelfRef(Node):
    pass


@dataclass(frozen=True)
class ListLit(Node):
    items: tuple[Node, ...]


@dataclass(frozen=True)
class Attr(Node):
    target: Node
    attr: str


@dataclass(frozen=True)
class Index(Node):
    target: Node
    index: Node


@dataclass(frozen=True)
class Call(Node):
    func: str
    args: tuple[Node, ...]


@dataclass(frozen=True)
class Unary(Node):
    op: str  # "-" or "not"
    operand: Node


@dataclass(frozen=True)
class Binary(Node):
    op: str
    left: Node
    right: Node


COMPARE = {"==", "!=", "<", "<=", ">", ">=", "in", "not in"}


class Parser:
    """One parse of ``text``; ``functions`` maps a callable name to (min args, max args|None)."""

    def __init__(self, text: str, functions: Mapping[str, tuple[int, int | None]]) -> None:
        self.toks = _tokenize(text)
        self.functions = functions
        self.i = 0

    @property
    def tok(self) -> _Tok:
        return self.toks[self.i]

    def _is(self, kind: str, value: Any = None) -> bool:
        t = self.tok
        return t.kind == kind and (value is None or t.value == value)

    def _take(self) -> _Tok:
        t = self.tok
        self.i += 1
        return t

    def _expect(self, kind: str, value: Any) -> _Tok:
        if not self._is(kind, value):
            raise ExprError(f"expected {value!r}, found {self._describe()}", self.tok.col)
        return self._take()

    def _describe(self) -> str:
        t = self.tok
        return "end of expression" if t.kind == "end" else repr(t.value)

    def parse(self) -> Node:
        if self._is("end"):
            raise ExprError("empty expression", 1)
        node = self._or()
        if not self._is("end"):
            raise ExprError(f"unexpected {self._describe()}", self.tok.col)
        return node

    def _or(self) -> Node:
        node = self._and()
        while self._is("kw", "or"):
            t = self._take()
            node = Binary(t.col, "or", node, self._and())
        return node

    def _and(self) -> Node:
        node = self._not()
        while self._is("kw", "and"):
            t = self._take()
            node = Binary(t.col, "and", node, self._not())
        return node

    def _not(self) -> Node:
        if self._is("kw", "not"):
            t = self._take()
            return Unary(t.col, "not", self._not())
        return self._cmp()

    def _cmp_op(self) -> str | None:
        t = self.tok
        if t.kind == "op" and t.value in COMPARE:
            return t.value
        if t.kind == "kw" and t.value == "in":
            return "in"
        if t.kind == "kw" and t.value == "not" and self.toks[self.i + 1].value == "in":
            nxt = self.toks[self.i + 1]
            return "not in" if nxt.kind == "kw" else None
        return None

    def _cmp(self) -> Node:
        node = self._sum()
        op = self._cmp_op()
        if op is None:
            return node
        t = self._take()
        if op == "not in":
            self._take()
        node = Binary(t.col, op, node, self._sum())
        if self._cmp_op() is not None:
            raise ExprError("chained comparisons are not allowed; use 'and'", self.tok.col)
        return node

    def _sum(self) -> Node:
        node = self._term()
        while self.tok.kind == "op" and self.tok.value in ("+", "-"):
            t = self._take()
            node = Binary(t.col, t.value, node, self._term())
        return node

    def _term(self) -> Node:
        node = self._unary()
        while self.tok.kind == "op" and self.tok.value in ("*", "/", "//", "%"):
            t = self._take()
            node = Binary(t.col, t.value, node, self._unary())
        return node

    def _unary(self) -> Node:
        if self._is("op", "-"):
            t = self._take()
            return Unary(t.col, "-", self._unary())
        if self._is("op", "+"):
            self._take()
            return self._unary()
        return self._postfix()

    def _postfix(self) -> Node:
        node = self._primary()
        while True:
            if self._is("op", "."):
                self._take()
                if not self._is("name"):
                    raise ExprError(
                        f"expected a field name after '.', found {self._describe()}", self.tok.col
                    )
                t = self._take()
                node = Attr(t.col, node, t.value)
            elif self._is("op", "["):
                t = self._take()
                index = self._or()
                self._expect("op", "]")
                node = Index(t.col, node, index)
            elif self._is("op", "("):
                raise ExprError("only function names can be called", self.tok.col)
            else:
                return node

    def _args(self, closer: str) -> tuple[Node, ...]:
        args: list[Node] = []
        if not self._is("op", closer):
            args.append(self._or())
            while self._is("op", ","):
                self._take()
                args.append(self._or())
        self._expect("op", closer)
        return tuple(args)

    def _primary(self) -> Node:
        t = self.tok
        if t.kind in ("number", "string"):
            self._take()
            return Literal(t.col, t.value)
        if t.kind == "kw" and t.value in ("true", "false", "null"):
            self._take()
            return Literal(t.col, {"true": True, "false": False, "null": None}[t.value])
        if t.kind == "name":
            self._take()
            if self._is("op", "("):
                self._take()
                if t.value not in self.functions:
                    raise ExprError(f"unknown function {t.value!r}", t.col)
                args = self._args(")")
                lo, hi = self.functions[t.value]
                if len(args) < lo or (hi is not None and len(args) > hi):
                    want = str(lo) if lo == hi else f"{lo}..{hi if hi is not None else ''}"
                    raise ExprError(f"{t.value}() takes {want} arguments, got {len(args)}", t.col)
                return Call(t.col, t.value, args)
            return Name(t.col, t.value)
        if t.kind == "op" and t.value == ".":
            self._take()
            return SelfRef(t.col)
        if t.kind == "op" and t.value == "(":
            self._take()
            node = self._or()
            self._expect("op", ")")
            return node
        if t.kind == "op" and t.value == "[":
            self._take()
            return ListLit(t.col, self._args("]"))
        raise ExprError(f"unexpected {self._describe()}", t.col)


# ---------------------------------------------------------------------------- analysis


def _path_of(node: Node) -> str | None:
    if isinstance(node, Name):
        return node.name
    if isinstance(node, SelfRef):
        return "."
    if isinstance(node, Attr):
        base = _path_of(node.target)
        if base is None:
            return None
        return f"{base}.{node.attr}" if base != "." else f".{node.attr}"
    return None


def _children(node: Node) -> tuple[Node, ...]:
    if isinstance(node, ListLit):
        return node.items
    if isinstance(node, Attr):
        return (node.target,)
    if isinstance(node, Index):
        return (node.target, node.index)
    if isinstance(node, Call):
        return node.args
    if isinstance(node, Unary):
        return (node.operand,)
    if isinstance(node, Binary):
        return (node.left, node.right)
    return ()


def collect(node: Node, names: set[str], calls: list[tuple[str, tuple[Node, ...]]]) -> None:
    path = _path_of(node)
    if path is not None:
        names.add(path)
        return
    if isinstance(node, Call):
        calls.append((node.func, node.args))
    for child in _children(node):
        collect(child, names, calls)
