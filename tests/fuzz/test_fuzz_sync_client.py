"""Fuzzing the sync client with what a broken, hostile or half-upgraded provincial server
may answer: any status code, any headers (Upload-Offset, Retry-After, Date, Content-Encoding),
JSON of any shape, protocol-shaped JSON with wrong types and values, raw bytes, gzip bombs.

Driven through :func:`sync.client.sync_once` with an ``httpx.MockTransport``: a pass must end
with a SyncReport (failures are in ``report.errors``) — never an exception, never an endless
loop of requests, never a sleep longer than the backoff cap — and must lose no outbox event.
Modules: push (``client_push``) and upload (``client_upload``) are fuzzed in
:func:`test_push_and_upload_answers`; the transport, the feeds and the token refresh by the
tests below, each from a bug this fuzzing found (undecodable bodies, gzip bombs, a feed that
never ends, feed pages of the wrong shape, an empty refreshed token).
"""

from __future__ import annotations

import gzip
import json
import os
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from hypothesis import Phase, event, given
from hypothesis import strategies as st

from kiosk_app.store import sync_state
from sync import protocol as P
from sync.client import SyncConfig, SyncReport, Transport, sync_once
from tests.conftest import FakeClock
from tests.fuzz.conftest import fuzz_settings
from tests.fuzz.mutate import VALUES
from tests.fuzz.strategies import hostile_text

BIRTH = "1.001193"
MAX_REQUESTS = 400  # a pass over 2 dossiers needs ~10; more is a loop
LONGEST_SLEEP = 300.0  # client_transport: a 429's Retry-After is honoured up to RATE_WAIT_MAX


class Looping(Exception):
    """The client kept sending requests: it would never finish its pass."""


@pytest.fixture(scope="module")
def kiosk(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    from kiosk_app.bootstrap import DEMO_TEST_OFFICE, configure_office, open_kiosk
    from kiosk_app.core.intake import VN_TZ
    from sync.client_enrol import save_credential

    data = Path(tmp_path_factory.mktemp("sync"))
    configure_office(data, DEMO_TEST_OFFICE)
    k = open_kiosk(data)
    k.intake.clock = FakeClock(datetime(2025, 3, 12, 9, 30, tzinfo=VN_TZ))
    with k.store.write() as db:
        sync_state.save_device(
            db,
            {
                "server_url": "http://sync.test",
                "agency_id": k.office.agency_id,
                "slot": int(k.office.device_slot),
                "device_id": "dev-1",
                "device_name": "fuzz",
                "commune": "00000",
                "enrolled_at": "2025-03-12T09:00:00+07:00",
            },
        )
    save_credential(data, {"token": "t", "refresh_token": "r"})
    for n in range(2):
        f = k.files.put_bytes(os.urandom(3000 + n) + bytes(70_000))  # 2 chunks, compressible
        ex = k.catalog.get(BIRTH).example_submission()
        k.intake.submit(
            BIRTH, ex["answers"], ex["documents"],
            attachments=[{"sha256": f.sha256, "size": f.size, "name": f"scan{n}.jpg"}],
        )  # fmt: skip
    yield k
    k.close()


def _reset(k: Any) -> int:
    """Everything to send again: every event pending, every file queued, no cursors, the
    first credential (a fuzzed /v1/token answer may have replaced it)."""
    from sync.client_enrol import save_credential

    save_credential(k.data_dir, {"token": "t", "refresh_token": "r"})
    with k.store.write() as db:
        db.execute("UPDATE outbox SET state = 'pending'")
        db.execute("DELETE FROM sync_uploads")
        db.execute("DELETE FROM sync_cursors")
        db.execute("UPDATE sync_device SET key_kid = NULL")
        for (sha,) in db.execute("SELECT sha256 FROM attachments").fetchall():
            sync_state.want_upload(db, sha, "2025-03-12T09:30:00+07:00")
        return db.execute("SELECT COUNT(*) FROM outbox").fetchone()[0]


# ------------------------------------------------------------------ answers
_STATUS = st.sampled_from(
    [200] * 6 + [201, 204, 400, 401, 403, 404, 409, 413, 415, 422, 429, 500, 503, 302, 418, 599]
)
_HEADER_VALUES = st.one_of(
    st.sampled_from(
        [
            "0",
            "-1",
            "1",
            "65536",
            "999999999999999999999",
            "nan",
            "inf",
            "1e308",
            "?1",
            "?0",
            "",
            " ",
            "x",
            "application/json",
            "Mon, 23 Nov 2026 19:00:00 GMT",
            "Thu, 01 Jan 1970 00:00:00 GMT",
        ]
    ),
    st.text(st.characters(min_codepoint=0x20, max_codepoint=0x7E), max_size=20),
)
_HEADERS = st.dictionaries(
    # Content-Encoding: see test_undecodable_body (client_transport)
    st.sampled_from([P.UPLOAD_OFFSET, P.UPLOAD_COMPLETE, "Retry-After", "Date", "Content-Type"]),
    _HEADER_VALUES,
    max_size=3,
)
_OFFSET = st.one_of(
    st.sampled_from(["same", "next", "end", "past", "negative", "huge", "text", "null", "float"]),
)
_REASON = st.one_of(
    st.fixed_dictionaries(
        {
            "code": st.sampled_from(sorted(P.ERRORS) + ["", "x"]),
            "message": hostile_text(30),
            "class": st.sampled_from([P.TRANSIENT, P.PERMANENT, P.CONFLICT, P.AUTH, "x"]),
        }
    ),
    VALUES,
)


@st.composite
def push_result(draw: st.DrawFn, event_id: str) -> Any:
    if draw(st.integers(0, 9)) == 0:
        return draw(VALUES)
    out: dict[str, Any] = {"id": draw(st.sampled_from([event_id, event_id, "other"]) | VALUES)}
    out["status"] = draw(st.sampled_from([P.ACCEPTED, P.DUPLICATE, P.REJECTED, "x", None]))
    if draw(st.booleans()):
        out["reason"] = draw(_REASON)
    if draw(st.booleans()):
        out["dossier"] = draw(
            st.fixed_dictionaries(
                {
                    "missing_attachments": st.lists(
                        st.sampled_from(["SHA", "0" * 64, "../" * 21 + "a"]) | VALUES, max_size=3
                    )
                    | VALUES
                }
            )
            | VALUES
        )
    return out


class Server:
    """Answers each request from the fuzzer's draws, shaped after what it was asked."""

    def __init__(self, data: st.DataObject, *, feeds: bool) -> None:
        self.data = data
        self.feeds = feeds
        self.requests = 0
        self.files = {}

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests += 1
        if self.requests > MAX_REQUESTS:
            raise Looping(f"{self.requests} requests in one pass ({request.method} {request.url})")
        draw = self.data.draw
        path = request.url.path
        if draw(st.integers(0, 9), label="good") < 6:  # mostly right, so later phases run too
            return _answer(200, {}, json.dumps(self._good(request)).encode())
        status = draw(_STATUS, label="status")
        headers = draw(_HEADERS, label="headers")
        shape = draw(st.sampled_from(["protocol"] * 5 + ["json", "bytes", "empty", "error"]))
        body: Any
        if shape == "json":
            body = draw(VALUES)
        elif shape == "bytes":
            return _answer(status, headers, draw(st.binary(max_size=64)))
        elif shape == "empty":
            return _answer(status, headers, b"")
        elif shape == "error":
            body = {"error": draw(_REASON)}
        elif path == "/v1/push":
            events = json.loads(gzip.decompress(request.content))["events"]
            body = {"results": [draw(push_result(e["id"])) for e in events]}
        elif path.startswith("/v1/attachments/"):
            body = self._upload(request)
        elif path.startswith("/v1/feeds/"):
            body = self._feed()
        else:
            body = {}
        return _answer(status, headers, json.dumps(body, default=str).encode())

    def _good(self, request: httpx.Request) -> Any:
        path = request.url.path
        if path == "/v1/push":
            events = json.loads(gzip.decompress(request.content))["events"]
            return {
                "results": [
                    {"id": e["id"], "status": P.ACCEPTED, "dossier": {"missing_attachments": []}}
                    for e in events
                ]
            }
        if path.startswith("/v1/attachments/"):
            at, size, sent = _upload_request(request)
            return {"offset": at + sent, "state": "complete" if at + sent >= size else "partial"}
        if path.startswith("/v1/feeds/"):
            return {"items": [], "next": None, "more": False}
        return {}

    def _upload(self, request: httpx.Request) -> Any:
        draw = self.data.draw
        at, size, sent = _upload_request(request)
        how = draw(_OFFSET)
        offset = {
            "same": at,
            "next": at + sent,
            "end": size,
            "past": size + 10,
            "negative": -5,
            "huge": 2**70,
            "text": "abc",
            "null": None,
            "float": at + sent + 0.5,
        }[how]
        state = draw(st.sampled_from(["partial", "complete", None, "x"]))
        return {"offset": offset, "state": state}

    def _feed(self) -> Any:
        draw = self.data.draw
        items = draw(
            st.lists(
                VALUES
                | st.fixed_dictionaries(
                    {"key": hostile_text(10), "data": VALUES, "at": hostile_text(10)}
                ),
                max_size=3,
            )
        )
        return {
            "items": items,
            "next": draw(hostile_text(10) | VALUES),
            "more": draw(st.booleans()),
            "reset": draw(st.booleans() | VALUES),
        }


def _upload_request(request: httpx.Request) -> tuple[int, int, int]:
    """(offset, total length, bytes in this chunk) of an upload request (HEAD: no chunk)."""
    try:
        at = int(request.headers.get(P.UPLOAD_OFFSET, "0"))
        size = int(request.headers.get(P.UPLOAD_LENGTH, "0"))
    except ValueError:
        at = size = 0
    gz = request.headers.get("Content-Encoding") == "gzip"
    return at, size, len(gzip.decompress(request.content) if gz else request.content)


def _answer(status: int, headers: dict[str, str], raw: bytes) -> httpx.Response:
    """A response whose body is decoded (Content-Encoding) by the client, as from a socket."""
    return httpx.Response(status, headers=headers, stream=httpx.ByteStream(raw))


def _transport(server: Callable[[httpx.Request], httpx.Response]) -> Transport:
    def sleep(seconds: float) -> None:
        assert 0 <= seconds <= LONGEST_SLEEP, seconds

    return Transport(
        client_factory=lambda: httpx.Client(transport=httpx.MockTransport(server)),
        sleep=sleep,
        attempts=2,
    )


def _pass(k: Any, server: Server, feeds: tuple[str, ...]) -> SyncReport:
    before = _reset(k)
    report = sync_once(
        k, transport=_transport(server), config=SyncConfig(feeds=feeds, upload_streams=1)
    )
    assert isinstance(report, SyncReport)
    json.dumps(report.to_json(), default=str)
    with k.store.read() as db:
        assert db.execute("SELECT COUNT(*) FROM outbox").fetchone()[0] == before
        assert db.execute("PRAGMA quick_check").fetchone()[0] == "ok"
    return report


@fuzz_settings(120, deadline_ms=5000)  # one upload stream: draws only on this thread
@given(st.data())
def test_push_and_upload_answers(kiosk: Any, data: st.DataObject) -> None:
    report = _pass(kiosk, Server(data, feeds=False), feeds=())
    event(f"pushed {min(report.pushed + report.duplicates, 1)}, files {report.uploaded_files}")


# ------------------------------------------------------------------ scripted regressions
def _scripted(answers: dict[str, Callable[[httpx.Request], httpx.Response]]) -> Server:
    """A server answering each path prefix with a fixed function (others: a good answer)."""

    class Scripted(Server):
        def __init__(self) -> None:
            self.requests = 0

        def __call__(self, request: httpx.Request) -> httpx.Response:
            self.requests += 1
            if self.requests > MAX_REQUESTS:
                raise Looping(f"{self.requests} requests ({request.method} {request.url.path})")
            for prefix, answer in answers.items():
                if request.url.path.startswith(prefix):
                    return answer(request)
            return _answer(200, {}, json.dumps(self._good(request)).encode())

    return Scripted()


def _json(body: Any, status: int = 200) -> Callable[[httpx.Request], httpx.Response]:
    return lambda _req: _answer(status, {}, json.dumps(body).encode())


def _push_results(make: Callable[[str], Any]) -> Callable[[httpx.Request], httpx.Response]:
    def answer(request: httpx.Request) -> httpx.Response:
        events = json.loads(gzip.decompress(request.content))["events"]
        return _answer(200, {}, json.dumps({"results": [make(e["id"]) for e in events]}).encode())

    return answer


def _codes(report: SyncReport) -> set[str]:
    return {e["code"] for e in report.errors}


@pytest.mark.parametrize(
    "answer",
    [
        _json([]),  # was AttributeError: 'list' object has no attribute 'get'
        _json(None),  # was AttributeError on None
        _json({"results": 5}),  # was TypeError: 'int' object is not iterable
        _push_results(lambda i: 7),  # was AttributeError: 'int' object has no attribute 'get'
        _push_results(lambda i: {"id": [i], "status": "accepted"}),  # was unhashable 'list'
    ],
    ids=["list", "null", "results-int", "item-int", "id-list"],
)
def test_push_answer_of_the_wrong_shape(kiosk: Any, answer: Any) -> None:
    report = _pass(kiosk, _scripted({"/v1/push": answer}), feeds=())
    assert "bad_answer" in _codes(report) or report.pushed == 0


def test_push_answer_with_unusable_items(kiosk: Any) -> None:
    """Items that cannot be acted on are skipped; the rest applies. Was: a dict among
    missing_attachments reached SQLite (InterfaceError), a string reason AttributeError."""
    report = _pass(
        kiosk,
        _scripted({"/v1/push": _push_results(lambda i: {
            "id": i, "status": "accepted",
            "dossier": {"missing_attachments": [{"x": 1}, 2**70, "../" * 21 + "a", None]}})}),
        feeds=(),
    )  # fmt: skip
    assert report.ok and report.pushed == 2
    report = _pass(
        kiosk,
        _scripted(
            {"/v1/push": _push_results(lambda i: {"id": i, "status": "rejected", "reason": "nope"})}
        ),
        feeds=(),
    )
    assert report.pending == 2  # an unknown reason is taken as transient: kept, sent again


@pytest.mark.parametrize(
    "offset",
    [None, 2**70, -5, "abc", 1.5, [1]],
    ids=["null", "huge", "negative", "text", "float", "list"],
)
def test_upload_answer_with_a_bad_offset(kiosk: Any, offset: Any) -> None:
    """Was TypeError (null), OverflowError storing 2**70, ValueError seeking -5."""
    report = _pass(
        kiosk, _scripted({"/v1/attachments/": _json({"offset": offset, "state": "partial"})}), ()
    )
    assert "bad_answer" in _codes(report)
    assert report.uploaded_files == 0


def test_upload_answer_that_never_moves_on(kiosk: Any) -> None:
    """Was an endless loop: a server confirming the same offset again and again."""

    def stuck(request: httpx.Request) -> httpx.Response:
        return _answer(200, {}, json.dumps({"offset": 0, "state": "partial"}).encode())

    server = _scripted({"/v1/attachments/": stuck})
    report = _pass(kiosk, server, ())
    assert "bad_answer" in _codes(report) and server.requests < 50


def test_server_message_with_lone_surrogates(kiosk: Any) -> None:
    """Was UnicodeEncodeError storing the pass's summary: "\\ud800" is valid JSON."""
    body = {"error": {"code": "bad_payload\ud800", "message": "hỏng \ud800" * 5000}}
    report = _pass(kiosk, _scripted({"/v1/push": _json(body, 422)}), ())
    assert report.errors and all(len(e["message"]) <= 1000 for e in report.errors)
    json.dumps(report.to_json(), ensure_ascii=False).encode("utf-8")


# ------------------------------------------------------------------ transport, feeds, token
def test_undecodable_body(kiosk: Any) -> None:
    def bad_gzip(_req: httpx.Request) -> httpx.Response:
        return _answer(200, {"Content-Encoding": "gzip"}, b"not gzip at all")

    report = _pass(kiosk, _scripted({"/v1/push": bad_gzip}), ())
    assert report.errors


def test_gzip_bomb_answer(kiosk: Any) -> None:
    import tracemalloc
    import zlib

    inflated = 96 * 1024 * 1024
    z = zlib.compressobj(9, zlib.DEFLATED, 31)  # gzip framing
    bomb = z.compress(bytes(inflated)) + z.flush()  # ~100 kB on the wire

    def answer(_req: httpx.Request) -> httpx.Response:
        return _answer(200, {"Content-Encoding": "gzip"}, bomb)

    tracemalloc.start()
    try:
        report = _pass(kiosk, _scripted({"/v1/push": answer}), ())
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert report.errors
    assert peak < 32 * 1024 * 1024, f"peak {peak >> 20} MB for a {len(bomb) >> 10} kB answer"


def test_feed_that_never_ends(kiosk: Any) -> None:
    page = {"items": [{"key": "k1", "data": {}}], "next": "c1", "more": True}
    report = _pass(kiosk, _scripted({"/v1/feeds/": _json(page)}), ("status",))
    assert report.errors


@fuzz_settings(60, deadline_ms=5000, phases=(Phase.explicit, Phase.generate))  # no shrinking
@given(st.data())
def test_feed_answers(kiosk: Any, data: st.DataObject) -> None:
    _pass(kiosk, Server(data, feeds=True), feeds=P.FEEDS)


def test_token_refresh_with_a_bad_token(kiosk: Any) -> None:
    expired = {"error": {"code": "token_expired", "message": "hết hạn", "class": "auth"}}
    calls = {"push": 0}

    def push(request: httpx.Request) -> httpx.Response:
        calls["push"] += 1
        return (
            _json(expired, 401)(request)
            if calls["push"] == 1
            else _push_results(lambda i: {"id": i, "status": "accepted"})(request)
        )

    _reset(kiosk)
    sync_once(
        kiosk,
        transport=_transport(_scripted({"/v1/push": push, "/v1/token": _json({"token": ""})})),
        config=SyncConfig(feeds=(), upload_streams=1),
    )
    assert calls["push"] >= 1
    # the credential left on disk must still be usable
    from sync.client_enrol import load_credential

    assert load_credential(kiosk.data_dir)["token"]
