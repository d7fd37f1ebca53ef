"""The kiosk's sync client against the real provincial server (SQLite and PostgreSQL).

Each test opens a real kiosk data folder configured for a fresh agency of the shared server
(tests/server/conftest.py starts it on loopback), enrols it with a one-time code, takes
dossiers through ``kiosk.intake`` and syncs with :func:`sync.client.sync_once`.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from sync.client import SyncConfig, Transport, enrol, sync_once, sync_status
from sync.client_enrol import credential_path, load_credential
from tests.conftest import FakeClock
from tests.server.conftest import Srv, free_port, pg_url, server  # noqa: F401 - fixtures

ROOT = Path(__file__).resolve().parents[2]
BIRTH = "1.001193"


def no_sleep(_seconds: float) -> None:
    return None


def open_enrolled(tmp_path: Path, srv: Srv, slot: int = 1) -> Any:
    """A kiosk configured for a fresh agency of ``srv`` and enrolled with it."""
    from kiosk_app.bootstrap import configure_office, open_kiosk
    from kiosk_app.core.intake import VN_TZ

    agency, commune = srv.new_agency()
    configure_office(
        tmp_path,
        {
            "agency_id": agency,
            "commune_code": commune,
            "device_slot": slot,
            "agency_name": "UBND thử",
        },
    )
    k = open_kiosk(tmp_path)
    k.intake.clock = FakeClock(datetime(2025, 3, 12, 9, 30, tzinfo=VN_TZ))
    code = srv.service.create_enrolment(commune=commune, agency_id=agency, slot=slot)["code"]
    done = enrol(k, srv.url, code.lower(), device_name="Máy thử")
    assert done["agency_id"] == agency and done["slot"] == slot
    return k


def submit(k: Any, files: list[bytes] | None = None) -> Any:
    ex = k.catalog.get(BIRTH).example_submission()
    atts = []
    for i, data in enumerate(files if files is not None else [os.urandom(40_000)]):
        f = k.files.put_bytes(data)
        atts.append({"sha256": f.sha256, "size": f.size, "name": f"scan{i}.jpg"})
    return k.intake.submit(BIRTH, ex["answers"], ex["documents"], attachments=atts)


def server_list(srv: Srv, agency: str) -> list[dict[str, Any]]:
    return [d for d in srv.service.list_dossiers(agency_id=agency)]


def outbox_states(k: Any) -> dict[str, int]:
    rows = k.store.query("SELECT state, COUNT(*) AS n FROM outbox GROUP BY state")
    return {r["state"]: r["n"] for r in rows}


@pytest.fixture
def kiosk_on(tmp_path: Path, server: Srv) -> Any:  # noqa: F811 - the imported fixture
    k = open_enrolled(tmp_path / "kiosk", server)
    yield k
    k.close()


# ------------------------------------------------------------------ the whole path
def test_enrol_push_upload_and_nothing_twice(kiosk_on: Any, server: Srv) -> None:  # noqa: F811
    k = kiosk_on
    # one scan attached to two dossiers: uploaded once; it compresses well (sent gzipped)
    shared = (os.urandom(16).hex().encode() * 1000)[:30_000]
    subs = [
        submit(k, [os.urandom(40_000), shared]),
        submit(k, [shared]),
        submit(k, []),
    ]
    report = sync_once(k)
    assert report.ok, report.errors
    assert (report.pushed, report.duplicates, report.rejected) == (3, 0, 0)
    assert report.uploaded_files == 2 and report.uploaded_bytes == 70_000
    assert report.bytes_sent < 70_000  # push batches and the compressible scan went gzipped
    assert report.pending == 0 and outbox_states(k) == {"sent": 3}

    # the operator's own view: `motcua-server dossier list --json`
    cmd = [sys.executable, "-m", "sync.server", "dossier", "list", "--json"]
    cmd += ["--data-dir", str(server.data_dir)]
    if server.db_url:
        cmd += ["--db", server.db_url]
    out = subprocess.run(
        cmd, cwd=ROOT, capture_output=True, text=True, timeout=60,
        env=os.environ | {"PYTHONPATH": str(ROOT)},
    )  # fmt: skip
    assert out.returncode == 0, out.stderr
    listed = {d["code"]: d for d in json.loads(out.stdout) if d["agency_id"] == k.office.agency_id}
    assert sorted(listed) == sorted(s.code for s in subs)
    for s in subs:
        local = sorted(a["sha256"] for a in k.intake.lookup(s.code).attachments)
        assert listed[s.code]["attachments"] == local
        assert listed[s.code]["complete"] is True
        assert listed[s.code]["status"] == 2
    # byte-identical on the server
    op = server.operator()
    for sha in {a for s in subs for a in listed[s.code]["attachments"]}:
        got = op.get(f"/v1/admin/attachments/{sha}/content")
        assert got.status_code == 200 and got.content == k.files.read_bytes(sha)
    # the kiosk's receipt key reached the province (it verifies this kiosk's receipts)
    from kiosk_app.core.device_key import known_keys

    mine = [key for key in known_keys(k.store).values() if key.source == "self"]
    assert mine and mine[0].kid in server.service.known_keys()

    # again: nothing pushed, nothing uploaded, nothing duplicated on the server
    again = sync_once(k)
    assert again.ok, again.errors
    assert (again.pushed, again.duplicates, again.uploaded_files) == (0, 0, 0)
    assert len(server_list(server, k.office.agency_id)) == 3

    # a lost answer: the kiosk pushes the same events again → duplicates, applied once
    k.store.conn.execute("UPDATE outbox SET state = 'pending'")
    third = sync_once(k)
    assert (third.pushed, third.duplicates) == (0, 3), third.errors
    assert len(server_list(server, k.office.agency_id)) == 3
    st = sync_status(k)
    assert st["outbox"]["pending"] == 0 and st["last_success"]


def test_small_batches_keep_the_order(kiosk_on: Any, server: Srv) -> None:  # noqa: F811
    k = kiosk_on
    codes = [submit(k, []).code for _ in range(7)]
    k.intake.transition(codes[0], 5, actor="clerk", reason="thiếu giấy")
    seen: list[int] = []

    def factory() -> httpx.Client:
        def hook(request: httpx.Request) -> None:
            if request.url.path == "/v1/push":
                assert request.headers["content-encoding"] == "gzip"
                seen.append(len(request.content))

        return httpx.Client(timeout=30, event_hooks={"request": [hook]})

    report = sync_once(
        k, transport=Transport(client_factory=factory), config=SyncConfig(batch_events=3)
    )
    assert report.ok, report.errors
    assert report.pushed == 8 and len(seen) == 3  # 3 + 3 + 2, in seq order
    listed = {d["code"]: d["status"] for d in server_list(server, k.office.agency_id)}
    assert listed[codes[0]] == 5 and sorted(listed) == sorted(codes)


# ------------------------------------------------------------------ feeds
def test_province_moves_come_back_and_reset_replays_nothing(
    kiosk_on: Any,
    server: Srv,  # noqa: F811
) -> None:
    k = kiosk_on
    sub = submit(k, [])
    assert sync_once(k).ok
    server.service.advance(sub.code, "processing", note="chuyển phòng tư pháp")
    new_appt = "2025-03-20T16:00:00+07:00"
    server.service.advance(sub.code, "done", appointment_at=new_appt)
    report = sync_once(k)
    assert report.ok, report.errors
    assert report.statuses_applied == 2 and report.feeds["status"] == 2
    view = k.intake.lookup(sub.code)
    assert view.dossier["status"] == 9
    assert view.dossier["appointment_at"] == new_appt
    province = [e for e in view.events if e["origin"] == "province"]
    assert [(e["kind"], e["from_status"], e["to_status"]) for e in province] == [
        ("start_processing", 2, 4),
        ("finish", 4, 9),
    ]
    assert province[0]["data"]["note"] == "chuyển phòng tư pháp"
    assert all(e["at"].endswith("+07:00") for e in province)
    # the desk hands the result over: a commune move, pushed
    k.intake.transition(sub.code, 10, actor="clerk")
    assert sync_once(k).pushed == 1
    assert server.service.dossier(sub.code)["status"] == 10

    # the operator resets the feed: the kiosk refetches from zero and changes nothing
    server.service.reset_feed("status")
    again = sync_once(k)
    assert again.ok and "status" in again.resets
    assert again.statuses_applied == 0
    view = k.intake.lookup(sub.code)
    assert len([e for e in view.events if e["origin"] == "province"]) == 2
    assert view.dossier["status"] == 10


def test_catalog_calendar_settings_keys_feeds(kiosk_on: Any, server: Srv, tmp_path: Path) -> None:  # noqa: F811
    k = kiosk_on
    server.service.publish_catalog(ROOT / "resources")
    server.service.publish_calendar([ROOT / "resources" / "calendar" / "2026.yaml"])
    dev = k.store.query("SELECT device_id, commune FROM sync_device")[0]
    server.service.set_setting("hotline", "0234 000 111", scope=f"c:{dev['commune']}")
    server.service.set_setting("hotline", "0234 999 999", scope=f"d:{dev['device_id']}")
    server.service.set_setting("same_day_cutoff", "15:30")
    server.service.set_setting("device_slot", 7)  # identity: never from the province
    server.service.set_setting("office_morning", "not a time range")  # invalid: ignored
    other = server.device(public_key=None)  # another kiosk's receipt key, via the keys feed
    other_key = _new_key_doc(other.agency_id)
    assert other.client.post("/v1/keys", json=other_key).status_code == 200

    report = sync_once(k)
    assert report.ok, report.errors
    assert {"catalog", "calendar", "office"} <= report.reload
    version = server.service.publish_catalog(ROOT / "resources")["version"]
    bundle = k.data_dir / "catalog" / version
    assert (bundle / "procedures" / "catalog.yaml").is_file()
    assert sync_status(k)["catalog_available"]["version"] == version
    cal = k.data_dir / "calendar" / "2026.yaml"
    assert cal.read_bytes() == (ROOT / "resources" / "calendar" / "2026.yaml").read_bytes()
    from kiosk_app.bootstrap import office_for

    office = office_for(k.store)
    assert office.hotline == "0234 999 999"  # the device scope beats the commune scope
    assert office.cutoff.isoformat(timespec="minutes") == "15:30"
    assert office.device_slot == 1 and office.morning[0].hour == 7
    assert any("device_slot" in w for w in report.warnings)
    from kiosk_app.core.device_key import known_keys

    keys = known_keys(k.store)
    assert keys[other_key["kid"]].source == "server"
    assert keys[other_key["kid"]].agency_id == other.agency_id

    from kiosk_app.bootstrap import calendar_for

    assert calendar_for(office_for(k.store), k.data_dir) is not None  # the pushed file loads

    # the office narrows what the province may set
    from kiosk_app.store import settings as settings_rows

    with k.store.write() as db:
        settings_rows.put(db, {"sync_province_settings": ["hotline"]})
    server.service.set_setting("same_day_cutoff", "16:00")
    narrowed = sync_once(k)
    assert any("same_day_cutoff" in w for w in narrowed.warnings)
    assert office_for(k.store).cutoff.isoformat(timespec="minutes") == "15:30"

    # a new catalogue version: a second bundle beside the first, recorded, not switched to
    import shutil
    import uuid

    copy = tmp_path / "resources"
    shutil.copytree(ROOT / "resources" / "procedures", copy / "procedures")
    shutil.copytree(ROOT / "resources" / "forms", copy / "forms")
    head = copy / "procedures" / "catalog.yaml"
    newer = f"2099.{uuid.uuid4().int % 10**6}"
    head.write_text(
        head.read_text(encoding="utf-8").replace(f'version: "{version}"', f'version: "{newer}"'),
        encoding="utf-8",
    )
    assert server.service.publish_catalog(copy)["version"] == newer
    assert sync_once(k).feeds["catalog"] == 1
    assert sync_status(k)["catalog_available"]["version"] == newer
    assert (k.data_dir / "catalog" / newer / "procedures" / "catalog.yaml").is_file()
    assert (bundle / "procedures" / "catalog.yaml").is_file()
    assert k.catalog.version == version  # the running desk keeps its catalogue

    # ... and the next start takes the province's newest bundle; dossiers record it
    from kiosk_app.bootstrap import open_kiosk

    again = open_kiosk(k.data_dir)
    try:
        assert again.catalog.version == newer
        ex = again.catalog.get(BIRTH).example_submission()
        code = again.intake.submit(BIRTH, ex["answers"], ex["documents"]).code
        row = again.store.query("SELECT catalog_version FROM dossiers WHERE code = ?", [code])
        assert [r["catalog_version"] for r in row] == [newer]
    finally:
        again.close()
    # a damaged bundle does not stop the desk: the shipped catalogue is used
    (k.data_dir / "catalog" / newer / "procedures" / "catalog.yaml").write_text("version: [")
    damaged = open_kiosk(k.data_dir)
    try:
        assert damaged.catalog.version not in (newer, "")
    finally:
        damaged.close()

    # a reset of every feed replays idempotently
    for feed in ("catalog", "calendar", "settings", "keys"):
        server.service.reset_feed(feed)
    again = sync_once(k)
    assert again.ok, again.errors
    assert set(again.resets) >= {"catalog", "calendar", "settings", "keys"}
    assert office_for(k.store).hotline == "0234 999 999"


def _new_key_doc(agency: str) -> dict[str, Any]:
    import base64

    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from kiosk_app.core.device_key import key_id, raw_public

    pub = raw_public(Ed25519PrivateKey.generate().public_key())
    return {
        "format": "motcua-device-key",
        "version": 1,
        "algorithm": "Ed25519",
        "kid": key_id(pub),
        "public_key": base64.b64encode(pub).decode(),
        "agency_id": agency,
        "slot": 2,
    }


# ------------------------------------------------------------------ rejections
def test_rejected_items_stay_visible(kiosk_on: Any, server: Srv) -> None:  # noqa: F811
    k = kiosk_on
    a, b = submit(k, []), submit(k, [])
    assert sync_once(k).ok
    # the province starts processing while the desk, not yet told, asks for a supplement
    server.service.advance(a.code, "processing")
    k.intake.transition(a.code, 5, actor="clerk", reason="thiếu bản sao")
    # and an event the server cannot accept at all (its content hash does not add up)
    c = submit(k, [])
    row = k.store.query("SELECT id, payload FROM outbox WHERE entity_id = ?", [c.dossier_id])[0]
    payload = json.loads(row["payload"]) | {"content_hash": "0" * 64}
    k.store.conn.execute(
        "UPDATE outbox SET payload = ? WHERE id = ?", [json.dumps(payload), row["id"]]
    )
    report = sync_once(k)
    assert report.rejected == 2 and report.errors_by_class["conflict"] == 1
    assert report.errors_by_class["permanent"] == 1
    st = sync_status(k)
    reasons = {r["code"]: r["reason"]["code"] for r in st["rejected"]}
    assert reasons == {a.code: "status_conflict", c.code: "content_hash_mismatch"}
    assert all(r["reason"]["message"] for r in st["rejected"])
    # the province's move still came back (it owns processing status)
    assert k.intake.lookup(a.code).dossier["status"] == 4
    # kept, never dropped, not pushed again by itself
    again = sync_once(k)
    assert again.rejected == 0 and outbox_states(k)["rejected"] == 2
    assert {d["code"] for d in server_list(server, k.office.agency_id)} == {a.code, b.code}
    # sent again on request (after the province fixed the cause): refused again, still kept
    from sync.client import retry_rejected

    ids = sorted(r["id"] for r in st["rejected"])
    assert retry_rejected(k) == 2
    third = sync_once(k)
    assert third.rejected == 2 and sorted(r["id"] for r in third.rejections) == ids
    assert sorted(r["id"] for r in sync_status(k)["rejected"]) == ids


def test_an_event_too_large_for_the_server_does_not_block_the_queue(
    kiosk_on: Any,
    server: Srv,  # noqa: F811
) -> None:
    import base64

    k = kiosk_on
    subs = [submit(k, []) for _ in range(5)]
    big = k.store.query("SELECT id, payload FROM outbox WHERE entity_id = ?", [subs[2].dossier_id])
    payload = json.loads(big[0]["payload"])
    payload["answers"]["note"] = base64.b64encode(os.urandom(6_500_000)).decode()  # > 8 MiB
    k.store.conn.execute(
        "UPDATE outbox SET payload = ? WHERE id = ?", [json.dumps(payload), big[0]["id"]]
    )
    report = sync_once(k, config=SyncConfig(feeds=()))
    assert (report.pushed, report.rejected) == (4, 1), report.errors
    assert report.rejections[0]["id"] == big[0]["id"]
    assert report.rejections[0]["reason"]["code"] == "too_large"
    listed = {d["code"] for d in server_list(server, k.office.agency_id)}
    assert listed == {s.code for i, s in enumerate(subs) if i != 2}


def test_sync_on_a_worker_thread_while_the_desk_submits(kiosk_on: Any, server: Srv) -> None:  # noqa: F811
    import threading

    k = kiosk_on
    stop = threading.Event()
    reports: list[Any] = []

    def worker() -> None:
        while not stop.is_set():
            reports.append(sync_once(k))

    thread = threading.Thread(target=worker)
    thread.start()
    try:
        codes = [submit(k, [os.urandom(3000)]).code for _ in range(12)]
    finally:
        stop.set()
        thread.join(60)
    final = sync_once(k)
    assert all(r.ok for r in [*reports, final]), [r.errors for r in reports if not r.ok]
    assert sum(r.pushed for r in [*reports, final]) == 12
    listed = server_list(server, k.office.agency_id)
    assert sorted(d["code"] for d in listed) == sorted(codes)
    assert all(d["complete"] for d in listed)


def test_a_stalled_server_is_aborted_by_the_watchdog(kiosk_on: Any) -> None:
    import socket
    import time

    k = kiosk_on
    submit(k, [])
    with socket.socket() as sock:  # accepts connections (backlog), never answers
        sock.bind(("127.0.0.1", 0))
        sock.listen(8)
        port = sock.getsockname()[1]
        t = Transport(
            base_url=f"http://127.0.0.1:{port}",
            client_factory=lambda: httpx.Client(timeout=httpx.Timeout(0.3)),
            sleep=no_sleep,
            attempts=2,
        )
        began = time.monotonic()
        report = sync_once(k, transport=t)
    assert time.monotonic() - began < 10
    assert [(e["phase"], e["class"], e["code"]) for e in report.errors] == [
        ("push", "transient", "timeout")
    ]
    assert outbox_states(k) == {"pending": 1}


# ------------------------------------------------------------------ credentials
def test_expired_token_is_refreshed_and_revocation_keeps_the_outbox(
    kiosk_on: Any,
    server: Srv,  # noqa: F811
) -> None:
    k = kiosk_on
    dev = k.store.query("SELECT device_id FROM sync_device")[0]["device_id"]
    old = load_credential(k.data_dir)["token"]
    past = (datetime.now(UTC) - timedelta(hours=1)).isoformat()
    with server.service.db.tx() as tx:
        tx.execute("UPDATE devices SET token_expires_at = ? WHERE id = ?", [past, dev])
    submit(k, [])
    report = sync_once(k)
    assert report.ok and report.pushed == 1, report.errors
    assert load_credential(k.data_dir)["token"] != old
    if os.name == "posix":
        assert credential_path(k.data_dir).stat().st_mode & 0o777 == 0o600

    server.service.revoke(dev, "máy hỏng")
    submit(k, [])
    report = sync_once(k)
    assert not report.ok and report.needs_enrolment
    assert report.errors[0]["code"] == "device_revoked"
    assert outbox_states(k)["pending"] == 1
