"""The fee step's VietQR box: shown for a bank transfer of a fee when the office has an account,
with the QR (drawn off the GUI thread) decoding to the exact fee and the dossier code."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from kiosk_app.core import vietqr
from kiosk_app.ui.clerk.wizard_fee import FeePage

CODE = "000.00.06.H56-250312-1001"
ACCOUNT = {
    "payment_bank_bin": "970415",
    "payment_account": "113366668888",
    "payment_account_name": "UBND XA NAM DONG",
}
FEE_PROCEDURE = "2.000884"  # 10.000 đ


def _page(qtbot: Any, kiosk: Any, office: Any, procedure: str = FEE_PROCEDURE) -> FeePage:
    proc = kiosk.catalog.get(procedure)
    page = FeePage(proc, office=office)
    qtbot.addWidget(page)
    page.resize(1100, 600)
    page.show()
    page.refresh(proc.example_submission()["answers"])
    return page


def _decode(page: FeePage, tmp_path: Path) -> list[str]:
    import zxingcpp
    from PIL import Image

    png = tmp_path / "qr.png"
    assert page.qr_label.pixmap().toImage().save(str(png))
    with Image.open(png) as image:
        return [r.text for r in zxingcpp.read_barcodes(image)]


def test_transfer_shows_the_labelled_qr_for_the_exact_fee_and_code(qtbot, kiosk, tmp_path):
    page = _page(qtbot, kiosk, replace(kiosk.office, **ACCOUNT))
    assert page.fee == 10000
    assert not page.qr_box.isVisible()  # cash is the default
    page.buttons["transfer"].click()
    assert page.qr_box.isVisible()
    assert page.qr_box.title() == "Mã QR thanh toán (VietQR)"
    details = page.qr_details.text()
    assert "UBND XA NAM DONG" in details and "VietinBank" in details
    assert "113366668888" in details and "10.000 đ" in details
    # no dossier code before submission: no QR, the box says where it will be
    assert page.qr_payload is None and page.qr_label.pixmap().isNull()
    assert "sau khi nộp" in page.qr_label.text()

    with qtbot.waitSignal(page.qr_shown, timeout=5000) as shown:
        page.set_dossier_code(CODE)
    assert shown.args == [page.qr_payload]
    assert CODE in page.qr_details.text()
    (text,) = _decode(page, tmp_path)
    parsed = vietqr.parse(text)
    assert (parsed["amount"], parsed["note"]) == (10000, CODE)
    assert (parsed["bank_bin"], parsed["account"]) == ("970415", "113366668888")

    page.buttons["cash"].click()
    assert not page.qr_box.isVisible() and page.qr_payload is None


@pytest.mark.parametrize(
    ("office_change", "procedure"),
    [({}, FEE_PROCEDURE), (ACCOUNT, "1.001193")],  # no account; a free procedure
)
def test_no_qr_without_an_account_or_a_fee(qtbot, kiosk, office_change, procedure):
    page = _page(qtbot, kiosk, replace(kiosk.office, **office_change), procedure)
    page.set_dossier_code(CODE)
    page.buttons["transfer"].setChecked(True)
    assert not page.qr_box.isVisible() and page.qr_payload is None


def test_the_office_comes_from_the_enclosing_wizard(qtbot, kiosk):
    from PySide6.QtWidgets import QVBoxLayout, QWidget

    host = QWidget()
    host.kiosk = kiosk
    kiosk.office = replace(kiosk.office, **ACCOUNT)
    qtbot.addWidget(host)
    proc = kiosk.catalog.get(FEE_PROCEDURE)
    page = FeePage(proc)
    QVBoxLayout(host).addWidget(page)
    host.show()
    page.refresh(proc.example_submission()["answers"])
    page.buttons["transfer"].setChecked(True)
    assert page.qr_box.isVisible()


def test_settings_dialog_takes_the_fee_account(qtbot, kiosk, runner):
    from kiosk_app.core.desk import Desk
    from kiosk_app.ui.clerk.settings_dialog import SettingsDialog

    dialog = SettingsDialog(kiosk, runner)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.loaded)
    assert dialog.bank_bin.currentData() == ""  # not set up: no bank transfers
    index = dialog.bank_bin.findData("970415")
    assert "VietinBank" in dialog.bank_bin.itemText(index)
    dialog.bank_bin.setCurrentIndex(index)
    dialog.account.setText("1133 6666 8888")
    dialog.account_name.setText("UBND XA NAM DONG")
    dialog.save()
    qtbot.waitUntil(lambda: dialog.buttons.isEnabled())
    assert dialog.saved is None
    assert not dialog.errors["payment_account"].isHidden()
    assert "dấu cách" in dialog.errors["payment_account"].text()
    dialog.account.setText("113366668888")
    dialog.save()
    qtbot.waitUntil(lambda: dialog.saved is not None)
    stored = Desk(kiosk.store, kiosk.intake).office_settings()
    assert {k: stored[k] for k in ACCOUNT} == ACCOUNT


def test_settings_dialog_keeps_a_bin_typed_by_hand(qtbot, kiosk, runner):
    from kiosk_app.ui.clerk.settings_dialog import SettingsDialog

    dialog = SettingsDialog(kiosk, runner)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.loaded)
    dialog.bank_bin.setEditText("970499")
    assert dialog.current()["payment_bank_bin"] == "970499"
    dialog.set_values(dialog.values | ACCOUNT)
    assert dialog.bank_bin.currentData() == "970415"
    assert dialog.current()["payment_account_name"] == "UBND XA NAM DONG"
