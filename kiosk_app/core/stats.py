"""The figures the province judges a commune by, computed from the commune's own records.

DOMAIN.md "What the province measures": the share of dossiers received online and fully online,
the share digitised (papers and results), the share paid without cash, the share finished on time,
and citizen satisfaction. Each figure is a count over stored dossiers, events and ratings in a
period, overall and per procedure and per field (lĩnh vực). The definitions, as this program
applies them (docs/statistics.md says the same for people):

- **received** in a period: a desk or back-entered dossier by its ``received_at``; a kiosk
  submission by the moment the desk accepted its papers (before that it is not a received
  dossier, and one the desk refused never is).
- **online**: received through the self-service kiosk (the citizen submitted it electronically);
  **fully online** (toàn trình, Nghị định 42/2022): online, and no fee or a fee paid without
  cash, and the result sent by post — the citizen need not come to the desk.
- **digitised**: every paper listed on the dossier has a scan (a dossier listing no paper counts
  when it has any scan).
- **finished** in a period: its first move to "result ready" (9) or "returned" (10) falls in the
  period; **on time** when that moment is not after the appointment. The appointment is the one
  in force after supplements (a supplement moves it, DOMAIN.md), but an apology slip's new
  appointment does not make a late dossier on time: the appointment before the first apology is
  used. **Result digitised**: the finishing event carries the result's scan.
- **overdue** at the period's end: received, not finished, not ended (refused, withdrawn,
  stopped) and its appointment passed — as things stood at that moment, from the events.
- **with a fee**: fee above zero; **paid without cash**: by bank transfer or online.
- **satisfaction**: ratings given in the period, per level (1 = rất không hài lòng … 5 = rất hài
  lòng); the index is the share of "hài lòng" and "rất hài lòng".

No Qt. Reads through the store's read lock; a year of a commune's dossiers takes milliseconds.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from kiosk_app.core.intake import VN_TZ
from kiosk_app.core.text import Text

CASHLESS = ("transfer", "online")
SATISFIED_LEVELS = (4, 5)


class StatsError(ValueError):
    """A period or grouping that cannot be computed (``message`` in Vietnamese)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Period:
    """Whole days ``first`` … ``last`` (inclusive) in the office's time zone."""

    first: date
    last: date

    def __post_init__(self) -> None:
        if self.last < self.first:
            raise StatsError(
                f"Khoảng thời gian không hợp lệ: ngày cuối {self.last:%d/%m/%Y} "
                f"trước ngày đầu {self.first:%d/%m/%Y}"
            )

    @property
    def start(self) -> datetime:
        return datetime.combine(self.first, time(0), VN_TZ)

    @property
    def end(self) -> datetime:
        """The first moment after the period."""
        return datetime.combine(self.last + timedelta(days=1), time(0), VN_TZ)

    def label(self) -> str:
        return f"{self.first:%d/%m/%Y} – {self.last:%d/%m/%Y}"

    @classmethod
    def month(cls, year: int, month: int) -> Period:
        first = date(year, month, 1)
        nxt = date(year + (month == 12), month % 12 + 1, 1)
        return cls(first, nxt - timedelta(days=1))

    @classmethod
    def quarter(cls, year: int, quarter: int) -> Period:
        if quarter not in (1, 2, 3, 4):
            raise StatsError(f"Quý phải từ 1 đến 4, không phải {quarter}")
        first = cls.month(year, 3 * quarter - 2)
        return cls(first.first, cls.month(year, 3 * quarter).last)

    @classmethod
    def year(cls, year: int) -> Period:
        return cls(date(year, 1, 1), date(year, 12, 31))

    @classmethod
    def parse(cls, text: str) -> Period:
        """``2026``, ``2026-Q3``, ``2026-07`` or ``2026-07-01..2026-09-30``."""
        t = (text or "").strip().upper()
        try:
            if ".." in t:
                a, b = t.split("..", 1)
                return cls(date.fromisoformat(a.strip()), date.fromisoformat(b.strip()))
            if "-Q" in t:
                y, q = t.split("-Q", 1)
                return cls.quarter(int(y), int(q))
            if len(t) == 7 and t[4] == "-":
                return cls.month(int(t[:4]), int(t[5:]))
            if len(t) == 4 and t.isdigit():
                return cls.year(int(t))
        except (ValueError, OverflowError) as exc:
            if isinstance(exc, StatsError):
                raise
            raise StatsError(f"Không hiểu khoảng thời gian {text!r}") from exc
        raise StatsError(
            f"Không hiểu khoảng thời gian {text!r}: dùng 2026, 2026-Q3, 2026-07 "
            "hoặc 2026-07-01..2026-09-30"
        )


@dataclass
class Figures:
    """Counts for one group in one period; shares are derived (None when nothing to divide)."""

    received: int = 0
    online: int = 0
    fully_online: int = 0
    digitised: int = 0
    finished: int = 0
    on_time: int = 0
    results_digitised: int = 0
    overdue: int = 0
    with_fee: int = 0
    paid_cashless: int = 0
    ratings: list[int] = field(default_factory=lambda: [0] * 5)  # index 0 = level 1

    @property
    def late(self) -> int:
        return self.finished - self.on_time

    @property
    def rated(self) -> int:
        return sum(self.ratings)

    @property
    def satisfied(self) -> int:
        return sum(self.ratings[level - 1] for level in SATISFIED_LEVELS)

    def share(self, numerator: str, denominator: str) -> float | None:
        """``numerator / denominator`` as a fraction 0–1, None when the denominator is 0."""
        den = getattr(self, denominator)
        return getattr(self, numerator) / den if den else None

    def mean_rating(self) -> float | None:
        n = self.rated
        return sum(i * c for i, c in enumerate(self.ratings, start=1)) / n if n else None


@dataclass(frozen=True)
class Measure:
    """One reported share: a name, its label and the two counts it divides."""

    key: str
    label: Text
    numerator: str
    denominator: str


MEASURES: tuple[Measure, ...] = (
    Measure("online", Text("Tỷ lệ hồ sơ trực tuyến", "Received online"), "online", "received"),
    Measure(
        "fully_online",
        Text("Tỷ lệ hồ sơ trực tuyến toàn trình", "Fully online"),
        "fully_online",
        "received",
    ),
    Measure("digitised", Text("Tỷ lệ số hóa hồ sơ", "Dossiers digitised"), "digitised", "received"),
    Measure(
        "results_digitised",
        Text("Tỷ lệ số hóa kết quả", "Results digitised"),
        "results_digitised",
        "finished",
    ),
    Measure(
        "paid_cashless",
        Text("Tỷ lệ thanh toán không dùng tiền mặt", "Paid without cash"),
        "paid_cashless",
        "with_fee",
    ),
    Measure(
        "on_time", Text("Tỷ lệ giải quyết đúng hạn", "Finished on time"), "on_time", "finished"
    ),
    Measure(
        "satisfaction",
        Text("Mức độ hài lòng", "Satisfied citizens"),
        "satisfied",
        "rated",
    ),
)

COUNTS: tuple[tuple[str, Text], ...] = (
    ("received", Text("Hồ sơ tiếp nhận", "Received")),
    ("online", Text("Trực tuyến", "Online")),
    ("fully_online", Text("Trực tuyến toàn trình", "Fully online")),
    ("digitised", Text("Đã số hóa", "Digitised")),
    ("finished", Text("Đã giải quyết", "Finished")),
    ("on_time", Text("Đúng hạn", "On time")),
    ("late", Text("Trễ hạn", "Late")),
    ("results_digitised", Text("Kết quả số hóa", "Results digitised")),
    ("overdue", Text("Quá hạn chưa giải quyết", "Overdue, open")),
    ("with_fee", Text("Có phí, lệ phí", "With a fee")),
    ("paid_cashless", Text("Không dùng tiền mặt", "Paid without cash")),
    ("rated", Text("Lượt đánh giá", "Ratings")),
    ("satisfied", Text("Hài lòng", "Satisfied")),
)


@dataclass
class Report:
    """The figures of one period: the whole office, per procedure code and per field id."""

    period: Period
    office: Figures
    by_procedure: dict[str, Figures]
    by_field: dict[str, Figures]
    computed_at: datetime


def _when(value: str | None) -> datetime | None:
    if not value:
        return None
    t = datetime.fromisoformat(value)
    return t if t.tzinfo else t.replace(tzinfo=VN_TZ)


def _classify(row: dict[str, Any], period: Period, groups: Iterable[Figures]) -> None:
    start, end = period.start, period.end
    groups = list(groups)

    def add(name: str) -> None:
        for g in groups:
            setattr(g, name, getattr(g, name) + 1)

    received = _when(row["accepted_at"]) if row["channel"] == "kiosk" else _when(row["received_at"])
    finished, ended = _when(row["finished_at"]), _when(row["ended_at"])
    due = _when(row["apology_previous_at"] or row["appointment_at"])
    if received is not None and start <= received < end:
        add("received")
        online = row["channel"] == "kiosk"
        cashless = row["pay_method"] in CASHLESS
        if online:
            add("online")
            if (row["fee"] <= 0 or cashless) and row["delivery"] == "post":
                add("fully_online")
        scanned = row["documents_unscanned"] == 0 if row["documents"] else row["scans"] > 0
        if scanned:
            add("digitised")
        if row["fee"] > 0:
            add("with_fee")
            if cashless:
                add("paid_cashless")
    if finished is not None and start <= finished < end:
        add("finished")
        if due is not None and finished <= due:
            add("on_time")
        if row["result_scans"]:
            add("results_digitised")
    if (
        received is not None
        and received < end
        and (finished is None or finished >= end)
        and (ended is None or ended >= end)
        and due is not None
        and due < end
    ):
        add("overdue")


def compute(
    store: Any,
    period: Period,
    field_of: Callable[[str], str | None],
    now: datetime | None = None,
) -> Report:
    """The period's figures from ``store`` (a :class:`kiosk_app.store.db.Store`).

    ``field_of`` maps a procedure code to its field id (from the catalogue; None when the code
    is no longer in it — such dossiers still count for the office and their procedure).
    Consistent: the dossiers and the ratings are read under one read lock.
    """
    from kiosk_app.store import stats as rows

    office = Figures()
    by_procedure: dict[str, Figures] = {}
    by_field: dict[str, Figures] = {}

    def groups_for(code: str | None) -> list[Figures]:
        out = [office]
        if code:
            out.append(by_procedure.setdefault(code, Figures()))
            fid = field_of(code)
            if fid:
                out.append(by_field.setdefault(fid, Figures()))
        return out

    with store.read() as db:
        facts = rows.dossier_facts(db, period.end.isoformat())
        ratings = rows.ratings(db)
    for row in facts:
        _classify(row, period, groups_for(row["procedure_code"]))
    for r in ratings:
        at = _when(r["at"])
        if at is not None and period.start <= at < period.end and 1 <= r["level"] <= 5:
            for g in groups_for(r["procedure_code"]):
                g.ratings[r["level"] - 1] += 1
    return Report(period, office, by_procedure, by_field, now or datetime.now(VN_TZ))


def for_kiosk(kiosk: Any, period: Period, session: Any = None) -> Report:
    """:func:`compute` for an opened :class:`kiosk_app.bootstrap.Kiosk` and its catalogue.

    With ``session`` (the logged-in account) its role must allow reports (heads of office).
    """
    if session is not None:
        from kiosk_app.core import permissions as perms

        perms.require(session, perms.REPORTS)
    catalog = kiosk.catalog

    def field_of(code: str) -> str | None:
        proc = catalog.procedures.get(code)
        return proc.field_id if proc else None

    return compute(kiosk.store, period, field_of)


def record_export(store: Any, *, actor: str | None, period: Period, fmt: str, at: datetime) -> None:
    """Audit an export of the figures (who, which period, which format — never the target's
    contents: the figures are counts, but the trail records every export, issue 7)."""
    from kiosk_app.store import audit

    with store.write() as db:
        audit.append(
            db,
            at=at.isoformat(),
            actor=actor,
            action="stats.export",
            entity=None,
            data={
                "first": period.first.isoformat(),
                "last": period.last.isoformat(),
                "format": fmt,
            },
        )
