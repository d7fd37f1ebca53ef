"""The kiosk's look: ``resources/theme/kiosk.qss`` scaled for large type, and sizes in mm."""

from __future__ import annotations

import re
from functools import cache

from PySide6.QtGui import QFontDatabase, QGuiApplication
from PySide6.QtWidgets import QWidget

from kiosk_app.resources import resource_path

#: Type size factor of the accessibility toggle ("Chữ to").
LARGE_SCALE = 1.3
#: Touch targets: at least 15 mm (ISO 9241-9 / WCAG guidance is 9–10 mm; elderly users more).
TARGET_MM = 15.0
_PT = re.compile(r"(\d+(?:\.\d+)?)pt\b")


@cache
def _raw_qss() -> str:
    try:
        return resource_path("theme", "kiosk.qss").read_text(encoding="utf-8")
    except OSError:
        return ""


def kiosk_stylesheet(scale: float = 1.0) -> str:
    """The kiosk style sheet with every ``pt`` size multiplied by ``scale``."""
    text = _raw_qss()
    if scale == 1.0:
        return text
    return _PT.sub(lambda m: f"{float(m.group(1)) * scale:.1f}pt", text)


@cache
def register_fonts() -> bool:
    """Add the bundled Noto Sans (all Vietnamese letters) to Qt's fonts; True when added."""
    ok = False
    for name in ("NotoSans-Regular.ttf", "NotoSans-Bold.ttf"):
        path = resource_path("fonts", name)
        if path.exists() and QFontDatabase.addApplicationFont(str(path)) >= 0:
            ok = True
    return ok


def screen_dpi(widget: QWidget | None = None) -> float:
    """The physical dots per inch of the widget's screen (96 when unknown or absurd)."""
    screen = widget.screen() if widget is not None else QGuiApplication.primaryScreen()
    dpi = screen.physicalDotsPerInch() if screen is not None else 96.0
    return dpi if 60.0 <= dpi <= 400.0 else 96.0


def mm_to_px(mm: float, widget: QWidget | None = None) -> int:
    """``mm`` millimetres in device-independent pixels on the widget's screen."""
    screen = widget.screen() if widget is not None else QGuiApplication.primaryScreen()
    ratio = screen.devicePixelRatio() if screen is not None else 1.0
    return int(round(mm / 25.4 * screen_dpi(widget) / (ratio or 1.0)))


def target_px(widget: QWidget | None = None) -> int:
    """The smallest touch target side in pixels: 15 mm, never under 90 px."""
    return max(90, mm_to_px(TARGET_MM, widget))
