"""Bench: a commune's backlog over a 256 kbit/s, 300 ms link, against the OpenRosa style.

A real kiosk data folder (``open_kiosk``, dossiers taken through ``Intake.submit``) syncs
with :func:`sync.client.sync_once` and its default transport (timeouts, two upload streams,
64 KiB chunks, gzip push batches of 50) to a real ``motcua-server run`` process (SQLite)
through :class:`tests.support.tcp_proxy.TcpProxy` set to 256 kbit/s and 300 ms each way (a
new connection pays one round trip for its handshake; one FIFO queue per direction shared by
all connections, 64 KB deep). Bytes are counted at the proxy, both directions, HTTP headers
included (what crosses the link; TCP/IP framing not counted).

Measured, in one run:

1. **drain**: 30 dossiers, each with two 40 KiB scans (random bytes, i.e. incompressible like
   JPEG), pushed and uploaded: the time of the pass (push + uploads; the feeds pull that
   follows in a real pass is left out: ``SyncConfig(feeds=())``; the receipt key and feeds
   were synced before the backlog was made, as in steady state). Every dossier must be
   complete on the server afterwards.
2. **goodput**: the scans' bytes / drain time / link rate (32,000 B/s). Only scan bytes count
   as useful (the dossiers' JSON, ~2 % more, does not).
3. **baseline, same proxy, same settings, same run**: the same 30 dossiers sent the way
   ODK Collect, KoboToolbox and CommCare submit (OpenRosa Form Submission API): for each one,
   ``HEAD /submission`` (204 + ``X-OpenRosa-Accept-Content-Length``), then one
   ``multipart/form-data`` POST with ``xml_submission_file`` (the same dossier as an XForm
   instance XML: the outbox payload's fields as elements, ``orx:meta/instanceID``) and both
   scans as file parts; one keep-alive connection, one submission after the other, request
   bodies not compressed, answers ``201`` with an ``OpenRosaResponse``. Its receiving end is a
   small Starlette app under uvicorn inside this process (no checks, no database: it parses
   the multipart body and verifies each file's sha256), not part of the product server.
4. **bytes per dossier**: 500 dossiers without scans, ours vs the OpenRosa style, link bytes
   both ways / 500. Byte counts do not depend on the link's speed, so this part runs through
   the same proxy unthrottled (the OpenRosa style would take ~12 minutes at 300 ms).

Every dossier is a birth registration (procedure 1.001193's example answers) with its own
people: names drawn from bench/support/_fixture's tables, CCCD numbers consistent with sex
and year, birth years, house number (identical dossiers would flatter gzip).

Goals (issue 5): goodput ≥ 80 % of the link; drain time ≤ 0.75× the OpenRosa style's; bytes
per dossier ≤ 0.3× the OpenRosa style's. Earlier stdout lines carry the goodput and bytes
results as JSON; the last line is the drain-time result, whose ``met`` is all three goals.

    /work/venv/bin/python bench/sync_link.py                 # ~3.5 minutes
    /work/venv/bin/python bench/sync_link.py --dossiers 6 --small 100     # a quick try
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from datetime import datetime
from email.utils import formatdate
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent / "support"))
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402

from tests.support.tcp_proxy import TcpProxy  # noqa: E402

GOODPUT_GOAL = 0.80
DRAIN_GOAL = 0.75
BYTES_GOAL = 0.30
BIRTH = "1.001193"


def log(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# ------------------------------------------------------------------ the real server
def start_server(data_dir: Path) -> tuple[subprocess.Popen, int]:
    port = free_port()
    cmd = [sys.executable, "-m", "sync.server", "run", "--data-dir", str(data_dir)]
    cmd += ["--port", str(port), "--log-level", "warning"]
    log_file = open(data_dir / "server.log", "wb")  # noqa: SIM115 - lives with the process
    proc = subprocess.Popen(
        cmd, cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)},
        stdout=log_file, stderr=subprocess.STDOUT,
    )  # fmt: skip
    deadline = time.monotonic() + 60
    while True:
        if proc.poll() is not None:
            raise SystemExit((data_dir / "server.log").read_text(errors="replace")[-2000:])
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                return proc, port
        except httpx.TransportError:
            pass
        if time.monotonic() > deadline:
            proc.kill()
            raise SystemExit("server did not start")
        time.sleep(0.05)


# ------------------------------------------------------------------ the OpenRosa baseline
OPENROSA_HEADERS = {"X-OpenRosa-Version": "1.0", "X-OpenRosa-Accept-Content-Length": "10485760"}
OPENROSA_OK = (
    '<OpenRosaResponse xmlns="http://openrosa.org/http/response">'
    '<message nature="submit_success">Form Received!</message></OpenRosaResponse>'
)


def parse_multipart(body: bytes, content_type: str) -> list[tuple[dict[str, str], bytes]]:
    """(part headers, part body) for each part of a multipart/form-data body."""
    m = re.search(r'boundary="?([^";]+)"?', content_type)
    if not m:
        raise ValueError("no boundary")
    delim = b"--" + m.group(1).encode()
    parts = []
    for chunk in body.split(delim)[1:]:
        if chunk.startswith(b"--"):
            break
        head, _, data = chunk[2:].partition(b"\r\n\r\n")
        headers = {}
        for line in head.split(b"\r\n"):
            name, _, value = line.decode().partition(":")
            headers[name.strip().lower()] = value.strip()
        parts.append((headers, data[:-2]))  # the CRLF before the next delimiter
    return parts


class OpenRosaEndpoint:
    """``HEAD``/``POST /submission`` as an OpenRosa server answers them, under uvicorn in a
    thread of this process. Keeps what it received (instance ids, file hashes)."""

    def __init__(self) -> None:
        self.instances: list[str] = []
        self.files: dict[str, int] = {}
        self.port = free_port()
        self._server: Any = None
        self._thread: threading.Thread | None = None

    def app(self) -> Any:
        from starlette.applications import Starlette
        from starlette.requests import Request
        from starlette.responses import Response
        from starlette.routing import Route

        async def submission(request: Request) -> Response:
            headers = {**OPENROSA_HEADERS, "Date": formatdate(usegmt=True)}
            if request.method == "HEAD":
                return Response(status_code=204, headers=headers)
            body = await request.body()
            parts = parse_multipart(body, request.headers["content-type"])
            xml = [d for h, d in parts if 'name="xml_submission_file"' in h["content-disposition"]]
            m = re.search(rb"<instanceID>uuid:([^<]+)</instanceID>", xml[0])
            self.instances.append(m.group(1).decode() if m else "?")
            for h, data in parts:
                name = re.search(r'filename="([^"]+)"', h["content-disposition"])
                if name and name.group(1) != "submission.xml":
                    sha = hashlib.sha256(data).hexdigest()
                    self.files[sha] = len(data)
            return Response(
                OPENROSA_OK, status_code=201, headers=headers,
                media_type="text/xml; charset=utf-8",
            )  # fmt: skip

        return Starlette(routes=[Route("/submission", submission, methods=["HEAD", "POST"])])

    def start(self) -> None:
        import uvicorn

        config = uvicorn.Config(
            self.app(), host="127.0.0.1", port=self.port, log_level="warning",
            server_header=False, lifespan="off",
        )  # fmt: skip
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, daemon=True)
        self._thread.start()
        deadline = time.monotonic() + 20
        while not self._server.started:
            if time.monotonic() > deadline:
                raise SystemExit("the OpenRosa endpoint did not start")
            time.sleep(0.02)

    def stop(self) -> None:
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(10)


def _tag(name: str) -> str:
    tag = re.sub(r"[^A-Za-z0-9_.-]", "_", str(name))
    return tag if re.match(r"[A-Za-z_]", tag) else f"_{tag}"


def _xml(name: str, value: Any) -> str:
    tag = _tag(name)
    if isinstance(value, dict):
        return f"<{tag}>" + "".join(_xml(k, v) for k, v in value.items()) + f"</{tag}>"
    if isinstance(value, list):  # a repeat group: the element once per item
        return "".join(_xml(name, v) for v in value)
    if value is None:
        return f"<{tag}/>"
    if isinstance(value, bool):
        value = "true" if value else "false"
    return f"<{tag}>{escape(str(value))}</{tag}>"


def instance_xml(event: dict[str, Any]) -> bytes:
    """The dossier as an XForm instance (what ODK Collect would store and submit)."""
    p = event["payload"]
    fields = "".join(_xml(k, v) for k, v in p.items() if k != "attachments")
    files = "".join(
        f"<scan{i + 1}>{escape(a['name'])}</scan{i + 1}>" for i, a in enumerate(p["attachments"])
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        f'<data xmlns:jr="http://openrosa.org/javarosa" xmlns:orx="http://openrosa.org/xforms"'
        f' id="{escape(p["procedure"])}" version="{escape(p["catalog_version"])}">'
        f"{fields}{files}<orx:meta><orx:instanceID>uuid:{p['id']}</orx:instanceID>"
        "</orx:meta></data>"
    ).encode()


def openrosa_submit(
    base_url: str, token: str, events: list[dict[str, Any]], kiosk: Any
) -> dict[str, Any]:
    """Send every dossier the OpenRosa way; one keep-alive connection, in order."""
    headers = {
        "X-OpenRosa-Version": "1.0",
        "Authorization": f"Bearer {token}",
        "User-Agent": "org.odk.collect.android/v2024.3.5 okhttp/4.12.0",
    }
    t0 = time.perf_counter()
    with httpx.Client(base_url=base_url, headers=headers, timeout=60) as c:
        for ev in events:
            head = c.head("/submission", headers={"Date": formatdate(usegmt=True)})
            assert head.status_code == 204, head.status_code
            files = [("xml_submission_file", ("submission.xml", instance_xml(ev), "text/xml"))]
            for a in ev["payload"]["attachments"]:
                files.append(
                    (a["name"], (a["name"], kiosk.files.read_bytes(a["sha256"]), a["mime"]))
                )
            r = c.post("/submission", files=files, headers={"Date": formatdate(usegmt=True)})
            assert r.status_code == 201, (r.status_code, r.text[:200])
    return {"seconds": time.perf_counter() - t0}


# ------------------------------------------------------------------ the kiosk
def make_kiosk(data_dir: Path, agency: str, commune: str, service: Any, proxy_url: str) -> Any:
    from kiosk_app.bootstrap import configure_office, open_kiosk
    from kiosk_app.core.intake import VN_TZ
    from sync.client import enrol

    configure_office(
        data_dir,
        {"agency_id": agency, "commune_code": commune, "device_slot": 1, "agency_name": "UBND"},
    )
    k = open_kiosk(data_dir)
    fixed = datetime(2025, 3, 12, 9, 30, tzinfo=VN_TZ)
    k.intake.clock = lambda: fixed
    code = service.create_enrolment(commune=commune, agency_id=agency, slot=1)["code"]
    enrol(k, proxy_url, code, device_name="Máy đo")
    return k


def _person(rng: random.Random, male: bool, year: int) -> tuple[str, str]:
    """A name and a CCCD number consistent with sex and birth year (bench/support/_fixture)."""
    from _fixture import (
        CCCD_PROVINCES,
        GIVEN_FEMALE,
        GIVEN_MALE,
        MIDDLE_FEMALE,
        MIDDLE_MALE,
        SURNAMES,
    )

    def pick(table: list[tuple[str, float]]) -> str:
        return rng.choices([n for n, _ in table], [w for _, w in table])[0]

    middle, given = (MIDDLE_MALE, GIVEN_MALE) if male else (MIDDLE_FEMALE, GIVEN_FEMALE)
    name = f"{pick(SURNAMES)} {pick(middle)} {pick(given)}"
    province = "046" if rng.random() < 0.7 else rng.choice(CCCD_PROVINCES)
    digit = (0 if male else 1) + (2 if year >= 2000 else 0)
    return name, f"{province}{digit}{year % 100:02d}{rng.randrange(10**6):06d}"


def submit(k: Any, scans: list[bytes], rng: random.Random) -> None:
    """A birth registration with its own people (names, ID numbers, years, house number): a
    batch of identical dossiers would flatter gzip."""
    ex = k.catalog.get(BIRTH).example_submission()
    a = ex["answers"]
    fy, my = rng.randrange(1975, 2004), rng.randrange(1978, 2006)
    father, father_id = _person(rng, True, fy)
    mother, mother_id = _person(rng, False, my)
    house = f"Số {rng.randrange(1, 300)}, thôn {rng.choice(['Nam Đông', 'Phú Mậu', 'Hòa Bình', 'Thượng Lộ'])}"
    for who, name, id_number, year in (
        (a["father"], father, father_id, fy),
        (a["mother"], mother, mother_id, my),
    ):
        who.update(full_name=name, id_number=id_number, birth_year=year)
        who["residence"]["detail"] = house
    a["requester"].update(
        full_name=father,
        id_number=father_id,
        date_of_birth=f"{fy}-{rng.randrange(1, 13):02d}-{rng.randrange(1, 29):02d}",
    )
    a["requester"]["residence"]["detail"] = house
    a["child_birth_place"]["detail"] = house
    a["child_full_name"] = (
        father.split()[0] + " " + _person(rng, rng.random() < 0.5, 2026)[0].split(" ", 1)[1]
    )
    a["marriage_reg_number"] = f"{rng.randrange(1, 500)}/{fy + 25}"
    atts = []
    for i, data in enumerate(scans):
        f = k.files.put_bytes(data)
        atts.append({"sha256": f.sha256, "size": f.size, "name": f"scan{i + 1}.jpg"})
    k.intake.submit(BIRTH, a, ex["documents"], attachments=atts)


def pending_events(k: Any) -> list[dict[str, Any]]:
    rows = k.store.query("SELECT * FROM outbox WHERE state = 'pending' ORDER BY seq")
    return [{**r, "payload": json.loads(r["payload"])} for r in rows]


def link_bytes(proxy: TcpProxy) -> int:
    return proxy.bytes_up + proxy.bytes_down


def ours(k: Any, proxy: TcpProxy) -> dict[str, Any]:
    from sync.client import SyncConfig, sync_once

    proxy.zero()
    t0 = time.perf_counter()
    report = sync_once(k, config=SyncConfig(feeds=()))
    seconds = time.perf_counter() - t0
    if not report.ok:
        raise SystemExit(f"the kiosk's pass failed: {report.errors}")
    return {
        "seconds": seconds,
        "bytes": link_bytes(proxy),
        "up": proxy.bytes_up,
        "down": proxy.bytes_down,
        "requests": report.requests,
        "connections": proxy.connections,
        "pushed": report.pushed,
        "files": report.uploaded_files,
    }


def theirs(
    proxy: TcpProxy, endpoint: OpenRosaEndpoint, token: str, events: list[dict[str, Any]], k: Any
) -> dict[str, Any]:
    proxy.configure(upstream=("127.0.0.1", endpoint.port))
    proxy.zero()
    endpoint.instances.clear()
    endpoint.files.clear()
    r = openrosa_submit(proxy.url, token, events, k)
    assert len(endpoint.instances) == len(events)
    want = {a["sha256"] for e in events for a in e["payload"]["attachments"]}
    assert set(endpoint.files) == want, "the OpenRosa endpoint missed files"
    return {
        **r,
        "bytes": link_bytes(proxy),
        "up": proxy.bytes_up,
        "down": proxy.bytes_down,
        "requests": 2 * len(events),
        "connections": proxy.connections,
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--dossiers", type=int, default=30, help="backlog with scans (30)")
    ap.add_argument("--scan-bytes", type=int, default=40 * 1024, help="each scan (40 KiB)")
    ap.add_argument("--small", type=int, default=500, help="dossiers without scans (500)")
    ap.add_argument("--kbit", type=float, default=256.0, help="link rate each way, kbit/s")
    ap.add_argument("--latency-ms", type=float, default=300.0, help="one-way delay")
    args = ap.parse_args()
    rate = args.kbit * 1000 / 8
    rng = random.Random(5)

    from sync.client_enrol import load_credential
    from sync.server.db import Database
    from sync.server.service import Service

    work = Path(tempfile.mkdtemp(prefix="motcua-link-"))
    server_dir = work / "server"
    server_dir.mkdir()
    proc, port = start_server(server_dir)
    service = Service(Database.for_data_dir(server_dir, None), server_dir)
    endpoint = OpenRosaEndpoint()
    endpoint.start()
    proxy = TcpProxy(("127.0.0.1", port)).start()
    kiosks: list[Any] = []
    try:
        # ---------------------------------------------------------- the backlog with scans
        k = make_kiosk(work / "kiosk", "001.00.06.H56", "20179", service, proxy.url)
        kiosks.append(k)
        from sync.client import sync_once

        warm = sync_once(k)  # receipt key and feeds: the steady state before the backlog
        assert warm.ok, warm.errors
        for _ in range(args.dossiers):
            submit(k, [os.urandom(args.scan_bytes), os.urandom(args.scan_bytes)], rng)
        events = pending_events(k)
        token = load_credential(k.data_dir)["token"]
        scan_bytes = 2 * args.dossiers * args.scan_bytes
        log(
            f"backlog: {args.dossiers} dossiers, {scan_bytes:,} B of scans; link "
            f"{args.kbit:g} kbit/s ({rate:,.0f} B/s) and {args.latency_ms:g} ms each way"
        )

        proxy.configure(rate=rate, latency=args.latency_ms / 1000)
        mine = ours(k, proxy)
        listed = service.list_dossiers(agency_id="001.00.06.H56")
        assert len(listed) == args.dossiers and all(d["complete"] for d in listed)
        log(
            f"ours:     {mine['seconds']:.1f} s, {mine['bytes']:,} B on the link "
            f"(up {mine['up']:,}, down {mine['down']:,}), {mine['requests']} requests, "
            f"{mine['connections']} connections"
        )
        base = theirs(proxy, endpoint, token, events, k)
        log(
            f"OpenRosa: {base['seconds']:.1f} s, {base['bytes']:,} B on the link "
            f"(up {base['up']:,}, down {base['down']:,}), {base['requests']} requests, "
            f"{base['connections']} connections"
        )
        goodput = scan_bytes / mine["seconds"] / rate
        goodput_base = scan_bytes / base["seconds"] / rate

        # ---------------------------------------------------------- 500 without scans
        proxy.configure(rate=None, latency=0.0, upstream=("127.0.0.1", port))
        k2 = make_kiosk(work / "kiosk2", "002.00.06.H56", "20179", service, proxy.url)
        kiosks.append(k2)
        assert sync_once(k2).ok
        for _ in range(args.small):
            submit(k2, [], rng)
        small_events = pending_events(k2)
        small = ours(k2, proxy)
        assert small["pushed"] == args.small
        small_base = theirs(
            proxy, endpoint, load_credential(k2.data_dir)["token"], small_events, k2
        )
        per, per_base = small["bytes"] / args.small, small_base["bytes"] / args.small
        log(
            f"{args.small} dossiers without scans: ours {per:,.0f} B/dossier "
            f"({small['requests']} requests), OpenRosa {per_base:,.0f} B/dossier "
            f"({small_base['requests']} requests)"
        )
    finally:
        for kk in kiosks:
            kk.close()
        proxy.stop()
        endpoint.stop()
        proc.terminate()
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            proc.kill()
        service.db.close()
        shutil.rmtree(work, ignore_errors=True)

    drain_ratio = mine["seconds"] / base["seconds"]
    bytes_ratio = per / per_base
    met = {
        "goodput": goodput >= GOODPUT_GOAL,
        "drain": drain_ratio <= DRAIN_GOAL,
        "bytes": bytes_ratio <= BYTES_GOAL,
    }
    link = f"{args.kbit:g} kbit/s, {args.latency_ms:g} ms each way"
    print(
        json.dumps(
            {
                "bench": "sync_link.goodput",
                "value": round(goodput, 3),
                "unit": "share of the link rate",
                "baseline": round(goodput_base, 3),
                "ratio": round(goodput / goodput_base, 3),
                "goal": f">= {GOODPUT_GOAL:.2f} of {rate:,.0f} B/s ({link}); "
                f"{args.dossiers} dossiers x 2 scans of {args.scan_bytes} B, scan bytes only; "
                "baseline = the OpenRosa style's",
                "met": met["goodput"],
            }
        )
    )
    print(
        json.dumps(
            {
                "bench": "sync_link.bytes_per_dossier",
                "value": round(per, 1),
                "unit": "B/dossier",
                "baseline": round(per_base, 1),
                "ratio": round(bytes_ratio, 3),
                "goal": f"<= {BYTES_GOAL}x the OpenRosa style (HEAD + multipart POST each); "
                f"{args.small} dossiers without scans, both directions at the proxy",
                "met": met["bytes"],
            }
        )
    )
    print(
        json.dumps(
            {
                "bench": "sync_link",
                "value": round(mine["seconds"], 2),
                "unit": "s",
                "baseline": round(base["seconds"], 2),
                "ratio": round(drain_ratio, 3),
                "goal": f"drain {args.dossiers} dossiers x 2 scans at {link} in <= "
                f"{DRAIN_GOAL}x the OpenRosa style's time (HEAD + multipart POST per dossier, "
                f"same proxy, same run); also goodput >= {GOODPUT_GOAL:.0%} of the link "
                f"({goodput:.1%}) and bytes/dossier <= {BYTES_GOAL}x ({bytes_ratio:.3f}x); "
                "met = all three",
                "met": all(met.values()),
            }
        )
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
