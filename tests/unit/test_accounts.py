"""Staff accounts on a real store: argon2id secrets, lockout, roles, attribution, audit."""

from __future__ import annotations

import contextlib
import json
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from argon2 import PasswordHasher

from kiosk_app.core import accounts as acc
from kiosk_app.core import permissions as perms
from kiosk_app.core.accounts import (
    AccountError,
    AccountLocked,
    AccountRefused,
    Accounts,
    LoginFailed,
)
from kiosk_app.core.desk import Desk
from kiosk_app.core.intake import VN_TZ
from kiosk_app.core.permissions import PermissionDenied
from kiosk_app.store.audit_verify import verify

# Cheap argon2id for the tests that are not about cost (the production parameters are tested
# on their own below).
FAST = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
ADMIN_PW = "Mật khẩu quản trị 1"
BIRTH = "1.001193"


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2025, 3, 12, 9, 30, tzinfo=VN_TZ)

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def accounts(kiosk, clock) -> Accounts:
    return Accounts(kiosk.store, clock=clock, hasher=FAST)


@pytest.fixture
def admin(accounts):
    return accounts.create_first_admin("quantri", "Lê Văn Quản", ADMIN_PW, pin="482913")


def _audit(kiosk) -> list[dict]:
    return kiosk.store.query("SELECT actor, action, entity, data FROM audit ORDER BY n")


def test_first_admin_is_created_once_and_logged_in(kiosk, accounts) -> None:
    assert not accounts.has_accounts()
    s = accounts.create_first_admin(" QuanTri ", "Lê  Văn Quản", ADMIN_PW)
    assert (s.username, s.display_name, s.role) == ("quantri", "Lê Văn Quản", perms.ADMIN)
    assert accounts.has_accounts()
    with pytest.raises(AccountRefused):
        accounts.create_first_admin("other", "Người Khác", ADMIN_PW)
    assert [a["action"] for a in _audit(kiosk)] == ["account.create", "auth.login"]


def test_secrets_are_argon2id_and_never_plaintext_in_any_file(kiosk, accounts, admin) -> None:
    accounts.add(admin, "hoa", "Nguyễn Thị Hoa", perms.CLERK, password="hoa-bí-mật-9", pin="719350")
    row = kiosk.store.query("SELECT password_hash, pin_hash FROM accounts WHERE username='hoa'")[0]
    assert row["password_hash"].startswith("$argon2id$") and row["pin_hash"].startswith(
        "$argon2id$"
    )
    kiosk.store.conn.execute("PRAGMA wal_checkpoint(FULL)")
    blob = b"".join(p.read_bytes() for p in Path(kiosk.data_dir).rglob("*") if p.is_file())
    for secret in ("hoa-bí-mật-9", "719350", ADMIN_PW, "482913"):
        assert secret.encode("utf-8") not in blob


def test_login_right_wrong_and_unknown(kiosk, accounts, admin, clock) -> None:
    s = accounts.login("QUANTRI", ADMIN_PW)
    assert s.username == "quantri" and s.since == clock.now and s.can(perms.SETTINGS)
    assert accounts.login("quantri", "482913", method="pin").role == perms.ADMIN
    with pytest.raises(LoginFailed) as wrong:
        accounts.login("quantri", "sai mật khẩu")
    with pytest.raises(LoginFailed) as unknown:
        accounts.login("khongco", ADMIN_PW)
    with pytest.raises(LoginFailed):
        accounts.login("!!", ADMIN_PW)  # not even a valid username: same answer
    assert str(wrong.value) == str(unknown.value)
    actions = [(a["action"], a["entity"]) for a in _audit(kiosk)]
    assert ("auth.login_failed", "quantri") in actions and ("auth.login_failed", None) in actions
    assert actions.count(("auth.login", "quantri")) == 3  # first run + password + PIN


def test_lockout_after_five_failures_persists_and_expires(kiosk, accounts, admin, clock) -> None:
    from kiosk_app.bootstrap import open_kiosk

    accounts.add(admin, "hoa", "Nguyễn Thị Hoa", perms.CLERK, password="hoa-bí-mật-9")
    for _ in range(4):
        with pytest.raises(LoginFailed) as err:
            accounts.login("hoa", "sai")
        assert not isinstance(err.value, AccountLocked)
    with pytest.raises(AccountLocked) as locked:
        accounts.login("hoa", "sai")
    assert locked.value.until == clock.now + timedelta(minutes=5)
    with pytest.raises(AccountLocked):
        accounts.login("hoa", "hoa-bí-mật-9")  # the right password does not get through
    # a restart does not lift it: a new process opens the same folder
    data_dir = kiosk.data_dir
    kiosk.close()
    again = open_kiosk(data_dir)
    try:
        fresh = Accounts(again.store, clock=clock, hasher=FAST)
        with pytest.raises(AccountLocked):
            fresh.login("hoa", "hoa-bí-mật-9")
        clock.now += timedelta(minutes=5, seconds=1)
        assert fresh.login("hoa", "hoa-bí-mật-9").username == "hoa"
        rows = again.store.query("SELECT action FROM audit WHERE action LIKE 'auth.%'")
        assert [r["action"] for r in rows].count("auth.lockout") == 1
        assert verify(again.store.conn).ok
    finally:
        again.close()


def test_admin_unlocks_before_time(kiosk, accounts, admin) -> None:
    accounts.add(admin, "hoa", "Nguyễn Thị Hoa", perms.CLERK, pin="719350")
    for _ in range(5):
        with pytest.raises(LoginFailed):
            accounts.login("hoa", "000001", method="pin")
    assert accounts.get(admin, "hoa").locked(accounts.clock())
    with pytest.raises(PermissionDenied):
        accounts.unlock(None, "hoa")  # nobody logged in
    accounts.unlock(admin, "hoa")
    assert accounts.login("hoa", "719350", method="pin").role == perms.CLERK
    assert ("account.unlock", "hoa") in [(a["action"], a["entity"]) for a in _audit(kiosk)]


def test_rehash_on_login_when_parameters_change(kiosk, accounts, admin, clock) -> None:
    stronger = PasswordHasher(time_cost=2, memory_cost=16, parallelism=1)
    old = kiosk.store.query("SELECT password_hash FROM accounts")[0]["password_hash"]
    Accounts(kiosk.store, clock=clock, hasher=stronger).login("quantri", ADMIN_PW)
    new = kiosk.store.query("SELECT password_hash FROM accounts")[0]["password_hash"]
    assert new != old and "t=2" in new and "m=16" in new
    assert not stronger.check_needs_rehash(new)
    assert accounts.login("quantri", ADMIN_PW).username == "quantri"  # still the same password


def test_production_parameters_and_unknown_users_do_the_same_work(kiosk, clock) -> None:
    """No shortcut for names that do not exist: an unknown user costs one argon2id verify
    with the same parameters as a real account's (counted, not timed: timings on a shared
    machine say nothing; bench-style cost lives in the parameters checked here)."""
    calls: list[str] = []

    class Counting(PasswordHasher):
        def verify(self, hash: str, password: str) -> bool:  # noqa: A002 - argon2's name
            calls.append(hash.split("$")[3])  # "m=…,t=…,p=…"
            return super().verify(hash, password)

    real = Accounts(kiosk.store, clock=clock, hasher=Counting(**acc.HASH_PARAMS))
    assert real.hasher.time_cost == acc.HASH_PARAMS["time_cost"]
    real.create_first_admin("quantri", "Lê Văn Quản", ADMIN_PW)
    stored = kiosk.store.query("SELECT password_hash FROM accounts")[0]["password_hash"]
    params = stored.split("$")[3]
    assert params == "m={memory_cost},t={time_cost},p={parallelism}".format(**acc.HASH_PARAMS)
    for user in ("quantri", "khongco", "khongco"):
        calls.clear()
        with contextlib.suppress(LoginFailed):
            real.login(user, "sai mật khẩu")
        assert calls == [params], (user, calls)


def test_the_last_active_admin_stays(kiosk, accounts, admin) -> None:
    with pytest.raises(AccountRefused):
        accounts.set_active(admin, "quantri", False)
    with pytest.raises(AccountRefused):
        accounts.set_role(admin, "quantri", perms.CLERK)
    accounts.add(admin, "admin2", "Phạm Thị Hai", perms.ADMIN, password="mật-khẩu-thứ-2")
    accounts.set_role(admin, "quantri", perms.HEAD)
    with pytest.raises(AccountRefused):
        accounts.set_active(admin, "admin2", False)
    accounts.add(admin, "hoa", "Nguyễn Thị Hoa", perms.CLERK, password="hoa-bí-mật-9")
    accounts.set_active(admin, "hoa", False)
    with pytest.raises(LoginFailed):
        accounts.login("hoa", "hoa-bí-mật-9")  # disabled: the same answer as a wrong password
    accounts.set_active(admin, "hoa", True)
    assert accounts.login("hoa", "hoa-bí-mật-9").username == "hoa"
    with pytest.raises(AccountRefused):
        accounts.add(admin, "hoa", "Trùng Tên", perms.CLERK, password="khác-hẳn-nhé")


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"username": "a"}, "username"),
        ({"username": "hoà"}, "username"),
        ({"username": "kiosk"}, "username"),
        ({"display_name": "  "}, "display_name"),
        ({"display_name": "Hoa\x00"}, "display_name"),
        ({"password": "ngắn"}, "password"),
        ({"password": "hoa.nguyen"}, "password"),
        ({"password": None, "pin": "12345"}, "pin"),
        ({"password": None, "pin": "123456"}, "pin"),
        ({"password": None, "pin": "777777"}, "pin"),
        ({"password": None, "pin": "１２３４５９"}, "pin"),  # full-width digits
        ({"role": "root"}, "role"),
        ({"password": None, "role": perms.ADMIN, "pin": "719350"}, "password"),
    ],
)
def test_input_rules(accounts, admin, kwargs, field) -> None:
    args = {
        "username": "hoa.nguyen",
        "display_name": "Nguyễn Thị Hoa",
        "role": perms.CLERK,
        "password": "hoa-bí-mật-9",
        "pin": None,
    } | kwargs
    with pytest.raises(AccountError) as err:
        accounts.add(
            admin,
            args["username"],
            args["display_name"],
            args["role"],
            password=args["password"],
            pin=args["pin"],
        )
    assert err.value.field == field
    assert not isinstance(err.value, AccountRefused)


def test_display_names_are_nfc(accounts, admin) -> None:
    import unicodedata

    nfd = unicodedata.normalize("NFD", "Nguyễn Thị Hoà")
    info = accounts.add(admin, "hoa", nfd, perms.CLERK, password="hoa-bí-mật-9")
    assert info.display_name == unicodedata.normalize("NFC", "Nguyễn Thị Hoà")
    # a password typed decomposed by one input method and composed by another still matches
    accounts.set_password(admin, "hoa", unicodedata.normalize("NFD", "mật khẩu mới 1"))
    assert accounts.login("hoa", "mật khẩu mới 1").username == "hoa"


def test_roles_are_checked_by_the_use_cases(kiosk, accounts, admin) -> None:
    accounts.add(admin, "hoa", "Nguyễn Thị Hoa", perms.CLERK, password="hoa-bí-mật-9")
    accounts.add(admin, "truong", "Đỗ Văn Trưởng", perms.HEAD, password="truong-bí-mật")
    clerk = accounts.login("hoa", "hoa-bí-mật-9")
    head = accounts.login("truong", "truong-bí-mật")
    desk = Desk(kiosk.store, kiosk.intake)
    with pytest.raises(PermissionDenied) as err:
        accounts.list_accounts(clerk)
    assert "Cán bộ một cửa" in str(err.value)
    with pytest.raises(PermissionDenied):
        accounts.add(clerk, "moi", "Người Mới", perms.ADMIN, password="mật-khẩu-mới")
    with pytest.raises(PermissionDenied):
        desk.save_office_settings(desk.office_settings(), session=clerk)
    with pytest.raises(PermissionDenied):
        kiosk.intake.start_draft(BIRTH, session=admin)  # an administrator does not take dossiers
    from kiosk_app.core.session import kiosk_session

    ex = kiosk.catalog.get(BIRTH).example_submission()
    assert kiosk.intake.submit(BIRTH, ex["answers"], ex["documents"], session=clerk).code
    with pytest.raises(PermissionDenied):
        kiosk.intake.submit(BIRTH, ex["answers"], ex["documents"], session=kiosk_session())
    with pytest.raises(PermissionDenied):
        kiosk.intake.submit(BIRTH, ex["answers"], ex["documents"], channel="kiosk", session=clerk)
    own = kiosk.intake.submit(
        BIRTH, ex["answers"], ex["documents"], channel="kiosk", session=kiosk_session()
    )
    assert kiosk.intake.lookup(own.code).dossier["actor"] == "kiosk"
    with pytest.raises(PermissionDenied):
        kiosk.intake.transition(own.code, 3, reason="thiếu giấy", session=clerk)  # refuse
    kiosk.intake.transition(own.code, 3, reason="thiếu giấy", session=head)
    assert kiosk.intake.lookup(own.code).events[-1]["actor"] == "truong"
    # a clerk changes their own password, not someone else's
    accounts.set_password(clerk, "hoa", "mật khẩu mới 2")
    with pytest.raises(PermissionDenied):
        accounts.set_password(clerk, "truong", "mật khẩu mới 3")


def test_every_record_carries_the_account(kiosk, accounts, admin) -> None:
    accounts.add(admin, "hoa", "Nguyễn Thị Hoa", perms.CLERK, password="hoa-bí-mật-9")
    accounts.add(admin, "lan", "Vũ Thị Lan", perms.CLERK, password="lan-bí-mật-9")
    hoa = accounts.login("hoa", "hoa-bí-mật-9")
    lan = accounts.login("lan", "lan-bí-mật-9")
    ex = kiosk.catalog.get(BIRTH).example_submission()
    draft = kiosk.intake.start_draft(BIRTH, session=hoa)
    assert kiosk.intake.draft(draft)["actor"] == "hoa"
    kiosk.intake.save_step(draft, answers=ex["answers"], documents=ex["documents"])
    sub = kiosk.intake.submit_draft(draft, session=lan)  # Lan took over Hoa's draft
    view = kiosk.intake.lookup(sub.code)
    assert view.dossier["actor"] == "lan" and view.events[0]["actor"] == "lan"
    entry = kiosk.store.query("SELECT actor FROM audit WHERE action='dossier.submit'")[0]
    assert entry["actor"] == "lan"


def test_views_searches_and_settings_are_audited_without_personal_data(
    kiosk, accounts, admin
) -> None:
    accounts.add(admin, "hoa", "Nguyễn Thị Hoa", perms.CLERK, password="hoa-bí-mật-9")
    hoa = accounts.login("hoa", "hoa-bí-mật-9")
    ex = kiosk.catalog.get(BIRTH).example_submission()
    sub = kiosk.intake.submit(BIRTH, ex["answers"], ex["documents"], session=hoa)
    d = kiosk.intake.lookup(sub.code).dossier
    desk = Desk(kiosk.store, kiosk.intake)
    assert desk.open_dossier(sub.code, hoa).dossier["code"] == sub.code
    assert desk.search(d["applicant_id_number"], hoa)[0]["code"] == sub.code
    desk.search(d["applicant_name"], hoa)  # a name search: not a record lookup, not audited
    assert desk.prefill(d["applicant_id_number"], hoa)  # the wizard's "don't ask again"
    with pytest.raises(PermissionDenied):
        desk.open_dossier(sub.code, admin)
    values = desk.office_settings() | {"hotline": "0234 3812 345"}
    desk.save_office_settings(values, session=admin)
    desk.save_office_settings(values, session=admin)  # nothing changed: no entry
    entries = _audit(kiosk)
    actions = [(e["actor"], e["action"], e["entity"]) for e in entries]
    assert ("hoa", "dossier.view", sub.code) in actions
    search = [json.loads(e["data"]) for e in entries if e["action"] == "dossier.search"]
    assert search == [{"kind": "id_number", "results": 1}, {"kind": "prefill", "results": 1}]
    changes = [e for e in entries if e["action"] == "settings.change"]
    assert len(changes) == 1 and changes[0]["actor"] == "quantri"
    assert json.loads(changes[0]["data"])["hotline"]["new"] == "0234 3812 345"
    text = json.dumps(entries, ensure_ascii=False)
    assert d["applicant_id_number"] not in text and d["applicant_name"] not in text
    assert verify(kiosk.store.conn).ok


def test_device_settings_are_validated(kiosk, accounts, admin) -> None:
    from kiosk_app.core.desk import SettingsError

    desk = Desk(kiosk.store, kiosk.intake)
    values = desk.office_settings()
    assert values["desk_lock_minutes"] == 10 and values["kiosk_orientation"] == "auto"
    with pytest.raises(SettingsError) as err:
        desk.save_office_settings(
            values | {"desk_lock_minutes": 0, "kiosk_orientation": "sideways"}, session=admin
        )
    assert set(err.value.issues) == {"desk_lock_minutes", "kiosk_orientation"}
    saved = desk.save_office_settings(
        values | {"desk_lock_minutes": "3", "kiosk_mode_at_start": True}, session=admin
    )
    assert saved["desk_lock_minutes"] == 3 and desk.office_settings()["kiosk_mode_at_start"]
