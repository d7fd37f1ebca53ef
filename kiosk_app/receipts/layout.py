"""Receipt layouts, wording and office header: ``resources/receipts/*.yaml`` loaded and validated.

Three files, so a province edits words without touching sizes and vice versa:

- ``layout.yaml``  paper sizes, margins, type sizes, QR sizes, the order of each kind's parts
- ``wording.yaml`` every printed word, as templates with ``{placeholders}`` (see README there)
- ``header.yaml``  the office header block and fallbacks for the lookup address and hotline

Every problem raises :class:`ReceiptLayoutError` naming the file and the field (``papers.a5.
fonts.body``, ``mau01.title``): missing or unknown keys, wrong types, numbers out of range,
unknown parts or placeholders, markup other than ``<b> <i> <u> <br/>``, text not in NFC. The
thermal slip refuses type below 8 pt and QR modules below 3 printer dots (illegible at 203 dpi).
Loaded files are cached per folder and reloaded when one of them changes. The checks live
in :mod:`kiosk_app.receipts.layout_check`; this module holds the vocabulary (kinds, parts,
placeholders) and the validated dataclasses the renderers read.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kiosk_app.resources import resource_path

FILES = ("layout.yaml", "wording.yaml", "header.yaml")
A_PAPERS = ("a4", "a5")
KINDS = ("mau01", "slip80", "mau02", "refusal", "apology")

# Which wording keys (of the kind's own section) each part needs; parts not listed in a
# kind's order need nothing. "header", "lookup", "qr", "hotline" use common.* wording.
PART_WORDS: dict[str, dict[str, tuple[str, ...]]] = {
    "mau01": {
        "header": (),
        "title": ("title",),
        "code": ("code", "copy"),
        "unit": ("unit",),
        "applicant": ("applicant",),
        "id_number": ("id_number",),
        "address": ("address",),
        "contact": ("contact",),
        "request": ("request",),
        "documents": ("documents", "documents_columns", "no_documents"),
        "sets": ("sets",),
        "processing_time": ("processing_time",),
        "received": ("received",),
        "appointment": ("appointment",),
        "delivery": ("delivery",),
        "fees": ("fees",),
        # the VietQR payment block (printed only when a fee is due and the office has an account)
        "payment": ("payment_title", "payment_account", "payment_amount", "payment_note"),
        "register": ("register",),
        "signatures": ("signer_left", "signer_right"),
        "note": ("note",),
        "lookup": (),
    },
    "slip80": {
        "header": (),
        "title": ("title",),
        "code": ("code",),
        "procedure": ("procedure",),
        "applicant": ("applicant",),
        "received": ("received",),
        "appointment": ("appointment",),
        "delivery": ("delivery",),
        "fees": ("fees",),
        "qr": (),
        "lookup": (),
        "hotline": (),
    },
}
_SLIP_PARTS = {
    "header": (),
    "title": ("title",),
    "code": ("code",),
    "intro": ("intro",),
    "request": ("request",),
    "signatures": ("signer_left", "signer_right"),
    "lookup": (),
}
PART_WORDS["mau02"] = _SLIP_PARTS | {
    "missing": ("missing",),
    "reason": ("reason",),
    "contact_help": ("contact_help",),
    "thanks": ("thanks",),
}
PART_WORDS["refusal"] = _SLIP_PARTS | {"reason": ("reason",), "closing": ("closing",)}
PART_WORDS["apology"] = _SLIP_PARTS | {
    "appointment_old": ("appointment_old",),
    "reason": ("reason",),
    "apology": ("apology",),
    "new_appointment": ("new_appointment",),
    "thanks": ("thanks",),
}
# keys a section needs whatever its parts (mau01: how many copies are printed)
ALWAYS_WORDS: dict[str, tuple[str, ...]] = {"mau01": ("copies",)}
OPTIONAL_WORDS: dict[str, tuple[str, ...]] = {k: ("signer_right_hint",) for k in KINDS}
OPTIONAL_WORDS["mau01"] += ("fees_free",)
LIST_WORDS = {"copies", "documents_columns"}

COMMON_WORDS = (
    "national_name",
    "national_motto",
    "place_date",
    "datetime",
    "date",
    "reprint_mark",
    "sign_hint",
    "empty",
    "blank",
    "no_appointment",
    "free",
    "money",
    "payment_unknown",
    "lookup",
    "hotline",
    "page",
)
COMMON_MAPS = {
    "document_forms": ("original", "certified_copy", "photocopy"),
    "delivery": ("desk", "post"),
    "payment_methods": (),
}

# Placeholders a template may use. Date templates get the parts of one date; the rest get
# the receipt's values (see ReceiptModel.values and the slips' extra data).
TEXT_FIELDS = frozenset(
    {
        "agency_name",
        "agency_name_upper",
        "agency_id",
        "unit_name",
        "commune_name",
        "province_name",
        "place",
        "code",
        "procedure",
        "procedure_code",
        "name",
        "id_number",
        "address",
        "phone",
        "email",
        "sets",
        "processing_time",
        "received",
        "received_date",
        "appointment",
        "delivery",
        "fee",
        "payment",
        "hotline",
        "lookup_address",
        "book",
        "number",
        "reason",
        "new_appointment",
        "officer",
        "payment_account_name",
        "payment_account",
        "payment_bank",
    }
)
_DATE = frozenset({"hh", "mi", "dd", "MM", "yyyy"})
SPECIAL_FIELDS: dict[str, frozenset[str]] = {
    "common.place_date": frozenset({"place", "dd", "MM", "yyyy"}),
    "common.datetime": _DATE,
    "common.date": _DATE,
    "common.money": frozenset({"amount"}),
    "common.page": frozenset({"page"}),
    "mau01.copy": frozenset({"copy"}),
}
TAG_RE = re.compile(r"<\s*(/?)\s*([a-zA-Z]*)[^>]*>")
ALLOWED_TAGS = {"b", "i", "u", "br"}


@dataclass(frozen=True)
class FontSizes:
    """Type sizes in points."""

    body: float
    small: float
    header: float
    title: float
    code: float


@dataclass(frozen=True)
class PaperSpec:
    """An A-size paper: page size and margins in mm, type, QR module size."""

    name: str
    width_mm: float
    height_mm: float
    top_mm: float
    bottom_mm: float
    left_mm: float
    right_mm: float
    fonts: FontSizes
    leading: float
    header_left_share: float
    qr_module_mm: float
    qr_min_mm: float
    signature_space_mm: float = 18


@dataclass(frozen=True)
class SlipSpec:
    """The thermal roll: width, printable width, vertical margins, printer resolution."""

    width_mm: float
    printable_mm: float
    top_mm: float
    bottom_mm: float
    min_height_mm: float
    dpi: int
    qr_module_dots: int
    fonts: FontSizes
    leading: float


@dataclass(frozen=True)
class HeaderSpec:
    """The office header: left-block lines ``(template, bold)`` and office fallbacks."""

    agency_lines: tuple[tuple[str, bool], ...]
    unit_name: str
    place: str
    lookup_address: str
    hotline: str


@dataclass(frozen=True)
class Wording:
    """The validated wording: ``text(kind, key)`` falls back to ``common``."""

    sections: Mapping[str, Mapping[str, Any]]

    def text(self, section: str, key: str) -> str:
        """The template ``section.key`` (or ``common.key``); "" when neither has it."""
        value = self.sections.get(section, {}).get(key)
        if value is None:
            value = self.sections["common"].get(key, "")
        return value

    def texts(self, section: str, key: str) -> list[str]:
        return list(self.sections[section][key])

    def mapping(self, key: str) -> dict[str, str]:
        return dict(self.sections["common"][key])

    def has(self, section: str, key: str) -> bool:
        return key in self.sections.get(section, {})


@dataclass(frozen=True)
class ReceiptLayout:
    """Everything the renderers read from resources/receipts."""

    papers: Mapping[str, PaperSpec]
    slip: SlipSpec
    qr_error_correction: str
    qr_border: int
    parts: Mapping[str, tuple[str, ...]]
    documents_columns: tuple[float, ...]
    wording: Wording
    header: HeaderSpec
    folder: Path


# ------------------------------------------------------------------ loading
_cache: dict[Path, tuple[tuple[tuple[int, int], ...], ReceiptLayout]] = {}
_cache_lock = threading.Lock()


def receipts_folder() -> Path:
    """The shipped ``resources/receipts`` folder."""
    return resource_path("receipts")


def load_layout(folder: Path | None = None) -> ReceiptLayout:
    """Load and validate the three files of ``folder`` (default: the shipped one).

    Raises :class:`ReceiptLayoutError` naming the file and field of the first problem.
    Cached per folder; a changed file (mtime) is read again.
    """
    folder = Path(folder) if folder else receipts_folder()
    stamps = tuple(_mtime(folder / name) for name in FILES)
    with _cache_lock:
        hit = _cache.get(folder)
        if hit and hit[0] == stamps:
            return hit[1]
    from kiosk_app.receipts.layout_check import build_layout

    layout = build_layout(folder)
    with _cache_lock:
        _cache[folder] = (stamps, layout)
    return layout


def _mtime(path: Path) -> tuple[int, int]:
    # size as well as mtime: coarse-mtime file systems (FAT on old office PCs) miss quick edits
    try:
        stat = path.stat()
    except OSError:
        return (-1, -1)
    return (stat.st_mtime_ns, stat.st_size)
