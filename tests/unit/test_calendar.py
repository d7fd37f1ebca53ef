"""Working-day calendar: official 2025/2026 breaks, office hours, appointment rules, overrides."""

from __future__ import annotations

import time as _time
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kiosk_app.core.calendar import (
    VN_TZ,
    CalendarDataError,
    OfficeHours,
    WorkCalendar,
    load_override_file,
)
from kiosk_app.core.timeunits import ProcessingTime

SAME_DAY = ProcessingTime(0, "same_day")


def wd(n: float) -> ProcessingTime:
    return ProcessingTime(n, "working_days")


@pytest.fixture(scope="module")
def cal() -> WorkCalendar:
    return WorkCalendar.from_resources()


# --------------------------------------------------------------------- the issue's example
def test_same_day_received_friday_before_tet_2025_after_cutoff_is_due_after_tet(cal):
    due = cal.appointment(datetime(2025, 1, 24, 16, 10), SAME_DAY)
    assert due == datetime(2025, 2, 3, 17, 0)  # Monday, first working day after Tết Ất Tỵ


# --------------------------------------------------------------------- official breaks
def test_tet_2025_break_is_nine_days_sat_25_jan_to_sun_2_feb(cal):
    days = [date(2025, 1, 25) + timedelta(days=i) for i in range(9)]
    assert not any(cal.is_working_day(d) for d in days)
    assert cal.is_working_day(date(2025, 1, 24)) and cal.is_working_day(date(2025, 2, 3))
    assert all(cal.holiday_name(d) is not None for d in days)


def test_tet_2026_break_is_nine_days_sat_14_feb_to_sun_22_feb(cal):
    days = [date(2026, 2, 14) + timedelta(days=i) for i in range(9)]
    assert not any(cal.is_working_day(d) for d in days)
    assert cal.is_working_day(date(2026, 2, 13)) and cal.is_working_day(date(2026, 2, 23))
    assert cal.next_working_day(date(2026, 2, 13)) == date(2026, 2, 23)


def test_30_april_2025_swap(cal):
    assert cal.is_working_day(date(2025, 4, 26))  # Saturday, làm bù for Fri 2/5
    for d in range(30, 35):
        day = date(2025, 4, 30) + timedelta(days=d - 30)
        assert not cal.is_working_day(day), day
    assert "26/4/2025" in cal.holiday_name(date(2025, 5, 2)).vi


def test_working_days_count_a_lam_bu_saturday(cal):
    # Thu 24/4/2025 + 3 working days: Fri 25/4, Sat 26/4 (làm bù), Mon 28/4.
    assert cal.appointment(datetime(2025, 4, 24, 10, 0), wd(3)) == datetime(2025, 4, 28, 17, 0)
    # Tue 29/4 + 3: 30/4–4/5 are off → Mon 5/5, Tue 6/5, Wed 7/5.
    assert cal.appointment(datetime(2025, 4, 29, 9, 0), wd(3)) == datetime(2025, 5, 7, 17, 0)


def test_new_year_2026_swap_unknown_to_the_package_comes_from_the_override_file(cal):
    plain = WorkCalendar()  # package baseline only
    assert plain.is_working_day(date(2026, 1, 2)) and not plain.is_working_day(date(2026, 1, 10))
    assert not cal.is_working_day(date(2026, 1, 2))
    assert cal.is_working_day(date(2026, 1, 10))
    # Same-day dossier received Friday 9/1/2026 after 15:00 → due Saturday 10/1 (làm bù).
    assert cal.appointment(datetime(2026, 1, 9, 15, 30), SAME_DAY) == datetime(2026, 1, 10, 17)


def test_national_day_2025_break(cal):
    assert [cal.is_working_day(date(2025, 8, 29) + timedelta(days=i)) for i in range(6)] == [
        True,
        False,
        False,
        False,
        False,
        True,  # Fri 29/8 … Wed 3/9
    ]
    assert cal.holiday_name(date(2025, 9, 2)).en == "National Day"
    assert cal.appointment(datetime(2025, 8, 29, 15, 0), SAME_DAY) == datetime(2025, 9, 3, 17)
    assert cal.appointment(datetime(2025, 8, 29, 10, 0), wd(2)) == datetime(2025, 9, 4, 17)


def test_national_day_2026_swap(cal):
    assert cal.is_working_day(date(2026, 8, 22))  # Saturday làm bù
    assert not any(cal.is_working_day(date(2026, 8, 29) + timedelta(days=i)) for i in range(5))


def test_gio_to_2026_sunday_gives_monday_in_lieu(cal):
    assert not cal.is_working_day(date(2026, 4, 27))
    assert "nghỉ bù" in cal.holiday_name(date(2026, 4, 27)).vi
    assert cal.appointment(datetime(2026, 4, 24, 10, 0), wd(1)) == datetime(2026, 4, 28, 17)
    # Tue 28, Wed 29, then 30/4–3/5 off → Mon 4/5.
    assert cal.appointment(datetime(2026, 4, 24, 10, 0), wd(3)) == datetime(2026, 5, 4, 17)


def test_culture_day_2026_from_the_package(cal):
    assert not cal.is_working_day(date(2026, 11, 24))
    assert cal.holiday_name(date(2026, 11, 24)).vi == "Ngày Văn hóa Việt Nam"
    assert cal.is_working_day(date(2025, 11, 24))


def test_holiday_name_is_none_on_working_days_and_plain_weekends(cal):
    assert cal.holiday_name(date(2025, 3, 12)) is None
    assert cal.holiday_name(date(2025, 3, 15)) is None  # a plain Saturday
    assert cal.holiday_name(date(2025, 4, 26)) is None  # làm bù Saturday


# --------------------------------------------------------------------- same-day rule
def test_cutoff_1459_versus_1500_on_a_wednesday(cal):
    assert cal.appointment(datetime(2025, 3, 12, 14, 59), SAME_DAY) == datetime(2025, 3, 12, 17)
    assert cal.appointment(datetime(2025, 3, 12, 15, 0), SAME_DAY) == datetime(2025, 3, 13, 17)
    on_receipt = ProcessingTime(0, "on_receipt")
    assert cal.appointment(datetime(2025, 3, 12, 14, 59), on_receipt) == datetime(2025, 3, 12, 17)


def test_same_day_outside_hours(cal):
    assert cal.appointment(datetime(2025, 3, 12, 6, 30), SAME_DAY) == datetime(2025, 3, 12, 17)
    assert cal.appointment(datetime(2025, 3, 12, 12, 0), SAME_DAY) == datetime(2025, 3, 12, 17)
    assert cal.appointment(datetime(2025, 3, 12, 18, 0), SAME_DAY) == datetime(2025, 3, 13, 17)
    # Saturday: counts from Monday's opening, before the cut-off → Monday.
    assert cal.appointment(datetime(2025, 3, 15, 9, 0), SAME_DAY) == datetime(2025, 3, 17, 17)


def test_procedure_cutoff_and_return_hours_are_settings():
    hours = OfficeHours(late_same_day_return=time(11, 30), cutoff=time(16, 0))
    c = WorkCalendar(office_hours=hours)
    assert c.appointment(datetime(2025, 3, 12, 15, 30), SAME_DAY) == datetime(2025, 3, 12, 17)
    assert c.appointment(datetime(2025, 3, 12, 16, 0), SAME_DAY) == datetime(2025, 3, 13, 11, 30)
    per_procedure = ProcessingTime(0, "same_day", cutoff=time(10, 0))
    assert c.appointment(datetime(2025, 3, 12, 10, 0), per_procedure) == datetime(
        2025, 3, 13, 11, 30
    )
    c2 = WorkCalendar(office_hours=OfficeHours(return_time=time(16, 0)))
    assert c2.appointment(datetime(2025, 3, 12, 9), wd(1)) == datetime(2025, 3, 13, 16)


# --------------------------------------------------------------------- other units
def test_working_days_after_closing_start_next_day(cal):
    assert cal.appointment(datetime(2025, 3, 12, 16, 59), wd(2)) == datetime(2025, 3, 14, 17)
    assert cal.appointment(datetime(2025, 3, 12, 17, 0), wd(2)) == datetime(2025, 3, 17, 17)
    assert cal.appointment(datetime(2025, 3, 12, 9), wd(1.5)) == datetime(2025, 3, 14, 17)
    assert cal.appointment(datetime(2025, 3, 12, 15, 30), wd(0)) == datetime(2025, 3, 13, 17)


def test_calendar_days_roll_forward_to_a_working_day(cal):
    cd = ProcessingTime(3, "calendar_days")
    assert cal.appointment(datetime(2025, 3, 10, 9), cd) == datetime(2025, 3, 13, 17)
    # Wed 22/1/2025 + 3 = Sat 25/1, inside Tết → Mon 3/2.
    assert cal.appointment(datetime(2025, 1, 22, 9), cd) == datetime(2025, 2, 3, 17)


def test_hours_skip_lunch_and_weekend(cal):
    h = ProcessingTime(8, "hours")
    # Fri 7/3/2025 11:00: 0.5 h + 3.5 h on Friday, 4 h on Monday morning.
    assert cal.appointment(datetime(2025, 3, 7, 11, 0), h) == datetime(2025, 3, 10, 11, 0)
    assert cal.appointment(datetime(2025, 3, 12, 12, 0), ProcessingTime(2, "hours")) == datetime(
        2025, 3, 12, 15, 30
    )
    # Ends exactly at lunch: stays at 11:30.
    assert cal.appointment(datetime(2025, 3, 12, 7, 0), ProcessingTime(4.5, "hours")) == datetime(
        2025, 3, 12, 11, 30
    )
    # Fri 25/4/2025 16:00 + 4 h: 1 h Friday, 3 h on the làm-bù Saturday.
    assert cal.appointment(datetime(2025, 4, 25, 16), ProcessingTime(4, "hours")) == datetime(
        2025, 4, 26, 10
    )


def test_aware_datetimes_are_converted_to_vietnam_time(cal):
    received = datetime(2025, 1, 24, 9, 10, tzinfo=UTC)  # 16:10 in Hà Nội
    due = cal.appointment(received, SAME_DAY)
    assert due == datetime(2025, 2, 3, 17, tzinfo=VN_TZ) and due.tzinfo is not None


def test_saturday_morning_reception_does_not_make_saturday_a_working_day():
    c = WorkCalendar(office_hours=OfficeHours(saturday_morning=True))
    assert c.is_open(datetime(2025, 3, 15, 9, 0))
    assert not c.is_open(datetime(2025, 3, 15, 14, 0))
    assert not c.is_open(datetime(2025, 2, 1, 9, 0))  # Tết Saturday
    assert not c.is_working_day(date(2025, 3, 15))
    assert c.receipt_day(datetime(2025, 3, 15, 9, 0)) == date(2025, 3, 17)
    assert not WorkCalendar().is_open(datetime(2025, 3, 15, 9, 0))


# --------------------------------------------------------------------- day arithmetic
def test_add_and_count_working_days(cal):
    assert cal.add_working_days(date(2025, 3, 14), 1) == date(2025, 3, 17)
    assert cal.add_working_days(date(2025, 3, 17), -1) == date(2025, 3, 14)
    assert cal.add_working_days(date(2025, 3, 15), 0) == date(2025, 3, 15)
    assert cal.working_days_between(date(2025, 1, 24), date(2025, 2, 3)) == 1
    assert cal.working_days_between(date(2025, 2, 3), date(2025, 1, 24)) == -1
    assert cal.working_days_between(date(2025, 3, 10), date(2025, 3, 10)) == 0
    # Crosses into years not loaded yet, both ways.
    assert cal.working_days_between(date(2020, 1, 1), date(2030, 1, 1)) > 2400
    later = cal.add_working_days(date(2025, 6, 1), 600)
    earlier = cal.add_working_days(date(2025, 6, 1), -600)
    assert later.year == 2027 and earlier.year == 2022
    assert cal.working_days_between(date(2025, 6, 1), later) == 600
    assert cal.working_days_between(date(2025, 6, 1), earlier) == -600


# --------------------------------------------------------------------- pauses
def test_pause_adds_the_working_time_paused(cal):
    appt = datetime(2025, 3, 7, 17, 0)
    # Mon 10:00 → Wed 10:00: two working days (16 h) → two working days later.
    assert cal.shift_for_pause(appt, datetime(2025, 3, 3, 10), datetime(2025, 3, 5, 10)) == (
        datetime(2025, 3, 11, 17, 0)
    )
    # Paused over a night: 1 h + 1 h.
    paused = (datetime(2025, 3, 3, 16), datetime(2025, 3, 4, 8))
    assert cal.shift_for_pause(appt, *paused) == datetime(2025, 3, 10, 9, 0)
    assert cal.shift_for_pause(appt, *paused, whole_days=True) == datetime(2025, 3, 10, 17)
    # A pause entirely inside Tết costs nothing; an empty pause changes nothing.
    assert cal.shift_for_pause(appt, datetime(2025, 1, 27), datetime(2025, 2, 1)) == appt
    with pytest.raises(ValueError):
        cal.shift_for_pause(appt, datetime(2025, 3, 4), datetime(2025, 3, 3))


# --------------------------------------------------------------------- override files
def _write(folder: Path, name: str, body: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(body, encoding="utf-8")
    return path


HEAD = """year: {year}
version: 1
source:
  documents: [{{number: "test"}}]
  retrieved: 2026-11-23
entries:
"""


def test_shipped_files_are_valid_and_sourced():
    c = WorkCalendar.from_resources()
    years = sorted(f.year for f in c.override_files)
    assert years[:2] == [2025, 2026]
    for f in c.override_files:
        assert f.source["documents"] and f.source["retrieved"] and f.source["licence"]


def test_extra_dirs_override_later_wins(tmp_path):
    a = tmp_path / "a"
    b = tmp_path / "b"
    _write(
        a,
        "2026.yaml",
        HEAD.format(year=2026)
        + """\
  - {date: 2026-11-24, kind: "work", name: {vi: "Làm việc", en: "Working day"}}
  - {date: 2026-03-02, kind: "off", name: {vi: "Nghỉ A", en: "Off A"}}
""",
    )
    _write(
        b,
        "2026.yaml",
        HEAD.format(year=2026)
        + """\
  - {date: 2026-03-02, kind: "off", name: {vi: "Nghỉ B", en: "Off B"}}
""",
    )
    c = WorkCalendar.from_resources(extra_dirs=[a, b])
    assert c.is_working_day(date(2026, 11, 24))
    assert c.holiday_name(date(2026, 3, 2)).en == "Off B"
    assert not c.is_working_day(date(2026, 1, 2))  # shipped file still applies
    assert WorkCalendar.from_resources(extra_dirs=[tmp_path / "missing"]).is_working_day(
        date(2026, 3, 2)
    )


@pytest.mark.parametrize(
    ("body", "entry", "problem"),
    [
        (
            '  - {date: 2025-03-02, kind: "off", name: {vi: "x", en: "x"}}\n',
            "entries[0]",
            "outside",
        ),
        (
            '  - {date: 2026-03-02, kind: "off", name: {vi: "x", en: "x"}}\n'
            '  - {date: 2026-03-02, kind: "work", name: {vi: "x", en: "x"}}\n',
            "entries[1] (2026-03-02)",
            "duplicate",
        ),
        ('  - {date: 2026-03-02, kind: "holiday", name: {vi: "x", en: "x"}}\n', "kind", "unknown"),
        ("  - {date: 2026-03-02, kind: off, name: {vi: x, en: x}}\n", "kind", "quote"),
        ('  - {date: 2026-03-02, kind: "off", name: {vi: "x"}}\n', "name.en", "missing"),
        ('  - {date: "2 March", kind: "off", name: {vi: "x", en: "x"}}\n', "date", "not a date"),
    ],
)
def test_loader_errors_name_file_entry_and_problem(tmp_path, body, entry, problem):
    path = _write(tmp_path, "2026.yaml", HEAD.format(year=2026) + body)
    with pytest.raises(CalendarDataError) as err:
        load_override_file(path)
    assert err.value.file == str(path)
    assert entry in err.value.entry
    assert problem in err.value.problem
    assert str(path) in str(err.value)


def test_loader_checks_year_and_source(tmp_path):
    path = _write(tmp_path, "2027.yaml", HEAD.format(year=2026))
    with pytest.raises(CalendarDataError, match="year"):
        load_override_file(path)
    path = _write(tmp_path, "x.yaml", "year: 2026\nversion: 1\nentries: []\n")
    with pytest.raises(CalendarDataError, match="source"):
        load_override_file(path)


def test_names_are_stored_nfc(tmp_path):
    nfd = "Nghi\u0309"  # "Nghỉ" decomposed
    path = _write(
        tmp_path,
        "2026.yaml",
        HEAD.format(year=2026)
        + (f'  - {{date: 2026-03-02, kind: "off", name: {{vi: "{nfd}", en: "x"}}}}\n'),
    )
    assert load_override_file(path).entries[0].name.vi == "Nghỉ"


# --------------------------------------------------------------------- office hours
def test_office_hours_settings_and_validation():
    h = OfficeHours(morning=(time(7, 30), time(11, 30)), afternoon=(time(13), time(16, 30)))
    assert h.opens == time(7, 30) and h.due_time == time(16, 30)
    c = WorkCalendar(office_hours=h)
    assert c.appointment(datetime(2025, 3, 12, 9), wd(1)) == datetime(2025, 3, 13, 16, 30)
    assert c.counting_start(datetime(2025, 3, 12, 7, 0)) == datetime(2025, 3, 12, 7, 30)
    assert OfficeHours().day_length == timedelta(hours=8)
    with pytest.raises(ValueError, match="order"):
        OfficeHours(morning=(time(7), time(14)))
    with pytest.raises(ValueError, match="outside"):
        OfficeHours(return_time=time(18))
    with pytest.raises(ValueError, match="cut-off"):
        OfficeHours(same_day_return=time(11, 0))


# --------------------------------------------------------------------- properties
RECEIVED = st.datetimes(min_value=datetime(2024, 12, 1), max_value=datetime(2027, 1, 31))


@settings(max_examples=300, deadline=None)
@given(received=RECEIVED, n=st.integers(min_value=1, max_value=60))
def test_property_working_days_appointment(cal, received, n):
    """For n ≥ 1 working days: the appointment is on a working day, after receipt, and exactly
    n working days after the day of receipt (receipt_day: the receiving date, or the next
    working day when received after closing or on a day off)."""
    due = cal.appointment(received, wd(n))
    assert cal.is_working_day(due.date())
    assert due > received
    assert cal.working_days_between(cal.receipt_day(received), due.date()) == n
    assert cal.working_days_between(received.date(), due.date()) in (n, n + 1)


@settings(max_examples=200, deadline=None)
@given(received=RECEIVED, minutes=st.integers(min_value=0, max_value=60 * 40))
def test_property_hours_consume_exactly_the_working_time(cal, received, minutes):
    due = cal.appointment(received, ProcessingTime(minutes / 60, "hours"))
    assert due >= received
    assert cal.working_time_between(received, due) == timedelta(minutes=minutes)


@settings(max_examples=200, deadline=None)
@given(received=RECEIVED)
def test_property_same_day_is_the_receipt_day_or_the_next(cal, received):
    due = cal.appointment(received, SAME_DAY)
    assert cal.is_working_day(due.date()) and due > received
    assert cal.working_days_between(cal.receipt_day(received), due.date()) in (0, 1)


def test_hundred_thousand_appointments_are_fast(cal):
    start = datetime(2025, 1, 1, 6, 0)
    times = [wd(k % 30 + 1) for k in range(100)]
    t0 = _time.perf_counter()
    for i in range(100_000):
        cal.appointment(start + timedelta(minutes=37 * i), times[i % 100])
    assert _time.perf_counter() - t0 < 2.0


@settings(max_examples=200, deadline=None)
@given(
    start=st.dates(min_value=date(2024, 1, 1), max_value=date(2027, 12, 31)),
    n=st.integers(min_value=-300, max_value=300),
)
def test_property_add_and_between_are_inverse(cal, start, n):
    end = cal.add_working_days(start, n)
    assert cal.working_days_between(start, end) == n
    if n:
        assert cal.is_working_day(end)
