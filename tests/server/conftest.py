"""The provincial server under test: the real thing, run by uvicorn in a subprocess on a free
loopback port, once per engine (SQLite, PostgreSQL) and test session (per xdist worker).

PostgreSQL: a private cluster (initdb + pg_ctl into a temporary folder, a free port, fsync off)
run as an unprivileged user when the tests run as root (``runuser -u postgres``). If no
cluster can be started the PostgreSQL tests are skipped with the reason, except under
``CI=true``, where that is a failure.

Every test gets fresh devices with their own agency id and commune (:meth:`Srv.device`), so
tests sharing one server do not see each other's dossiers or status entries.
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import itertools
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest

ROOT = Path(__file__).resolve().parents[2]
ENGINES = ("sqlite", "postgresql")
IN_CI = os.environ.get("CI", "").lower() == "true"
VN = "+07:00"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# ------------------------------------------------------------------ PostgreSQL cluster
def _pg_bin() -> Path | None:
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), reverse=True)
    if found:
        return found[0].parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


def _unavailable(reason: str) -> None:
    if IN_CI:
        pytest.fail(f"PostgreSQL is required under CI=true: {reason}")
    pytest.skip(f"PostgreSQL tests skipped: {reason}")


@pytest.fixture(scope="session")
def pg_url() -> Iterator[str]:
    bindir = _pg_bin()
    if bindir is None:
        _unavailable("no initdb/pg_ctl found (Debian package `postgresql`)")
    as_user: list[str] = []
    tmp = Path(tempfile.mkdtemp(prefix="motcua-pg-"))
    if os.geteuid() == 0:
        import pwd

        try:
            pw = pwd.getpwnam("postgres")
        except KeyError:
            shutil.rmtree(tmp, ignore_errors=True)
            _unavailable("running as root and there is no `postgres` user to run the cluster")
        os.chown(tmp, pw.pw_uid, pw.pw_gid)
        as_user = ["runuser", "-u", "postgres", "--"]
    data, port = tmp / "data", free_port()
    try:
        subprocess.run(
            [
                *as_user,
                str(bindir / "initdb"),
                "-D",
                str(data),
                "-A",
                "trust",
                "-U",
                "postgres",
                "-E",
                "UTF8",
                "--locale=C",
                "--no-sync",
            ],
            check=True,
            capture_output=True,
            timeout=60,
            cwd=tmp,
        )
        opts = (
            f"-p {port} -k {tmp} -c listen_addresses=127.0.0.1 -c fsync=off "
            "-c synchronous_commit=off -c full_page_writes=off"
        )
        subprocess.run(
            [
                *as_user,
                str(bindir / "pg_ctl"),
                "-D",
                str(data),
                "-o",
                opts,
                "-l",
                str(tmp / "log"),
                "-w",
                "-t",
                "30",
                "start",
            ],
            check=True,
            capture_output=True,
            timeout=60,
            cwd=tmp,
        )
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired, OSError) as exc:
        detail = getattr(exc, "stderr", b"") or b""
        shutil.rmtree(tmp, ignore_errors=True)
        _unavailable(f"cannot start a private cluster: {exc} {detail.decode(errors='replace')}")
    try:
        yield f"postgresql://postgres@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run(
            [*as_user, str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"],
            capture_output=True,
            timeout=60,
            cwd=tmp,
        )
        shutil.rmtree(tmp, ignore_errors=True)


def _fresh_database(admin_url: str, name: str) -> str:
    import psycopg

    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    return admin_url.rsplit("/", 1)[0] + f"/{name}"


# ------------------------------------------------------------------ the server
_agencies = itertools.count(1)


@dataclass
class Device:
    id: str
    token: str
    agency_id: str
    commune: str
    slot: int
    client: httpx.Client
    seq: itertools.count = field(default_factory=lambda: itertools.count(1))

    def code(self, day: str = "250312") -> str:
        return f"{self.agency_id}-{day}-{self.slot * 1000 + next(self.seq):04d}"


@dataclass
class Srv:
    engine: str
    url: str
    data_dir: Path
    db_url: str | None
    log: Path
    service: Any
    clients: list[httpx.Client] = field(default_factory=list)

    def client(self, token: str | None = None, **kw: Any) -> httpx.Client:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        c = httpx.Client(base_url=self.url, headers=headers, timeout=30, **kw)
        self.clients.append(c)
        return c

    def new_agency(self) -> tuple[str, str]:
        from kiosk_app.core import admin_units

        n = next(_agencies)
        communes = admin_units.communes()
        return f"{n:03d}.{os.getpid() % 100:02d}.06.H56", communes[n * 7 % len(communes)].code

    def enrolment(
        self, agency: str | None = None, commune: str | None = None, slot: int = 1, **kw: Any
    ) -> dict[str, Any]:
        if agency is None:
            agency, commune = self.new_agency()
        return self.service.create_enrolment(commune=commune, agency_id=agency, slot=slot, **kw)

    def device(
        self,
        agency: str | None = None,
        commune: str | None = None,
        slot: int = 1,
        public_key: Any = None,
    ) -> Device:
        made = self.enrolment(agency, commune, slot)
        body: dict[str, Any] = {"code": made["code"], "device_name": "máy thử"}
        if public_key is not None:
            body["public_key"] = public_key
        r = httpx.post(f"{self.url}/v1/enrol", json=body, timeout=30)
        assert r.status_code == 201, r.text
        d = r.json()
        return Device(
            d["device_id"],
            d["token"],
            d["agency_id"],
            d["commune"],
            d["slot"],
            self.client(d["token"]),
        )

    def user(
        self, role: str = "province_admin", commune: str | None = None, password: str | None = None
    ) -> dict[str, Any]:
        """A new back-office user (its own login), with ``password`` when given."""
        login = f"u{next(_agencies)}-{uuid.uuid4().hex[:8]}"
        return self.service.add_user(login, password, role, commune=commune, name="cán bộ")

    def operator(self, role: str = "province_admin", commune: str | None = None) -> httpx.Client:
        """A client logged in (a session token) as a new user with ``role``."""
        login = self.user(role, commune)["login"]
        return self.client(self.service.session_for(login)["token"])


def _start(
    engine: str, data_dir: Path, db_url: str | None, log: Path
) -> tuple[subprocess.Popen, str]:
    port = free_port()
    cmd = [
        sys.executable,
        "-m",
        "sync.server",
        "run",
        "--data-dir",
        str(data_dir),
        "--port",
        str(port),
        "--log-level",
        "info",
    ]
    if db_url:
        cmd += ["--db", db_url]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    fh = open(log, "wb")  # noqa: SIM115 - closed with the process
    proc = subprocess.Popen(cmd, stdout=fh, stderr=subprocess.STDOUT, cwd=ROOT, env=env)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited: {log.read_text(errors='replace')[-2000:]}")
        try:
            if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                return proc, url
        except httpx.TransportError:
            time.sleep(0.05)
    proc.kill()
    raise RuntimeError(f"server did not start: {log.read_text(errors='replace')[-2000:]}")


@pytest.fixture(scope="session", params=ENGINES)
def server(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Srv]:
    from sync.server.db import Database
    from sync.server.service import Service

    engine = request.param
    data_dir = tmp_path_factory.mktemp(f"server-{engine}")
    db_url = None
    if engine == "postgresql":
        db_url = _fresh_database(
            request.getfixturevalue("pg_url"), f"motcua_{uuid.uuid4().hex[:8]}"
        )
    log = data_dir / "server.log"
    proc, url = _start(engine, data_dir, db_url, log)
    db = Database.for_data_dir(data_dir, db_url)
    srv = Srv(engine, url, data_dir, db_url, log, Service(db, data_dir))
    try:
        yield srv
    finally:
        for c in srv.clients:
            c.close()
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
        db.close()


# ------------------------------------------------------------------ payloads like the kiosk's
def canonical(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def uuid7() -> str:
    import uuid6

    return str(uuid6.uuid7())


def blob(n: int, seed: int = 0) -> bytes:
    """``n`` deterministic pseudo-random bytes (a stand-in for a scan)."""
    out = bytearray()
    i = 0
    while len(out) < n:
        out += hashlib.sha256(f"{seed}:{i}".encode()).digest()
        i += 1
    return bytes(out[:n])


def submitted(
    dev: Device,
    *,
    code: str | None = None,
    files: list[bytes] = (),
    status: int = 2,
    name: str = "Nguyễn Văn Thử",
    id_number: str = "046095001234",
) -> dict[str, Any]:
    """A ``dossier.submitted`` outbox event shaped exactly as kiosk_app.core.intake makes it."""
    code = code or dev.code()
    dossier_id = uuid7()
    received = f"2025-03-12T09:30:00{VN}"
    atts = [
        {
            "sha256": hashlib.sha256(f).hexdigest(),
            "size": len(f),
            "mime": "image/jpeg",
            "name": f"scan-{i}.jpg",
            "document_id": None,
            "field_path": None,
        }
        for i, f in enumerate(files)
    ]
    content = {
        "code": code,
        "procedure": "1.001193",
        "catalog_version": "2026.11.1",
        "answers": {"requester": {"full_name": name, "id_number": id_number}},
        "documents": [{"id": "to_khai", "name": "Tờ khai", "form": "original", "count": 1}],
        "received_at": received,
        "attachments": sorted(a["sha256"] for a in atts),
    }
    content_hash = hashlib.sha256(canonical(content)).hexdigest()
    payload = {
        **content,
        "id": dossier_id,
        "status": status,
        "channel": "desk" if status == 2 else "kiosk",
        "fee": 0,
        "delivery": "desk",
        "appointment_at": f"2025-03-12T17:00:00{VN}" if status == 2 else None,
        "content_hash": content_hash,
        "attachments": atts,
        "applicant": {"full_name": name, "id_number": id_number},
    }
    return {
        "id": uuid7(),
        "kind": "dossier.submitted",
        "entity_id": dossier_id,
        "created_at": received,
        "payload": payload,
    }


def transition(
    sub_event: dict[str, Any], event: str, frm: int, to: int, data: dict[str, Any] | None = None
) -> dict[str, Any]:
    p = sub_event["payload"]
    return {
        "id": uuid7(),
        "kind": f"dossier.{event}",
        "entity_id": p["id"],
        "created_at": f"2025-03-12T10:00:00{VN}",
        "payload": {
            "event_id": uuid7(),
            "dossier_id": p["id"],
            "code": p["code"],
            "from": frm,
            "to": to,
            "at": f"2025-03-12T10:00:00{VN}",
            "data": data or {},
        },
    }


def push(dev: Device, *events: dict[str, Any], gz: bool = False) -> list[dict[str, Any]]:
    body = json.dumps({"events": list(events)}).encode()
    headers = {"Content-Type": "application/json"}
    if gz:
        body = gzip.compress(body)
        headers["Content-Encoding"] = "gzip"
    r = dev.client.post("/v1/push", content=body, headers=headers)
    assert r.status_code == 200, r.text
    return r.json()["results"]


def upload(
    dev: Device, data: bytes, chunk: int = 64 * 1024, start: int = 0, sha: str | None = None
) -> httpx.Response:
    sha = sha or hashlib.sha256(data).hexdigest()
    r = None
    for off in range(start, max(len(data), 1), chunk):
        r = dev.client.patch(
            f"/v1/attachments/{sha}",
            content=data[off : off + chunk],
            headers={
                "Upload-Offset": str(off),
                "Upload-Length": str(len(data)),
                "Content-Type": "application/octet-stream",
            },
        )
        if r.status_code != 200:
            return r
    assert r is not None
    return r


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


# ------------------------------------------------------------------ in-process (ASGI)
def make_app(data_dir: Path, **guard: Any) -> tuple[Any, Any]:
    """The real app over a fresh SQLite service in ``data_dir``, in this process (no
    network): (app, service). ``guard``: sync.server.security.Guard options."""
    from sync.server.app import create_app
    from sync.server.db import Database
    from sync.server.security import Guard
    from sync.server.service import Service

    db = Database.for_data_dir(data_dir)
    db.migrate()
    service = Service(db, data_dir)
    return create_app(service, Guard(**guard)), service


def asgi_client(app: Any, ip: str = "127.0.0.1", https: bool = False, **kw: Any) -> Any:
    """A synchronous client calling ``app`` in-process as if from ``ip``."""
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from starlette.testclient import TestClient

        return TestClient(
            app,
            base_url=("https" if https else "http") + "://motcua.test",
            client=(ip, 40000),
            raise_server_exceptions=False,
            **kw,
        )
