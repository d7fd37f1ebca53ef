"""``motcua``: the office's admin command line.

Every command takes ``--data-dir`` (default: the user's data folder), prints data as
``--json`` when asked, and on bad input exits non-zero with one line saying why.
Exit codes: 0 ok, 1 not found / refused, 2 bad input or usage.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import json
import sys
from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from kiosk_app import __version__


class CliError(Exception):
    def __init__(self, message: str, code: int = 2) -> None:
        super().__init__(message)
        self.code = code


def _emit(args: argparse.Namespace, data: Any, text: Callable[[], str]) -> None:
    if args.json:
        json.dump(data, sys.stdout, ensure_ascii=False, indent=2, default=str)
        sys.stdout.write("\n")
    else:
        print(text())


def _kiosk(args: argparse.Namespace):
    from kiosk_app.bootstrap import open_kiosk

    return open_kiosk(args.data_dir)


def _read_json(path: str) -> Any:
    try:
        text = sys.stdin.read() if path == "-" else Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise CliError(f"cannot read {path}: {exc.strerror}") from exc
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise CliError(
            f"{path}: not valid JSON (line {exc.lineno}, column {exc.colno}): {exc.msg}"
        ) from exc


# ------------------------------------------------------------------ commands
def cmd_init(args: argparse.Namespace) -> int:
    """Create the store and record this office's settings."""
    from kiosk_app.config import DB_FILE, default_data_dir
    from kiosk_app.core import admin_units
    from kiosk_app.core.codes import CodeError, check_agency_id, check_slot
    from kiosk_app.store import settings as settings_rows
    from kiosk_app.store.db import open_store

    try:
        agency = check_agency_id(args.agency_id)
        slot = check_slot(args.device_slot)
    except CodeError as exc:
        raise CliError(str(exc)) from exc
    try:
        commune = admin_units.commune(args.commune)
    except (KeyError, LookupError):
        commune = None
    if commune is None:
        raise CliError(f"unknown commune code {args.commune!r} (5-digit code, post-2025 list)")
    data_dir = Path(args.data_dir) if args.data_dir else default_data_dir()
    store = open_store(data_dir / DB_FILE)
    try:
        with store.write() as db:
            existing = settings_rows.get_all(db)
            if (
                existing.get("agency_id")
                and not args.force
                and (existing["agency_id"] != agency or existing.get("device_slot") != slot)
            ):
                raise CliError(
                    f"{data_dir} is already set up for {existing['agency_id']} slot "
                    f"{existing.get('device_slot')}; use --force to change it",
                    1,
                )
            values = {
                "agency_id": agency,
                "commune_code": commune.code,
                "device_slot": slot,
                "demo": False,
                "agency_name": args.agency_name or f"UBND {commune.name}",
            }
            if args.hotline:
                values["hotline"] = args.hotline
            settings_rows.put(db, values)
    finally:
        store.close()
    _emit(
        args,
        {"data_dir": str(data_dir), **values},
        lambda: f"initialised {data_dir}: {agency} ({values['agency_name']}), slot {slot}",
    )
    return 0


def cmd_catalog_list(args: argparse.Namespace) -> int:
    from kiosk_app.core.catalog import load_catalog

    cat = load_catalog()
    items = [
        {
            "code": p.code,
            "name": p.name.vi,
            "field": p.field_id,
            "processing_time": p.processing_time.describe("vi"),
            "form": p.form_id,
        }
        for p in sorted(cat.procedures.values(), key=lambda p: (p.field_id, p.code))
    ]
    _emit(
        args,
        {"version": cat.version, "procedures": items},
        lambda: "\n".join(f"{i['code']:<10} {i['field']:<12} {i['name']}" for i in items),
    )
    return 0


def cmd_catalog_validate(args: argparse.Namespace) -> int:
    from kiosk_app.core.catalog import validate_catalog

    root = Path(args.path) if args.path else None
    if root is not None and not root.exists():
        raise CliError(f"{root}: no such folder")
    problems = validate_catalog(root)
    _emit(
        args,
        {"ok": not problems, "problems": [str(p) for p in problems]},
        lambda: "\n".join(str(p) for p in problems) if problems else "catalogue ok",
    )
    return 1 if problems else 0


def _parse_received_at(text: str | None) -> datetime | None:
    if text is None:
        return None
    try:
        return datetime.fromisoformat(text)
    except ValueError as exc:
        raise CliError(
            f"--received-at {text!r}: expected ISO date-time like "
            "2025-01-24T16:10 or 2025-01-24T16:10:00+07:00"
        ) from exc


def cmd_intake_submit(args: argparse.Namespace) -> int:
    from kiosk_app.core.intake import IntakeError

    data = _read_json(args.answers)
    if not isinstance(data, dict):
        raise CliError(f"{args.answers}: expected a JSON object (see `motcua intake example`)")
    answers = data.get("answers", data if "procedure" not in data else None)
    if not isinstance(answers, dict):
        raise CliError(f"{args.answers}: 'answers' must be an object")
    if data.get("procedure") and data["procedure"] != args.procedure:
        raise CliError(f"{args.answers} is for procedure {data['procedure']}, not {args.procedure}")
    received_at = _parse_received_at(args.received_at)
    k = _kiosk(args)
    try:
        files = []
        base = Path(args.answers).parent if args.answers != "-" else Path.cwd()
        for a in data.get("attachments", []):
            src = base / a["path"]
            stored = k.files.put_file(src)
            files.append(
                {
                    "sha256": stored.sha256,
                    "size": stored.size,
                    "name": a.get("name") or src.name,
                    "mime": a.get("mime", "application/octet-stream"),
                    "document_id": a.get("document_id"),
                }
            )
        result = k.intake.submit(
            args.procedure,
            answers,
            data.get("documents", []),
            channel="backentry" if received_at else "desk",
            actor=data.get("actor", "cli"),
            received_at=received_at,
            delivery=data.get("delivery", "desk"),
            payment=data.get("payment"),
            attachments=files,
        )
    except IntakeError as exc:
        raise CliError(str(exc).replace("\n", " ")) from exc
    finally:
        k.close()
    appt = result.appointment_at.isoformat() if result.appointment_at else None
    _emit(
        args,
        {
            "code": result.code,
            "appointment_at": appt,
            "received_at": result.received_at.isoformat(),
            "fee": result.fee,
        },
        lambda: f"{result.code} {appt or '-'}",
    )
    return 0


def cmd_intake_example(args: argparse.Namespace) -> int:
    from kiosk_app.core.catalog import load_catalog

    cat = load_catalog()
    try:
        proc = cat.get(args.procedure)
    except KeyError:
        raise CliError(
            f"unknown procedure {args.procedure!r} (see `motcua catalog list`)", 1
        ) from None
    print(json.dumps(proc.example_submission(), ensure_ascii=False, indent=2))
    return 0


def _dossier_text(view: Any) -> str:
    from kiosk_app.core.dossier import lifecycle
    from kiosk_app.core.intake import DOC_FORM_VI

    d = view.dossier
    lines = [
        f"Mã hồ sơ:      {d['code']}",
        f"Thủ tục:       {d['procedure_code']}",
        f"Trạng thái:    {d['status']} – {lifecycle().statuses[d['status']].vi}",
        f"Người nộp:     {d['applicant_name']} ({d['applicant_id_number'] or '-'})",
        f"Tiếp nhận:     {d['received_at']}",
        f"Hẹn trả:       {d['appointment_at'] or '-'}",
        f"Lệ phí:        {d['fee']:,} đ".replace(",", "."),
        "Giấy tờ:",
    ]
    lines += [
        f"  - {doc['name']} ({DOC_FORM_VI.get(doc['form'], doc['form'])}) x{doc['count']}"
        for doc in view.documents
    ]
    lines.append("Diễn biến:")
    lines += [f"  - {e['at']} {e['kind']} {e['to_status'] or ''}" for e in view.events]
    return "\n".join(lines)


def cmd_dossier_show(args: argparse.Namespace) -> int:
    k = _kiosk(args)
    try:
        view = k.intake.lookup(args.code)
    finally:
        k.close()
    if view is None:
        raise CliError(f"no dossier {args.code!r}", 1)
    _emit(
        args,
        {
            "dossier": view.dossier,
            "documents": view.documents,
            "attachments": view.attachments,
            "events": view.events,
        },
        lambda: _dossier_text(view),
    )
    return 0


SUMMARY = (
    "code",
    "procedure_code",
    "status",
    "channel",
    "received_at",
    "appointment_at",
    "applicant_name",
    "applicant_id_number",
    "applicant_phone",
    "fee",
)


def cmd_dossier_search(args: argparse.Namespace) -> int:
    if not args.text.strip():
        raise CliError("search text is empty")
    k = _kiosk(args)
    try:
        hits = k.intake.search(args.text, limit=args.limit)
    finally:
        k.close()
    _emit(
        args,
        [{c: h[c] for c in SUMMARY} for h in hits],
        lambda: (
            "\n".join(f"{h['code']}  {h['applicant_name']}  {h['received_at'][:16]}" for h in hits)
            or "no dossier found"
        ),
    )
    return 0


def cmd_dossier_export(args: argparse.Namespace) -> int:
    from kiosk_app.core.session import command_line_session, record
    from kiosk_app.store import dossiers as rows

    k = _kiosk(args)
    try:
        with k.store.read() as db:
            data = rows.listing(db, limit=10**9)
        # every citizen's record leaves the machine: audited (how many, where — not what)
        record(
            k.store,
            command_line_session(),
            "dossier.export",
            None,
            {"format": args.format, "count": len(data), "to": "file" if args.out else "stdout"},
        )
    finally:
        k.close()
    with contextlib.ExitStack() as stack:
        out = (
            stack.enter_context(open(args.out, "w", encoding="utf-8", newline=""))
            if args.out
            else sys.stdout
        )
        if args.format == "json":
            json.dump(data, out, ensure_ascii=False, indent=1)
            out.write("\n")
        else:
            w = csv.DictWriter(out, fieldnames=SUMMARY, extrasaction="ignore")
            w.writeheader()
            w.writerows(data)
    if args.out:
        print(f"{len(data)} dossiers → {args.out}", file=sys.stderr)
    return 0


# ------------------------------------------------------------------ parser
def build_parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--data-dir", help="the kiosk's data folder (default: user data folder)")
    common.add_argument("--json", action="store_true", help="print machine-readable JSON")

    # --data-dir/--json sit on each subcommand only: argparse lets a subparser's defaults
    # overwrite the same option given before the subcommand.
    p = argparse.ArgumentParser(prog="motcua", description="MotCua Kiosk admin command line")
    p.add_argument("--version", action="version", version=f"motcua {__version__}")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")

    s = sub.add_parser("init", parents=[common], help="create the store and office settings")
    s.add_argument("--agency-id", required=True, help="mã định danh, e.g. 000.00.06.H56")
    s.add_argument("--commune", required=True, help="5-digit commune code (post-2025)")
    s.add_argument("--device-slot", required=True, type=int, help="0–9, unique per commune")
    s.add_argument("--agency-name", help="name printed on receipts")
    s.add_argument("--hotline")
    s.add_argument("--force", action="store_true", help="change an existing set-up")
    s.set_defaults(func=cmd_init)

    cat = sub.add_parser("catalog", help="the procedure catalogue").add_subparsers(
        dest="sub", required=True, metavar="SUBCOMMAND"
    )
    s = cat.add_parser("list", parents=[common], help="list procedures")
    s.set_defaults(func=cmd_catalog_list)
    s = cat.add_parser(
        "validate", parents=[common], help="check a catalogue folder (default: the shipped one)"
    )
    s.add_argument("path", nargs="?")
    s.set_defaults(func=cmd_catalog_validate)

    intake = sub.add_parser("intake", help="take dossiers").add_subparsers(
        dest="sub", required=True, metavar="SUBCOMMAND"
    )
    s = intake.add_parser("submit", parents=[common], help="submit a dossier from a JSON file")
    s.add_argument("--procedure", required=True)
    s.add_argument(
        "--answers", required=True, help="answers file (see `intake example`), - = stdin"
    )
    s.add_argument("--received-at", help="back-entry of a paper dossier: ISO date-time")
    s.set_defaults(func=cmd_intake_submit)
    s = intake.add_parser("example", parents=[common], help="print a valid answers file")
    s.add_argument("--procedure", required=True)
    s.set_defaults(func=cmd_intake_example)

    dos = sub.add_parser("dossier", help="look up dossiers").add_subparsers(
        dest="sub", required=True, metavar="SUBCOMMAND"
    )
    s = dos.add_parser("show", parents=[common], help="one dossier by code")
    s.add_argument("code")
    s.set_defaults(func=cmd_dossier_show)
    s = dos.add_parser("search", parents=[common], help="by name, ID number, code, phone")
    s.add_argument("text")
    s.add_argument("--limit", type=int, default=50)
    s.set_defaults(func=cmd_dossier_search)
    s = dos.add_parser("export", parents=[common], help="every dossier as CSV or JSON")
    s.add_argument("--format", choices=("csv", "json"), default="csv")
    s.add_argument("--out", help="file to write (default: standard output)")
    s.set_defaults(func=cmd_dossier_export)
    from kiosk_app import cli_receipt

    cli_receipt.add_commands(sub)
    from kiosk_app import cli_sync

    cli_sync.add_commands(sub)
    from kiosk_app import cli_stats

    cli_stats.add_commands(sub)
    from kiosk_app import cli_setup

    cli_setup.add_commands(sub)
    from kiosk_app import cli_trust

    cli_trust.add_commands(sub)
    from kiosk_app import cli_user

    cli_user.add_commands(sub)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except CliError as exc:
        print(f"motcua: {exc}", file=sys.stderr)
        return exc.code
    except Exception as exc:  # noqa: BLE001 - the one-line promise for every other failure
        from kiosk_app.store.db import StoreError

        kind = "store" if isinstance(exc, StoreError) else type(exc).__name__
        print(f"motcua: {kind}: {exc}".splitlines()[0], file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
