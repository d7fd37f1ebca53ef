"""Building blocks of the kiosk's screens: big buttons, an on-screen key pad, the hidden
staff gesture, the flow base class and the wipe helper that empties every input."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QElapsedTimer, QSize, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractButton,
    QComboBox,
    QGridLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPlainTextEdit,
    QPushButton,
    QSizePolicy,
    QTextEdit,
    QVBoxLayout,
    QWidget,
)

from kiosk_app.ui.kiosk.theme import target_px


class BigButton(QPushButton):
    """A push button never smaller than a 15 mm target, that never takes keyboard focus (the
    text box being filled keeps it, and so does a keyboard-wedge scanner's typing)."""

    def __init__(self, text: str = "", parent: QWidget | None = None, name: str = "") -> None:
        super().__init__(text, parent)
        if name:
            self.setObjectName(name)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setMinimumHeight(target_px(self))
        self.setMinimumWidth(target_px(self))
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)


class TwoLineButton(BigButton):
    """A big button with a bold first line and a smaller second line, both wrapping (a
    QPushButton's own text never wraps, so long names would be cut)."""

    def __init__(
        self, title: str, subtitle: str = "", parent: QWidget | None = None, name: str = ""
    ) -> None:
        super().__init__("", parent, name)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(26, 14, 26, 14)
        lay.setSpacing(4)
        self.title_label = wrap_label(title, "buttonTitle", self)
        self.sub_label = wrap_label(subtitle, "buttonSubtitle", self)
        self.sub_label.setVisible(bool(subtitle))
        lay.addStretch(1)  # the two lines stay together, centred in a tall tile
        for label in (self.title_label, self.sub_label):
            label.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents, True)
            lay.addWidget(label)
        lay.addStretch(1)
        policy = self.sizePolicy()
        policy.setHeightForWidth(True)
        self.setSizePolicy(policy)
        self.setAccessibleName(f"{title}. {subtitle}" if subtitle else title)

    def text_lines(self) -> str:
        return f"{self.title_label.text()}\n{self.sub_label.text()}".strip()

    def hasHeightForWidth(self) -> bool:  # noqa: N802 - Qt override
        return True

    def heightForWidth(self, width: int) -> int:  # noqa: N802 - Qt override
        return max(self.minimumHeight(), self.layout().totalHeightForWidth(width))

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt override
        hint = self.layout().totalSizeHint()
        return QSize(hint.width(), max(hint.height(), self.minimumHeight()))


def wrap_label(text: str = "", name: str = "", parent: QWidget | None = None) -> QLabel:
    label = QLabel(text, parent)
    label.setWordWrap(True)
    if name:
        label.setObjectName(name)
    label.setTextFormat(Qt.TextFormat.PlainText)
    return label


class TapLabel(QLabel):
    """A label that counts quick taps: ``unlocked`` after ``taps`` taps within ``window_ms``
    (the staff's hidden way to the PIN pad)."""

    unlocked = Signal()

    def __init__(self, text: str = "", taps: int = 5, window_ms: int = 3000) -> None:
        super().__init__(text)
        self.taps, self.window_ms = taps, window_ms
        self._times: list[int] = []
        self._clock = QElapsedTimer()
        self._clock.start()

    def mousePressEvent(self, event) -> None:  # noqa: N802, ANN001 - Qt override
        now = self._clock.elapsed()
        self._times = [t for t in self._times if now - t <= self.window_ms] + [now]
        if len(self._times) >= self.taps:
            self._times = []
            self.unlocked.emit()
        super().mousePressEvent(event)


DIGITS = "123456789"
LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


class KeyPad(QWidget):
    """On-screen keys typing into ``target`` (a QLineEdit): digits, or letters after "ABC".

    ``extra`` adds keys such as "-" or "." beside 0. Buttons never take focus, so the box keeps
    its cursor and a wedge scanner still types into it."""

    pressed = Signal(str)

    def __init__(self, target: QLineEdit, extra: str = "", letters: bool = False) -> None:
        super().__init__()
        self.target = target
        self.setObjectName("keyPad")
        self.grid = QGridLayout(self)
        self.grid.setSpacing(12)
        self.grid.setContentsMargins(0, 0, 0, 0)
        self.extra = extra
        self.letters_allowed = letters
        self.mode = "digits"
        self.keys: dict[str, BigButton] = {}
        self._build()

    def _key(self, label: str, name: str = "keyButton") -> BigButton:
        b = BigButton(label, self, name)
        b.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        return b

    def _build(self) -> None:
        while self.grid.count():
            item = self.grid.takeAt(0)
            if item.widget():
                item.widget().deleteLater()
        self.keys = {}
        if self.mode == "digits":
            # 1-9 as on a phone, then [extra] 0 [extra]: 0 always in the middle column
            cells = [(ch, i // 3, i % 3) for i, ch in enumerate(DIGITS)] + [("0", 3, 1)]
            cells += [(ch, 3, col) for ch, col in zip(self.extra[:2], (0, 2), strict=False)]
            row = 4
        else:
            cells = [(ch, i // 7, i % 7) for i, ch in enumerate(LETTERS)]
            row = (len(LETTERS) + 6) // 7
        for ch, r, c in cells:
            b = self._key(ch)
            b.clicked.connect(lambda _=False, k=ch: self.type(k))
            self.grid.addWidget(b, r, c)
            self.keys[ch] = b
        back = self._key(self.tr("⌫ Xóa"))
        back.clicked.connect(self.backspace)
        self.keys["back"] = back
        clear = self._key(self.tr("Xóa hết"))
        clear.clicked.connect(self.target.clear)
        self.keys["clear"] = clear
        if self.letters_allowed:
            toggle = self._key(self.tr("ABC") if self.mode == "digits" else self.tr("123"))
            toggle.clicked.connect(self.toggle_mode)
            self.keys["mode"] = toggle
            if self.mode == "digits":
                self.grid.addWidget(toggle, row, 0)
                self.grid.addWidget(back, row, 1)
                self.grid.addWidget(clear, row, 2)
            else:
                self.grid.addWidget(toggle, row, 0, 1, 2)
                self.grid.addWidget(back, row, 2, 1, 3)
                self.grid.addWidget(clear, row, 5, 1, 2)
        else:
            self.grid.addWidget(back, row, 0, 1, 2)
            self.grid.addWidget(clear, row, 2)

    def toggle_mode(self) -> None:
        self.mode = "letters" if self.mode == "digits" else "digits"
        self._build()

    def type(self, ch: str) -> None:
        self.target.insert(ch)
        self.pressed.emit(ch)

    def backspace(self) -> None:
        self.target.backspace()
        self.pressed.emit("\b")


@dataclass(frozen=True)
class NavState:
    """What the shell's frame shows for the current page of a flow."""

    title: str = ""
    back: bool = True
    next_text: str | None = None  # None hides "Next"
    next_enabled: bool = True
    step: int = 0  # 1-based; 0 hides the progress bar
    steps: int = 0


class Flow(QWidget):
    """One thing a citizen does (learn, submit, check, rate), as pages inside it.

    The shell's Back / Next buttons call :meth:`go_back` / :meth:`go_next`; the flow reports
    its page with ``changed`` (the shell then reads :meth:`nav`), asks to say something aloud
    with ``say``, and ends with ``done`` (back to the welcome screen). :meth:`speech_text` is
    what the page reads aloud when asked."""

    changed = Signal()
    say = Signal(str)
    done = Signal()

    def nav(self) -> NavState:
        return NavState()

    def go_back(self) -> None:
        self.done.emit()

    def go_next(self) -> None:
        pass

    def speech_text(self) -> str:
        return ""

    def close_flow(self) -> None:
        """Called by the shell before the flow is destroyed (stop timers, discard drafts)."""


def clear_inputs(root: QWidget) -> None:
    """Empty every input under (and including) ``root``: text boxes, combos, lists, checked
    buttons. Used before a flow is destroyed, so nothing lingers while deletion is pending."""
    widgets = [root, *root.findChildren(QWidget)]
    for w in widgets:
        if isinstance(w, QComboBox):
            w.clear()
            if w.isEditable():
                w.clearEditText()
        elif isinstance(w, QLineEdit | QTextEdit | QPlainTextEdit | QListWidget | QLabel):
            w.clear()
        elif isinstance(w, QAbstractButton) and w.isCheckable():
            w.setChecked(False)
