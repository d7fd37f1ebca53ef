import contextlib
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kiosk_app.core.expr import Env, ExprError, compile_expr, parse

TODAY = date(2025, 3, 15)
VALUES = {
    "pages": 3,
    "copies": 2,
    "documents": [{"fee": 5000, "pages": 1}, {"fee": 7000, "pages": 4}],
    "mother": {"full_name": "Trần Thị Bình", "residence": {"province": "46"}},
    "nothing": None,
    "name": "An",
    "dob": "2000-03-16",
}


def ev(text, self_value=None, values=VALUES):
    return parse(text).evaluate(Env(values.__getitem__, self_value, TODAY))


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("1 + 2 * 3", 7),
        ("(1 + 2) * 3", 9),
        ("7 / 2", 3.5),
        ("6 / 3", 2),
        ("7 // 2", 3),
        ("7 % 3", 1),
        ("-2 + 5", 3),
        ("'a' + \"b\"", "ab"),
        ("1 < 2 and 2 <= 2", True),
        ("not (1 == 1)", False),
        ("'x' in ['x', 'y']", True),
        ("3 not in [1, 2]", True),
        ("'ab' in 'cab'", True),
        ("mother.full_name", "Trần Thị Bình"),
        ("mother.residence.province", "46"),
        ("documents[1].fee", 7000),
        ("documents[9].fee", None),
        ("count(documents)", 2),
        ("sum(documents, 'fee')", 12000),
        ("len(name)", 2),
        ("min(3, 1, 2)", 1),
        ("max([4, 9])", 9),
        ("clamp(500000, 0, 200000)", 200000),
        ("round(2.5)", 3),
        ("round(-2.5)", -3),
        ("int('42')", 42),
        ("if(nothing, 'a', 'b')", "b"),
        ("empty(nothing) and empty('') and empty([]) and not empty(name)", True),
        ("coalesce(nothing, '', 'x')", "x"),
        ("today()", "2025-03-15"),
        ("age(dob)", 24),
        ("age(dob, '2025-03-16')", 25),
        ("year(dob)", 2000),
        ("days_between('2025-03-01', today())", 14),
        ("matches('001090012345', '[0-9]{12}')", True),
        ("matches('0010', '[0-9]{12}')", False),
        ("number_words(21)", "hai mươi mốt"),
        ("date_words(today())", "Ngày mười lăm tháng ba năm hai nghìn không trăm hai mươi lăm"),
        ("dob < today()", True),
        ("nothing == null", True),
        ("nothing != null", False),
        ("1 == true", False),
    ],
)
def test_evaluate(text, value):
    assert ev(text) == value


def test_certified_copy_fee_formula():
    fee = "min(2000 * min(pages, 2) + 1000 * max(pages - 2, 0), 200000) * copies"
    assert ev(fee) == (2000 * 2 + 1000) * 2
    assert ev(fee, values={"pages": 1, "copies": 1}) == 2000
    assert ev(fee, values={"pages": 500, "copies": 1}) == 200000


def test_null_propagation_and_three_valued_logic():
    assert ev("nothing + 1") is None
    assert ev("nothing > 1") is None
    assert ev("nothing > 1 or true") is True
    assert ev("nothing > 1 and false") is False
    assert ev("nothing > 1 and true") is None
    assert ev("not nothing") is None
    assert ev("1 / 0") is None


def test_self_reference():
    assert ev(". >= 0 and . <= 10", self_value=5) is True
    assert ev(". >= 0 and . <= 10", self_value=11) is False


def test_mapping_env_missing_names_are_null():
    assert compile_expr("empty(child_dob)").evaluate({}) is True
    assert compile_expr("x + 1").evaluate({"x": 1}) == 2


def test_unknown_name_with_env_is_error():
    with pytest.raises(ExprError, match="unknown name"):
        ev("missing + 1")


@pytest.mark.parametrize(
    ("text", "column", "fragment"),
    [
        ("1 +", 4, "unexpected end"),
        ("foo(1)", 1, "unknown function"),
        ("a + bar(1)", 5, "unknown function"),
        ("1 < 2 < 3", 7, "chained"),
        ("'abc", 1, "unterminated"),
        ("a $ b", 3, "unexpected character"),
        ("", 1, "empty"),
        ("(1", 3, "expected ')'"),
        ("len()", 1, "arguments"),
        ("a.(b)", 3, "field name"),
    ],
)
def test_syntax_errors_carry_column(text, column, fragment):
    with pytest.raises(ExprError) as info:
        parse(text)
    assert info.value.column == column
    assert fragment in str(info.value)


def test_type_errors():
    with pytest.raises(ExprError):
        ev("'a' - 1")
    with pytest.raises(ExprError):
        ev("'a' < 1")


def test_names_and_functions():
    e = parse("min(2000 * min(pages, 2), 200000) * copies + sum(documents, 'fee')")
    assert e.names == {"pages", "copies", "documents"}
    assert e.functions == {"min", "sum"}
    assert parse("mother.full_name == . and x").names == {"mother.full_name", ".", "x"}


def test_no_python_escape_hatches():
    for text in ["__import__('os')", "().__class__", "open('x')"]:
        with pytest.raises(ExprError):
            ev(text)
    # attribute access only reads dict keys, never Python attributes
    assert ev("name.__class__") is None
    assert ev("mother.__class__") is None


@given(st.text(max_size=60))
def test_parser_only_raises_expr_error(text):
    with contextlib.suppress(ExprError):
        parse(text)


@given(st.text(alphabet="ab1.()[]'\"+-*/%<=>!,notandorin ", max_size=40))
def test_parser_only_raises_expr_error_on_near_miss_syntax(text):
    try:
        e = parse(text)
    except ExprError:
        return
    with contextlib.suppress(ExprError):
        e.evaluate({"a": 1, "b": "x"})


@given(st.integers(-(10**6), 10**6), st.integers(-(10**6), 10**6))
def test_arithmetic_matches_python(a, b):
    values = {"a": a, "b": b}
    assert ev("a + b * 2 - a", values=values) == a + b * 2 - a
    assert ev("a < b", values=values) == (a < b)
