"""The English translation: the shipped .qm loads, the clerk's shell shows English Qt texts and
English form labels, and the .ts is complete and covers every tr() string in kiosk_app/ui."""

from __future__ import annotations

import gc
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QCoreApplication, QTranslator
from PySide6.QtWidgets import QApplication

from kiosk_app.resources import resource_path
from kiosk_app.ui.clerk.shell import ClerkShell
from kiosk_app.ui.i18n import install_translator, qm_path

ROOT = Path(__file__).resolve().parents[2]
TS = resource_path("i18n", "motcua_en.ts")
BIRTH = "1.001193"


def _messages(ts: Path) -> list[tuple[str, str, ET.Element]]:
    """(context, source, <translation>) for every message of a .ts file."""
    out = []
    for ctx in ET.parse(ts).getroot().iter("context"):
        name = ctx.findtext("name") or ""
        for msg in ctx.iter("message"):
            out.append((name, msg.findtext("source") or "", msg.find("translation")))
    return out


@pytest.fixture
def english(qtbot: Any) -> Iterator[QApplication]:
    """English installed on the test QApplication; Vietnamese again afterwards."""
    app = QApplication.instance()
    assert install_translator(app, "en")
    yield app
    install_translator(app, "vi")


def test_qm_loads_and_translates(qtbot: Any) -> None:
    path = qm_path("en")
    assert path.is_file()
    t = QTranslator()
    assert t.load(str(path))
    assert t.translate("StartScreen", "Thiết lập") == "Settings"
    assert t.translate("IntakeWizard", "Tiếp →") == "Next →"


def test_install_translator_keeps_it_alive_and_vi_removes_it(qtbot: Any) -> None:
    app = QApplication.instance()
    try:
        assert install_translator(app, "en")
        gc.collect()
        assert QCoreApplication.translate("StartScreen", "Thiết lập") == "Settings"
        assert install_translator(app, "vi")
        assert QCoreApplication.translate("StartScreen", "Thiết lập") == "Thiết lập"
    finally:
        install_translator(app, "vi")
    with pytest.raises(ValueError):
        install_translator(app, "fr")


def test_shell_in_english(
    qtbot: Any, kiosk: Any, runner: Any, english: QApplication, desk_session: Any
) -> None:
    w = ClerkShell(kiosk, runner, lang="en", session=desk_session)
    qtbot.addWidget(w)
    w.show()
    qtbot.waitUntil(lambda: w.start.loaded)
    assert w.start.find_button.text() == "Look up dossiers (Ctrl+F)"
    assert w.start.settings_button.text() == "Settings"
    assert w.start.sync.label.text().startswith("Not enrolled with the province")
    # The wizard: Qt texts from the translation, the form's labels from the form data.
    assert w.open_wizard(BIRTH)
    wiz = w.wizard
    qtbot.waitUntil(lambda: bool(wiz.views), timeout=15000)
    assert wiz.next_button.text() == "Next →"
    assert wiz.cancel_button.text() == "Cancel"
    view = next(iter(wiz.views.values()))
    assert view.title.text() == view.section.title.en != view.section.title.vi
    labelled = [r for r in view.rows.values() if r.field.label.en != r.field.label.vi]
    assert labelled
    for row in labelled:
        assert row.field.label.en in row.label.text()
        assert row.field.label.vi not in row.label.text()


def test_documents_step_in_english(qtbot: Any, kiosk: Any, runner: Any, english: Any) -> None:
    from kiosk_app.ui.clerk.wizard_documents import DocumentsPage

    proc = kiosk.catalog.get("2.000884")
    page = DocumentsPage(proc, runner, kiosk.files, "en", cameras=[])
    qtbot.addWidget(page)
    row = next(r for r in page.rows.values() if r.req.action == "submit")
    assert row.form.itemText(0) in ("original", "certified copy", "photocopy")
    assert row.form.currentData() in ("original", "certified_copy", "photocopy")  # stored key
    missing = page.missing(proc.example_submission()["answers"])
    assert missing and all(m.isascii() for m in missing), missing  # English names, no "chưa nộp"


def test_shell_stays_vietnamese_without_translator(
    qtbot: Any, kiosk: Any, runner: Any, desk_session: Any
) -> None:
    w = ClerkShell(kiosk, runner, session=desk_session)
    qtbot.addWidget(w)
    assert w.start.find_button.text() == "Tra cứu hồ sơ (Ctrl+F)"


def test_ts_has_no_unfinished_or_empty_translations() -> None:
    messages = _messages(TS)
    assert len(messages) > 100
    bad = [
        (ctx, src)
        for ctx, src, tr in messages
        if tr is None or tr.get("type") is not None or not (tr.text or "").strip()
    ]
    assert bad == [], f"untranslated in {TS.name}: {bad}"


def test_ts_keeps_placeholders() -> None:
    marks = re.compile(r"%\d|\{\w*\}")
    wrong = [
        (ctx, src)
        for ctx, src, tr in _messages(TS)
        if sorted(marks.findall(src)) != sorted(marks.findall(tr.text or ""))
    ]
    assert wrong == []


def _lupdate() -> str | None:
    exe = Path(sys.executable).with_name("pyside6-lupdate")
    return str(exe) if exe.is_file() else shutil.which("pyside6-lupdate")


@pytest.mark.skipif(_lupdate() is None, reason="pyside6-lupdate is not installed")
def test_ts_covers_every_tr_string(tmp_path: Path) -> None:
    fresh = tmp_path / "fresh_en.ts"
    sources = sorted(str(p.relative_to(ROOT)) for p in (ROOT / "kiosk_app" / "ui").rglob("*.py"))
    subprocess.run(
        [_lupdate(), *sources, "-source-language", "vi_VN", "-target-language", "en"]
        + ["-locations", "none", "-no-obsolete", "-ts", str(fresh)],
        cwd=ROOT,
        check=True,
        capture_output=True,
        timeout=120,
    )
    want = {(c, s) for c, s, _ in _messages(fresh)}
    have = {(c, s) for c, s, _ in _messages(TS)}
    assert want, "lupdate found no tr() strings"
    assert sorted(want - have) == [], "new tr() strings: re-run lupdate (resources/i18n/README.md)"
    assert sorted(have - want) == [], "stale messages: re-run lupdate with -no-obsolete"
