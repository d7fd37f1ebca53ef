"""Example answers for a form (``FormDefinition.example_answers``; ``motcua intake example``).

Fields are filled in form order so relevance can depend on earlier answers. For each relevant
field the candidates are, in order: its ``default``, its ``example``, then plausible values by
type (first options, Vietnamese names, a valid 12-digit CCCD, dates in the past, ...); the
first candidate that passes the field's own checks and constraint is kept. Two passes settle
relevance that depends on later fields. Optional fields are filled too (a complete dossier).
"""

from __future__ import annotations

import hashlib
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from kiosk_app.core.form_checks import check_value
from kiosk_app.core.form_fields import Field
from kiosk_app.core.form_normalize import normalize_value

if TYPE_CHECKING:
    from kiosk_app.core.forms import FormDefinition, _Scope

_NAMES = {
    "mother": "Trần Thị Bình",
    "father": "Nguyễn Văn An",
    "child": "Nguyễn Minh Khôi",
    "wife": "Lê Thị Hoa",
    "husband": "Phạm Văn Hùng",
    "deceased": "Hoàng Văn Tư",
    "bride": "Lê Thị Hoa",
    "groom": "Phạm Văn Hùng",
}
_DEFAULT_NAME = "Nguyễn Văn An"
_CCCD = ["001090012345", "001190054321", "079085123456", "046195654321", "031088111222"]


def example_answers(form: FormDefinition) -> dict[str, Any]:
    from kiosk_app.core.forms import _Scope

    gen = _Generator(form)
    answers: dict[str, Any] = {}
    top = form._top()
    for _ in range(2):
        for s in form.sections:
            if not form._section_relevant(s, form.compute(answers)):
                continue
            for f in s.fields:
                scopes = (_Scope(top, form.compute(answers)),)
                if not form._relevant(f, scopes):
                    answers.pop(f.id, None)
                    continue
                if f.id in answers or f.type == "computed":
                    continue
                value = gen.value(f, scopes, f.id)
                if value is not None:
                    answers[f.id] = value
    return form.prune(answers)


class _Generator:
    def __init__(self, form: FormDefinition) -> None:
        self.form = form
        self.today = form.today()
        self.ids = iter(_CCCD * 4)

    def value(self, f: Field, scopes: tuple[_Scope, ...], owner: str) -> Any:
        if f.type == "person":
            return self.item(f, scopes, owner)
        if f.type == "repeat":
            n = max(f.min or 1, 1)
            return [self.item(f, scopes, owner) for _ in range(n)]
        for candidate in self.candidates(f, owner, scopes):
            value = normalize_value(f, candidate)
            if self.acceptable(f, value, scopes):
                return value
        return None

    def item(self, f: Field, scopes: tuple[_Scope, ...], owner: str) -> dict[str, Any]:
        from kiosk_app.core.forms import _Scope

        item: dict[str, Any] = {}
        sub = {c.id: c for c in f.fields}
        for c in f.fields:
            inner = (*scopes, _Scope(sub, item))
            if c.type == "computed" or not self.form._relevant(c, inner):
                continue
            value = self.value(c, inner, owner)
            if value is not None:
                item[c.id] = value
        return item

    def acceptable(self, f: Field, value: Any, scopes: tuple[_Scope, ...]) -> bool:
        filter_value = None
        if f.filter_by:
            from kiosk_app.core.forms import _resolve

            fv = _resolve(f.filter_by, scopes)
            filter_value = fv if isinstance(fv, str) else None
        errors, _ = check_value(
            f,
            value,
            lambda fld: self.form._options(fld, filter_value),
            self.today,
            self.form._address_lists,
        )
        if errors:
            return False
        if f.constraint is None:
            return True
        from kiosk_app.core.expr import truthy

        return truthy(self.form._eval(f.constraint, scopes, value)) is not False

    def candidates(self, f: Field, owner: str, scopes: tuple[_Scope, ...]) -> list[Any]:
        out: list[Any] = [v for v in (f.default, f.example) if v is not None]
        t, fid = f.type, f.id
        today = self.today
        if t in ("text", "long_text"):
            if "name" in fid:
                # the person's role (mother, groom, …) beats the block's generic example, so an
                # example birth declaration does not name the mother "Nguyễn Văn An"
                named = next((v for k, v in _NAMES.items() if k in owner), None)
                if named:
                    out.insert(0, named)
                else:
                    out.append(_DEFAULT_NAME)
            if "addressee" in fid:
                out.append("Ủy ban nhân dân xã Nam Đông")
            if "place" in fid or "noi" in fid:
                out.append("Ủy ban nhân dân xã Nam Đông, thành phố Huế")
            out += ["Nội dung mẫu", "1", "01", "A1", "123", "Sổ 01", "Kinh", "Việt Nam"]
        elif t in ("integer", "money"):
            lo = f.min if f.min is not None else (0 if t == "money" else None)
            base = [1, 2, 10, 100, 1000, 10_000, 0]
            if lo is not None:
                base.insert(0, max(lo, 1) if (f.max is None or f.max >= 1) else lo)
            if f.max is not None:
                base.append(f.max)
            if "year" in fid:
                base.insert(0, 1990)
            out += base
        elif t == "boolean":
            out += [True, False]
        elif t == "date":
            past = [
                today - timedelta(days=10),
                date(1990, 5, 15),
                date(2000, 1, 20),
                today - timedelta(days=365 * 20),
                today,
            ]
            if "issue" in fid:
                past.insert(0, date(2021, 6, 1))
            birth = "birth" in fid or "dob" in fid
            if birth and "child" not in owner + fid:
                past.insert(0, date(1990, 5, 15))
            out += [d.isoformat() for d in past]
            for bound in (f.min, f.max):
                if bound:
                    out.append(today.isoformat() if bound == "today" else bound)
        elif t == "time":
            out += ["08:00", "09:30", "14:00"]
        elif t in ("choice", "multi_choice"):
            filter_value = None
            if f.filter_by:
                from kiosk_app.core.forms import _resolve

                fv = _resolve(f.filter_by, scopes)
                filter_value = fv if isinstance(fv, str) else None
            options = self.form._options(f, filter_value) or []
            if t == "choice":
                out += [o.value for o in options]
            else:
                n = max(f.min or 1, 1)
                out += [[o.value for o in options[:n]]] + [[o.value] for o in options]
        elif t == "id_number":
            if "cccd" in f.accept or "cmnd" in f.accept:
                out += [next(self.ids)]
            out += ["B1234567", "123456789"]
        elif t == "phone":
            out += ["0912345678", "0387654321"]
        elif t == "email":
            out += ["nguyenvanan@example.com"]
        elif t == "address":
            out += self.addresses()
        elif t == "attachment":
            out.append(self.attachment(f))
        return out

    def addresses(self) -> list[dict[str, Any]]:
        detail = "Số 1, thôn Nam Đông"
        provinces = self.form._address_lists("provinces", None) or []
        out = []
        for p in provinces[:3]:
            communes = self.form._address_lists("communes", p.value) or []
            if communes:
                out.append({"province": p.value, "commune": communes[0].value, "detail": detail})
        # the demo commune first (Xã Nam Đông, Huế), so examples read like a local dossier
        return [{"province": "46", "commune": "20179", "detail": detail}, *out]

    @staticmethod
    def attachment(f: Field) -> dict[str, Any]:
        mime = "application/pdf"
        for pattern in f.accept:
            mime = pattern.replace("/*", "/jpeg") if pattern.endswith("/*") else pattern
            break
        ext = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}.get(mime, "bin")
        return {
            "sha256": hashlib.sha256(b"example").hexdigest(),
            "name": f"{f.id}.{ext}",
            "mime": mime,
            "size": 1024,
        }
