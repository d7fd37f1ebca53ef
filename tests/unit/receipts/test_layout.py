"""resources/receipts/*.yaml: the shipped files load; each kind of breakage names file and field;
a province changes wording with no code."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from kiosk_app.receipts.errors import ReceiptError, ReceiptLayoutError
from kiosk_app.receipts.layout import KINDS, load_layout, receipts_folder
from kiosk_app.receipts.render import render_pdf

from .conftest import flat, needs_poppler, pdf_text, submit


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    dst = tmp_path / "receipts"
    shutil.copytree(receipts_folder(), dst)
    return dst


def _edit(folder: Path, name: str, old: str, new: str) -> None:
    path = folder / name
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {name}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_shipped_layout_is_valid() -> None:
    layout = load_layout()
    assert set(layout.parts) == set(KINDS)
    assert layout.papers["a4"].width_mm == 210 and layout.papers["a5"].height_mm == 210
    assert layout.slip.printable_mm == 72 and layout.slip.dpi == 203
    assert layout.slip.qr_module_dots >= 3 and layout.slip.fonts.small >= 8
    assert layout.wording.texts("mau01", "copies") == [
        "Liên 1: Lưu hồ sơ",
        "Liên 2: Giao người nộp",
    ]


BROKEN = [
    ("layout.yaml", "  a5:\n", "  a5:\n    bogus: 1\n", "papers.a5.bogus", "unknown key"),
    (
        "layout.yaml",
        "small: 8, header: 8.5, title: 10.5",
        "small: 7, header: 8.5, title: 10.5",
        "slip80.fonts.small",
        "outside 8",
    ),
    ("layout.yaml", "qr_module_dots: 4", "qr_module_dots: 2", "slip80.qr_module_dots", "outside 3"),
    (
        "layout.yaml",
        "[header, title, code, unit,",
        "[header, title, kode, unit,",
        "parts.mau01[2]",
        "unknown part 'kode'",
    ),
    (
        "layout.yaml",
        "error_correction: M",
        "error_correction: X",
        "qr.error_correction",
        "L, M, Q or H",
    ),
    (
        "layout.yaml",
        "margins_mm: {top: 8, bottom: 10, left: 12, right: 10}",
        "margins_mm: {top: 8, bottom: 10, left: 35, right: 35}",
        "papers.a5.margins_mm",
        "80 mm",
    ),
    ("layout.yaml", "leading: 1.32", "leading: big", "papers.a4.leading", "must be a number"),
    ("layout.yaml", "papers:\n", "papers: [\n", "line", "malformed YAML"),
    (
        "wording.yaml",
        '  title: "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ"\n',
        "",
        "mau01.title",
        "missing",
    ),
    (
        "wording.yaml",
        "Tiếp nhận hồ sơ của: <b>{name}</b>",
        "Tiếp nhận hồ sơ của: {nmae}",
        "mau01.applicant",
        "unknown placeholder {nmae}",
    ),
    (
        "wording.yaml",
        "Tiếp nhận hồ sơ của: <b>{name}</b>",
        "Tiếp nhận hồ sơ của: <font color=red>{name}</font>",
        "mau01.applicant",
        "not allowed",
    ),
    (
        "wording.yaml",
        "Tiếp nhận hồ sơ của:",
        "Tie\u0302\u0301p nhận hồ sơ của:",
        "mau01.applicant",
        "NFC",
    ),
    ("wording.yaml", "{hh} giờ {mi} phút", "{hh:>3} giờ {mi} phút", "common.datetime", "no format"),
    (
        "wording.yaml",
        '    photocopy: "Bản chụp"\n',
        "",
        "common.document_forms.photocopy",
        "missing",
    ),
    ("header.yaml", 'unit_name: "{agency_name}"', "unit_name: 12", "unit_name", "must be text"),
    (
        "header.yaml",
        'agency_lines:\n  - {text: "{agency_name_upper}", bold: false}\n'
        '  - {text: "BỘ PHẬN TIẾP NHẬN VÀ TRẢ KẾT QUẢ", bold: true}\n',
        "agency_lines: []\n",
        "agency_lines",
        "non-empty",
    ),
]


@pytest.mark.parametrize(("file", "old", "new", "field", "problem"), BROKEN)
def test_broken_files_name_file_and_field(folder, file, old, new, field, problem) -> None:
    _edit(folder, file, old, new)
    with pytest.raises(ReceiptLayoutError) as err:
        load_layout(folder)
    assert err.value.file == file
    assert err.value.field.startswith(field), err.value.field
    assert problem in err.value.problem
    assert isinstance(err.value, ReceiptError) and file in str(err.value)


def test_missing_file(folder) -> None:
    (folder / "header.yaml").unlink()
    with pytest.raises(ReceiptLayoutError, match="header.yaml"):
        load_layout(folder)


def test_dropping_a_part_drops_its_wording_requirement(folder) -> None:
    _edit(folder, "layout.yaml", " register,", "")
    _edit(
        folder,
        "wording.yaml",
        '  register: "Vào Sổ theo dõi hồ sơ, Quyển số: {book}  Số thứ tự: {number}"\n',
        "",
    )
    assert "register" not in load_layout(folder).parts["mau01"]


@needs_poppler
def test_a_province_rewords_and_reorders_without_code(kiosk, folder, tmp_path) -> None:
    _edit(folder, "wording.yaml", "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ", "GIẤY BIÊN NHẬN HỒ SƠ")
    _edit(
        folder,
        "wording.yaml",
        '["Liên 1: Lưu hồ sơ", "Liên 2: Giao người nộp"]',
        '["Liên 1: Lưu", "Liên 2: Công dân", "Liên 3: Bưu điện"]',
    )
    _edit(folder, "layout.yaml", "delivery, fees, register,", "fees, delivery,")
    layout = load_layout(folder)
    code = submit(kiosk)
    pages = pdf_text(render_pdf(kiosk, code, layout=layout), tmp_path).split("\f")[:-1]
    assert len(pages) == 3
    text = flat(pages[2])
    assert "GIẤY BIÊN NHẬN HỒ SƠ" in text and "(Liên 3: Bưu điện)" in text
    assert "GIẤY TIẾP NHẬN HỒ SƠ" not in text and "Vào Sổ theo dõi" not in text
    assert text.index("Phí, lệ phí") < text.index("6. Đăng ký nhận kết quả")


def test_changed_file_is_reloaded(folder) -> None:
    first = load_layout(folder)
    assert load_layout(folder) is first  # cached
    import os

    path = folder / "wording.yaml"
    _edit(folder, "wording.yaml", "Bản in lại", "BẢN IN LẠI")
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 10_000_000))
    assert load_layout(folder).wording.text("common", "reprint_mark") == "BẢN IN LẠI"
