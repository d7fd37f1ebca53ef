"""The wizard when the disk fills at submission: the message says so in Vietnamese, nothing of
the dossier is stored, every answer stays on the screen, and the same Nộp works once space is
freed (tests/integration/test_disk_full.py covers the store and the scans' folder)."""

from __future__ import annotations

import pytest

from kiosk_app.store.db import DiskFullError
from tests.integration.test_disk_full import BIRTH, _counts, _fill_up, _free


def test_the_wizard_keeps_what_was_typed_when_the_disk_is_full(qtbot, kiosk, runner) -> None:
    from tests.ui.test_wizard import (
        _click,
        _example,
        _fill_all_sections,
        _open,
        _tick_required_documents,
    )

    typed = _example(kiosk, BIRTH, child_full_name="Nguyễn Ngọc Ánh")
    typed.pop("child_dob_words", None)
    wiz = _open(qtbot, kiosk, runner, procedure_code=BIRTH)
    _fill_all_sections(qtbot, wiz, typed)
    _tick_required_documents(qtbot, wiz)
    _click(qtbot, wiz.next_button)
    _click(qtbot, wiz.next_button)
    runner.wait_idle(10_000)
    before = _counts(kiosk)
    _fill_up(kiosk)
    # fill the last free pages so the submission itself cannot fit
    with pytest.raises(DiskFullError):
        for _ in range(50):
            kiosk.intake.start_draft(BIRTH)
    _click(qtbot, wiz.submit_button)
    qtbot.waitUntil(lambda: "Ổ đĩa của máy đã đầy" in wiz.review_page.error.text(), timeout=15_000)
    assert wiz.code is None and wiz.submit_button.isEnabled()
    assert wiz.answers["child_full_name"] == "Nguyễn Ngọc Ánh"
    assert _counts(kiosk)[0] == before[0]
    assert kiosk.store.integrity_check() == "ok"
    _free(kiosk)
    _click(qtbot, wiz.submit_button)
    qtbot.waitUntil(lambda: wiz.code is not None, timeout=15_000)
    stored = kiosk.intake.lookup(wiz.code).dossier
    assert stored["answers"]["child_full_name"] == "Nguyễn Ngọc Ánh"
