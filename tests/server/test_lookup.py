"""The public receipt lookup page the receipt QR opens (/r/…, read case-insensitively)."""

from __future__ import annotations

from datetime import datetime

import httpx

from tests.server.conftest import Srv, b64, push, submitted

SECRET_NAME = "Trần Thị Bí Mật"
SECRET_ID = "079301009999"


def _pushed(server: Srv, **kw):
    dev = server.device(**kw)
    ev = submitted(dev, name=SECRET_NAME, id_number=SECRET_ID)
    push(dev, ev)
    return dev, ev


def test_page_shows_only_receipt_fields_and_status(server: Srv) -> None:
    _dev, ev = _pushed(server)
    code = ev["payload"]["code"]
    server.service.advance(code, "processing", note="ghi chú nội bộ của tỉnh")
    for path in (f"/r/{code}", f"/R/{code.lower()}", f"/r/{code.lower()}"):
        r = httpx.get(server.url + path)
        assert r.status_code == 200, (path, r.text)
        assert r.headers["content-type"].startswith("text/html")
        assert r.headers["cache-control"] == "no-store"
        page = r.text
        assert code in page and "Đang giải quyết" in page and "1.001193" in page
        assert "09 giờ 30, ngày 12/03/2025" in page  # received, Vietnam time
        assert "17 giờ 00, ngày 12/03/2025" in page  # appointment
        assert 'name="viewport"' in page and "<script" not in page
        for secret in (SECRET_NAME, SECRET_ID, "ghi chú nội bộ", "requester"):
            assert secret not in page


def test_unknown_code_is_a_vietnamese_404(server: Srv) -> None:
    for path in ("/r/000.00.06.H56-250101-9999", "/R/NOT-A-CODE", "/r/"):
        r = httpx.get(server.url + path)
        assert r.status_code == 404, path
        assert "Không tìm thấy hồ sơ" in r.text and r.headers["content-type"].startswith(
            "text/html"
        )


def test_signed_qr_payload_is_verified(server: Srv) -> None:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from kiosk_app.core.device_key import DeviceKey, key_id, raw_public
    from kiosk_app.core.intake import VN_TZ
    from kiosk_app.receipts.qr_payload import Claims, encode

    private = Ed25519PrivateKey.generate()
    pub = raw_public(private.public_key())
    agency, commune = server.new_agency()
    doc = {
        "format": "motcua-device-key",
        "version": 1,
        "public_key": b64(pub),
        "agency_id": agency,
        "slot": 1,
    }
    dev, ev = _pushed(server, agency=agency, commune=commune, public_key=doc)
    p = ev["payload"]
    claims = Claims(
        p["code"],
        p["procedure"],
        datetime(2025, 3, 12, 9, 30, tzinfo=VN_TZ),
        datetime(2025, 3, 12, 17, 0, tzinfo=VN_TZ),
        p["content_hash"][:32],
    )
    key = DeviceKey(key_id(pub), private, agency)
    base = f"{server.url}/r/"
    text = encode(claims, key, base)  # upper case, as printed
    body = text[len(base) :]
    r = httpx.get(f"{server.url}/R/{body}")
    assert r.status_code == 200 and "hợp lệ" in r.text and p["code"] in r.text
    r = httpx.get(f"{server.url}/r/{body.lower()}")  # a scanner with Caps Lock on
    assert r.status_code == 200 and "hợp lệ" in r.text
    # a receipt whose text was altered still finds the dossier but is not called genuine
    forged = body.replace("*2503121700*", "*2503201700*")
    r = httpx.get(f"{server.url}/R/{forged}")
    assert r.status_code == 200 and "Không xác thực được" in r.text
    assert SECRET_NAME not in r.text
