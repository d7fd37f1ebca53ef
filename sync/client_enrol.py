"""Enrolment (``POST /v1/enrol``), the device credential file and token refresh.

The secret tokens live in ``<data dir>/sync/credential.json``, file mode 0600, written
atomically (O_EXCL temp file, fsync, rename). On Windows the mode is advisory: the data
folder's ACL protects it. Issue 7 (trust) moves the tokens into the OS keyring; every read
and write of the file goes through :func:`load_credential` / :func:`save_credential`, so that
is the one place to change. What is not secret (server URL, device id, commune, agency,
slot) is in the store (``sync_device``, :mod:`kiosk_app.store.sync_state`).

Office check: the one-time code names an agency, commune and slot. A configured office
(``motcua init``) must match all three, else enrolment is refused with a message saying
which differs. The agency is checked by the server before the code is spent (the kiosk sends
its receipt key for its own agency, and the server refuses a key of another agency in the
same transaction); a different slot or commune is only known from the answer, after the code
was spent, so the message names the device id for the province to revoke. A data folder still
on the **demo office** adopts the code's agency, commune and slot — but only while it holds
no dossier (demo dossiers carry the demo agency's codes, which the province would reject).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from kiosk_app.store import settings as settings_rows
from kiosk_app.store import sync_state
from sync.client_errors import AuthError, PermanentError, SyncError, TransientError
from sync.client_transport import Credentials, Transport

SYNC_DIR = "sync"
CREDENTIAL_FILE = "credential.json"


class EnrolError(PermanentError):
    """Enrolment refused (message in English for the CLI, the server's Vietnamese appended)."""


# ------------------------------------------------------------------ credential file
def credential_path(data_dir: Path) -> Path:
    return Path(data_dir) / SYNC_DIR / CREDENTIAL_FILE


def save_credential(data_dir: Path, values: dict[str, Any]) -> Path:
    from kiosk_app.store.secret_files import write_sealed

    data = json.dumps(values, indent=1, sort_keys=True).encode("utf-8")
    # sealed with the data key (issue 7): a copied data folder does not hand out the tokens
    return write_sealed(credential_path(data_dir), data, data_dir, "sync-credential")


def load_credential(data_dir: Path) -> dict[str, Any] | None:
    from kiosk_app.store.secret_files import read_sealed

    try:
        raw = read_sealed(credential_path(data_dir), data_dir, "sync-credential")
        data = json.loads(raw.decode("utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as exc:  # CryptoError is a ValueError
        raise PermanentError(
            f"cannot read the sync credential {credential_path(data_dir)}: {exc}",
            code="credential_unreadable",
        ) from exc
    if not isinstance(data, dict) or not data.get("token") or not data.get("refresh_token"):
        raise PermanentError(
            f"{credential_path(data_dir)}: not a sync credential; enrol again",
            code="credential_unreadable",
        )
    return data


def credentials_for(kiosk: Any) -> Credentials:
    """The credential of an enrolled kiosk, refreshing itself through ``POST /v1/token``."""
    from sync.client_errors import NotEnrolled

    data = load_credential(kiosk.data_dir)
    if data is None:
        raise NotEnrolled(
            "Máy chưa đăng ký đồng bộ với tỉnh (motcua enrol --server URL --code MÃ)",
            code="not_enrolled",
        )

    def refresh(transport: Transport) -> str:
        resp = transport.request(
            "POST", "/v1/token", json_body={"refresh_token": data["refresh_token"]}, auth=False
        )
        try:
            answer = resp.json()
        except ValueError:
            answer = None
        token = answer.get("token") if isinstance(answer, dict) else None
        expires = answer.get("token_expires_at") if isinstance(answer, dict) else None
        if not isinstance(token, str) or not token.strip() or len(token) > 4096:
            # never saved: the credential on disk keeps a refresh token that still works
            raise TransientError(
                "máy chủ tỉnh trả lời sai khi cấp lại phiên làm việc", code="bad_answer"
            )
        if not isinstance(expires, str | None):
            expires = None
        answer = {"token": token, "token_expires_at": expires}
        data["token"] = answer["token"]
        data["token_expires_at"] = answer.get("token_expires_at")
        save_credential(kiosk.data_dir, data)
        with kiosk.store.write() as db:
            sync_state.update_device(db, token_expires_at=answer.get("token_expires_at"))
        return answer["token"]

    return Credentials(token=data["token"], refresh=refresh)


# ------------------------------------------------------------------ enrol
def enrol(
    kiosk: Any,
    server_url: str,
    code: str,
    *,
    device_name: str | None = None,
    force: bool = False,
    transport: Transport | None = None,
    clock: Callable[[], datetime] | None = None,
) -> dict[str, Any]:
    """Exchange a one-time code for this kiosk's credential; returns the enrolment (no token).

    Raises :class:`EnrolError` (refused: already enrolled, office mismatch, demo office with
    dossiers, code unknown/used/expired) or a transient :class:`SyncError` (no link: the code
    was not spent unless the answer was lost on the way back).
    """
    from kiosk_app.core.device_key import export_public_key
    from kiosk_app.core.intake import now_vn

    clock = clock or now_vn
    server_url = server_url.strip().rstrip("/")
    if not server_url.startswith(("http://", "https://")):
        raise EnrolError(f"--server {server_url!r}: expected http(s)://host[:port]", code="bad_url")
    office = kiosk.office
    with kiosk.store.read() as db:
        have = sync_state.device(db)
        n_dossiers = db.execute("SELECT COUNT(*) FROM dossiers").fetchone()[0]
    if have and not force:
        raise EnrolError(
            f"already enrolled with {have['server_url']} as device {have['device_id']} "
            f"({have['agency_id']} slot {have['slot']}); use --force to enrol again",
            code="already_enrolled",
        )
    if office.demo and n_dossiers:
        raise EnrolError(
            f"this data folder runs the demo office and holds {n_dossiers} demo dossier(s); "
            "set the office up with `motcua init` (or use a new data folder) before enrolling",
            code="demo_with_dossiers",
        )
    body: dict[str, Any] = {"code": code.strip(), "device_name": device_name}
    if not office.demo:
        body["public_key"] = export_public_key(
            kiosk.store, kiosk.data_dir, office.agency_id, office.device_slot, clock=clock
        )
    own = transport is None
    transport = transport or Transport(base_url=server_url)
    if not transport.base_url:
        transport.base_url = server_url
    try:
        answer = transport.request("POST", "/v1/enrol", json_body=body, auth=False, retry=False)
        data = answer.json()
    except SyncError as exc:
        if exc.code == "wrong_agency":
            raise EnrolError(
                f"the enrolment code is for another agency than this office "
                f"({office.agency_id}): {exc.message}",
                code="office_mismatch",
            ) from exc
        if isinstance(exc, PermanentError | AuthError):
            raise EnrolError(f"enrolment refused: {exc.message}", code=exc.code) from exc
        raise
    finally:
        if own:
            transport.close()
    if not office.demo:
        diffs = [
            f"{what} {mine!r} here, {theirs!r} in the code"
            for what, mine, theirs in (
                ("agency", office.agency_id, data["agency_id"]),
                ("commune", office.commune_code, data["commune"]),
                ("slot", office.device_slot, data["slot"]),
            )
            if str(mine) != str(theirs)
        ]
        if diffs:
            raise EnrolError(
                "the enrolment code does not match this office (" + "; ".join(diffs) + "). "
                f"The code is now used: ask the province to revoke device {data['device_id']} "
                "and issue a code for this office's agency, commune and slot",
                code="office_mismatch",
            )
    at = clock().isoformat()
    save_credential(
        kiosk.data_dir,
        {
            "server_url": server_url,
            "device_id": data["device_id"],
            "token": data["token"],
            "token_expires_at": data.get("token_expires_at"),
            "refresh_token": data["refresh_token"],
        },
    )
    row = {
        "server_url": server_url,
        "device_id": data["device_id"],
        "device_name": device_name,
        "commune": data["commune"],
        "agency_id": data["agency_id"],
        "slot": int(data["slot"]),
        "token_expires_at": data.get("token_expires_at"),
        "enrolled_at": at,
        "key_kid": body["public_key"]["kid"] if "public_key" in body else None,
    }
    with kiosk.store.write() as db:
        if office.demo:
            settings_rows.put(db, _adopted(db, data))
        if have and have["server_url"] != server_url:
            # another server knows nothing of what the old one accepted: send it all again
            # (a server that does already answers "duplicate")
            sync_state.resend_all(db)
        sync_state.save_device(db, row)
        sync_state.put_meta(db, {"enrolled_from_demo": bool(office.demo)})
        raised = _follow_issued(db, data)
        if raised:
            sync_state.put_meta(db, {"counters_raised_at_enrol": raised})
        pinned = _pin_province_key(db, data)
    if office.demo:
        from kiosk_app.bootstrap import office_for

        kiosk.office = office_for(kiosk.store)
        if getattr(kiosk, "_intake", None) is not None:
            kiosk.intake.office = kiosk.office
    return {**row, "adopted_office": bool(office.demo), "province_key": pinned}


def _pin_province_key(db: Any, data: dict[str, Any]) -> str | None:
    """Pin the province's bundle-signing key the enrolment answer carries (its kid), or None
    when it carries none or a malformed one: then every signed bundle is refused until the
    key is installed by hand (``motcua province-key install``)."""
    from sync.client_feeds import pin_province_key
    from sync.signature import SignatureProblem

    doc = data.get("province_key")
    if doc is None:
        return None
    try:
        return pin_province_key(db, doc)
    except SignatureProblem:
        return None


def _follow_issued(db: Any, data: dict[str, Any]) -> dict[str, int]:
    """Raise this slot's daily code counters to what the province says the slot issued
    (``issued``: {YYMMDD: seq}); returns the days raised. A server without the field (older
    protocol) sends nothing and nothing changes."""
    from datetime import datetime as _dt

    from kiosk_app.store.codes import raise_counter

    issued = data.get("issued") or {}
    raised: dict[str, int] = {}
    if not isinstance(issued, dict):
        return raised
    for day_text, seq in issued.items():
        try:
            day = _dt.strptime(str(day_text), "%y%m%d").date()
            seq = int(seq)
        except (TypeError, ValueError):
            continue
        if raise_counter(db, data["agency_id"], day, int(data["slot"]), seq):
            raised[str(day_text)] = seq
    return raised


def _adopted(db: Any, data: dict[str, Any]) -> dict[str, Any]:
    from kiosk_app.core import admin_units

    current = settings_rows.get_all(db)
    values: dict[str, Any] = {
        "agency_id": data["agency_id"],
        "commune_code": data["commune"],
        "device_slot": int(data["slot"]),
        "demo": False,
    }
    if not current.get("agency_name"):
        try:
            unit = admin_units.commune(data["commune"])
        except (KeyError, LookupError):
            unit = None
        values["agency_name"] = f"UBND {unit.name}" if unit else data["agency_id"]
    return values
