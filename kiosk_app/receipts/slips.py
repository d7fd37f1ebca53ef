"""The related slips of Thông tư 01/2018/TT-VPCP, A4 or A5, as templates:

- ``mau02``   Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ (Mẫu 02) — extra: ``missing`` (list of
              the papers/contents to add, at least one), ``reason`` (optional), ``officer``
              (optional: who to ask; default "cán bộ tiếp nhận hồ sơ")
- ``refusal`` Phiếu từ chối tiếp nhận giải quyết hồ sơ (Mẫu 03) — extra: ``reason``
- ``apology`` Phiếu xin lỗi và hẹn lại ngày trả kết quả (Mẫu 04) — extra: ``reason``,
              ``new_appointment`` (datetime or ISO text, Vietnam time when naive)

The extra data comes from the caller (the clerk's form); everything else from the stored
dossier. Dated with the day they are printed (the intake clock). Missing or unknown extra
data raises :class:`ReceiptArgumentError` in Vietnamese.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from reportlab.lib.units import mm
from reportlab.platypus import Flowable

from kiosk_app.receipts.errors import ReceiptArgumentError
from kiosk_app.receipts.fonts import register_fonts
from kiosk_app.receipts.layout import ReceiptLayout
from kiosk_app.receipts.mau01 import build_a_paper
from kiosk_app.receipts.model import ReceiptModel, format_datetime, nfc, parse_time
from kiosk_app.receipts.pdfparts import (
    lookup_block,
    make_styles,
    office_header,
    para,
    place_date,
    reprint_mark,
    signatures,
    spacer,
    text_para,
)
from kiosk_app.receipts.qrdraw import a_paper_qr

EXTRA_KEYS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    # kind: (required, optional)
    "mau02": (("missing",), ("reason", "officer")),
    "refusal": (("reason",), ()),
    "apology": (("reason", "new_appointment"), ()),
}
TITLES = {"mau02": "Phiếu yêu cầu bổ sung", "refusal": "Phiếu từ chối", "apology": "Phiếu xin lỗi"}
_NAMES_VI = {
    "missing": "danh sách giấy tờ cần bổ sung",
    "reason": "lý do",
    "new_appointment": "ngày hẹn trả mới",
    "officer": "người hướng dẫn",
}


def missing_items(extra: Mapping[str, Any]) -> list[str]:
    """The ``missing`` list as NFC lines (a single text counts as one item)."""
    value = extra.get("missing")
    items = [value] if isinstance(value, str) else list(value or [])
    return [nfc(i) for i in items if nfc(i)]


def slip_values(kind: str, extra: Mapping[str, Any], layout: ReceiptLayout) -> dict[str, str]:
    """Check ``extra`` for ``kind`` and return its template placeholders (NFC text)."""
    required, optional = EXTRA_KEYS[kind]
    unknown = sorted(set(extra) - set(required) - set(optional))
    if unknown:
        raise ReceiptArgumentError(
            f"Dữ liệu không dùng cho phiếu {kind}: {', '.join(unknown)} "
            f"(cần: {', '.join(required)}; có thể thêm: {', '.join(optional) or 'không'})"
        )
    for key in required:
        empty = not missing_items(extra) if key == "missing" else not nfc(extra.get(key))
        if empty:
            raise ReceiptArgumentError(f"Phiếu {kind} cần {_NAMES_VI[key]} ({key})")
    out = {"reason": nfc(extra.get("reason")), "officer": nfc(extra.get("officer"))}
    out["officer"] = out["officer"] or "cán bộ tiếp nhận hồ sơ"
    if "new_appointment" in extra:
        try:
            when = parse_time(extra["new_appointment"])
        except (TypeError, ValueError) as exc:
            raise ReceiptArgumentError(
                f"Ngày hẹn trả mới không hợp lệ: {extra['new_appointment']!r}"
            ) from exc
        out["new_appointment"] = format_datetime(when, layout.wording) if when else ""
    return out


def render_slip(
    kind: str,
    model: ReceiptModel,
    layout: ReceiptLayout,
    paper: str,
    qr_text: str,
    today: datetime,
    extra: Mapping[str, Any],
) -> bytes:
    """The ``kind`` slip of ``model`` on ``paper``, dated ``today``; ``extra`` as checked above."""
    fonts = register_fonts()
    spec = layout.papers[paper]
    styles = make_styles(fonts, spec.fonts, spec.leading)
    width = (spec.width_mm - spec.left_mm - spec.right_mm) * mm
    w = layout.wording
    values = model.values(w.text("common", "empty"))

    def line(key: str) -> list[Flowable]:
        return [para(w.text(kind, key), values, styles.body)]

    def header() -> list[Flowable]:
        dated = place_date(model, layout, today)
        return [
            office_header(model, layout, styles, width, spec.header_left_share, dated),
            spacer(2),
        ]

    def title() -> list[Flowable]:
        out: list[Flowable] = [text_para(w.text(kind, "title"), styles.title)]
        if model.reprint:
            out.append(reprint_mark(layout, styles))
        return out

    def code() -> list[Flowable]:
        return [para(w.text(kind, "code"), values, styles.code), spacer(2)]

    def missing() -> list[Flowable]:
        out = line("missing")
        for i, item in enumerate(missing_items(extra), 1):
            out.append(text_para(f"{i}. {item}", styles.body))
        return out

    def reason() -> list[Flowable]:
        # the reason is optional on Mẫu 02: no "Lý do: —" line when the clerk gave none
        return line("reason") if model.extra.get("reason") else []

    def signs() -> list[Flowable]:
        hint = w.text("common", "sign_hint")
        right_hint = w.text(kind, "signer_right_hint") if w.has(kind, "signer_right_hint") else ""
        table = signatures(
            w.text(kind, "signer_left"),
            w.text(kind, "signer_right"),
            hint,
            right_hint or hint,
            styles,
            width,
            spec.signature_space_mm * mm,
        )
        return [spacer(2), table]

    def lookup() -> list[Flowable]:
        qr = a_paper_qr(qr_text, layout, paper)
        return [spacer(2), lookup_block(model, layout, styles, qr, width)]

    builders = {
        "header": header,
        "title": title,
        "code": code,
        "missing": missing,
        "reason": reason,
        "signatures": signs,
        "lookup": lookup,
    }
    story: list[Flowable] = []
    for part in layout.parts[kind]:
        story += builders[part]() if part in builders else line(part)
    return build_a_paper(story, model, layout, spec, fonts, TITLES[kind])
