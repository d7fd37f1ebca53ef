"""Setting up a new office PC in one go (issue 9): the office, the first administrator, the
enrolment with the provincial server — from the first-run wizard or from an answers file for
mass deployment (``motcua setup --answers FILE``; docs/first-run.md).

Two phases. :func:`parse_answers` checks EVERYTHING first and raises :class:`SetupError` with
one Vietnamese message per wrong answer, before anything is written. :func:`apply` then runs
the steps in order — office settings, first administrator, enrolment — each one skipped when a
previous run already did it, so a PC whose link was down during enrolment is finished by
running the same file again.

Secrets never need to be in the file: any text answer may be ``${NAME}``, read from the
environment (one answers file for a whole district, each PC's slot and enrolment code given by
the deployment tool). No Qt.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

SECTIONS = ("office", "admin", "server")
_ENV_REF = re.compile(r"^\$\{([A-Za-z_][A-Za-z0-9_]*)\}$")


class SetupError(ValueError):
    """Wrong answers: ``issues`` maps ``section.key`` to a Vietnamese message."""

    def __init__(self, issues: dict[str, str]) -> None:
        self.issues = issues
        lines = [f"{k}: {v}" for k, v in issues.items()]
        super().__init__("Câu trả lời cài đặt chưa đúng:\n" + "\n".join(lines))


@dataclass(frozen=True)
class Admin:
    username: str
    display_name: str
    password: str = field(repr=False)
    pin: str | None = field(default=None, repr=False)


@dataclass(frozen=True)
class Server:
    url: str
    code: str = field(repr=False)
    device_name: str | None = None


@dataclass(frozen=True)
class SetupPlan:
    """Checked answers: office settings (as :func:`kiosk_app.core.desk.validate_settings`
    returns them), the first administrator and the enrolment (either may be absent)."""

    office: dict[str, Any]
    admin: Admin | None
    server: Server | None


def _resolve(value: Any, where: str, env: Mapping[str, str], issues: dict[str, str]) -> Any:
    if isinstance(value, str):
        m = _ENV_REF.match(value.strip())
        if m:
            if m.group(1) not in env or not env[m.group(1)].strip():
                issues[where] = f"biến môi trường {m.group(1)} chưa được đặt"
                return None
            return env[m.group(1)].strip()
    return value


def parse_answers(data: Any, env: Mapping[str, str] | None = None) -> SetupPlan:
    """Check ``data`` (the parsed answers file or the wizard's values); nothing is written."""
    from kiosk_app.config import SETTINGS
    from kiosk_app.core import accounts
    from kiosk_app.core.desk import DEVICE_DEFAULTS, SettingsError, validate_settings

    env = os.environ if env is None else env
    issues: dict[str, str] = {}
    if not isinstance(data, Mapping):
        raise SetupError({"(tệp)": "cần các mục office, admin, server (dạng YAML/JSON)"})
    unknown = sorted(set(data) - set(SECTIONS))
    if unknown:
        issues["(tệp)"] = f"mục không dùng: {', '.join(map(str, unknown))}"
    sections: dict[str, dict[str, Any]] = {}
    for name in SECTIONS:
        raw = data.get(name)
        if raw is None:
            sections[name] = {}
        elif not isinstance(raw, Mapping):
            issues[name] = "phải là một nhóm khóa: giá trị"
            sections[name] = {}
        else:
            sections[name] = {
                str(k): _resolve(v, f"{name}.{k}", env, issues) for k, v in raw.items()
            }
    office: dict[str, Any] = {}
    if not sections["office"]:
        issues["office"] = "cần thông tin cơ quan (agency_id, commune_code, device_slot, …)"
    else:
        try:
            # the declared defaults for what the file leaves out (office hours, cut-off, …)
            defaults = DEVICE_DEFAULTS | {s.name: s.default for s in SETTINGS}
            office = validate_settings(defaults | sections["office"])
        except SettingsError as exc:
            for k, v in exc.issues.items():
                issues.setdefault(f"office.{k}", v)
    admin = None
    a = sections["admin"]
    if a:
        try:
            username = accounts.check_username(str(a.get("username") or ""))
            display = accounts.check_display_name(str(a.get("display_name") or ""))
            password = accounts.check_password(str(a.get("password") or ""), username)
            pin = accounts.check_pin(str(a["pin"])) if a.get("pin") not in (None, "") else None
            admin = Admin(username, display, password, pin)
        except accounts.AccountError as exc:
            issues.setdefault(f"admin.{exc.field or 'password'}", str(exc))
    server = None
    s = sections["server"]
    if s:
        url = str(s.get("url") or "").strip().rstrip("/")
        code = str(s.get("enrolment_code") or "").strip()
        if not url.startswith(("http://", "https://")):
            issues.setdefault("server.url", "địa chỉ máy chủ của tỉnh phải bắt đầu bằng https://")
        if not code:
            issues.setdefault(
                "server.enrolment_code", "cần mã đăng ký một lần (motcua-server enrol)"
            )
        name = str(s.get("device_name") or "").strip() or None
        server = Server(url, code, name)
    if issues:
        # an unset ${NAME} is said as such, not as the empty value it left behind
        raise SetupError(issues)
    return SetupPlan(office, admin, server)


def load_answers(path: Path, env: Mapping[str, str] | None = None) -> SetupPlan:
    """Read and check an answers file (YAML, or JSON which is YAML too)."""
    import yaml

    from kiosk_app.resources import load_yaml

    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise SetupError({"(tệp)": f"không đọc được {path}: {exc}"}) from exc
    try:
        data = load_yaml(text)
    except yaml.YAMLError as exc:
        raise SetupError({"(tệp)": f"{path} không phải YAML hợp lệ: {exc}"}) from exc
    return parse_answers(data, env)


@dataclass
class Step:
    name: str
    done: bool  # False: skipped (already done before)
    message: str


def apply(
    plan: SetupPlan,
    data_dir: Path,
    *,
    enrol: Callable[..., Any] | None = None,
    progress: Callable[[Step], None] | None = None,
    actor: str | None = None,
) -> list[Step]:
    """Run the set-up steps; returns what each did. A step that fails raises (its own error
    class: ``AccountError``, ``EnrolError``, ``SyncError``…) after the earlier steps are kept.

    ``enrol`` defaults to :func:`sync.client_enrol.enrol` (tests pass the real one bound to a
    loopback server, or a stub transport). ``actor``: who is recorded in the audit trail for
    the office step (the wizard's administrator; None from the command line's answers file).
    """
    from kiosk_app.bootstrap import open_kiosk
    from kiosk_app.core.accounts import Accounts
    from kiosk_app.store import settings as settings_rows
    from kiosk_app.store import sync_state

    steps: list[Step] = []

    def note(step: Step) -> None:
        steps.append(step)
        if progress:
            progress(step)

    from kiosk_app.config import DB_FILE
    from kiosk_app.store.db import open_store

    store = open_store(Path(data_dir) / DB_FILE)
    try:
        with store.write() as db:
            current = settings_rows.get_all(db)
            same = all(current.get(k) == v for k, v in plan.office.items())
            if current.get("agency_id") and current["agency_id"] != plan.office["agency_id"]:
                from kiosk_app.core.accounts import AccountRefused

                raise AccountRefused(
                    f"Máy này đã cài cho cơ quan {current['agency_id']}, không phải "
                    f"{plan.office['agency_id']}: dùng thư mục dữ liệu khác"
                )
            if not same:
                from kiosk_app.core.intake import now_vn
                from kiosk_app.store import audit

                settings_rows.put(db, plan.office)
                changes = {
                    k: {"old": current.get(k), "new": v}
                    for k, v in plan.office.items()
                    if current.get(k) != v
                }
                audit.append(
                    db,
                    at=now_vn().isoformat(),
                    actor=actor,
                    action="settings.setup",
                    entity="settings",
                    data=changes,
                )
        note(Step("office", not same, f"{plan.office['agency_name']} ({plan.office['agency_id']})"))
        if plan.admin:
            accounts = Accounts(store)
            if not accounts.has_accounts():
                a = plan.admin
                accounts.create_first_admin(a.username, a.display_name, a.password, a.pin)
                note(Step("admin", True, plan.admin.username))
            else:
                note(Step("admin", False, "máy đã có tài khoản quản trị"))
    finally:
        store.close()
    if plan.server:
        kiosk = open_kiosk(Path(data_dir))
        try:
            with kiosk.store.read() as db:
                device = sync_state.device(db)
            if device and device.get("server_url", "").rstrip("/") == plan.server.url:
                note(Step("enrol", False, f"đã đăng ký với {plan.server.url}"))
            else:
                if enrol is None:
                    from sync.client_enrol import enrol
                enrol(kiosk, plan.server.url, plan.server.code, device_name=plan.server.device_name)
                note(Step("enrol", True, plan.server.url))
        finally:
            kiosk.close()
    return steps
