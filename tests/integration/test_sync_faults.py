"""The sync client and the real provincial server through a bad link (issue 5, "Proof").

Every test puts :class:`tests.support.tcp_proxy.TcpProxy` between a real kiosk data folder and
the real server (``python -m sync.server run`` on loopback; SQLite for the faults, PostgreSQL
for one end-to-end case at 256 kbit/s and 300 ms). The kiosk is enrolled *through the proxy*,
so the proxy's address is the server's address as far as the kiosk knows; ``motcua sync
--once`` in a subprocess goes through it too.

Faults: connections reset mid-push and mid-upload, answers lost after the server committed
(a push, an upload's last chunk, a feed page), a black hole (from the start, and switched on
in the middle of an upload), the server SIGKILLed while a batch is in its hands and
restarted, the ``motcua sync --once`` process SIGKILLed mid-upload and run again, and old
push batches replayed (duplicated, out of order) next to a lifecycle event that arrives
before its dossier.

After the faults stop, one clean pass runs and :func:`assert_converged` checks the whole
state: the server holds exactly the kiosk's dossiers (``motcua-server dossier list --json``:
codes, statuses, attachment hashes, complete), every attachment file in the server's data
folder hashes to its name and equals the kiosk's bytes, every event the kiosk made is on the
server exactly once (the server's ``events`` table and status history) and every province
move is in the kiosk's timeline exactly once.
"""

from __future__ import annotations

import hashlib
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx
import pytest

from sync.client import SyncConfig, Transport, enrol, sync_once
from sync.client_enrol import load_credential
from tests.conftest import FakeClock
from tests.server.conftest import Srv, _start, pg_url, server  # noqa: F401 - fixtures
from tests.support.tcp_proxy import DOWN, UP, Conn, TcpProxy

ROOT = Path(__file__).resolve().parents[2]
BIRTH = "1.001193"
SCAN = 40 * 1024
sqlite_only = pytest.mark.parametrize("server", ["sqlite"], indirect=True)


def no_sleep(_seconds: float) -> None:
    return None


def fast(timeout: float = 10.0, attempts: int = 4) -> Transport:
    """The kiosk's transport with short timeouts and no backoff sleeps (the enrolled URL,
    i.e. the proxy)."""
    return Transport(
        client_factory=lambda: httpx.Client(timeout=httpx.Timeout(timeout)),
        sleep=no_sleep,
        attempts=attempts,
    )


# ------------------------------------------------------------------ the rig
def kiosk_via(tmp_path: Path, srv: Srv, proxy: TcpProxy) -> Any:
    """A kiosk for a fresh agency of ``srv``, enrolled through ``proxy``."""
    from kiosk_app.bootstrap import configure_office, open_kiosk
    from kiosk_app.core.intake import VN_TZ

    agency, commune = srv.new_agency()
    configure_office(
        tmp_path,
        {"agency_id": agency, "commune_code": commune, "device_slot": 1, "agency_name": "UBND"},
    )
    k = open_kiosk(tmp_path)
    k.intake.clock = FakeClock(datetime(2025, 3, 12, 9, 30, tzinfo=VN_TZ))
    code = srv.service.create_enrolment(commune=commune, agency_id=agency, slot=1)["code"]
    enrol(k, proxy.url, code, device_name="Máy thử")
    return k


def submit(k: Any, scans: list[bytes]) -> Any:
    ex = k.catalog.get(BIRTH).example_submission()
    atts = []
    for i, data in enumerate(scans):
        f = k.files.put_bytes(data)
        atts.append({"sha256": f.sha256, "size": f.size, "name": f"scan{i}.jpg"})
    return k.intake.submit(BIRTH, ex["answers"], ex["documents"], attachments=atts)


def with_scans(k: Any, n: int, size: int = SCAN) -> list[Any]:
    return [submit(k, [os.urandom(size), os.urandom(size)]) for _ in range(n)]


@pytest.fixture
def proxy() -> Iterator[TcpProxy]:
    p = TcpProxy(("127.0.0.1", 9))  # upstream set by each rig
    with p:
        yield p


@pytest.fixture
def rig(tmp_path: Path, server: Srv, proxy: TcpProxy) -> Iterator[tuple[Srv, TcpProxy, Any]]:  # noqa: F811
    proxy.configure(upstream=_hostport(server.url))
    k = kiosk_via(tmp_path / "kiosk", server, proxy)
    yield server, proxy, k
    k.close()


def _hostport(url: str) -> tuple[str, int]:
    host, port = url.rsplit("//", 1)[1].rsplit(":", 1)
    return host, int(port)


class RequestWatch:
    """A proxy hook that follows the HTTP requests going up each connection and calls
    ``on(conn, sent, total, n)`` before each chunk of a request starting with ``match`` is
    forwarded (``sent`` bytes of the request went before this chunk of ``n``; ``total`` =
    headers + Content-Length); its return value is the proxy's action. ``raw`` keeps the
    matched requests' bytes as they crossed the link."""

    def __init__(self, match: bytes, on: Any = None) -> None:
        self.match, self.on = match, on
        self.state: dict[int, list[int]] = {}  # conn id → [matched, sent, total]
        self.raw: list[bytes] = []

    def __call__(self, conn: Conn, direction: str, data: bytes) -> str | None:
        if direction != UP:
            return None
        st = self.state.get(conn.id)
        if st is None or st[1] >= st[2]:  # between requests: does one start here?
            head, sep, _ = data.partition(b"\r\n\r\n")
            st = [0, 0, len(data)]
            if sep:
                st = [int(data.startswith(self.match)), 0, len(head) + 4 + _length(head)]
            if st[0]:
                self.raw.append(b"")
            self.state[conn.id] = st
        action = None
        if st[0]:
            self.raw[-1] += data
            if self.on is not None:
                action = self.on(conn, st[1], st[2], len(data))
        st[1] += len(data)
        return action


def _length(head: bytes) -> int:
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            return int(value)
    return 0


# ------------------------------------------------------------------ the end state
def server_cli(srv: Srv, *argv: str) -> Any:
    cmd = [sys.executable, "-m", "sync.server", *argv, "--data-dir", str(srv.data_dir)]
    if srv.db_url:
        cmd += ["--db", srv.db_url]
    out = subprocess.run(
        cmd, cwd=ROOT, capture_output=True, text=True, timeout=60,
        env=os.environ | {"PYTHONPATH": str(ROOT)},
    )  # fmt: skip
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)


def clean_pass(k: Any, proxy: TcpProxy) -> Any:
    proxy.clean()
    report = sync_once(k, transport=fast())
    assert report.ok, report.errors
    return report


def assert_converged(srv: Srv, k: Any) -> dict[str, Any]:
    """The server holds exactly the kiosk's dossiers and files; every event once each side."""
    agency = k.office.agency_id
    listed = [d for d in server_cli(srv, "dossier", "list", "--json") if d["agency_id"] == agency]
    mine = k.store.query("SELECT id, code, status FROM dossiers ORDER BY n")
    by_code = {d["code"]: d for d in listed}
    assert len(by_code) == len(listed), "a dossier twice on the server"
    assert sorted(by_code) == sorted(d["code"] for d in mine)
    for d in mine:
        local = sorted(
            r["sha256"]
            for r in k.store.query(
                "SELECT DISTINCT sha256 FROM dossier_attachments WHERE dossier_id = ?", [d["id"]]
            )
        )
        held = by_code[d["code"]]
        assert held["attachments"] == local, d["code"]
        assert held["status"] == d["status"], d["code"]
        assert held["complete"] is True, d["code"]
        for sha in local:  # byte-identical: the file in the server's data folder
            data = srv.service.attachment_path(sha).read_bytes()
            assert hashlib.sha256(data).hexdigest() == sha
            assert data == k.files.read_bytes(sha)

    # the kiosk's side: everything sent, every upload complete
    states = Counter(r["state"] for r in k.store.query("SELECT state FROM outbox"))
    assert set(states) == {"sent"}, states
    uploads = Counter(r["state"] for r in k.store.query("SELECT state FROM sync_uploads"))
    assert set(uploads) <= {"complete"}, uploads

    # nothing twice on the server: its event log holds each outbox event exactly once
    device = k.store.query("SELECT device_id FROM sync_device")[0]["device_id"]
    outbox = [r["id"] for r in k.store.query("SELECT id FROM outbox ORDER BY seq")]
    with srv.service.db.tx(write=False) as tx:
        logged = [r["id"] for r in tx.all("SELECT id FROM events WHERE device_id = ?", [device])]
        ids = [d["id"] for d in mine]
        history = tx.all(
            "SELECT id, dossier_id, event, from_status, to_status, origin FROM status_history"
            f" WHERE dossier_id IN ({', '.join('?' * len(ids))})",
            ids,
        )
    assert sorted(logged) == sorted(outbox)
    # the commune's moves: once each on the server, as in the kiosk's timeline
    events = k.store.query(
        "SELECT id, dossier_id, kind, from_status, to_status, origin, data FROM events"
        f" WHERE dossier_id IN ({', '.join('?' * len(ids))})",
        ids,
    )
    commune_local = sorted(
        (e["id"], e["from_status"], e["to_status"])
        for e in events
        if e["origin"] == "commune" and e["from_status"] is not None
    )
    commune_server = sorted(
        (h["id"], h["from_status"], h["to_status"])
        for h in history
        if h["origin"] == "commune" and h["event"] != "received"
    )
    assert commune_local == commune_server
    assert Counter(h["dossier_id"] for h in history if h["event"] == "received") == Counter(ids)
    # every province move reached the kiosk, once
    province_server = sorted(h["id"] for h in history if h["origin"] == "province")
    province_local = sorted(
        json.loads(e["data"])["province_event_id"] for e in events if e["origin"] == "province"
    )
    assert province_local == province_server
    return {
        "dossiers": len(mine),
        "files": sum(len(d["attachments"]) for d in listed),
        "province_moves": len(province_server),
        "commune_moves": len(commune_server),
    }


# ------------------------------------------------------------------ resets
@sqlite_only
def test_resets_mid_push_and_mid_upload(rig: tuple[Srv, TcpProxy, Any]) -> None:
    srv, proxy, k = rig
    subs = with_scans(k, 3)
    k.intake.transition(subs[0].code, 5, actor="clerk", reason="thiếu bản sao")
    # the push body cut after its headers and 300 bytes; two uploads cut mid-file; one
    # upload's last chunk reaching the server whose answer is lost (the file is complete there)
    proxy.reset_after(300 + 400, match=b"POST /v1/push")
    proxy.reset_after(20_000, match=b"PATCH /v1/attachments/", times=2)
    proxy.reset_after(0, direction=DOWN, match=b"PATCH /v1/attachments/")
    report = sync_once(k, transport=fast(), config=SyncConfig(feeds=()))
    assert proxy.resets == 4 and proxy.armed == 0
    assert report.ok, report.errors  # each fault cost a retry, nothing more
    assert report.retries == 4 and report.pushed == 4 and report.duplicates == 0
    assert report.uploaded_files >= 5  # the one whose answer was lost may count on its retry
    clean_pass(k, proxy)
    assert assert_converged(srv, k) == {
        "dossiers": 3,
        "files": 6,
        "province_moves": 0,
        "commune_moves": 1,
    }


@sqlite_only
def test_answers_lost_after_the_server_committed(rig: tuple[Srv, TcpProxy, Any]) -> None:
    srv, proxy, k = rig
    subs = with_scans(k, 2, 8 * 1024) + [submit(k, []) for _ in range(4)]
    # the push committed, its answer lost twice: mid-headers, then before the first byte
    proxy.reset_after(40, direction=DOWN, match=b"POST /v1/push")
    proxy.reset_after(0, direction=DOWN, match=b"POST /v1/push")
    report = sync_once(k, transport=fast(), config=SyncConfig(feeds=()))
    assert report.ok, report.errors
    assert proxy.resets == 2 and report.retries == 2
    assert (report.pushed, report.duplicates) == (0, 6)  # applied once, answered three times
    # province moves; the first status page applied by the server's answer is lost mid-body
    for s in subs[:3]:
        srv.service.advance(s.code, "processing", note="chuyển phòng")
    srv.service.advance(subs[0].code, "done", appointment_at="2025-03-20T16:00:00+07:00")
    proxy.reset_after(300, direction=DOWN, match=b"GET /v1/feeds/status")
    report = sync_once(k, transport=fast(), config=SyncConfig(feeds=("status",)))
    assert report.ok, report.errors
    assert proxy.resets == 3 and report.statuses_applied == 4
    clean_pass(k, proxy)
    got = assert_converged(srv, k)
    assert got["province_moves"] == 4 and got["dossiers"] == 6
    assert k.intake.lookup(subs[0].code).dossier["status"] == 9


# ------------------------------------------------------------------ black hole
@sqlite_only
def test_black_hole_then_recovery(rig: tuple[Srv, TcpProxy, Any]) -> None:
    srv, proxy, k = rig
    subs = with_scans(k, 2)
    # the link swallows everything: the pass gives up (stall watchdog), nothing is lost
    proxy.configure(blackhole=True)
    began = time.monotonic()
    report = sync_once(k, transport=fast(timeout=0.5, attempts=2))
    assert time.monotonic() - began < 5
    assert [(e["phase"], e["class"]) for e in report.errors] == [("push", "transient")]
    assert report.errors[0]["code"] == "timeout"
    assert srv.service.list_dossiers(agency_id=k.office.agency_id) == []
    assert k.store.query("SELECT COUNT(*) AS n FROM outbox WHERE state = 'pending'")[0]["n"] == 2

    # the link comes back, then falls into a black hole in the middle of the uploads
    proxy.configure(blackhole=False)

    def swallow(conn: Conn, sent: int, total: int, n: int) -> str | None:
        if sent + n > 30_000 and not proxy.blackhole:
            proxy.configure(blackhole=True)  # from this chunk on, nothing moves
            return "drop"
        return None

    proxy.hook = RequestWatch(b"PATCH ", swallow)
    report = sync_once(k, transport=fast(timeout=2, attempts=2))
    assert report.pushed == 2
    assert [(e["phase"], e["class"]) for e in report.errors] == [("upload", "transient")]
    assert proxy.blackhole and srv.service.dossier(subs[0].code)["complete"] is False

    clean_pass(k, proxy)  # the link is good again: the uploads resume
    assert assert_converged(srv, k)["files"] == 4


# ------------------------------------------------------------------ duplicates, reordering
@sqlite_only
def test_replayed_and_reordered_batches(rig: tuple[Srv, TcpProxy, Any]) -> None:
    srv, proxy, k = rig
    watch = RequestWatch(b"POST /v1/push")  # raw pushes as they crossed the link
    proxy.hook = watch
    a, b = with_scans(k, 1, 4096)[0], submit(k, [])
    assert sync_once(k, transport=fast()).ok  # batch 1: two submissions
    k.intake.transition(a.code, 5, actor="clerk", reason="thiếu giấy")
    k.intake.transition(b.code, 7, actor="clerk", reason="công dân rút")
    assert sync_once(k, transport=fast()).pushed == 2  # batch 2: two moves
    proxy.hook = None
    captured = watch.raw
    assert len(captured) == 2

    def replay(raw: bytes) -> list[dict[str, Any]]:
        with socket.create_connection(("127.0.0.1", proxy.port), timeout=10) as s:
            s.sendall(raw)
            got = b""
            while b"\r\n\r\n" not in got or len(got) < _framed(got):
                chunk = s.recv(65536)
                if not chunk:
                    break
                got += chunk
        head, _, body = got.partition(b"\r\n\r\n")
        assert head.startswith(b"HTTP/1.1 200"), head
        if b"content-encoding: gzip" in head.lower():
            import gzip

            body = gzip.decompress(body)
        return json.loads(body)["results"]

    # the network delivers old batches again, newest first: duplicates, nothing changes
    for raw in (captured[1], captured[0], captured[1]):
        results = replay(raw)
        assert [r["status"] for r in results] == ["duplicate", "duplicate"]
    assert srv.service.dossier(a.code)["status"] == 5
    assert srv.service.dossier(b.code)["status"] == 7

    # a move that overtakes its dossier: refused (not remembered), then accepted in order
    c = submit(k, [os.urandom(2000)])
    k.intake.transition(c.code, 5, actor="clerk", reason="thiếu ảnh")
    rows = k.store.query("SELECT * FROM outbox WHERE state = 'pending' ORDER BY seq")
    late = {
        "id": rows[1]["id"],
        "kind": rows[1]["kind"],
        "entity_id": rows[1]["entity_id"],
        "created_at": rows[1]["created_at"],
        "payload": json.loads(rows[1]["payload"]),
    }
    token = load_credential(k.data_dir)["token"]
    with httpx.Client(base_url=proxy.url, headers={"Authorization": f"Bearer {token}"}) as c2:
        r = c2.post("/v1/push", json={"events": [late]})
    assert r.json()["results"][0]["reason"]["code"] == "unknown_dossier"
    report = sync_once(k, transport=fast())
    assert report.ok and (report.pushed, report.duplicates, report.rejected) == (2, 0, 0)

    clean_pass(k, proxy)
    got = assert_converged(srv, k)
    assert got["dossiers"] == 3 and got["commune_moves"] == 3


def _framed(raw: bytes) -> int:
    head, _, _ = raw.partition(b"\r\n\r\n")
    return len(head) + 4 + _length(head)


# ------------------------------------------------------------------ processes killed
@pytest.fixture
def own_server(tmp_path: Path) -> Iterator[Any]:
    """A SQLite server this test may kill and start again on the same data folder."""
    from sync.server.db import Database
    from sync.server.service import Service

    data = tmp_path / "server"
    data.mkdir()
    log = data / "server.log"
    proc, url = _start("sqlite", data, None, log)
    db = Database.for_data_dir(data, None)
    srv = Srv("sqlite", url, data, None, log, Service(db, data))
    srv.proc = proc  # type: ignore[attr-defined]
    try:
        yield srv
    finally:
        srv.proc.kill()  # type: ignore[attr-defined]
        srv.proc.wait(10)  # type: ignore[attr-defined]
        db.close()


def test_server_killed_mid_batch_and_restarted(
    tmp_path: Path, own_server: Srv, proxy: TcpProxy
) -> None:
    srv = own_server
    proxy.configure(upstream=_hostport(srv.url))
    k = kiosk_via(tmp_path / "kiosk", srv, proxy)
    try:
        # 8 batches: each round uses one or two, so every round has a second batch to kill
        subs = with_scans(k, 2, 4096) + [submit(k, []) for _ in range(238)]
        cfg = SyncConfig(batch_events=30)
        outcomes = []
        # the server dies with a 30-event batch in its hands: as the request's last bytes
        # reach it, 2 ms and 12 ms later; it is started again on the same data folder
        for round_, delay in enumerate((0.0, 0.002, 0.012)):
            killed = threading.Event()
            proxy.hook = RequestWatch(b"POST /v1/push", _kill_at(2, delay, srv.proc, killed))  # type: ignore[attr-defined]
            before = len(srv.service.list_dossiers(agency_id=k.office.agency_id))
            report = sync_once(k, transport=fast(attempts=2), config=cfg)
            assert killed.is_set(), round_
            srv.proc.wait(10)  # type: ignore[attr-defined]
            assert not report.ok and report.errors[0]["class"] == "transient"
            proxy.hook = None
            srv.proc, srv.url = _start("sqlite", srv.data_dir, None, srv.log)  # type: ignore[attr-defined]
            proxy.configure(upstream=_hostport(srv.url))
            after = len(srv.service.list_dossiers(agency_id=k.office.agency_id))
            # all of the batch or none of it
            assert after - before - report.pushed in (0, 30), (before, after, report.pushed)
            outcomes.append("committed" if after - before - report.pushed else "lost")
        print("batches in the server's hands when it died:", outcomes)
        srv.service.advance(subs[0].code, "processing")
        clean_pass(k, proxy)
        got = assert_converged(srv, k)
        assert got["dossiers"] == 240 and got["province_moves"] == 1
    finally:
        k.close()


def _kill_at(batch: int, delay: float, proc: subprocess.Popen, killed: threading.Event) -> Any:
    """A :class:`RequestWatch` callback: SIGKILL ``proc`` ``delay`` s after the last bytes of
    the pass's ``batch``-th push are handed to the server."""
    seen = [0]

    def on(conn: Conn, sent: int, total: int, n: int) -> None:
        if sent + n >= total:
            seen[0] += 1
            if seen[0] == batch and not killed.is_set():
                killed.set()
                threading.Timer(delay, proc.kill).start()

    return on


def motcua_sync(data_dir: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "kiosk_app.cli", "sync", "--once", "--json"]
        + ["--data-dir", str(data_dir)],
        cwd=ROOT,
        env=os.environ | {"PYTHONPATH": str(ROOT)},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


@sqlite_only
def test_sync_process_killed_mid_upload_and_rerun(rig: tuple[Srv, TcpProxy, Any]) -> None:
    srv, proxy, k = rig
    big = os.urandom(300_000)  # five 64 KiB chunks
    subs = [submit(k, [big, os.urandom(SCAN)])] + with_scans(k, 2)
    total = len(big) + 5 * SCAN
    proc: list[subprocess.Popen] = []
    patched = [0]

    def kill(conn: Conn, sent: int, total_: int, n: int) -> str | None:
        patched[0] += n
        if patched[0] > 200_000 and proc[0].poll() is None:
            os.kill(proc[0].pid, signal.SIGKILL)  # mid-chunk: this chunk never arrives
            return "drop"
        return None

    proxy.hook = RequestWatch(b"PATCH ", kill)
    proc.append(motcua_sync(k.data_dir))
    proc[0].communicate(timeout=60)
    assert proc[0].returncode == -signal.SIGKILL
    done = k.store.query("SELECT SUM(confirmed) AS n FROM sync_uploads")[0]["n"]
    assert 0 < done < total
    assert k.store.query("SELECT COUNT(*) AS n FROM outbox WHERE state = 'sent'")[0]["n"] == 3

    proxy.hook = None
    again = motcua_sync(k.data_dir)
    out, err = again.communicate(timeout=60)
    assert again.returncode == 0, err
    report = json.loads(out)
    assert report["ok"] and report["pushed"] == 0
    assert report["uploaded_bytes"] <= total - done  # resumed, not started over
    srv.service.advance(subs[1].code, "processing")
    clean_pass(k, proxy)
    assert assert_converged(srv, k)["files"] == 6


# ------------------------------------------------------------------ the link
@pytest.mark.parametrize("server", ["postgresql"], indirect=True)
def test_slow_lossy_link_end_to_end(rig: tuple[Srv, TcpProxy, Any]) -> None:
    """256 kbit/s and 300 ms each way, an upload reset and a push answer lost on the way:
    PostgreSQL this time."""
    srv, proxy, k = rig
    proxy.configure(rate=32_000, latency=0.3)
    subs = with_scans(k, 2, 12 * 1024)
    proxy.reset_after(8_000, match=b"PATCH /v1/attachments/")
    proxy.reset_after(0, direction=DOWN, match=b"POST /v1/push")
    report = sync_once(k, transport=fast(timeout=10))
    assert report.ok, report.errors
    assert proxy.resets == 2 and report.duplicates == 2 and report.uploaded_files == 4
    srv.service.advance(subs[1].code, "processing", note="đã nhận")
    proxy.configure(rate=32_000, latency=0.3)
    report = sync_once(k, transport=fast(timeout=10), config=SyncConfig(feeds=("status",)))
    assert report.ok and report.statuses_applied == 1
    clean_pass(k, proxy)
    assert assert_converged(srv, k) == {
        "dossiers": 2,
        "files": 4,
        "province_moves": 1,
        "commune_moves": 0,
    }
