"""Render the server's statistics page (``/admin/stats``) to docs/screenshots/10_server_stats.png.

No browser engine is installed here (no Chromium, no wkhtmltoimage, no QtWebEngine), so this is
an approximation: the page's HTML as the server sends it (a real server, a real login through
the form, the cookie session), drawn by Qt's rich-text engine (QTextDocument, offscreen), with
the inline SVG chart drawn by QtSvg and put in place of the <svg> element. Run by hand:

    QT_QPA_PLATFORM=offscreen /work/venv/bin/python tests/server/stats_screenshot.py
"""

from __future__ import annotations

import importlib.util
import re
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
OUT = ROOT / "docs" / "screenshots" / "10_server_stats.png"


def page_html() -> str:
    from fastapi.testclient import TestClient

    from sync.server.app import create_app
    from sync.server.db import Database
    from sync.server.service import Service

    spec = importlib.util.spec_from_file_location("bench_stats", ROOT / "bench" / "stats.py")
    bench = importlib.util.module_from_spec(spec)
    assert spec.loader is not None
    spec.loader.exec_module(bench)
    work = Path(tempfile.mkdtemp(prefix="motcua-shot-"))
    db = Database.for_data_dir(work)
    db.migrate()
    bench.load(db, communes=12, per_day=20, days=365, year=2025)
    service = Service(db, work)
    service.publish_catalog(ROOT / "resources")
    service.add_user("tinh", "mật khẩu đủ dài 123", "province_viewer", name="Sở Nội vụ")
    from sync.server.security import Guard

    app = create_app(service, Guard(allow_http=True))
    with TestClient(app, base_url="http://127.0.0.1") as client:
        r = client.post(
            "/admin/login",
            content="login=tinh&password=m%E1%BA%ADt+kh%E1%BA%A9u+%C4%91%E1%BB%A7+d%C3%A0i+123",
            headers={"Content-Type": "application/x-www-form-urlencoded"},
            follow_redirects=False,
        )
        assert r.status_code == 303, r.text
        page = client.get("/admin/stats", params={"period": "2025-Q3"})
        assert page.status_code == 200, page.text
        return page.text


def render(html: str, out: Path) -> None:
    from PySide6.QtCore import QByteArray, QRectF, QSize, QUrl
    from PySide6.QtGui import QGuiApplication, QImage, QPainter, QTextDocument
    from PySide6.QtSvg import QSvgRenderer

    app = QGuiApplication.instance() or QGuiApplication([])
    doc = QTextDocument()
    m = re.search(r"<svg.*?</svg>", html, re.S)
    if m:
        svg = QSvgRenderer(QByteArray(m.group(0).encode()))
        size = svg.defaultSize()
        img = QImage(size, QImage.Format.Format_ARGB32)
        img.fill(0xFFFFFFFF)
        p = QPainter(img)
        svg.render(p, QRectF(0, 0, size.width(), size.height()))
        p.end()
        doc.addResource(QTextDocument.ResourceType.ImageResource, QUrl("chart.png"), img)
        html = html.replace(m.group(0), '<p><img src="chart.png"></p>')
    # QTextDocument knows neither flexbox nor border-radius: the cards become a table row
    html = re.sub(r'<div class="cards">(.*?)</div></div>', _cards, html, flags=re.S)
    doc.setDefaultStyleSheet("td,th{padding:3px 6px} th{background:#eaf2f8}")
    doc.setHtml(html.replace("<table>", '<table border="1" cellspacing="0">'))
    width = 1280
    doc.setTextWidth(width - 40)
    height = int(doc.size().height()) + 40
    img = QImage(QSize(width, height), QImage.Format.Format_RGB32)
    img.fill(0xFFFFFFFF)
    p = QPainter(img)
    p.translate(20, 20)
    doc.drawContents(p)
    p.end()
    out.parent.mkdir(parents=True, exist_ok=True)
    img.save(str(out))
    del app


def _cards(m: re.Match) -> str:
    cards = re.findall(r'<div class="card">(.*?)</div>', m.group(0) + "</div>", re.S)
    cards = [c.replace("<b>", "<br><b>").replace("</b>", "</b><br>") for c in cards]
    cells = "".join(f'<td style="padding:6px 10px">{c}</td>' for c in cards)
    return f'<table border="1" cellspacing="0"><tr>{cells}</tr></table>'


if __name__ == "__main__":
    render(page_html(), OUT)
    print(OUT)
