"""Start-up laziness (bench/startup.py): a warm start paints the clerk's start screen without
the form engine, the calendar or YAML; the parts left for later still work, from any thread.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from pathlib import Path

import pytest

from kiosk_app.bootstrap import DEMO_TEST_OFFICE, Kiosk, configure_office, open_kiosk
from kiosk_app.core.catalog import CatalogError
from kiosk_app.core.intake import VN_TZ

ROOT = Path(__file__).resolve().parents[2]

# Modules a warm start must not import to paint the start screen: the form engine and its
# expression language, the catalogue's loader, checker and expression-holding parts, the
# calendar and its holiday package, YAML, the receipts' PDF library, uuid6
# (importlib.metadata), the admin-unit tables.
NOT_AT_START = (
    "kiosk_app.core.forms",
    "kiosk_app.core.expr",
    "kiosk_app.core.catalog_check",
    "kiosk_app.core.catalog_load",
    "kiosk_app.core.catalog_parts",
    "kiosk_app.core.calendar",
    "kiosk_app.core.admin_units",
    "holidays",
    "reportlab",
    "yaml",
    "uuid6",
    "importlib.metadata",
)

START_SCREEN = """
import json, sys
from pathlib import Path
from PySide6.QtWidgets import QApplication
from kiosk_app.bootstrap import open_kiosk
from kiosk_app.ui.clerk.start_screen import StartScreen
from kiosk_app.ui.tasks import TaskRunner

app = QApplication(sys.argv[:1])
kiosk = open_kiosk(Path(sys.argv[1]))
runner = TaskRunner()
screen = StartScreen(kiosk, runner)
screen.reload()  # the lists load on the worker thread, as the shell does it
assert runner.wait_idle(10000)
screen.show()
app.processEvents()
print(json.dumps({
    "loaded": sorted(m for m in sys.argv[2].split(",") if m in sys.modules),
    "procedures": screen.visible_procedures(),
    "fields": screen.tree.topLevelItemCount(),
    "lists_loaded": screen.loaded,
    "drafts": [screen.drafts.item(i).text() for i in range(screen.drafts.count())],
    "today_title": screen.today_title.text(),
}))
runner.shutdown()
kiosk.close()
"""


def _env() -> dict[str, str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "QT_QPA_PLATFORM": "offscreen"}
    env.pop("MOTCUA_RESOURCES", None)
    return env


def test_a_warm_start_screen_needs_no_form_engine_calendar_or_yaml(tmp_path: Path) -> None:
    configure_office(tmp_path, DEMO_TEST_OFFICE)
    warm = "import sys; from pathlib import Path; from kiosk_app.bootstrap import open_kiosk\n"
    warm += "k = open_kiosk(Path(sys.argv[1])); d = k.intake.start_draft('1.001193'); k.close()"
    subprocess.run([sys.executable, "-c", warm, str(tmp_path)], env=_env(), check=True, timeout=120)
    out = subprocess.run(
        [sys.executable, "-c", START_SCREEN, str(tmp_path), ",".join(NOT_AT_START)],
        env=_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 0, out.stderr[-2000:]
    shown = json.loads(out.stdout.strip().splitlines()[-1])
    assert shown["loaded"] == []
    # ...and it shows what it showed before: every procedure grouped by field, and the lists.
    kiosk = open_kiosk(tmp_path)
    try:
        assert sorted(shown["procedures"]) == sorted(kiosk.catalog.procedures)
        assert shown["fields"] == len({p.field_id for p in kiosk.catalog.procedures.values()})
    finally:
        kiosk.close()
    assert shown["lists_loaded"] is True
    assert len(shown["drafts"]) == 1 and "sửa lần cuối" in shown["drafts"][0]
    assert shown["today_title"].endswith("(0)")


def _fresh(tmp_path: Path) -> Kiosk:
    configure_office(tmp_path, DEMO_TEST_OFFICE)
    return open_kiosk(tmp_path)


def test_lazy_parts_are_built_once_whichever_threads_ask(tmp_path: Path) -> None:
    kiosk = _fresh(tmp_path)
    try:
        assert (kiosk._intake, kiosk._calendar) == (None, None)
        kiosk._states = None  # open_kiosk loads it; here it is built lazily like the others
        barrier = threading.Barrier(8)

        def parts(_: int) -> tuple[int, int, int, int]:
            barrier.wait()
            return (
                id(kiosk.intake),
                id(kiosk.calendar),
                id(kiosk.states),
                id(kiosk.intake.calendar),
            )

        with ThreadPoolExecutor(8) as pool:
            seen = set(pool.map(parts, range(8)))
        assert len(seen) == 1
        intake_id, calendar_id, states_id, intake_calendar_id = seen.pop()
        assert calendar_id == intake_calendar_id and states_id == id(kiosk.intake.states)
    finally:
        kiosk.close()


def test_a_submission_from_the_worker_builds_the_calendar_there(tmp_path: Path) -> None:
    kiosk = _fresh(tmp_path)
    try:
        kiosk.intake.clock = lambda: datetime(2025, 1, 24, 16, 10, tzinfo=VN_TZ)
        assert kiosk._calendar is None
        example = kiosk.catalog.get("2.000884").example_submission()
        with ThreadPoolExecutor(1, thread_name_prefix="kiosk-ops") as worker:
            done = worker.submit(
                kiosk.intake.submit, "2.000884", example["answers"], example["documents"]
            ).result()
        # Same-day procedure after 15:00 on the Friday before Tết: due after the break.
        assert done.appointment_at.date().isoformat() == "2025-02-03"
        assert kiosk._calendar is not None and kiosk.intake.calendar is kiosk.calendar
    finally:
        kiosk.close()


def test_the_lazy_calendar_reads_the_pushed_folder_and_office_hours(tmp_path: Path) -> None:
    pushed = tmp_path / "calendar"
    pushed.mkdir()
    shutil.copy(ROOT / "resources" / "calendar" / "2025.yaml", pushed / "2025.yaml")
    text = (pushed / "2025.yaml").read_text(encoding="utf-8")
    extra = '  - {date: 2025-03-14, kind: "off", name: {vi: "Nghỉ thử", en: "Test day off"}}\n'
    (pushed / "2025.yaml").write_text(text.rstrip("\n") + "\n" + extra, encoding="utf-8")
    configure_office(tmp_path, DEMO_TEST_OFFICE | {"same_day_cutoff": "14:00"})
    for _ in range(2):  # a cold then a warm (cached YAML) start read the same calendar
        kiosk = open_kiosk(tmp_path)
        try:
            cal = kiosk.calendar
            assert not cal.is_working_day(datetime(2025, 3, 14).date())
            assert cal.holiday_name(datetime(2025, 3, 14).date()).vi == "Nghỉ thử"
            assert cal.hours.cutoff.isoformat() == "14:00:00"
        finally:
            kiosk.close()


@pytest.fixture
def resources_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    from kiosk_app.resources import resource_root

    copy = tmp_path / "res"
    shutil.copytree(resource_root(), copy, ignore=shutil.ignore_patterns("fonts"))
    monkeypatch.setenv("MOTCUA_RESOURCES", str(copy))
    resource_root.cache_clear()
    yield copy
    monkeypatch.delenv("MOTCUA_RESOURCES")
    resource_root.cache_clear()


def test_an_invalid_catalogue_still_refuses_to_open(resources_copy: Path, tmp_path) -> None:
    data = tmp_path / "data"
    open_kiosk(data).close()  # the valid catalogue is now cached
    form = next((resources_copy / "forms").glob("*.yaml"))
    form.write_text("fields: [", encoding="utf-8")
    with pytest.raises(CatalogError) as err:
        open_kiosk(data)
    assert form.name in str(err.value)


def test_a_bad_lifecycle_file_still_refuses_to_open(resources_copy: Path, tmp_path) -> None:
    from kiosk_app.core.dossier import LifecycleError

    data = tmp_path / "data"
    open_kiosk(data).close()  # the valid lifecycle's parse is now cached
    statuses = resources_copy / "lifecycle" / "statuses.yaml"
    statuses.write_text("statuses: [", encoding="utf-8")
    with pytest.raises(LifecycleError, match="statuses.yaml: cannot read"):
        open_kiosk(data)
    statuses.write_text("statuses: []\n", encoding="utf-8")
    with pytest.raises(LifecycleError, match="needs 'statuses' and 'transitions'"):
        open_kiosk(data)
