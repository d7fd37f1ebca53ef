"""Open everything a data folder needs: store, catalogue, calendar, office, attachments.

Shared by the app, the ``motcua`` command line and tests, so each opens the same things the
same way. The office is the configured one, or the demo office when none was set up.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kiosk_app.config import (
    ATTACHMENTS_DIR,
    CACHE_DIR,
    DB_FILE,
    Office,
    default_data_dir,
    demo_office,
)
from kiosk_app.core.catalog_cache import load_catalog_cached
from kiosk_app.store import settings as settings_rows
from kiosk_app.store.attachments import AttachmentStore
from kiosk_app.store.db import Store, open_store

if TYPE_CHECKING:
    from kiosk_app.core.calendar import WorkCalendar
    from kiosk_app.core.catalog import Catalog
    from kiosk_app.core.dossier import Lifecycle
    from kiosk_app.core.intake import Intake


class Kiosk:
    """An opened data folder: its store, catalogue, office, attachments — and the parts built
    on first access: ``states`` (the lifecycle), ``calendar`` and ``intake``.

    Start-up (bench/startup.py) pays only for what painting the clerk's start screen needs:
    the calendar's module and override files are read when an appointment is first computed,
    not at open. A lazy part is built once, under the kiosk's re-entrant lock, by whichever
    thread reads it first — the GUI thread or the TaskRunner's worker — so two threads never
    build two of them; afterwards reading it takes no lock. A part may also be given to the
    constructor or assigned (tests, tools), which replaces the lazy one. :func:`open_kiosk`
    gives the lifecycle (a cached parse, well under a millisecond) so a bad lifecycle file
    still refuses to open.
    """

    def __init__(
        self,
        data_dir: Path,
        store: Store,
        catalog: Catalog,
        calendar: WorkCalendar | None,
        office: Office,
        files: AttachmentStore,
        intake: Intake | None = None,
        states: Lifecycle | None = None,
    ) -> None:
        self.data_dir = data_dir
        self.store = store
        self.catalog = catalog
        self.office = office
        self.files = files
        self._calendar = calendar
        self._intake = intake
        self._states = states
        self._lock = threading.RLock()

    @property
    def cache_dir(self) -> Path:
        """Derived data that can always be rebuilt (validated catalogue, parsed YAML)."""
        return self.data_dir / CACHE_DIR

    @property
    def states(self) -> Lifecycle:
        """The dossier lifecycle (``resources/lifecycle/statuses.yaml``), loaded on first use."""
        if self._states is None:
            with self._lock:
                if self._states is None:
                    from kiosk_app.core.dossier import load_lifecycle

                    self._states = load_lifecycle(cache_dir=self.cache_dir)
        return self._states

    @states.setter
    def states(self, value: Lifecycle) -> None:
        self._states = value

    @property
    def calendar(self) -> WorkCalendar:
        """The office's working-day calendar, built on first use (an appointment)."""
        if self._calendar is None:
            with self._lock:
                if self._calendar is None:
                    self._calendar = calendar_for(self.office, self.data_dir)
        return self._calendar

    @calendar.setter
    def calendar(self, value: WorkCalendar) -> None:
        self._calendar = value

    @property
    def intake(self) -> Intake:
        """The intake use-cases, built on first use; its calendar is this kiosk's, read from
        here the first time the intake needs it."""
        if self._intake is None:
            with self._lock:
                if self._intake is None:
                    from kiosk_app.core.intake import Intake

                    calendar: Any = self._calendar or (lambda: self.calendar)
                    self._intake = Intake(
                        self.store, self.catalog, calendar, self.office, self.files,
                        states=self.states,
                    )  # fmt: skip
        return self._intake

    @intake.setter
    def intake(self, value: Intake) -> None:
        self._intake = value

    def reload_office(self) -> Office:
        """Read the office settings again (after the first-run set-up, or saved settings):
        the office, its calendar (office hours, cut-off) and the intake's office change
        together, under the kiosk's lock. Reads the store: call it off the GUI thread."""
        office = office_for(self.store, self.cache_dir)
        with self._lock:
            self.office = office
            self._calendar = None
            if self._intake is not None:
                self._intake.office = office
                self._intake.calendar = lambda: self.calendar
        return office

    def close(self) -> None:
        self.store.close()


def office_for(store: Store, cache_dir: Path | None = None) -> Office:
    with store.read() as db:
        values = settings_rows.get_all(db)
    if not values.get("agency_id"):
        values = demo_office(cache_dir) | {k: v for k, v in values.items() if v is not None}
    return Office.from_settings(values)


def calendar_for(office: Office, data_dir: Path) -> WorkCalendar:
    from kiosk_app.core.calendar import OfficeHours, WorkCalendar

    hours = OfficeHours(
        morning=office.morning,
        afternoon=office.afternoon,
        saturday_morning=office.saturday_morning,
        cutoff=office.cutoff,
    )
    pushed = data_dir / "calendar"
    return WorkCalendar.from_resources(
        extra_dirs=[pushed] if pushed.is_dir() else [],
        office_hours=hours,
        cache_dir=data_dir / CACHE_DIR,
    )


def open_kiosk(data_dir: Path | None = None) -> Kiosk:
    """Open (creating on first use) the kiosk whose data lives in ``data_dir``.

    Raises what opening the store raises (``StoreError``),
    :class:`~kiosk_app.core.catalog.CatalogError` for an invalid catalogue,
    ``LifecycleError`` for a bad lifecycle file and ``CodeError`` for a bad agency id or
    device slot — here, before any window is built, as when everything was built eagerly.
    The calendar and the intake use-cases are built on first use (see :class:`Kiosk`): a bad
    calendar override file now surfaces at the first appointment instead of at open.
    """
    from kiosk_app.core.dossier import load_lifecycle

    data_dir = Path(data_dir) if data_dir else default_data_dir()
    store = open_store(data_dir / DB_FILE)
    try:
        office = office_for(store, data_dir / CACHE_DIR)
        catalog = _catalog_for(store, data_dir)
        states = load_lifecycle(cache_dir=data_dir / CACHE_DIR)
        files = AttachmentStore(data_dir / ATTACHMENTS_DIR, store.key)
        kiosk = Kiosk(data_dir, store, catalog, None, office, files, states=states)
        _check_office(office)
    except BaseException:
        store.close()
        raise
    return kiosk


def province_catalog_root(store: Store, data_dir: Path) -> Path | None:
    """The folder of the newest catalogue bundle the province sent (``<data>/catalog/<ver>``,
    installed and validated by the sync client), or None to use the shipped one.

    The path is rebuilt from the recorded version, not read back: a restored or moved data
    folder still finds its bundle. A bundle without its completion marker is ignored.
    """
    with store.read() as db:
        row = db.execute("SELECT value FROM sync_meta WHERE key = 'catalog.available'").fetchone()
    if row is None:
        return None
    import json

    try:
        version = str(json.loads(row[0]).get("version") or "")
    except (ValueError, AttributeError):
        return None
    root = data_dir / "catalog" / version
    if not version or "/" in version or not (root / ".sha256").is_file():
        return None
    return root


def _catalog_for(store: Store, data_dir: Path) -> Catalog:
    """The province's newest catalogue when one arrived, else the shipped one.

    A province bundle that no longer loads (a damaged file) must not stop the desk: the shipped
    catalogue is used and the problem is printed once; every dossier records the catalogue
    version it was taken with, so nothing is ambiguous later.
    """
    from kiosk_app.core.catalog import CatalogError

    root = province_catalog_root(store, data_dir)
    if root is not None:
        try:
            return load_catalog_cached(data_dir / CACHE_DIR, root)
        except (CatalogError, OSError) as exc:
            import sys

            print(
                f"motcua: province catalogue {root.name} unusable, using the shipped one: "
                f"{str(exc).splitlines()[0]}",
                file=sys.stderr,
            )
    return load_catalog_cached(data_dir / CACHE_DIR)


def _check_office(office: Office) -> None:
    # What Intake's constructor checked when open_kiosk built it eagerly: a bad agency id or
    # slot still refuses to open, not later on the worker thread.
    from kiosk_app.core.codes import check_agency_id, check_slot

    check_agency_id(office.agency_id)
    check_slot(office.device_slot)


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
