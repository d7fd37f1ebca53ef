"""The intake use-cases end to end on a real store (no Qt)."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

import pytest

from kiosk_app.core.dossier import ACCEPTED, DONE, RETURNED, SUBMITTED
from kiosk_app.core.intake import VN_TZ, IntakeError
from kiosk_app.store import audit

CERT_SIGNATURE = "2.000884"
BIRTH = "1.001193"


def _example(kiosk, code: str) -> tuple[dict, list[dict]]:
    example = kiosk.catalog.get(code).example_submission()
    return example["answers"], example["documents"]


def test_submit_writes_everything_in_one_transaction(kiosk) -> None:
    answers, docs = _example(kiosk, BIRTH)
    r = kiosk.intake.submit(BIRTH, answers, docs, actor="clerk-1")
    assert r.code == "000.00.06.H56-250312-1001"
    assert r.appointment_at is not None and r.appointment_at >= r.received_at
    view = kiosk.intake.lookup(r.code)
    d = view.dossier
    assert d["status"] == ACCEPTED and d["channel"] == "desk"
    assert d["applicant_name"] == answers["requester"]["full_name"]
    assert len(view.documents) == len(docs)
    assert [e["kind"] for e in view.events] == ["received"]
    out = kiosk.store.query("SELECT kind, payload FROM outbox")
    assert [o["kind"] for o in out] == ["dossier.submitted"]
    assert json.loads(out[0]["payload"])["code"] == r.code
    assert kiosk.store.query("SELECT action FROM audit")[0]["action"] == "dossier.submit"
    assert audit.verify_chain(kiosk.store.db) == []


def test_same_day_procedure_after_cutoff_is_due_next_working_day(kiosk) -> None:
    answers, docs = _example(kiosk, CERT_SIGNATURE)
    kiosk.intake.clock.now = datetime(2025, 1, 24, 16, 10, tzinfo=VN_TZ)
    r = kiosk.intake.submit(CERT_SIGNATURE, answers, docs)
    assert r.appointment_at.date().isoformat() == "2025-02-03"  # first working day after Tết


def test_invalid_answers_are_refused_and_nothing_is_written(kiosk) -> None:
    answers, docs = _example(kiosk, BIRTH)
    del answers["requester"]
    with pytest.raises(IntakeError) as err:
        kiosk.intake.submit(BIRTH, answers, docs)
    assert "chưa thể nộp" in err.value.message and err.value.issues
    assert kiosk.store.query("SELECT COUNT(*) AS n FROM dossiers")[0]["n"] == 0
    assert kiosk.store.query("SELECT COUNT(*) AS n FROM outbox")[0]["n"] == 0


def test_missing_required_document_is_listed(kiosk) -> None:
    answers, docs = _example(kiosk, BIRTH)
    assert docs
    with pytest.raises(IntakeError) as err:
        kiosk.intake.submit(BIRTH, answers, docs[1:])
    assert any("thiếu giấy tờ" in str(i) for i in err.value.issues)


def test_wrong_document_form_is_refused(kiosk) -> None:
    answers, docs = _example(kiosk, BIRTH)
    docs[0]["form"] = "scan"
    with pytest.raises(IntakeError):
        kiosk.intake.submit(BIRTH, answers, docs)


def test_drafts_survive_and_submit(kiosk) -> None:
    answers, docs = _example(kiosk, CERT_SIGNATURE)
    draft = kiosk.intake.start_draft(CERT_SIGNATURE, actor="clerk-1")
    half = dict(list(answers.items())[:1])
    result = kiosk.intake.save_step(draft, step=None, answers=half)
    assert not result.ok  # still incomplete, but saved
    assert kiosk.intake.draft(draft)["answers"] == half
    kiosk.intake.save_step(draft, answers=answers, documents=docs)
    assert [d["id"] for d in kiosk.intake.unfinished_drafts()] == [draft]
    r = kiosk.intake.submit_draft(draft)
    assert kiosk.intake.draft(draft) is None
    assert kiosk.intake.lookup(r.code).dossier["draft_id"] == draft


def test_clock_set_back_never_makes_codes_or_times_go_backwards(kiosk) -> None:
    answers, docs = _example(kiosk, CERT_SIGNATURE)
    first = kiosk.intake.submit(CERT_SIGNATURE, answers, docs)
    kiosk.intake.clock.now -= timedelta(days=2)
    second = kiosk.intake.submit(CERT_SIGNATURE, answers, docs)
    assert second.clock_adjusted
    assert second.received_at >= first.received_at
    assert second.code > first.code


def test_backentry_uses_given_time_and_its_own_day(kiosk) -> None:
    answers, docs = _example(kiosk, CERT_SIGNATURE)
    r = kiosk.intake.submit(
        CERT_SIGNATURE, answers, docs, received_at=datetime(2025, 3, 10, 10, 0), channel="backentry"
    )
    assert r.code.startswith("000.00.06.H56-250310-")
    with pytest.raises(IntakeError, match="tương lai"):
        kiosk.intake.submit(
            CERT_SIGNATURE,
            answers,
            docs,
            channel="backentry",
            received_at=datetime(2030, 1, 1, 8, 0),
        )


def test_search_lookup_and_prefill(kiosk) -> None:
    answers, docs = _example(kiosk, BIRTH)
    answers["requester"]["full_name"] = "Đặng Thị Ngọc Ánh"
    r = kiosk.intake.submit(BIRTH, answers, docs)
    assert [h["code"] for h in kiosk.intake.search("dang thi ngoc")] == [r.code]
    assert [h["code"] for h in kiosk.intake.search("Đặng Ánh")] == [r.code]
    assert kiosk.intake.search(r.code)[0]["code"] == r.code
    assert kiosk.intake.search("zzz") == []
    id_number = answers["requester"]["id_number"]
    assert kiosk.intake.search(id_number)[0]["code"] == r.code
    person = kiosk.intake.prefill(id_number)
    assert person["full_name"] == "Đặng Thị Ngọc Ánh"
    assert kiosk.intake.prefill("999999999999") is None


def test_kiosk_channel_waits_for_desk_then_lifecycle(kiosk) -> None:
    answers, docs = _example(kiosk, CERT_SIGNATURE)
    r = kiosk.intake.submit(CERT_SIGNATURE, answers, docs, channel="kiosk")
    assert kiosk.intake.lookup(r.code).dossier["status"] == SUBMITTED
    assert r.appointment_at is None
    kiosk.intake.transition(r.code, ACCEPTED, actor="clerk-1")
    assert kiosk.intake.lookup(r.code).dossier["appointment_at"].startswith("2025-03-12T17:00")
    with pytest.raises(IntakeError, match="quyền"):
        kiosk.intake.transition(r.code, 4, actor="clerk-1")  # processing belongs to province
    kiosk.intake.transition(r.code, 4, actor=None, origin="province")
    kiosk.intake.transition(r.code, DONE, actor=None, origin="province")
    kiosk.intake.transition(r.code, RETURNED, actor="clerk-1", data={"collected_by": "x"})
    view = kiosk.intake.lookup(r.code)
    assert [e["to_status"] for e in view.events] == [SUBMITTED, ACCEPTED, 4, DONE, RETURNED]
    with pytest.raises(IntakeError):
        kiosk.intake.transition(r.code, ACCEPTED, actor="clerk-1")
    kinds = [o["kind"] for o in kiosk.store.query("SELECT kind FROM outbox ORDER BY seq")]
    assert kinds == ["dossier.submitted", "dossier.accept", "dossier.hand_over"]


def test_unknown_procedure(kiosk) -> None:
    with pytest.raises(IntakeError, match="Không có thủ tục"):
        kiosk.intake.start_draft("9.999999")


def test_every_procedure_example_submits_with_an_appointment(kiosk) -> None:
    codes = sorted(kiosk.catalog.procedures)
    assert len(codes) >= 9
    for code in codes:
        answers, docs = _example(kiosk, code)
        r = kiosk.intake.submit(code, answers, docs)
        assert r.appointment_at is not None and r.appointment_at > r.received_at, code
        view = kiosk.intake.lookup(r.code)
        assert view.dossier["fee"] == kiosk.catalog.get(code).fee_for(answers), code
    assert kiosk.store.query("SELECT COUNT(*) AS n FROM outbox")[0]["n"] == len(codes)


def test_due_lists_open_dossiers_past_their_appointment(kiosk) -> None:
    answers, docs = _example(kiosk, CERT_SIGNATURE)
    early = kiosk.intake.submit(CERT_SIGNATURE, answers, docs)  # same day, 17:00
    kiosk.intake.clock.now += timedelta(days=1)
    later = kiosk.intake.submit(CERT_SIGNATURE, answers, docs)
    noon_next_day = early.received_at + timedelta(days=1, hours=3)
    assert [d["code"] for d in kiosk.intake.due(noon_next_day)] == [early.code]
    kiosk.intake.transition(early.code, 7, actor="clerk-1", reason="công dân rút")
    assert kiosk.intake.due(noon_next_day) == []
    far = later.received_at + timedelta(days=30)
    assert [d["code"] for d in kiosk.intake.due(far)] == [later.code]
