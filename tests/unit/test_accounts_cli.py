"""``motcua user …`` as real processes, secrets from the environment or standard input."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ADMIN_PW = "Mật khẩu quản trị 1"


def motcua(data_dir: Path, *argv: str, secret: str | None = None, stdin: str = ""):
    env = {k: v for k, v in os.environ.items() if k != "MOTCUA_PASSWORD"}
    if secret is not None:
        env["MOTCUA_PASSWORD"] = secret
    return subprocess.run(
        [sys.executable, "-m", "kiosk_app.cli", *argv, "--data-dir", str(data_dir)],
        input=stdin,
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    r = motcua(
        tmp_path,
        "user",
        "add",
        "quantri",
        "--role",
        "admin",
        "--name",
        "Lê Văn Quản",
        secret=ADMIN_PW,
    )
    assert r.returncode == 0, r.stderr
    assert "quantri (admin) created" in r.stdout
    return tmp_path


def _accounts(folder: Path):
    from kiosk_app.config import DB_FILE
    from kiosk_app.core.accounts import Accounts
    from kiosk_app.store.db import open_store

    return Accounts(open_store(folder / DB_FILE))


def test_add_list_passwd_disable_unlock(folder: Path) -> None:
    r = motcua(
        folder,
        "user",
        "add",
        "hoa",
        "--role",
        "clerk",
        "--name",
        "Nguyễn Thị Hoa",
        "--pin",
        stdin="719350\n",
    )
    assert r.returncode == 0, r.stderr
    r = motcua(folder, "user", "list", "--json")
    listed = {a["username"]: a for a in json.loads(r.stdout)}
    assert listed["hoa"]["display_name"] == "Nguyễn Thị Hoa" and listed["hoa"]["has_pin"]
    assert listed["quantri"]["role"] == "admin" and listed["quantri"]["has_password"]
    assert "hash" not in r.stdout
    assert motcua(folder, "user", "passwd", "hoa", secret="mật khẩu mới 9").returncode == 0
    a = _accounts(folder)
    try:
        assert a.login("hoa", "mật khẩu mới 9").username == "hoa"
        assert a.login("hoa", "719350", method="pin").username == "hoa"
        for _ in range(5):
            with pytest.raises(Exception):  # noqa: B017,PT011 - LoginFailed, then AccountLocked
                a.login("hoa", "sai")
    finally:
        a.store.close()
    assert "locked until" in motcua(folder, "user", "list").stdout
    assert motcua(folder, "user", "unlock", "hoa").returncode == 0
    assert motcua(folder, "user", "disable", "hoa").returncode == 0
    assert "DISABLED" in motcua(folder, "user", "list").stdout
    assert motcua(folder, "user", "enable", "hoa").returncode == 0
    assert "DISABLED" not in motcua(folder, "user", "list").stdout
    assert motcua(folder, "user", "disable", "hoa").returncode == 0
    a = _accounts(folder)
    try:
        actions = [r["action"] for r in a.store.query("SELECT action FROM audit")]
        actors = {
            r["actor"]
            for r in a.store.query("SELECT actor FROM audit WHERE action LIKE 'account.%'")
        }
    finally:
        a.store.close()
    assert {
        "account.create",
        "account.password",
        "account.unlock",
        "account.disable",
        "account.enable",
    } <= set(actions)
    assert actors == {"cli"}
    r = subprocess.run(
        [sys.executable, "-m", "kiosk_app.cli_trust", "audit", "verify", "--data-dir", str(folder)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert r.returncode == 0 and "intact" in r.stdout, r.stdout + r.stderr


def test_refusals_and_exit_codes(folder: Path) -> None:
    r = motcua(folder, "user", "disable", "quantri")
    assert r.returncode == 1 and "quản trị" in r.stderr and len(r.stderr.splitlines()) == 1
    r = motcua(
        folder, "user", "add", "quantri", "--role", "clerk", "--name", "Trùng", secret="abcdefgh1"
    )
    assert r.returncode == 1 and "đã có" in r.stderr
    r = motcua(folder, "user", "add", "x", "--role", "clerk", "--name", "Ngắn", secret="abcdefgh1")
    assert r.returncode == 2 and "Tên đăng nhập" in r.stderr
    r = motcua(folder, "user", "add", "lan", "--role", "clerk", "--name", "Vũ Lan", secret="ngắn")
    assert r.returncode == 2 and "Mật khẩu" in r.stderr
    r = motcua(folder, "user", "add", "lan", "--role", "clerk", "--name", "Vũ Lan")  # no secret
    assert r.returncode == 2 and "MOTCUA_PASSWORD" in r.stderr
    r = motcua(folder, "user", "unlock", "khongco")
    assert r.returncode == 1 and "Không có tài khoản" in r.stderr
    r = motcua(
        folder, "user", "add", "lan", "--role", "root", "--name", "Vũ Lan", secret="abcdefgh1"
    )
    assert r.returncode == 2
    # the secret never reaches the output or the database file in clear
    blob = b"".join(p.read_bytes() for p in folder.rglob("*") if p.is_file())
    assert ADMIN_PW.encode() not in blob


def test_exports_and_receipts_from_the_command_line_are_audited(kiosk, tmp_path: Path) -> None:
    from kiosk_app import cli_receipt
    from kiosk_app.cli import main
    from kiosk_app.store.audit_verify import verify

    ex = kiosk.catalog.get("1.001193").example_submission()
    sub = kiosk.intake.submit("1.001193", ex["answers"], ex["documents"], actor="hoa")
    folder = str(kiosk.data_dir)
    out = tmp_path / "all.json"
    assert (
        main(["dossier", "export", "--format", "json", "--out", str(out), "--data-dir", folder])
        == 0
    )
    pdf = tmp_path / "r.pdf"
    assert (
        cli_receipt.run(["receipt", "pdf", sub.code, "--out", str(pdf), "--data-dir", folder]) == 0
    )
    rows = kiosk.store.query("SELECT actor, action, entity, data FROM audit ORDER BY n")
    got = [(r["actor"], r["action"], r["entity"]) for r in rows]
    assert ("cli", "dossier.export", None) in got and ("cli", "receipt.pdf", sub.code) in got
    export = next(r for r in rows if r["action"] == "dossier.export")
    assert json.loads(export["data"]) == {"format": "json", "count": 1, "to": "file"}
    assert ex["answers"]["requester"]["full_name"] not in json.dumps(rows, ensure_ascii=False)
    assert verify(kiosk.store.conn).ok
