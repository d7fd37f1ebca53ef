"""The procedure catalogue: the shipped data, fee rules, checklists and load errors."""

from __future__ import annotations

import shutil
import time
from datetime import date
from datetime import time as dtime
from pathlib import Path

import pytest

from kiosk_app.core.catalog import (
    CatalogError,
    CatalogProblem,
    engine_forms_loader,
    load_catalog,
    validate_catalog,
)
from kiosk_app.core.form_fields import Option
from kiosk_app.core.forms import FormDefinition
from kiosk_app.core.text import Text
from kiosk_app.core.textfold import fold
from kiosk_app.core.timeunits import ProcessingTime
from kiosk_app.resources import resource_path

CODES = {
    "1.001193", "1.000894", "1.000656", "1.004873", "2.000815",
    "2.000884", "1.004859", "2.000635", "1.001022",
}  # fmt: skip
# provinces and communes come from resources/admin_units/, the others from resources/lists/.
FILE_LISTS = ("ethnic_groups", "nationalities", "relationships", "sexes")


def _stub_lists(name: str, filter_value: str | None = None) -> list:
    return [Option("01", Text("Một", "One")), Option("02", Text("Hai", "Two"))]


@pytest.fixture(scope="module")
def catalog():
    """The shipped catalogue with engine forms (stub lists: resources/lists/ may be unshipped)."""
    return load_catalog(forms_loader=engine_forms_loader(resource_path("forms"), lists=_stub_lists))


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """A private copy of the shipped procedures and forms to break."""
    shutil.copytree(resource_path("procedures"), tmp_path / "procedures")
    shutil.copytree(resource_path("forms"), tmp_path / "forms")
    return tmp_path


def _problems(root: Path) -> list[CatalogProblem]:
    return validate_catalog(root, forms_loader=None)


# ---------------------------------------------------------------- the shipped catalogue


def test_real_catalogue_has_the_nine_procedures(catalog):
    assert set(catalog.procedures) >= CODES
    assert set(catalog.fields) == {"ho_tich", "chung_thuc"}
    assert catalog.version
    for proc in catalog.procedures.values():
        assert proc.level == "xa"
        assert proc.source["licence"] and proc.source["retrieved"]
        assert proc.legal_basis and proc.version
        assert resource_path("forms", f"{proc.form_id}.yaml").is_file()
        assert any(d.template == proc.form_id for d in proc.documents), proc.code


def test_processing_times_follow_the_law(catalog):
    birth = catalog.get("1.001193")
    assert birth.processing_time == ProcessingTime(0, "same_day", dtime(15, 0))
    marriage = catalog.get("1.000894")
    assert marriage.processing_time.unit == "on_receipt"
    assert marriage.verification_time == ProcessingTime(5, "working_days")
    assert catalog.get("1.004873").processing_time == ProcessingTime(3, "working_days")
    assert catalog.get("2.000815").processing_time.cutoff == dtime(15, 0)


def test_every_form_passes_the_form_engine():
    loader = engine_forms_loader(resource_path("forms"), lists=_stub_lists)
    assert validate_catalog(forms_loader=loader) == []


def test_every_form_passes_with_the_shipped_lists():
    missing = [n for n in FILE_LISTS if not resource_path("lists", f"{n}.yaml").is_file()]
    if missing:
        pytest.skip(f"lists not shipped yet: {missing}")
    assert validate_catalog() == []


def test_without_engine_forms_answers_are_used_as_given():
    proc = load_catalog(forms_loader=None).get("2.000815")
    assert isinstance(proc.form, dict) and not isinstance(proc.form, FormDefinition)
    docs = [{"title": "a", "pages": 1, "copies": 1}]
    assert proc.environment({"documents": docs}) == {"documents": docs}


def test_loading_is_fast_and_not_cached_globally():
    start = time.perf_counter()
    first = load_catalog(forms_loader=None)
    second = load_catalog(forms_loader=None)
    assert time.perf_counter() - start < 1.0
    assert first is not second and first.procedures.keys() == second.procedures.keys()


# ---------------------------------------------------------------- fees


@pytest.mark.parametrize(
    ("pages", "copies", "fee"),
    [(1, 1, 2_000), (2, 1, 4_000), (3, 1, 5_000), (250, 1, 200_000), (3, 2, 10_000),
     (250, 2, 400_000)],
)  # fmt: skip
def test_certified_copy_fee(catalog, pages, copies, fee):
    proc = catalog.get("2.000815")
    assert proc.fee_for({"documents": [{"title": "x", "pages": pages, "copies": copies}]}) == fee


def test_certified_copy_fee_sums_the_papers(catalog):
    docs = [{"title": "a", "pages": 1, "copies": 1}, {"title": "b", "pages": 3, "copies": 2}]
    proc = catalog.get("2.000815")
    assert proc.fee_for({"documents": docs}) == 12_000
    assert proc.environment({"documents": docs})["documents"][1]["fee"] == 10_000
    assert proc.fee_for({}) == 0


def test_signature_and_extract_fees(catalog):
    sig = catalog.get("2.000884")
    assert sig.fee_for({"documents": [{"title": "a"}, {"title": "b"}]}) == 20_000
    assert sig.fee_for({}) == 10_000
    extract = catalog.get("2.000635")
    assert extract.fee_for({"copies": 3}) == 24_000
    assert extract.fee_for({}) == 8_000


def test_birth_is_free_on_time_and_provincial_when_late(catalog):
    birth = catalog.get("1.001193")
    today = date(2026, 11, 23)
    assert birth.fee_for({"child_dob": "2026-11-01"}, today=today) == 0
    assert birth.case_for({"child_dob": "2026-11-01"}, today=today).id == "dung_han"
    late = birth.case_for({"child_dob": "2025-01-01"}, today=today)
    assert late.id == "qua_han" and late.fee.type == "provincial"
    assert birth.fee_for({"child_dob": "2025-01-01"}, today=today) == late.fee.amount > 0


def test_case_changes_processing_time(catalog):
    proc = catalog.get("1.004859")
    assert proc.processing_time_for({"request_kinds": ["bo_sung"]}).unit == "same_day"
    both = {"request_kinds": ["bo_sung", "cai_chinh"]}
    assert proc.processing_time_for(both) == ProcessingTime(3, "working_days")


# ---------------------------------------------------------------- documents


def _ids(docs) -> list[str]:
    return [d.id for d in docs]


def test_required_documents_follow_answers(catalog):
    birth = catalog.get("1.001193")
    base = _ids(birth.required_documents({}))
    assert "giay_chung_nhan_ket_hon" not in base and "van_ban_uy_quyen" not in base
    married = _ids(birth.required_documents({"parents_married": True, "requester_is_proxy": True}))
    assert married == base[:3] + ["giay_chung_nhan_ket_hon", "van_ban_uy_quyen"]

    marital = catalog.get("1.004873")
    prior = {"previous_marriages": [{"spouse_name": "A", "end_reason": "divorced"}]}
    assert "giay_to_cham_dut_hon_nhan" in _ids(marital.required_documents(prior))
    assert "giay_to_cham_dut_hon_nhan" not in _ids(marital.required_documents({}))

    recog = catalog.get("1.001022")
    assert "van_ban_cam_doan" in _ids(recog.required_documents({"evidence_kind": "cam_doan"}))
    assert "chung_cu" in _ids(recog.required_documents({"evidence_kind": "adn"}))


def test_required_document_uses_computed_age(catalog):
    proc = catalog.get("1.004859")
    child = {"request_kinds": ["thay_doi"], "subject": {"date_of_birth": "2015-01-01"}}
    adult = {"request_kinds": ["thay_doi"], "subject": {"date_of_birth": "1990-01-01"}}
    today = date(2026, 11, 23)
    assert "y_kien_nguoi_con" in _ids(proc.required_documents(child, today=today))
    assert "y_kien_nguoi_con" not in _ids(proc.required_documents(adult, today=today))


# ---------------------------------------------------------------- search


def test_search_ignores_diacritics_and_folds_d(catalog):
    assert fold("Đăng ký Khai Tử") == "dang ky khai tu"
    assert [p.code for p in catalog.search("dang ky khai tu")] == ["1.000656"]
    assert {p.code for p in catalog.search("CHỨNG THỰC")} == {"2.000815", "2.000884"}
    assert [p.code for p in catalog.search("1.0011")] == ["1.001193"]
    assert [p.code for p in catalog.search("marriage registration")] == ["1.000894"]
    assert len(catalog.search("")) == len(catalog.procedures)


def test_by_field_groups_in_catalogue_order(catalog):
    groups = catalog.by_field()
    assert list(groups) == ["ho_tich", "chung_thuc"]
    assert {p.code for p in groups["chung_thuc"]} == {"2.000815", "2.000884"}
    assert sum(len(v) for v in groups.values()) == len(catalog.procedures)
    with pytest.raises(KeyError):
        catalog.get("9.999999")


# ---------------------------------------------------------------- broken files


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_missing_code(tree):
    _edit(tree / "procedures/khai_sinh.yaml", 'code: "1.001193"\n', "")
    assert CatalogProblem("procedures/khai_sinh.yaml", "code", "missing") in _problems(tree)


def test_bad_unit(tree):
    _edit(tree / "procedures/ket_hon.yaml", "unit: on_receipt", "unit: fortnights")
    msgs = [str(p) for p in _problems(tree)]
    assert any(
        m.startswith("procedures/ket_hon.yaml: processing_time.unit: unknown unit 'fortnights'")
        for m in msgs
    ), msgs


def test_unknown_document_form_message(tree):
    path = tree / "procedures/khai_sinh.yaml"
    text = path.read_text(encoding="utf-8")
    # third document (index 2): giay_to_nguoi_yeu_cau
    head, tail = text.split("  - id: giay_to_nguoi_yeu_cau", 1)
    path.write_text(
        head
        + "  - id: giay_to_nguoi_yeu_cau"
        + tail.replace("forms: [original]", "forms: [scan]", 1)
    )
    with pytest.raises(CatalogError) as info:
        load_catalog(tree, forms_loader=None)
    assert (
        "procedures/khai_sinh.yaml: documents[2].forms: unknown value 'scan' "
        "(expected original, certified_copy, photocopy)"
    ) in str(info.value).splitlines()


def test_duplicate_code(tree):
    shutil.copy(tree / "procedures/khai_tu.yaml", tree / "procedures/khai_tu_copy.yaml")
    problems = _problems(tree)
    dup = [p for p in problems if p.file == "procedures/khai_tu_copy.yaml"]
    assert dup and dup[0].field == "code" and "duplicate code '1.000656'" in dup[0].problem


def test_unknown_form(tree):
    _edit(tree / "procedures/khai_tu.yaml", "form: to_khai_khai_tu", "form: to_khai_khong_co")
    problems = _problems(tree)
    assert any(
        p.file == "procedures/khai_tu.yaml" and p.field == "form" and "unknown form" in p.problem
        for p in problems
    ), problems


def test_malformed_yaml(tree):
    (tree / "procedures/hong.yaml").write_text("code: [1.0\nname: {vi: x", encoding="utf-8")
    problems = _problems(tree)
    bad = [p for p in problems if p.file == "procedures/hong.yaml"]
    assert len(bad) == 1 and "malformed YAML" in bad[0].problem and "line" in bad[0].field


def test_all_errors_are_collected(tree):
    _edit(tree / "procedures/khai_sinh.yaml", "unit: same_day", "unit: weeks")
    _edit(tree / "procedures/ket_hon.yaml", "type: free", "type: cheap")
    _edit(tree / "procedures/khai_tu.yaml", "field: {id: ho_tich", "field: {id: dat_dai")
    _edit(tree / "procedures/chung_thuc_ban_sao.yaml", "field: total_fee", "field: tong")
    with pytest.raises(CatalogError) as info:
        load_catalog(tree, forms_loader=None)
    where = {(p.file, p.field) for p in info.value.problems}
    assert {
        ("procedures/khai_sinh.yaml", "processing_time.unit"),
        ("procedures/ket_hon.yaml", "fee.type"),
        ("procedures/khai_tu.yaml", "field.id"),
        ("procedures/chung_thuc_ban_sao.yaml", "fee.field"),
    } <= where


def test_expression_errors_are_reported(tree):
    _edit(
        tree / "procedures/khai_sinh.yaml",
        'required: "parents_married == true"',
        'required: "parents_married =="',
    )
    _edit(
        tree / "procedures/khai_tu.yaml",
        'required: "requester_is_proxy == true"',
        'required: "no_such_field"',
    )
    problems = _problems(tree)
    assert any(
        p.field == "documents[3].required" and "bad expression" in p.problem for p in problems
    )
    assert any(
        p.file == "procedures/khai_tu.yaml" and "unknown field 'no_such_field'" in p.problem
        for p in problems
    )


def test_unquoted_code_and_bad_fee_amount(tree):
    _edit(tree / "procedures/khai_tu.yaml", 'code: "1.000656"', "code: 1.000656")
    _edit(tree / "procedures/chung_thuc_chu_ky.yaml", "amount: 10000", "amount: ten")
    problems = {(p.file, p.field) for p in _problems(tree)}
    assert ("procedures/khai_tu.yaml", "code") in problems
    assert ("procedures/chung_thuc_chu_ky.yaml", "fee.amount") in problems


def test_form_engine_errors_become_problems(tree):
    _edit(tree / "forms/to_khai_khai_tu.yaml", "type: time", "type: sundial")
    loader = engine_forms_loader(tree / "forms", lists=_stub_lists)
    problems = validate_catalog(tree, forms_loader=loader)
    assert problems and all(p.file == "forms/to_khai_khai_tu.yaml" for p in problems)
    assert "sundial" in str(problems[0])


def test_catalog_error_forms():
    err = CatalogError("procedures/x.yaml", "code", "missing")
    assert str(err) == "procedures/x.yaml: code: missing"
    assert (err.file, err.field, err.problem) == ("procedures/x.yaml", "code", "missing")


# ---------------------------------------------------------------- ProcessingTime


@pytest.mark.parametrize(
    ("args", "ok"),
    [((3, "working_days"), True), ((0, "same_day", dtime(15)), True), ((2, "same_day"), False),
     ((1, "weeks"), False), ((-1, "hours"), False), ((3, "working_days", dtime(15)), False),
     ((True, "hours"), False)],
)  # fmt: skip
def test_processing_time_checks(args, ok):
    if ok:
        ProcessingTime(*args)
    else:
        with pytest.raises(ValueError):
            ProcessingTime(*args)


def test_processing_time_describe():
    assert ProcessingTime(3, "working_days").describe() == "3 ngày làm việc"
    assert "15:00" in ProcessingTime(0, "same_day", dtime(15)).describe("en")
