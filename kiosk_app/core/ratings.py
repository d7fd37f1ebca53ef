"""Citizen satisfaction ratings: the 5-level scale (rất hài lòng … rất không hài lòng) with
optional reasons, stored and queued for the province in ONE transaction (outbox kind
``rating.submitted``), like every other write (DESIGN.md "The way data flows").

A rating is anonymous: it names the office, the device, the channel and — when the citizen
rated right after a submission or a hand-over — the dossier code, never a person. A dossier is
rated at most once per channel (once at the kiosk, once at the desk), so one citizen cannot
weigh twice in the satisfaction figures. No Qt here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from kiosk_app.core.text import Text

OUTBOX_KIND = "rating.submitted"

# Highest first, as the kiosk shows them. The numbers are what is stored and synced.
LEVELS: dict[int, Text] = {
    5: Text("Rất hài lòng", "Very satisfied"),
    4: Text("Hài lòng", "Satisfied"),
    3: Text("Bình thường", "Neutral"),
    2: Text("Không hài lòng", "Dissatisfied"),
    1: Text("Rất không hài lòng", "Very dissatisfied"),
}

# Optional reasons (codes are stored and synced; labels are for people). Provinces report
# SIPAS-style indices on access, procedures, staff and results; these map onto them.
REASONS: dict[str, Text] = {
    "staff_helpful": Text("Cán bộ tận tình, chu đáo", "Helpful staff"),
    "fast": Text("Nhanh, đúng hẹn", "Fast, on time"),
    "easy_kiosk": Text("Máy dễ dùng", "The kiosk was easy"),
    "clear_info": Text("Hướng dẫn dễ hiểu", "Clear information"),
    "long_wait": Text("Phải chờ lâu", "Long wait"),
    "hard_procedure": Text("Thủ tục khó hiểu, nhiều giấy tờ", "Confusing procedure, many papers"),
    "hard_kiosk": Text("Máy khó dùng", "The kiosk was hard to use"),
    "fees": Text("Phí, lệ phí chưa rõ", "Unclear fees"),
    "staff_attitude": Text("Thái độ cán bộ chưa tốt", "Unfriendly staff"),
}
CHANNELS = ("kiosk", "desk")
CHANNEL_PLACES = {"kiosk": "tại ki-ốt", "desk": "tại quầy"}


class RatingError(ValueError):
    """A rating was refused (``message`` in Vietnamese)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Rating:
    id: str
    at: datetime
    level: int
    reasons: tuple[str, ...]
    dossier_code: str | None
    channel: str


def _default_clock() -> datetime:
    from kiosk_app.core.intake import now_vn

    return now_vn()


class Ratings:
    """The rating use-cases over one store. ``office`` gives ``agency_id`` and ``device_slot``."""

    def __init__(
        self, store: Any, office: Any, *, clock: Callable[[], datetime] | None = None
    ) -> None:
        self.store = store
        self.office = office
        self.clock = clock or _default_clock

    @classmethod
    def for_kiosk(cls, kiosk: Any) -> Ratings:
        """Ratings on ``kiosk``'s store, dated by its intake clock (one clock per device)."""
        return cls(kiosk.store, kiosk.office, clock=lambda: kiosk.intake.clock())

    def submit(
        self,
        level: int,
        reasons: Iterable[str] = (),
        *,
        dossier_code: str | None = None,
        channel: str = "kiosk",
    ) -> Rating:
        """Store a rating and its outbox event in one transaction; returns it.

        Refused (:class:`RatingError`) when ``dossier_code`` was already rated on ``channel``;
        the check and the insert share the write transaction, so two racing submits cannot
        both pass it."""
        import uuid6

        from kiosk_app.store import outbox
        from kiosk_app.store import ratings as rows

        if isinstance(level, bool) or not isinstance(level, int) or level not in LEVELS:
            raise RatingError("Mức đánh giá phải là một số từ 1 đến 5")
        chosen = tuple(dict.fromkeys(reasons))
        unknown = [r for r in chosen if r not in REASONS]
        if unknown:
            raise RatingError("Lý do đánh giá không hợp lệ: " + ", ".join(unknown))
        if channel not in CHANNELS:
            raise RatingError(f"Kênh đánh giá không hợp lệ: {channel!r}")
        code = (dossier_code or "").strip() or None
        rating_id = str(uuid6.uuid7())
        when = self.clock()
        at = when.isoformat()
        row = {
            "id": rating_id,
            "at": at,
            "level": level,
            "reasons": list(chosen),
            "dossier_code": code,
            "channel": channel,
            "agency_id": self.office.agency_id,
            "device_slot": int(self.office.device_slot),
        }
        with self.store.write() as db:
            if code is not None and rows.rated(db, code, channel):
                raise RatingError(
                    f"Hồ sơ {code} đã được đánh giá {CHANNEL_PLACES[channel]}; "
                    "mỗi hồ sơ chỉ được đánh giá một lần"
                )
            rows.insert(db, row)
            outbox.enqueue(db, kind=OUTBOX_KIND, entity_id=rating_id, at=at, payload=row)
        return Rating(rating_id, when, level, chosen, code, channel)

    def counts(self, since: datetime | None = None) -> dict[int, int]:
        """How many ratings of each level (1–5), from ``since`` on when given."""
        from kiosk_app.store import ratings as rows

        with self.store.read() as db:
            return rows.counts(db, since.isoformat() if since else None)

    def rated(self, dossier_code: str, channel: str = "desk") -> bool:
        """Whether ``dossier_code`` already has a rating on ``channel``."""
        from kiosk_app.store import ratings as rows

        with self.store.read() as db:
            return rows.rated(db, dossier_code.strip(), channel)

    def get(self, rating_id: str) -> dict[str, Any] | None:
        from kiosk_app.store import ratings as rows

        with self.store.read() as db:
            return rows.get(db, rating_id)
