"""``motcua receipt verify`` and ``motcua receipt keys``: output, exit codes, key exchange.

Most tests call :func:`kiosk_app.cli_receipt.run` (the same parser and handlers the ``motcua``
command uses once wired); two run real subprocesses: ``python -m kiosk_app.cli_receipt`` (works
now) and ``python -m kiosk_app.cli``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image

from kiosk_app.bootstrap import DEMO_TEST_OFFICE, configure_office, open_kiosk
from kiosk_app.cli_receipt import run
from kiosk_app.receipts import qr_payload as qp

ROOT = Path(__file__).resolve().parents[2]
BIRTH = "1.001193"


def _submit(kiosk) -> str:
    example = kiosk.catalog.get(BIRTH).example_submission()
    return kiosk.intake.submit(BIRTH, example["answers"], example["documents"]).code


@pytest.fixture
def issued(kiosk) -> tuple[Path, str, str]:
    """(data dir, dossier code, QR text) of a receipt issued by the ``kiosk`` fixture."""
    code = _submit(kiosk)
    return kiosk.data_dir, code, qp.qr_text_for(kiosk, code)


def _run(capsys, *argv: str) -> tuple[int, str, str]:
    code = run(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def _png(text: str, path: Path) -> Path:
    qp.qr_code(text).make_image().save(path)
    return path


def _other_kiosk(tmp_path: Path, slot: int = 2):
    data = tmp_path / f"kiosk{slot}"
    configure_office(data, DEMO_TEST_OFFICE | {"device_slot": slot})
    return open_kiosk(data)


# ------------------------------------------------------------------ verify
def test_genuine_payload_prints_the_claims_and_exits_0(issued, capsys) -> None:
    data_dir, code, text = issued
    rc, out, err = _run(capsys, "receipt", "verify", "--data-dir", str(data_dir), "--payload", text)
    assert rc == 0, err
    assert f"Mã hồ sơ:   {code}" in out and f"Thủ tục:    {BIRTH}" in out
    assert "Tiếp nhận:  09:30 12/03/2025 (giờ Việt Nam, UTC+7)" in out
    assert "Hẹn trả:    " in out and "GENUINE" in out and "NOT GENUINE" not in out
    assert "Stored dossier on this kiosk: matches the receipt" in out


def test_json_output(issued, capsys) -> None:
    data_dir, code, text = issued
    rc, out, _ = _run(
        capsys, "receipt", "verify", "--data-dir", str(data_dir), "--payload", text, "--json"
    )
    data = json.loads(out)
    assert rc == 0 and data["genuine"] is True
    [result] = data["results"]
    assert result["status"] == "genuine" and result["claims"]["code"] == code
    assert result["claims"]["received_at"] == "2025-03-12T09:30:00+07:00"
    assert result["key"]["source"] == "self"
    assert result["stored_dossier"] == {
        "matches": True,
        "differences": [],
        "appointment_at": result["claims"]["appointment_at"],
    }


def test_tampered_payload_exits_1_and_says_so(issued, capsys) -> None:
    data_dir, code, text = issued
    forged = text.replace(code, code[:-4] + "1002")
    rc, out, _ = _run(capsys, "receipt", "verify", "--data-dir", str(data_dir), "--payload", forged)
    assert rc == 1
    assert "NOT GENUINE – tampered" in out and "1002" in out  # the claims are still shown


def test_garbage_payload_is_a_malformed_verdict(issued, capsys) -> None:
    data_dir, _, _ = issued
    rc, out, _ = _run(
        capsys, "receipt", "verify", "--data-dir", str(data_dir), "--payload", "xin chào"
    )
    assert rc == 1 and "NOT GENUINE – malformed" in out


def test_genuine_image_exits_0(issued, capsys, tmp_path: Path) -> None:
    data_dir, code, text = issued
    png = _png(text, tmp_path / "receipt.png")
    rc, out, err = _run(
        capsys, "receipt", "verify", "--data-dir", str(data_dir), "--image", str(png)
    )
    assert rc == 0, err
    assert code in out and "GENUINE" in out


def test_tampered_image_exits_1(issued, capsys, tmp_path: Path) -> None:
    data_dir, code, text = issued
    png = _png(text.replace("*1.001193*", "*1.000894*"), tmp_path / "r.png")
    rc, out, _ = _run(capsys, "receipt", "verify", "--data-dir", str(data_dir), "--image", str(png))
    assert rc == 1 and "tampered" in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--image", "{tmp}/missing.png"], "no such file"),
        (["--image", "{tmp}/note.png"], "not an image"),
        (["--image", "{tmp}/blank.png"], "no QR code found"),
        (["--payload", "  "], "--payload is empty"),
    ],
)
def test_bad_input_exits_2_with_one_line(
    issued, capsys, tmp_path: Path, args: list[str], message: str
) -> None:
    data_dir, _, _ = issued
    (tmp_path / "note.png").write_text("hello")
    Image.new("L", (120, 120), 255).save(tmp_path / "blank.png")
    argv = [a.format(tmp=tmp_path) for a in args]
    rc, out, err = _run(capsys, "receipt", "verify", "--data-dir", str(data_dir), *argv)
    assert rc == 2 and out == ""
    assert err.startswith("motcua: ") and message in err and err.count("\n") == 1


@pytest.mark.parametrize("argv", [[], ["--payload", "x", "--image", "y.png"]])
def test_usage_errors_exit_2(issued, capsys, argv: list[str]) -> None:
    data_dir, _, _ = issued
    rc, _, err = _run(capsys, "receipt", "verify", "--data-dir", str(data_dir), *argv)
    assert rc == 2 and "usage:" in err


def test_receipt_from_another_kiosk_needs_its_key(issued, capsys, tmp_path: Path) -> None:
    data_dir, _, text = issued
    other = _other_kiosk(tmp_path)
    other.close()
    verify = ["receipt", "verify", "--data-dir", str(other.data_dir), "--payload", text]
    rc, out, _ = _run(capsys, *verify)
    assert rc == 1 and "unknown_key" in out and "keys import" in out

    key_file = tmp_path / "kiosk1.json"
    rc, out, err = _run(
        capsys, "receipt", "keys", "export", str(key_file), "--data-dir", str(data_dir)
    )
    assert rc == 0, err
    kid = json.loads(key_file.read_text())["kid"]
    assert kid in out and qp.parse(text).kid == kid
    rc, out, err = _run(
        capsys, "receipt", "keys", "import", str(key_file), "--data-dir", str(other.data_dir)
    )
    assert rc == 0 and f"{kid}  000.00.06.H56  slot 1: added" in out, err
    rc, out, _ = _run(capsys, *verify)
    assert rc == 0 and "GENUINE" in out

    rc, out, _ = _run(
        capsys, "receipt", "keys", "list", "--data-dir", str(other.data_dir), "--json"
    )
    assert [(k["kid"], k["source"]) for k in json.loads(out)] == [(kid, "import")]
    rc, out, _ = _run(
        capsys, "receipt", "keys", "revoke", kid.lower(), "--reason", "mất máy",
        "--data-dir", str(other.data_dir),
    )  # fmt: skip
    assert rc == 0 and kid in out
    rc, out, _ = _run(capsys, *verify)
    assert rc == 1 and "revoked" in out and "mất máy" in out


def test_export_to_stdout_and_import_from_stdin(issued, capsys, tmp_path, monkeypatch) -> None:
    import io

    data_dir, _, _ = issued
    rc, out, _ = _run(capsys, "receipt", "keys", "export", "-", "--data-dir", str(data_dir))
    assert rc == 0 and json.loads(out)["format"] == "motcua-device-key"
    other = _other_kiosk(tmp_path)
    other.close()
    monkeypatch.setattr("sys.stdin", io.StringIO(out))
    rc, out2, _ = _run(capsys, "receipt", "keys", "import", "-", "--data-dir", str(other.data_dir))
    assert rc == 0 and "added" in out2


def test_bad_key_files(issued, capsys, tmp_path: Path) -> None:
    data_dir, _, _ = issued
    (tmp_path / "bad.json").write_text("{not json")
    (tmp_path / "other.json").write_text('{"format": "jwk"}')
    for name, text in (
        ("bad.json", "not valid JSON"),
        ("other.json", "not a motcua-device-key"),
        ("missing.json", "cannot read"),
    ):
        rc, _, err = _run(
            capsys, "receipt", "keys", "import", str(tmp_path / name), "--data-dir", str(data_dir)
        )
        assert rc == 2 and text in err, (name, err)
    rc, _, err = _run(capsys, "receipt", "keys", "revoke", "AAAAAAAA", "--data-dir", str(data_dir))
    assert rc == 1 and "no known key" in err


def test_key_conflict_is_refused_with_exit_1(issued, capsys, tmp_path: Path) -> None:
    data_dir, _, _ = issued
    key_file = tmp_path / "k.json"
    _run(capsys, "receipt", "keys", "export", str(key_file), "--data-dir", str(data_dir))
    doc = json.loads(key_file.read_text())
    key_file.write_text(json.dumps(doc | {"agency_id": "000.00.07.H56"}))
    rc, _, err = _run(
        capsys, "receipt", "keys", "import", str(key_file), "--data-dir", str(data_dir)
    )
    assert rc == 1 and "refused" in err


def test_stored_dossier_that_differs_from_a_genuine_receipt_is_flagged(issued, capsys) -> None:
    data_dir, code, text = issued
    k = open_kiosk(data_dir)
    try:
        with k.store.write() as db:
            db.execute("UPDATE dossiers SET content_hash=? WHERE code=?", ["0" * 64, code])
    finally:
        k.close()
    rc, out, _ = _run(capsys, "receipt", "verify", "--data-dir", str(data_dir), "--payload", text)
    assert rc == 0 and "GENUINE" in out  # the receipt itself is genuine …
    assert "WARNING" in out and "content hash" in out  # … but this kiosk's copy changed


def test_appointment_set_after_the_receipt_is_shown_not_flagged(kiosk, capsys) -> None:
    from kiosk_app.core.dossier import ACCEPTED

    example = kiosk.catalog.get(BIRTH).example_submission()
    code = kiosk.intake.submit(
        BIRTH, example["answers"], example["documents"], channel="kiosk"
    ).code
    slip = qp.qr_text_for(kiosk, code)  # the self-service slip: no appointment yet
    kiosk.intake.transition(code, ACCEPTED, actor="clerk-1")  # the desk accepts: appointment
    rc, out, _ = _run(
        capsys, "receipt", "verify", "--data-dir", str(kiosk.data_dir), "--payload", slip
    )
    assert rc == 0 and "Hẹn trả:    -" in out
    assert "matches the receipt" in out and "WARNING" not in out
    assert "Hẹn trả hiện tại (stored, may have moved since): " in out


# ------------------------------------------------------------------ real processes
def _subprocess(module: str, *argv: str) -> subprocess.CompletedProcess:
    env = os.environ | {"PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-m", module, *argv],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_module_entry_point_in_a_subprocess(issued, tmp_path: Path) -> None:
    data_dir, code, text = issued
    done = _subprocess(
        "kiosk_app.cli_receipt", "receipt", "verify", "--data-dir", str(data_dir), "--payload", text
    )
    assert done.returncode == 0, done.stderr
    assert code in done.stdout and "GENUINE" in done.stdout
    png = _png(text[:-1] + ("A" if text[-1] != "A" else "B"), tmp_path / "x.png")
    done = _subprocess(
        "kiosk_app.cli_receipt",
        "receipt",
        "verify",
        "--data-dir",
        str(data_dir),
        "--image",
        str(png),
    )
    assert done.returncode == 1 and "NOT GENUINE" in done.stdout


def test_motcua_receipt_verify_in_a_subprocess(issued) -> None:
    """``motcua receipt verify`` through the real ``kiosk_app.cli`` entry point."""
    data_dir, code, text = issued
    done = _subprocess(
        "kiosk_app.cli", "receipt", "verify", "--data-dir", str(data_dir), "--payload", text
    )
    assert done.returncode == 0, done.stderr
    assert code in done.stdout and "GENUINE" in done.stdout
    done = _subprocess(
        "kiosk_app.cli", "receipt", "verify", "--data-dir", str(data_dir), "--payload", "1*"
    )
    assert done.returncode == 1 and "malformed" in done.stdout
