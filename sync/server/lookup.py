"""The public receipt lookup page (``/r/<code or QR text>``): plain, small, mobile-friendly HTML.

Shows only what the receipt itself shows — dossier code, procedure, received time,
appointment — plus the current status. No names, ID numbers, addresses or answers: dossier
codes are sequential, so anyone can guess one. No script, no external resource.
"""

from __future__ import annotations

import html
from datetime import datetime, timedelta, timezone
from typing import Any

VN_TZ = timezone(timedelta(hours=7), "ICT")

_STYLE = (
    "body{font-family:system-ui,sans-serif;margin:0;padding:1rem;max-width:32rem;"
    "line-height:1.5;color:#111;background:#fff}"
    "h1{font-size:1.25rem;margin:.2rem 0 1rem}"
    "dl{margin:0}dt{font-size:.85rem;color:#555;margin-top:.8rem}"
    "dd{margin:0;font-size:1.1rem;font-weight:600;word-break:break-word}"
    ".status{display:inline-block;padding:.2rem .6rem;border-radius:.4rem;background:#e8f0fe}"
    ".ok{color:#0a6b2d}.warn{color:#a3360a}"
    "footer{margin-top:1.5rem;font-size:.8rem;color:#666}"
)


def _fmt(value: str | None) -> str:
    if not value:
        return "Chưa có"
    try:
        when = datetime.fromisoformat(value).astimezone(VN_TZ)
    except ValueError:
        return html.escape(value)
    return f"{when:%H} giờ {when:%M}, ngày {when:%d/%m/%Y}"


def _page(title: str, body: str) -> str:
    return (
        '<!doctype html>\n<html lang="vi"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        '<meta name="robots" content="noindex">'
        f"<title>{html.escape(title)}</title><style>{_STYLE}</style></head>"
        f"<body><main>{body}</main>"
        "<footer>Bộ phận tiếp nhận và trả kết quả — tra cứu hồ sơ</footer></body></html>\n"
    )


def dossier_page(info: dict[str, Any], verdict: str | None = None) -> str:
    proc = html.escape(info["procedure"])
    if info.get("procedure_name"):
        proc = f"{html.escape(info['procedure_name'])} ({proc})"
    rows = [
        ("Mã hồ sơ", html.escape(info["code"])),
        ("Thủ tục", proc),
        ("Tiếp nhận lúc", _fmt(info["received_at"])),
        ("Hẹn trả kết quả", _fmt(info["appointment_at"])),
        ("Trạng thái", f'<span class="status">{html.escape(info["status_label"])}</span>'),
        ("Cập nhật lúc", _fmt(info["updated_at"])),
    ]
    dl = "".join(f"<dt>{k}</dt><dd>{v}</dd>" for k, v in rows)
    note = ""
    if verdict == "genuine":
        note = '<p class="ok">Mã QR trên giấy tiếp nhận hợp lệ (đúng chữ ký của cơ quan).</p>'
    elif verdict == "mismatch":
        note = (
            '<p class="warn">Thông tin trên mã QR không khớp với hồ sơ lưu tại tỉnh. '
            "Vui lòng liên hệ bộ phận một cửa.</p>"
        )
    elif verdict:
        note = (
            '<p class="warn">Không xác thực được chữ ký của mã QR này. '
            "Vui lòng liên hệ bộ phận một cửa.</p>"
        )
    return _page(
        f"Hồ sơ {info['code']}",
        f"<h1>Tra cứu hồ sơ</h1>{note}<dl>{dl}</dl>",
    )


def not_found_page(what: str | None) -> str:
    shown = f" <strong>{html.escape(what)}</strong>" if what else ""
    return _page(
        "Không tìm thấy hồ sơ",
        "<h1>Không tìm thấy hồ sơ</h1>"
        f"<p>Không tìm thấy hồ sơ{shown} trên hệ thống của tỉnh.</p>"
        "<p>Hồ sơ vừa nộp có thể chưa được gửi lên (khi mạng chập chờn việc gửi có thể chậm "
        "vài giờ). Vui lòng thử lại sau hoặc liên hệ bộ phận một cửa nơi đã nộp hồ sơ.</p>",
    )
