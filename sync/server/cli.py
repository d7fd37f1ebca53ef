"""``motcua-server``: run and administer the provincial reference server.

Every command takes ``--data-dir`` (attachments, and the SQLite database unless ``--db`` names
a PostgreSQL URL; both also from ``MOTCUA_SERVER_DATA`` / ``MOTCUA_SERVER_DB``), prints data as
``--json`` when asked, and on bad input exits non-zero with one line saying why.
Exit codes: 0 ok, 1 not found / refused, 2 bad input or usage.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from sync import protocol as P


class CliError(Exception):
    def __init__(self, message: str, code: int = 2) -> None:
        super().__init__(message)
        self.code = code


def _emit(args: argparse.Namespace, data: Any, text: Callable[[], str]) -> None:
    if getattr(args, "json", False):
        json.dump(data, sys.stdout, ensure_ascii=False, indent=2, default=str)
        sys.stdout.write("\n")
    else:
        print(text())


def _service(args: argparse.Namespace):
    from sync.server.db import Database, DatabaseError
    from sync.server.service import Service

    if not args.data_dir:
        raise CliError("--data-dir is required (or set MOTCUA_SERVER_DATA)")
    data_dir = Path(args.data_dir)
    try:
        db = Database.for_data_dir(data_dir, args.db)
        db.migrate()
    except DatabaseError as exc:
        raise CliError(str(exc), 1) from exc
    from datetime import timedelta

    ttl = getattr(args, "token_ttl_hours", None) or P.ACCESS_TOKEN_TTL_HOURS
    op_ttl = getattr(args, "operator_ttl_minutes", None) or 60
    return Service(
        db,
        data_dir,
        public_url=getattr(args, "public_url", None),
        token_ttl=timedelta(hours=ttl),
        operator_ttl=timedelta(minutes=op_ttl),
        province_key=Path(args.province_key) if getattr(args, "province_key", None) else None,
    )


def _call(fn: Callable[..., Any], *a: Any, **kw: Any) -> Any:
    from sync.server.service import ApiError

    try:
        return fn(*a, **kw)
    except ApiError as exc:
        extra = exc.extra.get("problems") or exc.extra.get("allowed")
        detail = ""
        if extra and "problems" in exc.extra:
            detail = "\n" + "\n".join(f"  - {p}" for p in extra)
        elif extra:
            detail = f" (allowed: {', '.join(extra)})"
        code = 2 if exc.code in ("bad_request", "bad_payload") else 1
        raise CliError(f"{exc.message}{detail}", code) from exc


# ------------------------------------------------------------------ commands
def cmd_run(args: argparse.Namespace) -> int:
    """Serve the API with uvicorn."""
    import logging

    import uvicorn

    from sync.server.app import create_app
    from sync.server.keys import ProvinceKeyError, signer_for
    from sync.server.security import Guard

    service = _service(args)
    try:
        signer_for(service)  # a missing or unreadable key stops the start, not a publish
    except ProvinceKeyError as exc:
        raise CliError(str(exc), 1) from exc
    guard = Guard(
        allow_http=args.allow_http,
        trusted_proxies=args.trusted_proxy or [],
        rate_scale=args.rate_scale,
    )
    logging.basicConfig(
        level=getattr(logging, args.log_level.upper(), logging.INFO),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    logging.getLogger("motcua.server").info(
        "serving %s (data %s) on %s:%s", service.db.describe(), args.data_dir, args.host, args.port
    )
    if not args.allow_http and not args.trusted_proxy:
        logging.getLogger("motcua.server").warning(
            "plain HTTP is refused except from loopback: put a TLS reverse proxy in front "
            "(--trusted-proxy IP) or pass --allow-http (docs/server-deployment.md)"
        )
    uvicorn.run(
        create_app(service, guard),
        host=args.host,
        port=args.port,
        log_level=args.log_level,
        proxy_headers=False,  # sync.server.security decides, from --trusted-proxy
        server_header=False,
    )
    return 0


def cmd_migrate(args: argparse.Namespace) -> int:
    service = _service(args)
    version = service.db.schema_version()
    _emit(
        args,
        {"database": service.db.describe(), "schema": version},
        lambda: f"{service.db.describe()}: schema version {version}",
    )
    return 0


def cmd_enrol(args: argparse.Namespace) -> int:
    service = _service(args)
    out = _call(
        service.create_enrolment,
        commune=args.commune,
        agency_id=args.agency_id,
        slot=args.slot,
        ttl_hours=args.ttl_hours,
        device_name=args.name,
        replace=args.replace,
    )
    _emit(
        args,
        out,
        lambda: (
            f"{out['code']}\n"
            f"one-time code for {out['agency_id']} slot {out['slot']} "
            f"({out['commune']} {out['commune_name']}), expires {out['expires_at']}\n"
            f"on the kiosk: motcua enrol --server URL --code {out['code']}"
        ),
    )
    return 0


def cmd_device_list(args: argparse.Namespace) -> int:
    service = _service(args)
    rows = service.devices()

    def text() -> str:
        if not rows:
            return "no devices"
        return "\n".join(
            f"{r['id']}  {r['agency_id'] or '-':<14} slot {r['slot']!s:<4} "
            f"{r['commune'] or '-':<6} {'REVOKED ' + r['revoked_at'] if r['revoked_at'] else 'active'}"
            f"  {r['name'] or ''}  last seen {r['last_seen_at'] or 'never'}"
            for r in rows
        )

    _emit(args, rows, text)
    return 0


def cmd_device_revoke(args: argparse.Namespace) -> int:
    service = _service(args)
    row = _call(service.revoke, args.device_id, args.reason)
    _emit(args, row, lambda: f"revoked {row['id']} at {row['revoked_at']}")
    return 0


def cmd_dossier_list(args: argparse.Namespace) -> int:
    service = _service(args)
    status = None
    if args.status is not None:
        status = _call(
            service.states.status, int(args.status) if args.status.isdigit() else args.status
        ).code
    rows = service.list_dossiers(commune=args.commune, status=status, limit=args.limit)
    keep = (
        "code",
        "commune",
        "agency_id",
        "procedure_code",
        "status",
        "status_label",
        "received_at",
        "appointment_at",
        "complete",
        "attachments",
    )
    rows = [{k: r[k] for k in keep} for r in rows]
    _emit(
        args,
        rows,
        lambda: (
            "\n".join(
                f"{r['code']}  {r['commune']}  {r['status']:>2} {r['status_label']:<32} "
                f"{'complete' if r['complete'] else 'INCOMPLETE'}  {len(r['attachments'])} files"
                for r in rows
            )
            or "no dossiers"
        ),
    )
    return 0


def cmd_dossier_show(args: argparse.Namespace) -> int:
    service = _service(args)
    d = _call(service.dossier, args.code)

    def text() -> str:
        lines = [
            f"{d['code']}  {d['procedure_code']} {d['procedure_name'] or ''}",
            f"  commune {d['commune']}, agency {d['agency_id']}, channel {d['channel']}",
            f"  status {d['status']} {d['status_label']}",
            f"  received {d['received_at']}, appointment {d['appointment_at'] or '-'}",
            f"  {'complete' if d['complete'] else 'INCOMPLETE'}: "
            f"{len(d['attachments'])} attachments, {len(d['missing_attachments'])} missing",
        ]
        lines += [
            f"    {a['sha256']} {a['state']:<8} {a['size']:>9} {a['name']}"
            for a in d["attachments"]
        ]
        lines.append("  history:")
        lines += [
            f"    {h['at']}  {h['event']:<20} {h['from_status'] or '-'} → {h['to_status']}"
            f"  ({h['origin']}{', ' + h['actor'] if h['actor'] else ''})"
            f"{'  ' + h['note'] if h['note'] else ''}"
            for h in d["history"]
        ]
        return "\n".join(lines)

    _emit(args, d, text)
    return 0


def cmd_dossier_advance(args: argparse.Namespace) -> int:
    service = _service(args)
    entry = _call(
        service.advance,
        args.code,
        args.to,
        note=args.note,
        actor=args.actor,
        appointment_at=args.appointment,
    )
    _emit(
        args,
        entry,
        lambda: f"{entry['code']}: {entry['event']} → {entry['to']} {entry['status_label']}",
    )
    return 0


def _advance_to(target: str) -> Callable[[argparse.Namespace], int]:
    def cmd(args: argparse.Namespace) -> int:
        args.to = target
        args.appointment = getattr(args, "appointment", None)
        return cmd_dossier_advance(args)

    return cmd


def cmd_catalog_publish(args: argparse.Namespace) -> int:
    service = _service(args)
    out = _call(service.publish_catalog, Path(args.path))
    _emit(args, out, lambda: f"catalogue {out['version']}: {out['status']}")
    return 0


def cmd_calendar_publish(args: argparse.Namespace) -> int:
    service = _service(args)
    out = _call(service.publish_calendar, [Path(p) for p in args.paths])
    _emit(args, out, lambda: "\n".join(f"{o['year']} v{o['version']}: {o['status']}" for o in out))
    return 0


def cmd_settings_set(args: argparse.Namespace) -> int:
    service = _service(args)
    try:
        value = json.loads(args.value)
    except json.JSONDecodeError:
        value = args.value  # a bare word is taken as text
    scope = "*"
    if args.commune:
        scope = f"c:{args.commune}"
    elif args.agency:
        scope = f"a:{args.agency}"
    elif args.device:
        scope = f"d:{args.device}"
    out = _call(service.set_setting, args.name, value, scope)
    _emit(args, out, lambda: f"{out['name']} = {json.dumps(value, ensure_ascii=False)} ({scope})")
    return 0


def cmd_feeds_reset(args: argparse.Namespace) -> int:
    service = _service(args)
    epoch = _call(service.reset_feed, args.feed)
    _emit(args, {"feed": args.feed, "epoch": epoch}, lambda: f"{args.feed}: new epoch {epoch}")
    return 0


def cmd_feeds_prune(args: argparse.Namespace) -> int:
    service = _service(args)
    if args.feed not in P.FEEDS:
        raise CliError(f"unknown feed {args.feed!r} (one of {', '.join(P.FEEDS)})")
    n = service.prune_feed(args.feed, args.before)
    _emit(args, {"feed": args.feed, "deleted": n}, lambda: f"{args.feed}: {n} entries dropped")
    return 0


# ------------------------------------------------------------------ parser
def build_parser() -> argparse.ArgumentParser:
    from sync.server import cli_users as U

    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--data-dir",
        default=os.environ.get("MOTCUA_SERVER_DATA"),
        help="server data folder: attachments, and the SQLite database (env MOTCUA_SERVER_DATA)",
    )
    common.add_argument(
        "--db",
        default=os.environ.get("MOTCUA_SERVER_DB"),
        help="postgresql://… to use PostgreSQL instead of SQLite (env MOTCUA_SERVER_DB)",
    )
    common.add_argument("--json", action="store_true", help="print machine-readable JSON")
    common.add_argument(
        "--province-key",
        default=os.environ.get("MOTCUA_PROVINCE_KEY"),
        help="the province's Ed25519 private key file (default <data-dir>/keys/province.pem;"
        " env MOTCUA_PROVINCE_KEY)",
    )

    p = argparse.ArgumentParser(
        prog="motcua-server", description="MotCua provincial reference sync server"
    )
    p.add_argument(
        "--version", action="version", version=f"motcua-server protocol {P.PROTOCOL_VERSION}"
    )
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")

    s = sub.add_parser("run", parents=[common], help="serve the API (uvicorn)")
    s.add_argument("--host", default="127.0.0.1")
    s.add_argument("--port", type=int, default=8080)
    s.add_argument("--public-url", help="the lookup address receipts print, e.g. https://x/r/")
    s.add_argument(
        "--token-ttl-hours",
        type=float,
        default=P.ACCESS_TOKEN_TTL_HOURS,
        help="lifetime of a device access token (refreshed with its refresh token)",
    )
    s.add_argument("--log-level", default="info", choices=("debug", "info", "warning", "error"))
    s.add_argument(
        "--operator-ttl-minutes",
        type=float,
        default=60,
        help="lifetime of a back-office login session",
    )
    s.add_argument(
        "--trusted-proxy",
        action="append",
        metavar="IP",
        help="a TLS reverse proxy (address or network) trusted for X-Forwarded-For/-Proto;"
        " repeatable",
    )
    s.add_argument(
        "--allow-http",
        action="store_true",
        help="accept plain HTTP from anywhere (a closed network only)",
    )
    s.add_argument(
        "--rate-scale",
        type=float,
        default=1.0,
        help="multiply every rate limit (e.g. 10 for a large province behind one NAT)",
    )
    s.set_defaults(func=cmd_run)

    s = sub.add_parser("migrate", parents=[common], help="create or upgrade the database")
    s.set_defaults(func=cmd_migrate)

    s = sub.add_parser("enrol", parents=[common], help="print a one-time device enrolment code")
    s.add_argument("--commune", required=True, help="5-digit commune code (post-2025)")
    s.add_argument("--agency-id", required=True, help="mã định danh, e.g. 000.00.06.H56")
    s.add_argument("--slot", required=True, type=int, help="0–9, the device's code slot")
    s.add_argument("--ttl-hours", type=float, default=P.ENROL_CODE_TTL_HOURS)
    s.add_argument("--name", help="a name for the device, e.g. 'Máy một cửa 1'")
    s.add_argument("--replace", action="store_true", help="revoke the slot's current device")
    s.set_defaults(func=cmd_enrol)

    dev = sub.add_parser("device", help="enrolled devices").add_subparsers(
        dest="sub", required=True, metavar="SUBCOMMAND"
    )
    s = dev.add_parser("list", parents=[common], help="list devices")
    s.set_defaults(func=cmd_device_list)
    s = dev.add_parser("revoke", parents=[common], help="revoke a device (next request fails)")
    s.add_argument("device_id")
    s.add_argument("--reason")
    s.set_defaults(func=cmd_device_revoke)

    us = sub.add_parser("user", help="back-office users (roles, passwords)").add_subparsers(
        dest="sub", required=True, metavar="SUBCOMMAND"
    )
    s = us.add_parser("add", parents=[common], help="add a user (asks for the password)")
    s.add_argument("login")
    s.add_argument(
        "--role", required=True, choices=("province_admin", "province_viewer", "commune_officer")
    )
    s.add_argument("--commune", help="commune_officer: the 5-digit commune code")
    s.add_argument("--name", help="the person's name")
    s.add_argument("--password-stdin", action="store_true", help="read the password from stdin")
    s.add_argument("--no-password", action="store_true", help="set it later with `user passwd`")
    s.set_defaults(func=U.cmd_user_add)
    s = us.add_parser("list", parents=[common], help="users with role, commune and state")
    s.set_defaults(func=U.cmd_user_list)
    s = us.add_parser("disable", parents=[common], help="disable a user (next request refused)")
    s.add_argument("login")
    s.add_argument("--reason")
    s.set_defaults(func=U.cmd_user_disable)
    s = us.add_parser("enable", parents=[common], help="enable a disabled user again")
    s.add_argument("login")
    s.set_defaults(func=U.cmd_user_enable)
    s = us.add_parser("passwd", parents=[common], help="set a user's password")
    s.add_argument("login")
    s.add_argument("--password-stdin", action="store_true", help="read the password from stdin")
    s.set_defaults(func=U.cmd_user_passwd)

    ks = sub.add_parser("keys", help="the province signing key").add_subparsers(
        dest="sub", required=True, metavar="SUBCOMMAND"
    )
    s = ks.add_parser("init", parents=[common], help="make the province's Ed25519 key (0600)")
    s.set_defaults(func=U.cmd_keys_init)
    s = ks.add_parser("show", parents=[common], help="print the public key document kiosks pin")
    s.set_defaults(func=U.cmd_keys_show)
    s = ks.add_parser("rotate", parents=[common], help="new key, endorsed by the current one")
    s.set_defaults(func=U.cmd_keys_rotate)

    dos = sub.add_parser("dossier", help="back office: dossiers").add_subparsers(
        dest="sub", required=True, metavar="SUBCOMMAND"
    )
    s = dos.add_parser(
        "list", parents=[common], help="every dossier (code, commune, status, files)"
    )
    s.add_argument("--commune")
    s.add_argument("--status", help="code 1–10 or id, e.g. processing")
    s.add_argument("--limit", type=int)
    s.set_defaults(func=cmd_dossier_list)
    s = dos.add_parser("show", parents=[common], help="one dossier with its history")
    s.add_argument("code")
    s.set_defaults(func=cmd_dossier_show)
    s = dos.add_parser("advance", parents=[common], help="move a dossier (the lifecycle decides)")
    s.add_argument("code")
    s.add_argument("--to", required=True, help="status code 1–10 or id, e.g. processing, done")
    s.add_argument("--note")
    s.add_argument("--actor")
    s.add_argument("--appointment", help="new appointment, ISO-8601 with offset")
    s.set_defaults(func=cmd_dossier_advance)
    for name, target, what in (
        ("request-supplement", "supplement_requested", "ask the citizen for more papers"),
        ("refuse", "stopped", "stop processing (dừng xử lý) with a reason"),
    ):
        s = dos.add_parser(name, parents=[common], help=what)
        s.add_argument("code")
        s.add_argument("--note", required=True, help="the reason, shown to the commune")
        s.add_argument("--actor")
        s.set_defaults(func=_advance_to(target))

    cat = sub.add_parser("catalog", help="procedure catalogue").add_subparsers(
        dest="sub", required=True, metavar="SUBCOMMAND"
    )
    s = cat.add_parser("publish", parents=[common], help="validate and publish a catalogue folder")
    s.add_argument("path", help="a resources folder with procedures/ and forms/")
    s.set_defaults(func=cmd_catalog_publish)

    cal = sub.add_parser("calendar", help="working-day calendar").add_subparsers(
        dest="sub", required=True, metavar="SUBCOMMAND"
    )
    s = cal.add_parser("publish", parents=[common], help="validate and publish <year>.yaml files")
    s.add_argument("paths", nargs="+", help="files or folders of <year>.yaml overrides")
    s.set_defaults(func=cmd_calendar_publish)

    st = sub.add_parser("settings", help="device settings feed").add_subparsers(
        dest="sub", required=True, metavar="SUBCOMMAND"
    )
    s = st.add_parser("set", parents=[common], help="set a device setting (JSON value)")
    s.add_argument("name")
    s.add_argument("value")
    g = s.add_mutually_exclusive_group()
    g.add_argument("--commune")
    g.add_argument("--agency")
    g.add_argument("--device")
    s.set_defaults(func=cmd_settings_set)

    fd = sub.add_parser("feeds", help="feed maintenance").add_subparsers(
        dest="sub", required=True, metavar="SUBCOMMAND"
    )
    s = fd.add_parser("reset", parents=[common], help="new epoch: every device refetches the feed")
    s.add_argument("feed", choices=P.FEEDS)
    s.set_defaults(func=cmd_feeds_reset)
    s = fd.add_parser("prune", parents=[common], help="drop entries older than a time")
    s.add_argument("feed", choices=P.FEEDS)
    s.add_argument("--before", required=True, help="ISO-8601 time (UTC)")
    s.set_defaults(func=cmd_feeds_prune)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except CliError as exc:
        print(f"motcua-server: {exc}", file=sys.stderr)
        return exc.code
    except Exception as exc:  # noqa: BLE001 - the one-line promise for every other failure
        print(f"motcua-server: {type(exc).__name__}: {exc}".splitlines()[0], file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
