"""No personal data in the server's logs: everything the server process writes (uvicorn's
access log and the app's loggers) during pushes of dossiers with known names, ID numbers and
phones, receipt lookups and refused requests is read back and searched."""

from __future__ import annotations

import gzip
import json
import time

import httpx

from tests.server.conftest import Srv, push, submitted, transition

NAME = "Phạm Thị Riêngtư"
ID_NUMBER = "001306123457"
PHONE = "0912345678"
LAST4 = ID_NUMBER[-4:]


def test_no_personal_data_or_lookup_codes_in_the_logs(server: Srv) -> None:
    from sync.server.security import redact_path

    dev = server.device()
    start = server.log.stat().st_size
    events = []
    for _ in range(20):
        ev = submitted(dev, name=NAME, id_number=ID_NUMBER)
        ev["payload"]["applicant"]["phone"] = PHONE
        events.append(ev)
    results = push(dev, *events, gz=True)
    assert {r["status"] for r in results} == {"accepted"}
    code = events[0]["payload"]["code"]

    # refusals whose reasons quote the data they refuse
    bad = submitted(dev, name=NAME, id_number=ID_NUMBER)
    bad["payload"]["received_at"] = f"{ID_NUMBER} {NAME}"
    [r] = push(dev, bad)
    assert r["status"] == "rejected" and ID_NUMBER in r["reason"]["message"]  # to the device
    r = dev.client.post(
        "/v1/push", content=json.dumps({"events": f"{NAME} {PHONE}"}).encode(),
        headers={"Content-Type": "application/json"},
    )  # fmt: skip
    assert r.status_code == 400
    r = dev.client.post(
        "/v1/push", content=gzip.compress(f"{NAME} {ID_NUMBER}".encode()),
        headers={"Content-Encoding": "gzip"},
    )  # fmt: skip
    assert r.status_code == 400
    push(dev, transition(events[1], "request_supplement", 2, 5, {"note": f"{NAME} {PHONE}"}))
    op = server.operator()
    assert NAME in op.get(f"/v1/admin/dossiers/{code}").text  # the back office sees it
    r = op.post(f"/v1/admin/dossiers/{code}/transitions", json={"to": 5, "note": f"gọi {PHONE}"})
    assert r.status_code in (200, 409)
    # lookups: a hand-typed code with its factor, wrong factors, a query string
    assert httpx.get(f"{server.url}/r/{code}", params={"k": LAST4}).status_code == 200
    assert httpx.get(f"{server.url}/r/{code}", params={"k": "0000"}).status_code == 404
    httpx.get(f"{server.url}/r/{NAME}")
    httpx.get(f"{server.url}/nothing", params={"q": ID_NUMBER})
    httpx.post(f"{server.url}/v1/login", json={"login": NAME, "password": ID_NUMBER})

    time.sleep(0.5)  # the access log line is written after the answer
    with open(server.log, "rb") as fh:
        fh.seek(start)
        text = fh.read().decode("utf-8", errors="replace")
    assert "POST /v1/push" in text and "/r/#" in text  # the log is being written
    for secret in (NAME, "Riêngtư", ID_NUMBER, PHONE, f"k={LAST4}", f"/r/{code}"):
        assert secret not in text, secret
    assert redact_path(f"/r/{code}?k={LAST4}") in text
