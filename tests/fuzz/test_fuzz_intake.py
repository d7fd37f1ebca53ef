"""Fuzzing what reaches a submission from outside: attachment file names (from the file
dialog or ``motcua submit --answers``, possibly not UTF-8 on disk), content hashes naming a
stored file, and answer text (typed, pasted, prefilled). A submission is stored or refused
with IntakeError; a name or a hash never becomes a path outside the attachment folder.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from kiosk_app.core.intake import IntakeError
from kiosk_app.store.attachments import AttachmentError
from tests.conftest import FakeClock
from tests.fuzz.conftest import fuzz_settings
from tests.fuzz.strategies import hostile_text

BIRTH = "1.001193"


@pytest.fixture(scope="module")
def kiosk(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    from kiosk_app.bootstrap import DEMO_TEST_OFFICE, configure_office, open_kiosk
    from kiosk_app.core.intake import VN_TZ

    data = Path(tmp_path_factory.mktemp("intake"))
    configure_office(data, DEMO_TEST_OFFICE)
    k = open_kiosk(data)
    k.intake.clock = FakeClock(datetime(2025, 3, 12, 9, 30, tzinfo=VN_TZ))
    yield k
    k.close()


@fuzz_settings(300)
@given(hostile_text(100) | st.from_regex(r"[0-9a-f./\\]{60,70}", fullmatch=True))
@example("../" * 21 + "a")
@example("0" * 64)
@example("/" + "a" * 63)
@example("A" * 64)
def test_a_hash_names_a_file_inside_the_folder(kiosk: Any, sha: str) -> None:
    try:
        path = kiosk.files.path(sha)
    except AttachmentError as exc:
        assert "Mã băm" in str(exc)
        return
    root = kiosk.files.root.resolve()
    assert path.resolve().is_relative_to(root) and path.name == sha


@fuzz_settings(40, deadline_ms=3000)
@given(hostile_text(60))
@example("\udcff.jpg")  # a Linux file name that is not UTF-8, read with surrogateescape
@example("../../../../etc/passwd")
@example("x" * 100_000)
def test_attachment_names(kiosk: Any, name: str) -> None:
    """Regression: "\\udcff.jpg" raised UnicodeEncodeError at submission."""
    stored = kiosk.files.put_bytes(b"scan")
    ex = kiosk.catalog.get(BIRTH).example_submission()
    r = kiosk.intake.submit(
        BIRTH, ex["answers"], ex["documents"],
        attachments=[{"sha256": stored.sha256, "size": stored.size, "name": name}],
    )  # fmt: skip
    view = kiosk.intake.lookup(r.code)
    (att,) = view.attachments
    assert len(att["name"]) <= 255
    att["name"].encode("utf-8")
    assert kiosk.files.verify(stored.sha256)


def _replace_text(value: Any, draw: st.DrawFn) -> Any:
    if isinstance(value, str):
        return draw(
            st.sampled_from([value, value + draw(hostile_text(20)), draw(hostile_text(40))])
        )
    if isinstance(value, dict):
        return {k: _replace_text(v, draw) for k, v in value.items()}
    if isinstance(value, list):
        return [_replace_text(v, draw) for v in value]
    return value


@fuzz_settings(40, deadline_ms=3000)
@given(st.data())
def test_answer_text(kiosk: Any, data: st.DataObject) -> None:
    """Regression: a lone surrogate in any text answer raised UnicodeEncodeError."""
    ex = kiosk.catalog.get(BIRTH).example_submission()
    answers = _replace_text(ex["answers"], data.draw)
    try:
        r = kiosk.intake.submit(BIRTH, answers, ex["documents"])
    except IntakeError as exc:
        assert str(exc)
        return
    assert kiosk.intake.lookup(r.code) is not None


def test_lone_surrogate_in_an_answer_is_stored(kiosk: Any) -> None:
    ex = kiosk.catalog.get(BIRTH).example_submission()
    answers = dict(ex["answers"], signed_place="Hà Nội \ud800")
    r = kiosk.intake.submit(BIRTH, answers, ex["documents"])
    assert r.code
