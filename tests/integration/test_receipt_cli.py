"""``motcua receipt pdf`` and ``motcua receipt print`` as an office runs them: real processes,
the PDF rasterised and its QR decoded and verified, the print landing in a real CUPS queue."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from kiosk_app.receipts import qr_payload as qp

ROOT = Path(__file__).resolve().parents[2]
BIRTH = "1.001193"


def _motcua(*argv: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "kiosk_app.cli", *argv],
        cwd=ROOT,
        env=(env or os.environ) | {"PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=180,
    )


@pytest.fixture
def stored(kiosk) -> tuple[Path, str]:
    example = kiosk.catalog.get(BIRTH).example_submission()
    code = kiosk.intake.submit(BIRTH, example["answers"], example["documents"]).code
    kiosk.close()  # the commands open the data folder themselves
    return kiosk.data_dir, code


def _pdfinfo(path: Path) -> str:
    return subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True).stdout


@pytest.mark.parametrize(("fmt", "dpi"), [("a4", 150), ("a5", 150), ("80mm", 203)])
def test_pdf_carries_a_qr_that_verifies(stored, tmp_path: Path, fmt: str, dpi: int) -> None:
    data_dir, code = stored
    out = tmp_path / f"receipt-{fmt}.pdf"
    done = _motcua(
        "receipt", "pdf", code, "--format", fmt, "--out", str(out), "--data-dir", str(data_dir)
    )
    assert done.returncode == 0, done.stderr
    assert out.read_bytes().startswith(b"%PDF")
    subprocess.run(
        [
            "pdftoppm",
            "-r",
            str(dpi),
            "-f",
            "1",
            "-l",
            "1",
            "-png",
            str(out),
            str(tmp_path / "page"),
        ],
        check=True,
    )
    (png,) = sorted(tmp_path.glob("page*.png"))
    texts = qp.decode_image(png)
    assert texts, "no QR found on the first page"
    check = _motcua("receipt", "verify", "--image", str(png), "--data-dir", str(data_dir))
    assert check.returncode == 0, check.stdout + check.stderr
    assert "GENUINE" in check.stdout and code in check.stdout
    text = subprocess.run(["pdftotext", str(out), "-"], capture_output=True, text=True).stdout
    assert code in text


def test_mau01_holds_both_copies_and_reprints_say_so(stored, tmp_path: Path) -> None:
    data_dir, code = stored
    out = tmp_path / "again.pdf"
    done = _motcua(
        "receipt",
        "pdf",
        code,
        "--out",
        str(out),
        "--reprint",
        "--json",
        "--data-dir",
        str(data_dir),
    )
    assert done.returncode == 0, done.stderr
    text = subprocess.run(["pdftotext", str(out), "-"], capture_output=True, text=True).stdout
    assert "Liên 1" in text and "Liên 2" in text and "Bản in lại" in text


def test_refusals_are_one_line_with_exit_codes(stored, tmp_path: Path) -> None:
    data_dir, code = stored
    unknown = _motcua(
        "receipt",
        "pdf",
        "000.00.06.H56-250312-9999",
        "--out",
        str(tmp_path / "x.pdf"),
        "--data-dir",
        str(data_dir),
    )
    assert unknown.returncode == 1 and "Không tìm thấy hồ sơ" in unknown.stderr
    assert not (tmp_path / "x.pdf").exists()
    bad = _motcua(
        "receipt",
        "pdf",
        code,
        "--format",
        "a3",
        "--out",
        str(tmp_path / "y.pdf"),
        "--data-dir",
        str(data_dir),
    )
    assert bad.returncode == 2 and "a3" in bad.stderr and len(bad.stderr.splitlines()) == 1
    nowhere = _motcua(
        "receipt", "print", code, "--printer", "khong-co-may-in", "--data-dir", str(data_dir)
    )
    assert nowhere.returncode == 1 and "khong-co-may-in" in nowhere.stderr


def test_print_lands_in_a_real_queue(stored, cups_pdf_queue) -> None:
    data_dir, code = stored
    env = os.environ | {"CUPS_SERVER": str(cups_pdf_queue.socket)}
    done = _motcua(
        "receipt",
        "print",
        code,
        "--printer",
        cups_pdf_queue.queue,
        "--format",
        "80mm",
        "--json",
        "--data-dir",
        str(data_dir),
        env=env,
    )
    assert done.returncode == 0, done.stderr
    (printed,) = cups_pdf_queue.new_outputs(1)
    info = _pdfinfo(printed)
    width_pt = float(info.split("Page size:")[1].split("x")[0])
    assert abs(width_pt - 80 / 25.4 * 72) < 3, info  # an 80 mm wide slip
