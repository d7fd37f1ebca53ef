"""Pull the province's feeds (status, catalog, calendar, settings, keys) with cursors.

Each answered page is applied **together with its cursor** in one store transaction, so a
crash leaves the cursor exactly at what was applied. File work (a catalogue bundle, a
calendar file) happens *before* that transaction, atomically (temporary name, fsync, rename)
and idempotently (same content, same place), so the store's write lock is never held across
disk-heavy work or a network call. A ``reset`` answer forgets the cursor and reads the feed
again from the start; every applier is idempotent (by ``key``), so a replay changes nothing.

What each feed does on the kiosk:

- ``status``: the province's moves of this commune's dossiers: the dossier's status (and
  appointment, when it changed) is set and a timeline event with origin ``province`` is added,
  with an audit entry; the province owns processing status, so its move applies even when the
  kiosk's own status differs (that is noted in the event). Entries for dossiers of other
  kiosks of the commune are skipped.
- ``catalog``: the bundle is written to ``<data>/catalog/<version>/`` (procedures/ + forms/),
  checked against its sha256 and validated with ``kiosk_app.core.catalog``; the version is
  recorded (``sync_meta`` key ``catalog.available``); the next start of the program opens it
  (``kiosk_app.bootstrap.province_catalog_root``), the running one is not switched.
- ``calendar``: ``<data>/calendar/<year>.yaml``, validated, replaced atomically.
- ``settings``: every value is kept per scope; for the names the office lets the province set
  (:data:`PROVINCE_SETTINGS`, or the office's ``sync_province_settings`` list) the most specific
  scope's value is written to ``settings``. Identity settings never come from the province.
- ``keys``: imported with ``kiosk_app.core.device_key.import_public_keys(source="server")``.
- ``payments``: a fee confirmed paid (transfer/online) by the province's payment system:
  :func:`kiosk_app.core.payments_feed.apply_confirmation` marks the dossier's payment and adds a
  timeline event, idempotently (by the transaction reference).

Catalogue, calendar and settings entries are applied only when signed by the province key
pinned at enrolment (or installed by hand: ``motcua province-key install``), see
:mod:`sync.signature`, and only when not older (``published_at``) than the entry of the same
key already accepted, so a replayed old bundle cannot roll a kiosk back. A refused entry
changes nothing (the previous catalogue stays in use); the reason goes to the sync report's
warnings and, for the catalogue, to ``sync_meta`` ``catalog.problem``.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import tempfile
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kiosk_app.store import audit, sync_state
from kiosk_app.store import dossiers as dossier_rows
from kiosk_app.store import settings as settings_rows
from sync import protocol as P
from sync.client_errors import TransientError

if TYPE_CHECKING:
    from sync.client import SyncContext

FEED_LIMIT = 100
MAX_RESETS = 2  # per feed and pass: a server that keeps answering reset is reported
CATALOG_DIR = "catalog"
CALENDAR_DIR = "calendar"
PROVINCE_SETTINGS = (
    "hotline",
    "office_morning",
    "office_afternoon",
    "saturday_morning",
    "same_day_cutoff",
    "receipt_lookup_url",
)
"""What the province may set unless the office's ``sync_province_settings`` says otherwise."""
ALLOW_SETTING = "sync_province_settings"
NEVER_FROM_PROVINCE = {"agency_id", "commune_code", "device_slot", "demo", ALLOW_SETTING}
_VERSION_RE = re.compile(r"^[0-9A-Za-z][0-9A-Za-z._-]{0,63}$")
_YEAR_RE = re.compile(r"^\d{4}$")

Apply = Callable[[Any], None]
PROVINCE_KEY_META = "province.key"
ACCEPTED_META = "province.accepted"  # {"<feed>/<key>": published_at of the entry applied}


def pinned_province_key(db: Any) -> dict[str, Any] | None:
    return sync_state.get_meta(db, PROVINCE_KEY_META)


def pin_province_key(db: Any, doc: Any) -> str:
    """Pin a province key document (checked); returns its kid. SignatureProblem if malformed."""
    from sync.signature import key_document, parse_key

    kid, raw = parse_key(doc)
    sync_state.put_meta(db, {PROVINCE_KEY_META: key_document(raw)})
    return kid


def _signed(ctx: SyncContext, feed: str, key: str, d: Any) -> tuple[str | None, Apply]:
    """(problem, apply) for a signed entry: ``problem`` says why it is refused (None: it is
    the pinned key's, or an endorsed successor's, and not older than what was accepted);
    ``apply`` records it as accepted (and pins an endorsed new key) in the store transaction."""
    from sync.signature import SignatureProblem, verify_bundle

    with ctx.kiosk.store.read() as db:
        pinned = pinned_province_key(db)
        accepted = sync_state.get_meta(db, ACCEPTED_META, {}) or {}
    new_key = None
    problem = None
    try:
        new_key = verify_bundle(feed, d, pinned)
    except SignatureProblem as exc:
        problem = str(exc)
    at = d.get("published_at") if isinstance(d, dict) else None
    slot = f"{feed}/{key}"
    if problem is None and not isinstance(at, str):
        problem = "gói dữ liệu thiếu thời điểm công bố"
    elif problem is None and str(accepted.get(slot) or "") > at:
        problem = f"gói cũ hơn gói đã nhận ({at} < {accepted[slot]}): có thể là gói phát lại"

    def record(db: Any) -> None:
        if new_key is not None:
            sync_state.put_meta(db, {PROVINCE_KEY_META: new_key})
        have = sync_state.get_meta(db, ACCEPTED_META, {}) or {}
        have[slot] = at
        sync_state.put_meta(db, {ACCEPTED_META: have})

    return problem, record


def _page(resp: Any, feed: str) -> dict[str, Any]:
    """A feed page of the expected shape, else TransientError ``bad_answer``."""
    try:
        page = resp.json()
    except ValueError as exc:
        raise TransientError(f"luồng '{feed}': trả lời không phải JSON", code="bad_answer") from exc
    ok = (
        isinstance(page, dict)
        and isinstance(page.get("items", []), list | None)
        and all(isinstance(i, dict) for i in page.get("items") or [])
        and isinstance(page.get("next"), str | None)
        and isinstance(page.get("more", False), bool | None)
    )
    if not ok:
        raise TransientError(f"luồng '{feed}': trả lời sai dạng", code="bad_answer")
    return page


def pull_feeds(ctx: SyncContext, feeds: tuple[str, ...] = P.FEEDS) -> None:
    for feed in feeds:
        pull_feed(ctx, feed)


def pull_feed(ctx: SyncContext, feed: str) -> None:
    store, report = ctx.kiosk.store, ctx.report
    resets = 0
    while True:
        with store.read() as db:
            after = sync_state.cursor(db, feed)
        params: dict[str, Any] = {"limit": ctx.config.feed_limit}
        if after:
            params["after"] = after
        page = _page(ctx.transport.request("GET", f"/v1/feeds/{feed}", params=params), feed)
        if page.get("reset"):
            resets += 1
            if resets > MAX_RESETS:
                raise TransientError(f"luồng '{feed}' liên tục yêu cầu đọc lại", code="reset_loop")
            with store.write() as db:
                sync_state.reset_cursor(db, feed, ctx.now())
            report.resets.append(feed)
            continue
        items = page.get("items") or []
        nxt = page.get("next") or after
        if page.get("more") and items and nxt == after:
            # the same page again and again: stop rather than loop for ever
            raise TransientError(
                f"luồng '{feed}' không tiến (con trỏ không đổi)", code="bad_answer"
            )
        try:
            prepared = [PREPARE[feed](ctx, item) for item in items]
            with store.write() as db:
                for apply in prepared:
                    if apply is not None:
                        apply(db)
                sync_state.set_cursor(db, feed, nxt, len(items), ctx.now())
        except (KeyError, TypeError, ValueError, AttributeError, OverflowError) as exc:
            # an item the program cannot read: nothing of the page is applied and the cursor
            # stays, so nothing is skipped for good; the province must correct the item
            raise TransientError(
                f"luồng '{feed}': mục không đọc được ({type(exc).__name__})", code="bad_answer"
            ) from exc
        report.feeds[feed] = report.feeds.get(feed, 0) + len(items)
        if not page.get("more") or not items:
            return


# ------------------------------------------------------------------ status
def _vn(value: str | None) -> str | None:
    from kiosk_app.core.intake import VN_TZ

    if not value:
        return None
    try:
        return datetime.fromisoformat(value).astimezone(VN_TZ).isoformat()
    except ValueError:
        return value


def _status(ctx: SyncContext, item: dict[str, Any]) -> Apply:
    d = item.get("data") or {}

    def apply(db: Any) -> None:
        dossier = None
        if d.get("dossier_id"):
            dossier = dossier_rows.get(db, dossier_id=d["dossier_id"])
        if dossier is None and d.get("code"):
            dossier = dossier_rows.get(db, code=d["code"])
        if dossier is None:  # another kiosk's dossier of this commune
            ctx.report.status_skipped += 1
            return
        event_id = str(d.get("event_id") or item.get("key"))
        if sync_state.status_applied(db, dossier["id"], event_id):
            return
        at = _vn(d.get("at") or item.get("at")) or ctx.now()
        to, frm = int(d["to"]), d.get("from")
        data: dict[str, Any] = {"province_event_id": event_id}
        for k in ("note", "status_label"):
            if d.get(k):
                data[k] = d[k]
        if frm is not None and dossier["status"] != frm:
            data["local_status"] = dossier["status"]
        dossier_rows.set_status(db, dossier["id"], to, at)
        appt = _vn(d.get("appointment_at"))
        if appt and appt != _vn(dossier["appointment_at"]):
            dossier_rows.set_appointment(db, dossier["id"], appt)
            data["appointment_at"] = appt
        kind = str(d.get("event") or "province_update")
        dossier_rows.add_event(
            db, dossier["id"], kind=kind, at=at, actor="province", origin="province",
            from_status=frm, to_status=to, data=data,
        )  # fmt: skip
        audit.append(
            db, at=at, actor="province", action=f"dossier.{kind}", entity=dossier["code"],
            data={"to": to, "origin": "province"},
        )  # fmt: skip
        ctx.report.statuses_applied += 1

    return apply


# ------------------------------------------------------------------ payments
def _payment(ctx: SyncContext, item: dict[str, Any]) -> Apply:
    """A fee confirmed paid by the province's payment system (kiosk_app.core.payments_feed):
    applied in the feed page's transaction; a dossier of another kiosk is skipped, a malformed
    entry is reported as a warning and skipped (the cursor moves on: it will not get better)."""
    d = item.get("data") if isinstance(item, dict) else None
    d = d if isinstance(d, dict) else {}

    def apply(db: Any) -> None:
        from kiosk_app.core.payments_feed import ConfirmationError, apply_confirmation

        dossier = None
        if isinstance(d.get("dossier_id"), str):
            dossier = dossier_rows.get(db, dossier_id=d["dossier_id"])
        if dossier is None and isinstance(d.get("code"), str):
            dossier = dossier_rows.get(db, code=d["code"])
        if dossier is None:
            ctx.report.status_skipped += 1
            return
        try:
            apply_confirmation(db, dossier, d)
        except ConfirmationError as exc:
            ctx.report.warnings.append(f"xác nhận thanh toán hồ sơ {dossier['code']}: {exc}")

    return apply


# ------------------------------------------------------------------ files
def _canonical(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def _fsync_dir(path: Path) -> None:
    if os.name != "posix":
        return
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _write_file(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    _fsync_dir(path.parent)


def _safe_relative(rel: str) -> bool:
    parts = Path(rel).parts
    return (
        bool(parts)
        and not Path(rel).is_absolute()
        and parts[0] in ("procedures", "forms")
        and all(p not in ("..", ".", "") for p in parts)
        and rel.endswith(".yaml")
        and "\\" not in rel
    )


def _catalog(ctx: SyncContext, item: dict[str, Any]) -> Apply | None:
    d = item.get("data") or {}
    version, files = str(d.get("version", "")), d.get("files") or {}
    if not isinstance(files, dict):
        files = {}
    digest = hashlib.sha256(_canonical(files)).hexdigest()
    problem, record = _signed(ctx, "catalog", str(item.get("key") or "catalog"), d)
    if problem:
        problem = f"không nhận gói danh mục: {problem}"
    elif not _VERSION_RE.fullmatch(version):
        problem = f"tên phiên bản không dùng được làm thư mục: {version!r}"
    elif digest != d.get("sha256"):
        problem = "gói danh mục không khớp mã băm sha256"
    elif not all(_safe_relative(k) and isinstance(v, str) for k, v in files.items()):
        problem = "gói danh mục có đường dẫn tệp không hợp lệ"
    root = ctx.kiosk.data_dir / CATALOG_DIR
    target = root / version
    marker = target / ".sha256"
    if problem is None and not (marker.is_file() and marker.read_text().strip() == digest):
        problem = _install_catalog(root, target, files, digest)
    info = {
        "version": version,
        "sha256": d.get("sha256"),
        "published_at": d.get("published_at"),
        "path": str(target),
        "received_at": ctx.now(),
    }

    def apply(db: Any) -> None:
        if problem:
            sync_state.put_meta(db, {"catalog.problem": {**info, "problem": problem}})
            ctx.report.warnings.append(f"danh mục {version}: {problem}")
            return
        record(db)
        sync_state.put_meta(db, {"catalog.available": info, "catalog.problem": None})
        ctx.report.reload.add("catalog")

    return apply


def _install_catalog(root: Path, target: Path, files: dict[str, str], digest: str) -> str | None:
    from kiosk_app.core.catalog import validate_catalog

    root.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".incoming-{target.name}-", dir=root))
    try:
        for rel, text in files.items():
            _write_file(tmp / rel, text.encode("utf-8"))
        problems = validate_catalog(tmp)
        if problems:
            return "danh mục không hợp lệ trên máy này: " + "; ".join(map(str, problems[:3]))
        _write_file(tmp / ".sha256", digest.encode())
        if target.exists():  # an incomplete or damaged earlier copy: set it aside, then drop it
            old = root / f".old-{target.name}-{os.getpid()}"
            os.replace(target, old)
            shutil.rmtree(old, ignore_errors=True)
        os.replace(tmp, target)
        _fsync_dir(root)
        return None
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)


def _calendar(ctx: SyncContext, item: dict[str, Any]) -> Apply | None:
    from kiosk_app.core.calendar import CalendarDataError, load_override_file

    d = item.get("data") or {}
    year, content = str(d.get("year", "")), d.get("content")
    problem, record = _signed(ctx, "calendar", year, d)
    if problem:
        problem = f"không nhận lịch {year!r}: {problem}"
    elif not _YEAR_RE.fullmatch(year) or not isinstance(content, str):
        problem = f"tệp lịch không hợp lệ (năm {year!r})"
    elif hashlib.sha256(content.encode("utf-8")).hexdigest() != d.get("sha256"):
        problem = f"lịch {year}: không khớp mã băm sha256"
    folder = ctx.kiosk.data_dir / CALENDAR_DIR
    target = folder / f"{year}.yaml"
    if problem is None and not (target.is_file() and target.read_text("utf-8") == content):
        check = folder.parent / "sync" / f".calendar-check-{year}" / f"{year}.yaml"
        try:
            _write_file(check, content.encode("utf-8"))
            load_override_file(check)
            _write_file(target, content.encode("utf-8"))
        except CalendarDataError as exc:
            problem = f"lịch {year} không hợp lệ trên máy này: {exc}"
        finally:
            shutil.rmtree(check.parent, ignore_errors=True)

    def apply(db: Any) -> None:
        if problem:
            ctx.report.warnings.append(problem)
            return
        record(db)
        cal = sync_state.get_meta(db, "calendar.files", {})
        cal[year] = {"version": d.get("version"), "sha256": d.get("sha256"), "at": ctx.now()}
        sync_state.put_meta(db, {"calendar.files": cal})
        ctx.report.reload.add("calendar")

    return apply


# ------------------------------------------------------------------ settings, keys
def allowed_settings(db: Any) -> set[str]:
    configured = settings_rows.get_all(db).get(ALLOW_SETTING)
    names = configured if isinstance(configured, list) else PROVINCE_SETTINGS
    return {str(n) for n in names} - NEVER_FROM_PROVINCE


def _settings(ctx: SyncContext, item: dict[str, Any]) -> Apply:
    d = item.get("data") or {}
    name, scope = str(d.get("name", "")), str(d.get("scope") or "*")
    problem, record = _signed(ctx, "settings", f"{scope}/{name}", d)

    def apply(db: Any) -> None:
        from kiosk_app.config import Office

        if not name:
            return
        if problem:
            ctx.report.warnings.append(f"thiết lập '{name}' từ tỉnh không được nhận: {problem}")
            return
        record(db)
        sync_state.put_province_setting(db, name, scope, d.get("value"), ctx.now())
        if name not in allowed_settings(db):
            ctx.report.warnings.append(f"thiết lập '{name}' từ tỉnh không được áp dụng ở máy này")
            return
        dev = sync_state.device(db) or {}
        scopes = [f"d:{dev.get('device_id')}", f"a:{dev.get('agency_id')}"]
        scopes += [f"c:{dev.get('commune')}", "*"]
        found, value = sync_state.province_setting(db, name, scopes)
        if not found:
            return
        try:
            if name == "receipt_lookup_url":
                from kiosk_app.receipts.qr_payload import normalize_lookup_url

                normalize_lookup_url(value)
            else:
                Office.from_settings(settings_rows.get_all(db) | {name: value})
        except (ValueError, TypeError, KeyError, IndexError) as exc:
            ctx.report.warnings.append(f"thiết lập '{name}' từ tỉnh không hợp lệ: {exc}")
            return
        settings_rows.put(db, {name: value})
        ctx.report.reload.add("office")

    return apply


def _keys(ctx: SyncContext, item: dict[str, Any]) -> Apply:
    doc = item.get("data") or {}

    def apply(db: Any) -> None:
        from kiosk_app.core.device_key import (
            DeviceKeyError,
            import_public_keys,
            parse_key_documents,
        )

        try:
            keys = parse_key_documents(doc)
            import_public_keys(ctx.kiosk.store, keys, source="server", clock=ctx.clock)
        except DeviceKeyError as exc:
            ctx.report.warnings.append(f"khoá {doc.get('kid')}: {exc}")

    return apply


PREPARE: dict[str, Callable[[Any, dict[str, Any]], Apply | None]] = {
    "status": _status,
    "catalog": _catalog,
    "calendar": _calendar,
    "settings": _settings,
    "keys": _keys,
    "payments": _payment,
}
