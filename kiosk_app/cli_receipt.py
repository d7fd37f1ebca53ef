"""``motcua receipt …``: a receipt's PDF or print-out, its signed QR checked, the signing keys.

    motcua receipt pdf CODE --out FILE [--format a4|a5|80mm] [--reprint]
    motcua receipt print CODE [--printer NAME] [--format a4|a5|80mm] [--copies N] [--reprint]
    motcua receipt verify (--payload TEXT | --image FILE.png) [--json]
    motcua receipt keys export FILE      this device's public key as JSON (- = stdout)
    motcua receipt keys import FILE      trust another kiosk's public key (- = stdin)
    motcua receipt keys list             every known key
    motcua receipt keys revoke KID [--reason TEXT]

``verify`` prints what the receipt claims (code, procedure, received and appointment in
Vietnam time) and ``GENUINE`` or why not. Exit codes, as everywhere in ``motcua``: 0 genuine /
done, 1 not genuine / refused / not found, 2 bad input (no such file, no QR in the image, an
empty payload, a key file that is not a key). A text that is not a receipt QR at all is a
*verdict* (malformed → 1), not bad input: the command was used correctly.

Wired into ``kiosk_app.cli`` by :func:`add_commands`; :func:`run` runs the same commands
without that wiring (tests, and ``python -m kiosk_app.cli_receipt receipt verify …``).
Each command opens the store itself and closes it before returning; no Qt.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from kiosk_app.cli_common import CommandError, emit, guarded, run_group

VN_LABEL = "giờ Việt Nam, UTC+7"
STATUS_VI = {
    "genuine": "thật",
    "tampered": "đã bị sửa hoặc giả",
    "unknown_key": "khóa ký lạ",
    "revoked": "khóa ký đã bị thu hồi",
    "wrong_issuer": "khóa ký của cơ quan khác",
    "malformed": "không phải mã QR giấy tiếp nhận",
}


class ReceiptCliError(CommandError):
    """A refusal of a ``motcua receipt`` command (see :class:`kiosk_app.cli_common.CommandError`)."""


def _fail(message: str, code: int = 2) -> ReceiptCliError:
    return ReceiptCliError(message, code)


_guarded = guarded


def _read_json(path: str) -> Any:
    try:
        text = sys.stdin.read() if path == "-" else Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise _fail(f"cannot read {path}: {exc.strerror}") from None
    except UnicodeDecodeError:
        raise _fail(f"{path}: not a UTF-8 text file") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise _fail(
            f"{path}: not valid JSON (line {exc.lineno}, column {exc.colno}): {exc.msg}"
        ) from None


_emit = emit


def _open_store(args: argparse.Namespace):
    from kiosk_app.config import DB_FILE, default_data_dir
    from kiosk_app.store.db import open_store

    data_dir = Path(args.data_dir) if args.data_dir else default_data_dir()
    return data_dir, open_store(data_dir / DB_FILE)


def _when(value: datetime | None) -> str:
    return value.strftime("%H:%M %d/%m/%Y") + f" ({VN_LABEL})" if value else "-"


# ------------------------------------------------------------------ verify
def cmd_verify(args: argparse.Namespace) -> int:
    """Decode (image) or take (payload) the QR text, check it against the known keys."""
    from kiosk_app.core.device_key import known_keys
    from kiosk_app.receipts import qr_payload as qp
    from kiosk_app.store import dossiers as dossier_rows

    if args.image is not None:
        try:
            texts = qp.decode_image(args.image)
        except qp.ImageUnreadable as exc:
            raise _fail(str(exc)) from None
        if not texts:
            raise _fail(f"{args.image}: no QR code found in the image")
        texts = list(dict.fromkeys(t.strip() for t in texts))  # Liên 1 and Liên 2 share one QR
    else:
        if not args.payload.strip():
            raise _fail("--payload is empty")
        texts = [args.payload]

    _, store = _open_store(args)
    try:
        keys = known_keys(store)
        results = []
        for text in texts:
            verdict = qp.verify(text, keys)
            stored: dict[str, Any] | None = None
            if verdict.claims is not None:
                with store.read() as db:
                    row = dossier_rows.get(db, code=verdict.claims.code)
                if row is not None:
                    diffs = qp.compare_with_dossier(verdict.claims, row)
                    now = qp.claims_of(row).appointment_at
                    stored = {
                        "matches": not diffs,
                        "differences": diffs,
                        "appointment_at": now.isoformat() if now else None,
                    }
            results.append((verdict, stored))
    finally:
        store.close()

    genuine = all(v.genuine for v, _ in results)
    data = {
        "genuine": genuine,
        "results": [v.to_json() | {"stored_dossier": s} for v, s in results],
    }
    _emit(args, data, "\n\n".join(_verdict_text(v, s) for v, s in results))
    return 0 if genuine else 1


def _verdict_text(verdict: Any, stored: dict[str, Any] | None) -> str:
    lines = []
    c = verdict.claims
    if c is not None:
        lines += [
            f"Mã hồ sơ:   {c.code}",
            f"Thủ tục:    {c.procedure}",
            f"Tiếp nhận:  {_when(c.received_at)}",
            f"Hẹn trả:    {_when(c.appointment_at)}",
        ]
        key = verdict.key
        where = f" ({key.agency_id or '?'}, khe {key.slot}, {key.source})" if key else ""
        lines.append(f"Khóa ký:    {verdict.kid}{where}")
        if verdict.lookup_url:
            lines.append(f"Tra cứu:    {verdict.lookup_url}")
    status = str(verdict.status)
    if verdict.genuine:
        lines.append(f"GENUINE ({STATUS_VI[status]}): {verdict.reason}")
    else:
        lines.append(f"NOT GENUINE – {status} ({STATUS_VI[status]}): {verdict.reason}")
    if stored is None:
        return "\n".join(lines)
    diffs = ", ".join(stored["differences"])
    if stored["matches"] and verdict.genuine:
        lines.append("Stored dossier on this kiosk: matches the receipt")
    elif verdict.genuine:
        # the paper is genuine, so the stored row changed after it was issued
        lines.append(
            "WARNING: the dossier stored on this kiosk no longer matches this genuine "
            f"receipt (differs in: {diffs})"
        )
    elif diffs:
        lines.append(f"Stored dossier on this kiosk differs in: {diffs}")
    claimed = c.appointment_at.isoformat() if c and c.appointment_at else None
    if stored["appointment_at"] != claimed:
        now = datetime.fromisoformat(stored["appointment_at"]) if stored["appointment_at"] else None
        lines.append(f"Hẹn trả hiện tại (stored, may have moved since): {_when(now)}")
    return "\n".join(lines)


# ------------------------------------------------------------------ keys
def cmd_keys_export(args: argparse.Namespace) -> int:
    """Write this device's public key (made on first use) as JSON."""
    from kiosk_app.bootstrap import office_for
    from kiosk_app.core.device_key import export_public_key

    data_dir, store = _open_store(args)
    try:
        office = office_for(store)
        doc = export_public_key(store, data_dir, office.agency_id, office.device_slot)
    finally:
        store.close()
    text = json.dumps(doc, ensure_ascii=False, indent=2) + "\n"
    if args.file == "-":
        sys.stdout.write(text)
        return 0
    try:
        Path(args.file).write_text(text, encoding="utf-8")
    except OSError as exc:
        raise _fail(f"cannot write {args.file}: {exc.strerror}") from None
    _emit(
        args,
        {"kid": doc["kid"], "file": args.file, "agency_id": doc["agency_id"]},
        f"exported key {doc['kid']} ({doc['agency_id']}, slot {doc['slot']}) → {args.file}",
    )
    return 0


def cmd_keys_import(args: argparse.Namespace) -> int:
    """Trust the public key(s) in an export document."""
    from kiosk_app.core.device_key import DeviceKeyError, import_public_keys, parse_key_documents

    data = _read_json(args.file)
    try:
        keys = parse_key_documents(data)
    except DeviceKeyError as exc:
        raise _fail(f"{args.file}: {exc}") from None
    _, store = _open_store(args)
    try:
        results = import_public_keys(store, keys)
    except DeviceKeyError as exc:
        raise _fail(f"{args.file}: refused: {exc}", 1) from None
    finally:
        store.close()
    _emit(
        args,
        [{"kid": k.kid, "agency_id": k.agency_id, "slot": k.slot, "result": r} for k, r in results],
        "\n".join(f"{k.kid}  {k.agency_id or '?'}  slot {k.slot}: {r}" for k, r in results),
    )
    return 0


def cmd_keys_list(args: argparse.Namespace) -> int:
    from kiosk_app.core.device_key import export_document, known_keys

    _, store = _open_store(args)
    try:
        keys = known_keys(store)
    finally:
        store.close()
    rows = [export_document(k) | {"source": k.source} for k in keys.values()]
    _emit(
        args,
        rows,
        "\n".join(
            f"{r['kid']}  {r['agency_id'] or '?':<15} slot {r['slot']}  {r['source']:<6} "
            f"{r['added_at'][:16]}"
            + (f"  REVOKED {r['revoked_at'][:16]}" if r["revoked_at"] else "")
            for r in rows
        )
        or "no known key",
    )
    return 0


def cmd_keys_revoke(args: argparse.Namespace) -> int:
    from kiosk_app.core.device_key import revoke_key

    _, store = _open_store(args)
    try:
        key = revoke_key(store, args.kid.strip().upper(), reason=args.reason)
    except KeyError:
        raise _fail(f"no known key {args.kid!r} (see `motcua receipt keys list`)", 1) from None
    finally:
        store.close()
    _emit(
        args,
        {"kid": key.kid, "revoked_at": key.revoked_at},
        f"revoked {key.kid} at {key.revoked_at}",
    )
    return 0


# ------------------------------------------------------------------ parser
# ------------------------------------------------------------------ pdf / print
def _render(args: argparse.Namespace, action: str = "receipt.pdf") -> tuple[str, bytes]:
    """(format, PDF) of the stored dossier ``args.code``; ReceiptCliError on refusal.
    The PDF holds the citizen's data, so making it is audited (``action``, actor ``cli``)."""
    from kiosk_app.bootstrap import open_kiosk
    from kiosk_app.receipts.errors import DossierNotFoundError, ReceiptError
    from kiosk_app.receipts.issued import check_format, receipt_pdf

    try:
        fmt = check_format(args.format)
    except ReceiptError as exc:
        raise _fail(exc.message) from None
    kiosk = open_kiosk(Path(args.data_dir) if args.data_dir else None)
    try:
        pdf = receipt_pdf(kiosk, args.code, fmt=fmt, reprint=args.reprint)
        from kiosk_app.core.session import command_line_session, record

        record(
            kiosk.store,
            command_line_session(),
            action,
            args.code,
            {"format": fmt, "reprint": bool(args.reprint)},
        )
        return fmt, pdf
    except DossierNotFoundError as exc:
        raise _fail(exc.message, 1) from None
    except ReceiptError as exc:
        raise _fail(exc.message, 1) from None
    finally:
        kiosk.close()


def cmd_pdf(args: argparse.Namespace) -> int:
    """Write the receipt PDF (stdout when --out is -)."""
    fmt, pdf = _render(args)
    if args.out == "-":
        sys.stdout.buffer.write(pdf)
        sys.stdout.buffer.flush()
    else:
        out = Path(args.out)
        try:
            out.parent.mkdir(parents=True, exist_ok=True)
            tmp = out.with_name(out.name + ".part")
            tmp.write_bytes(pdf)
            tmp.replace(out)  # a half-written receipt never appears under the asked name
        except OSError as exc:
            raise _fail(f"cannot write {args.out}: {exc.strerror}") from None
    _report(args, {"code": args.code, "format": fmt, "bytes": len(pdf), "out": args.out})
    return 0


def cmd_print(args: argparse.Namespace) -> int:
    """Print through the system's print service (CUPS, Windows) with Qt, no window needed."""
    import os

    from kiosk_app.receipts.issued import copies_for

    fmt, pdf = _render(args, "receipt.print")
    # Qt must not look for a screen: a batch print runs from a terminal or a timer.
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtGui import QGuiApplication

    from kiosk_app.ui.printing import PrintError, print_pdf

    _app = QGuiApplication.instance() or QGuiApplication(["motcua"])
    copies = args.copies if args.copies is not None else copies_for(fmt)
    if copies < 1 or copies > 20:
        raise _fail("--copies must be between 1 and 20")
    try:
        result = print_pdf(
            pdf, printer_name=args.printer, copies=copies, paper=fmt, doc_name=args.code
        )
    except PrintError as exc:
        raise _fail(exc.message, 1) from None
    _report(
        args,
        {
            "code": args.code,
            "format": fmt,
            "printer": args.printer or "(default)",
            "pages": result.pages,
            "copies": copies,
        },
    )
    return 0


def _report(args: argparse.Namespace, data: dict[str, Any]) -> None:
    if args.json:
        print(json.dumps(data, ensure_ascii=False))
    elif getattr(args, "out", None) != "-":
        print(" ".join(f"{k}={v}" for k, v in data.items()))


def add_commands(subparsers: Any) -> None:
    """Register the ``receipt`` group on ``motcua``'s sub-command parsers."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--data-dir", help="the kiosk's data folder (default: user data folder)")
    common.add_argument("--json", action="store_true", help="print machine-readable JSON")

    receipt = subparsers.add_parser(
        "receipt", help="receipts: PDF, print, verify the signed QR, signing keys"
    )
    rsub = receipt.add_subparsers(dest="sub", required=True, metavar="SUBCOMMAND")

    render = argparse.ArgumentParser(add_help=False)
    render.add_argument("code", metavar="CODE", help="the dossier code")
    render.add_argument(
        "--format", default="a4", help="a4 | a5 (Mẫu 01, both copies) | 80mm (thermal slip)"
    )
    render.add_argument("--reprint", action="store_true", help='mark it "Bản in lại"')
    s = rsub.add_parser(
        "pdf", parents=[common, render], help="the receipt of a stored dossier as a PDF file"
    )
    s.add_argument("--out", required=True, metavar="FILE", help="file to write, - = stdout")
    s.set_defaults(func=_guarded(cmd_pdf))
    s = rsub.add_parser(
        "print", parents=[common, render], help="print the receipt (CUPS / Windows printing)"
    )
    s.add_argument("--printer", help="printer name (default: the system's default printer)")
    s.add_argument("--copies", type=int, help="copies (default 1: Mẫu 01 holds both liên)")
    s.set_defaults(func=_guarded(cmd_print))

    s = rsub.add_parser(
        "verify",
        parents=[common],
        help="is a receipt's QR genuine? (exit 0 genuine, 1 not, 2 bad input)",
    )
    src = s.add_mutually_exclusive_group(required=True)
    src.add_argument("--payload", metavar="TEXT", help="the QR text, as a scanner types it")
    src.add_argument("--image", metavar="FILE", help="a photo or scan of the receipt (PNG, JPEG)")
    s.set_defaults(func=_guarded(cmd_verify))

    keys = rsub.add_parser("keys", help="the Ed25519 keys that sign receipt QR codes")
    ksub = keys.add_subparsers(dest="keys_command", required=True, metavar="ACTION")
    k = ksub.add_parser("export", parents=[common], help="this device's public key as JSON")
    k.add_argument("file", metavar="FILE", help="file to write, - = standard output")
    k.set_defaults(func=_guarded(cmd_keys_export))
    k = ksub.add_parser("import", parents=[common], help="trust another kiosk's public key")
    k.add_argument("file", metavar="FILE", help="a `keys export` file, - = standard input")
    k.set_defaults(func=_guarded(cmd_keys_import))
    k = ksub.add_parser("list", parents=[common], help="every known key")
    k.set_defaults(func=_guarded(cmd_keys_list))
    k = ksub.add_parser("revoke", parents=[common], help="stop trusting a key")
    k.add_argument("kid", metavar="KID")
    k.add_argument("--reason")
    k.set_defaults(func=_guarded(cmd_keys_revoke))


def run(argv: Sequence[str] | None = None) -> int:
    """``motcua`` with only the ``receipt`` group: same parsing, output and exit codes."""
    return run_group(add_commands, "MotCua Kiosk receipts", argv)


if __name__ == "__main__":
    sys.exit(run())
