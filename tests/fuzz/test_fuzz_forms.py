"""Fuzzing form definitions (resources/forms and a province bundle's forms/) and the expression
language they carry: a FormDefinition or FormDefinitionError / ExprError, nothing else.

The definitions are the shipped forms with random structural edits (a node replaced by any
JSON-like value, keys removed or added, items duplicated); a definition that still loads is
then used — example answers, validation and pruning with hostile answers — and must not crash.
"""

from __future__ import annotations

import contextlib
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from kiosk_app.core import expr
from kiosk_app.core.form_build import FormDefinitionError
from kiosk_app.core.forms import FormDefinition
from kiosk_app.resources import load_yaml, resource_path
from tests.fuzz.conftest import fuzz_settings
from tests.fuzz.mutate import VALUES, mutated
from tests.fuzz.strategies import hostile_text

FORMS = {
    p.stem: load_yaml(p.read_text(encoding="utf-8"))
    for p in sorted(Path(resource_path("forms")).glob("*.yaml"))
}
TODAY = date(2025, 3, 12)


def _build(data: Any) -> FormDefinition | None:
    try:
        return FormDefinition.from_dict(data, "fuzz.yaml", today=lambda: TODAY)
    except FormDefinitionError as exc:
        assert str(exc).startswith("fuzz.yaml")
        return None


@fuzz_settings(150, deadline_ms=2000)
@given(st.sampled_from(sorted(FORMS)).flatmap(lambda name: mutated(FORMS[name])))
@example({"id": "x", "sections": [{"id": "s", "fields": [{"id": "a", "type": ["list"]}]}]})
@example(
    {
        "id": "x",
        "sections": [
            {
                "id": "s",
                "fields": [{"id": "a", "type": "text", "label": {1: "x", "fr": "y", "vi": "a"}}],
            }
        ],
    }
)
def test_mutated_form_definitions(data: Any) -> None:
    form = _build(data)
    if form is not None:
        answers = form.example_answers()
        form.validate(answers)
        form.prune(answers)


@fuzz_settings(100, deadline_ms=2000)
@given(VALUES)
def test_any_value_as_form_definition(data: Any) -> None:
    _build(data)


_LOADED = {
    name: FormDefinition.from_dict(d, name, today=lambda: TODAY) for name, d in FORMS.items()
}


@fuzz_settings(150, deadline_ms=2000)
@given(st.sampled_from(sorted(_LOADED)), st.data())
def test_hostile_answers(name: str, data: st.DataObject) -> None:
    """Answers come from drafts, prefill and the wizard: validation reports, never raises."""
    form = _LOADED[name]
    answers = form.example_answers()
    for f in form.fields:
        if data.draw(st.booleans()):
            answers[f.id] = data.draw(VALUES)
    result = form.validate(answers)
    assert isinstance(result.ok, bool)
    form.normalize(answers)
    form.prune(answers)


# ------------------------------------------------------------------ expressions
_EXPR_PIECES = st.sampled_from(
    [
        "a",
        "b.c",
        "x[0]",
        ".",
        "1",
        "2.5",
        "'s'",
        '"t"',
        "null",
        "true",
        "(",
        ")",
        "[",
        "]",
        ",",
        "+",
        "-",
        "*",
        "/",
        "//",
        "%",
        "==",
        "!=",
        "<",
        ">=",
        "and",
        "or",
        "not",
        "in",
        "if(",
        "len(",
        "age(",
        "today()",
        "count(",
        "sum(",
        "\\",
        "'\\q'",
        "1e9",
        "99999999999999999999",
    ]
)


@fuzz_settings(500)
@given(st.lists(_EXPR_PIECES | hostile_text(6), max_size=30).map(" ".join) | hostile_text(300))
@example("a" + ".b" * 999)
@example("1" + "+1" * 999)
@example("a" + "[0]" * 600)
@example("(" * 1000 + "1" + ")" * 1000)
@example("-" * 1999 + "1")
@example("not " * 499 + "true")
def test_expressions(text: str) -> None:
    try:
        e = expr.parse(text)
    except expr.ExprError as exc:
        assert str(exc)
        return
    env = {"a": [1, "x", None], "b": {"c": "2024-02-29"}, "x": [{"y": 1}]}
    with contextlib.suppress(expr.ExprError):
        e.evaluate(env, self_value="1", today=TODAY)


@fuzz_settings(200)
@given(
    st.sampled_from(
        [
            "a + b",
            "a * b",
            "a // b",
            "a % b",
            "a / b",
            "a < b",
            "a in b",
            "len(a)",
            "age(a)",
            "if(a, b, a)",
            "a[b]",
            "sum(a)",
            "count(a)",
            "min(a, b)",
            "max(a)",
            "a == b",
            "-a",
            "not a",
            "contains(a, b)",
        ]
    ),
    VALUES,
    VALUES,
)
@example("a * b", "x", 10**9)
@example("a * b", [1], 10**9)
@example("a + b", 10**4000, 1)
@example("a * b", 10**400, 1.5)
@example("a in b", [1], {"x": 1})
def test_expression_values(source: str, a: Any, b: Any) -> None:
    """Any JSON-like answers into the operators and functions: a value or ExprError."""
    try:
        e = expr.parse(source)
    except expr.ExprError:
        return
    with contextlib.suppress(expr.ExprError):
        e.evaluate({"a": a, "b": b}, today=TODAY)


def test_deep_expression_is_a_clear_error() -> None:
    """Regression: "1+1+…" and "a.b.c…" (loops build left-deep trees) raised RecursionError
    from parse(); now ExprError, and what parses is shallow enough to walk and pickle."""
    import pickle

    for text in ("a" + ".b" * 999, "1" + "+1" * 999, "a" + "[0]" * 600):
        with pytest.raises(expr.ExprError, match="deeply nested"):
            expr.parse(text)
    pickle.dumps(expr.parse("1" + "+1" * 90))
