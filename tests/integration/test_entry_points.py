"""The installed commands as a person runs them: no screen, offscreen window, CLI round trip."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _run(args: list[str], env: dict | None = None, stdin: str | None = None):
    return subprocess.run(
        [sys.executable, "-m", *args],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT), **(env or {})},
        input=stdin,
        cwd=ROOT,
        timeout=120,
    )


def test_no_screen_is_one_clear_line() -> None:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")
    }
    out = subprocess.run(
        [sys.executable, "-m", "kiosk_app"],
        capture_output=True,
        text=True,
        env={**env, "PYTHONPATH": str(ROOT)},
        cwd=ROOT,
        timeout=60,
    )
    assert out.returncode == 3
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1 and "xvfb-run" in lines[0] and "no screen" in lines[0]


def test_app_starts_offscreen_on_the_demo_office(tmp_path: Path) -> None:
    shot = tmp_path / "window.png"
    out = _run(
        ["kiosk_app", "--data-dir", str(tmp_path / "data"), "--screenshot", str(shot)],
        env={"QT_QPA_PLATFORM": "offscreen"},
    )
    assert out.returncode == 0, out.stderr
    assert shot.stat().st_size > 1000
    assert (tmp_path / "data" / "kiosk.sqlite").exists()


def test_cli_init_example_submit_show_search_export(tmp_path: Path) -> None:
    d = ["--data-dir", str(tmp_path)]
    out = _run(
        [
            "kiosk_app.cli",
            "init",
            "--agency-id",
            "000.00.06.H56",
            "--commune",
            "20179",
            "--device-slot",
            "2",
            *d,
        ]
    )
    assert out.returncode == 0, out.stderr
    ex = _run(["kiosk_app.cli", "intake", "example", "--procedure", "1.001193", *d])
    assert ex.returncode == 0, ex.stderr
    answers = tmp_path / "a.json"
    answers.write_text(ex.stdout, encoding="utf-8")
    sub = _run(
        [
            "kiosk_app.cli",
            "intake",
            "submit",
            "--procedure",
            "1.001193",
            "--answers",
            str(answers),
            "--received-at",
            "2025-01-24T16:10",
            "--json",
            *d,
        ]
    )
    assert sub.returncode == 0, sub.stderr
    res = json.loads(sub.stdout)
    assert res["code"] == "000.00.06.H56-250124-2001"
    assert res["appointment_at"].startswith("2025-02-03")
    show = _run(["kiosk_app.cli", "dossier", "show", res["code"], "--json", *d])
    assert json.loads(show.stdout)["dossier"]["code"] == res["code"]
    name = json.loads(ex.stdout)["answers"]["requester"]["full_name"]
    from kiosk_app.core.textfold import fold

    found = _run(["kiosk_app.cli", "dossier", "search", fold(name), "--json", *d])
    assert [h["code"] for h in json.loads(found.stdout)] == [res["code"]]
    csv_out = _run(["kiosk_app.cli", "dossier", "export", "--format", "csv", *d])
    assert res["code"] in csv_out.stdout and csv_out.stdout.startswith("code,")


def test_cli_bad_input_is_one_line_and_nonzero(tmp_path: Path) -> None:
    d = ["--data-dir", str(tmp_path)]
    cases = [
        ["init", "--agency-id", "bad", "--commune", "20179", "--device-slot", "1"],
        ["init", "--agency-id", "000.00.06.H56", "--commune", "99999", "--device-slot", "1"],
        ["init", "--agency-id", "000.00.06.H56", "--commune", "20179", "--device-slot", "12"],
        ["intake", "submit", "--procedure", "1.001193", "--answers", str(tmp_path / "no.json")],
        ["intake", "example", "--procedure", "0.000000"],
        ["dossier", "show", "000.00.06.H56-250101-0001"],
        ["intake", "submit", "--procedure", "1.001193", "--answers", "-"],
    ]
    for args in cases:
        out = _run(["kiosk_app.cli", *args, *d], stdin="{not json")
        assert out.returncode != 0, args
        assert len(out.stderr.strip().splitlines()) == 1, (args, out.stderr)
        assert out.stderr.startswith("motcua: "), out.stderr


def test_catalog_validate_reports_file_field_problem(tmp_path: Path) -> None:
    import shutil

    shutil.copytree(ROOT / "resources", tmp_path / "res")
    bad = tmp_path / "res" / "procedures" / "khai_sinh.yaml"
    bad.write_text(
        bad.read_text(encoding="utf-8")
        .replace("working_days", "fortnights", 1)
        .replace("same_day", "fortnights", 1),
        encoding="utf-8",
    )
    out = _run(["kiosk_app.cli", "catalog", "validate", str(tmp_path / "res")])
    assert out.returncode == 1
    assert "khai_sinh.yaml" in out.stdout and "fortnights" in out.stdout
    ok = _run(["kiosk_app.cli", "catalog", "validate"])
    assert ok.returncode == 0, ok.stdout
