"""The desk's read models (today, due, overdue, filtered list, actions, answers as text) and the
office-settings use-cases."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from kiosk_app.core.desk import (
    DUE_TODAY,
    OVERDUE,
    Desk,
    DossierFilter,
    SettingsError,
    answer_sections,
    validate_settings,
)
from kiosk_app.core.dossier import ACCEPTED, DONE, PROCESSING, SUPPLEMENT, WITHDRAWN
from kiosk_app.core.intake import VN_TZ

BIRTH = "1.001193"
CERT_SIGNATURE = "2.000884"


def _submit(kiosk, code: str, when: datetime) -> object:
    kiosk.intake.clock.now = when
    ex = kiosk.catalog.get(code).example_submission()
    return kiosk.intake.submit(code, ex["answers"], ex["documents"], actor="clerk")


@pytest.fixture
def desk(kiosk) -> Desk:
    return Desk(kiosk.store, kiosk.intake)


def _codes(found: list[dict]) -> list[str]:
    return [r["code"] for r in found]


def test_today_and_filters(kiosk, desk) -> None:
    old = _submit(kiosk, BIRTH, datetime(2025, 3, 3, 9, 0, tzinfo=VN_TZ))
    mid = _submit(kiosk, CERT_SIGNATURE, datetime(2025, 3, 10, 9, 0, tzinfo=VN_TZ))
    new = _submit(kiosk, BIRTH, datetime(2025, 3, 12, 9, 0, tzinfo=VN_TZ))
    kiosk.intake.clock.now = datetime(2025, 3, 12, 16, 0, tzinfo=VN_TZ)
    assert _codes(desk.todays_dossiers()) == [new.code]
    assert _codes(desk.listing()) == [new.code, mid.code, old.code]
    assert _codes(desk.listing(DossierFilter(procedure_code=BIRTH))) == [new.code, old.code]
    week = DossierFilter(received_from=date(2025, 3, 4), received_to=date(2025, 3, 10))
    assert _codes(desk.listing(week)) == [mid.code]
    both = DossierFilter(status=ACCEPTED, procedure_code=CERT_SIGNATURE)
    assert _codes(desk.listing(both)) == [mid.code]
    assert desk.listing(DossierFilter(status=WITHDRAWN)) == []
    assert _codes(desk.search("")) == [new.code, mid.code, old.code]
    assert _codes(desk.search(new.code)) == [new.code]
    with pytest.raises(ValueError):
        desk.listing(DossierFilter(due="someday"))


def test_due_today_and_overdue(kiosk, desk) -> None:
    old = _submit(kiosk, BIRTH, datetime(2025, 2, 3, 9, 0, tzinfo=VN_TZ))
    new = _submit(kiosk, BIRTH, datetime(2025, 3, 12, 9, 0, tzinfo=VN_TZ))
    day = new.appointment_at.astimezone(VN_TZ).date()
    assert old.appointment_at.astimezone(VN_TZ).date() < day
    kiosk.intake.clock.now = datetime(day.year, day.month, day.day, 8, 0, tzinfo=VN_TZ)
    due = desk.due()
    assert _codes(due[OVERDUE]) == [old.code] and _codes(due[DUE_TODAY]) == [new.code]
    assert _codes(desk.listing(DossierFilter(due=OVERDUE))) == [old.code]
    assert _codes(desk.listing(DossierFilter(due=DUE_TODAY))) == [new.code]
    # a result ready for hand-over is no longer the office's to chase
    kiosk.intake.transition(old.code, DONE, actor="prov", origin="province")
    assert desk.due()[OVERDUE] == []
    # the day before, nothing is due yet
    kiosk.intake.clock.now = datetime(2025, 3, 1, 8, 0, tzinfo=VN_TZ)
    assert desk.due() == {DUE_TODAY: [], OVERDUE: []}


def test_actions_follow_the_lifecycle(desk) -> None:
    assert {a.event for a in desk.actions(ACCEPTED)} == {"request_supplement", "withdraw"}
    assert {a.event for a in desk.actions(SUPPLEMENT)} == {"supplement", "withdraw"}
    hand = desk.actions(DONE)
    assert [(a.event, a.to_status, a.needs) for a in hand] == [("hand_over", 10, "collector")]
    assert hand[0].label.vi == "Trả kết quả"
    assert [a.event for a in desk.actions(PROCESSING)] == ["withdraw"]
    assert desk.actions(WITHDRAWN) == []
    assert desk.status_label(DONE) == "Đã có kết quả, chờ trả"


def test_settings_read_and_write(desk) -> None:
    s = desk.office_settings()
    assert s["agency_id"] == "000.00.06.H56" and s["device_slot"] == 1
    assert s["same_day_cutoff"] == "15:00" and s["demo"] is False
    s["hotline"] = " 0235 3888 999 "
    s["office_morning"] = ["07:30", "11:30"]
    clean = desk.save_office_settings(s)
    assert clean["hotline"] == "0235 3888 999"
    again = desk.office_settings()
    assert again["hotline"] == "0235 3888 999" and again["office_morning"] == ["07:30", "11:30"]


@pytest.mark.parametrize(
    ("change", "bad"),
    [
        ({"agency_id": "bad"}, "agency_id"),
        ({"commune_code": "99999"}, "commune_code"),
        ({"device_slot": 12}, "device_slot"),
        ({"agency_name": "  "}, "agency_name"),
        ({"same_day_cutoff": "25:00"}, "same_day_cutoff"),
        ({"office_afternoon": ["17:00", "13:30"]}, "office_afternoon"),
        ({"office_morning": ["07:00", "14:00"]}, "office_afternoon"),
    ],
)
def test_bad_settings_are_refused_and_nothing_stored(desk, change, bad) -> None:
    before = desk.office_settings()
    with pytest.raises(SettingsError) as info:
        desk.save_office_settings(before | {"hotline": "123"} | change)
    assert list(info.value.issues) == [bad]
    assert desk.office_settings() == before


def test_validate_normalises() -> None:
    clean = validate_settings(
        {
            "agency_id": " 000.00.06.h56",
            "commune_code": "20179",
            "device_slot": "3",
            "agency_name": "UBND  xã Nam Đông",
            "office_morning": ["07:00", "11:30"],
            "office_afternoon": ["13:30", "17:00"],
            "same_day_cutoff": "15:00",
        }
    )
    assert clean["agency_id"] == "000.00.06.H56" and clean["device_slot"] == 3
    assert clean["agency_name"] == "UBND xã Nam Đông"


def test_answers_use_form_labels(kiosk) -> None:
    proc = kiosk.catalog.get(BIRTH)
    answers = proc.example_submission()["answers"]
    sections = answer_sections(proc.form, answers)
    assert sections[0].title == "Kính gửi"
    rows = {s.title: {r.label: r.value for r in s.rows} for s in sections}
    assert rows["Người được khai sinh"]["Giới tính"] == "Nam"  # option label, not "nam"
    assert "Nguyễn Văn An" in rows["Người yêu cầu"].values()
    assert "15/05/1990" in rows["Người yêu cầu"].values()
    place = next(v for v in rows["Người được khai sinh"].values() if "thôn Nam Đông" in v)
    assert place.startswith("Số 1, thôn Nam Đông, ")
    nested = [r for s in sections for r in s.rows if r.depth == 1]
    assert nested, "a person's sub-fields are nested under it"
