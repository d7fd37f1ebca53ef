"""The start screen's sync line, and the desk's background sync against the real server."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from kiosk_app.ui.clerk.start_screen import StartScreen
from kiosk_app.ui.clerk.sync_indicator import describe
from kiosk_app.ui.sync_worker import SyncWorker
from tests.integration.test_sync_client import open_enrolled, submit
from tests.server.conftest import Srv, server  # noqa: F401 - fixture

ENROLLED = {"enrolled": True, "outbox": {"pending": 0, "sent": 4, "rejected": 0}}


class Report:
    def __init__(self, errors=(), statuses_applied=0) -> None:
        self.errors = list(errors)
        self.statuses_applied = statuses_applied


def test_describe_each_state() -> None:
    assert describe(None)[0] == "off"
    assert "Chưa đăng ký" in describe({"enrolled": False})[1]
    level, line = describe(ENROLLED | {"last_success": "2025-03-12T09:30:00+07:00"})
    assert level == "ok" and "09:30 12/03/2025" in line
    level, line = describe(ENROLLED | {"outbox": {"pending": 3, "rejected": 0}})
    assert level == "waiting" and "3 mục chờ gửi" in line and "đã lưu trên máy" in line
    offline = Report([{"class": "transient", "code": "unreachable"}])
    level, line = describe(ENROLLED | {"outbox": {"pending": 2}}, offline)
    assert level == "offline" and "sẽ tự thử lại" in line and "2 mục" in line
    level, line = describe(ENROLLED, Report([{"class": "auth", "code": "device_revoked"}]))
    assert level == "offline" and "đăng ký lại" in line
    level, line = describe(ENROLLED | {"outbox": {"pending": 0, "rejected": 1}}, offline)
    assert level == "refused" and "1 mục bị tỉnh từ chối" in line  # refusals outrank the link
    busy = Report([{"class": "transient", "code": "busy"}])  # another process is syncing
    assert describe(ENROLLED | {"last_success": "2025-03-12T09:30:00+07:00"}, busy)[0] == "ok"


@pytest.mark.parametrize("server", ["sqlite"], indirect=True)
def test_background_sync_sends_and_the_line_says_so(
    qtbot: Any,
    runner: Any,
    tmp_path: Path,
    server: Srv,  # noqa: F811
) -> None:
    k = open_enrolled(tmp_path / "kiosk", server)
    worker = SyncWorker(k, interval=0.2)
    try:
        screen = StartScreen(k, runner)
        qtbot.addWidget(screen)
        worker.reported.connect(screen.sync_reported)
        screen.reload()
        qtbot.waitUntil(lambda: screen.loaded, timeout=15000)
        assert screen.sync.level in ("waiting", "ok")
        sub = submit(k)
        worker.start()
        qtbot.waitUntil(lambda: screen.sync.level == "ok", timeout=30000)
        assert "Đã đồng bộ" in screen.sync.label.text()
        codes = [d["code"] for d in server.service.list_dossiers(agency_id=k.office.agency_id)]
        assert codes == [sub.code]
    finally:
        assert worker.stop(15)
        k.close()


@pytest.mark.parametrize("server", ["sqlite"], indirect=True)
def test_refused_items_are_shown_with_the_reason_and_sent_again(
    qtbot: Any,
    runner: Any,
    tmp_path: Path,
    server: Srv,  # noqa: F811
    desk_login: Any,
) -> None:
    from kiosk_app.ui.clerk.shell import ClerkShell
    from sync.client import sync_once

    k = open_enrolled(tmp_path / "kiosk", server)
    try:
        from kiosk_app.store import outbox

        sub = submit(k, [])
        # an item the province refuses (a rating out of range), linked to the dossier
        with k.store.write() as db:
            outbox.enqueue(
                db,
                kind="rating.submitted",
                entity_id=sub.dossier_id,
                at="2025-03-12T09:40:00+07:00",
                payload={"id": sub.dossier_id, "at": "2025-03-12T09:40:00+07:00", "level": 9,
                         "reasons": [], "channel": "kiosk"},
            )  # fmt: skip
        report = sync_once(k)
        assert report.rejected == 1, report.rejections
        w = ClerkShell(k, runner, session=desk_login(k))
        qtbot.addWidget(w)
        w.show()
        qtbot.waitUntil(lambda: w.start.loaded, timeout=15000)
        assert w.start.sync.level == "refused"
        assert w.start.sync.refused_button.isVisibleTo(w.start.sync)
        dialog = w.show_refused()
        qtbot.waitUntil(lambda: dialog.loaded, timeout=15000)
        assert dialog.table.rowCount() == 1
        assert dialog.table.item(0, 0).text() == sub.code
        assert dialog.table.item(0, 3).text()  # the server's own words
        with qtbot.waitSignal(dialog.retried, timeout=15000) as sig:
            dialog.retry_all()
        assert sig.args == [1]
        states = k.store.query("SELECT state FROM outbox WHERE kind != 'dossier.submitted'")
        assert [r["state"] for r in states] == ["pending"]
    finally:
        k.close()


@pytest.mark.parametrize("server", ["sqlite"], indirect=True)
def test_sync_now_starts_a_pass_at_once(
    qtbot: Any,
    tmp_path: Path,
    server: Srv,  # noqa: F811
    desk_login: Any,
) -> None:
    k = open_enrolled(tmp_path / "kiosk", server)
    worker = SyncWorker(k, interval=3600)  # the timer alone would wait an hour
    reports: list[Any] = []
    worker.reported.connect(lambda report, _status: reports.append(report))
    try:
        worker.start()
        qtbot.waitUntil(lambda: len(reports) == 1, timeout=30000)
        sub = submit(k, [])
        worker.kick()
        qtbot.waitUntil(lambda: len(reports) == 2, timeout=30000)
        assert reports[1].pushed == 1
        assert [d["code"] for d in server.service.list_dossiers(agency_id=k.office.agency_id)] == [
            sub.code
        ]
    finally:
        assert worker.stop(15)
        k.close()
