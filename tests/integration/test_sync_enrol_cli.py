"""Enrolment rules, the sync lock, the transport's retry policy, and ``motcua enrol`` /
``motcua sync`` as real processes (``python -m kiosk_app.cli_sync``, before the wiring into
``motcua``) against the real server (SQLite: the engine makes no difference here)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx
import pytest

from sync.client import EnrolError, SyncConfig, Transport, enrol, sync_once, sync_status
from sync.client_errors import AuthError, PermanentError, TransientError
from sync.client_transport import Credentials
from tests.server.conftest import Srv, pg_url, server  # noqa: F401 - fixtures

ROOT = Path(__file__).resolve().parents[2]
BIRTH = "1.001193"
sqlite_only = pytest.mark.parametrize("server", ["sqlite"], indirect=True)


def motcua(*argv: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "kiosk_app.cli_sync", *argv],
        cwd=ROOT,
        env=os.environ | {"PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=120,
    )


def configured(path: Path, agency: str, commune: str, slot: int = 1) -> Any:
    from kiosk_app.bootstrap import configure_office, open_kiosk

    configure_office(path, {"agency_id": agency, "commune_code": commune, "device_slot": slot})
    return open_kiosk(path)


def submit(k: Any, data: bytes | None = None) -> Any:
    ex = k.catalog.get(BIRTH).example_submission()
    atts = []
    if data is not None:
        f = k.files.put_bytes(data)
        atts.append({"sha256": f.sha256, "size": f.size, "name": "scan.pdf"})
    return k.intake.submit(BIRTH, ex["answers"], ex["documents"], attachments=atts)


# ------------------------------------------------------------------ the CLI
@sqlite_only
def test_cli_enrol_sync_status(server: Srv, tmp_path: Path) -> None:  # noqa: F811
    from kiosk_app.bootstrap import open_kiosk

    agency, commune = server.new_agency()
    data = tmp_path / "demo"  # never set up: the demo office, which adopts the code's office
    made = server.service.create_enrolment(commune=commune, agency_id=agency, slot=4)
    bad = motcua("enrol", "--server", "ftp://x", "--code", made["code"], "--data-dir", str(data))
    assert bad.returncode == 2 and bad.stderr.count("\n") == 1 and "ftp://x" in bad.stderr
    unknown = motcua(
        "enrol", "--server", server.url, "--code", "AAAA-BBBB", "--data-dir", str(data)
    )
    assert unknown.returncode == 1 and "enrolment refused" in unknown.stderr

    done = motcua(
        "enrol", "--server", server.url, "--code", made["code"], "--data-dir", str(data), "--json"
    )
    assert done.returncode == 0, done.stderr
    info = json.loads(done.stdout)
    assert (info["agency_id"], info["commune"], info["slot"]) == (agency, commune, 4)
    assert info["adopted_office"] is True and "mck1_" not in done.stdout + done.stderr
    again = motcua("enrol", "--server", server.url, "--code", made["code"], "--data-dir", str(data))
    assert again.returncode == 1 and "already enrolled" in again.stderr

    k = open_kiosk(data)
    try:
        assert (k.office.agency_id, k.office.device_slot, k.office.demo) == (agency, 4, False)
        sub = submit(k, os.urandom(5000))
    finally:
        k.close()
    status = motcua("sync", "status", "--data-dir", str(data), "--json")
    assert status.returncode == 0, status.stderr
    assert json.loads(status.stdout)["outbox"]["pending"] == 1

    run = motcua("sync", "--once", "--json", "--data-dir", str(data))
    assert run.returncode == 0, run.stderr
    report = json.loads(run.stdout)
    assert report["ok"] and report["pushed"] == 1 and report["uploaded_files"] == 1
    assert server.service.dossier(sub.code)["complete"] is True
    # the adopted office's receipt key was published at the first sync
    k = open_kiosk(data)
    try:
        from kiosk_app.core.device_key import known_keys

        kid = next(key.kid for key in known_keys(k.store).values() if key.source == "self")
    finally:
        k.close()
    assert kid in server.service.known_keys()

    text = motcua("sync", "--data-dir", str(data), "status")  # options before the subcommand
    assert text.returncode == 0, text.stderr
    assert f"{agency}, commune {commune}, slot 4" in text.stdout
    assert "waiting: 0 event(s), 0 file(s)" in text.stdout

    server.service.revoke(info["device_id"])
    failed = motcua("sync", "--once", "--data-dir", str(data))
    assert failed.returncode == 1 and "device_revoked" in failed.stdout


def test_cli_sync_without_enrolment_fails_cleanly(tmp_path: Path) -> None:
    run = motcua("sync", "--once", "--data-dir", str(tmp_path))
    assert run.returncode == 1 and "not_enrolled" in run.stdout
    st = motcua("sync", "status", "--data-dir", str(tmp_path))
    assert st.returncode == 0 and "not enrolled" in st.stdout


# ------------------------------------------------------------------ enrolment rules
@sqlite_only
def test_enrolment_must_match_a_configured_office(server: Srv, tmp_path: Path) -> None:  # noqa: F811
    agency, commune = server.new_agency()
    other, other_commune = server.new_agency()
    k = configured(tmp_path / "a", agency, commune, slot=1)
    try:
        # a code for another agency: refused by the server before the code is spent
        foreign = server.service.create_enrolment(commune=other_commune, agency_id=other, slot=1)
        with pytest.raises(EnrolError) as exc:
            enrol(k, server.url, foreign["code"])
        assert exc.value.code == "office_mismatch" and agency in exc.value.message
        # a code for another slot of the same agency: refused, and the device is named
        wrong_slot = server.service.create_enrolment(commune=commune, agency_id=agency, slot=2)
        with pytest.raises(EnrolError) as exc:
            enrol(k, server.url, wrong_slot["code"])
        assert "slot 1 here, 2 in the code" in exc.value.message
        assert "revoke device" in exc.value.message
        assert sync_status(k)["enrolled"] is False
    finally:
        k.close()
    # the foreign code was not spent: the office it was made for can still use it
    k2 = configured(tmp_path / "b", other, other_commune, slot=1)
    try:
        assert enrol(k2, server.url, foreign["code"])["agency_id"] == other
    finally:
        k2.close()


def test_demo_office_with_dossiers_is_not_adopted(tmp_path: Path) -> None:
    from kiosk_app.bootstrap import open_kiosk

    k = open_kiosk(tmp_path)
    try:
        assert k.office.demo
        submit(k)
        with pytest.raises(EnrolError) as exc:
            enrol(k, "http://127.0.0.1:9", "AAAA-BBBB-CCCC-DDDD")
        assert exc.value.code == "demo_with_dossiers"
    finally:
        k.close()


# ------------------------------------------------------------------ lock, corrupt file
@sqlite_only
def test_one_sync_at_a_time_and_a_corrupt_local_file(server: Srv, tmp_path: Path) -> None:  # noqa: F811
    from sync.client_lock import SyncLock

    agency, commune = server.new_agency()
    k = configured(tmp_path, agency, commune)
    try:
        enrol(k, server.url, server.service.create_enrolment(
            commune=commune, agency_id=agency, slot=1)["code"])  # fmt: skip
        scan = os.urandom(50_000)
        sub = submit(k, scan)
        with SyncLock(k.data_dir):
            busy = sync_once(k)
            other = motcua("sync", "--once", "--data-dir", str(k.data_dir))  # another process
        assert busy.errors[0]["code"] == "busy" and busy.errors[0]["class"] == "transient"
        assert other.returncode == 0 and "another sync" in other.stdout
        assert sync_status(k)["outbox"]["pending"] == 1
        # the stored scan rots on disk after the submission: the server's sha256 check
        # catches it, the kiosk confirms locally and marks the upload failed (shown)
        sha = k.intake.lookup(sub.code).attachments[0]["sha256"]
        path = k.files.path(sha)
        path.chmod(0o644)
        path.write_bytes(os.urandom(len(scan)))
        report = sync_once(k, config=SyncConfig(feeds=()))
        assert report.pushed == 1
        assert [(e["phase"], e["code"]) for e in report.errors] == [
            ("upload", "local_file_corrupt")
        ]
        failed = sync_status(k)["failed_uploads"]
        assert [f["sha256"] for f in failed] == [sha]
        assert server.service.dossier(sub.code)["complete"] is False
    finally:
        k.close()


# ------------------------------------------------------------------ the transport alone
def _mock(handler: Any, **kw: Any) -> Transport:
    sleeps: list[float] = []
    t = Transport(
        base_url="http://province.test",
        client_factory=lambda: httpx.Client(transport=httpx.MockTransport(handler)),
        sleep=sleeps.append,
        rng=lambda: 0.5,
        **kw,
    )
    t.sleeps = sleeps  # type: ignore[attr-defined]
    return t


def _error(status: int, code: str, klass: str, **headers: str) -> httpx.Response:
    body = {"error": {"code": code, "message": "thử", "class": klass}}
    return httpx.Response(status, json=body, headers=headers)


def test_transport_retries_transient_and_honours_retry_after() -> None:
    calls: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request.url.path)
        if len(calls) == 1:
            return _error(503, "unavailable", "transient", **{"Retry-After": "7"})
        if len(calls) == 2:
            raise httpx.ReadTimeout("stalled", request=request)
        return httpx.Response(200, json={"ok": True})

    t = _mock(handler, credentials=Credentials("tok"))
    assert t.request("GET", "/v1/me").json() == {"ok": True}
    assert calls == ["/v1/me"] * 3 and t.retries == 2
    assert t.sleeps == [7.0, 1.0]  # Retry-After, then jittered 0.5 * 2**1

    always = _mock(lambda r: httpx.Response(502), credentials=Credentials("tok"))
    with pytest.raises(TransientError):
        always.request("GET", "/v1/me")
    assert always.requests == always.attempts

    def refused(request: httpx.Request) -> httpx.Response:
        return _error(422, "bad_payload", "permanent")

    once = _mock(refused, credentials=Credentials("tok"))
    with pytest.raises(PermanentError) as exc:
        once.request("POST", "/v1/push", json_body={})
    assert once.requests == 1 and exc.value.code == "bad_payload"


def test_transport_refreshes_an_expired_token_once() -> None:
    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.headers.get("authorization", ""))
        if request.headers.get("authorization") == "Bearer old":
            return _error(401, "token_expired", "auth")
        if request.headers.get("authorization") == "Bearer revoked":
            return _error(401, "device_revoked", "auth")
        return httpx.Response(200, json={})

    creds = Credentials("old", refresh=lambda t: "new")
    t = _mock(handler, credentials=creds)
    t.request("GET", "/v1/me")
    assert seen == ["Bearer old", "Bearer new"] and creds.token == "new"

    t = _mock(handler, credentials=Credentials("revoked", refresh=lambda t: "x"))
    with pytest.raises(AuthError) as exc:
        t.request("GET", "/v1/me")
    assert exc.value.code == "device_revoked"


@sqlite_only
def test_cli_sync_loop_runs_until_stopped(server: Srv, tmp_path: Path) -> None:  # noqa: F811
    import signal

    agency, commune = server.new_agency()
    k = configured(tmp_path, agency, commune)
    try:
        made = server.service.create_enrolment(commune=commune, agency_id=agency, slot=1)
        enrol(k, server.url, made["code"])
        sub = submit(k)
    finally:
        k.close()
    proc = subprocess.Popen(
        [sys.executable, "-m", "kiosk_app.cli_sync", "sync", "--json", "--interval", "0.2"]
        + ["--data-dir", str(tmp_path)],
        cwd=ROOT,
        env=os.environ | {"PYTHONPATH": str(ROOT)},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        first = json.loads(proc.stdout.readline())
        second = json.loads(proc.stdout.readline())
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(30) == 0, proc.stderr.read()
    finally:
        if proc.poll() is None:
            proc.kill()
    assert first["ok"] and first["pushed"] == 1
    assert second["ok"] and second["pushed"] == 0
    assert server.service.dossier(sub.code)["status"] == 2


@sqlite_only
def test_enrolling_again_with_another_server_address_resends(server: Srv, tmp_path: Path) -> None:  # noqa: F811
    agency, commune = server.new_agency()
    k = configured(tmp_path, agency, commune)
    try:
        made = server.service.create_enrolment(commune=commune, agency_id=agency, slot=1)
        first = enrol(k, server.url, made["code"])
        subs = [submit(k, os.urandom(2000)) for _ in range(2)]
        assert sync_once(k).pushed == 2
        again = server.service.create_enrolment(
            commune=commune, agency_id=agency, slot=1, replace=True
        )
        with pytest.raises(EnrolError):
            enrol(k, server.url, again["code"])  # already enrolled: --force needed
        moved = server.url.replace("127.0.0.1", "localhost")  # "a new server" to the kiosk
        second = enrol(k, moved, again["code"], force=True)
        assert second["device_id"] != first["device_id"]
        report = sync_once(k)
        assert report.ok, report.errors
        assert (report.pushed, report.duplicates, report.uploaded_files) == (0, 2, 0)
        assert sync_status(k)["device"]["server_url"] == moved
        assert all(server.service.dossier(s.code)["complete"] for s in subs)
    finally:
        k.close()


def test_push_batches_are_capped_by_compressed_size() -> None:
    import base64

    from sync.client_push import fit_batch

    def row(i: int, n: int) -> dict[str, Any]:
        payload = {"blob": base64.b64encode(os.urandom(n)).decode()}  # incompressible
        return {
            "id": f"e{i}",
            "kind": "dossier.submitted",
            "entity_id": f"d{i}",
            "created_at": "2025-03-12T09:30:00+07:00",
            "payload": json.dumps(payload),
        }

    rows = [row(i, 6000) for i in range(50)]  # ~8 KB each after base64
    batch, body = fit_batch(rows, 64 * 1024)
    assert 4 <= len(batch) < 50 and len(body) <= 64 * 1024
    assert [r["id"] for r in batch] == [f"e{i}" for i in range(len(batch))]  # a prefix, in order
    big = [row(0, 200_000), *rows[:3]]
    batch, body = fit_batch(big, 64 * 1024)
    assert [r["id"] for r in batch] == ["e0"] and len(body) > 64 * 1024  # alone, however large


def test_a_batch_refused_whole_is_halved_until_the_bad_event_is_alone(kiosk: Any) -> None:
    """An HTTP refusal of a whole batch (nothing looked at) must not jam the queue."""
    import gzip

    from sync.client import SyncContext, SyncReport
    from sync.client_push import push_outbox

    subs = [submit(kiosk) for _ in range(9)]
    bad = kiosk.store.query("SELECT id FROM outbox WHERE entity_id = ?", [subs[6].dossier_id])[0][
        "id"
    ]
    sizes: list[int] = []

    def handler(request: httpx.Request) -> httpx.Response:
        events = json.loads(gzip.decompress(request.content))["events"]
        sizes.append(len(events))
        if any(e["id"] == bad for e in events):
            return _error(413, "too_large", "permanent")
        return httpx.Response(
            200, json={"results": [{"id": e["id"], "status": "accepted"} for e in events]}
        )

    t = _mock(handler, credentials=Credentials("tok"))
    report = SyncReport(started_at="now")
    ctx = SyncContext(kiosk, t, SyncConfig(batch_events=4), report, kiosk.intake.clock)
    push_outbox(ctx)
    assert (report.pushed, report.rejected) == (8, 1)
    assert [r["id"] for r in report.rejections] == [bad]
    # 0-3 ok; 4-7 refused → 4-5 ok → 6-7 refused → 6 alone, rejected → 7-8 ok
    assert sizes == [4, 4, 2, 2, 1, 2]
    states = kiosk.store.query("SELECT id, state FROM outbox ORDER BY seq")
    assert [r["state"] for r in states] == ["sent"] * 6 + ["rejected"] + ["sent"] * 2
