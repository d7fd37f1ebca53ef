"""The commune's figures from a known history: every path, each figure asserted exactly."""

from __future__ import annotations

from datetime import date

import pytest

from kiosk_app.core import stats
from kiosk_app.core.stats import Period, StatsError
from tests.unit.stats_history import BIRTH, MARCH, SIGNATURE, build_history


@pytest.fixture
def history(kiosk) -> dict:
    return build_history(kiosk)


def test_march_figures_for_the_office(kiosk, history) -> None:
    r = stats.for_kiosk(kiosk, MARCH)
    f = r.office
    # received in March: a, b, c (accepted 10/3), e, f, h, i  — not d (waiting), not g (April)
    assert f.received == 7
    assert f.online == 1 and f.fully_online == 1  # c
    assert f.digitised == 1  # a
    assert f.finished == 3  # a (3/3), b, i (24/3); h finished in April
    assert f.on_time == 1 and f.late == 2  # a; b late; i late despite the apology
    assert f.results_digitised == 0
    assert f.overdue == 2  # c and e (f withdrawn, h due in April)
    assert f.with_fee == 5  # b, c, e, f, i
    assert f.paid_cashless == 2  # b transfer, c online
    assert f.ratings == [0, 1, 0, 1, 1]
    assert f.rated == 3 and f.satisfied == 2
    assert f.share("on_time", "finished") == pytest.approx(1 / 3)
    assert f.mean_rating() == pytest.approx(11 / 3)


def test_groups_by_procedure_and_field(kiosk, history) -> None:
    r = stats.for_kiosk(kiosk, MARCH)
    birth, sig = r.by_procedure[BIRTH], r.by_procedure[SIGNATURE]
    assert (birth.received, birth.finished, birth.on_time, birth.digitised) == (2, 1, 1, 1)
    assert (sig.received, sig.finished, sig.on_time, sig.with_fee) == (5, 2, 0, 5)
    assert birth.ratings == [0, 0, 0, 0, 1] and sig.ratings == [0, 1, 0, 0, 0]
    field_birth = kiosk.catalog.get(BIRTH).field_id
    field_sig = kiosk.catalog.get(SIGNATURE).field_id
    assert field_birth != field_sig
    assert r.by_field[field_birth].received == 2 and r.by_field[field_sig].received == 5
    # the anonymous rating counts only for the office
    assert sum(g.rated for g in r.by_procedure.values()) == r.office.rated - 1


def test_april_sees_the_later_moves(kiosk, history) -> None:
    f = stats.for_kiosk(kiosk, Period.month(2025, 4)).office
    assert f.received == 1  # g, accepted 2/4
    assert f.finished == 1 and f.on_time == 1  # h
    assert f.overdue == 3  # c, e and g (due 2/4)
    assert f.ratings == [1, 0, 0, 0, 0]


def test_empty_period_has_no_shares(kiosk, history) -> None:
    f = stats.for_kiosk(kiosk, Period.month(2025, 1)).office
    assert f.received == 0 and f.share("online", "received") is None and f.mean_rating() is None


def test_periods_parse_and_refuse_nonsense() -> None:
    assert Period.parse("2026") == Period(date(2026, 1, 1), date(2026, 12, 31))
    assert Period.parse("2026-q3") == Period(date(2026, 7, 1), date(2026, 9, 30))
    assert Period.parse("2024-02") == Period(date(2024, 2, 1), date(2024, 2, 29))
    assert Period.parse("2026-12") == Period(date(2026, 12, 1), date(2026, 12, 31))
    assert Period.parse(" 2026-01-05..2026-01-09 ").last == date(2026, 1, 9)
    for bad in ("", "26", "2026-13", "2026-Q5", "2026-02-30..2026-03-01", "abc", "2026-03..x"):
        with pytest.raises(StatsError):
            Period.parse(bad)
    with pytest.raises(StatsError, match="trước ngày đầu"):
        Period.parse("2026-02-01..2026-01-01")
