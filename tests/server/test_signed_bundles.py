"""Catalogue, calendar and settings bundles reach a kiosk only when signed by the province key
it pinned: unsigned, wrong key, a tampered byte, a replayed older bundle are refused, the
previous catalogue stays in use, and the reason is reported. Key rotation: a key endorsed by
the pinned one is accepted and pinned.

The kiosk is real (a data folder, its store); the feed pages come from a stand-in server
(httpx.MockTransport) so each test can serve exactly the bytes it wants."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.server.conftest import ROOT


@pytest.fixture
def kiosk(tmp_path: Path) -> Any:
    from kiosk_app.bootstrap import configure_office, open_kiosk

    configure_office(
        tmp_path / "kiosk",
        {
            "agency_id": "000.00.06.H56",
            "commune_code": "00004",
            "device_slot": 1,
            "agency_name": "UBND thử",
        },
    )
    k = open_kiosk(tmp_path / "kiosk")
    yield k
    k.close()


@pytest.fixture
def signer(tmp_path: Path) -> Any:
    from sync.server.keys import Signer, init_key

    path = tmp_path / "keys" / "province.pem"
    init_key(path)
    return Signer(path)


def _catalog_entry(signer: Any, version: str, published_at: str, **change: Any) -> dict:
    from sync.server.service_common import canonical, sha256_hex

    files = {}
    for prefix in ("procedures", "forms"):
        for p in sorted((ROOT / "resources" / prefix).rglob("*.yaml")):
            files[f"{prefix}/{p.relative_to(ROOT / 'resources' / prefix).as_posix()}"] = (
                p.read_text("utf-8")
            )
    text = files["procedures/catalog.yaml"]
    import re

    files["procedures/catalog.yaml"] = re.sub(
        r"(?m)^version:.*$", f"version: {json.dumps(version)}", text, count=1
    )
    data = {
        "version": version,
        "published_at": published_at,
        "sha256": sha256_hex(canonical(files)),
        "files": files,
        **change,
    }
    return signer.sign("catalog", data) if signer is not None else data


def _pull(kiosk: Any, feed: str, entries: list[dict]) -> Any:
    """Serve ``entries`` as one page of ``feed`` (a fresh cursor each time) and pull it."""
    from sync.client import SyncConfig, SyncContext, SyncReport
    from sync.client_feeds import pull_feed
    from sync.client_transport import Credentials, Transport

    def handler(request: httpx.Request) -> httpx.Response:
        items = [
            {"cursor": f"e.{i + 1}", "key": str(e.get("key", "k")), "at": "x", "data": e["data"]}
            for i, e in enumerate(entries)
        ]
        return httpx.Response(
            200,
            json={"feed": feed, "reset": False, "items": items, "next": "e.99", "more": False},
        )

    with kiosk.store.write() as db:
        from kiosk_app.store import sync_state

        sync_state.reset_cursor(db, feed, "2026-01-01T00:00:00+07:00")
    transport = Transport(
        base_url="https://province.test",
        client_factory=lambda: httpx.Client(transport=httpx.MockTransport(handler)),
        credentials=Credentials("mck1_test"),
    )
    from kiosk_app.core.intake import now_vn

    report = SyncReport(started_at=now_vn().isoformat())
    ctx = SyncContext(kiosk, transport, SyncConfig(), report, now_vn)
    pull_feed(ctx, feed)
    transport.close()
    return report


def _available(kiosk: Any) -> str | None:
    from kiosk_app.store import sync_state

    with kiosk.store.read() as db:
        return (sync_state.get_meta(db, "catalog.available") or {}).get("version")


def _pin(kiosk: Any, signer: Any) -> None:
    from sync.client_feeds import pin_province_key

    with kiosk.store.write() as db:
        pin_province_key(db, signer.public_doc)


def test_only_bundles_signed_by_the_pinned_key_are_accepted(
    kiosk: Any, signer: Any, tmp_path: Path
) -> None:
    from kiosk_app.bootstrap import province_catalog_root
    from sync.server.keys import Signer, init_key

    good = _catalog_entry(signer, "2026.12.1", "2026-12-01T00:00:00+00:00")
    # nothing pinned yet: even a good bundle is refused, with the reason
    report = _pull(kiosk, "catalog", [{"key": "catalog", "data": good}])
    assert _available(kiosk) is None and "khoá công khai của tỉnh" in " ".join(report.warnings)

    _pin(kiosk, signer)
    report = _pull(kiosk, "catalog", [{"key": "catalog", "data": good}])
    assert report.warnings == [] and _available(kiosk) == "2026.12.1"
    assert province_catalog_root(kiosk.store, kiosk.data_dir).name == "2026.12.1"

    init_key(tmp_path / "other" / "province.pem")
    stranger = Signer(tmp_path / "other" / "province.pem")
    unsigned = _catalog_entry(None, "2026.12.2", "2026-12-02T00:00:00+00:00")
    wrong_key = _catalog_entry(stranger, "2026.12.3", "2026-12-03T00:00:00+00:00")
    tampered = copy.deepcopy(_catalog_entry(signer, "2026.12.4", "2026-12-04T00:00:00+00:00"))
    name = next(k for k in tampered["files"] if k.startswith("forms/"))
    body = tampered["files"][name]
    i = body.index(":") + 1  # one byte changed, and the sha256 recomputed to match
    tampered["files"][name] = body[:i] + ("x" if body[i] != "x" else "y") + body[i + 1 :]
    from sync.server.service_common import canonical, sha256_hex

    tampered["sha256"] = sha256_hex(canonical(tampered["files"]))
    moved = signer.sign("settings", {k: v for k, v in good.items() if k != "signature"})
    older = _catalog_entry(signer, "2026.11.9", "2026-11-30T00:00:00+00:00")
    for data, why in (
        (unsigned, "không có chữ ký"),
        (wrong_key, "không phải khoá tỉnh đã ghim"),
        (tampered, "chữ ký của tỉnh không đúng"),
        (moved, "chữ ký của tỉnh không đúng"),  # signed for another feed
        (older, "cũ hơn gói đã nhận"),  # a replayed older bundle
    ):
        report = _pull(kiosk, "catalog", [{"key": "catalog", "data": data}])
        assert any(why in w for w in report.warnings), (why, report.warnings)
        assert _available(kiosk) == "2026.12.1", why  # the previous catalogue is kept
        assert province_catalog_root(kiosk.store, kiosk.data_dir).name == "2026.12.1"
        with kiosk.store.read() as db:
            from kiosk_app.store import sync_state

            assert why in sync_state.get_meta(db, "catalog.problem")["problem"]
    for v in ("2026.12.2", "2026.12.3", "2026.12.4", "2026.11.9"):
        assert not (kiosk.data_dir / "catalog" / v).exists()
    from sync.client import sync_status

    status = sync_status(kiosk)  # what `motcua sync status` shows
    assert "cũ hơn" in status["catalog_problem"]["problem"]
    assert status["province_key"] == signer.kid
    # the same good bundle again changes nothing; a newer one is taken
    assert _pull(kiosk, "catalog", [{"key": "catalog", "data": good}]).warnings == []
    newer = _catalog_entry(signer, "2026.12.5", "2026-12-05T00:00:00+00:00")
    assert _pull(kiosk, "catalog", [{"key": "catalog", "data": newer}]).warnings == []
    assert _available(kiosk) == "2026.12.5" and sync_status(kiosk)["catalog_problem"] is None


def test_settings_and_calendar_need_the_signature_too(kiosk: Any, signer: Any) -> None:
    from kiosk_app.store import settings as settings_rows

    _pin(kiosk, signer)

    def setting(value: str, at: str, sign: bool = True) -> dict:
        data = {"name": "hotline", "value": value, "scope": "*", "published_at": at}
        return {"key": "hotline", "data": signer.sign("settings", data) if sign else data}

    def hotline() -> Any:
        with kiosk.store.read() as db:
            return settings_rows.get_all(db).get("hotline")

    assert _pull(kiosk, "settings", [setting("0234 1", "2026-12-01T00:00:00+00:00")]).ok
    assert hotline() == "0234 1"
    report = _pull(kiosk, "settings", [setting("0999 9", "2026-12-02T00:00:00+00:00", False)])
    assert hotline() == "0234 1" and "không có chữ ký" in " ".join(report.warnings)
    forged = setting("0234 2", "2026-12-03T00:00:00+00:00")
    forged["data"]["value"] = "0999 9"
    report = _pull(kiosk, "settings", [forged])
    assert hotline() == "0234 1" and "không đúng" in " ".join(report.warnings)
    report = _pull(kiosk, "settings", [setting("0234 0", "2026-11-01T00:00:00+00:00")])
    assert hotline() == "0234 1" and "cũ hơn" in " ".join(report.warnings)

    content = (ROOT / "resources" / "calendar" / "2026.yaml").read_text("utf-8")
    import hashlib

    cal = {
        "year": 2026,
        "version": "x",
        "sha256": hashlib.sha256(content.encode()).hexdigest(),
        "file": "2026.yaml",
        "content": content,
        "published_at": "2026-12-01T00:00:00+00:00",
    }
    report = _pull(kiosk, "calendar", [{"key": "2026", "data": cal}])
    assert "không có chữ ký" in " ".join(report.warnings)
    assert not (kiosk.data_dir / "calendar" / "2026.yaml").exists()
    report = _pull(kiosk, "calendar", [{"key": "2026", "data": signer.sign("calendar", cal)}])
    assert report.warnings == [] and (kiosk.data_dir / "calendar" / "2026.yaml").is_file()


def test_a_rotated_key_endorsed_by_the_pinned_one_is_followed(
    kiosk: Any, signer: Any, tmp_path: Path
) -> None:
    from sync.client_feeds import pinned_province_key
    from sync.server.keys import Signer, rotate

    _pin(kiosk, signer)
    new_doc = rotate(signer.path)
    assert new_doc["kid"] != signer.kid
    assert (signer.path.stat().st_mode & 0o777) == 0o600
    new = Signer(signer.path)
    assert new.kid == new_doc["kid"] and new.endorsement is not None
    entry = _catalog_entry(new, "2027.1.1", "2027-01-01T00:00:00+00:00")
    assert _pull(kiosk, "catalog", [{"key": "catalog", "data": entry}]).warnings == []
    assert _available(kiosk) == "2027.1.1"
    with kiosk.store.read() as db:
        assert pinned_province_key(db)["kid"] == new.kid
    # an endorsement the pinned key did not make is refused
    from sync.server.keys import init_key

    init_key(tmp_path / "evil" / "province.pem")
    evil = Signer(tmp_path / "evil" / "province.pem")
    evil.endorsement = {"key": evil.public_doc, "sig": new.endorsement["sig"]}
    entry = _catalog_entry(evil, "2027.1.2", "2027-01-02T00:00:00+00:00")
    report = _pull(kiosk, "catalog", [{"key": "catalog", "data": entry}])
    assert "không được khoá đã ghim chứng thực" in " ".join(report.warnings)
    assert _available(kiosk) == "2027.1.1"


def test_key_files_and_cli(tmp_path: Path) -> None:
    import subprocess
    import sys

    def cli(*argv: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "sync.server", *argv, "--data-dir", str(tmp_path)],
            capture_output=True,
            text=True,
            cwd=ROOT,
        )

    made = cli("keys", "init", "--json")
    assert made.returncode == 0, made.stderr
    pem = tmp_path / "keys" / "province.pem"
    assert pem.stat().st_mode & 0o777 == 0o600
    assert cli("keys", "init").returncode == 1  # never overwritten
    shown = json.loads(cli("keys", "show").stdout)
    assert shown == json.loads(made.stdout) and "PRIVATE" not in cli("keys", "show").stdout
    pem.chmod(0o644)
    loose = cli("keys", "show")
    assert loose.returncode == 1 and "chmod 600" in loose.stderr


def test_the_province_key_is_installed_by_hand(kiosk: Any, signer: Any, tmp_path: Path) -> None:
    """`motcua province-key install FILE` pins the document `motcua-server keys show` prints;
    a malformed one is refused with the reason and pins nothing."""
    import os
    import subprocess
    import sys

    data_dir = kiosk.data_dir
    kiosk.close()

    def motcua(*argv: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "kiosk_app.cli_sync", *argv, "--data-dir", str(data_dir)],
            cwd=ROOT,
            env=os.environ | {"PYTHONPATH": str(ROOT)},
            capture_output=True,
            text=True,
            timeout=120,
        )

    shown = motcua("province-key", "show")
    assert shown.returncode == 1 and "no province key pinned" in shown.stderr
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({**signer.public_doc, "public_key": "AAAA"}))
    out = motcua("province-key", "install", str(bad))
    assert out.returncode == 2 and "32 byte" in out.stderr
    good = tmp_path / "province.pub.json"
    good.write_text(json.dumps(signer.public_doc))
    out = motcua("province-key", "install", str(good))
    assert out.returncode == 0, out.stderr
    shown = motcua("province-key", "show", "--json")
    assert shown.returncode == 0 and json.loads(shown.stdout)["kid"] == signer.kid
