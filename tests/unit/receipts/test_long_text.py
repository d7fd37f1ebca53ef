"""Very long names, addresses and document lists wrap and paginate: nothing lost, nothing
outside the page (word boxes from ``pdftotext -bbox``), the QR still whole and readable."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from kiosk_app.receipts.layout import load_layout
from kiosk_app.receipts.render import render_pdf

from .conftest import (
    SIGNED_LIKE,
    flat,
    needs_poppler,
    page_texts,
    rasterise,
    submit,
    update_stored,
    words_with_boxes,
)

pytestmark = needs_poppler

LONG_NAME = "Tôn Nữ " + " ".join(["Huyền Trân Công Chúa Ngọc Bích"] * 10)
LONG_ADDRESS = ", ".join(f"Tổ dân phố số {i}, khu vực Đồng Khởi Nguyễn Huệ" for i in range(1, 16))
# an unbroken run (a pasted e-mail, a scanner's garbage) must still break at the margin
UNBROKEN = "đ" * 40 + "X" * 200
DOCS = [
    {
        "name": f"Giấy tờ số {i:02d}: Bản sao trích lục hộ tịch kèm xác nhận của Ủy ban nhân dân "
        f"xã về nơi cư trú ({'rất dài ' * (i % 4)}mục {i})",
        "form": "photocopy",
        "count": i,
    }
    for i in range(1, 31)
]


def _inside(pdf: bytes, tmp_path: Path) -> list[str]:
    pages, words = words_with_boxes(pdf, tmp_path)
    out = []
    for page, word, x0, y0, x1, y1 in words:
        width, height = pages[page]
        if x0 < 0 or y0 < 0 or x1 > width + 0.5 or y1 > height + 0.5:
            out.append(f"page {page + 1}: {word!r} at {x0:.0f},{y0:.0f}-{x1:.0f},{y1:.0f}")
    return out


@pytest.mark.parametrize("paper", ["a4", "a5"])
def test_long_dossier_paginates_with_nothing_missing(kiosk, tmp_path, decoded, paper):
    code = submit(kiosk, more_documents=DOCS)
    update_stored(kiosk, code, applicant_name=LONG_NAME, applicant_address=LONG_ADDRESS + UNBROKEN)
    pdf = render_pdf(kiosk, code, paper=paper, qr_text=SIGNED_LIKE)
    pages = page_texts(pdf, tmp_path)
    assert len(pages) >= 4  # both copies run over more than one page each
    text = flat("\n".join(pages))
    joined = text.replace(" ", "")
    # each copy prints every document, the whole name and the whole address
    for doc in DOCS:
        assert flat(doc["name"]).replace(" ", "") in joined, doc["name"]
    assert joined.count(LONG_NAME.replace(" ", "")) == 2
    assert joined.count((LONG_ADDRESS + UNBROKEN).replace(" ", "")) == 2
    assert text.count("Giấy tờ số 30") == 2
    # the second copy starts on a fresh page and the footer counts pages within each copy
    second = next(i for i, p in enumerate(pages) if "(Liên 2: Giao người nộp)" in p)
    assert second >= 2
    assert "GIẤY TIẾP NHẬN HỒ SƠ" in pages[second] and "Liên 1" not in pages[second]
    assert all("Liên 1: Lưu hồ sơ" in p for p in pages[:second])
    assert "Trang 2" in pages[1]
    assert _inside(pdf, tmp_path) == []
    zxing, zbar = decoded(rasterise(pdf, tmp_path, 150)[0])
    assert zxing == [SIGNED_LIKE] and zbar == [SIGNED_LIKE]


def test_slip80_grows_with_long_text(kiosk, tmp_path):
    # the shipped slip leaves the applicant out; a province may put it back
    base = load_layout()
    parts = (*base.parts["slip80"][:3], "applicant", *base.parts["slip80"][3:])
    layout = replace(base, parts={**base.parts, "slip80": parts})
    code = submit(kiosk)
    short = render_pdf(kiosk, code, kind="slip80", layout=layout)
    update_stored(kiosk, code, applicant_name=LONG_NAME)
    long_pdf = render_pdf(kiosk, code, kind="slip80", layout=layout)
    (size_short,), _ = words_with_boxes(short, tmp_path)
    (size_long,), _ = words_with_boxes(long_pdf, tmp_path)
    assert size_long[1] > size_short[1] + 40  # one page each, the long one taller
    assert _inside(long_pdf, tmp_path) == []
    assert LONG_NAME.replace(" ", "") in flat(page_texts(long_pdf, tmp_path)[0]).replace(" ", "")
