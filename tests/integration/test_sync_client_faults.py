"""The sync client against the real provincial server when things go wrong — the server down,
an answer lost after the commit, a process killed mid-upload, an upload begun elsewhere — and
ratings and a replacement PC's dossier codes. Helpers and fixtures: test_sync_client.py."""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from sync.client import SyncConfig, Transport, enrol, sync_once
from sync.client_enrol import load_credential
from tests.conftest import FakeClock
from tests.integration.test_sync_client import (  # noqa: F401 - helpers and the fixture
    BIRTH,
    ROOT,
    kiosk_on,
    no_sleep,
    open_enrolled,
    outbox_states,
    server_list,
    submit,
)
from tests.server.conftest import Srv, free_port, pg_url, server  # noqa: F401 - fixtures


# ------------------------------------------------------------------ faults
def test_server_down_is_transient_and_loses_nothing(kiosk_on: Any, server: Srv) -> None:  # noqa: F811
    k = kiosk_on
    subs = [submit(k) for _ in range(2)]
    dead = Transport(base_url=f"http://127.0.0.1:{free_port()}", sleep=no_sleep)
    report = sync_once(k, transport=dead)
    assert not report.ok
    assert report.errors[0]["class"] == "transient" and report.errors[0]["phase"] == "push"
    assert dead.retries == dead.attempts - 1
    assert outbox_states(k) == {"pending": 2}
    ok = sync_once(k)
    assert ok.ok and ok.pushed == 2 and ok.uploaded_files == 2
    listed = server_list(server, k.office.agency_id)
    assert sorted(d["code"] for d in listed) == sorted(s.code for s in subs)
    assert all(d["complete"] for d in listed)


class _LoseFirstPushAnswer(httpx.BaseTransport):
    """The server commits the batch, the answer never reaches the kiosk (once)."""

    def __init__(self, inner: httpx.BaseTransport) -> None:
        self.inner, self.lost = inner, 0

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = self.inner.handle_request(request)
        if request.url.path == "/v1/push" and not self.lost:
            response.read()
            self.lost += 1
            raise httpx.ReadError("connection reset by peer", request=request)
        return response

    def close(self) -> None:
        self.inner.close()


def test_an_answer_lost_after_the_server_committed(kiosk_on: Any, server: Srv) -> None:  # noqa: F811
    k = kiosk_on
    codes = [submit(k, []).code for _ in range(4)]
    lossy = _LoseFirstPushAnswer(httpx.HTTPTransport())
    skewed = datetime.now(UTC) + timedelta(hours=2)  # and the kiosk's clock is 2 h fast
    t = Transport(client_factory=lambda: httpx.Client(timeout=30, transport=lossy), sleep=no_sleep)
    report = sync_once(k, transport=t, clock=lambda: skewed)
    assert report.ok, report.errors
    assert lossy.lost == 1 and t.retries == 1
    assert (report.pushed, report.duplicates) == (0, 4)  # applied once, answered twice
    assert sorted(d["code"] for d in server_list(server, k.office.agency_id)) == sorted(codes)
    assert any("nhanh hơn máy chủ tỉnh 120 phút" in w for w in report.warnings)


class Killed(BaseException):
    """The sync process dying (not an error the client could catch)."""


def test_upload_resumes_after_the_process_died(kiosk_on: Any, server: Srv) -> None:  # noqa: F811
    k = kiosk_on
    scan = os.urandom(300_000)
    sub = submit(k, [scan])
    sha = k.intake.lookup(sub.code).attachments[0]["sha256"]
    cfg = SyncConfig(chunk_bytes=64 * 1024)
    patches: list[int] = []

    def dying() -> httpx.Client:
        def handler(request: httpx.Request) -> None:
            if request.method == "PATCH":
                if len(patches) == 2:
                    raise Killed()
                patches.append(int(request.headers["upload-offset"]))

        return httpx.Client(timeout=30, event_hooks={"request": [handler]})

    with pytest.raises(Killed):
        sync_once(k, transport=Transport(client_factory=dying), config=cfg)
    assert patches == [0, 65536]
    row = k.store.query("SELECT confirmed, state FROM sync_uploads WHERE sha256 = ?", [sha])[0]
    assert row == {"confirmed": 131072, "state": "pending"}

    methods: list[tuple[str, str | None]] = []

    def watching() -> httpx.Client:
        def handler(request: httpx.Request) -> None:
            methods.append((request.method, request.headers.get("upload-offset")))

        return httpx.Client(timeout=30, event_hooks={"request": [handler]})

    report = sync_once(k, transport=Transport(client_factory=watching), config=cfg)
    assert report.ok, report.errors
    uploads = [m for m in methods if m[0] in ("HEAD", "PATCH")]
    assert uploads[0] == ("HEAD", None) and uploads[1] == ("PATCH", "131072")
    assert report.uploaded_bytes == 300_000 - 131072
    got = server.operator().get(f"/v1/admin/attachments/{sha}/content")
    assert got.content == scan
    assert server.service.dossier(sub.code)["complete"] is True


def test_upload_started_elsewhere_resyncs_on_409(kiosk_on: Any, server: Srv) -> None:  # noqa: F811
    k = kiosk_on
    scan = os.urandom(200_000)
    sub = submit(k, [scan])
    sha = k.intake.lookup(sub.code).attachments[0]["sha256"]
    no_upload = Transport(
        client_factory=lambda: httpx.Client(
            timeout=30, transport=_RefusePatch(httpx.HTTPTransport())
        ),
        sleep=no_sleep,
    )
    first = sync_once(k, transport=no_upload, config=SyncConfig(feeds=()))
    assert first.pushed == 1 and first.errors[0]["phase"] == "upload"
    assert first.errors[0]["class"] == "transient"
    # the kiosk forgot its attempt (say, a data folder restored from a backup) while half the
    # file reached the server by another route
    k.store.conn.execute(
        "UPDATE sync_uploads SET attempts = 0, confirmed = 0 WHERE sha256 = ?", [sha]
    )
    token = load_credential(k.data_dir)["token"]
    with httpx.Client(base_url=server.url, headers={"Authorization": f"Bearer {token}"}) as c:
        r = c.patch(
            f"/v1/attachments/{sha}",
            content=scan[:100_000],
            headers={"Upload-Offset": "0", "Upload-Length": str(len(scan))},
        )
    assert r.status_code == 200 and r.json()["offset"] == 100_000
    answers: list[int] = []

    def watching() -> httpx.Client:
        def hook(response: httpx.Response) -> None:
            if response.request.method == "PATCH":
                answers.append(response.status_code)

        return httpx.Client(timeout=30, event_hooks={"response": [hook]})

    report = sync_once(k, transport=Transport(client_factory=watching))
    assert report.ok, report.errors
    assert answers[0] == 409 and set(answers[1:]) == {200}
    assert report.uploaded_bytes == 100_000
    got = server.operator().get(f"/v1/admin/attachments/{sha}/content")
    assert got.content == scan


class _RefusePatch(httpx.BaseTransport):
    def __init__(self, inner: httpx.BaseTransport) -> None:
        self.inner = inner

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if request.method == "PATCH":
            raise httpx.ConnectError("link dropped", request=request)
        return self.inner.handle_request(request)

    def close(self) -> None:
        self.inner.close()


def test_kiosk_ratings_reach_the_province_once(kiosk_on: Any, server: Srv) -> None:  # noqa: F811
    from kiosk_app.core.ratings import Ratings

    k = kiosk_on
    ratings = Ratings(k.store, k.office)
    sub = submit(k, [])
    ratings.submit(5, ["fast", "staff_helpful"], dossier_code=sub.code, channel="kiosk")
    ratings.submit(1, ["long_wait"], channel="kiosk")
    report = sync_once(k)
    assert report.ok and report.rejected == 0, (report.errors, report.rejections)
    assert sync_once(k).pushed == 0  # nothing twice
    with server.service.db.tx(write=False) as tx:
        rows = tx.all(
            "SELECT level, dossier_code FROM ratings WHERE agency_id = ? ORDER BY level",
            [k.office.agency_id],
        )
    assert [(r["level"], r["dossier_code"]) for r in rows] == [(1, None), (5, sub.code)]


def test_a_replacement_pc_follows_the_codes_its_slot_already_issued(
    kiosk_on: Any,  # noqa: F811
    server: Srv,  # noqa: F811
    tmp_path: Path,
) -> None:
    """The lost PC's dossiers reached the province; the PC that takes over its slot (a
    restore from an older backup, or a new one) must not issue those codes again."""
    from kiosk_app.bootstrap import configure_office, open_kiosk
    from kiosk_app.core.intake import VN_TZ

    old = kiosk_on
    issued = [submit(old, []).code for _ in range(3)]
    assert sync_once(old).ok
    office = old.office
    new_dir = tmp_path / "replacement"
    configure_office(
        new_dir,
        {
            "agency_id": office.agency_id,
            "commune_code": office.commune_code,
            "device_slot": office.device_slot,
            "agency_name": "UBND thử",
        },
    )
    new = open_kiosk(new_dir)
    try:
        new.intake.clock = FakeClock(datetime(2025, 3, 12, 9, 45, tzinfo=VN_TZ))
        code = server.service.create_enrolment(
            commune=office.commune_code,
            agency_id=office.agency_id,
            slot=office.device_slot,
            replace=True,
        )["code"]
        enrol(new, server.url, code, device_name="Máy thay thế")
        fresh = submit(new, []).code
        assert fresh not in issued
        assert int(fresh[-4:]) == int(max(issued)[-4:]) + 1  # follows the lost PC's last code
        report = sync_once(new)
        assert report.ok and report.rejected == 0, report.rejections
    finally:
        new.close()
