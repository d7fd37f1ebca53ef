"""hypothesis against the request bodies schemathesis does not shape: whole pushes of arbitrary
JSON events (submissions, transitions, ratings with junk in every field), raw and gzip bodies,
enrolment and login bodies. Every answer is a protocol answer (2xx with per-item results or a
4xx error body), never a 5xx or a crash, and a malformed event is always rejected."""

from __future__ import annotations

import gzip
import json
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.server.conftest import asgi_client, make_app, submitted

_tmp = Path(tempfile.mkdtemp(prefix="motcua-fuzz-"))
APP, SERVICE = make_app(_tmp, rate_scale=1000)
_made = SERVICE.create_enrolment(commune="00004", agency_id="000.00.06.H56", slot=1)
_enrolled = SERVICE.enrol(_made["code"])
AUTH = {"Authorization": f"Bearer {_enrolled['token']}"}
FUZZ = settings(
    max_examples=60, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck)
)

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=30),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=12,
)
kinds = st.sampled_from(
    ["dossier.submitted", "dossier.accept", "dossier.withdraw", "dossier.request_supplement",
     "rating.submitted", "dossier.", "x"]
)  # fmt: skip


class _Dev:
    agency_id, slot = "000.00.06.H56", 1

    def __init__(self) -> None:
        self.n = 0

    def code(self) -> str:
        self.n += 1
        return f"{self.agency_id}-250312-{1000 + self.n % 999:04d}"


def _mutated(base: dict, path: list[str], value: object) -> dict:
    out = json.loads(json.dumps(base))
    target = out
    for key in path[:-1]:
        target = target.setdefault(key, {}) if isinstance(target, dict) else {}
    if isinstance(target, dict):
        target[path[-1]] = value
    return out


def _post(c, body: bytes, headers: dict | None = None):
    r = c.post("/v1/push", content=body, headers={**AUTH, **(headers or {})})
    assert r.status_code < 500, r.text
    assert r.headers["content-type"].startswith("application/json")
    return r


@FUZZ
@given(events=st.lists(st.fixed_dictionaries(
    {"id": json_values | st.uuids().map(str), "kind": kinds | json_values,
     "entity_id": json_values, "payload": json_values},
), max_size=5))  # fmt: skip
def test_arbitrary_events_are_answered_item_by_item(events: list) -> None:
    with asgi_client(APP) as c:
        r = _post(c, json.dumps({"events": events}).encode())
    assert r.status_code == 200
    results = r.json()["results"]
    assert len(results) == len(events)
    for e, res in zip(events, results, strict=True):
        if not isinstance(e["payload"], dict) or not isinstance(e["kind"], str):
            assert res["status"] == "rejected" and res["reason"]["code"], res


@FUZZ
@given(
    field=st.sampled_from(
        [["code"], ["id"], ["status"], ["channel"], ["received_at"], ["appointment_at"],
         ["attachments"], ["answers"], ["documents"], ["content_hash"], ["procedure"],
         ["catalog_version"], ["applicant", "id_number"]]
    ),
    value=json_values,
)  # fmt: skip
def test_a_submission_with_junk_in_one_field_never_breaks_the_server(field, value) -> None:
    ev = submitted(_Dev())
    ev["payload"] = _mutated(ev["payload"], field, value)
    with asgi_client(APP) as c:
        r = _post(c, json.dumps({"events": [ev]}).encode())
    [res] = r.json()["results"]
    assert res["status"] in ("accepted", "duplicate", "rejected")


@FUZZ
@given(data=json_values, frm=json_values, to=json_values, event=st.text(max_size=20))
def test_transitions_with_junk_never_break_the_server(data, frm, to, event) -> None:
    payload = {"event_id": "x" * 10, "dossier_id": "y", "code": "000.00.06.H56-250312-1001",
               "from": frm, "to": to, "at": "2025-03-12T10:00:00+07:00", "data": data}  # fmt: skip
    body = {"events": [{"id": f"t-{abs(hash((event, str(data)))):020d}",
                        "kind": f"dossier.{event}", "entity_id": "y", "payload": payload}]}  # fmt: skip
    with asgi_client(APP) as c:
        r = _post(c, json.dumps(body, default=str).encode())
    assert r.json()["results"][0]["status"] in ("accepted", "duplicate", "rejected")


@FUZZ
@given(raw=st.binary(max_size=300), gz=st.booleans())
def test_raw_bytes_as_a_body_are_a_clear_4xx(raw: bytes, gz: bool) -> None:
    body = gzip.compress(raw) if gz else raw
    headers = {"Content-Encoding": "gzip"} if gz else {}
    with asgi_client(APP) as c:
        for path in ("/v1/push", "/v1/enrol", "/v1/token", "/v1/login", "/v1/keys"):
            r = c.post(path, content=body, headers={**AUTH, **headers})
            assert 400 <= r.status_code < 500, (path, r.status_code, r.text)
            assert r.json()["error"]["code"]


@FUZZ
@given(body=json_values)
def test_enrol_login_token_bodies(body) -> None:
    with asgi_client(APP) as c:
        for path in ("/v1/enrol", "/v1/token", "/v1/keys"):
            r = c.post(path, content=json.dumps(body).encode(), headers=AUTH)
            assert 400 <= r.status_code < 500, (path, r.status_code, r.text)


def test_a_gzip_bomb_is_refused_without_inflating_it() -> None:
    bomb = gzip.compress(b"{" + b" " * (64 * 1024 * 1024))
    with asgi_client(APP) as c:
        r = c.post("/v1/push", content=bomb, headers={**AUTH, "Content-Encoding": "gzip"})
    assert r.status_code == 413 and r.json()["error"]["code"] == "too_large"
