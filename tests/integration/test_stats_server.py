"""The province's figures equal each commune's own, exactly, on SQLite and PostgreSQL.

Two real kiosks (two communes of the shared test server) live the known month of
tests/unit/stats_history.py. What the commune does is pushed by the real sync client; what the
history has the province do (results ready) is done on the server, at the story's time, and
pulled back by the kiosk through the status feed — the path a real result takes. The server's
figures for each commune (office, per procedure, per field) must then equal
``kiosk_app.core.stats.for_kiosk``'s, and the province's must be their sum.

Two things the history writes straight into the kiosk's tables travel here the way the desk
sends them: dossier a's scans are taken during intake (so they ride with its submission), and
dossier i's apology slip also queues its ``dossier.apology`` event as
``kiosk_app.core.aftercare.apologise`` does. Fees paid by transfer or online reach the server
as the province's payment confirmations (the server has no other source for how a fee was
paid), and come back to the kiosk through the ``payments`` feed.
"""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

import tests.unit.stats_history as H
from kiosk_app.core import stats
from kiosk_app.core.stats import Figures, Period
from kiosk_app.store import dossiers as real_rows
from sync.client import sync_once
from tests.integration.test_sync_client import open_enrolled
from tests.server.conftest import Srv, pg_url, server  # noqa: F401 - fixtures


class _RowsWithOutbox:
    """kiosk_app.store.dossiers, except that an ``apology`` event also queues its outbox item
    (as aftercare.apologise does in the same transaction)."""

    def __getattr__(self, name: str) -> Any:
        return getattr(real_rows, name)

    def add_event(self, db: Any, dossier_id: str, **kw: Any) -> str:
        from kiosk_app.store import outbox

        event_id = real_rows.add_event(db, dossier_id, **kw)
        if kw.get("kind") == "apology":
            d = real_rows.get(db, dossier_id=dossier_id)
            outbox.enqueue(
                db,
                kind="dossier.apology",
                entity_id=dossier_id,
                at=kw["at"],
                payload={
                    "event_id": event_id,
                    "dossier_id": dossier_id,
                    "code": d["code"],
                    "at": kw["at"],
                    "data": {**kw["data"], "reason": "chờ xác minh"},
                },
            )
        return event_id


def _sync(k: Any) -> None:
    report = sync_once(k)
    assert report.ok, report.errors
    assert report.rejected == 0


def _live_history(k: Any, srv: Srv, monkeypatch: pytest.MonkeyPatch) -> dict:
    """build_history on kiosk ``k`` with the province's moves made on ``srv``."""
    from sync.server import service_admin

    orig_move, orig_submit = H._move, H._submit

    def move(kiosk: Any, code: str, to: int, when: datetime, origin: str = "province", **kw):
        if origin != "province":
            return orig_move(kiosk, code, to, when, origin=origin, **kw)
        _sync(kiosk)  # the commune's work so far reaches the province first
        at = when.astimezone(UTC).isoformat(timespec="microseconds")
        with monkeypatch.context() as m:
            m.setattr(service_admin, "utcnow", lambda: at)
            srv.service.advance(code, to, actor="sở tư pháp")
        _sync(kiosk)  # and the result comes back through the status feed
        kiosk.intake.clock.now = when

    def submit(kiosk: Any, code: str, when: datetime, **kw: Any) -> Any:
        if code == H.BIRTH and when == H._at(3):  # dossier a: scanned during intake
            example = kiosk.catalog.get(code).example_submission()
            atts = []
            for i, doc in enumerate(example["documents"]):
                f = kiosk.files.put_bytes(f"scan a {i}".encode())
                atts.append(
                    {
                        "sha256": f.sha256,
                        "size": f.size,
                        "name": f"p{i}.jpg",
                        "document_id": doc["id"],
                    }
                )
            kw["attachments"] = atts
        return orig_submit(kiosk, code, when, **kw)

    monkeypatch.setattr(H, "_move", move)
    monkeypatch.setattr(H, "_submit", submit)
    monkeypatch.setattr(H, "_scan_all", lambda kiosk, code: None)
    monkeypatch.setattr(H, "rows", _RowsWithOutbox())
    out = H.build_history(k)
    _sync(k)
    # the province's payment system confirms b (transfer) and c (online)
    for key, method in (("b", "transfer"), ("c", "online")):
        srv.service.record_payment(
            out[key].code,
            amount=1,
            method=method,
            reference=f"FT{key.upper()}{k.office.agency_id[:3]}",
            paid_at=H._at(11).isoformat(),
        )
    _sync(k)
    return out


@pytest.fixture
def two_communes(tmp_path: Path, server: Srv, monkeypatch: pytest.MonkeyPatch):  # noqa: F811
    server.service.publish_catalog(Path(__file__).resolve().parents[2] / "resources")
    kiosks = [open_enrolled(tmp_path / f"k{i}", server) for i in (1, 2)]
    histories = [_live_history(k, server, monkeypatch) for k in kiosks]
    yield kiosks, histories
    for k in kiosks:
        k.close()


def _sum(*figs: Figures) -> Figures:
    out = Figures()
    for f in figs:
        for name in stats.Figures.__dataclass_fields__:
            if name == "ratings":
                out.ratings = [a + b for a, b in zip(out.ratings, f.ratings, strict=True)]
            else:
                setattr(out, name, getattr(out, name) + getattr(f, name))
    return out


@pytest.mark.parametrize("period", [H.MARCH, Period.month(2025, 4), Period.parse("2025-Q1")])
def test_server_figures_equal_each_communes_own(two_communes, server: Srv, period) -> None:  # noqa: F811
    kiosks, _ = two_communes
    communes = [k.office.commune_code for k in kiosks]
    assert communes[0] != communes[1]
    mine = []
    for k, commune in zip(kiosks, communes, strict=True):
        local = stats.for_kiosk(k, period)
        remote = server.service.stats(period, commune=commune)
        assert remote.province == local.office
        assert remote.by_commune == {commune: local.office}
        assert remote.by_procedure == local.by_procedure
        assert remote.by_field == local.by_field
        mine.append(local)
    if period == H.MARCH:  # the kiosk's own figures are the known ones (tests/unit/test_stats.py)
        f = mine[0].office
        assert (f.received, f.online, f.fully_online, f.digitised) == (7, 1, 1, 1)
        assert (f.finished, f.on_time, f.overdue, f.with_fee, f.paid_cashless) == (3, 1, 2, 5, 2)
        assert f.ratings == [0, 1, 0, 1, 1]
    # the province: every commune of the server; ours are two of them, and add up
    whole = server.service.stats(period)
    assert whole.by_commune[communes[0]] == mine[0].office
    assert whole.by_commune[communes[1]] == mine[1].office
    assert whole.province == _sum(*whole.by_commune.values())
    assert _sum(mine[0].office, mine[1].office) == _sum(*(whole.by_commune[c] for c in communes))


def test_confirmations_reach_the_kiosk_once(two_communes, server: Srv) -> None:  # noqa: F811
    kiosks, histories = two_communes
    k, out = kiosks[0], histories[0]
    view = k.intake.lookup(out["b"].code)
    pay = view.dossier["payment"]
    assert pay["confirmed_by"] == "province" and pay["method"] == "transfer"
    assert pay["reference"].startswith("FTB") and pay["paid_at"].startswith("2025-03-11T09:00")
    assert [e["kind"] for e in view.events].count("payment_confirmed") == 1
    # the same confirmation again: nothing new on the server's feed nor on the kiosk
    again = server.service.record_payment(
        out["b"].code,
        amount=1,
        method="transfer",
        reference=pay["reference"],
        paid_at=H._at(11).isoformat(),
    )
    assert again["reference"] == pay["reference"]
    _sync(k)
    events = [e["kind"] for e in k.intake.lookup(out["b"].code).events]
    assert events.count("payment_confirmed") == 1
    # malformed confirmations change nothing and say why
    from kiosk_app.core.payments_feed import ConfirmationError, apply_confirmation

    good = {"amount": 1, "method": "online", "reference": "X1", "paid_at": H._at(12).isoformat()}
    for bad, why in (
        ({**good, "method": "cash"}, "hình thức"),
        ({**good, "amount": True}, "số tiền"),
        ({**good, "paid_at": "hôm qua"}, "thời điểm"),
        ({**good, "reference": None}, "mã giao dịch"),
    ):
        with k.store.write() as db:
            d = real_rows.get(db, code=out["e"].code)
            with pytest.raises(ConfirmationError, match=why):
                apply_confirmation(db, d, bad)
    assert "confirmed_by" not in k.intake.lookup(out["e"].code).dossier["payment"]
    # the other kiosk's dossiers were not touched by this one's confirmations
    other = kiosks[1].intake.lookup(histories[1]["e"].code).dossier["payment"]
    assert "confirmed_by" not in other


def test_the_api_answers_by_role_and_exports(two_communes, server: Srv) -> None:  # noqa: F811
    kiosks, _ = two_communes
    commune = kiosks[0].office.commune_code
    local = stats.for_kiosk(kiosks[0], H.MARCH)
    officer = server.operator("commune_officer", commune)
    r = officer.get("/v1/admin/stats", params={"period": "2025-03", "by": "procedure"})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["province"]["received"] == local.office.received == 7
    assert body["province"]["shares"]["on_time"] == pytest.approx(1 / 3)
    got = {row["id"]: row["received"] for row in body["rows"]}
    assert got == {code: f.received for code, f in local.by_procedure.items()}
    r = officer.get("/v1/admin/stats", params={"period": "2025-03", "by": "commune"})
    assert [row["id"] for row in r.json()["rows"]] == [commune]  # only its own
    viewer = server.operator("province_viewer")
    r = viewer.get("/v1/admin/stats", params={"period": "2025-03", "by": "commune"})
    ids = [row["id"] for row in r.json()["rows"]]
    assert {k.office.commune_code for k in kiosks} <= set(ids)
    bad = viewer.get("/v1/admin/stats", params={"period": "2025-13"})
    assert bad.status_code == 400 and "2025-13" in bad.json()["error"]["message"]
    assert server.client().get("/v1/admin/stats", params={"period": "2025"}).status_code == 401
    # CSV: the kiosk's column names, one table per grouping
    r = officer.get("/v1/admin/stats", params={"period": "2025-03", "format": "csv"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    text = r.content.decode("utf-8-sig")
    assert "Hồ sơ tiếp nhận" in text and "Tỷ lệ giải quyết đúng hạn (%)" in text
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[4][0] == "" and commune in rows[4][1] and rows[4][2] == "7", rows[:6]
    r = officer.get("/v1/admin/stats", params={"period": "2025-03", "format": "xlsx"})
    assert r.status_code == 200 and r.content[:2] == b"PK"
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(r.content))
    assert len(wb.sheetnames) == 4
