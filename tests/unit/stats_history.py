"""A known month at one commune for the statistics tests (kiosk_app.core.stats)."""

from __future__ import annotations

from datetime import datetime

from kiosk_app.core.dossier import ACCEPTED, DONE, RETURNED
from kiosk_app.core.intake import VN_TZ
from kiosk_app.core.ratings import Ratings
from kiosk_app.core.stats import Period
from kiosk_app.store import dossiers as rows

BIRTH = "1.001193"  # hộ tịch, free, documents listed
SIGNATURE = "2.000884"  # chứng thực, with a fee
MARCH = Period.month(2025, 3)


def _at(day: int, hour: int = 9, month: int = 3) -> datetime:
    return datetime(2025, month, day, hour, 0, tzinfo=VN_TZ)


def _submit(kiosk, code: str, when: datetime, **kw):
    kiosk.intake.clock.now = when
    example = kiosk.catalog.get(code).example_submission()
    return kiosk.intake.submit(code, example["answers"], example["documents"], **kw)


def _move(kiosk, code: str, to: int, when: datetime, origin: str = "province", **kw) -> None:
    kiosk.intake.clock.now = when
    kiosk.intake.transition(
        code, to, actor=None if origin == "province" else "c1", origin=origin, **kw
    )


def _scan_all(kiosk, code: str) -> None:
    """Attach one scan per listed paper (by requirement id, as the desk's documents step does)."""
    view = kiosk.intake.lookup(code)
    with kiosk.store.write() as db:
        for i, doc in enumerate(view.documents):
            f = kiosk.files.put_bytes(f"scan {code} {i}".encode())
            rows.link_attachment(
                db,
                view.dossier["id"],
                sha256=f.sha256,
                size=f.size,
                mime="image/jpeg",
                name=f"p{i}.jpg",
                at=view.dossier["received_at"],
                document_id=doc["id"],
            )


def build_history(kiosk) -> dict:
    """March 2025 at one commune (the fixture's demo office), with edges in April.

    Built in time order: the intake never lets its clock go backwards (a submission dated
    before the last one is moved forward), so the story is told as it happened.
    """
    k = kiosk
    ratings = Ratings(k.store, k.office, clock=lambda: k.intake.clock())

    def rate(when: datetime, level: int, *reasons: str, code: str | None = None, ch="kiosk"):
        k.intake.clock.now = when
        ratings.submit(level, reasons, dossier_code=code, channel=ch)

    out = {}
    # a: desk, every paper scanned, result the same day (on time), returned, rated 5
    out["a"] = a = _submit(k, BIRTH, _at(3))
    _scan_all(k, a.code)
    _move(k, a.code, DONE, _at(3, 14))
    _move(k, a.code, RETURNED, _at(4), origin="commune")
    rate(_at(4, 10), 5, code=a.code, ch="desk")
    # b: desk, fee by bank transfer, no scans, due 5/3 17:00, result 8/3: late
    out["b"] = b = _submit(k, SIGNATURE, _at(5), payment={"method": "transfer", "amount": 1})
    # c: kiosk on 7/3, accepted 10/3 (due that day), fee online, result by post: fully
    #    online; never finished, so overdue at the end of March
    out["c"] = c = _submit(
        k,
        SIGNATURE,
        _at(7),
        channel="kiosk",
        delivery="post",
        payment={"method": "online", "amount": 1},
    )
    _move(k, b.code, DONE, _at(8, 17))
    _move(k, c.code, ACCEPTED, _at(10), origin="commune")
    rate(_at(10, 11), 2, "long_wait", code=c.code)
    # d: kiosk, never accepted: not a received dossier
    out["d"] = _submit(k, BIRTH, _at(11), channel="kiosk")
    # e: desk, cash, never finished: overdue
    out["e"] = _submit(k, SIGNATURE, _at(12), payment={"method": "cash", "amount": 1})
    # f: desk, withdrawn the same morning: received, never overdue
    out["f"] = f = _submit(k, SIGNATURE, _at(13), payment={"method": "cash", "amount": 1})
    _move(k, f.code, 7, _at(13, 10), origin="commune", reason="công dân rút")
    # i: due 14/3 17:00, an apology slip on 20/3 sets 25/3, result 24/3: still late
    out["i"] = i = _submit(k, SIGNATURE, _at(14), payment={"method": "cash", "amount": 1})
    rate(_at(18), 4)  # anonymous
    view = k.intake.lookup(i.code)
    with k.store.write() as db:
        rows.add_event(
            db,
            view.dossier["id"],
            kind="apology",
            at=_at(20).isoformat(),
            actor="c1",
            origin="commune",
            data={
                "previous_appointment_at": i.appointment_at.isoformat(),
                "appointment_at": _at(25).isoformat(),
            },
        )
        rows.set_appointment(db, view.dossier["id"], _at(25).isoformat())
    _move(k, i.code, DONE, _at(24))
    # g: kiosk on 28/3, accepted 2/4 (due 2/4 17:00): April's
    out["g"] = g = _submit(k, BIRTH, _at(28), channel="kiosk")
    # h: received 31/3 after 15:00, due 1/4 17:00, result 1/4 10:00: March's, finished in April
    out["h"] = h = _submit(k, BIRTH, _at(31, 16))
    _move(k, h.code, DONE, _at(1, 10, month=4))
    _move(k, g.code, ACCEPTED, _at(2, 9, month=4), origin="commune")
    rate(_at(3, 9, month=4), 1)
    return out
