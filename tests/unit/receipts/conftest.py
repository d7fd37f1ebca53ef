"""Helpers of the receipt tests: submit a dossier, read a PDF's text, rasterise, decode QRs."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import unicodedata
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

TOOLS = ("pdftotext", "pdftoppm", "zbarimg")
missing_tools = [t for t in TOOLS if shutil.which(t) is None]
needs_poppler = pytest.mark.skipif(
    bool(missing_tools), reason=f"not installed: {', '.join(missing_tools)}"
)

# a payload shaped like qr_payload.py's signed text (lookup URL, "*"-separated claims, a
# 103-character base32 Ed25519 signature): upper-case alphanumeric mode, QR version 9-10
SIGNED_LIKE = (
    "HTTPS://DICHVUCONG.HUE.GOV.VN/R/1*000.00.06.H56-250312-1001*2.000884*2503120930*"
    "2503121700*N4XC4PJ7HUCVITGSNGBYKNG3QE*K7Q2MZ4D*"
    + "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567" * 3
    + "ABCDEFG"
)
URL_LIKE = "https://tracuu.example.vn/h?c=000.00.06.H56-250312-1001&s=Zm9vYmFy-_x"


def submit(kiosk: Any, code: str = "2.000884", **kw: Any) -> str:
    """Submit the procedure's example and return the dossier code."""
    ex = kiosk.catalog.get(code).example_submission()
    docs = ex["documents"] + kw.pop("more_documents", [])
    kw.setdefault("delivery", "post")
    kw.setdefault("payment", {"method": "transfer"})
    return kiosk.intake.submit(code, ex["answers"], docs, **kw).code


def update_stored(kiosk: Any, code: str, **values: Any) -> None:
    """Change stored columns directly (values the form would refuse, e.g. 300-character names)."""
    sets, args = [], []
    for key, value in values.items():
        sets.append(f"{key} = ?")
        args.append(json.dumps(value, ensure_ascii=False) if isinstance(value, dict) else value)
    with kiosk.store.write() as db:
        db.execute(f"UPDATE dossiers SET {', '.join(sets)} WHERE code = ?", [*args, code])


def pdf_text(pdf: bytes, tmp_path: Path, *, layout: bool = False) -> str:
    src = tmp_path / "t.pdf"
    src.write_bytes(pdf)
    cmd = ["pdftotext", "-enc", "UTF-8", *(["-layout"] if layout else []), str(src), "-"]
    out = subprocess.run(cmd, check=True, capture_output=True).stdout.decode("utf-8")
    return unicodedata.normalize("NFC", out)


def flat(text: str) -> str:
    """Whitespace (line breaks from wrapping included) collapsed to single spaces."""
    return re.sub(r"\s+", " ", text)


def page_texts(pdf: bytes, tmp_path: Path) -> list[str]:
    return pdf_text(pdf, tmp_path).split("\f")[:-1]


def words_with_boxes(pdf: bytes, tmp_path: Path) -> tuple[list[tuple[float, float]], list]:
    """(page sizes, [(page, word, xmin, ymin, xmax, ymax)]) from ``pdftotext -bbox``."""
    src = tmp_path / "b.pdf"
    src.write_bytes(pdf)
    html = subprocess.run(
        ["pdftotext", "-bbox", "-enc", "UTF-8", str(src), "-"], check=True, capture_output=True
    ).stdout.decode("utf-8")
    pages, words = [], []
    for i, page in enumerate(re.findall(r"<page (.*?)</page>", html, flags=re.S)):
        w, h = re.search(r'width="([\d.]+)" height="([\d.]+)"', page).groups()
        pages.append((float(w), float(h)))
        for box in re.finditer(
            r'<word xMin="([\d.-]+)" yMin="([\d.-]+)" xMax="([\d.-]+)" yMax="([\d.-]+)">(.*?)</word>',
            page,
        ):
            x0, y0, x1, y1, word = box.groups()
            words.append((i, word, float(x0), float(y0), float(x1), float(y1)))
    return pages, words


def rasterise(pdf: bytes, tmp_path: Path, dpi: int, *, first: int = 1, last: int = 1) -> list[Path]:
    tmp_path.mkdir(parents=True, exist_ok=True)
    src = tmp_path / "r.pdf"
    src.write_bytes(pdf)
    prefix = tmp_path / f"p{dpi}"
    subprocess.run(
        [
            "pdftoppm",
            "-r",
            str(dpi),
            "-gray",
            "-f",
            str(first),
            "-l",
            str(last),
            str(src),
            str(prefix),
        ],
        check=True,
    )
    # PGM, not PNG: compressing a 150 dpi A4 page to PNG costs poppler ~0.7 s
    return sorted(tmp_path.glob(f"p{dpi}-*.pgm"))


def decode_zxing(png: Path) -> list[str]:
    import zxingcpp
    from PIL import Image

    with Image.open(png) as image:
        return [r.text for r in zxingcpp.read_barcodes(image)]


def decode_zbar(png: Path) -> list[str]:
    out = subprocess.run(
        ["zbarimg", "--raw", "-q", "-Sdisable", "-Sqrcode.enable", str(png)],
        capture_output=True,
    )
    return [line for line in out.stdout.decode("utf-8").splitlines() if line]


@pytest.fixture(scope="session")
def _shared_kiosk(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    from datetime import datetime

    from kiosk_app.bootstrap import DEMO_TEST_OFFICE, configure_office, open_kiosk
    from kiosk_app.core.intake import VN_TZ

    folder = tmp_path_factory.mktemp("receipts-kiosk")
    configure_office(folder, DEMO_TEST_OFFICE)
    k = open_kiosk(folder)
    fixed = datetime(2025, 3, 12, 9, 30, tzinfo=VN_TZ)  # a Wednesday, as tests/conftest.py
    k.intake.clock = lambda: fixed
    yield k
    k.close()


@pytest.fixture
def kiosk(_shared_kiosk: Any, monkeypatch: pytest.MonkeyPatch) -> Any:
    """The root ``kiosk`` (same office, same fixed clock) opened once per worker: opening one
    costs as much as rendering a receipt, and these tests only add dossiers. A test that
    replaces ``kiosk.office`` gets the original back afterwards."""
    monkeypatch.setattr(_shared_kiosk, "office", _shared_kiosk.office)
    return _shared_kiosk


@pytest.fixture
def decoded() -> Callable[[Path], tuple[list[str], list[str]]]:
    """Both decoders' readings of one image."""
    return lambda png: (decode_zxing(png), decode_zbar(png))
