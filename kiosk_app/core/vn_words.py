"""Vietnamese numbers and dates in words, as civil-status forms write them.

Public API:

- ``number_words(n: int, *, zero_tens: str = "linh") -> str`` — e.g. ``2025`` →
  ``"hai nghìn không trăm hai mươi lăm"``.
- ``date_words(value: date | str) -> str`` — e.g. ``2025-03-15`` →
  ``"Ngày mười lăm tháng ba năm hai nghìn không trăm hai mươi lăm"``.

Rules applied (standard Vietnamese reading):

- ``mười`` for the tens digit 1, ``mươi`` for 2–9 (10 mười, 20 hai mươi);
- ``mốt`` for a units 1 after ``mươi`` (21 hai mươi mốt) but ``một`` after ``mười`` (11 mười một);
- ``lăm`` for a units 5 after a tens word (15 mười lăm, 25 hai mươi lăm), ``năm`` otherwise
  (5 năm, 105 một trăm linh năm);
- ``tư`` for a units 4 after ``mươi`` (24 hai mươi tư), ``bốn`` otherwise (14 mười bốn);
- ``linh`` (northern; ``zero_tens="lẻ"`` gives the southern form) when the tens digit is zero
  and the units are not (105 một trăm linh năm);
- groups after the leading one are read in full: ``không trăm`` (2025 hai nghìn không trăm hai
  mươi lăm; 1005 một nghìn không trăm linh năm); an all-zero group is skipped
  (1 000 005 một triệu không trăm linh năm);
- scales nghìn, triệu, tỷ; above a tỷ the count of tỷ is read recursively (nghìn tỷ).
- negative numbers start with ``âm``.

Date style (chosen once, used everywhere): the style of the official birth-certificate
extracts, ``"Ngày <day> tháng <month> năm <year>"`` with no commas and no ``mùng``; months
are read as numbers with ``tư`` for April (``tháng tư``), ``tháng mười một``, ``tháng mười
hai``; January is ``tháng một`` (``tháng giêng`` is the lunar name and is not used).
"""

from __future__ import annotations

from datetime import date

__all__ = ["number_words", "date_words"]

_DIGITS = ("không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín")
_SCALES = ("", "nghìn", "triệu")


def _tens_units(tens: int, units: int, *, after_hundreds: bool, zero_tens: str) -> list[str]:
    words: list[str] = []
    if tens == 0:
        if units == 0:
            return words
        if after_hundreds:
            words.append(zero_tens)
        words.append(_DIGITS[units])
        return words
    if tens == 1:
        words.append("mười")
    else:
        words += [_DIGITS[tens], "mươi"]
    if units == 1:
        words.append("mốt" if tens >= 2 else "một")
    elif units == 4:
        words.append("tư" if tens >= 2 else "bốn")
    elif units == 5:
        words.append("lăm")
    elif units:
        words.append(_DIGITS[units])
    return words


def _group(n: int, *, full: bool, zero_tens: str) -> list[str]:
    """Words of 0 < n < 1000; ``full`` reads a zero hundreds digit (``không trăm``)."""
    hundreds, rest = divmod(n, 100)
    tens, units = divmod(rest, 10)
    words: list[str] = []
    if hundreds or full:
        words += [_DIGITS[hundreds], "trăm"]
    words += _tens_units(tens, units, after_hundreds=bool(words), zero_tens=zero_tens)
    return words


def _below_billion(n: int, *, full: bool, zero_tens: str) -> list[str]:
    groups: list[int] = []
    while n:
        n, g = divmod(n, 1000)
        groups.append(g)
    words: list[str] = []
    for index in range(len(groups) - 1, -1, -1):
        g = groups[index]
        if g == 0:
            continue
        leading = not words and not full
        words += _group(g, full=not leading, zero_tens=zero_tens)
        if _SCALES[index]:
            words.append(_SCALES[index])
    return words


def _words(n: int, *, full: bool, zero_tens: str) -> list[str]:
    billions, rest = divmod(n, 1_000_000_000)
    words: list[str] = []
    if billions:
        words += _words(billions, full=full, zero_tens=zero_tens) + ["tỷ"]
    if rest:
        words += _below_billion(rest, full=bool(words) or full, zero_tens=zero_tens)
    return words


def number_words(n: int, *, zero_tens: str = "linh") -> str:
    """Vietnamese words for the whole number ``n`` (lower case, single spaces).

    ``zero_tens`` is ``"linh"`` (default, as on northern and official forms) or ``"lẻ"``.
    Raises ``TypeError`` for non-integers (bools included) and ``ValueError`` for a bad
    ``zero_tens``.
    """
    if isinstance(n, bool) or not isinstance(n, int):
        raise TypeError(f"number_words needs an int, not {type(n).__name__}")
    if zero_tens not in ("linh", "lẻ"):
        raise ValueError("zero_tens must be 'linh' or 'lẻ'")
    if n == 0:
        return _DIGITS[0]
    if n < 0:
        return "âm " + number_words(-n, zero_tens=zero_tens)
    return " ".join(_words(n, full=False, zero_tens=zero_tens))


def _month_words(month: int) -> str:
    return "tư" if month == 4 else number_words(month)


def date_words(value: date | str) -> str:
    """The date in words, birth-certificate style (see the module docstring).

    Accepts a ``date`` or an ISO ``"YYYY-MM-DD"`` string; raises ``ValueError`` otherwise.
    """
    if isinstance(value, str):
        value = date.fromisoformat(value.strip())
    if not isinstance(value, date):
        raise ValueError(f"not a date: {value!r}")
    return (
        f"Ngày {number_words(value.day)} tháng {_month_words(value.month)} "
        f"năm {number_words(value.year)}"
    )
