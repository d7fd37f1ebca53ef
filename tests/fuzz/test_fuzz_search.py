"""Fuzzing the dossier search (the desk's search box → Desk.search → Intake.search →
store.dossiers.search, an FTS5 MATCH): SQL and FTS5 syntax, NUL, lone surrogates, 10 kB
strings and Vietnamese with combining marks give a list (maybe empty), quickly — never an
exception, never another dossier than the words allow.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from kiosk_app.core.desk import Desk
from kiosk_app.core.textfold import fold
from tests.conftest import FakeClock
from tests.fuzz.conftest import fuzz_settings
from tests.fuzz.strategies import NASTY, hostile_text

BIRTH = "1.001193"
NAMES = ["Nguyễn Văn An", "Trần Thị Bình", "Đặng Quốc Đạt", "H'Hen Niê", "Lê Or Near"]


@pytest.fixture(scope="module")
def desk(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Desk, list[dict[str, Any]]]]:
    from kiosk_app.bootstrap import DEMO_TEST_OFFICE, configure_office, open_kiosk
    from kiosk_app.core.intake import VN_TZ

    data = Path(tmp_path_factory.mktemp("search"))
    configure_office(data, DEMO_TEST_OFFICE)
    k = open_kiosk(data)
    k.intake.clock = FakeClock(datetime(2025, 3, 12, 9, 30, tzinfo=VN_TZ))
    made = []
    for name in NAMES:
        ex = k.catalog.get(BIRTH).example_submission()
        ex["answers"]["requester"]["full_name"] = name
        made.append(
            {"code": k.intake.submit(BIRTH, ex["answers"], ex["documents"]).code, "name": name}
        )
    yield Desk(k.store, k.intake), made
    k.close()


def _search(desk: Desk, text: str) -> list[dict[str, Any]]:
    found = desk.search(text)
    assert isinstance(found, list)
    return found


@fuzz_settings(300, deadline_ms=1500)
@given(hostile_text(max_size=300))
@example('"')
@example('" OR "" = "')
@example("'; DROP TABLE dossiers; --")
@example("NEAR(a b)")
@example("a OR b NOT c")
@example("*")
@example("nguyen*")
@example("\x00")
@example("\ud800")
@example("Nguye\u0302\u0303n\udfff")
@example("a " * 5000)
@example("x" * 10_000)
@example("đặng " * 2000)
@example("000.00.06.H56-250312-1001\ud800")
@example("001099012345\x00")
def test_any_search_text(desk: tuple[Desk, list[dict[str, Any]]], text: str) -> None:
    _search(desk[0], text)


@fuzz_settings(150, deadline_ms=1500)
@given(st.sampled_from(NAMES), st.lists(st.sampled_from(NASTY), max_size=4), st.booleans())
def test_names_with_syntax_around_them(
    desk: tuple[Desk, list[dict[str, Any]]], name: str, junk: list[str], nfd: bool
) -> None:
    """Punctuation and FTS keywords around a real name never widen the result: whatever is
    found has every word of the query in it."""
    d, _made = desk
    query = " ".join([*junk, unicodedata.normalize("NFD", name) if nfd else name])
    for row in _search(d, query):
        haystack = fold(str(row.get("applicant_name") or "") + " " + row["code"])
        for word in fold(name).replace("'", " ").split():
            assert word in haystack, (query, row["code"])


def test_each_name_is_found_whatever_its_form(desk: tuple[Desk, list[dict[str, Any]]]) -> None:
    d, made = desk
    for m in made:
        for q in (m["name"], fold(m["name"]), unicodedata.normalize("NFD", m["name"]).upper()):
            assert m["code"] in {r["code"] for r in _search(d, q)}, q
