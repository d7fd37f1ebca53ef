"""Screenshots of the clerk's desk at 1366×768, for docs/screenshots/ and for eyeballing layout.

    python tools/screenshots.py [--out docs/screenshots]

Runs a real X11 window: without a display it re-runs itself under ``xvfb-run`` (Debian
``xvfb``; see tools/debian-deps.sh). The data folder is a fresh temporary one holding a few
dossiers submitted through the intake use-cases (``Procedure.example_submission()``) on a fixed
clock (Wed 2025-03-12 09:30 +07) — two with their result ready, one waiting for a supplement,
one submitted at the kiosk, some overdue — and one unfinished draft. Besides the screens, it
shoots the after-receipt dialogs of issue 8 (supplement, apology, hand-over, refusal) and the
slips they print.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
WIDTH, HEIGHT = 1366, 768


class FixedClock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def seed(data_dir: Path) -> object:
    """A configured office with a few dossiers; returns the opened kiosk (clock fixed)."""
    from kiosk_app.bootstrap import DEMO_TEST_OFFICE, configure_office, open_kiosk
    from kiosk_app.core.dossier import DONE
    from kiosk_app.core.intake import VN_TZ

    configure_office(data_dir, {**DEMO_TEST_OFFICE, "hotline": "0234 3888 999", "demo": False})
    kiosk = open_kiosk(data_dir)
    clock = FixedClock(datetime(2025, 2, 3, 9, 0, tzinfo=VN_TZ))
    kiosk.intake.clock = clock
    people = [
        "Lê Thị Đào",
        "Hoàng Văn Bảy",
        "Phạm Minh Châu",
        "Nguyễn Thị Hạnh",
        "Đỗ Quang Huy",
        "Trần Văn Khoa",
        "Vũ Thị Lan",
        "Bùi Đức Minh",
    ]
    # (index in the returned codes, procedure, time); run in time order: the intake's clock
    # never goes back, so a later submission cannot be dated earlier
    plan = [
        (0, "1.001193", datetime(2025, 2, 3, 9, 0)),  # overdue: the apology
        (1, "2.000884", datetime(2025, 2, 20, 14, 0)),  # result ready
        (5, "1.004873", datetime(2025, 3, 4, 10, 0)),  # waiting for a supplement
        (2, "1.001193", datetime(2025, 3, 5, 10, 15)),
        (6, "1.004873", datetime(2025, 3, 10, 15, 30)),  # result ready
        (7, "1.001193", datetime(2025, 3, 12, 7, 45)),  # submitted at the kiosk
        (3, "2.000884", datetime(2025, 3, 12, 8, 5)),
        (4, "1.001193", datetime(2025, 3, 12, 9, 10)),
    ]
    from kiosk_app.core.aftercare import Aftercare

    codes = [""] * len(plan)
    for i, proc_code, when in plan:
        clock.now = when.replace(tzinfo=VN_TZ)
        proc = kiosk.catalog.get(proc_code)
        ex = proc.example_submission()
        answers = ex["answers"]
        for key in ("requester", "applicant", "signer"):
            if isinstance(answers.get(key), dict) and "full_name" in answers[key]:
                answers[key]["full_name"] = people[i]
        channel = "kiosk" if i == 7 else "desk"
        r = kiosk.intake.submit(
            proc_code, answers, ex["documents"], actor="canbo1", channel=channel
        )
        codes[i] = r.code
        if i == 5:
            clock.now = datetime(2025, 3, 5, 8, 30, tzinfo=VN_TZ)
            Aftercare(kiosk.intake).request_supplement(
                codes[5],
                ["Bản sao giấy chứng tử của vợ trước", "Trích lục ghi chú ly hôn"],
                actor="canbo1",
                reason="Hồ sơ chưa chứng minh được tình trạng hôn nhân trước đây",
            )
        if i == 6:
            clock.now = datetime(2025, 3, 11, 16, 0, tzinfo=VN_TZ)
            kiosk.intake.transition(codes[1], DONE, actor="tinh", origin="province")
            kiosk.intake.transition(codes[6], DONE, actor="tinh", origin="province")
    clock.now = datetime(2025, 3, 12, 9, 20, tzinfo=VN_TZ)
    draft = kiosk.intake.start_draft("1.001193")
    kiosk.intake.save_step(draft, step="requester", answers={"addressee": "UBND xã Nam Đông"})
    clock.now = datetime(2025, 3, 12, 9, 30, tzinfo=VN_TZ)
    kiosk.screenshot_codes = codes  # type: ignore[attr-defined]
    return kiosk


def shoot(out: Path) -> list[Path]:
    from PySide6.QtWidgets import QApplication

    from kiosk_app.app import build_window
    from tests.ui.keys import type_text

    app = QApplication.instance() or QApplication([sys.argv[0]])
    data = Path(tempfile.mkdtemp(prefix="motcua-shots-"))
    kiosk = seed(data)
    saved: list[Path] = []
    window = build_window(kiosk, app)
    from tests.ui.conftest import log_in  # the desk opens on its login screen

    window.sign_in(log_in(kiosk))
    window.setFixedSize(WIDTH, HEIGHT)
    window.show()

    def settle() -> None:
        for _ in range(5):
            window.runner.wait_idle(3000)
            app.processEvents()

    def save(name: str, widget: object = None) -> None:
        settle()
        path = out / f"{name}.png"
        (widget or window).grab().save(str(path))
        saved.append(path)

    save.saved = saved  # type: ignore[attr-defined]

    try:
        save("01_start")
        type_text(window.start.search, "chung thuc")
        save("02_start_search")
        window.start.search.clear()
        window.find()
        save("03_dossier_list")
        codes = kiosk.screenshot_codes
        window.open_dossier(codes[1])
        save("04_dossier_result_ready")
        window.open_dossier(codes[4])
        save("05_dossier_page")
        aftercare_shots(window, kiosk, codes, save)
        window.back()
        window.back()
        try:
            opened = window.open_wizard("1.001193")
        except Exception as exc:  # noqa: BLE001 - the wizard is built separately; skip its shot
            print(f"screenshots: wizard not shown: {exc}", file=sys.stderr)
            opened = False
        if opened:
            save("06_wizard")
            window.wizard.has_unsaved = lambda: False
            window.back()
        from kiosk_app.ui.clerk.settings_dialog import SettingsDialog

        dialog = SettingsDialog(kiosk, window.runner, window)
        dialog.show()
        save("07_settings", dialog)
        dialog.close()
    finally:
        window.runner.wait_idle(5000)
        window.close()
        kiosk.close()
        shutil.rmtree(data, ignore_errors=True)
    return saved


def aftercare_shots(window: object, kiosk: object, codes: list[str], save: object) -> None:
    """The after-receipt dialogs (issue 8), filled in as a clerk would, and their slips."""
    from PySide6.QtWidgets import QApplication

    from tests.ui.keys import type_text

    page = window.desk.page
    page.cameras = []

    def dialog_for(code: str, event: str) -> object:
        window.open_dossier(code)
        save("_scratch")  # lets the page load (the file is removed below)
        page.dialog = None
        page.action_buttons[event].click()
        for _ in range(50):
            window.runner.wait_idle(3000)
            QApplication.processEvents()
            if page.dialog is not None:
                break
        return page.dialog

    def finish(dialog: object, slip_name: str | None) -> None:
        dialog.ok_button.click()
        for _ in range(50):
            window.runner.wait_idle(3000)
            QApplication.processEvents()
            if not dialog.busy:
                break
        if slip_name and page.slip_dialog is not None:
            page.slip_dialog.resize(820, 740)
            for _ in range(50):
                window.runner.wait_idle(3000)
                QApplication.processEvents()
                if page.slip_dialog.pdf_bytes is not None:
                    break
            for _ in range(20):  # QPdfView renders its pages asynchronously
                time.sleep(0.05)
                QApplication.processEvents()
            save(slip_name, page.slip_dialog)
            page.slip_dialog.close()
        if dialog.isVisible():
            dialog.close()

    # request a supplement on a fresh dossier: the form, then Mẫu 02
    d = dialog_for(codes[4], "request_supplement")
    for line in ("Bản sao Giấy chứng sinh", "Giấy xác nhận cư trú của người mẹ"):
        type_text(d.item_edit, line + "\n")
    type_text(d.reason, "Giấy chứng sinh nộp kèm là bản photo, chưa chứng thực")
    save("10_request_supplement", d)
    finish(d, "11_slip_mau02")
    # take the supplement asked for on 5/3
    d = dialog_for(codes[5], "supplement")
    d.table.cellWidget(0, 1).setCurrentIndex(1)
    type_text(d.note, "Công dân nộp trực tiếp tại bộ phận một cửa")
    save("12_receive_supplement", d)
    d.ok_button.click()
    for _ in range(50):
        window.runner.wait_idle(3000)
        QApplication.processEvents()
        if d.new_date.isVisible():
            break
    save("13_receive_supplement_done", d)
    d.close()
    # an overdue dossier: apology with a new appointment, and its slip
    d = dialog_for(codes[0], "apology")
    type_text(d.reason, "Cần xác minh thêm thông tin tại nơi đăng ký thường trú của người mẹ")
    save("14_apology", d)
    finish(d, "15_slip_apology")
    # hand the result over to a relative
    d = dialog_for(codes[6], "hand_over")
    d.name.clear()
    type_text(d.name, "Vũ Văn Hùng")
    type_text(d.id_number, "001085012345")
    d.relation.setCurrentText("bố")
    save("16_hand_over", d)
    finish(d, None)
    window.open_dossier(codes[5])  # asked for a supplement, took it: the timeline shows both
    save("17_dossier_timeline")
    # refuse a kiosk submission (a head's account), its slip
    d = dialog_for(codes[7], "refuse")
    type_text(d.reason, "Giấy chứng sinh không có dấu của cơ sở y tế")
    save("18_refuse", d)
    finish(d, "19_slip_refusal")
    # the start screen's lists after all this: due soon / overdue, results to hand over
    window.back()
    window.show_start()
    save("20_start_lists")
    scratch = [p for p in save.saved if p.name == "_scratch.png"]  # type: ignore[attr-defined]
    for p in scratch:
        p.unlink(missing_ok=True)
        save.saved.remove(p)  # type: ignore[attr-defined]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(ROOT / "docs" / "screenshots"))
    args = parser.parse_args()
    if not os.environ.get("DISPLAY") and os.environ.get("QT_QPA_PLATFORM") != "offscreen":
        if not shutil.which("xvfb-run"):
            print("screenshots: no display and no xvfb-run (apt install xvfb)", file=sys.stderr)
            return 3
        cmd = ["xvfb-run", "-a", "-s", f"-screen 0 {WIDTH}x{HEIGHT}x24"]
        return subprocess.call([*cmd, sys.executable, *sys.argv])
    sys.path.insert(0, str(ROOT))
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    for path in shoot(out):
        print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
