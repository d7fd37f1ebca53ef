"""The clerk desk's interface language: Vietnamese in the source, English from a Qt translation.

The UI's strings are Vietnamese ``self.tr("…")`` calls; ``resources/i18n/motcua_{lang}.qm``
(built from ``motcua_{lang}.ts`` with pyside6-lupdate/lrelease, see its README) translates them.
Form labels do not go through Qt: they come bilingual from the form data, chosen by the
widgets' ``lang`` argument.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QCoreApplication, QTranslator

from kiosk_app.resources import resource_path

SOURCE_LANG = "vi"
LANGS = ("vi", "en")

# Kept on the application object: a QTranslator that Python garbage-collects stops
# translating (Qt holds only a pointer to it).
_ATTR = "_motcua_translator"


def qm_path(lang: str) -> Path:
    """Where the compiled translation for ``lang`` ships (it may not exist)."""
    return resource_path("i18n", f"motcua_{lang}.qm")


def install_translator(app: QCoreApplication, lang: str) -> bool:
    """Translate the UI into ``lang`` from now on; call it before building any window.

    ``"vi"`` (the source language) installs nothing and removes a translator installed
    earlier. True when ``lang`` is in effect; False when its ``.qm`` is missing or unreadable
    (the UI then stays in Vietnamese). An unknown ``lang`` raises ValueError.
    """
    if lang not in LANGS:
        raise ValueError(f"unknown interface language {lang!r} (expected one of {LANGS})")
    old = getattr(app, _ATTR, None)
    if old is not None:
        app.removeTranslator(old)
        setattr(app, _ATTR, None)
    if lang == SOURCE_LANG:
        return True
    path = qm_path(lang)
    translator = QTranslator(app)
    if not path.is_file() or not translator.load(str(path)):
        return False
    if not app.installTranslator(translator):
        return False
    setattr(app, _ATTR, translator)
    return True
