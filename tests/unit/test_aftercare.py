"""After the receipt: supplements pause the clock, apologies, hand-over, withdrawal, refusal."""

from __future__ import annotations

import json
from datetime import datetime

import pytest

from kiosk_app.core import stats
from kiosk_app.core.aftercare import Aftercare
from kiosk_app.core.dossier import ACCEPTED, DONE, RETURNED
from kiosk_app.core.intake import VN_TZ, IntakeError
from kiosk_app.core.stats import Period
from kiosk_app.store import audit

MARITAL = "1.004873"  # xác nhận tình trạng hôn nhân: 3 working days
BIRTH = "1.001193"


def _at(day: int, hour: int = 9, minute: int = 0) -> datetime:
    return datetime(2025, 3, day, hour, minute, tzinfo=VN_TZ)


def _submit(kiosk, code: str, when: datetime, **kw):
    kiosk.intake.clock.now = when
    ex = kiosk.catalog.get(code).example_submission()
    return kiosk.intake.submit(code, ex["answers"], ex["documents"], **kw)


def _outbox_kinds(kiosk) -> list[str]:
    return [r["kind"] for r in kiosk.store.query("SELECT kind FROM outbox ORDER BY seq")]


def test_supplement_pauses_the_clock_and_moves_the_appointment(kiosk) -> None:
    care = Aftercare.for_kiosk(kiosk)
    r = _submit(kiosk, MARITAL, _at(3))  # Monday: due Thursday 6/3
    assert r.appointment_at.date().isoformat() == "2025-03-06"
    kiosk.intake.clock.now = _at(4, 9)
    care.request_supplement(
        r.code,
        ["Bản sao giấy chứng tử của vợ trước"],
        actor="c1",
        reason="Thiếu giấy tờ chứng minh",
    )
    view = kiosk.intake.lookup(r.code)
    assert view.dossier["status"] == 5
    # the papers come back two working days later (Thursday 6/3, same hour)
    kiosk.intake.clock.now = _at(6, 9)
    scan = kiosk.files.put_bytes(b"death certificate scan")
    new = care.receive_supplement(
        r.code,
        [{"name": "Bản sao giấy chứng tử", "form": "certified_copy", "count": 1}],
        attachments=[{"sha256": scan.sha256, "name": "chung-tu.jpg", "mime": "image/jpeg"}],
        actor="c1",
    )
    assert new.date().isoformat() == "2025-03-10"  # Thursday + 2 working days = Monday 10/3
    view = kiosk.intake.lookup(r.code)
    assert view.dossier["status"] == 4
    assert view.dossier["appointment_at"] == new.isoformat()
    assert view.documents[-1]["name"] == "Bản sao giấy chứng tử"
    assert scan.sha256 in {a["sha256"] for a in view.attachments}
    ev = view.events[-1]
    assert ev["kind"] == "supplement"
    assert ev["data"]["previous_appointment_at"].startswith("2025-03-06")
    assert _outbox_kinds(kiosk)[-2:] == ["dossier.request_supplement", "dossier.supplement"]
    assert audit.verify_chain(kiosk.store.db) == []
    # finished on the moved appointment: on time
    kiosk.intake.clock.now = _at(10, 10)
    kiosk.intake.transition(r.code, DONE, actor=None, origin="province")
    f = stats.for_kiosk(kiosk, Period.month(2025, 3)).office
    assert (f.finished, f.on_time) == (1, 1)


def test_supplement_refusals_change_nothing(kiosk) -> None:
    care = Aftercare.for_kiosk(kiosk)
    r = _submit(kiosk, MARITAL, _at(3))
    with pytest.raises(IntakeError, match="ít nhất một"):
        care.request_supplement(r.code, ["  "], actor="c1")
    with pytest.raises(IntakeError, match="không ở trạng thái chờ bổ sung"):
        care.receive_supplement(r.code, [{"name": "x", "form": "original", "count": 1}], actor="c1")
    care.request_supplement(r.code, ["Giấy tờ A"], actor="c1")
    before = kiosk.store.query("SELECT COUNT(*) AS n FROM events")[0]["n"]
    with pytest.raises(IntakeError):
        care.receive_supplement(r.code, [], actor="c1")
    with pytest.raises(IntakeError, match="chưa được lưu"):
        care.receive_supplement(
            r.code,
            [{"name": "x", "form": "original", "count": 1}],
            attachments=[{"sha256": "ab" * 32}],
            actor="c1",
        )
    assert kiosk.store.query("SELECT COUNT(*) AS n FROM events")[0]["n"] == before
    assert kiosk.intake.lookup(r.code).dossier["status"] == 5


def test_apology_sets_a_new_appointment_but_late_stays_late(kiosk) -> None:
    care = Aftercare.for_kiosk(kiosk)
    r = _submit(kiosk, MARITAL, _at(3))  # due 6/3
    kiosk.intake.clock.now = _at(5)
    with pytest.raises(IntakeError, match="chưa đến hạn"):
        care.apologise(r.code, _at(12, 17), "Cần xác minh thêm", actor="c1")
    kiosk.intake.clock.now = _at(7)
    with pytest.raises(IntakeError, match="phải sau"):
        care.apologise(r.code, _at(7, 8), "Cần xác minh thêm", actor="c1")
    with pytest.raises(IntakeError, match="lý do"):
        care.apologise(r.code, _at(12, 17), " ", actor="c1")
    care.apologise(r.code, _at(12, 17), "Cần xác minh thêm", actor="c1")
    d = kiosk.intake.lookup(r.code)
    assert d.dossier["appointment_at"] == _at(12, 17).isoformat()
    assert d.events[-1]["kind"] == "apology"
    assert d.events[-1]["data"]["previous_appointment_at"].startswith("2025-03-06")
    out = kiosk.store.query("SELECT kind, payload FROM outbox ORDER BY seq")[-1]
    assert out["kind"] == "dossier.apology"
    assert json.loads(out["payload"])["data"]["reason"] == "Cần xác minh thêm"
    kiosk.intake.clock.now = _at(11)
    kiosk.intake.transition(r.code, DONE, actor=None, origin="province")
    f = stats.for_kiosk(kiosk, Period.month(2025, 3)).office
    assert (f.finished, f.on_time) == (1, 0)


def test_hand_over_records_who_collected_and_the_result_scan(kiosk) -> None:
    care = Aftercare.for_kiosk(kiosk)
    r = _submit(kiosk, BIRTH, _at(3))
    with pytest.raises(IntakeError, match="chưa có kết quả"):
        care.hand_over(r.code, {"name": "Nguyễn Văn An"}, actor="c1")
    kiosk.intake.clock.now = _at(3, 14)
    kiosk.intake.transition(r.code, DONE, actor=None, origin="province")
    assert [d["code"] for d in care.ready_for_hand_over()] == [r.code]
    scan = kiosk.files.put_bytes(b"birth certificate, signed")
    with pytest.raises(IntakeError, match="9 hoặc 12"):
        care.hand_over(r.code, {"name": "Nguyễn Văn An", "id_number": "12ab"}, actor="c1")
    care.hand_over(
        r.code,
        {"name": "Nguyễn Văn An", "id_number": "001090012345", "relation": "bố"},
        result_scan={
            "sha256": scan.sha256,
            "name": "giay-khai-sinh.pdf",
            "mime": "application/pdf",
        },
        actor="c1",
    )
    d = kiosk.intake.lookup(r.code)
    assert d.dossier["status"] == RETURNED
    assert d.events[-1]["data"]["collected_by"]["relation"] == "bố"
    assert care.ready_for_hand_over() == []
    f = stats.for_kiosk(kiosk, Period.month(2025, 3)).office
    assert f.results_digitised == 1


def test_withdrawal_and_refusal_need_a_reason(kiosk) -> None:
    care = Aftercare.for_kiosk(kiosk)
    r = _submit(kiosk, BIRTH, _at(3))
    with pytest.raises(IntakeError, match="lý do rút"):
        care.withdraw(r.code, "", actor="c1")
    care.withdraw(r.code, "Công dân có đơn xin rút", actor="c1")
    assert kiosk.intake.lookup(r.code).dossier["status"] == 7
    k = _submit(kiosk, BIRTH, _at(4), channel="kiosk")
    with pytest.raises(IntakeError, match="lý do từ chối"):
        care.refuse(k.code, "", actor="c1")
    care.refuse(k.code, "Giấy chứng sinh không hợp lệ", actor="c1")
    assert kiosk.intake.lookup(k.code).dossier["status"] == 3
    with pytest.raises(IntakeError, match="chờ kiểm tra"):
        care.refuse(r.code, "x", actor="c1")
    assert kiosk.intake.lookup(k.code).events[-1]["data"]["reason"].startswith("Giấy")
    assert ACCEPTED  # the import documents the desk's other move (accept) lives in intake


def test_sessions_are_checked_and_recorded(kiosk) -> None:
    from kiosk_app.core.permissions import PermissionDenied
    from tests.ui.conftest import log_in

    care = Aftercare.for_kiosk(kiosk)
    clerk, head, admin = (log_in(kiosk, role) for role in ("clerk", "head", "admin"))
    k = _submit(kiosk, BIRTH, _at(3), channel="kiosk")
    with pytest.raises(PermissionDenied, match="từ chối"):
        care.refuse(k.code, "Giấy chứng sinh không hợp lệ", actor=None, session=clerk)
    assert kiosk.intake.lookup(k.code).dossier["status"] == 1  # nothing written
    care.refuse(k.code, "Giấy chứng sinh không hợp lệ", actor="ignored", session=head)
    assert kiosk.intake.lookup(k.code).events[-1]["actor"] == "test.head"

    r = _submit(kiosk, MARITAL, _at(3))
    with pytest.raises(PermissionDenied):  # an administrator does not handle dossiers
        care.request_supplement(r.code, ["Giấy chứng tử"], actor=None, session=admin)
    care.request_supplement(r.code, ["Giấy chứng tử"], actor=None, session=clerk)
    kiosk.intake.clock.now = _at(4, 10)
    doc = [{"name": "Giấy chứng tử", "form": "certified_copy", "count": 1}]
    with pytest.raises(PermissionDenied):
        care.receive_supplement(r.code, doc, actor=None, session=admin)
    care.receive_supplement(r.code, doc, actor=None, session=clerk)
    kiosk.intake.clock.now = _at(12)
    with pytest.raises(PermissionDenied):
        care.apologise(r.code, _at(13, 17), "Cần xác minh", actor=None, session=admin)
    care.apologise(r.code, _at(13, 17), "Cần xác minh", actor=None, session=clerk)
    with pytest.raises(PermissionDenied):
        care.withdraw(r.code, "Công dân xin rút", actor=None, session=admin)
    care.withdraw(r.code, "Công dân xin rút", actor=None, session=clerk)
    kinds = [(e["kind"], e["actor"]) for e in kiosk.intake.lookup(r.code).events]
    assert kinds[1:] == [
        ("request_supplement", "test.clerk"),
        ("supplement", "test.clerk"),
        ("apology", "test.clerk"),
        ("withdraw", "test.clerk"),
    ]

    b = _submit(kiosk, BIRTH, _at(12))
    kiosk.intake.transition(b.code, DONE, actor=None, origin="province")
    with pytest.raises(PermissionDenied):
        care.ready_for_hand_over(session=admin)
    assert [d["code"] for d in care.ready_for_hand_over(session=clerk)] == [b.code]
    with pytest.raises(PermissionDenied):
        care.hand_over(b.code, {"name": "Nguyễn Văn An"}, actor=None, session=admin)
    care.hand_over(b.code, {"name": "Nguyễn Văn An"}, actor=None, session=clerk)
    assert kiosk.intake.lookup(b.code).events[-1]["actor"] == "test.clerk"
