"""Reference checks of a built form: what its expressions name, and computed-field order.

Every name an expression uses must be a field in scope (the item's, then the enclosing
scopes', then the form's), and a dotted path must go into a person, address or attachment;
``sum(repeat, 'key')`` must name a sub-field of the repeat. Computed fields are ordered so
each comes after the fields it reads; a cycle is an error. Problems are raised through
``fail(field_path, problem)`` (the builder's ``FormDefinitionError`` factory).
"""

from __future__ import annotations

from collections.abc import Callable

from kiosk_app.core.expr import Expr
from kiosk_app.core.expr_parse import Literal, Name
from kiosk_app.core.form_fields import ADDRESS_KEYS, ATTACHMENT_KEYS, Field

__all__ = ["Scopes", "check_expr", "check_fields", "computed_order"]

Fail = Callable[[str, str], Exception]
Scopes = tuple[dict[str, Field], ...]


def _find(name: str, scopes: Scopes) -> tuple[int, Field] | None:
    for level in range(len(scopes) - 1, -1, -1):
        if name in scopes[level]:
            return level, scopes[level][name]
    return None


def _check_subpath(f: Field, rest: list[str]) -> str | None:
    for part in rest:
        if f.type == "person":
            child = f.child(part)
            if child is None:
                return f"{part!r} is not a sub-field of {f.id!r}"
            f = child
        elif f.type == "address":
            return None if part in ADDRESS_KEYS else f"{part!r} is not an address part"
        elif f.type == "attachment":
            return None if part in ATTACHMENT_KEYS else f"{part!r} is not an attachment key"
        elif f.type == "computed":
            return None
        else:
            return f"{f.id!r} ({f.type}) has no sub-field {part!r}"
    return None


def check_expr(
    fail: Fail, expr: Expr | None, where: str, scopes: Scopes, allow_self: bool, owner: Field
) -> None:
    """Check ``expr``'s names and ``sum()`` keys at ``where``; ``.`` only if ``allow_self``."""
    if expr is None:
        return
    for name in sorted(expr.names):
        parts = [""] if name == "." else name.split(".")
        if parts[0] == "":
            if not allow_self:
                raise fail(where, "'.' (the field's own value) is only allowed in 'constraint'")
            err = _check_subpath(owner, parts[1:]) if len(parts) > 1 else None
        else:
            found = _find(parts[0], scopes)
            if found is None:
                raise fail(where, f"unknown field {parts[0]!r} in {expr.source!r}")
            err = _check_subpath(found[1], parts[1:])
        if err:
            raise fail(where, f"{err} in {expr.source!r}")
    for func, args in expr.calls:
        if func == "sum" and len(args) == 2 and isinstance(args[0], Name):
            found = _find(args[0].name, scopes)
            key = args[1].value if isinstance(args[1], Literal) else None
            if (
                found
                and found[1].type == "repeat"
                and isinstance(key, str)
                and not found[1].child(key)
            ):
                raise fail(where, f"{key!r} is not a field of repeat {args[0].name!r}")


def check_fields(fail: Fail, fields: tuple[Field, ...], where: str, scopes: Scopes) -> None:
    """Check every expression and ``filter_by`` of ``fields`` and their sub-fields."""
    for f in fields:
        fw = f"{where}{f.id}"
        for key in ("relevant", "required", "expr"):
            value = getattr(f, key)
            if isinstance(value, Expr):
                check_expr(fail, value, f"{fw}.{key}", scopes, False, f)
        check_expr(fail, f.constraint, f"{fw}.constraint", scopes, True, f)
        if f.filter_by:
            parts = f.filter_by.split(".")
            found = _find(parts[0], scopes)
            err = _check_subpath(found[1], parts[1:]) if found else "unknown field"
            if err:
                raise fail(f"{fw}.filter_by", f"{f.filter_by!r}: {err}")
        if f.is_scope:
            check_fields(fail, f.fields, f"{fw}.", (*scopes, {c.id: c for c in f.fields}))


def computed_order(fail: Fail, top: dict[str, Field]) -> tuple[tuple[str, ...], ...]:
    """Computed fields as id chains from the top, each after those it reads (cycle: error)."""
    nodes: dict[tuple[str, ...], tuple[Field, Scopes]] = {}

    def collect(fields: tuple[Field, ...], chain: tuple[str, ...], scopes: Scopes) -> None:
        for f in fields:
            if f.type == "computed":
                nodes[(*chain, f.id)] = (f, scopes)
            if f.is_scope:
                collect(f.fields, (*chain, f.id), (*scopes, {c.id: c for c in f.fields}))

    collect(tuple(top.values()), (), (top,))
    deps: dict[tuple[str, ...], list[tuple[str, ...]]] = {}
    for key, (f, scopes) in nodes.items():
        targets = []
        for name in f.expr.names if f.expr else ():
            found = _find(name.split(".")[0], scopes)
            if found is None:
                continue
            prefix = (*key[: found[0]], name.split(".")[0])
            targets += [n for n in nodes if n[: len(prefix)] == prefix]
        deps[key] = targets
    order: list[tuple[str, ...]] = []
    state: dict[tuple[str, ...], int] = {}

    def visit(n: tuple[str, ...], stack: list[tuple[str, ...]]) -> None:
        if state.get(n) == 2:
            return
        if state.get(n) == 1:
            cycle = stack[stack.index(n) :] + [n]
            raise fail(
                ".".join(n),
                "computed fields form a cycle: " + " -> ".join(".".join(c) for c in cycle),
            )
        state[n] = 1
        for d in deps[n]:
            visit(d, [*stack, n])
        state[n] = 2
        order.append(n)

    for n in nodes:
        visit(n, [])
    return tuple(order)
