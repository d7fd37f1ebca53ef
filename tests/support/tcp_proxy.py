"""A test-only TCP proxy on 127.0.0.1 that makes a loopback connection behave like a bad link.

Put it in front of the real server and point the kiosk at it::

    with TcpProxy(("127.0.0.1", server_port)) as proxy:          # proxy.url → http://127.0.0.1:P
        proxy.configure(rate=32_000, latency=0.3)   # 256 kbit/s and 300 ms, each way
        proxy.reset_after(20_000, match=b"PATCH /v1/attachments")   # RST mid-upload, once
        proxy.reset_after(0, direction="down", match=b"POST /v1/push")  # lose push's answer
        proxy.configure(blackhole=True)             # accept, read, never forward or answer
        proxy.clean()                               # a good link again

Every setting can be changed while connections are open (from any thread); it applies to the
next bytes read. What it models:

- **rate** (bytes/s, each direction its own ``_Link``, shared by every connection as one
  modem is): bytes leave in FIFO order at that rate, in segments of ``segment`` bytes;
- **latency** (s, one way): every segment arrives that much after it left; a new connection
  waits one round trip before its first bytes move (the TCP handshake);
- **buffer**: at most that many bytes wait in a direction's queue (the modem's buffer); a
  sender beyond it is not read from (back-pressure, as a full TCP window);
- **reset_after(n, direction, match)**: the next connection whose client→server bytes contain
  ``match`` (a request line) is reset (RST to both ends, ``SO_LINGER`` 0) once ``n`` more
  bytes passed in ``direction`` counted from the match (``up``: the request; ``down``: the
  answer to that request, so ``n = 0`` loses an answer the server already committed);
- **blackhole**: connections are accepted and read but nothing is forwarded or answered; a
  connection that saw the black hole stays dead after it is switched off (new ones work);
- **hook(conn, direction, data)**: called on the proxy's thread for every read, before it is
  forwarded; return ``"reset"`` (reset the connection before this data) or ``"drop"``;
- **upstream** may be changed (a server restarted on another port): new connections use it.

Counters (``bytes_up`` / ``bytes_down``: bytes delivered to the other end, i.e. what crossed
the link; ``connections``, ``resets``) are what benches read. Never used by the product.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import socket
import struct
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

UP, DOWN = "up", "down"  # client → server, server → client
READ_BYTES = 64 * 1024
THROTTLED_READ_BYTES = 8 * 1024


@dataclass
class _Link:
    """One direction of the link: a rate, a latency and one FIFO queue shared by all."""

    rate: float | None = None
    latency: float = 0.0
    buffer: int = 64 * 1024
    free_at: float = 0.0
    queued: int = 0
    space: asyncio.Event | None = None

    def schedule(self, n: int, now: float) -> float:
        """When ``n`` bytes handed over at ``now`` arrive at the other end."""
        if self.rate:
            self.free_at = max(now, self.free_at) + n / self.rate
            return self.free_at + self.latency
        return now + self.latency


@dataclass
class _Arm:
    after: int
    direction: str
    match: bytes
    times: int


@dataclass
class Conn:
    """One proxied connection (what a hook is given)."""

    id: int
    client: asyncio.StreamWriter
    upstream: asyncio.StreamWriter | None = None
    blackholed: bool = False
    dead: bool = False
    countdown: dict[str, int] = field(default_factory=dict)
    tail: bytes = b""
    sent: dict[str, int] = field(default_factory=lambda: {UP: 0, DOWN: 0})


Hook = Callable[[Conn, str, bytes], "str | None"]


class TcpProxy:
    def __init__(
        self,
        upstream: tuple[str, int],
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        rate: float | None = None,
        latency: float = 0.0,
        segment: int = 1460,
        buffer: int = 64 * 1024,
        hook: Hook | None = None,
    ) -> None:
        self.upstream = upstream
        self.host, self.port = host, port
        self.segment = segment
        self.links = {UP: _Link(buffer=buffer), DOWN: _Link(buffer=buffer)}
        self.blackhole = False
        self.hook = hook
        self.bytes_up = self.bytes_down = 0
        self.connections = self.resets = 0
        self._arms: list[_Arm] = []
        self._conns: dict[int, Conn] = {}
        self._ids = itertools.count(1)
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._server: asyncio.AbstractServer | None = None
        self._stopping = False
        self.configure(rate=rate, latency=latency)

    # -------------------------------------------------------------- control (any thread)
    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def configure(
        self,
        *,
        rate: float | None | bool = False,
        latency: float | None = None,
        rate_up: float | None | bool = False,
        rate_down: float | None | bool = False,
        blackhole: bool | None = None,
        upstream: tuple[str, int] | None = None,
    ) -> TcpProxy:
        """Change the link (omitted settings stay; ``rate=None`` unthrottles)."""
        if rate is not False:
            self.links[UP].rate = self.links[DOWN].rate = rate or None
        if rate_up is not False:
            self.links[UP].rate = rate_up or None
        if rate_down is not False:
            self.links[DOWN].rate = rate_down or None
        if latency is not None:
            self.links[UP].latency = self.links[DOWN].latency = float(latency)
        if blackhole is not None:
            self.blackhole = blackhole
        if upstream is not None:
            self.upstream = upstream
        return self

    def clean(self) -> TcpProxy:
        """A good link: no throttle, no latency, no black hole, nothing armed, no hook."""
        self._arms.clear()
        self.hook = None
        return self.configure(rate=None, latency=0.0, blackhole=False)

    def reset_after(
        self, after: int, *, direction: str = UP, match: bytes = b"", times: int = 1
    ) -> TcpProxy:
        """Arm a reset: see the module docstring. ``match=b""`` → the next connection's first
        bytes (any request)."""
        if direction not in (UP, DOWN):
            raise ValueError(direction)
        self._arms.append(_Arm(int(after), direction, match, int(times)))
        return self

    @property
    def armed(self) -> int:
        return sum(a.times for a in self._arms)

    def reset_all(self) -> None:
        """Reset every open connection now."""
        self._call(lambda: [self._reset(c) for c in list(self._conns.values())])

    def counters(self) -> dict[str, int]:
        return {
            "bytes_up": self.bytes_up,
            "bytes_down": self.bytes_down,
            "connections": self.connections,
            "resets": self.resets,
        }

    def zero(self) -> None:
        self.bytes_up = self.bytes_down = self.connections = self.resets = 0

    # -------------------------------------------------------------- life
    def start(self) -> TcpProxy:
        ready = threading.Event()
        failed: list[BaseException] = []
        loop = asyncio.new_event_loop()
        self._loop = loop

        def run() -> None:
            asyncio.set_event_loop(loop)
            try:
                for link in self.links.values():
                    link.space = asyncio.Event()
                    link.space.set()
                self._server = loop.run_until_complete(
                    asyncio.start_server(self._accept, self.host, self.port, reuse_address=True)
                )
                self.port = self._server.sockets[0].getsockname()[1]
            except BaseException as exc:  # noqa: BLE001 - handed to start()
                failed.append(exc)
                ready.set()
                return
            ready.set()
            loop.run_forever()

        self._thread = threading.Thread(target=run, name="tcp-proxy", daemon=True)
        self._thread.start()
        ready.wait(10)
        if failed:
            raise failed[0]
        return self

    def stop(self) -> None:
        loop = self._loop
        if loop is None:
            return

        async def shutdown() -> None:
            if self._server is not None:
                self._server.close()
            self._stopping = True
            for conn in list(self._conns.values()):
                self._reset(conn, count=False)
            tasks = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
            if tasks:  # aborted connections end by themselves (EOF); stragglers are cancelled
                _done, late = await asyncio.wait(tasks, timeout=2)
                for t in late:
                    t.cancel()
                await asyncio.gather(*late, return_exceptions=True)

        with contextlib.suppress(Exception):
            asyncio.run_coroutine_threadsafe(shutdown(), loop).result(10)
        loop.call_soon_threadsafe(loop.stop)
        if self._thread is not None:
            self._thread.join(10)
        loop.close()
        self._loop = None

    def __enter__(self) -> TcpProxy:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _call(self, fn: Callable[[], Any]) -> Any:
        assert self._loop is not None, "proxy not started"

        async def run() -> Any:
            return fn()

        return asyncio.run_coroutine_threadsafe(run(), self._loop).result(10)

    # -------------------------------------------------------------- the proxy's thread
    async def _accept(self, creader: asyncio.StreamReader, cwriter: asyncio.StreamWriter) -> None:
        conn = Conn(next(self._ids), cwriter)
        self._conns[conn.id] = conn
        self.connections += 1
        try:
            if self.blackhole:
                conn.blackholed = True
                while await creader.read(READ_BYTES):
                    pass
                return
            handshake = self.links[UP].latency + self.links[DOWN].latency
            if handshake:
                await asyncio.sleep(handshake)
            if self._stopping or conn.dead:
                return
            try:
                ureader, uwriter = await asyncio.open_connection(*self.upstream)
            except OSError:  # the server is down: the client sees its connection reset
                self._reset(conn, count=False)
                return
            conn.upstream = uwriter
            await asyncio.gather(
                self._pipe(conn, UP, creader, uwriter), self._pipe(conn, DOWN, ureader, cwriter)
            )
        except (ConnectionError, OSError):
            pass
        finally:
            self._close(conn)
            self._conns.pop(conn.id, None)

    async def _pipe(
        self,
        conn: Conn,
        direction: str,
        reader: asyncio.StreamReader,
        writer: asyncio.StreamWriter,
    ) -> None:
        loop = asyncio.get_running_loop()
        link = self.links[direction]
        queue: asyncio.Queue[tuple[float, bytes, bool] | None] = asyncio.Queue()
        mine = [0]  # bytes of this pipe waiting in the link's queue

        async def produce() -> None:
            try:
                while not conn.dead:
                    size = THROTTLED_READ_BYTES if link.rate else READ_BYTES
                    data = await reader.read(size)
                    if not data:
                        break
                    if conn.blackholed or self.blackhole:
                        conn.blackholed = True
                        continue
                    if self.hook is not None:
                        action = self.hook(conn, direction, data)
                        if action == "reset":
                            self._reset(conn)
                            break
                        if action == "drop":
                            continue
                    piece, then_reset = self._countdown(conn, direction, data)
                    now = loop.time()
                    step = self.segment if link.rate else max(1, len(piece))
                    parts = [piece[i : i + step] for i in range(0, len(piece), step)] or [b""]
                    for i, part in enumerate(parts):
                        last = i == len(parts) - 1
                        queue.put_nowait((link.schedule(len(part), now), part, then_reset and last))
                        mine[0] += len(part)
                        link.queued += len(part)
                    if then_reset:
                        return
                    assert link.space is not None
                    while link.queued >= link.buffer and not conn.dead:
                        link.space.clear()
                        await link.space.wait()
            except (ConnectionError, OSError):
                pass
            finally:
                queue.put_nowait(None)

        async def deliver() -> None:
            try:
                while True:
                    item = await queue.get()
                    if item is None:
                        break
                    at, part, then_reset = item
                    delay = at - loop.time()
                    if delay > 0:
                        await asyncio.sleep(delay)
                    if conn.dead:
                        return
                    mine[0] -= len(part)
                    link.queued -= len(part)
                    if link.queued < link.buffer and link.space is not None:
                        link.space.set()
                    if part:
                        writer.write(part)
                        conn.sent[direction] += len(part)
                        if direction == UP:
                            self.bytes_up += len(part)
                        else:
                            self.bytes_down += len(part)
                        await writer.drain()
                    if then_reset:
                        self._reset(conn)
                        return
            except (ConnectionError, OSError):
                pass
            finally:
                link.queued -= mine[0]
                mine[0] = 0
                if link.space is not None:
                    link.space.set()
                self._close(conn)  # EOF (or an error) one way ends the connection

        await asyncio.gather(produce(), deliver())

    def _countdown(self, conn: Conn, direction: str, data: bytes) -> tuple[bytes, bool]:
        """Apply armed resets: the part of ``data`` to forward, and whether to reset after."""
        if direction == UP and self._arms:
            window = conn.tail + data
            for arm in list(self._arms):
                at = window.find(arm.match) if arm.match else 0
                if at < 0 or arm.direction in conn.countdown:
                    continue
                arm.times -= 1
                if arm.times <= 0:
                    self._arms.remove(arm)
                start = max(0, at - len(conn.tail))  # the match's start within data
                conn.countdown[arm.direction] = arm.after + (start if arm.direction == UP else 0)
                break
            conn.tail = window[-256:]
        left = conn.countdown.get(direction)
        if left is None:
            return data, False
        if len(data) >= left:
            return data[:left], True
        conn.countdown[direction] = left - len(data)
        return data, False

    def _reset(self, conn: Conn, *, count: bool = True) -> None:
        if conn.dead:
            return
        conn.dead = True
        if count:
            self.resets += 1
        for w in (conn.client, conn.upstream):
            if w is None:
                continue
            sock = w.get_extra_info("socket")
            with contextlib.suppress(OSError, AttributeError):
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            w.transport.abort()

    def _close(self, conn: Conn) -> None:
        conn.dead = True
        for w in (conn.client, conn.upstream):
            if w is not None and not w.transport.is_closing():
                w.transport.close()
