"""What a receipt says, built only from the stored dossier, the office and the catalogue entry.

:func:`build_model` never reads screen state: the caller passes the :class:`DossierView` that
``kiosk.intake.lookup`` returned. A procedure missing from today's catalogue (an old dossier
reprinted after a catalogue update) still gives a receipt, with the code as its name.

Times are Vietnam time (UTC+7), written as DOMAIN.md and Mẫu 01 ask: "09 giờ 30 phút, ngày 12
tháng 03 năm 2025" (Nghị định 30/2020/NĐ-CP: days below 10 and months 1–2 take a leading 0).
Every string is NFC. No Qt here.
"""

from __future__ import annotations

import string
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from kiosk_app.core.applicant import APPLICANT_FIELD, person_block
from kiosk_app.core.intake import VN_TZ, DossierView
from kiosk_app.receipts.layout import ReceiptLayout, Wording


def nfc(value: Any) -> str:
    """``value`` as NFC text; ``None`` is ""."""
    return unicodedata.normalize("NFC", "" if value is None else str(value)).strip()


def date_parts(when: date | datetime) -> dict[str, str]:
    """Placeholders of one date/time: hh, mi, dd, MM, yyyy (Vietnam time for aware datetimes).

    Day below 10 and months 1–2 are zero-padded, months 3–12 are not (Nghị định 30/2020).
    """
    if isinstance(when, datetime) and when.tzinfo is not None:
        when = when.astimezone(VN_TZ)
    hh, mi = (when.hour, when.minute) if isinstance(when, datetime) else (0, 0)
    return {
        "hh": f"{hh:02d}",
        "mi": f"{mi:02d}",
        "dd": f"{when.day:02d}",
        "MM": f"{when.month:02d}" if when.month < 3 else str(when.month),
        "yyyy": f"{when.year:04d}",
    }


def parse_time(value: str | datetime | None) -> datetime | None:
    """A stored ISO time (or datetime) in Vietnam time; naive values are taken as Vietnam time."""
    if value is None or value == "":
        return None
    when = datetime.fromisoformat(value) if isinstance(value, str) else value
    if when.tzinfo is None:
        return when.replace(tzinfo=VN_TZ)
    return when.astimezone(VN_TZ)


def format_datetime(when: datetime, wording: Wording) -> str:
    """``common.datetime`` filled for ``when``: "09 giờ 30 phút, ngày 12 tháng 3 năm 2025"."""
    return wording.text("common", "datetime").format(**date_parts(when))


def format_date(when: date | datetime, wording: Wording) -> str:
    """``common.date`` filled for ``when``: "ngày 12 tháng 3 năm 2025"."""
    return wording.text("common", "date").format(**date_parts(when))


def format_money(amount: int, wording: Wording) -> str:
    """ "10.000 đồng" (dot thousands separator, as Vietnamese writes it); ``common.free`` for 0."""
    if not amount:
        return wording.text("common", "free")
    return wording.text("common", "money").format(amount=f"{int(amount):,}".replace(",", "."))


@dataclass(frozen=True)
class ReceiptDocument:
    """One line of the documents table: name, form code and its printed label, count."""

    name: str
    form: str
    form_label: str
    count: int


@dataclass(frozen=True)
class ReceiptModel:
    """Everything a receipt prints, already worded (NFC). Empty strings mean "not given"."""

    agency_id: str
    agency_name: str
    unit_name: str
    commune_name: str
    province_name: str
    place: str
    code: str
    procedure_code: str
    procedure_name: str
    applicant_name: str
    applicant_address: str
    applicant_phone: str
    applicant_email: str
    applicant_id_number: str
    documents: tuple[ReceiptDocument, ...]
    sets: int
    processing_time: str
    received_at: datetime | None
    received_text: str
    appointment_at: datetime | None
    appointment_text: str
    delivery: str
    delivery_text: str
    fee: int
    fee_text: str
    payment_method: str
    payment_text: str
    reprint: bool
    hotline: str
    lookup_address: str
    status: int | None = None
    channel: str = ""
    register_book: str = ""
    register_number: str = ""
    extra: Mapping[str, str] = field(default_factory=dict)
    # the VietQR payload for paying the fee by transfer ("" = no payment block) and the
    # account printed beside it (kiosk_app.core.payment)
    payment_qr: str = ""
    payment_account_name: str = ""
    payment_account: str = ""
    payment_bank: str = ""

    def values(self, empty: str = "") -> dict[str, str]:
        """The template placeholders (wording.yaml), unescaped; missing values become ``empty``."""
        raw = {
            "agency_name": self.agency_name,
            "agency_name_upper": self.agency_name.upper(),
            "agency_id": self.agency_id,
            "unit_name": self.unit_name,
            "commune_name": self.commune_name,
            "province_name": self.province_name,
            "place": self.place,
            "code": self.code,
            "procedure": self.procedure_name,
            "procedure_code": self.procedure_code,
            "name": self.applicant_name,
            "id_number": self.applicant_id_number,
            "address": self.applicant_address,
            "phone": self.applicant_phone,
            "email": self.applicant_email,
            "sets": f"{self.sets:02d}",
            "processing_time": self.processing_time,
            "received": self.received_text,
            "received_date": self.extra.get("received_date", ""),
            "appointment": self.appointment_text,
            "delivery": self.delivery_text,
            "fee": self.fee_text,
            "payment": self.payment_text,
            "hotline": self.hotline,
            "lookup_address": self.lookup_address,
            "book": self.register_book,
            "number": self.register_number,
            "payment_account_name": self.payment_account_name,
            "payment_account": self.payment_account,
            "payment_bank": self.payment_bank,
        }
        raw |= dict(self.extra)
        return {k: (v if v else empty) for k, v in raw.items()}


def _commune(code: str) -> tuple[str, str, str]:
    """(commune name, province name, place) from the admin units; blanks when unknown."""
    try:
        from kiosk_app.core import admin_units

        commune = admin_units.commune(code) if code else None
        if commune is None:
            return "", "", ""
        province = admin_units.province(commune.province_code)
        place = commune.name
        # "Xã Nam Đông" → "Nam Đông": the place line before the date names the place only
        if place.lower().startswith(commune.type.lower() + " "):
            place = place[len(commune.type) + 1 :]
        return commune.name, province.name if province else "", place
    except (LookupError, ValueError, OSError):
        return "", "", ""


def build_model(
    view: DossierView,
    office: Any,
    procedure: Any | None,
    layout: ReceiptLayout,
    *,
    reprint: bool = False,
    extra: Mapping[str, str] | None = None,
    lookup_address: str | None = None,
) -> ReceiptModel:
    """The receipt of the stored dossier ``view`` issued by ``office``.

    ``lookup_address`` is printed where the citizen is told to look the dossier up; the caller
    passes the address its QR links to, so the two never differ (default: header.yaml's).

    ``procedure`` is the catalogue entry (``None`` when the catalogue no longer has it);
    ``extra`` adds slip placeholders (reason, new_appointment, officer) as NFC text.
    """
    d = view.dossier
    w = layout.wording
    header = layout.header
    agency_name = nfc(getattr(office, "agency_name", "")) or nfc(d.get("agency_id"))
    commune_name, province_name, auto_place = _commune(nfc(getattr(office, "commune_code", "")))
    office_extra = getattr(office, "extra", None) or {}
    base = {"agency_name": agency_name, "agency_name_upper": agency_name.upper()}
    base |= {"commune_name": commune_name, "province_name": province_name}

    answers = d.get("answers") or {}
    person = person_block(None, answers) or {}
    email = person.get("email") or answers.get(f"{APPLICANT_FIELD}_email") or ""

    received = parse_time(d.get("received_at"))
    appointment = parse_time(d.get("appointment_at"))
    forms = w.mapping("document_forms")
    docs = tuple(
        ReceiptDocument(
            name=nfc(doc.get("name")),
            form=nfc(doc.get("form")),
            form_label=nfc(forms.get(doc.get("form") or "", doc.get("form"))),
            count=int(doc.get("count") or 1),
        )
        for doc in view.documents
    )
    if procedure is not None:
        proc_name = nfc(procedure.name.vi)
        processing = nfc(procedure.processing_time_for(answers).describe("vi"))
    else:
        proc_name, processing = nfc(d.get("procedure_code")), ""
    delivery = nfc(d.get("delivery") or "desk")
    fee = int(d.get("fee") or 0)
    method = nfc((d.get("payment") or {}).get("method"))
    methods = w.mapping("payment_methods")
    if fee and method:
        payment_text = nfc(methods.get(method, method))
    elif fee:
        payment_text = w.text("common", "payment_unknown")
    else:
        payment_text = ""
    payment = _payment_block(office, fee, d.get("payment") or {}, nfc(d.get("code")))
    extra_values = {k: nfc(v) for k, v in (extra or {}).items()}
    if received is not None:
        extra_values.setdefault("received_date", format_date(received, w))
    return ReceiptModel(
        agency_id=nfc(d.get("agency_id") or getattr(office, "agency_id", "")),
        agency_name=agency_name,
        unit_name=nfc(header.unit_name.format(**_fill_missing(header.unit_name, base))),
        commune_name=commune_name,
        province_name=province_name,
        place=nfc(header.place.format(**_fill_missing(header.place, base))) or auto_place,
        code=nfc(d.get("code")),
        procedure_code=nfc(d.get("procedure_code")),
        procedure_name=proc_name,
        applicant_name=nfc(d.get("applicant_name")),
        applicant_address=nfc(d.get("applicant_address")),
        applicant_phone=nfc(d.get("applicant_phone")),
        applicant_email=nfc(email),
        applicant_id_number=nfc(d.get("applicant_id_number")),
        documents=docs,
        sets=int(d.get("sets") or 1),
        processing_time=processing,
        received_at=received,
        received_text=format_datetime(received, w) if received else "",
        appointment_at=appointment,
        appointment_text=(
            format_datetime(appointment, w) if appointment else w.text("common", "no_appointment")
        ),
        delivery=delivery,
        delivery_text=nfc(w.mapping("delivery").get(delivery, delivery)),
        fee=fee,
        fee_text=format_money(fee, w),
        payment_method=method,
        payment_text=payment_text,
        reprint=reprint,
        hotline=nfc(getattr(office, "hotline", "")) or nfc(header.hotline),
        lookup_address=nfc(lookup_address)
        or nfc(office_extra.get("lookup_address"))
        or nfc(header.lookup_address),
        status=d.get("status"),
        channel=nfc(d.get("channel")),
        register_book=nfc(d.get("register_book")),
        register_number=nfc(d.get("register_number")),
        extra=extra_values,
        **payment,
    )


def _payment_block(office: Any, fee: int, payment: Mapping[str, Any], code: str) -> dict[str, str]:
    """The model's ``payment_*`` fields: the VietQR payload and the account, when the fee is
    due by transfer — a fee, not marked paid, not taken in cash or online, and an office with a
    bank account. Nothing is computed for a free dossier."""
    if not fee or payment.get("paid") or payment.get("paid_at"):
        return {}
    from kiosk_app.core import payment as pay
    from kiosk_app.core.vietqr import VietQRError

    if payment.get("method") in pay.PAID_ELSEWHERE:
        return {}
    try:
        payload = pay.payment_qr_for(office, fee, code)
    except VietQRError:  # a fee over the NAPAS limit: the receipt prints without the block
        return {}
    if payload is None:
        return {}
    account = pay.account_of(office)
    return {
        "payment_qr": payload,
        "payment_account_name": nfc(account["account_name"]),
        "payment_account": nfc(account["account"]),
        "payment_bank": nfc(account["bank"]),
    }


def _fill_missing(template: str, known: Mapping[str, str]) -> dict[str, str]:
    """``known`` plus "" for every other placeholder the header template names."""
    names = {n for _, n, _, _ in string.Formatter().parse(template) if n}
    return {n: "" for n in names} | dict(known)
