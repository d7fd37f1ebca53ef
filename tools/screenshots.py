"""Screenshots of the clerk's desk at 1366×768, for docs/screenshots/ and for eyeballing layout.

    python tools/screenshots.py [--out docs/screenshots]

Runs a real X11 window: without a display it re-runs itself under ``xvfb-run`` (Debian
``xvfb``; see tools/debian-deps.sh). The data folder is a fresh temporary one holding a few
dossiers submitted through the intake use-cases (``Procedure.example_submission()``) on a fixed
clock (Wed 2025-03-12 09:30 +07), one of them with its result ready, and one unfinished draft.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
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
    people = ["Lê Thị Đào", "Hoàng Văn Bảy", "Phạm Minh Châu", "Nguyễn Thị Hạnh", "Đỗ Quang Huy"]
    plan = [
        ("1.001193", datetime(2025, 2, 3, 9, 0)),
        ("2.000884", datetime(2025, 2, 20, 14, 0)),
        ("1.001193", datetime(2025, 3, 5, 10, 15)),
        ("2.000884", datetime(2025, 3, 12, 8, 5)),
        ("1.001193", datetime(2025, 3, 12, 9, 10)),
    ]
    codes = []
    for (proc_code, when), name in zip(plan, people, strict=True):
        clock.now = when.replace(tzinfo=VN_TZ)
        proc = kiosk.catalog.get(proc_code)
        ex = proc.example_submission()
        answers = ex["answers"]
        for key in ("requester", "applicant", "signer"):
            if isinstance(answers.get(key), dict) and "full_name" in answers[key]:
                answers[key]["full_name"] = name
        r = kiosk.intake.submit(proc_code, answers, ex["documents"], actor="canbo1")
        codes.append(r.code)
    clock.now = datetime(2025, 3, 11, 16, 0, tzinfo=VN_TZ)
    kiosk.intake.transition(codes[1], DONE, actor="tinh", origin="province")
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
