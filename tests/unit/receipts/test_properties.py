"""Property test: unusual and very long Vietnamese strings never leave the page and never get
lost (a few examples only, so the folder stays fast; markup characters included)."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from kiosk_app.receipts.render import render_pdf

from .conftest import (
    flat,
    needs_poppler,
    page_texts,
    pdf_text,
    submit,
    update_stored,
    words_with_boxes,
)

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
@example(name="0", address="0-", docs=[], paper="a4")  # a trailing "-", seen on CI
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
    # pdftotext joins a line ending in "-" with the next one and drops the "-" (it takes it for
    # hyphenation) unless it keeps the layout; the layout mode in turn interleaves table cells
    # that wrap. A value must be whole, twice, in one of the two readings.
    laid_out = _squash(pdf_text(pdf, tmp, layout=True))
    for value in (name, address, *docs):
        found = max(text.count(_squash(value)), laid_out.count(_squash(value)))
        assert found >= 2, value  # in both copies
    pages, words = words_with_boxes(pdf, tmp)
    for page, word_text, x0, y0, x1, y1 in words:
        width, height = pages[page]
        assert x0 >= 0 and y0 >= 0 and x1 <= width + 0.5 and y1 <= height + 0.5, word_text


@pytest.mark.parametrize("name", ["A & B <b>not bold</b>", "Ông {name} 100%"])
def test_markup_and_braces_print_as_typed(kiosk, tmp_path, name):
    code = submit(kiosk)
    update_stored(kiosk, code, applicant_name=name)
    assert f"Tiếp nhận hồ sơ của: {name}" in flat(page_texts(render_pdf(kiosk, code), tmp_path)[0])


def test_a_trailing_hyphen_is_printed(kiosk, tmp_path):
    """Found by the property test on CI: an address ending in "-" (pdftotext's reading aside)."""
    code = submit(kiosk)
    update_stored(kiosk, code, applicant_name="0", applicant_address="0-")
    text = pdf_text(render_pdf(kiosk, code, paper="a4"), tmp_path, layout=True)
    assert text.count("Địa chỉ: 0-") == 2
