"""Every shipped form loads and validates its example; property tests of the form engine."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kiosk_app.core.forms import load_form
from kiosk_app.core.lists import ResourceLists
from kiosk_app.resources import resource_path
from tests.unit.test_forms import BLOCK, LISTS, SMALL, TODAY, L, blocks, build, form_data  # noqa: F401

# ------------------------------------------------------------------ every shipped form


def _shipped_lists():
    base = ResourceLists()

    class Lists:
        def names(self):
            return base.names() | set(SMALL)

        def __call__(self, name, filter_value=None):
            if name in base.names() and name not in ("provinces", "communes"):
                return base(name, filter_value)
            if name in ("provinces", "communes") and base(name, filter_value):
                return base(name, filter_value)
            return LISTS(name, filter_value)

    return Lists()


FORM_FILES = sorted(Path(resource_path("forms")).glob("*.yaml"))


@pytest.mark.parametrize("path", FORM_FILES, ids=[p.stem for p in FORM_FILES])
def test_every_shipped_form_loads_and_its_example_validates(path):
    form = load_form(path, lists=_shipped_lists(), today=lambda: TODAY)
    ex = form.example_answers()
    res = form.validate(ex)
    assert res.errors == [], [(i.path, i.code, i.message.vi) for i in res.errors]
    assert form.prune(ex) == form.compute(form.normalize(ex))


def test_person_block_file_is_valid():
    form = build({"id": "p", "type": "person", "label": L("Người")})
    assert [f.id for f in form.field("p").fields] == [
        "full_name",
        "date_of_birth",
        "birth_year",
        "sex",
        "ethnicity",
        "nationality",
        "id_number",
        "id_issue_date",
        "id_issue_place",
        "phone",
        "email",
        "residence",
        "relationship",
    ]
    assert form.validate(form.example_answers()).ok


# ------------------------------------------------------------------ properties

RANGE_FORM = build(
    {"id": "n", "type": "integer", "label": L("n"), "min": -5, "max": 100, "required": True},
    {"id": "flag", "type": "boolean", "label": L("flag")},
    {
        "id": "hidden",
        "type": "integer",
        "label": L("h"),
        "relevant": "flag",
        "required": True,
        "min": 0,
        "max": 10,
        "constraint": ". != 7",
    },
    {"id": "d", "type": "date", "label": L("d"), "max": "today"},
    {"id": "s", "type": "choice", "label": L("s"), "options_from": "sexes"},
)


@st.composite
def valid_answers(draw):
    answers = {"n": draw(st.integers(-5, 100)), "flag": draw(st.booleans())}
    if answers["flag"]:
        answers["hidden"] = draw(st.integers(0, 10).filter(lambda x: x != 7))
    if draw(st.booleans()):
        answers["d"] = draw(st.dates(min_value=date(1900, 1, 1), max_value=TODAY)).strftime(
            "%d/%m/%Y"
        )
    if draw(st.booleans()):
        answers["s"] = draw(st.sampled_from(["nam", "nu"]))
    return answers


@given(valid_answers())
def test_generated_valid_answers_validate_clean(answers):
    assert RANGE_FORM.validate(answers).errors == []


@given(st.one_of(st.integers(max_value=-6), st.integers(min_value=101)))
def test_integer_outside_range_is_error(n):
    res = RANGE_FORM.validate({"n": n, "flag": False})
    assert [(i.path, i.code) for i in res.errors] == [("n", "min" if n < -5 else "max")]


@given(
    st.dictionaries(
        st.sampled_from(["n", "flag", "hidden", "d", "s", "x"]),
        st.one_of(
            st.none(),
            st.integers(),
            st.text(max_size=12),
            st.booleans(),
            st.dates().map(lambda d: d.strftime("%d/%m/%Y")),
        ),
    )
)
def test_normalize_is_idempotent(answers):
    once = RANGE_FORM.normalize(answers)
    assert RANGE_FORM.normalize(once) == once


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(
    st.one_of(
        st.none(),
        st.integers(),
        st.text(max_size=8),
        st.booleans(),
        st.lists(st.integers(), max_size=2),
    )
)
def test_hidden_fields_never_produce_errors(value):
    res = RANGE_FORM.validate({"n": 1, "flag": False, "hidden": value})
    assert res.errors == []
    assert "hidden" not in RANGE_FORM.prune({"n": 1, "flag": False, "hidden": value})
