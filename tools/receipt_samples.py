"""Sample receipts and slips as PNG images, for docs/receipts/ and for eyeballing the layouts.

    python tools/receipt_samples.py [--out docs/receipts] [--pdf]

Makes a fresh temporary data folder for a configured office on the demo commune
(``DEMO_TEST_OFFICE`` with a hotline), submits one birth registration (procedure 1.001193, its
``example_submission()``: the longest document list of the catalogue) through the intake
use-case on a fixed clock (Wed 2025-03-12 09:30 +07), and renders every format the desk prints:

- Mẫu 01 on A4 and on A5, and the 80 mm kiosk slip, through
  :func:`kiosk_app.receipts.issued.receipt_pdf` (as the desk does: QR signed by the device key);
- Mẫu 02, the refusal (Mẫu 03) and the apology (Mẫu 04) on A4, through
  :func:`kiosk_app.receipts.render.render_pdf` with the same signed QR, dated by the same
  clock moved to the day each would be issued.

Each PDF's page 1 — and page 2 of Mẫu 01, "Liên 2" — is rasterised with ``pdftoppm`` (Debian
``poppler-utils``) in grey: 150 dpi for A4/A5, 203 dpi (the thermal printer's) for the slip;
Pillow writes the PNG.
The device key is made afresh in every run, so the QR (its signature) differs from one run
to the next; everything else is the same.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from datetime import datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
PROCEDURE = "1.001193"
RECEIVED = datetime(2025, 3, 12, 9, 30)
HOTLINE = "0234 3888 999"

# (file stem, what it is, kind, paper, dpi, pages, when issued, slip data)
SAMPLES: list[tuple[str, str, str, str, int, tuple[int, ...], datetime, dict[str, Any]]] = [
    ("mau01_a4", "Mẫu 01 on A4", "mau01", "a4", 150, (1, 2), RECEIVED, {}),
    ("mau01_a5", "Mẫu 01 on A5", "mau01", "a5", 150, (1, 2), RECEIVED, {}),
    ("slip80", "80 mm kiosk slip", "slip80", "80mm", 203, (1,), RECEIVED, {}),
    (
        "mau02_a4",
        "Mẫu 02 on A4",
        "mau02",
        "a4",
        150,
        (1,),
        datetime(2025, 3, 12, 9, 45),
        {
            "missing": [
                "Giấy chứng sinh (bản chính; bản đã nộp là bản chụp, không rõ số seri)",
                "Giấy chứng nhận kết hôn của cha, mẹ (bản sao có chứng thực) — nếu có",
            ],
            "reason": "Giấy chứng sinh nộp kèm là bản chụp, không đọc được số seri.",
            "officer": "công chức tư pháp - hộ tịch Trần Thị Mỹ Hạnh",
        },
    ),
    (
        "refusal_a4",
        "refusal (Mẫu 03) on A4",
        "refusal",
        "a4",
        150,
        (1,),
        datetime(2025, 3, 12, 9, 50),
        {
            "reason": "Trẻ đã được đăng ký khai sinh tại Ủy ban nhân dân xã Hương Phú ngày "
            "05 tháng 3 năm 2025 (trích lục số 112/TLKS-BS); đề nghị Ông/Bà làm thủ tục cấp "
            "bản sao trích lục hộ tịch.",
        },
    ),
    (
        "apology_a4",
        "apology (Mẫu 04) on A4",
        "apology",
        "a4",
        150,
        (1,),
        datetime(2025, 3, 12, 16, 30),
        {
            "reason": "Cơ sở dữ liệu hộ tịch điện tử gián đoạn kết nối trong ngày, chưa cấp "
            "được số định danh cá nhân cho trẻ.",
            "new_appointment": "2025-03-14T09:00:00",
        },
    ),
]


class FixedClock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def seed(data_dir: Path) -> tuple[Any, str, FixedClock]:
    """The configured office with one birth registration: (kiosk, dossier code, its clock)."""
    from kiosk_app.bootstrap import DEMO_TEST_OFFICE, configure_office, open_kiosk
    from kiosk_app.core.intake import VN_TZ

    configure_office(data_dir, {**DEMO_TEST_OFFICE, "hotline": HOTLINE, "demo": False})
    kiosk = open_kiosk(data_dir)
    clock = FixedClock(RECEIVED.replace(tzinfo=VN_TZ))
    kiosk.intake.clock = clock
    example = kiosk.catalog.get(PROCEDURE).example_submission()
    result = kiosk.intake.submit(
        PROCEDURE, example["answers"], example["documents"], actor="canbo1"
    )
    return kiosk, result.code, clock


def render(kiosk: Any, code: str, kind: str, paper: str, extra: dict[str, Any]) -> bytes:
    """The PDF of one sample, as the desk makes it."""
    from kiosk_app.receipts import qr_payload
    from kiosk_app.receipts.issued import printed_address, receipt_pdf
    from kiosk_app.receipts.render import render_pdf

    if kind in ("mau01", "slip80"):
        return receipt_pdf(kiosk, code, fmt=paper)
    qr_text = qr_payload.qr_text_for(kiosk, code)
    with kiosk.store.read() as db:
        lookup = printed_address(qr_payload.lookup_url_for(db))
    return render_pdf(
        kiosk, code, kind=kind, paper=paper, qr_text=qr_text, extra=extra, lookup_address=lookup
    )


def rasterise(pdf: Path, page: int, dpi: int, out: Path) -> Path:
    """Page ``page`` of ``pdf`` as the 8-bit grey PNG ``out``.

    pdftoppm writes grey only as PGM (its ``-png`` stays RGB even with ``-gray``); Pillow (a
    dependency of the app) turns that into a PNG a third the size of the RGB one.
    """
    from PIL import Image

    prefix = out.with_suffix("")
    subprocess.run(
        ["pdftoppm", "-r", str(dpi), "-gray", "-singlefile"]
        + ["-f", str(page), "-l", str(page), str(pdf), str(prefix)],
        check=True,
    )
    pgm = prefix.with_suffix(".pgm")
    with Image.open(pgm) as image:
        image.save(out, optimize=True)
    pgm.unlink()
    return out


def make(out: Path, keep_pdf: bool) -> list[Path]:
    from kiosk_app.core.intake import VN_TZ

    data = Path(tempfile.mkdtemp(prefix="motcua-receipts-"))
    saved: list[Path] = []
    kiosk, code, clock = seed(data)
    try:
        for stem, _what, kind, paper, dpi, pages, when, extra in SAMPLES:
            clock.now = when.replace(tzinfo=VN_TZ)
            pdf = data / f"{stem}.pdf"
            pdf.write_bytes(render(kiosk, code, kind, paper, extra))
            if keep_pdf:
                shutil.copyfile(pdf, out / pdf.name)
                saved.append(out / pdf.name)
            for page in pages:
                suffix = f"_lien{page}" if kind == "mau01" else ""
                saved.append(rasterise(pdf, page, dpi, out / f"{stem}{suffix}.png"))
    finally:
        kiosk.close()
        shutil.rmtree(data, ignore_errors=True)
    return saved


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(ROOT / "docs" / "receipts"))
    parser.add_argument("--pdf", action="store_true", help="keep the PDFs beside the images")
    args = parser.parse_args()
    if not shutil.which("pdftoppm"):
        print("receipt_samples: pdftoppm not found (apt install poppler-utils)", file=sys.stderr)
        return 3
    sys.path.insert(0, str(ROOT))
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    for path in make(out, args.pdf):
        print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
