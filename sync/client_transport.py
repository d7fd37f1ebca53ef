"""HTTP for the sync client: one httpx client per sync pass, explicit timeouts, the bearer
token (refreshed on ``401 token_expired``), retries with jittered exponential backoff, the
protocol's error bodies turned into :mod:`sync.client_errors`, a clock-skew check.

Injectable for tests, benches and fault proxies: a :class:`Transport` is a base URL plus an
``httpx.Client`` factory (give ``httpx.Client(transport=httpx.MockTransport(...))``, or a base
URL that points at a throttling proxy). No Qt, no store.

Timeouts double as the stall watchdog: ``read`` / ``write`` bound the time *without a byte
moving* (httpx applies them to each socket operation), so a transfer that stalls for
``STALL_SECONDS`` is aborted and retried, while a slow but moving 256 kbit/s link is not.
"""

from __future__ import annotations

import email.utils
import gzip
import json
import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import httpx

from sync import protocol as P
from sync.client_errors import AuthError, SyncError, TransientError, error_for

CONNECT_SECONDS = 15.0
STALL_SECONDS = 30.0  # read / write: no byte moved for this long → abort, retry
POOL_SECONDS = 10.0
DEFAULT_TIMEOUT = httpx.Timeout(
    connect=CONNECT_SECONDS, read=STALL_SECONDS, write=STALL_SECONDS, pool=POOL_SECONDS
)
ATTEMPTS = 4  # tries of one request before its phase gives up (the next pass starts over)
BACKOFF_BASE = 1.0  # seconds; full jitter: sleep U(0, min(cap, base * 2**n))
BACKOFF_CAP = 60.0
SKEW_WARN_SECONDS = 300
# 429 rate_limited: the server asks for a pause, not a failure. The request waits Retry-After
# without spending an attempt, up to RATE_WAITS times per request and RATE_WAIT_MAX seconds a
# time; a longer pause ends the pass (transient: the next pass tries again).
RATE_WAITS = 8
RATE_WAIT_MAX = 300.0
USER_AGENT = f"motcua-kiosk-sync/{P.PROTOCOL_VERSION}"
_TRANSIENT_STATUS = {408, 425, 429, 500, 502, 503, 504}
# The largest decoded answer read: a feed page or a push answer is kilobytes; a catalogue
# bundle a few MB. Anything bigger is a broken or hostile server.
MAX_ANSWER_BYTES = 16 << 20


def default_client() -> httpx.Client:
    return httpx.Client(timeout=DEFAULT_TIMEOUT, headers={"User-Agent": USER_AGENT})


@dataclass
class Credentials:
    """What authenticates requests; ``refresh`` gets a new access token (and saves it)."""

    token: str
    refresh: Callable[[Transport], str] | None = None


@dataclass
class Transport:
    """Base URL + httpx client factory + retry policy, for one sync pass (made or given).

    Thread-safe for the pass's upload streams: each thread gets its own httpx client from the
    factory, the counters and a token refresh are taken under a lock (one refresh for all).
    """

    base_url: str = ""
    client_factory: Callable[[], httpx.Client] = default_client
    attempts: int = ATTEMPTS
    backoff_base: float = BACKOFF_BASE
    backoff_cap: float = BACKOFF_CAP
    sleep: Callable[[float], Any] = time.sleep
    rng: Callable[[], float] = random.random
    cancel: threading.Event | None = None
    clock: Callable[[], datetime] | None = None
    credentials: Credentials | None = None
    bytes_sent: int = 0
    bytes_received: int = 0
    requests: int = 0
    retries: int = 0
    skew_seconds: float | None = None
    _local: threading.local = field(default_factory=threading.local, repr=False)
    _clients: list[httpx.Client] = field(default_factory=list, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _auth_lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    # -------------------------------------------------------------- life
    def client(self) -> httpx.Client:
        """This thread's httpx client (made by the factory on first use)."""
        client = getattr(self._local, "client", None)
        if client is None:
            client = self._local.client = self.client_factory()
            with self._lock:
                self._clients.append(client)
        return client

    def close(self) -> None:
        with self._lock:
            clients, self._clients = self._clients, []
        for client in clients:
            client.close()
        self._local = threading.local()

    def count(self, **amounts: int) -> None:
        with self._lock:
            for name, n in amounts.items():
                setattr(self, name, getattr(self, name) + n)

    def __enter__(self) -> Transport:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def url(self, path: str) -> str:
        return self.base_url.rstrip("/") + path

    def backoff(self, attempt: int, retry_after: float | None = None) -> None:
        """Sleep before retry ``attempt`` (1, 2, …): full jitter, Retry-After honoured."""
        delay = self.rng() * min(self.backoff_cap, self.backoff_base * 2 ** (attempt - 1))
        if retry_after is not None:
            delay = max(delay, min(retry_after, self.backoff_cap))
        if self.cancel is not None:
            if self.cancel.wait(delay):
                raise TransientError("đồng bộ bị dừng", code="cancelled")
        else:
            self.sleep(delay)

    def pause(self, seconds: float) -> None:
        """Sleep ``seconds`` (a server's Retry-After), cancellable like the backoff."""
        seconds = max(0.0, seconds)
        if self.cancel is not None:
            if self.cancel.wait(seconds):
                raise TransientError("đồng bộ bị dừng", code="cancelled")
        else:
            self.sleep(seconds)

    # -------------------------------------------------------------- requests
    def request(
        self,
        method: str,
        path: str,
        *,
        json_body: Any = None,
        gzip_body: bool = False,
        content: bytes | None = None,
        headers: dict[str, str] | None = None,
        params: dict[str, Any] | None = None,
        auth: bool = True,
        retry: bool = True,
    ) -> httpx.Response:
        """One protocol request; returns a 2xx answer or raises a SyncError.

        Transient failures are retried ``attempts`` times with backoff (``retry=False``: once,
        for enrolment, whose code works only once); ``401 token_expired`` refreshes the token
        and repeats the request without counting an attempt.
        """
        hdrs = dict(headers or {})
        if json_body is not None:
            content = json.dumps(json_body, ensure_ascii=False, separators=(",", ":")).encode()
            hdrs["Content-Type"] = "application/json"
            if gzip_body:
                content = gzip.compress(content, compresslevel=6, mtime=0)
                hdrs["Content-Encoding"] = "gzip"
        refreshed = False
        attempt = 0
        rate_waits = 0
        while True:
            attempt += 1
            try:
                return self._once(method, path, content, hdrs, params, auth)
            except TransientError as exc:
                wait = exc.retry_after
                if exc.status == 429 and wait is not None and rate_waits < RATE_WAITS:
                    if wait > RATE_WAIT_MAX:
                        raise
                    rate_waits += 1
                    attempt -= 1  # a pause the server asked for is not a failed attempt
                    self.count(retries=1)
                    self.pause(wait)
                    continue
                if not retry or attempt >= self.attempts:
                    raise
                self.count(retries=1)
                self.backoff(attempt, exc.retry_after)
            except AuthError as exc:
                creds = self.credentials
                if exc.code != "token_expired" or refreshed or not creds or not creds.refresh:
                    raise
                refreshed = True
                attempt -= 1
                self._refresh(creds, getattr(exc, "sent_token", None))

    def _refresh(self, creds: Credentials, sent: str | None) -> None:
        # one refresh for every thread that saw the same token expire: the newest access
        # token replaces the previous one on the server
        with self._auth_lock:
            if sent is None or creds.token == sent:
                assert creds.refresh is not None
                creds.token = creds.refresh(self)

    def _once(
        self,
        method: str,
        path: str,
        content: bytes | None,
        headers: dict[str, str],
        params: dict[str, Any] | None,
        auth: bool,
    ) -> httpx.Response:
        hdrs = dict(headers)
        token = None
        if auth:
            if self.credentials is None:
                raise AuthError("Thiết bị chưa đăng ký với máy chủ tỉnh", code="auth_missing")
            token = self.credentials.token
            hdrs["Authorization"] = f"Bearer {token}"
        self.count(requests=1)
        try:
            resp = self._fetch(method, path, content, hdrs, params)
        except httpx.TimeoutException as exc:
            raise TransientError(
                f"hết thời gian chờ ({type(exc).__name__})", code="timeout"
            ) from exc
        except httpx.TransportError as exc:
            raise TransientError(
                f"mất kết nối tới máy chủ tỉnh ({type(exc).__name__}: {exc})", code="network"
            ) from exc
        self.count(
            bytes_sent=len(content or b""),
            bytes_received=getattr(resp, "num_bytes_downloaded_raw", resp.num_bytes_downloaded),
        )
        self._check_skew(resp)
        if resp.is_success:
            return resp
        err = self._error(resp)
        err.sent_token = token  # type: ignore[attr-defined] - which token expired
        raise err

    def _fetch(
        self,
        method: str,
        path: str,
        content: bytes | None,
        headers: dict[str, str],
        params: dict[str, Any] | None,
    ) -> httpx.Response:
        """Send and read the answer, decoded here, at most MAX_ANSWER_BYTES of it.

        httpx would inflate a compressed chunk in one call, so a "gzip bomb" (100 kB on the
        wire, gigabytes inflated) would be in memory before any check; here zlib inflates
        with ``max_length``, so the refusal costs at most the cap. Only gzip is asked for.
        """
        hdrs = {**headers, "Accept-Encoding": "gzip"}
        request = self.client().build_request(
            method, self.url(path), content=content, headers=hdrs, params=params
        )
        resp = self.client().send(request, stream=True)
        try:
            body = _bounded_body(resp)
        finally:
            resp.close()
        answer = httpx.Response(
            resp.status_code,
            headers=[(k, v) for k, v in resp.headers.items() if k.lower() != "content-encoding"],
            content=body,
            request=request,
        )
        answer.num_bytes_downloaded_raw = resp.num_bytes_downloaded  # type: ignore[attr-defined]
        return answer

    def _error(self, resp: httpx.Response) -> SyncError:
        headers = {k.lower(): v for k, v in resp.headers.items()}
        body: dict[str, Any] = {}
        try:
            data = resp.json()
            if isinstance(data, dict) and isinstance(data.get("error"), dict):
                body = data["error"]
        except (ValueError, UnicodeDecodeError):
            pass
        code = str(body.get("code") or f"http_{resp.status_code}")
        message = str(body.get("message") or f"máy chủ trả lời HTTP {resp.status_code}")
        klass = body.get("class")
        if resp.status_code in _TRANSIENT_STATUS:
            klass = P.TRANSIENT
        elif resp.status_code == 401:
            klass = P.AUTH
        elif klass is None:
            klass = P.CONFLICT if resp.status_code == 409 else P.PERMANENT
        return error_for(
            code, message, klass=klass, status=resp.status_code, detail=body, headers=headers
        )

    def _check_skew(self, resp: httpx.Response) -> None:
        date = resp.headers.get("date")
        if not date or self.clock is None:
            return
        try:
            server = email.utils.parsedate_to_datetime(date)
        except (TypeError, ValueError):
            return
        self.skew_seconds = (self.clock() - server).total_seconds()

    @property
    def skew_warning(self) -> str | None:
        s = self.skew_seconds
        if s is None or abs(s) < SKEW_WARN_SECONDS:
            return None
        side = "nhanh" if s > 0 else "chậm"
        return f"Đồng hồ máy này {side} hơn máy chủ tỉnh {abs(s) / 60:.0f} phút; hãy chỉnh giờ"


def _too_big() -> TransientError:
    return TransientError(
        f"câu trả lời của máy chủ tỉnh quá lớn (hơn {MAX_ANSWER_BYTES >> 20} MB)",
        code="bad_answer",
    )


def _bounded_body(resp: httpx.Response) -> bytes:
    """The decoded body of a streamed answer; TransientError ``bad_answer`` when it is larger
    than MAX_ANSWER_BYTES (raw or inflated), not valid gzip, or in an encoding not asked for."""
    import zlib

    if resp.is_stream_consumed and hasattr(resp, "_content"):
        # a response object read before (a test's transport handing out one twice): httpx
        # kept its decoded body
        if len(resp.content) > MAX_ANSWER_BYTES:
            raise _too_big()
        return resp.content
    encoding = resp.headers.get("content-encoding", "").strip().lower()
    if encoding not in ("", "identity", "gzip", "x-gzip"):
        raise TransientError(
            f"máy chủ tỉnh trả lời bằng mã hóa không hỗ trợ ({encoding[:40]!r})", code="bad_answer"
        )
    inflater = zlib.decompressobj(31) if encoding in ("gzip", "x-gzip") else None
    out: list[bytes] = []
    size = raw_size = 0
    try:
        for chunk in resp.iter_raw():
            raw_size += len(chunk)
            if raw_size > MAX_ANSWER_BYTES:
                raise _too_big()
            if inflater is None:
                size += len(chunk)
                out.append(chunk)
            else:
                data = chunk
                while data:
                    # 1 MB at a time: zlib's output buffer grows by copying
                    piece = inflater.decompress(data, min(1 << 20, MAX_ANSWER_BYTES + 1 - size))
                    size += len(piece)
                    if size > MAX_ANSWER_BYTES:
                        raise _too_big()
                    out.append(piece)
                    data = inflater.unconsumed_tail
        if inflater is not None:
            if not inflater.eof:
                raise zlib.error("truncated gzip stream")
            size += len(tail := inflater.flush())
            out.append(tail)
    except zlib.error as exc:
        raise TransientError(
            f"máy chủ tỉnh gửi dữ liệu nén hỏng ({exc})", code="bad_answer"
        ) from exc
    except httpx.TimeoutException as exc:
        raise TransientError(f"hết thời gian chờ ({type(exc).__name__})", code="timeout") from exc
    except httpx.TransportError as exc:
        raise TransientError(
            f"mất kết nối tới máy chủ tỉnh ({type(exc).__name__}: {exc})", code="network"
        ) from exc
    if size > MAX_ANSWER_BYTES:
        raise _too_big()
    return b"".join(out)
