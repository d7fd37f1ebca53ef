"""The statistics screen driven as a head of office would: pick March 2025, read the chart and
the tables, switch grouping, export — the screen shows what the exports write."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import Qt

from kiosk_app.ui.stats_view import StatsView
from tests.unit.stats_history import BIRTH, SIGNATURE, build_history


@pytest.fixture
def view(qtbot, kiosk, runner, desk_session):
    build_history(kiosk)
    v = StatsView(kiosk, runner, today=date(2025, 4, 2), session=desk_session)
    qtbot.addWidget(v)
    v.resize(1200, 800)
    v.show()
    return v


def _cells(table) -> list[list[str]]:
    return [
        [table.item(r, c).text() for c in range(table.columnCount())]
        for r in range(table.rowCount())
    ]


def _headers(table) -> list[str]:
    return [table.horizontalHeaderItem(c).text() for c in range(table.columnCount())]


def test_month_figures_chart_and_tables(qtbot, view) -> None:
    view.set_period("month", 2025, 3)
    with qtbot.waitSignal(view.loaded, timeout=10_000):
        qtbot.mouseClick(view.show_button, Qt.MouseButton.LeftButton)
    assert "7 hồ sơ tiếp nhận" in view.title.text() and "2 quá hạn" in view.title.text()
    (series,) = view.chart.series()
    bars = series.barSets()[0]
    values = [bars.at(i) for i in range(bars.count())]
    # measures bottom-up: satisfaction 66.7 %, on time 33.3 %, cashless 40 %, …, online 14.3 %
    assert values[0] == pytest.approx(66.7) and values[1] == pytest.approx(33.3)
    assert values[-1] == pytest.approx(14.3)
    (office,) = _cells(view.table)
    row = dict(zip(_headers(view.table), office, strict=True))
    assert row["Hồ sơ tiếp nhận"] == "7" and row["Giải quyết đúng hạn (%)"] == "33,3"
    view.grouping.setCurrentIndex(view.grouping.findData("procedure"))
    rows = {r[0]: dict(zip(_headers(view.table), r, strict=True)) for r in _cells(view.table)}
    assert rows[BIRTH]["Hồ sơ tiếp nhận"] == "2" and rows[SIGNATURE]["Hồ sơ tiếp nhận"] == "5"
    assert rows[BIRTH]["Tên"] == "Đăng ký khai sinh"


def test_quarter_and_year_periods(qtbot, view) -> None:
    view.set_period("quarter", 2025, 2)
    assert view.number.maximum() == 4
    with qtbot.waitSignal(view.loaded, timeout=10_000):
        view.refresh()
    assert view.report.period.first == date(2025, 4, 1)
    assert view.report.office.received == 1
    view.set_period("year", 2025)
    assert not view.number.isVisible()
    with qtbot.waitSignal(view.loaded, timeout=10_000):
        view.refresh()
    assert view.report.office.received == 8


def test_exports_are_written_and_audited(qtbot, view, kiosk, tmp_path) -> None:
    assert not view.buttons["xlsx"].isEnabled()  # nothing to export before figures exist
    view.set_period("month", 2025, 3)
    with qtbot.waitSignal(view.loaded, timeout=10_000):
        view.refresh()
    for fmt in ("csv", "xlsx", "pdf"):
        target = tmp_path / f"r.{fmt}"
        with qtbot.waitSignal(view.exported, timeout=20_000):
            view.export_to(target, fmt)
        assert target.stat().st_size > 0
    audit = kiosk.store.query("SELECT actor, data FROM audit WHERE action = 'stats.export'")
    assert [a["actor"] for a in audit] == ["test.head"] * 3
    with qtbot.waitSignal(view.failed, timeout=10_000):
        view.export_to(tmp_path / "r.csv" / "nested.csv", "csv")
    assert "Không ghi được báo cáo" in view.message.text()


def test_the_shell_offers_figures_to_a_head_not_to_a_clerk(qtbot, kiosk, runner, desk_login):
    from kiosk_app.core.permissions import PermissionDenied
    from kiosk_app.core.stats import Period, for_kiosk
    from kiosk_app.ui.clerk.shell import ClerkShell

    build_history(kiosk)
    head = ClerkShell(kiosk, runner, session=desk_login(kiosk, "head"))
    qtbot.addWidget(head)
    head.show()
    assert head.stats_button.isVisible()
    dialog = head.open_stats()
    with qtbot.waitSignal(dialog.view.loaded, timeout=10_000):
        pass
    assert dialog.view.report is not None
    dialog.close()
    clerk = desk_login(kiosk, "clerk")
    window = ClerkShell(kiosk, runner, session=clerk)
    qtbot.addWidget(window)
    window.show()
    assert not window.stats_button.isVisible()
    assert window.open_stats() is None
    with pytest.raises(PermissionDenied):
        for_kiosk(kiosk, Period.month(2025, 3), clerk)
