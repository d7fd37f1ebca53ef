"""The kiosk's slip through the real print system: a private CUPS with a cups-pdf queue
(tests/cups_fixture.py; skipped without root/CUPS locally, required under CI=true)."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

from tests.ui.kiosk.helpers import next_, settle
from tests.ui.kiosk.test_submit import answer_all


def test_slip_prints_80mm_on_the_configured_printer(
    qtbot: Any, make_window: Any, kiosk: Any, cups_pdf_queue: Any, tmp_path: Path
) -> None:
    from kiosk_app.bootstrap import configure_office
    from kiosk_app.ui.kiosk.slips import default_printer

    configure_office(kiosk.data_dir, {"printer_name": cups_pdf_queue.queue})
    w = make_window(printer=default_printer(kiosk))
    flow = answer_all(qtbot, w)
    next_(qtbot, w)
    settle(w)
    assert flow.page == "done"
    qtbot.waitUntil(lambda: "Đã in phiếu" in flow.print_label.text(), timeout=30_000)
    [out] = cups_pdf_queue.new_outputs(1)
    info = subprocess.run(["pdfinfo", str(out)], capture_output=True, text=True).stdout
    size = next(line for line in info.splitlines() if line.startswith("Page size"))
    width_pt = float(size.split(":")[1].split("x")[0])
    assert abs(width_pt - 80 / 25.4 * 72) < 3, size  # 80 mm roll
    # the paper's QR (the slip is printed as an image) carries this dossier's code
    from kiosk_app.receipts.qr_payload import parse
    from tests.ui.test_printing import decoded_qr_per_page

    [qr] = decoded_qr_per_page(out, tmp_path, dpi=200)
    assert parse(qr).claims.code == flow.code
