"""Bilingual validation messages of the form engine, and how values are shown in them.

``MSG[code]`` is the message of an ``Issue`` code; some carry ``{n}``/``{d}`` placeholders
filled with ``Text.format``. Numbers are shown Vietnamese-style (``1.000``), dates DD/MM/YYYY.
"""

from __future__ import annotations

from datetime import date

from kiosk_app.core.text import Text

T = Text  # short constructor for the message tables

MSG: dict[str, Text] = {
    "required": T("Bắt buộc nhập", "Required"),
    "type": T("Giá trị không đúng kiểu", "Wrong kind of value"),
    "text": T("Phải là chữ", "Must be text"),
    "max_length": T("Quá dài (tối đa {n} ký tự)", "Too long (at most {n} characters)"),
    "pattern": T("Không đúng định dạng", "Wrong format"),
    "integer": T("Phải là số nguyên", "Must be a whole number"),
    "money": T("Số tiền phải là số nguyên (đồng)", "Amount must be a whole number of đồng"),
    "min": T("Phải từ {n} trở lên", "Must be at least {n}"),
    "max": T("Không được lớn hơn {n}", "Must be at most {n}"),
    "boolean": T("Phải chọn Có hoặc Không", "Must be yes or no"),
    "date": T("Ngày không hợp lệ (dạng DD/MM/YYYY)", "Invalid date (use DD/MM/YYYY)"),
    "date_min": T("Ngày phải từ {d} trở đi", "Date must be on or after {d}"),
    "date_max": T("Ngày không được sau {d}", "Date must be on or before {d}"),
    "date_future": T("Ngày không được sau hôm nay", "Date cannot be in the future"),
    "time": T("Giờ không hợp lệ (dạng HH:MM)", "Invalid time (use HH:MM)"),
    "choice": T("Lựa chọn không hợp lệ", "Not one of the options"),
    "multi_choice": T("Phải là danh sách lựa chọn", "Must be a list of options"),
    "duplicate": T("Chọn trùng", "Chosen twice"),
    "min_count": T("Phải chọn ít nhất {n}", "Choose at least {n}"),
    "max_count": T("Chỉ được chọn tối đa {n}", "Choose at most {n}"),
    "repeat_min": T("Phải có ít nhất {n} mục", "At least {n} entries needed"),
    "repeat_max": T("Chỉ được tối đa {n} mục", "At most {n} entries allowed"),
    "id_number": T("Số giấy tờ tùy thân không hợp lệ", "Invalid identity document number"),
    "phone": T(
        "Số điện thoại không hợp lệ (10 chữ số, bắt đầu bằng 0)",
        "Invalid phone number (10 digits starting with 0)",
    ),
    "email": T("Địa chỉ email không hợp lệ", "Invalid email address"),
    "address": T("Địa chỉ không hợp lệ", "Invalid address"),
    "province": T("Mã tỉnh/thành phố không hợp lệ", "Unknown province code"),
    "commune": T(
        "Mã xã/phường không hợp lệ hoặc không thuộc tỉnh đã chọn",
        "Unknown commune code, or not in the chosen province",
    ),
    "attachment": T("Tệp đính kèm không hợp lệ", "Invalid attachment"),
    "mime": T("Loại tệp không được chấp nhận", "File type not accepted"),
    "max_size": T("Tệp quá lớn (tối đa {n})", "File too large (at most {n})"),
    "constraint": T("Giá trị không hợp lệ", "Invalid value"),
    "unknown_field": T("Trường không có trong tờ khai", "Not a field of this form"),
    "repeat": T("Phải là danh sách", "Must be a list"),
    "person": T("Thông tin người không hợp lệ", "Invalid person details"),
}


def vn_int(n: int) -> str:
    """``1234567`` → ``"1.234.567"`` (Vietnamese thousands separator)."""
    return f"{n:,}".replace(",", ".")


def show_date(iso: str) -> str:
    """ISO ``YYYY-MM-DD`` → ``DD/MM/YYYY``; ``iso`` must be a valid date."""
    d = date.fromisoformat(iso)
    return f"{d.day:02d}/{d.month:02d}/{d.year:04d}"


def size_text(n: int) -> str:
    """A byte count as ``"N MB"`` or ``"N KB"`` (at least 1 KB)."""
    return f"{n // (1024 * 1024)} MB" if n >= 1024 * 1024 else f"{max(n // 1024, 1)} KB"
