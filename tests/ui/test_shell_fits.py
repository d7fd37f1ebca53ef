"""The desk fits a commune office PC's 1366 × 768 screen, at the login and once logged in
(the header's texts wrap; five start-screen lists share the column)."""

from __future__ import annotations

from kiosk_app.ui.clerk.shell import ClerkShell
from tests.ui.conftest import fast_accounts


def test_login_and_desk_fit_1366_by_768(qtbot, kiosk, runner, desk_session) -> None:
    gate = ClerkShell(kiosk, runner, accounts=fast_accounts(kiosk))
    qtbot.addWidget(gate)
    gate.show()
    hint = gate.minimumSizeHint()
    assert hint.width() <= 1366 and hint.height() <= 768, hint
    desk = ClerkShell(kiosk, runner, session=desk_session)
    qtbot.addWidget(desk)
    desk.resize(1366, 768)
    desk.show()
    qtbot.waitUntil(lambda: desk.start.loaded)
    hint = desk.minimumSizeHint()
    assert hint.width() <= 1366 and hint.height() <= 768, hint
