"""A private CUPS daemon with cups-pdf queues, for tests that print through the real print system.

Load it as a plugin (``pytest_plugins = ["tests.cups_fixture"]`` in tests/conftest.py) or import
the fixtures into a test module. What it sets up, once per test process (so once per xdist
worker), see also docs/printing.md:

- a ``cupsd`` of its own, run from a copy of /usr/sbin/cupsd (an AppArmor profile attaches by
  path, and Debian's confines cupsd and cups-pdf to the system's directories) with ServerRoot,
  spool, cache, state and logs in a fresh ``/tmp/motcua-cups-*`` folder (mode 0755: CUPS runs
  filters as ``lp``, which cannot enter pytest's 0700 tmp folders), listening only on a Unix
  socket in that folder; the system's CUPS (if any) is never touched;
- a copy of the cups-pdf backend in that daemon's ServerBin (mode 0700 so cupsd runs it as
  root — cups-pdf needs root to setuid to the job's owner — and again outside AppArmor's path);
- queue ``motcua-pdf-<id>`` (enabled) with device ``cups-pdf:/motcua-<id>``: cups-pdf reads the
  per-device file ``/etc/cups/cups-pdf-motcua-<id>.conf`` (its config folder is compiled in),
  which the fixture writes with ``Out`` = the private folder's ``out/`` and removes afterwards;
- queue ``motcua-stopped-<id>``, created disabled and rejecting jobs;
- ``CUPS_SERVER`` in ``os.environ`` pointing at the socket (inherited by subprocesses), and
  ``cupsSetServer(NULL)`` on the calling thread, because libcups caches the server per thread
  the first time it is used: Qt's CUPS plugin in the test process then sees these queues even
  when pytest-qt's QApplication (or an earlier test) already asked CUPS for printers. Threads
  that already used libcups keep their old server; new threads read the environment.

Needs root (cups-pdf and /etc/cups) and the Debian packages cups, cups-client,
printer-driver-cups-pdf (tools/debian-deps.sh). When something is missing the tests are
skipped with the reason — except with ``CI=true``, where they fail: CI must really print.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import os
import shutil
import subprocess
import tempfile
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

CUPSD = "/usr/sbin/cupsd"
CUPS_SERVER_BIN = Path("/usr/lib/cups")
CUPS_PDF_BACKEND = CUPS_SERVER_BIN / "backend" / "cups-pdf"
CUPS_PDF_PPDS = (
    Path("/usr/share/ppd/cups-pdf/CUPS-PDF_opt.ppd"),
    Path("/usr/share/ppd/cups-pdf/CUPS-PDF_noopt.ppd"),
    Path("/usr/share/cups/model/CUPS-PDF_opt.ppd"),
)
CUPS_PDF_CONFIG_DIR = Path("/etc/cups")  # compiled into cups-pdf (CP_CONFIG_PATH)
START_TIMEOUT = 20.0


def cups_unavailable(reason: str) -> None:
    """Skip (locally) or fail (CI=true) because a real CUPS queue cannot be had."""
    message = f"no private CUPS with a cups-pdf queue: {reason}"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(message + " (CI=true: printing must be tested for real)", pytrace=False)
    pytest.skip(message)


@dataclass
class CupsPdfServer:
    """A running private cupsd and its cups-pdf queues."""

    base: Path
    socket: Path
    queue: str
    stopped_queue: str
    out_dir: Path
    log_dir: Path
    cups_pdf_conf: Path
    process: subprocess.Popen[bytes] | None = None
    _seen: set[Path] = field(default_factory=set)

    # -- client side ------------------------------------------------------------------
    def env(self) -> dict[str, str]:
        """os.environ plus CUPS_SERVER, for subprocesses (the CLI)."""
        return {**os.environ, "CUPS_SERVER": str(self.socket)}

    def lp(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        """Run a CUPS client command (lpstat, lpadmin, cupsenable…) against this daemon."""
        return subprocess.run(
            [args[0], "-h", str(self.socket), *args[1:]],
            capture_output=True,
            text=True,
            check=check,
            timeout=30,
            env=self.env(),
        )

    def pending_jobs(self) -> list[str]:
        out = self.lp("lpstat", "-o", check=False).stdout
        return [line.split()[0] for line in out.splitlines() if line.strip()]

    def outputs(self) -> list[Path]:
        return sorted(self.out_dir.glob("*.pdf"), key=lambda p: p.stat().st_mtime_ns)

    def new_outputs(self, count: int = 1, timeout: float = 60.0) -> list[Path]:
        """Wait until ``count`` PDFs not returned before are written and no job is pending."""
        deadline = time.monotonic() + timeout
        while True:
            fresh = [p for p in self.outputs() if p not in self._seen]
            if len(fresh) >= count and not self.pending_jobs():
                time.sleep(0.2)  # cups-pdf chmods after ghostscript exits
                self._seen.update(fresh)
                return fresh
            if time.monotonic() > deadline:
                raise AssertionError(
                    f"cups-pdf wrote {len(fresh)} of {count} PDFs in {timeout:.0f} s; "
                    f"pending jobs {self.pending_jobs()}\n--- cupsd error_log (tail)\n"
                    + self.log_tail()
                )
            time.sleep(0.1)

    def log_tail(self, lines: int = 60) -> str:
        chunks = []
        for log in sorted(self.log_dir.glob("*_log")):
            with contextlib.suppress(OSError):
                text = log.read_text(errors="replace").splitlines()[-lines:]
                chunks.append(f"[{log.name}]\n" + "\n".join(text))
        return "\n".join(chunks)

    def mark_seen(self) -> None:
        self._seen.update(self.outputs())

    # -- life cycle -------------------------------------------------------------------
    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)
        with contextlib.suppress(OSError):
            self.cups_pdf_conf.unlink()
        shutil.rmtree(self.base, ignore_errors=True)


def _reset_libcups_server() -> None:
    """Make libcups on this thread re-read CUPS_SERVER (it caches the server per thread)."""
    path = ctypes.util.find_library("cups")
    try:
        lib = ctypes.CDLL(path or "libcups.so.2")
    except OSError:
        return
    lib.cupsSetServer.argtypes = [ctypes.c_char_p]
    lib.cupsSetServer.restype = None
    lib.cupsSetServer(None)


def _exec_tmp_dir() -> str:
    """A short world-traversable temporary folder where programs may be run (not noexec):
    the copied cupsd and backend run from it, and its socket path must stay short."""
    for candidate in ("/tmp", "/var/tmp", "/dev/shm"):
        try:
            flags = os.statvfs(candidate).f_flag
        except OSError:
            continue
        if not flags & os.ST_NOEXEC and os.access(candidate, os.W_OK):
            return candidate
    raise RuntimeError("no temporary folder allows running programs (all noexec)")


def _admin(server: CupsPdfServer, *args: str) -> None:
    """Run an admin command, retrying briefly (a just-started cupsd may still be loading)."""
    for attempt in range(5):
        done = server.lp(*args, check=False)
        if done.returncode == 0:
            return
        time.sleep(0.2 * (attempt + 1))
    raise RuntimeError(
        f"{' '.join(args)} failed: {done.stderr.strip() or done.stdout.strip()}\n"
        + server.log_tail(30)
    )


def start_cups_pdf_server() -> CupsPdfServer:
    """Start a private cupsd with the cups-pdf queues; raise RuntimeError with the reason."""
    if not hasattr(os, "geteuid") or os.geteuid() != 0:
        raise RuntimeError("needs root (cups-pdf runs as root and reads /etc/cups)")
    for tool in (CUPSD, str(CUPS_PDF_BACKEND)):
        if not Path(tool).exists():
            raise RuntimeError(f"{tool} is missing (install cups and printer-driver-cups-pdf)")
    for client in ("lpadmin", "lpstat"):
        if shutil.which(client) is None:
            raise RuntimeError(f"{client} is missing (install cups-client)")
    ppd = next((p for p in CUPS_PDF_PPDS if p.exists()), None)
    if ppd is None:
        raise RuntimeError("the CUPS-PDF PPD is missing (printer-driver-cups-pdf)")
    if not CUPS_PDF_CONFIG_DIR.is_dir() or not os.access(CUPS_PDF_CONFIG_DIR, os.W_OK):
        raise RuntimeError(f"{CUPS_PDF_CONFIG_DIR} is not writable")

    tag = uuid.uuid4().hex[:8]
    base = Path(tempfile.mkdtemp(prefix="motcua-cups-", dir=_exec_tmp_dir()))
    base.chmod(0o755)
    conf, bin_dir, log_dir, out_dir = base / "conf", base / "bin", base / "log", base / "out"
    for d in (conf / "ppd", conf / "ssl", base / "spool" / "tmp", base / "cache", base / "state"):
        d.mkdir(parents=True)
    (base / "spool" / "tmp").chmod(0o1777)
    log_dir.mkdir()
    out_dir.mkdir()
    (bin_dir / "backend").mkdir(parents=True)
    for sub in ("filter", "daemon", "cgi-bin", "monitor", "notifier", "driver"):
        if (CUPS_SERVER_BIN / sub).exists():
            (bin_dir / sub).symlink_to(CUPS_SERVER_BIN / sub)
    backend = bin_dir / "backend" / "cups-pdf"
    shutil.copy2(CUPS_PDF_BACKEND, backend)
    backend.chmod(0o700)
    cupsd = base / "cupsd"
    shutil.copy2(CUPSD, cupsd)

    socket = base / "cups.sock"
    (conf / "cupsd.conf").write_text(
        f"""Listen {socket}
LogLevel debug
MaxLogSize 0
Browsing No
WebInterface No
DefaultAuthType None
JobRetryLimit 0
PreserveJobHistory No
<Location />
  Order allow,deny
  Allow all
</Location>
<Policy default>
  <Limit All>
    Order deny,allow
  </Limit>
</Policy>
"""
    )
    (conf / "cups-files.conf").write_text(
        f"""ServerRoot {conf}
RequestRoot {base / "spool"}
TempDir {base / "spool" / "tmp"}
CacheDir {base / "cache"}
StateDir {base / "state"}
ServerBin {bin_dir}
DataDir /usr/share/cups
ErrorLog {log_dir / "error_log"}
AccessLog {log_dir / "access_log"}
PageLog {log_dir / "page_log"}
Printcap
User lp
Group lp
SystemGroup root
"""
    )
    device = f"motcua-{tag}"
    cups_pdf_conf = CUPS_PDF_CONFIG_DIR / f"cups-pdf-{device}.conf"
    cups_pdf_conf.write_text(
        f"""# written by MotCua Kiosk's tests (tests/cups_fixture.py); removed after the run
Out {out_dir}
AnonDirName {out_dir}
Spool {base / "cups-pdf-spool"}
Log {log_dir}
LogType 7
UserUMask 0022
"""
    )
    server = CupsPdfServer(
        base=base,
        socket=socket,
        queue=f"motcua-pdf-{tag}",
        stopped_queue=f"motcua-stopped-{tag}",
        out_dir=out_dir,
        log_dir=log_dir,
        cups_pdf_conf=cups_pdf_conf,
    )
    try:
        with (log_dir / "cupsd.out").open("wb") as out:
            server.process = subprocess.Popen(
                [
                    str(cupsd),
                    "-f",
                    "-c",
                    str(conf / "cupsd.conf"),
                    "-s",
                    str(conf / "cups-files.conf"),
                ],
                stdout=out,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
            )
        deadline = time.monotonic() + START_TIMEOUT
        while server.lp("lpstat", "-r", check=False).returncode != 0:
            if server.process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("cupsd did not start:\n" + server.log_tail())
            time.sleep(0.1)
        device_uri = f"cups-pdf:/{device}"
        _admin(server, "lpadmin", "-p", server.queue, "-E", "-v", device_uri, "-P", str(ppd))
        _admin(server, "lpadmin", "-p", server.stopped_queue, "-v", device_uri, "-P", str(ppd))
        _admin(server, "cupsdisable", server.stopped_queue)
        _admin(server, "cupsreject", server.stopped_queue)
    except BaseException:
        server.stop()
        raise
    return server


_shared: dict[str, CupsPdfServer | str] = {}


@pytest.fixture(scope="session")
def cups_pdf_server() -> Iterator[CupsPdfServer]:
    """The process's private CUPS daemon (one per xdist worker); skipped/failed when impossible.

    Shared by every definition of this fixture in the process (plugin and module imports).
    """
    if "error" in _shared:
        cups_unavailable(str(_shared["error"]))
    if "server" in _shared:
        yield _shared["server"]  # type: ignore[misc]
        return
    try:
        server = start_cups_pdf_server()
    except (RuntimeError, OSError, subprocess.SubprocessError) as exc:
        _shared["error"] = str(exc)
        cups_unavailable(str(exc))
        raise AssertionError("unreachable") from exc
    _shared["server"] = server
    previous = os.environ.get("CUPS_SERVER")
    os.environ["CUPS_SERVER"] = str(server.socket)
    _reset_libcups_server()
    try:
        yield server
    finally:
        if previous is None:
            os.environ.pop("CUPS_SERVER", None)
        else:
            os.environ["CUPS_SERVER"] = previous
        _reset_libcups_server()
        server.stop()
        _shared.pop("server", None)


@pytest.fixture
def cups_pdf_queue(cups_pdf_server: CupsPdfServer) -> CupsPdfServer:
    """The private CUPS with its cups-pdf queue, CUPS_SERVER set on this thread; outputs of
    earlier tests are marked seen, so ``new_outputs()`` returns this test's PDFs only."""
    os.environ["CUPS_SERVER"] = str(cups_pdf_server.socket)
    _reset_libcups_server()
    cups_pdf_server.mark_seen()
    return cups_pdf_server


def main() -> None:
    """``python -m tests.cups_fixture``: start the private CUPS and keep it until Ctrl-C, to try
    printing by hand (``CUPS_SERVER=… motcua receipt print CODE --printer …``)."""
    server = start_cups_pdf_server()
    try:
        print(f"export CUPS_SERVER={server.socket}")
        print(f"queues: {server.queue} (cups-pdf → {server.out_dir}), {server.stopped_queue}")
        print("Ctrl-C stops the daemon and deletes the folder.")
        with contextlib.suppress(KeyboardInterrupt):
            while server.process is not None and server.process.poll() is None:
                time.sleep(1)
    finally:
        server.stop()


if __name__ == "__main__":
    main()
