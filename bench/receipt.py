"""Bench: time to render one A5 Mẫu 01 receipt (both copies) with its signed QR.

Goal (issue 4): median under 25 ms, and under 3 × a bare reportlab page with the same text in
the same run. The receipt is rendered from the store as the desk does (dossier lookup, model,
layout, paragraphs, tables, the QR drawn into the PDF); the QR text is signed once beforehand
(signing is not layout). Baseline: the same lines of text — taken from the receipt itself with
pdftotext — drawn with ``canvas.drawString`` in the same embedded font on the same number of
A5 pages: what putting that text on paper costs with no layout at all.

    /work/venv/bin/python bench/receipt.py [--runs 60]
"""

from __future__ import annotations

import argparse
import io
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from reportlab.lib.pagesizes import A5  # noqa: E402
from reportlab.pdfgen import canvas  # noqa: E402

from kiosk_app.bootstrap import DEMO_TEST_OFFICE, configure_office, open_kiosk  # noqa: E402
from kiosk_app.receipts import qr_payload  # noqa: E402
from kiosk_app.receipts.fonts import register_fonts  # noqa: E402
from kiosk_app.receipts.render import render_pdf  # noqa: E402

GOAL_MS = 25.0
GOAL_RATIO = 3.0
PROCEDURE = "1.001193"  # birth registration: the longest document list of the catalogue


def _bare(lines: list[str], pages: int, font: str) -> bytes:
    out = io.BytesIO()
    c = canvas.Canvas(out, pagesize=A5)
    per_page = max(1, len(lines) // pages)
    for p in range(pages):
        y = A5[1] - 40
        for line in lines[p * per_page : (p + 1) * per_page]:
            c.setFont(font, 9)
            c.drawString(30, y, line)
            y -= 11
        c.showPage()
    c.save()
    return out.getvalue()


def _medians_ms(first, second, runs: int) -> tuple[float, float]:
    """Median ms of ``first`` and of ``second``, timed alternately so that a burst of load on
    this shared machine falls on both and not on one phase (it skewed the ratio by ±1)."""
    first(), second()  # warm-up: fonts registered, caches filled
    a, b = [], []
    for _ in range(runs):
        for fn, times in ((first, a), (second, b)):
            started = time.perf_counter()
            fn()
            times.append((time.perf_counter() - started) * 1000)
    return statistics.median(a), statistics.median(b)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=60)
    args = parser.parse_args()
    data = Path(tempfile.mkdtemp(prefix="motcua-receipt-"))
    configure_office(data, DEMO_TEST_OFFICE)
    kiosk = open_kiosk(data)
    try:
        example = kiosk.catalog.get(PROCEDURE).example_submission()
        code = kiosk.intake.submit(PROCEDURE, example["answers"], example["documents"]).code
        qr_text = qr_payload.qr_text_for(kiosk, code)
        pdf = render_pdf(kiosk, code, kind="mau01", paper="a5", qr_text=qr_text)
        text = subprocess.run(
            ["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True
        ).stdout.decode("utf-8")
        pages = text.count("\f") or 1
        lines = [line.strip() for line in text.splitlines() if line.strip()]
        font = register_fonts().regular

        receipt_ms, bare_ms = _medians_ms(
            lambda: render_pdf(kiosk, code, kind="mau01", paper="a5", qr_text=qr_text),
            lambda: _bare(lines, pages, font),
            args.runs,
        )
    finally:
        kiosk.close()
    ratio = receipt_ms / bare_ms
    print(
        f"A5 Mẫu 01, {pages} pages, {len(lines)} lines: receipt {receipt_ms:.1f} ms, "
        f"bare page {bare_ms:.1f} ms",
        file=sys.stderr,
    )
    print(
        json.dumps(
            {
                "bench": "receipt",
                "value": round(receipt_ms, 2),
                "unit": "ms",
                "baseline": round(bare_ms, 2),
                "ratio": round(ratio, 2),
                "goal": f"A5 receipt with QR < {GOAL_MS:.0f} ms and < {GOAL_RATIO:.0f} x a bare "
                "reportlab page with the same text",
                "met": receipt_ms < GOAL_MS and ratio < GOAL_RATIO,
            }
        )
    )


if __name__ == "__main__":
    main()
