"""Property test: unusual and very long Vietnamese strings never leave the page and never get
lost (a few examples only, so the folder stays fast; markup characters included)."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kiosk_app.receipts.render import render_pdf

from .conftest import flat, needs_poppler, page_texts, submit, update_stored, words_with_boxes

pytestmark = needs_poppler

LETTERS = (
    "aàáảãạăằắẳẵặâầấẩẫậbcdđeèéẻẽẹêềếểễệghiìíỉĩịklmnoòóỏõọôồốổỗộơờớởỡợpqrstuùúủũụưừứửữựvxyỳýỷỹỵ"
)
ALPHABET = LETTERS + LETTERS.upper() + "0123456789" + "<>&'\"/.,;:()-–—%#@"
word = st.text(alphabet=ALPHABET, min_size=1, max_size=60)
phrase = st.lists(word, min_size=1, max_size=40).map(" ".join)


def _squash(text: str) -> str:
    return unicodedata.normalize("NFC", flat(text)).replace(" ", "")


@settings(
    max_examples=6,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    name=phrase,
    address=phrase,
    docs=st.lists(phrase, min_size=0, max_size=12),
    paper=st.sampled_from(["a4", "a5"]),
)
def test_nothing_outside_the_page_nothing_lost(kiosk, tmp_path_factory, name, address, docs, paper):
    tmp = tmp_path_factory.mktemp("prop")
    more = [{"name": d, "form": "certified_copy", "count": 2} for d in docs]
    code = submit(kiosk, more_documents=more)
    update_stored(kiosk, code, applicant_name=name, applicant_address=address)
    pdf = render_pdf(kiosk, code, paper=paper)
    text = _squash(" ".join(page_texts(pdf, tmp)))
    for value in (name, address, *docs):
        assert text.count(_squash(value)) >= 2, value  # in both copies
    pages, words = words_with_boxes(pdf, tmp)
    for page, word_text, x0, y0, x1, y1 in words:
        width, height = pages[page]
        assert x0 >= 0 and y0 >= 0 and x1 <= width + 0.5 and y1 <= height + 0.5, word_text


@pytest.mark.parametrize("name", ["A & B <b>not bold</b>", "Ông {name} 100%"])
def test_markup_and_braces_print_as_typed(kiosk, tmp_path, name):
    code = submit(kiosk)
    update_stored(kiosk, code, applicant_name=name)
    assert f"Tiếp nhận hồ sơ của: {name}" in flat(page_texts(render_pdf(kiosk, code), tmp_path)[0])
