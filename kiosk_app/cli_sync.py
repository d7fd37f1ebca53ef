"""``motcua enrol`` and ``motcua sync …``: enrol this kiosk with the province, sync it.

    motcua enrol --server URL --code CODE [--name NAME] [--force]
    motcua sync [--once] [--interval SECONDS]      push, upload, pull (a loop without --once)
    motcua sync status                             enrolment, waiting items, rejections
    motcua sync retry (EVENT_ID… | --all)          send rejected events again

Every command takes ``--data-dir`` and ``--json``. Exit codes, as everywhere in ``motcua``:
0 done, 1 refused / failed (the sync pass had errors, the enrolment was refused, no link),
2 bad input. ``motcua sync --once`` is what a system timer runs while the app is closed; a
lock makes it and the app never sync the same data folder at once (the second one says so
and exits 0: the other one is doing the work). Without ``--once`` it syncs every ``--interval`` seconds (sooner when new
dossiers wait; backing off after failures) until interrupted.

Wired into ``kiosk_app.cli`` by :func:`add_commands`; :func:`run` runs the same commands
without that wiring (``python -m kiosk_app.cli_sync sync --once``). No Qt.
"""

from __future__ import annotations

import argparse
import json
import signal
import sys
import threading
from collections.abc import Sequence
from typing import Any

from kiosk_app.cli_common import CommandError, emit, guarded, run_group


class SyncCliError(CommandError):
    """A refusal of a ``motcua enrol`` / ``motcua sync`` command (exit code 2 or 1)."""


_guarded = guarded
_emit = emit


def _kiosk(args: argparse.Namespace) -> Any:
    from kiosk_app.bootstrap import open_kiosk

    return open_kiosk(args.data_dir)


# ------------------------------------------------------------------ enrol
def cmd_enrol(args: argparse.Namespace) -> int:
    from sync.client import EnrolError, SyncError, enrol

    if not args.code.strip():
        raise SyncCliError("--code is empty")
    if not args.server.startswith(("http://", "https://")):
        raise SyncCliError(f"--server {args.server!r}: expected http(s)://host[:port]")
    k = _kiosk(args)
    try:
        done = enrol(k, args.server, args.code, device_name=args.name, force=args.force)
    except EnrolError as exc:
        raise SyncCliError(exc.message, 2 if exc.code == "bad_url" else 1) from exc
    except SyncError as exc:
        raise SyncCliError(f"cannot reach the province server: {exc.message}", 1) from exc
    finally:
        k.close()
    adopted = " (demo office replaced by the enrolled one)" if done["adopted_office"] else ""
    _emit(
        args,
        done,
        f"enrolled with {done['server_url']} as device {done['device_id']}: "
        f"{done['agency_id']} commune {done['commune']} slot {done['slot']}{adopted}",
    )
    return 0


# ------------------------------------------------------------------ sync
def _report_line(report: Any) -> str:
    feeds = sum(report.feeds.values())
    line = (
        f"{'ok' if report.ok else 'FAILED'}: pushed {report.pushed}, duplicates "
        f"{report.duplicates}, rejected {report.rejected}, uploaded {report.uploaded_files} "
        f"file(s) / {report.uploaded_bytes} bytes, {feeds} feed item(s), "
        f"{report.statuses_applied} status change(s); {report.pending} waiting"
    )
    for e in report.errors:
        line += f"\n  {e['class']} error ({e['phase']}): [{e['code']}] {e['message']}"
    for r in report.rejections:
        line += (
            f"\n  rejected {r['kind']}: [{r['reason'].get('code')}] {r['reason'].get('message')}"
        )
    for w in report.warnings:
        line += f"\n  warning: {w}"
    return line


def cmd_sync(args: argparse.Namespace) -> int:
    from sync.client import run_forever, sync_once

    if args.interval <= 0:
        raise SyncCliError("--interval must be a positive number of seconds")
    k = _kiosk(args)
    try:
        if args.once:
            report = sync_once(k)
            busy = [e["code"] for e in report.errors] == ["busy"]
            text = "another sync of this data folder is running; nothing done"
            _emit(args, report.to_json(), text if busy else _report_line(report))
            return 0 if report.ok or busy else 1
        stop = threading.Event()

        def on_signal(*_: object) -> None:
            stop.set()

        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, on_signal)

        def show(report: Any) -> None:
            if args.json:
                print(json.dumps(report.to_json(), ensure_ascii=False, default=str), flush=True)
            else:
                print(f"{report.finished_at} {_report_line(report)}", flush=True)

        run_forever(k, interval=args.interval, stop=stop, on_report=show)
        return 0
    finally:
        k.close()


def _status_text(s: dict[str, Any]) -> str:
    if not s["enrolled"]:
        lines = ["not enrolled (motcua enrol --server URL --code CODE)"]
    else:
        d = s["device"]
        lines = [
            f"enrolled with {d['server_url']} as device {d['device_id']} "
            f"({d['agency_id']}, commune {d['commune']}, slot {d['slot']})"
        ]
    last = s["last_attempt"] or {}
    lines.append(f"last successful sync: {s['last_success'] or 'never'}")
    if last:
        lines.append(f"last attempt: {last.get('at')} {'ok' if last.get('ok') else 'FAILED'}")
        for e in last.get("errors") or []:
            lines.append(f"  {e['class']} error ({e['phase']}): [{e['code']}] {e['message']}")
    o, u = s["outbox"], s["uploads"]
    lines.append(
        f"waiting: {o['pending']} event(s), {u['pending']} file(s) ({u['pending_bytes']} bytes); "
        f"sent: {o['sent']}"
    )
    if s["rejected"]:
        lines.append(f"rejected by the province ({len(s['rejected'])}), kept here:")
        for r in s["rejected"]:
            reason = r["reason"]
            lines.append(
                f"  - {r['code'] or r['entity_id']} {r['kind']} (event {r['id']}): "
                f"[{reason.get('code')}] {reason.get('message')}"
            )
    for f in s["failed_uploads"]:
        err = f["last_error"]
        lines.append(
            f"  upload failed {f['sha256'][:16]}…: [{err.get('code')}] {err.get('message')}"
        )
    if s["catalog_available"]:
        c = s["catalog_available"]
        lines.append(f"catalogue {c['version']} received from the province (not in use yet)")
    return "\n".join(lines)


def cmd_sync_status(args: argparse.Namespace) -> int:
    from sync.client import sync_status

    k = _kiosk(args)
    try:
        s = sync_status(k)
    finally:
        k.close()
    _emit(args, s, _status_text(s))
    return 0


def cmd_sync_retry(args: argparse.Namespace) -> int:
    from sync.client import retry_rejected

    if not args.all and not args.event_ids:
        raise SyncCliError("name the rejected event ids to send again, or --all")
    k = _kiosk(args)
    try:
        n = retry_rejected(k, None if args.all else list(args.event_ids))
    finally:
        k.close()
    _emit(args, {"requeued": n}, f"{n} rejected event(s) will be sent again at the next sync")
    return 0 if n else 1


def cmd_province_key(args: argparse.Namespace) -> int:
    """Show the pinned province key, or pin one by hand from its JSON document (the file
    `motcua-server keys show` prints): bundles are accepted only when signed by it."""
    from sync.client_feeds import pin_province_key, pinned_province_key
    from sync.signature import SignatureProblem

    k = _kiosk(args)
    try:
        if args.key_action == "install":
            if not args.file:
                raise SyncCliError("province-key install needs the key document FILE")
            try:
                doc = json.loads(open(args.file, encoding="utf-8").read())  # noqa: SIM115
            except (OSError, ValueError) as exc:
                raise SyncCliError(f"{args.file}: cannot read a JSON key document: {exc}") from exc
            try:
                with k.store.write() as db:
                    kid = pin_province_key(db, doc)
            except SignatureProblem as exc:
                raise SyncCliError(f"{args.file}: {exc}") from exc
            _emit(args, {"kid": kid}, f"province key {kid} pinned")
            return 0
        with k.store.read() as db:
            doc = pinned_province_key(db)
    finally:
        k.close()
    if doc is None:
        raise SyncCliError("no province key pinned (enrol, or `motcua province-key install`)", 1)
    _emit(args, doc, f"province key {doc['kid']}: {doc['public_key']}")
    return 0


# ------------------------------------------------------------------ wiring
def add_commands(subparsers: Any) -> None:
    """Register ``enrol`` and ``sync`` on ``motcua``'s subcommand parsers."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--data-dir", help="the kiosk's data folder (default: user data folder)")
    common.add_argument("--json", action="store_true", help="print machine-readable JSON")
    # ``sync status`` may follow options given to ``sync``: its own copies must not reset them
    quiet = argparse.ArgumentParser(add_help=False)
    quiet.add_argument("--data-dir", default=argparse.SUPPRESS, help="the kiosk's data folder")
    quiet.add_argument("--json", action="store_true", default=argparse.SUPPRESS, help="print JSON")

    s = subparsers.add_parser(
        "enrol", parents=[common], help="enrol this kiosk with the province (one-time code)"
    )
    s.add_argument("--server", required=True, help="the provincial server, e.g. https://x")
    s.add_argument("--code", required=True, help="the one-time code from `motcua-server enrol`")
    s.add_argument("--name", help="a name for this device, e.g. 'Máy một cửa 1'")
    s.add_argument("--force", action="store_true", help="replace an existing enrolment")
    s.set_defaults(func=_guarded(cmd_enrol))

    s = subparsers.add_parser(
        "sync", parents=[common], help="sync with the province: push, upload, pull"
    )
    s.add_argument("--once", action="store_true", help="one pass, then exit (system timers)")
    s.add_argument(
        "--interval", type=float, default=300.0, help="seconds between passes (default 300)"
    )
    s.set_defaults(func=_guarded(cmd_sync))
    inner = s.add_subparsers(dest="sync_command", metavar="SUBCOMMAND")
    st = inner.add_parser(
        "status", parents=[quiet], help="enrolment, waiting items, rejected items"
    )
    st.set_defaults(func=_guarded(cmd_sync_status))
    rt = inner.add_parser(
        "retry", parents=[quiet], help="send rejected events again (after the province fixed it)"
    )
    rt.add_argument("event_ids", nargs="*", metavar="EVENT_ID", help="see `sync status --json`")
    rt.add_argument("--all", action="store_true", help="every rejected event")
    rt.set_defaults(func=_guarded(cmd_sync_retry))

    s = subparsers.add_parser(
        "province-key", parents=[common], help="the province key that signs catalogue bundles"
    )
    s.add_argument("key_action", choices=("show", "install"))
    s.add_argument("file", nargs="?", help="install: the key document (`motcua-server keys show`)")
    s.set_defaults(func=_guarded(cmd_province_key))


def run(argv: Sequence[str] | None = None) -> int:
    """``motcua`` with only this group (``python -m kiosk_app.cli_sync``)."""
    return run_group(add_commands, "MotCua Kiosk: sync with the province", argv)


if __name__ == "__main__":
    sys.exit(run())
