# ruff: noqa: E402 - the QApplication must exist before the test helpers are imported
"""Screenshots of each intake-wizard step at 1366×768, for docs/screenshots/wizard_*.png.

Run under Xvfb from the repository root:
    xvfb-run -a -s "-screen 0 1366x768x24" .venv/bin/python tools/wizard_screenshots.py docs/screenshots

It drives the wizard with the same helpers as tests/ui/test_wizard.py.
"""

import os
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from PySide6.QtCore import QEventLoop, Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

app = QApplication(sys.argv)
from kiosk_app.app import stylesheet

app.setStyleSheet(stylesheet())  # the clerk desk's theme, as the app shows it
import tests.ui.test_wizard as tw
from kiosk_app.bootstrap import DEMO_TEST_OFFICE, configure_office, open_kiosk
from kiosk_app.core.intake import VN_TZ
from kiosk_app.ui.clerk.wizard import APPLICANT, IntakeWizard
from kiosk_app.ui.tasks import TaskRunner

OUT = Path(sys.argv[1] if len(sys.argv) > 1 else "docs/screenshots")
OUT.mkdir(parents=True, exist_ok=True)


def wait(ms):
    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()


class Bot:
    def mouseClick(self, w, button, pos=None):
        QTest.mouseClick(w, button, Qt.KeyboardModifier.NoModifier, pos)
        app.processEvents()

    def waitUntil(self, cond, timeout=1000):
        t = time.monotonic()
        while not cond():
            if time.monotonic() - t > timeout / 1000:
                raise TimeoutError
            wait(10)

    def wait(self, ms):
        wait(ms)


tmp = Path(tempfile.mkdtemp())
configure_office(tmp, DEMO_TEST_OFFICE)
k = open_kiosk(tmp)
k.intake.clock = lambda: datetime(2025, 3, 12, 9, 30, tzinfo=VN_TZ)
runner = TaskRunner()
bot = Bot()
code = sys.argv[2] if len(sys.argv) > 2 else "1.001193"
wiz = IntakeWizard(k, runner, procedure_code=code)
W, H = (int(x) for x in os.environ.get("C_SIZE", "1366x768").split("x"))
wiz.resize(W, H)
wiz.show()
bot.waitUntil(lambda: wiz.draft_id is not None, 5000)
wait(200)
n = 0


def shot(name):
    global n
    n += 1
    wait(150)
    p = OUT / f"wizard_{n:02d}_{name}.png"
    wiz.grab().save(str(p))
    print(p)


answers = tw._example(k, code)
shot("applicant_empty")
while True:
    key = wiz.current_key()
    sid = wiz._section_of_key(key) if key == APPLICANT or key.startswith("section:") else None
    if sid is None:
        break
    tw._fill_section(bot, wiz, sid, answers)
    shot(key.replace("section:", "section_"))
    tw._click(bot, wiz.next_button)
shot("documents_missing_before")
tw._click(bot, wiz.next_button)  # should block
shot("documents_blocked")
tw._tick_required_documents(bot, wiz)
shot("documents")
tw._click(bot, wiz.next_button)
shot("fee")
tw._click(bot, wiz.next_button)
shot("review")
tw._click(bot, wiz.submit_button)
bot.waitUntil(lambda: wiz.code is not None, 5000)
wait(1500)
shot("receipt")
runner.wait_idle()
runner.shutdown()
