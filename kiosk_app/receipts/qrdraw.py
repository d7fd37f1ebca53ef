"""The QR code as a reportlab flowable, drawn as vector squares with the ``qrcode`` library.

Vector modules stay sharp at any printer resolution; the caller chooses the module size: whole
printer dots on the thermal slip, a minimum in millimetres on A4/A5 (see layout.yaml).
"""

from __future__ import annotations

from functools import lru_cache

import qrcode
import qrcode.constants
from qrcode.exceptions import DataOverflowError
from reportlab.lib import colors
from reportlab.lib.units import inch, mm
from reportlab.platypus import Flowable

from kiosk_app.receipts.errors import ReceiptArgumentError
from kiosk_app.receipts.layout import ReceiptLayout

_EC = {
    "L": qrcode.constants.ERROR_CORRECT_L,
    "M": qrcode.constants.ERROR_CORRECT_M,
    "Q": qrcode.constants.ERROR_CORRECT_Q,
    "H": qrcode.constants.ERROR_CORRECT_H,
}


# Beyond this an A-size QR crowds the code line; below the minimum module a phone camera
# struggles with a 150 dpi print. Between the two, the module shrinks to fit.
A_PAPER_MAX_MM = 45.0
A_PAPER_MIN_MODULE_MM = 0.33


@lru_cache(maxsize=64)
def qr_matrix(text: str, ec: str = "M") -> tuple[tuple[bool, ...], ...]:
    """The modules of the smallest QR holding ``text`` (no quiet zone); cached because each
    receipt draws the same QR once per copy.

    Raises :class:`ReceiptArgumentError` when ``text`` is empty or more than a QR holds.
    """
    if not text:
        raise ReceiptArgumentError("Nội dung mã QR trống")
    qr = qrcode.QRCode(error_correction=_EC[ec], border=0, box_size=1)
    qr.add_data(text)
    try:
        qr.make(fit=True)
    except (DataOverflowError, ValueError) as exc:  # qrcode 8 raises either past version 40
        raise ReceiptArgumentError(
            f"Nội dung mã QR quá dài ({len(text)} ký tự) — không in được"
        ) from exc
    return tuple(tuple(bool(v) for v in row) for row in qr.get_matrix())


class QRFlowable(Flowable):
    """A QR code drawn as vector squares: sharp at any printer resolution.

    ``module`` is the side of one module in points; ``border`` the quiet zone in modules.
    Horizontal runs are merged into one rectangle so rasterisers leave no seams between them.
    """

    def __init__(self, text: str, module: float, *, border: int = 4, ec: str = "M") -> None:
        super().__init__()
        self.text = text
        self.matrix = qr_matrix(text, ec)
        self.module = module
        self.border = border
        self.side = (len(self.matrix) + 2 * border) * module

    @classmethod
    def modules_for(cls, text: str, *, border: int = 4, ec: str = "M") -> int:
        """Modules across (quiet zone included) of the QR of ``text``."""
        return len(qr_matrix(text, ec)) + 2 * border

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        return self.side, self.side

    def draw(self) -> None:
        # the rectangles go in as literal PDF operators in module units, scaled once: the
        # same QR through reportlab's per-rect path API costs ~9 ms a copy, this ~0.1 ms
        canvas = self.canv
        canvas.saveState()
        canvas.setFillColor(colors.black)
        canvas.scale(self.module, self.module)
        canvas.addLiteral(_operators(self.matrix, self.border))
        canvas.restoreState()


@lru_cache(maxsize=64)
def _operators(matrix: tuple[tuple[bool, ...], ...], border: int) -> str:
    """PDF ``re`` operators of the dark modules, horizontal runs merged, then one fill."""
    n = len(matrix)
    ops = []
    for r, row in enumerate(matrix):
        y = n + border - r - 1
        c = 0
        while c < n:
            if row[c]:
                start = c
                while c < n and row[c]:
                    c += 1
                ops.append(f"{border + start} {y} {c - start} 1 re")
            else:
                c += 1
    return "\n".join(ops) + "\nf"


def a_paper_qr(text: str, layout: ReceiptLayout, paper: str) -> QRFlowable:
    """The QR for an A-size page: the layout's module size, grown to its minimum side and
    shrunk (not below 0.33 mm a module) to at most 45 mm; ReceiptArgumentError beyond."""
    spec = layout.papers[paper]
    modules = QRFlowable.modules_for(text, border=layout.qr_border, ec=layout.qr_error_correction)
    module = max(spec.qr_module_mm * mm, spec.qr_min_mm * mm / modules)
    module = min(module, A_PAPER_MAX_MM * mm / modules)
    if module < A_PAPER_MIN_MODULE_MM * mm:
        raise ReceiptArgumentError(
            f"Nội dung mã QR quá dài ({len(text)} ký tự) để in rõ trên khổ {paper.upper()}"
        )
    return QRFlowable(text, module, border=layout.qr_border, ec=layout.qr_error_correction)


def slip_qr(text: str, layout: ReceiptLayout, width: float) -> QRFlowable:
    """The QR for the thermal slip: whole printer dots a module, the layout's count or fewer
    (never below 3) so that it fits ``width``; ReceiptArgumentError when even 3 is too wide."""
    spec = layout.slip
    modules = QRFlowable.modules_for(text, border=layout.qr_border, ec=layout.qr_error_correction)
    for dots in range(spec.qr_module_dots, 2, -1):
        module = dots * inch / spec.dpi
        if modules * module <= width:
            return QRFlowable(text, module, border=layout.qr_border, ec=layout.qr_error_correction)
    raise ReceiptArgumentError(
        f"Nội dung mã QR quá dài ({len(text)} ký tự) để in rõ trên phiếu 80 mm"
    )
