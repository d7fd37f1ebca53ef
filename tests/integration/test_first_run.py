"""Setting up a new office PC from an answers file: checked first, then office, administrator
and enrolment against the real server; rerunning finishes what a dead link interrupted."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from kiosk_app.core import first_run
from kiosk_app.core.first_run import SetupError
from tests.server.conftest import Srv, pg_url, server  # noqa: F401 - fixtures

ROOT = Path(__file__).resolve().parents[2]
sqlite_only = pytest.mark.parametrize("server", ["sqlite"], indirect=True)


def answers(agency: str, commune: str, url: str = "", slot: object = 2) -> dict:
    data = {
        "office": {
            "agency_id": agency,
            "commune_code": commune,
            "agency_name": "UBND xã Thử Nghiệm",
            "device_slot": slot,
            "printer_name": "Phieu-80mm",
            "kiosk_mode_at_start": True,
            "kiosk_orientation": "portrait",
        },
        "admin": {
            "username": "quantri",
            "display_name": "Nguyễn Thị Quản Trị",
            "password": "${MOTCUA_ADMIN_PASSWORD}",
            "pin": "${MOTCUA_ADMIN_PIN}",
        },
    }
    if url:
        data["server"] = {
            "url": url,
            "enrolment_code": "${MOTCUA_ENROL_CODE}",
            "device_name": "Kiosk sảnh",
        }
    return data


ENV = {"MOTCUA_ADMIN_PASSWORD": "mat-khau-dai-9", "MOTCUA_ADMIN_PIN": "274159"}


def test_every_wrong_answer_is_named_before_anything_is_written(tmp_path) -> None:
    bad = answers("not-an-agency", "99999", "ftp://x", slot=12)
    bad["admin"]["password"] = "${UNSET_PASSWORD_VAR}"
    bad["extra"] = {}
    with pytest.raises(SetupError) as err:
        first_run.parse_answers(bad, env={})
    issues = err.value.issues
    for key in (
        "office.agency_id",
        "office.commune_code",
        "office.device_slot",
        "admin.password",
        "server.url",
        "server.enrolment_code",
        "(tệp)",
    ):
        assert key in issues, (key, issues)
    assert "UNSET_PASSWORD_VAR" in issues["admin.password"]
    assert not list(tmp_path.iterdir())
    with pytest.raises(SetupError, match="office"):
        first_run.parse_answers({"admin": {}}, env={})
    with pytest.raises(SetupError):
        first_run.parse_answers(["not", "a", "mapping"], env={})


@sqlite_only
def test_answers_file_sets_up_office_admin_and_enrolment(server: Srv, tmp_path) -> None:  # noqa: F811
    from kiosk_app.bootstrap import open_kiosk
    from kiosk_app.core.accounts import Accounts
    from kiosk_app.store import sync_state

    agency, commune = server.new_agency()
    code = server.enrolment(agency, commune, slot=2)["code"]
    env = ENV | {"MOTCUA_ENROL_CODE": code}
    plan = first_run.parse_answers(answers(agency, commune, server.url), env=env)
    data = tmp_path / "pc"
    steps = first_run.apply(plan, data)
    assert [(s.name, s.done) for s in steps] == [("office", True), ("admin", True), ("enrol", True)]
    k = open_kiosk(data)
    try:
        assert k.office.agency_id == agency and k.office.device_slot == 2
        assert k.office.agency_name == "UBND xã Thử Nghiệm"
        session = Accounts(k.store).login("quantri", "mat-khau-dai-9")
        assert session.role == "admin"
        with k.store.read() as db:
            assert sync_state.device(db)["server_url"] == server.url
        actions = [r["action"] for r in k.store.query("SELECT action FROM audit ORDER BY n")]
        assert actions[0] == "settings.setup" and "account.create" in actions
    finally:
        k.close()
    # the same file again: nothing to do, nothing duplicated, the spent code not reused
    again = first_run.apply(plan, data)
    assert [(s.name, s.done) for s in again] == [
        ("office", False),
        ("admin", False),
        ("enrol", False),
    ]


@sqlite_only
def test_cli_setup_check_then_finish_after_the_link_returns(server: Srv, tmp_path) -> None:  # noqa: F811
    import yaml

    agency, commune = server.new_agency()
    code = server.enrolment(agency, commune, slot=2)["code"]
    file = tmp_path / "office.yaml"
    dead = "http://127.0.0.1:9"  # nothing listens: the link is down
    file.write_text(
        yaml.safe_dump(answers(agency, commune, dead), allow_unicode=True), encoding="utf-8"
    )
    env = os.environ | ENV | {"MOTCUA_ENROL_CODE": code, "PYTHONPATH": str(ROOT)}
    data = tmp_path / "pc"

    def motcua(*argv: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [
                sys.executable,
                "-m",
                "kiosk_app.cli",
                "setup",
                "--answers",
                str(file),
                "--data-dir",
                str(data),
                *argv,
            ],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )

    checked = motcua("--check")
    assert checked.returncode == 0, checked.stderr
    assert not data.exists()
    down = motcua()
    assert down.returncode == 1 and "chạy lại" in down.stderr, down.stderr
    file.write_text(
        yaml.safe_dump(answers(agency, commune, server.url), allow_unicode=True), encoding="utf-8"
    )
    done = motcua("--json")
    assert done.returncode == 0, done.stderr
    assert [(s["step"], s["done"]) for s in json.loads(done.stdout)] == [
        ("office", False),
        ("admin", False),
        ("enrol", True),
    ]
    wrong = tmp_path / "wrong.yaml"
    wrong.write_text("office: [", encoding="utf-8")
    bad = subprocess.run(
        [sys.executable, "-m", "kiosk_app.cli", "setup", "--answers", str(wrong)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert bad.returncode == 2 and "YAML" in bad.stderr
