"""Bench: dossiers per second one provincial server process accepts from 50 kiosks at once.

value: ``dossier.submitted`` events accepted per second by ONE ``motcua-server run`` process
(uvicorn, started exactly as the command starts it) while 50 simulated devices push their
outboxes concurrently, on SQLite (the default, WAL + ``synchronous=FULL``) and on PostgreSQL
(a private cluster started for the bench with its durable defaults: fsync and
synchronous_commit on). Each device is enrolled the protocol's way (a one-time code made by the
server's ``Service.create_enrolment``, exchanged at ``POST /v1/enrol``) with its own agency id,
commune and slot, and drains its outbox as a kiosk does: batches of 50 events, gzip, one push
after the other on one keep-alive connection. The reported value is the LOWER of the two
engines' medians (both are printed to stderr and named in the goal text).

The events are what kiosk_app's outbox makes: one real submission per catalogue procedure is
taken through ``Intake.submit`` into a throwaway kiosk store (example answers, two stored 40 KB
scans each), and every pushed dossier is a copy of one of those outbox events (procedures mixed
as at a commune desk) with its own applicant name, dossier id, code in the device's slot,
receipt time, appointment, attachment hashes, and the content hash recomputed with the
intake's own canonical JSON, so the server's checks all pass. All bodies are built and
compressed before the clock starts.

baseline: the same 50 clients sending the same gzip bodies, in the same run, to a minimal
FastAPI app under uvicorn started the same way (same middleware: gzip responses and the
protocol header) whose ``POST /v1/push`` does what the real handler does *except the ingest*:
read and gunzip the body with the server's own ``read_json``, and answer a per-item result for
every event through the same ``PushAnswer`` response model, with no authentication, no checks
and no database. So ratio = value / baseline says what share of the HTTP + framework budget is
left once the ingest logic (auth, validation, hashing, SQL, commits) runs: 1.0 would mean the
ingest costs nothing.

Runs alternate: for each run, each engine on a fresh database and data folder, each followed
by a baseline run; value and baseline are medians over runs. Every process and the temporary
cluster are removed at the end (also on Ctrl-C).

Goal: at least 2,000 dossiers/s on each engine (issue 5).

    /work/venv/bin/python bench/server_ingest.py                    # 3 runs x 50 x 400
    /work/venv/bin/python bench/server_ingest.py --per-device 100 --runs 1 --engines sqlite
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import copy
import gzip
import hashlib
import json
import random
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent / "support"))
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from _fixture import GIVEN_MALE, MIDDLE_MALE, PROCEDURES, SURNAMES, log  # noqa: E402
from _processes import PgCluster, free_port, machine_busy, proc_cpu, serve  # noqa: E402
from fastapi import Request, Response  # noqa: E402  (module level: the null app's annotations)

GOAL = 2000.0  # dossiers/s on each engine
BATCH = 50  # events per push, as a kiosk sends them
SCAN_BYTES = 40 * 1024
TEMPLATE_OFFICE = {
    "agency_id": "000.00.06.H56",
    "commune_code": "20179",
    "device_slot": 1,
    "agency_name": "UBND xã Nam Đông",
}
PER_DAY = 120  # dossiers a kiosk takes in a day (the code's sequence restarts each day)


# ------------------------------------------------------------------ events like the outbox's
def uuid7() -> str:
    import uuid6

    return str(uuid6.uuid7())


def outbox_templates(work: Path) -> dict[str, dict[str, Any]]:
    """One real ``dossier.submitted`` outbox event per procedure whose example submits."""
    from kiosk_app.bootstrap import open_kiosk
    from kiosk_app.core.catalog import load_catalog
    from kiosk_app.core.intake import IntakeError
    from kiosk_app.store import outbox
    from kiosk_app.store import settings as settings_rows
    from kiosk_app.store.db import open_store

    catalog = load_catalog()
    out: dict[str, dict[str, Any]] = {}
    rng = random.Random(7)
    for code, _weight in PROCEDURES:
        data_dir = work / f"kiosk-{code}"
        store = open_store(data_dir / "kiosk.sqlite")
        with store.write() as db:
            settings_rows.put(db, TEMPLATE_OFFICE)
        store.close()
        kiosk = open_kiosk(data_dir)
        try:
            example = catalog.get(code).example_submission()
            docs = example["documents"]
            scans = []
            for i in range(2):
                stored = kiosk.files.put_bytes(rng.randbytes(SCAN_BYTES))
                scans.append(
                    {
                        "sha256": stored.sha256,
                        "size": stored.size,
                        "mime": "image/jpeg",
                        "name": f"scan-{i + 1}.jpg",
                        "document_id": docs[0]["id"] if docs else None,
                    }
                )
            try:
                kiosk.intake.submit(
                    code,
                    example["answers"],
                    docs,
                    channel="desk",
                    actor="bench",
                    attachments=scans,
                )
            except IntakeError as exc:
                log(f"procedure {code}: example does not submit ({exc}); left out")
                continue
            with kiosk.store.read() as db:
                (row,) = outbox.pending(db)
            out[code] = {k: row[k] for k in ("id", "kind", "entity_id", "created_at", "payload")}
        finally:
            kiosk.close()
    if not out:
        raise SystemExit("no procedure's example answers submit")
    return out


def _set_name(answers: dict[str, Any], name: str) -> None:
    for block in answers.values():
        if isinstance(block, dict) and "full_name" in block:
            block["full_name"] = name
            return
    if "full_name" in answers:
        answers["full_name"] = name


def make_event(
    tpl: dict[str, Any], agency: str, slot: int, k: int, rng: random.Random
) -> dict[str, Any]:
    """The ``k``-th dossier of a device: a copy of ``tpl`` made a new, consistent dossier."""
    from kiosk_app.core.intake import _canonical

    p = copy.deepcopy(tpl["payload"])
    name = f"{rng.choice(SURNAMES)[0]} {rng.choice(MIDDLE_MALE)[0]} {rng.choice(GIVEN_MALE)[0]}"
    _set_name(p["answers"], name)
    if isinstance(p.get("applicant"), dict):
        p["applicant"]["full_name"] = name
    tz = datetime.fromisoformat(p["received_at"]).tzinfo
    day = date(2026, 3, 2) + timedelta(days=k // PER_DAY)
    received = datetime(day.year, day.month, day.day, 7, 30, tzinfo=tz) + timedelta(
        minutes=4 * (k % PER_DAY)
    )
    if p.get("appointment_at"):
        delta = datetime.fromisoformat(p["appointment_at"]) - datetime.fromisoformat(
            p["received_at"]
        )
        p["appointment_at"] = (received + delta).isoformat()
    for a in p["attachments"]:
        a["sha256"] = rng.randbytes(32).hex()
    p["id"] = uuid7()
    p["code"] = f"{agency}-{day:%y%m%d}-{slot * 1000 + 1 + k % PER_DAY:04d}"
    p["received_at"] = received.isoformat()
    content = {
        "code": p["code"],
        "procedure": p["procedure"],
        "catalog_version": p["catalog_version"],
        "answers": p["answers"],
        "documents": p["documents"],
        "received_at": p["received_at"],
        "attachments": sorted(a["sha256"] for a in p["attachments"]),
    }
    p["content_hash"] = hashlib.sha256(_canonical(content)).hexdigest()
    return {
        "id": uuid7(),
        "kind": tpl["kind"],
        "entity_id": p["id"],
        "created_at": p["received_at"],
        "payload": p,
    }


def devices_and_bodies(
    templates: dict[str, dict[str, Any]], n_devices: int, per_device: int
) -> tuple[list[dict[str, Any]], list[list[bytes]], int]:
    """The devices (agency, commune, slot) and each one's gzip push bodies, in outbox order."""
    from kiosk_app.core import admin_units

    communes = admin_units.communes()
    codes = [c for c, _ in PROCEDURES if c in templates]
    weights = [w for c, w in PROCEDURES if c in templates]
    rng = random.Random(1)
    devices, bodies, raw = [], [], 0
    for i in range(n_devices):
        dev = {
            "agency_id": f"{100 + i:03d}.00.06.H56",
            "commune": communes[(i * 61) % len(communes)].code,
            "slot": 1 + i % 9,
        }
        events = [
            make_event(
                templates[rng.choices(codes, weights)[0]], dev["agency_id"], dev["slot"], k, rng
            )
            for k in range(per_device)
        ]
        mine = []
        for j in range(0, per_device, BATCH):
            # encoded as sync/client_push.encode_batch does: compact JSON, gzip level 6
            batch = {"events": events[j : j + BATCH]}
            body = json.dumps(batch, ensure_ascii=False, separators=(",", ":")).encode()
            raw += len(body)
            mine.append(gzip.compress(body, compresslevel=6, mtime=0))
        devices.append(dev)
        bodies.append(mine)
    return devices, bodies, raw


# ------------------------------------------------------------------ the load
async def _load(url: str, tokens: list[str | None], bodies: list[list[bytes]]) -> dict[str, Any]:
    import httpx

    clients = [
        httpx.AsyncClient(
            base_url=url,
            headers={"Authorization": f"Bearer {t}"} if t else {},
            timeout=httpx.Timeout(300),
            limits=httpx.Limits(max_connections=1),
        )
        for t in tokens
    ]
    counts = {"accepted": 0, "other": 0, "pushes": 0}
    latencies: list[float] = []
    headers = {"Content-Type": "application/json", "Content-Encoding": "gzip"}
    try:
        # open every keep-alive connection before the clock starts
        await asyncio.gather(*(c.get("/healthz") for c in clients))

        async def device(c: httpx.AsyncClient, mine: list[bytes]) -> None:
            for body in mine:
                t = time.perf_counter()
                r = await c.post("/v1/push", content=body, headers=headers)
                latencies.append(time.perf_counter() - t)
                if r.status_code != 200:
                    raise RuntimeError(f"push answered {r.status_code}: {r.text[:500]}")
                for item in r.json()["results"]:
                    if item["status"] == "accepted":
                        counts["accepted"] += 1
                    else:
                        counts["other"] += 1
                        if counts["other"] <= 3:
                            log(f"  not accepted: {json.dumps(item, ensure_ascii=False)[:300]}")
                counts["pushes"] += 1

        t0 = time.perf_counter()
        await asyncio.gather(*(device(c, m) for c, m in zip(clients, bodies, strict=True)))
        counts["secs"] = time.perf_counter() - t0
    finally:
        await asyncio.gather(*(c.aclose() for c in clients))
    latencies.sort()
    counts["p50"] = latencies[len(latencies) // 2]
    counts["p95"] = latencies[int(len(latencies) * 0.95)]
    return counts


def run_load(
    url: str,
    tokens: list[str | None],
    bodies: list[list[bytes]],
    server_pid: int,
    extra_cpu: Any = None,
) -> dict[str, Any]:
    cpu0, busy0 = proc_cpu(server_pid), machine_busy()
    ext0 = extra_cpu() if extra_cpu else 0.0
    out = asyncio.run(_load(url, tokens, bodies))
    cpu1, busy1 = proc_cpu(server_pid), machine_busy()
    out["rate"] = out["accepted"] / out["secs"]
    out["server_cpu"] = (cpu1 - cpu0) / out["secs"]  # cores used by the server process
    out["machine_busy"] = (busy1[0] - busy0[0]) / max(1, busy1[1] - busy0[1])
    if extra_cpu:
        out["db_cpu"] = (extra_cpu() - ext0) / out["secs"]
    return out


def server_cmd(data_dir: Path, port: int, db_url: str | None) -> list[str]:
    cmd = [sys.executable, "-m", "sync.server", "run", "--data-dir", str(data_dir)]
    if db_url:
        cmd += ["--db", db_url]
    return [*cmd, "--port", str(port)]


def ingest_run(
    engine: str,
    work: Path,
    devices: list[dict[str, Any]],
    bodies: list[list[bytes]],
    pg: PgCluster | None,
    tag: str,
    profile: bool = False,
) -> dict[str, Any]:
    """One run against a fresh server (fresh data folder and database)."""
    import httpx

    from sync.server.db import Database
    from sync.server.service import Service

    data_dir = work / f"server-{engine}-{tag}"
    db_url = pg.fresh_database(f"motcua_bench_{tag}") if (engine == "postgresql" and pg) else None
    db = Database.for_data_dir(data_dir, db_url)
    db.migrate()
    service = Service(db, data_dir)
    codes = [
        service.create_enrolment(
            commune=d["commune"], agency_id=d["agency_id"], slot=d["slot"], device_name="bench"
        )["code"]
        for d in devices
    ]
    db.close()
    cmd = server_cmd(data_dir, free_port(), db_url)
    with serve(cmd, work / f"server-{engine}-{tag}.log") as (_proc, url, pid):
        tokens = []
        for c in codes:
            r = httpx.post(f"{url}/v1/enrol", json={"code": c, "device_name": "máy"}, timeout=30)
            r.raise_for_status()
            tokens.append(r.json()["token"])
        spy = None
        if profile:  # on-CPU samples of every thread (a py-spy "raw" collapsed-stack file)
            prof = Path(tempfile.gettempdir()) / f"motcua-ingest-profile-{engine}-{tag}.txt"
            exe = shutil.which("py-spy") or str(Path(sys.executable).parent / "py-spy")
            spy = subprocess.Popen(
                [exe, "record", "--gil", "-f", "raw", "-o", str(prof), "-r", "250", "-p", str(pid)],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            time.sleep(1.0)
        try:
            db_cpu = pg.cpu if (engine == "postgresql" and pg) else None
            out = run_load(url, tokens, bodies, pid, db_cpu)
        finally:
            if spy is not None:
                spy.send_signal(signal.SIGINT)
                try:
                    spy.wait(60)
                except subprocess.TimeoutExpired:
                    spy.kill()
                    spy.wait()
                log(f"  profile: {prof}")
    if db_url:
        with contextlib.suppress(Exception):
            import psycopg

            admin = db_url.rsplit("/", 1)[0] + "/postgres"
            with psycopg.connect(admin, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "motcua_bench_{tag}"')
    shutil.rmtree(data_dir, ignore_errors=True)
    return out


def baseline_run(work: Path, bodies: list[list[bytes]], tag: str) -> dict[str, Any]:
    port = free_port()
    cmd = [sys.executable, str(Path(__file__).resolve()), "--null-server", "--port", str(port)]
    with serve(cmd, work / f"null-{tag}.log") as (_proc, url, pid):
        return run_load(url, [None] * len(bodies), bodies, pid)


# ------------------------------------------------------------------ the baseline's server
def null_server(port: int) -> None:
    """A minimal FastAPI app: the push endpoint's HTTP, decoding and answer, without ingest."""
    import uvicorn
    from fastapi import FastAPI
    from fastapi.middleware.gzip import GZipMiddleware

    from sync import protocol as P
    from sync.server import models as M
    from sync.server.app import read_json
    from sync.server.db import utcnow

    app = FastAPI()
    app.add_middleware(GZipMiddleware, minimum_size=1000)

    @app.middleware("http")
    async def protocol_header(request: Request, call_next: Any) -> Response:
        response = await call_next(request)
        response.headers[P.PROTOCOL_HEADER] = str(P.PROTOCOL_VERSION)
        return response

    @app.get("/healthz")
    def healthz() -> dict[str, Any]:
        return {"ok": True}

    @app.post("/v1/push", response_model=M.PushAnswer)
    async def push(request: Request) -> Any:
        data = await read_json(request, P.MAX_PUSH_BYTES)
        results = []
        for e in data["events"]:
            p = e["payload"]
            results.append(
                {
                    "id": e["id"],
                    "status": "accepted",
                    "dossier": {
                        "code": p["code"],
                        "status": p["status"],
                        "complete": False,
                        "missing_attachments": sorted(a["sha256"] for a in p["attachments"]),
                    },
                }
            )
        return {"results": results, "server_time": utcnow()}

    uvicorn.run(
        app,
        host="127.0.0.1",
        port=port,
        log_level="info",
        proxy_headers=True,
        server_header=False,
    )


# ------------------------------------------------------------------ main
def describe(what: str, r: dict[str, Any]) -> str:
    extra = f", PostgreSQL {r['db_cpu']:.2f} cores" if "db_cpu" in r else ""
    return (
        f"{what}: {r['rate']:,.0f} dossiers/s ({r['accepted']} in {r['secs']:.2f} s, "
        f"{r['pushes']} pushes, push p50 {r['p50'] * 1000:.0f} ms p95 {r['p95'] * 1000:.0f} ms; "
        f"server process {r['server_cpu']:.2f} cores{extra}, machine {r['machine_busy']:.0%} busy)"
    )


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--devices", type=int, default=50)
    ap.add_argument("--per-device", type=int, default=400, help="dossiers each device pushes")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--engines", default="sqlite,postgresql")
    ap.add_argument(
        "--profile",
        action="store_true",
        help="record the server with py-spy --gil (raw stacks in the temp folder)",
    )
    ap.add_argument("--null-server", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--port", type=int, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.null_server:
        null_server(args.port)
        return 0

    engines = [e.strip() for e in args.engines.split(",") if e.strip()]
    work = Path(tempfile.mkdtemp(prefix="motcua-ingest-"))
    pg: PgCluster | None = None
    try:
        t = time.perf_counter()
        templates = outbox_templates(work)
        devices, bodies, raw = devices_and_bodies(templates, args.devices, args.per_device)
        total = args.devices * args.per_device
        gz = sum(len(b) for m in bodies for b in m)
        log(
            f"{total} dossiers ({len(templates)} procedures) for {args.devices} devices in "
            f"{time.perf_counter() - t:.1f} s; {raw / total:.0f} B per event as JSON, "
            f"{gz / total:.0f} B gzip"
        )
        if "postgresql" in engines:
            pg = PgCluster()
            pg.start()
            log(f"PostgreSQL cluster on port {pg.port} ({pg.bindir})")
        rates: dict[str, list[float]] = {e: [] for e in engines}
        base: list[float] = []
        for i in range(args.runs):
            for engine in engines:
                tag = f"{engine[:2]}{i}{uuid.uuid4().hex[:6]}"
                r = ingest_run(engine, work, devices, bodies, pg, tag, args.profile)
                if r["accepted"] != total:
                    raise SystemExit(f"{engine}: only {r['accepted']} of {total} accepted")
                rates[engine].append(r["rate"])
                log(describe(f"run {i + 1} {engine}", r))
                b = baseline_run(work, bodies, tag)
                base.append(b["rate"])
                log(describe(f"run {i + 1} baseline", b))
    finally:
        if pg is not None:
            pg.stop()
        shutil.rmtree(work, ignore_errors=True)

    medians = {e: statistics.median(v) for e, v in rates.items()}
    worst = min(medians, key=medians.get)
    value = medians[worst]
    baseline = statistics.median(base)
    for e, m in medians.items():
        log(f"median {e}: {m:,.0f} dossiers/s over {len(rates[e])} runs")
    log(f"median baseline (no ingest): {baseline:,.0f} dossiers/s over {len(base)} runs")
    both = ", ".join(f"{e} {m:.0f}/s" for e, m in medians.items())
    print(
        json.dumps(
            {
                "bench": "server_ingest",
                "value": round(value, 1),
                "unit": "dossiers/s",
                "baseline": round(baseline, 1),
                "ratio": round(value / baseline, 3),
                "goal": f">= {GOAL:.0f} dossiers/s on each engine from {args.devices} devices "
                f"(value = the slower engine, {worst}; {both}; one uvicorn process, "
                f"{BATCH} events a gzip push)",
                "met": all(m >= GOAL for m in medians.values()),
            }
        )
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
