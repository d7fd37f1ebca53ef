from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kiosk_app.core.vn_words import date_words, number_words


@pytest.mark.parametrize(
    ("n", "words"),
    [
        (0, "không"),
        (5, "năm"),
        (10, "mười"),
        (11, "mười một"),
        (14, "mười bốn"),
        (15, "mười lăm"),
        (20, "hai mươi"),
        (21, "hai mươi mốt"),
        (24, "hai mươi tư"),
        (25, "hai mươi lăm"),
        (101, "một trăm linh một"),
        (105, "một trăm linh năm"),
        (110, "một trăm mười"),
        (115, "một trăm mười lăm"),
        (1005, "một nghìn không trăm linh năm"),
        (2025, "hai nghìn không trăm hai mươi lăm"),
        (1995, "một nghìn chín trăm chín mươi lăm"),
        (1_000_005, "một triệu không trăm linh năm"),
        (200_000, "hai trăm nghìn"),
        (1_000_000_000, "một tỷ"),
        (10**12, "một nghìn tỷ"),
        (-3, "âm ba"),
    ],
)
def test_number_words(n, words):
    assert number_words(n) == words


def test_southern_le():
    assert number_words(105, zero_tens="lẻ") == "một trăm lẻ năm"


def test_rejects_non_int():
    with pytest.raises(TypeError):
        number_words(1.5)
    with pytest.raises(TypeError):
        number_words(True)


@pytest.mark.parametrize(
    ("d", "words"),
    [
        ("2025-03-15", "Ngày mười lăm tháng ba năm hai nghìn không trăm hai mươi lăm"),
        (date(2024, 4, 1), "Ngày một tháng tư năm hai nghìn không trăm hai mươi tư"),
        (
            date(2024, 11, 21),
            "Ngày hai mươi mốt tháng mười một năm hai nghìn không trăm hai mươi tư",
        ),
        (
            date(1999, 12, 31),
            "Ngày ba mươi mốt tháng mười hai năm một nghìn chín trăm chín mươi chín",
        ),
    ],
)
def test_date_words(d, words):
    assert date_words(d) == words


def test_date_words_rejects_garbage():
    with pytest.raises(ValueError):
        date_words("15/03/2025")


@given(st.integers(min_value=0, max_value=10**15))
def test_number_words_shape(n):
    w = number_words(n)
    assert w == w.strip() and "  " not in w
    # "mốt" only ever follows "mươi"; "lăm" only follows mười/mươi
    tokens = w.split()
    for i, t in enumerate(tokens):
        if t == "mốt":
            assert tokens[i - 1] == "mươi"
        if t == "lăm":
            assert tokens[i - 1] in ("mười", "mươi")
        if t == "linh":
            assert tokens[i - 1] == "trăm"
