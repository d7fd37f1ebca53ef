"""Working days, office hours and appointment dates (the date printed on the receipt).

Which days are working days
    Mon–Fri, minus the public holidays the ``holidays`` package computes for Vietnam (Labour
    Code 2019 art. 112, lunar Tết and Giỗ Tổ, nghỉ bù, the swaps it knows), then corrected by the
    official per-year override files in ``resources/calendar/<year>.yaml`` and in any folder the
    province pushes newer files to. An override entry is ``off`` (the date is a day off) or
    ``work`` (the date is a working day: a làm-bù Saturday, or a baseline holiday cancelled).
    Files are applied in order — shipped folder first, then ``extra_dirs`` in the given order,
    file names sorted inside a folder — and a later file wins for the dates it names.
    Saturday-morning reception (``OfficeHours.saturday_morning``) does not make Saturday a
    working day: legal time limits count working days only.

How an appointment is computed (``WorkCalendar.appointment``)
    * Day of receipt (``receipt_day``): the date received, if it is a working day and the
      dossier came before the afternoon closing; otherwise the next working day (a dossier
      received at night, at a weekend, on a holiday or at a Saturday-morning desk counts from
      the next working day's opening). Before the morning opening or at lunch counts as that day.
    * ``same_day`` and ``on_receipt``: counting from the opening if received outside hours;
      before the cut-off (``ProcessingTime.cutoff`` or ``OfficeHours.cutoff``, 15:00)
      → the day of receipt at ``same_day_return`` (default: closing, 17:00); at or after the
      cut-off → the next working day at ``late_same_day_return`` (default: closing). Source:
      Nghị định 123/2015/NĐ-CP — "nhận hồ sơ sau 15 giờ mà không giải quyết được ngay thì trả
      kết quả trong ngày làm việc tiếp theo"; a whole next working day is what it grants.
    * ``working_days`` n: the n-th working day after the day of receipt (the day of receipt is
      not counted) at ``return_time`` (default: closing, 17:00 — the whole last day is the
      office's). A fractional n is rounded up. n = 0 is treated as ``same_day``.
    * ``calendar_days`` n: the day of receipt + n days, moved forward to the next working day
      if that is a day off, at ``return_time``. n = 0 is treated as ``same_day``.
    * ``hours`` n: n working hours counted inside office hours on working days from the moment
      counting starts (lunch, nights and days off skipped); the exact instant is returned.
    * A supplement request pauses the clock (``shift_for_pause``): the new appointment is the
      old one plus the working time (inside office hours, on working days) the dossier was
      paused.

Datetimes may be naive (Vietnam local time) or aware (converted to UTC+7); results keep the
same kind as the input. Days are precomputed lazily per year, so ``is_working_day`` is a set
lookup and ``add_working_days`` a bisection.
"""

from __future__ import annotations

import math
import threading
import unicodedata
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from pathlib import Path
from typing import Any, Final

from kiosk_app.core.text import Text
from kiosk_app.core.timeunits import (
    CALENDAR_DAYS,
    HOURS,
    ON_RECEIPT,
    SAME_DAY,
    WORKING_DAYS,
    ProcessingTime,
)
from kiosk_app.resources import resource_path

VN_TZ: Final = timezone(timedelta(hours=7), "ICT")
OFF: Final = "off"
WORK: Final = "work"
KINDS: Final[tuple[str, ...]] = (OFF, WORK)
_DAY: Final = timedelta(days=1)


class CalendarDataError(ValueError):
    """An override file is wrong. ``file``, ``entry`` (e.g. ``entries[3]``) and ``problem``."""

    def __init__(self, file: Path | str, entry: str, problem: str) -> None:
        super().__init__(f"{file}: {entry}: {problem}")
        self.file, self.entry, self.problem = str(file), entry, problem


# ----------------------------------------------------------------------------- override files
@dataclass(frozen=True)
class DayOverride:
    """One official decision about one date: ``kind`` is ``off`` or ``work``."""

    day: date
    kind: str
    name: Text


@dataclass(frozen=True)
class OverrideFile:
    """A validated ``resources/calendar/<year>.yaml``."""

    path: Path
    year: int
    version: str
    source: Mapping[str, Any]
    entries: tuple[DayOverride, ...]


def _nfc_text(path: Path, where: str, value: Any) -> Text:
    if not isinstance(value, Mapping):
        raise CalendarDataError(path, where, "must be a mapping {vi: ..., en: ...}")
    out = []
    for lang in ("vi", "en"):
        s = value.get(lang)
        if not isinstance(s, str) or not s.strip():
            raise CalendarDataError(path, f"{where}.{lang}", "missing or empty text")
        out.append(unicodedata.normalize("NFC", s.strip()))
    return Text(*out)


def _as_date(path: Path, where: str, value: Any) -> date:
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    raise CalendarDataError(path, where, f"not a date (YYYY-MM-DD): {value!r}")


def load_override_file(path: Path | str, *, cache_dir: Path | None = None) -> OverrideFile:
    """Read and validate one override file; raises ``CalendarDataError`` naming the problem.

    Checks: ``year`` (matching a numeric file name), ``version``, ``source`` with non-empty
    ``documents`` and a ``retrieved`` date, and per entry a date inside the year, no date twice,
    a known ``kind`` and a bilingual ``name``. ``cache_dir``: a kiosk's cache folder where the
    parsed file may be kept (:func:`kiosk_app.core.catalog_cache.load_yaml_cached`, keyed by
    the file's text); the checks run on every load either way.
    """
    from kiosk_app.core.catalog_cache import load_yaml_cached, yaml_error

    path = Path(path)
    try:
        data = load_yaml_cached(path, cache_dir)
    except (OSError, yaml_error()) as exc:
        raise CalendarDataError(path, "(file)", f"cannot read: {exc}") from exc
    if not isinstance(data, Mapping):
        raise CalendarDataError(path, "(file)", "top level must be a mapping")
    year = data.get("year")
    if not isinstance(year, int) or isinstance(year, bool):
        raise CalendarDataError(path, "year", f"must be an integer, not {year!r}")
    if path.stem.isdigit() and int(path.stem) != year:
        raise CalendarDataError(path, "year", f"{year} does not match the file name")
    version = data.get("version")
    if isinstance(version, bool) or not isinstance(version, int | str) or not str(version).strip():
        raise CalendarDataError(path, "version", f"must be a number or text, not {version!r}")
    source = data.get("source")
    if not isinstance(source, Mapping):
        raise CalendarDataError(path, "source", "missing (documents, retrieved, licence)")
    docs = source.get("documents")
    if not isinstance(docs, list) or not docs:
        raise CalendarDataError(path, "source.documents", "must list at least one document")
    _as_date(path, "source.retrieved", source.get("retrieved"))
    raw = data.get("entries")
    if not isinstance(raw, list):
        raise CalendarDataError(path, "entries", "must be a list")
    entries: list[DayOverride] = []
    seen: dict[date, int] = {}
    for i, item in enumerate(raw):
        where = f"entries[{i}]"
        if not isinstance(item, Mapping):
            raise CalendarDataError(path, where, "must be a mapping (date, kind, name)")
        day = _as_date(path, f"{where}.date", item.get("date"))
        where = f"entries[{i}] ({day.isoformat()})"
        if day.year != year:
            raise CalendarDataError(path, f"{where}.date", f"outside the file's year {year}")
        if day in seen:
            raise CalendarDataError(path, where, f"duplicate of entries[{seen[day]}]")
        seen[day] = i
        kind = item.get("kind")
        if isinstance(kind, bool):  # YAML 1.1 reads a bare off/no as false
            raise CalendarDataError(
                path, f"{where}.kind", 'quote the kind: "off" (YAML reads bare off as false)'
            )
        if kind not in KINDS:
            raise CalendarDataError(
                path, f"{where}.kind", f"unknown kind {kind!r} (expected {' or '.join(KINDS)})"
            )
        entries.append(DayOverride(day, kind, _nfc_text(path, f"{where}.name", item.get("name"))))
    return OverrideFile(path, year, str(version), dict(source), tuple(entries))


def load_override_dir(folder: Path | str, *, cache_dir: Path | None = None) -> list[OverrideFile]:
    """All ``*.yaml`` files of a folder, sorted by file name (a missing folder gives none)."""
    folder = Path(folder)
    if not folder.is_dir():
        return []
    return [load_override_file(p, cache_dir=cache_dir) for p in sorted(folder.glob("*.yaml"))]


# ----------------------------------------------------------------------------- office hours
@dataclass(frozen=True)
class OfficeHours:
    """A commune's reception hours (``morning``, ``afternoon``: (opens, closes)) and the
    appointment-time settings; ``None`` return times mean closing time.

    Constraints (ValueError otherwise): morning opens < morning closes ≤ afternoon opens <
    afternoon closes; the cut-off and every return time lie within opening..closing; the
    same-day return time is not before the cut-off.
    """

    morning: tuple[time, time] = (time(7, 0), time(11, 30))
    afternoon: tuple[time, time] = (time(13, 30), time(17, 0))
    saturday_morning: bool = False
    cutoff: time = time(15, 0)
    same_day_return: time | None = None
    late_same_day_return: time | None = None
    return_time: time | None = None

    def __post_init__(self) -> None:
        (m0, m1), (a0, a1) = self.morning, self.afternoon
        if not (m0 < m1 <= a0 < a1):
            raise ValueError("office hours: sessions must be in order and not overlap")
        for name in ("cutoff", "same_day_return", "late_same_day_return", "return_time"):
            t = getattr(self, name)
            if t is not None and not (m0 <= t <= a1):
                raise ValueError(f"office hours: {name} {t} is outside opening hours")
        if self.due_same_day < self.cutoff:
            raise ValueError("office hours: same_day_return must not be before the cut-off")

    @property
    def opens(self) -> time:
        return self.morning[0]

    @property
    def closes(self) -> time:
        return self.afternoon[1]

    @property
    def due_same_day(self) -> time:
        return self.same_day_return or self.closes

    @property
    def due_late_same_day(self) -> time:
        return self.late_same_day_return or self.closes

    @property
    def due_time(self) -> time:
        return self.return_time or self.closes

    @property
    def day_length(self) -> timedelta:
        """Working time in one full working day (8 h with the defaults)."""
        d = date(2000, 1, 3)
        return sum(
            (
                datetime.combine(d, e) - datetime.combine(d, s)
                for s, e in (self.morning, self.afternoon)
            ),
            timedelta(),
        )


# ----------------------------------------------------------------------------- the calendar
def _to_local(dt: datetime) -> tuple[datetime, bool]:
    """Naive local time, and whether the input was aware."""
    if dt.tzinfo is None:
        return dt, False
    return dt.astimezone(VN_TZ).replace(tzinfo=None), True


def _back(dt: datetime, aware: bool) -> datetime:
    return dt.replace(tzinfo=VN_TZ) if aware else dt


class WorkCalendar:
    """Working days and appointment dates for one commune. Thread-safe: years load under a
    lock and the day index is replaced in one assignment."""

    def __init__(
        self,
        overrides: Iterable[OverrideFile] = (),
        office_hours: OfficeHours | None = None,
        *,
        baseline: bool = True,
    ) -> None:
        self.hours = office_hours or OfficeHours()
        self.baseline = baseline
        self.override_files: tuple[OverrideFile, ...] = tuple(overrides)
        self._by_year: dict[int, list[DayOverride]] = {}
        for f in self.override_files:
            self._by_year.setdefault(f.year, []).extend(f.entries)
        self._names: dict[int, Text] = {}  # ordinal → name of a named day off
        self._working: set[int] = set()  # ordinals of working days, loaded years only
        self._loaded: dict[int, list[int]] = {}  # year → sorted working ordinals
        # (first year, last year, working ordinals of that contiguous span), swapped atomically
        self._index: tuple[int, int, list[int]] | None = None
        self._lock = threading.Lock()

    @classmethod
    def from_resources(
        cls,
        extra_dirs: Sequence[Path | str] = (),
        office_hours: OfficeHours | None = None,
        *,
        cache_dir: Path | None = None,
    ) -> WorkCalendar:
        """The shipped ``resources/calendar`` files, then each of ``extra_dirs`` in order
        (``cache_dir``: where their parsed text may be kept, see ``load_override_file``)."""
        files = load_override_dir(resource_path("calendar"), cache_dir=cache_dir)
        for folder in extra_dirs:
            files += load_override_dir(folder, cache_dir=cache_dir)
        return cls(files, office_hours)

    # ------------------------------------------------------------------ days
    def _load_year(self, year: int) -> None:
        off: dict[date, Text] = {}
        work: set[date] = set()
        if self.baseline:
            # Imported on first use: the package costs ~40 ms to import, the desk's start
            # screen needs no calendar arithmetic.
            import holidays

            vi = holidays.Vietnam(years=year, language="vi")
            en = holidays.Vietnam(years=year, language="en_US")
            for d, name in vi.items():
                if d.year == year:
                    off[d] = Text(unicodedata.normalize("NFC", name), en.get(d, name))
            work = {d for d in vi.weekend_workdays if d.year == year}
        for entry in self._by_year.get(year, ()):  # file order: later entries win
            if entry.kind == OFF:
                off[entry.day] = entry.name
                work.discard(entry.day)
            else:
                off.pop(entry.day, None)
                work.add(entry.day)
        for d, name in off.items():
            self._names[d.toordinal()] = name
        first, last = date(year, 1, 1).toordinal(), date(year, 12, 31).toordinal()
        days = []
        for o in range(first, last + 1):
            d = date.fromordinal(o)
            if d in work or (d.weekday() < 5 and d not in off):
                days.append(o)
        self._working.update(days)  # before _loaded: readers test _loaded first
        self._loaded[year] = days

    def _ensure(self, y0: int, y1: int) -> None:
        """Load years y0..y1 and keep the loaded span contiguous."""
        index = self._index
        if index and index[0] <= y0 and y1 <= index[1]:
            return
        with self._lock:
            lo, hi = (self._index or (y0, y1, None))[:2]
            lo, hi = min(lo, y0), max(hi, y1)
            for y in range(lo, hi + 1):
                if y not in self._loaded:
                    self._load_year(y)
            self._index = (lo, hi, [o for y in range(lo, hi + 1) for o in self._loaded[y]])

    def _days(self, y0: int, y1: int) -> tuple[int, int, list[int]]:
        self._ensure(y0, y1)
        return self._index  # type: ignore[return-value]

    def is_working_day(self, d: date) -> bool:
        """True on a legal working day (weekends, holidays and official days off excluded)."""
        if d.year not in self._loaded:
            self._ensure(d.year, d.year)
        return d.toordinal() in self._working

    def holiday_name(self, d: date) -> Text | None:
        """Name of the day off ``d`` (holiday, Tết break, swapped day), or None on a working day
        or a plain weekend."""
        if self.is_working_day(d):
            return None
        return self._names.get(d.toordinal())

    def add_working_days(self, start: date, n: int) -> date:
        """The n-th working day after ``start`` (``start`` itself not counted); n < 0 counts
        back; n == 0 returns ``start`` unchanged."""
        if n == 0:
            return start
        s = start.toordinal()
        lo, hi, days = self._days(start.year, start.year)
        while True:
            if n > 0:
                i = bisect_right(days, s) + n - 1
                if i < len(days):
                    return date.fromordinal(days[i])
                lo, hi, days = self._days(start.year, hi + 1 + n // 260)
            else:
                i = bisect_left(days, s) + n
                if i >= 0:
                    return date.fromordinal(days[i])
                lo, hi, days = self._days(lo - 1 + n // 260, start.year)

    def next_working_day(self, d: date) -> date:
        """The first working day strictly after ``d``."""
        return self.add_working_days(d, 1)

    def working_day_on_or_after(self, d: date) -> date:
        return d if self.is_working_day(d) else self.next_working_day(d)

    def working_days_between(self, a: date, b: date) -> int:
        """Working days d with a < d ≤ b; when b < a, minus those with b ≤ d < a. So for a
        working day b, ``add_working_days(a, n) == b`` ⇔ ``working_days_between(a, b) == n``."""
        days = self._days(min(a, b).year, max(a, b).year)[2]
        if a <= b:
            return bisect_right(days, b.toordinal()) - bisect_right(days, a.toordinal())
        return bisect_left(days, b.toordinal()) - bisect_left(days, a.toordinal())

    # ------------------------------------------------------------------ hours
    def sessions(self, d: date) -> list[tuple[datetime, datetime]]:
        """Counting sessions of ``d``: both sessions on a working day, none otherwise."""
        if not self.is_working_day(d):
            return []
        h = self.hours
        return [
            (datetime.combine(d, a), datetime.combine(d, b)) for a, b in (h.morning, h.afternoon)
        ]

    def is_open(self, at: datetime) -> bool:
        """Whether the desk receives at ``at`` (working-day sessions, plus Saturday mornings
        that are not holidays when ``saturday_morning`` is set)."""
        t, _ = _to_local(at)
        d = t.date()
        h = self.hours
        if self.is_working_day(d):
            return any(a <= t.time() < b for a, b in (h.morning, h.afternoon))
        if h.saturday_morning and d.weekday() == 5 and self.holiday_name(d) is None:
            return h.morning[0] <= t.time() < h.morning[1]
        return False

    def counting_start(self, received_at: datetime) -> datetime:
        """The instant the clock starts: ``received_at`` inside a session, else the next
        session's opening (lunch → afternoon, night/day off → next working day's morning)."""
        t, aware = _to_local(received_at)
        for a, b in self.sessions(t.date()):
            if t < b:
                return _back(max(t, a), aware)
        nxt = self.next_working_day(t.date())
        return _back(datetime.combine(nxt, self.hours.opens), aware)

    def receipt_day(self, received_at: datetime) -> date:
        """The working day a dossier counts as received on (see the module docstring)."""
        t, _ = _to_local(received_at)
        d = t.date()
        if self.is_working_day(d) and t.time() < self.hours.closes:
            return d
        return self.next_working_day(d)

    def add_working_time(self, start: datetime, amount: timedelta) -> datetime:
        """``start`` plus ``amount`` of working time inside office hours on working days. A
        result at a session's end stays there (11:30, 17:00) rather than the next opening."""
        if amount < timedelta(0):
            raise ValueError("amount of working time must not be negative")
        t, aware = _to_local(self.counting_start(start))
        left = amount
        d = t.date()
        while True:
            for a, b in self.sessions(d):
                if t >= b:
                    continue
                t = max(t, a)
                if left <= b - t:
                    return _back(t + left, aware)
                left -= b - t
                t = b
            d = self.next_working_day(d)

    def working_time_between(self, a: datetime, b: datetime) -> timedelta:
        """Working time inside office hours on working days between ``a`` and ``b`` (0 if b ≤ a)."""
        ta, _ = _to_local(a)
        tb, _ = _to_local(b)
        total = timedelta(0)
        if tb <= ta:
            return total
        d = ta.date()
        while d <= tb.date():
            for s, e in self.sessions(d):
                lo, hi = max(s, ta), min(e, tb)
                if hi > lo:
                    total += hi - lo
            d += _DAY
        return total

    # ------------------------------------------------------------------ appointments
    def appointment(self, received_at: datetime, time: ProcessingTime) -> datetime:
        """The date-time printed on the receipt for a dossier received at ``received_at``."""
        t, aware = _to_local(received_at)
        h = self.hours
        unit = time.unit
        if unit in (WORKING_DAYS, CALENDAR_DAYS) and math.ceil(time.value) == 0:
            unit = SAME_DAY
        if unit in (SAME_DAY, ON_RECEIPT):
            start = self.counting_start(t)
            if start.time() < (time.cutoff or h.cutoff):
                due = datetime.combine(start.date(), h.due_same_day)
            else:
                due = datetime.combine(self.next_working_day(start.date()), h.due_late_same_day)
        elif unit == WORKING_DAYS:
            day = self.add_working_days(self.receipt_day(t), math.ceil(time.value))
            due = datetime.combine(day, h.due_time)
        elif unit == CALENDAR_DAYS:
            day = self.receipt_day(t) + timedelta(days=math.ceil(time.value))
            due = datetime.combine(self.working_day_on_or_after(day), h.due_time)
        elif unit == HOURS:
            due = self.add_working_time(t, timedelta(hours=time.value))
        else:  # pragma: no cover - ProcessingTime rejects unknown units
            raise ValueError(f"unknown unit {unit!r}")
        return _back(due, aware)

    def shift_for_pause(
        self,
        appointment: datetime,
        paused_from: datetime,
        resumed_at: datetime,
        *,
        whole_days: bool = False,
    ) -> datetime:
        """The appointment after a pause (supplement request): the old one plus the working time
        between ``paused_from`` and ``resumed_at``. With ``whole_days`` the result is rounded up
        to ``return_time`` of a working day. Raises ValueError if resumed before paused."""
        if _to_local(resumed_at)[0] < _to_local(paused_from)[0]:
            raise ValueError("resumed_at is before paused_from")
        paused = self.working_time_between(paused_from, resumed_at)
        if not paused:
            return appointment
        new, aware = _to_local(self.add_working_time(appointment, paused))
        if whole_days:
            due = self.hours.due_time
            day = new.date() if new.time() <= due else self.next_working_day(new.date())
            new = datetime.combine(day, due)
        return _back(new, aware)
