"""``motcua-server`` commands, run as a user runs them (``python -m sync.server …``) against the
same data folder / database as the running server."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import httpx

from tests.server.conftest import ROOT, Srv, blob, push, submitted, upload


def cli(server: Srv, *args: str) -> subprocess.CompletedProcess:
    cmd = [sys.executable, "-m", "sync.server", *args, "--data-dir", str(server.data_dir)]
    if server.db_url:
        cmd += ["--db", server.db_url]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, env=env, timeout=60)


def test_enrol_prints_a_code_the_kiosk_exchanges(server: Srv) -> None:
    agency, commune = server.new_agency()
    out = cli(
        server,
        "enrol",
        "--commune",
        commune,
        "--agency-id",
        agency,
        "--slot",
        "2",
        "--name",
        "Máy một cửa 2",
    )
    assert out.returncode == 0, out.stderr
    code = out.stdout.splitlines()[0]
    assert len(code) == 19 and code.count("-") == 3
    r = httpx.post(f"{server.url}/v1/enrol", json={"code": code})
    assert r.status_code == 201 and r.json()["slot"] == 2 and r.json()["agency_id"] == agency
    device_id = r.json()["device_id"]

    bad = cli(server, "enrol", "--commune", "00000", "--agency-id", agency, "--slot", "3")
    assert bad.returncode == 2 and "00000" in bad.stderr and bad.stdout == ""
    bad = cli(server, "enrol", "--commune", commune, "--agency-id", "H56", "--slot", "3")
    assert bad.returncode == 2 and "L4.L3.L2.L1" in bad.stderr
    held = cli(server, "enrol", "--commune", commune, "--agency-id", agency, "--slot", "2")
    assert held.returncode == 1 and "--replace" in held.stderr

    listed = cli(server, "device", "list", "--json")
    assert listed.returncode == 0
    mine = [d for d in json.loads(listed.stdout) if d["id"] == device_id]
    assert mine and mine[0]["name"] == "Máy một cửa 2" and mine[0]["revoked_at"] is None

    token = r.json()["token"]
    me = httpx.get(f"{server.url}/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert me.status_code == 200
    rev = cli(server, "device", "revoke", device_id, "--reason", "máy hỏng")
    assert rev.returncode == 0, rev.stderr
    me = httpx.get(f"{server.url}/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert me.status_code == 401 and me.json()["error"]["code"] == "device_revoked"
    assert cli(server, "device", "revoke", "no-such-device").returncode == 1


def test_dossier_list_show_advance(server: Srv) -> None:
    dev = server.device()
    scan = blob(70_000, 11)
    ev = submitted(dev, files=[scan])
    code = ev["payload"]["code"]
    push(dev, ev)
    upload(dev, scan)
    start = dev.client.get("/v1/feeds/status").json()["next"]

    out = cli(server, "dossier", "list", "--json")
    assert out.returncode == 0, out.stderr
    [row] = [d for d in json.loads(out.stdout) if d["code"] == code]
    assert row["commune"] == dev.commune and row["status"] == 2 and row["complete"] is True
    assert row["attachments"] == [ev["payload"]["attachments"][0]["sha256"]]

    show = cli(server, "dossier", "show", code.lower())
    assert show.returncode == 0 and code in show.stdout and "complete" in show.stdout

    adv = cli(server, "dossier", "advance", code, "--to", "processing", "--note", "đã phân công")
    assert adv.returncode == 0, adv.stderr
    assert "Đang giải quyết" in adv.stdout
    sup = cli(server, "dossier", "request-supplement", code, "--note", "thiếu bản sao CCCD")
    assert sup.returncode == 0, sup.stderr
    illegal = cli(server, "dossier", "advance", code, "--to", "returned")
    assert illegal.returncode == 1 and "allowed:" in illegal.stderr
    assert cli(server, "dossier", "show", "000.00.06.H56-250101-9999").returncode == 1

    items = dev.client.get("/v1/feeds/status", params={"after": start}).json()["items"]
    assert [(i["data"]["code"], i["data"]["to"], i["data"]["note"]) for i in items] == [
        (code, 4, "đã phân công"),
        (code, 5, "thiếu bản sao CCCD"),
    ]


def test_publish_catalog_calendar_settings(server: Srv, tmp_path) -> None:
    dev = server.device()
    out = cli(server, "catalog", "publish", str(ROOT / "resources"), "--json")
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["status"] in ("published", "unchanged")
    (tmp_path / "procedures").mkdir()
    (tmp_path / "procedures" / "catalog.yaml").write_text("version: 1\n", encoding="utf-8")
    bad = cli(server, "catalog", "publish", str(tmp_path))
    assert bad.returncode == 2 and "  - " in bad.stderr
    cal = cli(server, "calendar", "publish", str(ROOT / "resources" / "calendar"))
    assert cal.returncode == 0 and "2025" in cal.stdout and "2026" in cal.stdout
    st = cli(server, "settings", "set", "sync.interval_seconds", "600", "--commune", dev.commune)
    assert st.returncode == 0, st.stderr
    items = dev.client.get("/v1/feeds/settings").json()["items"]
    unsigned = [
        {k: v for k, v in i["data"].items() if k not in ("signature", "published_at")}
        for i in items
    ]
    assert {"name": "sync.interval_seconds", "value": 600, "scope": f"c:{dev.commune}"} in unsigned
    # every entry is signed by the province key the server gave at enrolment
    from sync.signature import verify_bundle

    pinned = json.loads(cli(server, "keys", "show").stdout)
    for i in items:
        assert verify_bundle("settings", i["data"], pinned) is None
    assert cli(server, "migrate").returncode == 0


def test_every_command_has_help() -> None:
    from sync.server.cli import build_parser

    parser = build_parser()
    actions = [a for a in parser._actions if a.dest == "command"][0]
    for name, sub in actions.choices.items():
        assert actions._choices_actions and any(
            c.dest == name and c.help for c in actions._choices_actions
        ), name
        for a in sub._actions:
            if a.dest == "sub":
                assert all(c.help for c in a._choices_actions), name


def test_every_command_is_documented() -> None:
    from sync.server.cli import build_parser

    doc = (ROOT / "docs" / "sync-protocol.md").read_text(encoding="utf-8")
    parser = build_parser()
    sub = next(a for a in parser._actions if a.__class__.__name__ == "_SubParsersAction")
    for name, p in sub.choices.items():
        inner = [a for a in p._actions if a.__class__.__name__ == "_SubParsersAction"]
        names = [f"{name} {s}" for s in inner[0].choices] if inner else [name]
        for n in names:
            assert f"`motcua-server {n}" in doc, n


def test_unreachable_database_is_one_line_without_the_password(tmp_path) -> None:
    from tests.server.conftest import free_port

    url = f"postgresql://motcua:s3cret@127.0.0.1:{free_port()}/motcua?connect_timeout=2"
    out = subprocess.run(
        [sys.executable, "-m", "sync.server", "migrate", "--data-dir", str(tmp_path), "--db", url],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
    )
    assert out.returncode == 1
    assert out.stderr.startswith("motcua-server: cannot connect to postgresql://motcua:***@")
    assert "s3cret" not in out.stderr and len(out.stderr.strip().splitlines()) == 1
