"""The public receipt lookup page (``/r/<code or QR text>``): plain, small, mobile-friendly HTML.

Shows only what the receipt itself shows — dossier code, procedure, received time,
appointment — plus the current status. No names, ID numbers, addresses or answers. Dossier
codes are sequential, so a bare code opens nothing: the page asks for the receipt's second
factor (:func:`factor_page`), and a wrong one gets the very page an unknown code gets
(:func:`not_found_page`). Everything shown is escaped; no script, no external resource (the
route also sends a Content-Security-Policy that forbids them).
"""

from __future__ import annotations

import hmac
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


def not_found_page(_what: str | None = None) -> str:
    """The one answer for an unknown code, a wrong second factor and an unverifiable QR text
    (nothing of the request is echoed: the same bytes whatever was asked)."""
    return _page(
        "Không tìm thấy hồ sơ",
        "<h1>Không tìm thấy hồ sơ</h1>"
        "<p>Không tìm thấy hồ sơ với mã và thông tin xác nhận đã nhập trên hệ thống của tỉnh.</p>"
        "<p>Kiểm tra lại mã hồ sơ và 4 ký tự cuối số giấy tờ in trên giấy tiếp nhận. "
        "Hồ sơ vừa nộp có thể chưa được gửi lên (khi mạng chập chờn việc gửi có thể chậm "
        "vài giờ). Vui lòng thử lại sau hoặc liên hệ bộ phận một cửa nơi đã nộp hồ sơ.</p>",
    )


def factor_page(code: str) -> str:
    """Asks for the second factor of a hand-typed code (the same page for any code)."""
    return _page(
        "Tra cứu hồ sơ",
        "<h1>Tra cứu hồ sơ</h1>"
        f"<p>Mã hồ sơ: <strong>{html.escape(code)}</strong></p>"
        '<form method="get">'
        '<label for="k">4 ký tự cuối số giấy tờ (CCCD) của người nộp, in trên giấy tiếp nhận'
        "</label><br>"
        '<input id="k" name="k" inputmode="numeric" autocomplete="off" maxlength="4" '
        'required style="font-size:1.2rem;width:6rem"> '
        '<button type="submit">Tra cứu</button></form>'
        "<p>Hoặc quét mã QR trên giấy tiếp nhận bằng máy ảnh điện thoại.</p>",
    )


def too_many_page() -> str:
    return _page(
        "Thử lại sau",
        "<h1>Thử lại sau</h1><p>Quá nhiều lần tra cứu không thành công từ địa chỉ này. "
        "Vui lòng thử lại sau ít phút.</p>",
    )


def factor_matches(expected: str | None, given: str | None) -> bool:
    """Constant-time comparison of the second factor (case and separators ignored)."""
    want = (expected or "\x00" * 4).encode()
    got = "".join(ch for ch in str(given or "") if ch.isalnum()).upper()[-4:].encode()
    return hmac.compare_digest(want, got.ljust(4, b"\x01")) and expected is not None
