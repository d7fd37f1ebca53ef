"""Form engine: definition checks, normalise/compute/relevance/validate/prune/example."""

from __future__ import annotations

import copy
from datetime import date

import pytest
import yaml

from kiosk_app.core.forms import FormDefinition, FormDefinitionError
from kiosk_app.core.lists import StaticLists
from kiosk_app.resources import resource_path

TODAY = date(2025, 3, 15)
BLOCK = yaml.safe_load(resource_path("forms", "blocks", "person.yaml").read_text("utf-8"))
SMALL = {
    "sexes": [("nam", {"vi": "Nam", "en": "Male"}), ("nu", {"vi": "Nữ", "en": "Female"})],
    "ethnic_groups": ["kinh", "tay"],
    "nationalities": ["VN", "US"],
    "relationships": ["cha", "me", "khac"],
    "provinces": ["01", "46"],
    "communes": ["00004", "20179"],
}
LISTS = StaticLists(SMALL, filters={"communes": {"01": ["00004"], "46": ["20179"]}})


def blocks(name):
    if name == "person":
        return BLOCK
    raise KeyError(name)


def L(vi):  # noqa: N802
    return {"vi": vi, "en": vi}


def form_data(*fields, sections=None):
    return {
        "id": "test_form",
        "version": "1",
        "source": {"title": "test"},
        "title": L("Tờ khai thử"),
        "sections": sections or [{"id": "main", "title": L("Chính"), "fields": list(fields)}],
    }


def build(*fields, sections=None):
    return FormDefinition.from_dict(
        form_data(*fields, sections=sections),
        "test_form.yaml",
        blocks=blocks,
        lists=LISTS,
        today=lambda: TODAY,
    )


COPY_FORM = [
    {
        "id": "mode",
        "type": "choice",
        "label": L("Hình thức"),
        "required": True,
        "options": [
            {"value": "desk", "label": L("Tại quầy")},
            {"value": "post", "label": L("Bưu điện")},
        ],
    },
    {
        "id": "postal_address",
        "type": "text",
        "label": L("Địa chỉ nhận"),
        "required": True,
        "relevant": "mode == 'post'",
    },
    {
        "id": "documents",
        "type": "repeat",
        "label": L("Giấy tờ"),
        "min": 1,
        "max": 5,
        "fields": [
            {"id": "name", "type": "text", "label": L("Tên"), "required": True},
            {
                "id": "pages",
                "type": "integer",
                "label": L("Số trang"),
                "required": True,
                "min": 1,
                "max": 500,
            },
            {
                "id": "copies",
                "type": "integer",
                "label": L("Số bản"),
                "required": True,
                "min": 1,
                "max": 50,
            },
            {
                "id": "fee",
                "type": "computed",
                "label": L("Phí"),
                "value_type": "money",
                "expr": "min(2000 * min(pages, 2) + 1000 * max(pages - 2, 0), 200000) * copies",
            },
        ],
    },
    {
        "id": "total",
        "type": "computed",
        "label": L("Tổng"),
        "value_type": "money",
        "expr": "sum(documents, 'fee')",
    },
]


@pytest.fixture
def copy_form():
    return build(*COPY_FORM)


# ------------------------------------------------------------------ definition errors


@pytest.mark.parametrize(
    ("field", "path", "fragment"),
    [
        ({"id": "a", "type": "txt", "label": L("A")}, "a", "unknown type"),
        ({"id": "A", "type": "text", "label": L("A")}, "fields[0]", "bad field id"),
        (
            {"id": "a", "type": "text", "label": L("A"), "relevant": "b == 1"},
            "a.relevant",
            "unknown field 'b'",
        ),
        (
            {"id": "a", "type": "text", "label": L("A"), "relevant": "foo(a)"},
            "a.relevant",
            "unknown function",
        ),
        ({"id": "a", "type": "text", "label": L("A"), "relevant": "a +"}, "a.relevant", "column 4"),
        (
            {"id": "a", "type": "choice", "label": L("A"), "options_from": "planets"},
            "a.options_from",
            "unknown list",
        ),
        ({"id": "a", "type": "text", "label": {"vi": "A"}}, "a.label", "'en'"),
        ({"id": "a", "type": "text", "label": L("A"), "colour": "red"}, "a", "unknown keys"),
        (
            {"id": "a", "type": "text", "label": L("A"), "relevant": ". == 1"},
            "a.relevant",
            "only allowed in 'constraint'",
        ),
        ({"id": "a", "type": "computed", "label": L("A"), "expr": "a + 1"}, "a", "cycle"),
        (
            {"id": "a", "type": "person", "label": L("A"), "include": ["shoe_size"]},
            "a.include",
            "shoe_size",
        ),
        (
            {
                "id": "a",
                "type": "person",
                "label": L("A"),
                "include": ["full_name"],
                "required": ["phone"],
            },
            "a.required",
            "not included",
        ),
        (
            {"id": "a", "type": "person", "label": L("A"), "block": "robot"},
            "a.block",
            "unknown block",
        ),
        (
            {"id": "a", "type": "integer", "label": L("A"), "min": 5, "max": 1},
            "a",
            "min is greater",
        ),
        ({"id": "a", "type": "text", "label": L("A"), "pattern": "("}, "a.pattern", "bad regex"),
    ],
)
def test_definition_errors_name_file_field_problem(field, path, fragment):
    with pytest.raises(FormDefinitionError) as info:
        build(field)
    err = info.value
    assert err.source == "test_form.yaml"
    assert err.field_path == path
    assert fragment in err.problem
    assert str(err).startswith(f"test_form.yaml: {path}: ")


def test_duplicate_ids_across_sections():
    f = {"id": "a", "type": "text", "label": L("A")}
    with pytest.raises(FormDefinitionError, match="duplicate field id"):
        build(
            sections=[
                {"id": "s1", "title": L("1"), "fields": [f]},
                {"id": "s2", "title": L("2"), "fields": [f]},
            ]
        )


def test_computed_cycle_between_fields_and_repeat():
    with pytest.raises(FormDefinitionError, match="cycle"):
        build(
            {"id": "x", "type": "computed", "label": L("x"), "expr": "sum(items, 'y')"},
            {
                "id": "items",
                "type": "repeat",
                "label": L("i"),
                "fields": [{"id": "y", "type": "computed", "label": L("y"), "expr": "x"}],
            },
        )


def test_unknown_subfield_and_sum_key():
    person = {"id": "p", "type": "person", "label": L("P"), "include": ["full_name"]}
    with pytest.raises(FormDefinitionError, match="not a sub-field"):
        build(person, {"id": "q", "type": "text", "label": L("Q"), "relevant": "p.phone == '1'"})
    with pytest.raises(FormDefinitionError, match="not a field of repeat"):
        build(
            *COPY_FORM[2:3],
            {"id": "t", "type": "computed", "label": L("t"), "expr": "sum(documents, 'price')"},
        )


def test_id_must_match_file_name():
    with pytest.raises(FormDefinitionError, match="file name"):
        FormDefinition.from_dict(
            form_data({"id": "a", "type": "text", "label": L("A")}),
            "other.yaml",
            blocks=blocks,
            lists=LISTS,
        )


# ------------------------------------------------------------------ structure API


def test_structure(copy_form):
    assert [f.id for f in copy_form.fields] == ["mode", "postal_address", "documents", "total"]
    assert copy_form.field("documents[0].fee").type == "computed"
    assert copy_form.field("documents.pages").max == 500
    assert [o.value for o in copy_form.field("mode").options] == ["desk", "post"]
    with pytest.raises(KeyError):
        copy_form.field("nope")


def test_person_include_and_required():
    form = build(
        {
            "id": "mother",
            "type": "person",
            "label": L("Mẹ"),
            "include": ["id_number", "full_name"],
            "required": ["full_name"],
        }
    )
    sub = form.field("mother").fields
    assert [f.id for f in sub] == ["full_name", "id_number"]  # block order kept
    assert sub[0].required is True and sub[1].required is False
    res = form.validate({"mother": {"id_number": "001090012345"}})
    assert [(i.path, i.code) for i in res.errors] == [("mother.full_name", "required")]


# ------------------------------------------------------------------ normalise


@pytest.mark.parametrize(
    ("ftype", "raw", "stored"),
    [
        ("date", "15/03/2025", "2025-03-15"),
        ("date", "5/3/2025", "2025-03-05"),
        ("date", "2025-03-15", "2025-03-15"),
        ("date", "31/02/2025", "31/02/2025"),
        ("integer", "1.000.000", 1_000_000),
        ("integer", "1,000,000", 1_000_000),
        ("integer", " 42 ", 42),
        ("money", "200.000 đ", 200_000),
        ("integer", "1.5", "1.5"),
        ("text", "  Nguye\u0302\u0303n   Văn  An ", "Nguyễn Văn An"),
        ("text", "   ", None),
        ("boolean", "có", True),
        ("time", "7h30", "07:30"),
        ("phone", "+84 912 345 678", "0912345678"),
        ("phone", "091.234.5678", "0912345678"),
        ("email", " An@Example.COM ", "an@example.com"),
        ("id_number", " 0010 9001 2345 ", "001090012345"),
    ],
)
def test_normalize(ftype, raw, stored):
    form = build({"id": "v", "type": ftype, "label": L("V")})
    assert form.normalize({"v": raw}) == {"v": stored}


def test_normalize_address_and_repeat(copy_form):
    form = build({"id": "home", "type": "address", "label": L("Nhà")})
    assert form.normalize({"home": {"province": 1, "commune": 4, "detail": " số  1 "}}) == {
        "home": {"province": "01", "commune": "00004", "detail": "số 1"}
    }
    out = copy_form.normalize({"documents": [{"pages": "3", "copies": "2"}]})
    assert out["documents"] == [{"pages": 3, "copies": 2}]


# ------------------------------------------------------------------ compute


def test_compute_fee_in_repeat_and_total(copy_form):
    answers = {
        "mode": "desk",
        "documents": [
            {"name": "CCCD", "pages": 3, "copies": 2},
            {"name": "Bằng", "pages": 1, "copies": 1},
            {"name": "Sổ", "pages": 400, "copies": 1},
        ],
    }
    before = copy.deepcopy(answers)
    out = copy_form.compute(answers)
    assert [d["fee"] for d in out["documents"]] == [10000, 2000, 200000]
    assert out["total"] == 212000
    assert answers == before  # never mutates


def test_computed_date_words():
    form = build(
        {"id": "dob", "type": "date", "label": L("Ngày sinh")},
        {
            "id": "dob_words",
            "type": "computed",
            "label": L("Bằng chữ"),
            "expr": "date_words(dob)",
            "value_type": "text",
        },
    )
    assert form.compute({"dob": "2025-03-15"})["dob_words"] == (
        "Ngày mười lăm tháng ba năm hai nghìn không trăm hai mươi lăm"
    )
    assert form.compute({})["dob_words"] is None


# ------------------------------------------------------------------ relevance, validate, prune


def test_relevance(copy_form):
    assert not copy_form.is_relevant("postal_address", {"mode": "desk"})
    assert copy_form.is_relevant("postal_address", {"mode": "post"})
    assert copy_form.is_relevant("documents[0].pages", {"documents": [{}]})
    assert [f.id for f in copy_form.visible_fields("main", {"mode": "desk"})] == [
        "mode",
        "documents",
        "total",
    ]


def test_section_relevance():
    form = build(
        sections=[
            {
                "id": "a",
                "title": L("A"),
                "fields": [{"id": "married", "type": "boolean", "label": L("x")}],
            },
            {
                "id": "b",
                "title": L("B"),
                "relevant": "married",
                "fields": [{"id": "spouse", "type": "text", "label": L("y"), "required": True}],
            },
        ]
    )
    assert form.validate({"married": False}).ok
    assert not form.validate({"married": True}).ok
    assert form.visible_fields("b", {"married": False}) == []
    assert not form.is_relevant("spouse", {"married": False})


def test_validate_messages(copy_form):
    res = copy_form.validate(
        {"mode": "post", "documents": [{"name": "A", "pages": 0, "copies": 1}]}
    )
    codes = {(i.path, i.code) for i in res.errors}
    assert codes == {("postal_address", "required"), ("documents[0].pages", "min")}
    msg = next(i.message for i in res.errors if i.code == "required")
    assert msg.vi == "Bắt buộc nhập" and msg.en == "Required"


def test_validate_section_only(copy_form):
    res = copy_form.validate({}, section="main")
    assert {i.path for i in res.errors} == {"mode", "documents"}
    with pytest.raises(KeyError):
        copy_form.validate({}, section="nope")


def test_repeat_min_max(copy_form):
    doc = {"name": "A", "pages": 1, "copies": 1}
    res = copy_form.validate({"mode": "desk", "documents": [doc] * 6})
    assert [(i.path, i.code) for i in res.errors] == [("documents", "repeat_max")]


@pytest.mark.parametrize(
    ("field", "value", "code", "vi"),
    [
        ({"type": "date"}, "31/02/2025", "date", "Ngày không hợp lệ (dạng DD/MM/YYYY)"),
        ({"type": "date", "max": "today"}, "2025-03-16", "date_future", None),
        ({"type": "integer", "min": 1}, "abc", "integer", None),
        ({"type": "text", "pattern": "[0-9]{3}"}, "12a", "pattern", None),
        ({"type": "text", "max_length": 3}, "abcd", "max_length", None),
        ({"type": "choice", "options_from": "sexes"}, "other", "choice", None),
        (
            {"type": "multi_choice", "options_from": "nationalities", "max": 1},
            ["VN", "US"],
            "max_count",
            None,
        ),
        ({"type": "phone"}, "12345", "phone", None),
        ({"type": "email"}, "not-an-email", "email", None),
        (
            {"type": "id_number", "accept": ["cccd"]},
            "12345",
            "id_number",
            "12 chữ số",  # kiosk_app.core.identity words it; the length must be named
        ),
        ({"type": "boolean"}, "maybe", "boolean", None),
        ({"type": "time"}, "25:00", "time", None),
        (
            {
                "type": "integer",
                "constraint": ". % 2 == 0",
                "constraint_message": {"vi": "Phải là số chẵn", "en": "Must be even"},
            },
            3,
            "constraint",
            "Phải là số chẵn",
        ),
    ],
)
def test_field_checks(field, value, code, vi):
    form = build({"id": "v", "label": L("V"), **field})
    res = form.validate({"v": value})
    assert [i.code for i in res.errors] == [code]
    assert res.errors[0].path == "v"
    if vi is not None:
        assert vi in res.errors[0].message.vi


def test_address_checks():
    form = build({"id": "home", "type": "address", "label": L("Nhà"), "required": True})
    assert form.validate({"home": {"province": "46", "commune": "20179", "detail": "Thôn 1"}}).ok
    res = form.validate({"home": {"province": "46", "commune": "00004", "detail": "Thôn 1"}})
    assert [(i.path, i.code) for i in res.errors] == [("home.commune", "commune")]
    res = form.validate({"home": {"province": "99", "commune": "00004"}})
    assert {(i.path, i.code) for i in res.errors} == {
        ("home.detail", "required"),
        ("home.province", "province"),
    }


def test_commune_choice_filtered_by_province():
    form = build(
        {"id": "province", "type": "choice", "label": L("Tỉnh"), "options_from": "provinces"},
        {
            "id": "commune",
            "type": "choice",
            "label": L("Xã"),
            "options_from": "communes",
            "filter_by": "province",
        },
    )
    assert form.validate({"province": "46", "commune": "20179"}).ok
    assert not form.validate({"province": "01", "commune": "20179"}).ok
    assert [o.value for o in form.options_for("commune", {"province": "01"})] == ["00004"]


def test_attachment_checks():
    form = build(
        {
            "id": "scan",
            "type": "attachment",
            "label": L("Bản chụp"),
            "accept": ["image/*", "application/pdf"],
            "max_size": "1MB",
        }
    )
    good = {"sha256": "a" * 64, "name": "x.jpg", "mime": "image/jpeg", "size": 1000}
    assert form.validate({"scan": good}).ok
    res = form.validate({"scan": {**good, "mime": "text/plain", "size": 2 * 1024 * 1024}})
    assert {i.code for i in res.errors} == {"mime", "max_size"}


def test_prune_drops_irrelevant_and_unknown(copy_form):
    answers = {
        "mode": "desk",
        "postal_address": "Hà Nội",
        "junk": 1,
        "documents": [{"name": "A", "pages": 1, "copies": 1}],
    }
    out = copy_form.prune(answers)
    assert "postal_address" not in out and "junk" not in out
    assert out["documents"][0]["fee"] == 2000 and out["total"] == 2000
    assert copy_form.validate(answers).warnings[0].code == "unknown_field"


def test_example_answers_valid(copy_form):
    ex = copy_form.example_answers()
    assert copy_form.validate(ex).errors == []
    assert ex["mode"] == "desk" and len(ex["documents"]) == 1
