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
    qtbot: Any, runner: Any, tmp_path: Path, server: Srv  # noqa: F811
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
