"""Office settings, declared once as data (name, default, help), and the data folder.

Settings live in the store's ``settings`` table; a data folder that was never set up with
``motcua init`` runs on the demo office in ``resources/demo/office.yaml``.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import time
from pathlib import Path
from typing import Any

import platformdirs

from kiosk_app.resources import resource_path

APP_NAME = "motcua-kiosk"
DB_FILE = "kiosk.sqlite"
ATTACHMENTS_DIR = "attachments"
# Derived data that can always be rebuilt (the validated catalogue, parsed YAML data files);
# safe to delete (kiosk_app.core.catalog_cache).
CACHE_DIR = "cache"


@dataclass(frozen=True)
class Setting:
    name: str
    default: Any
    help: str


SETTINGS: tuple[Setting, ...] = (
    Setting("agency_id", None, "Mã định danh cơ quan (QCVN 102:2016), e.g. 000.00.06.H56"),
    Setting("agency_name", "", "Tên cơ quan in trên phiếu (e.g. UBND xã Nam Đông)"),
    Setting("commune_code", None, "Mã xã/phường sau 01/7/2025 (5 chữ số)"),
    Setting("device_slot", 0, "Khe số thứ tự mã hồ sơ của máy này (0–9), duy nhất trong xã"),
    Setting("hotline", "", "Số điện thoại đường dây nóng in trên phiếu"),
    Setting("office_morning", ["07:00", "11:30"], "Giờ làm việc buổi sáng"),
    Setting("office_afternoon", ["13:30", "17:00"], "Giờ làm việc buổi chiều"),
    Setting("saturday_morning", False, "Tiếp nhận sáng thứ Bảy"),
    Setting(
        "same_day_cutoff", "15:00", "Nhận sau giờ này: thủ tục trong ngày trả ngày làm việc sau"
    ),
    Setting("demo", False, "Đang chạy văn phòng mẫu (chưa cấu hình)"),
    # Fees by bank transfer (VietQR, docs/vietqr.md); all three empty = no payment QR anywhere
    Setting(
        "payment_bank_bin", "", "Mã BIN (6 chữ số) của ngân hàng giữ tài khoản nhận phí, lệ phí"
    ),
    Setting("payment_account", "", "Số tài khoản nhận phí, lệ phí (chữ số/chữ cái, tối đa 19)"),
    Setting("payment_account_name", "", "Tên chủ tài khoản nhận phí (in và hiện bên cạnh mã QR)"),
    # Per device, read by the entry point before Qt starts (kiosk_app.__main__.start_mode);
    # validated with the desk's settings (kiosk_app.core.desk).
    Setting(
        "kiosk_mode_at_start",
        False,
        "Máy này mở thẳng chế độ kiosk tự phục vụ (cán bộ dùng `motcua-kiosk --desk`)",
    ),
    Setting("kiosk_orientation", "auto", "Hướng màn hình kiosk: auto, portrait hoặc landscape"),
    # Where the scheduled backup goes (`motcua backup --scheduled`, motcua-backup.timer / the
    # Windows task): a USB disk or a second drive; empty = no scheduled backup.
    Setting("backup_dir", "", "Thư mục sao lưu tự động (ổ USB hoặc ổ đĩa thứ hai)"),
)
#: The names of the two kiosk start-up settings (see :data:`SETTINGS`).
KIOSK_MODE_SETTING, KIOSK_ORIENTATION_SETTING = "kiosk_mode_at_start", "kiosk_orientation"
KIOSK_ORIENTATIONS = ("auto", "portrait", "landscape")
SETTING_NAMES = {s.name for s in SETTINGS}


def default_data_dir() -> Path:
    """The user's data folder (``MOTCUA_DATA_DIR`` overrides; tests and services set it)."""
    env = os.environ.get("MOTCUA_DATA_DIR")
    return Path(env) if env else Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def demo_office(cache_dir: Path | None = None) -> dict[str, Any]:
    """The demo office's settings (``resources/demo/office.yaml``); ``cache_dir``: a kiosk's
    cache folder where the parsed file may be kept (``catalog_cache.load_yaml_cached``)."""
    from kiosk_app.core.catalog_cache import load_yaml_cached

    data = load_yaml_cached(resource_path("demo", "office.yaml"), cache_dir)
    return {k: data[k] for k in SETTING_NAMES if k in data} | {"demo": True}


@dataclass(frozen=True)
class Office:
    """The office this device serves, as the intake use-cases need it."""

    agency_id: str
    commune_code: str
    device_slot: int
    agency_name: str = ""
    hotline: str = ""
    morning: tuple[time, time] = (time(7, 0), time(11, 30))
    afternoon: tuple[time, time] = (time(13, 30), time(17, 0))
    saturday_morning: bool = False
    cutoff: time = time(15, 0)
    demo: bool = False
    extra: dict[str, Any] = field(default_factory=dict)
    payment_bank_bin: str = ""
    payment_account: str = ""
    payment_account_name: str = ""

    @classmethod
    def from_settings(cls, values: dict[str, Any]) -> Office:
        merged = {s.name: s.default for s in SETTINGS} | values

        def hm(text: str) -> time:
            return time.fromisoformat(text)

        return cls(
            agency_id=merged["agency_id"],
            commune_code=merged["commune_code"],
            device_slot=int(merged["device_slot"]),
            agency_name=merged["agency_name"],
            hotline=merged["hotline"],
            morning=(hm(merged["office_morning"][0]), hm(merged["office_morning"][1])),
            afternoon=(hm(merged["office_afternoon"][0]), hm(merged["office_afternoon"][1])),
            saturday_morning=bool(merged["saturday_morning"]),
            cutoff=hm(merged["same_day_cutoff"]),
            demo=bool(merged["demo"]),
            payment_bank_bin=str(merged["payment_bank_bin"] or ""),
            payment_account=str(merged["payment_account"] or ""),
            payment_account_name=str(merged["payment_account_name"] or ""),
        )
