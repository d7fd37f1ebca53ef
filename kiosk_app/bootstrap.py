"""Open everything a data folder needs: store, catalogue, calendar, office, attachments.

Shared by the app, the ``motcua`` command line and tests, so each opens the same things the
same way. The office is the configured one, or the demo office when none was set up.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from kiosk_app.config import (
    ATTACHMENTS_DIR,
    CACHE_DIR,
    DB_FILE,
    Office,
    default_data_dir,
    demo_office,
)
from kiosk_app.core.calendar import OfficeHours, WorkCalendar
from kiosk_app.core.catalog import Catalog
from kiosk_app.core.catalog_cache import load_catalog_cached
from kiosk_app.core.intake import Intake
from kiosk_app.store import settings as settings_rows
from kiosk_app.store.attachments import AttachmentStore
from kiosk_app.store.db import Store, open_store


@dataclass
class Kiosk:
    data_dir: Path
    store: Store
    catalog: Catalog
    calendar: WorkCalendar
    office: Office
    files: AttachmentStore
    intake: Intake

    def close(self) -> None:
        self.store.close()


def office_for(store: Store) -> Office:
    with store.read() as db:
        values = settings_rows.get_all(db)
    if not values.get("agency_id"):
        values = demo_office() | {k: v for k, v in values.items() if v is not None}
    return Office.from_settings(values)


def calendar_for(office: Office, data_dir: Path) -> WorkCalendar:
    hours = OfficeHours(
        morning=office.morning,
        afternoon=office.afternoon,
        saturday_morning=office.saturday_morning,
        cutoff=office.cutoff,
    )
    pushed = data_dir / "calendar"
    return WorkCalendar.from_resources(
        extra_dirs=[pushed] if pushed.is_dir() else [], office_hours=hours
    )


def open_kiosk(data_dir: Path | None = None) -> Kiosk:
    """Open (creating on first use) the kiosk whose data lives in ``data_dir``."""
    data_dir = Path(data_dir) if data_dir else default_data_dir()
    store = open_store(data_dir / DB_FILE)
    try:
        office = office_for(store)
        catalog = load_catalog_cached(data_dir / CACHE_DIR)
        calendar = calendar_for(office, data_dir)
        files = AttachmentStore(data_dir / ATTACHMENTS_DIR)
        intake = Intake(store, catalog, calendar, office, files)
    except BaseException:
        store.close()
        raise
    return Kiosk(data_dir, store, catalog, calendar, office, files, intake)


def configure_office(data_dir: Path, values: dict) -> None:
    """Record office settings in ``data_dir``'s store (creating it), without the checks of
    ``motcua init`` — for tests, screenshots and scripted set-ups that know their values."""
    store = open_store(Path(data_dir) / DB_FILE)
    try:
        with store.write() as db:
            settings_rows.put(db, values)
    finally:
        store.close()


DEMO_TEST_OFFICE = {
    "agency_id": "000.00.06.H56",
    "commune_code": "20179",
    "device_slot": 1,
    "agency_name": "UBND xã Nam Đông",
}
"""A configured (non-demo) office on the demo commune, used by tests and screenshot tools."""
