"""The province's printable report (``GET /v1/admin/stats?format=pdf``, both engines): the
kiosk's PDF layout (kiosk_app.reports.stats_pdf) with the server's figures — its text
(pdftotext) carries exactly the figures the JSON API gives, for the roll-up and every commune,
field and procedure row; a commune officer's report holds only its commune; the statistics
page links to it."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path
from typing import Any

import httpx

from kiosk_app.core.stats import MEASURES
from kiosk_app.reports.stats_pdf import PDF_SHARES
from kiosk_app.reports.stats_table import format_share
from tests.integration.test_stats_server import two_communes  # noqa: F401 - fixture
from tests.server.conftest import Srv, pg_url, push, server, submitted  # noqa: F401 - fixtures

PASSWORD = "mật khẩu đủ dài 123"


def _text(pdf: bytes, tmp_path: Path) -> str:
    assert pdf.startswith(b"%PDF-")
    path = tmp_path / "report.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True, text=True
    )
    return out.stdout


def _get(client: httpx.Client, **params: str) -> httpx.Response:
    r = client.get("/v1/admin/stats", params={"period": "2025-03", **params})
    assert r.status_code == 200, r.text
    return r


def _assert_roll_up(text: str, fig: dict[str, Any]) -> None:
    """Each measure's line of the summary: count, base and share, as the JSON has them."""
    for m in MEASURES:
        num, den = fig[m.numerator], fig[m.denominator]
        share = format_share(fig["shares"][m.key])
        line = rf"^ *{re.escape(m.label.vi)} +{num} +{den} +{re.escape(share)}(\s|$)"
        assert re.search(line, text, re.M), (m.key, num, den, share)
    assert re.search(rf"^ *Hồ sơ quá hạn chưa giải quyết \(cuối kỳ\) +{fig['overdue']}\b",
                     text, re.M)  # fmt: skip


def _assert_rows(text: str, rows: list[dict[str, Any]]) -> None:
    """One line per JSON row: id, name, received, finished and the report's five shares."""
    assert rows
    for row in rows:
        cells = [row["received"], row["finished"]]
        cells += [format_share(row["shares"][k]) for k in PDF_SHARES]
        tail = " +".join(re.escape(str(c)) for c in cells)
        line = rf"^ *{re.escape(row['id'])} +.*? +{tail} *$"
        assert re.search(line, text, re.M), (row["id"], cells)


def test_the_province_report_carries_the_api_figures(two_communes, server: Srv,  # noqa: F811
                                                     tmp_path: Path) -> None:  # fmt: skip
    kiosks, _ = two_communes
    viewer = server.operator("province_viewer")
    r = _get(viewer, format="pdf")
    assert r.headers["content-type"] == "application/pdf"
    assert 'filename="thong-ke-2025-03-01_2025-03-31.pdf"' in r.headers["content-disposition"]
    text = _text(r.content, tmp_path)
    assert "TOÀN TỈNH" in text and "Kỳ báo cáo: 01/03/2025 – 31/03/2025" in text
    assert "máy chủ của tỉnh" in text  # the server's note, not the commune's
    by_commune = _get(viewer, by="commune").json()
    assert by_commune["province"]["rated"] > 0 and by_commune["province"]["finished"] > 0
    _assert_roll_up(text, by_commune["province"])
    assert "Theo xã, phường" in text
    _assert_rows(text, by_commune["rows"])
    for k in kiosks:
        assert k.office.commune_code in [row["id"] for row in by_commune["rows"]]
    for by in ("field", "procedure"):
        _assert_rows(text, _get(viewer, by=by).json()["rows"])


def test_a_commune_officers_report_holds_only_its_commune(two_communes, server: Srv,  # noqa: F811
                                                          tmp_path: Path) -> None:  # fmt: skip
    kiosks, _ = two_communes
    mine, theirs = (k.office.commune_code for k in kiosks)
    officer = server.operator("commune_officer", mine)
    text = _text(_get(officer, format="pdf").content, tmp_path)
    body = _get(officer, by="commune").json()
    assert [row["id"] for row in body["rows"]] == [mine]
    _assert_roll_up(text, body["province"])
    _assert_rows(text, body["rows"])
    assert f"({mine})" in text and "TOÀN TỈNH" not in text
    assert not re.search(rf"^ *{theirs}\b", text, re.M)
    # its figures are its own, not the province's (both communes lived the same month)
    province = _get(server.operator("province_viewer"), by="commune").json()["province"]
    assert body["province"]["received"] * 2 <= province["received"]
    _assert_rows(text, _get(officer, by="procedure").json()["rows"])


def test_the_page_links_to_the_pdf(server: Srv, tmp_path: Path) -> None:  # noqa: F811
    dev = server.device()
    push(dev, submitted(dev))
    user = server.user("commune_officer", commune=dev.commune, password=PASSWORD)
    c = server.client(follow_redirects=False)
    assert c.post("/admin/login", data={"login": user["login"], "password": PASSWORD}).is_redirect
    page = c.get("/admin/stats", params={"period": "2025-03"}).text
    assert '<a href="/admin/stats.pdf?period=2025-03">Tải báo cáo PDF</a>' in page
    r = c.get("/admin/stats.pdf", params={"period": "2025-03"})
    assert r.status_code == 200 and r.headers["content-type"] == "application/pdf"
    text = _text(r.content, tmp_path)
    assert re.search(rf"^ *{dev.commune} +.*? +1 +0 ", text, re.M), text
    anon = server.client(follow_redirects=False).get("/admin/stats.pdf")
    assert anon.status_code == 303 and anon.headers["location"] == "/admin/login"
    bad = c.get("/admin/stats.pdf", params={"period": "2025-13"})
    assert bad.status_code == 400 and "2025-13" in bad.text
