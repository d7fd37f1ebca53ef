"""The scheduled backup (`motcua backup --scheduled`, run by motcua-backup.timer / the Windows
task) to the office's backup folder, and its entry in the audit trail."""

from __future__ import annotations

import json

import pytest

from kiosk_app.cli import main as motcua
from kiosk_app.core.backup import list_backups, verify_backup
from kiosk_app.core.desk import SettingsError, validate_settings
from kiosk_app.store import settings as settings_rows

BIRTH = "1.001193"


def _set_backup_dir(kiosk, value: str) -> None:
    with kiosk.store.write() as db:
        settings_rows.put(db, {"backup_dir": value})


def _run(capsys, kiosk, *argv: str) -> tuple[int, str, str]:
    code = motcua(["backup", "--data-dir", str(kiosk.data_dir), *argv])
    out = capsys.readouterr()
    return code, out.out, out.err


def _backups_audited(kiosk) -> list[dict]:
    rows = kiosk.store.query("SELECT actor, entity, data FROM audit WHERE action='backup.create'")
    return [dict(r, data=json.loads(r["data"])) for r in rows]


def test_nothing_to_do_without_a_backup_folder(kiosk, capsys) -> None:
    code, out, _ = _run(capsys, kiosk, "--scheduled")
    assert code == 0 and "no backup folder" in out
    code, _, err = _run(capsys, kiosk)
    assert code == 2 and "backup_dir" in err
    assert _backups_audited(kiosk) == []


def test_scheduled_backup_goes_to_the_office_folder_and_is_audited(kiosk, capsys, tmp_path_factory):
    ex = kiosk.catalog.get(BIRTH).example_submission()
    kiosk.intake.submit(BIRTH, ex["answers"], ex["documents"])
    usb = tmp_path_factory.mktemp("usb")  # the kiosk fixture's data folder is tmp_path
    _set_backup_dir(kiosk, str(usb / "motcua"))
    code, _, err = _run(capsys, kiosk, "--scheduled")
    assert code == 0, err
    (made,) = list_backups(usb / "motcua")
    assert verify_backup(made) == []
    (entry,) = _backups_audited(kiosk)
    assert entry["actor"] == "cli" and entry["entity"] == made.name
    assert entry["data"]["dossiers"] == 1


def test_a_missing_usb_disk_is_reported_and_nothing_is_written(kiosk, capsys, tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("media")
    _set_backup_dir(kiosk, str(tmp_path / "not-plugged" / "motcua"))
    code, _, err = _run(capsys, kiosk, "--scheduled")
    assert code == 1 and "ổ USB chưa cắm" in err
    assert not (tmp_path / "not-plugged").exists()


def test_the_setting_must_be_a_full_path() -> None:
    from kiosk_app.config import SETTINGS
    from kiosk_app.core.desk import DEVICE_DEFAULTS

    base = DEVICE_DEFAULTS | {s.name: s.default for s in SETTINGS}
    base |= {"agency_id": "000.00.06.H56", "commune_code": "20179", "agency_name": "UBND xã"}
    assert validate_settings(base | {"backup_dir": "/media/usb/motcua"})["backup_dir"]
    assert validate_settings(base | {"backup_dir": "E:\\SaoLuu"})["backup_dir"] == "E:\\SaoLuu"
    with pytest.raises(SettingsError) as err:
        validate_settings(base | {"backup_dir": "saoluu"})
    assert "đường dẫn đầy đủ" in err.value.issues["backup_dir"]
