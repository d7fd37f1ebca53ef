"""The figures as a clerk sends them: CSV, Excel and PDF from `motcua stats`, read back."""

from __future__ import annotations

import csv
import io
import json
import subprocess

import pytest

from kiosk_app.cli import main as motcua
from tests.unit.stats_history import BIRTH, SIGNATURE, build_history


@pytest.fixture
def history(kiosk) -> dict:
    return build_history(kiosk)


def _run(capsys, *argv: str) -> tuple[int, str, str]:
    code = motcua(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_cli_prints_the_office_and_groupings_as_json(kiosk, history, capsys) -> None:
    code, out, _ = _run(
        capsys, "stats", "--data-dir", str(kiosk.data_dir), "--period", "2025-03", "--json"
    )
    assert code == 0
    data = json.loads(out)
    assert data["period"] == {"first": "2025-03-01", "last": "2025-03-31"}
    (row,) = data["rows"]
    assert (row["received"], row["finished"], row["on_time"], row["overdue"]) == (7, 3, 1, 2)
    assert row["on_time_share"] == pytest.approx(1 / 3)
    assert row["paid_cashless"] == 2 and row["paid_cashless_share"] == pytest.approx(2 / 5)
    code, out, _ = _run(
        capsys,
        "stats",
        "--data-dir",
        str(kiosk.data_dir),
        "--period",
        "2025-03",
        "--by",
        "procedure",
        "--json",
    )
    by = {r["id"]: r for r in json.loads(out)["rows"]}
    assert by[BIRTH]["received"] == 2 and by[SIGNATURE]["received"] == 5
    assert by[BIRTH]["name"] == kiosk.catalog.get(BIRTH).name.vi


def test_csv_export_reads_back_exactly(kiosk, history, capsys, tmp_path) -> None:
    out = tmp_path / "bao-cao.csv"
    code, _, err = _run(
        capsys, "stats", "--data-dir", str(kiosk.data_dir), "--period", "2025-03", "--out", str(out)
    )
    assert code == 0, err
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # Excel on Windows reads UTF-8 with its BOM
    lines = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    header = lines[3]
    office = dict(zip(header, lines[4], strict=True))
    assert office["Hồ sơ tiếp nhận"] == "7" and office["Quá hạn chưa giải quyết"] == "2"
    assert office["Tỷ lệ giải quyết đúng hạn (%)"] == "33.33"
    assert office["Tỷ lệ thanh toán không dùng tiền mặt (%)"] == "40.0"
    # the export is in the audit trail, with who and which period, and the chain holds
    entry = kiosk.store.query("SELECT * FROM audit WHERE action = 'stats.export'")
    assert len(entry) == 1 and json.loads(entry[0]["data"])["first"] == "2025-03-01"


def test_xlsx_export_has_one_sheet_per_grouping_with_real_fractions(
    kiosk, history, capsys, tmp_path
) -> None:
    from openpyxl import load_workbook

    out = tmp_path / "bao-cao.xlsx"
    assert (
        _run(
            capsys,
            "stats",
            "--data-dir",
            str(kiosk.data_dir),
            "--period",
            "2025-03",
            "--out",
            str(out),
        )[0]
        == 0
    )
    wb = load_workbook(out)
    assert wb.sheetnames == ["Toàn đơn vị", "Theo lĩnh vực", "Theo thủ tục"]
    ws = wb["Theo thủ tục"]
    header = [c.value for c in ws[2]]
    rows = {
        r[0]: dict(zip(header, r, strict=True)) for r in ws.iter_rows(min_row=3, values_only=True)
    }
    sig = rows[SIGNATURE]
    assert sig["Hồ sơ tiếp nhận"] == 5 and sig["Có phí, lệ phí"] == 5
    assert sig["Tỷ lệ giải quyết đúng hạn (%)"] == 0
    assert rows[BIRTH]["Tỷ lệ số hóa hồ sơ (%)"] == pytest.approx(0.5)
    col = header.index("Tỷ lệ số hóa hồ sơ (%)") + 1
    assert ws.cell(row=3, column=col).number_format == "0.0%"


def test_pdf_report_carries_the_figures(kiosk, history, capsys, tmp_path) -> None:
    out = tmp_path / "bao-cao.pdf"
    assert (
        _run(
            capsys,
            "stats",
            "--data-dir",
            str(kiosk.data_dir),
            "--period",
            "2025-03",
            "--out",
            str(out),
        )[0]
        == 0
    )
    text = subprocess.run(
        ["pdftotext", "-layout", str(out), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "BÁO CÁO KẾT QUẢ TIẾP NHẬN VÀ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH" in text
    assert "01/03/2025 – 31/03/2025" in text
    assert "33,3" in text and "40,0" in text  # on time, cashless
    assert kiosk.catalog.get(SIGNATURE).name.vi in " ".join(text.split())


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--period", "2025-13"], "Không hiểu khoảng thời gian"),
        (["--out", "x.docx"], "không hỗ trợ"),
        (["--period", "2025-03-05..2025-03-01"], "trước ngày đầu"),
    ],
)
def test_bad_input_is_one_clear_line(kiosk, capsys, tmp_path, argv, message) -> None:
    code, out, err = _run(capsys, "stats", "--data-dir", str(kiosk.data_dir), *argv)
    assert code == 2 and message in err and len(err.strip().splitlines()) == 1


def test_unwritable_target_fails_cleanly(kiosk, history, capsys, tmp_path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    code, _, err = _run(
        capsys,
        "stats",
        "--data-dir",
        str(kiosk.data_dir),
        "--period",
        "2025-03",
        "--out",
        str(blocker / "r.csv"),
    )
    assert code == 1 and "Không ghi được báo cáo" in err
    assert (
        kiosk.store.query("SELECT COUNT(*) AS n FROM audit WHERE action='stats.export'")[0]["n"]
        == 0
    )
