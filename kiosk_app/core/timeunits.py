"""Units of a procedure's legal processing time, shared by the catalogue and the calendar.

Only these units exist (the catalogue rejects anything else):

- ``same_day``      result the day the dossier is received; with a ``cutoff`` (usually 15:00) a
                    dossier received after the cutoff is due the next working day. ``value`` is 0.
- ``on_receipt``    result immediately while the citizen waits ("ngay sau khi nhận đủ giấy tờ");
                    ``value`` is 0.
- ``hours``         working hours.
- ``working_days``  working days (weekends, public holidays and official days off excluded).
- ``calendar_days`` calendar days.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import time
from typing import Final

SAME_DAY: Final = "same_day"
ON_RECEIPT: Final = "on_receipt"
HOURS: Final = "hours"
WORKING_DAYS: Final = "working_days"
CALENDAR_DAYS: Final = "calendar_days"

UNITS: Final[tuple[str, ...]] = (SAME_DAY, WORKING_DAYS, CALENDAR_DAYS, HOURS, ON_RECEIPT)
# Units whose value is a count; the other two are instants and carry value 0.
COUNTED_UNITS: Final[frozenset[str]] = frozenset({HOURS, WORKING_DAYS, CALENDAR_DAYS})

# DOMAIN.md: a same-day dossier received after 15:00 counts from the next working day.
DEFAULT_CUTOFF: Final = time(15, 0)


@dataclass(frozen=True, slots=True)
class ProcessingTime:
    """A legal processing time: ``value`` in ``unit``; ``cutoff`` only for same-day/on-receipt.

    Raises ValueError on an unknown unit, a negative value, a non-zero value for an instant
    unit, or a cutoff on a counted unit.
    """

    value: int | float
    unit: str
    cutoff: time | None = None

    def __post_init__(self) -> None:
        if self.unit not in UNITS:
            raise ValueError(f"unknown unit {self.unit!r} (expected {', '.join(UNITS)})")
        if isinstance(self.value, bool) or not isinstance(self.value, int | float):
            raise ValueError(f"value must be a number, not {self.value!r}")
        if self.value < 0:
            raise ValueError(f"value must not be negative ({self.value})")
        if self.unit not in COUNTED_UNITS and self.value != 0:
            raise ValueError(f"unit {self.unit} takes value 0, not {self.value}")
        if self.cutoff is not None and self.unit in COUNTED_UNITS:
            raise ValueError(f"cutoff applies only to {SAME_DAY}/{ON_RECEIPT}, not {self.unit}")

    @property
    def is_instant(self) -> bool:
        """True when the result is due on the day of receipt (before any cutoff rule)."""
        return self.unit not in COUNTED_UNITS

    def describe(self, lang: str = "vi") -> str:
        """Short human text, e.g. "3 ngày làm việc" / "same day (received after 15:00: next working day)"."""
        v = int(self.value) if float(self.value).is_integer() else self.value
        cut = self.cutoff.strftime("%H:%M") if self.cutoff else None
        if lang == "vi":
            base = {
                SAME_DAY: "Trong ngày",
                ON_RECEIPT: "Ngay sau khi nhận đủ giấy tờ",
                HOURS: f"{v} giờ làm việc",
                WORKING_DAYS: f"{v} ngày làm việc",
                CALENDAR_DAYS: f"{v} ngày",
            }[self.unit]
            if cut:
                base += f" (nhận sau {cut} thì trả trong ngày làm việc tiếp theo)"
            return base
        base = {
            SAME_DAY: "same day",
            ON_RECEIPT: "on receipt of a complete dossier",
            HOURS: f"{v} working hours",
            WORKING_DAYS: f"{v} working days",
            CALENDAR_DAYS: f"{v} calendar days",
        }[self.unit]
        if cut:
            base += f" (received after {cut}: next working day)"
        return base
