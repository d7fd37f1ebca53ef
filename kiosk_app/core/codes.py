"""Dossier codes (mã hồ sơ) in the national format ``<agency id>-<YYMMDD>-<NNNN>``.

Several kiosks of one commune share the agency id and work offline on the same day, so each
enrolled device owns a slot of the daily sequence: slot ``k`` issues ``k001``–``k999``
(slot 0 issues 0001–0999). Uniqueness inside a device is enforced by the store's unique index
and persisted counters (:mod:`kiosk_app.store.codes`); across devices by disjoint slots.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

AGENCY_ID_RE = re.compile(r"^\d{3}\.\d{2}\.\d{2}\.[A-Z]\d{2}$")
CODE_RE = re.compile(r"^(?P<agency>\d{3}\.\d{2}\.\d{2}\.[A-Z]\d{2})-(?P<day>\d{6})-(?P<seq>\d{4})$")
SLOTS = range(0, 10)
PER_SLOT = 999


class CodeError(ValueError):
    """A malformed agency id, slot or dossier code; the message is Vietnamese."""


class SlotExhausted(CodeError):
    """This device has issued all 999 codes of its slot for the day."""


@dataclass(frozen=True)
class DossierCode:
    agency_id: str
    day: date
    seq: int

    def __str__(self) -> str:
        return format_code(self.agency_id, self.day, self.seq)


def check_agency_id(agency_id: str) -> str:
    """Return the agency id (mã định danh, QCVN 102:2016, ``L4.L3.L2.L1``) or raise CodeError."""
    value = (agency_id or "").strip().upper()
    if not AGENCY_ID_RE.match(value):
        raise CodeError(
            f"Mã định danh cơ quan '{agency_id}' không đúng dạng L4.L3.L2.L1 (ví dụ 000.00.06.H56)"
        )
    return value


def check_slot(slot: int) -> int:
    if not isinstance(slot, int) or slot not in SLOTS:
        raise CodeError(f"Số khe của thiết bị phải từ 0 đến 9 (nhận được: {slot!r})")
    return slot


def slot_range(slot: int) -> range:
    """The sequence numbers a device slot may issue in one day."""
    check_slot(slot)
    return range(slot * 1000 + 1, slot * 1000 + PER_SLOT + 1)


def next_seq(last_seq: int | None, slot: int) -> int:
    """The sequence number after ``last_seq`` inside ``slot`` (first one if None)."""
    allowed = slot_range(slot)
    seq = allowed.start if last_seq is None else last_seq + 1
    if seq not in allowed:
        raise SlotExhausted(
            f"Thiết bị (khe {slot}) đã cấp hết {PER_SLOT} mã hồ sơ trong ngày; "
            "hãy tiếp nhận trên máy khác"
        )
    return seq


def format_code(agency_id: str, day: date, seq: int) -> str:
    if not 1 <= seq <= 9999:
        raise CodeError(f"Số thứ tự {seq} nằm ngoài 0001–9999")
    return f"{check_agency_id(agency_id)}-{day:%y%m%d}-{seq:04d}"


def parse_code(code: str) -> DossierCode:
    m = CODE_RE.match((code or "").strip().upper())
    if not m:
        raise CodeError(f"Mã hồ sơ '{code}' không đúng dạng <mã cơ quan>-<YYMMDD>-<NNNN>")
    d = m["day"]
    try:
        day = date(2000 + int(d[:2]), int(d[2:4]), int(d[4:]))
    except ValueError as exc:
        raise CodeError(f"Mã hồ sơ '{code}': ngày {d} không hợp lệ") from exc
    return DossierCode(m["agency"], day, int(m["seq"]))


def looks_like_code(text: str) -> bool:
    return bool(CODE_RE.match((text or "").strip().upper()))
