"""The server's front door, before any route: who the client is (behind a trusted reverse
proxy or not), HTTPS only outside loopback, HSTS, rate limits, and an access log without
receipt codes.

Client address and scheme
    The peer address of the connection is the client, unless it is one of the
    ``--trusted-proxy`` addresses: then the client is the last address the proxy appended to
    ``X-Forwarded-For`` and the scheme is its ``X-Forwarded-Proto`` (anything but ``https``
    counts as plain HTTP). uvicorn's own proxy handling is off (cli.py) so this is the one
    place that decides; the route handlers and uvicorn's access log see the result.

HTTPS
    A plain-HTTP request is refused (403 ``https_required``) unless ``--allow-http`` is given or
    it comes straight from a loopback address (the machine itself: admin scripts, a health
    check). A request through a trusted proxy is never "loopback": the proxy must say https.
    Answers to HTTPS requests carry ``Strict-Transport-Security``.

Rate limits (in-process token buckets: right for one server process)
    Per client address for the unauthenticated doors — enrolment, token refresh, operator
    login, the lookup page (and its failures, counted apart) — and per device for everything
    a device does (:meth:`Guard.device`). Direct loopback clients are not limited by address
    (they are the machine itself; behind a local proxy the real client address counts).
    A refusal is ``429 rate_limited`` with ``Retry-After`` in whole seconds.
"""

from __future__ import annotations

import hashlib
import ipaddress
import json
import logging
import math
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from sync import protocol as P
from sync.server.service_common import ApiError

HSTS = "max-age=31536000"
MAX_KEYS = 100_000  # buckets kept per limit; the least recently used go first


@dataclass(frozen=True)
class Rate:
    """``per_minute`` tokens a minute, at most ``burst`` at once."""

    per_minute: float
    burst: float


# What one client address (or device) may do; --rate-scale multiplies every rate.
DEFAULT_RATES: dict[str, Rate] = {
    "enrol": Rate(10, 10),
    "token": Rate(30, 30),
    "login": Rate(10, 10),
    "login_fail_user": Rate(1, 10),  # wrong passwords per login name, whoever tries
    "lookup": Rate(60, 60),
    "lookup_fail": Rate(1, 10),  # failed lookups per address: enumeration costs a minute each
    "ip": Rate(1200, 600),  # any request, per address
    "device": Rate(6000, 3000),  # any request, per device (a push is one request per 50 events)
}


class TokenBuckets:
    """Token buckets by key, thread-safe, bounded (LRU) memory."""

    def __init__(self, rate: Rate, clock: Callable[[], float] = time.monotonic) -> None:
        self.rate = rate
        self.clock = clock
        self._b: OrderedDict[str, tuple[float, float]] = OrderedDict()
        self._lock = threading.Lock()

    def take(self, key: str, cost: float = 1.0) -> float:
        """0 when allowed (a token is spent), else the seconds until one is available."""
        per_s = self.rate.per_minute / 60.0
        now = self.clock()
        with self._lock:
            tokens, at = self._b.pop(key, (self.rate.burst, now))
            tokens = min(self.rate.burst, tokens + (now - at) * per_s)
            wait = 0.0
            if tokens >= cost:
                tokens -= cost
            else:
                wait = (cost - tokens) / per_s if per_s > 0 else 3600.0
            self._b[key] = (tokens, now)
            if len(self._b) > MAX_KEYS:
                self._b.popitem(last=False)
        return wait

    def peek(self, key: str) -> float:
        """Seconds until ``key`` has a token (0: it has one now); spends nothing."""
        per_s = self.rate.per_minute / 60.0
        now = self.clock()
        with self._lock:
            tokens, at = self._b.get(key, (self.rate.burst, now))
        tokens = min(self.rate.burst, tokens + (now - at) * per_s)
        return 0.0 if tokens >= 1 else (1 - tokens) / per_s


def limited(wait: float) -> ApiError:
    seconds = max(1, math.ceil(wait))
    return ApiError(
        "rate_limited",
        f"Quá nhiều yêu cầu; thử lại sau {seconds} giây",
        headers={"Retry-After": str(seconds)},
    )


def _parse_ips(values: Iterable[str]) -> list[Any]:
    out = []
    for v in values:
        for part in str(v).split(","):
            if part.strip():
                out.append(ipaddress.ip_network(part.strip(), strict=False))
    return out


@dataclass
class Guard:
    """The front-door policy of one app: proxies, HTTPS, rate limits."""

    allow_http: bool = False
    trusted_proxies: list[str] = field(default_factory=list)
    rate_scale: float = 1.0
    clock: Callable[[], float] = time.monotonic

    def __post_init__(self) -> None:
        self._proxies = _parse_ips(self.trusted_proxies)
        s = max(self.rate_scale, 1e-9)
        self.buckets = {
            name: TokenBuckets(Rate(r.per_minute * s, max(1.0, r.burst * s)), self.clock)
            for name, r in DEFAULT_RATES.items()
        }

    # -------------------------------------------------------------- addresses
    def _is_proxy(self, host: str) -> bool:
        ip = _ip(host)
        return ip is not None and any(ip in net for net in self._proxies)

    @staticmethod
    def _loopback(host: str) -> bool:
        ip = _ip(host)
        return ip is not None and ip.is_loopback

    def resolve(self, scope: dict[str, Any]) -> tuple[str, str, bool]:
        """(client address, scheme, direct loopback) of an HTTP scope."""
        peer = (scope.get("client") or ("", 0))[0] or ""
        scheme = scope.get("scheme", "http")
        if not self._is_proxy(peer):
            return peer, scheme, self._loopback(peer)
        headers = dict_headers(scope)
        forwarded = [h.strip() for h in headers.get("x-forwarded-for", "").split(",") if h.strip()]
        client = forwarded[-1] if forwarded else peer
        proto = headers.get("x-forwarded-proto", "http").split(",")[-1].strip().lower()
        return client, ("https" if proto == "https" else "http"), False

    # -------------------------------------------------------------- limits
    def check(self, limit: str, key: str) -> None:
        """Spend one token of ``limit`` for ``key`` or raise 429."""
        wait = self.buckets[limit].take(key)
        if wait:
            raise limited(wait)

    def device(self, device_id: str) -> None:
        self.check("device", device_id)


def _ip(host: str) -> Any:
    """The address (an IPv4-mapped IPv6 address as its IPv4 one), None if not an address."""
    try:
        ip = ipaddress.ip_address(host)
    except ValueError:
        return None
    mapped = getattr(ip, "ipv4_mapped", None)
    return mapped if mapped is not None else ip


def dict_headers(scope: dict[str, Any]) -> dict[str, str]:
    out: dict[str, str] = {}
    for k, v in scope.get("headers") or ():
        name = k.decode("latin-1").lower()
        value = v.decode("latin-1")
        out[name] = f"{out[name]}, {value}" if name in out else value
    return out


# Which unauthenticated doors each path is, for the per-address limits.
def door(method: str, path: str) -> str | None:
    if method == "POST" and path == "/v1/enrol":
        return "enrol"
    if method == "POST" and path == "/v1/token":
        return "token"
    if method == "POST" and path == "/v1/login":
        return "login"
    if path[:3].lower() == "/r/":
        return "lookup"
    return None


class GuardMiddleware:
    """Pure ASGI middleware applying a :class:`Guard` to every HTTP request."""

    def __init__(self, app: Any, guard: Guard) -> None:
        self.app = app
        self.guard = guard

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        g = self.guard
        client, scheme, local = g.resolve(scope)
        scope = dict(scope)
        scope["client"] = (client, (scope.get("client") or ("", 0))[1])
        scope["scheme"] = scheme
        scope.setdefault("state", {})
        scope["state"]["direct_loopback"] = local
        try:
            if scheme != "https" and not g.allow_http and not local:
                raise ApiError(
                    "https_required",
                    "Máy chủ chỉ nhận kết nối HTTPS (qua proxy ngược có TLS)",
                )
            if not local:
                g.check("ip", client)
                which = door(scope["method"], scope["path"])
                if which:
                    g.check(which, client)
        except ApiError as exc:
            await _send_error(send, exc, scheme == "https")
            return

        async def send_with_hsts(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start" and scheme == "https":
                message = dict(message)
                message["headers"] = [
                    *message.get("headers", []),
                    (b"strict-transport-security", HSTS.encode()),
                ]
            await send(message)

        await self.app(scope, receive, send_with_hsts)


async def _send_error(send: Any, exc: ApiError, https: bool) -> None:
    body = json.dumps({"error": exc.to_json()}, ensure_ascii=False).encode()
    headers = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(body)).encode()),
        (P.PROTOCOL_HEADER.lower().encode(), str(P.PROTOCOL_VERSION).encode()),
        *[(k.lower().encode(), v.encode()) for k, v in exc.headers.items()],
    ]
    if https:
        headers.append((b"strict-transport-security", HSTS.encode()))
    await send({"type": "http.response.start", "status": exc.status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


# ------------------------------------------------------------------ access log
def redact_path(path: str) -> str:
    """A request path fit for the log: a lookup's code or QR text becomes a short hash (the
    same receipt gives the same hash, so repeated lookups can still be counted), query
    strings are dropped (the lookup's second factor travels there)."""
    path, _, _query = path.partition("?")
    if path[:3].lower() == "/r/":
        digest = hashlib.sha256(path[3:].upper().encode()).hexdigest()[:12]
        return f"/r/#{digest}"
    return path


class AccessLogRedactor(logging.Filter):
    """Rewrites uvicorn's access-log records: (client, method, path, version, status)."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if isinstance(args, tuple) and len(args) >= 3 and isinstance(args[2], str):
            record.args = (*args[:2], redact_path(args[2]), *args[3:])
        return True


def install_log_filters() -> None:
    logger = logging.getLogger("uvicorn.access")
    if not any(isinstance(f, AccessLogRedactor) for f in logger.filters):
        logger.addFilter(AccessLogRedactor())
