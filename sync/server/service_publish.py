"""Publishing to the devices: the procedure catalogue, holiday calendars and settings (a
mixin of :class:`sync.server.service.Service`)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from sync.server.db import utcnow
from sync.server.service_common import (
    ApiError,
    _dumps,
    canonical,
    sha256_hex,
)


class PublishMixin:
    """Catalogue, calendar and settings publishing; every bundle signed by the province key."""

    def signed(self, feed: str, data: dict[str, Any]) -> dict[str, Any]:
        """``data`` with the province's signature (sync.signature)."""
        from sync.server.keys import ProvinceKeyError, signer_for

        try:
            return signer_for(self).sign(feed, data)
        except ProvinceKeyError as exc:
            raise ApiError("unavailable", str(exc)) from None

    def province_key(self) -> dict[str, Any]:
        """The public key document kiosks pin (sent with every enrolment)."""
        from sync.server.keys import signer_for

        return signer_for(self).public_doc

    # ============================================================== publishing
    def publish_catalog(self, folder: Path) -> dict[str, Any]:
        """Validate a catalogue folder with kiosk_app.core.catalog and publish it."""
        from kiosk_app.core.catalog import validate_catalog

        folder = Path(folder)
        if not folder.is_dir():
            raise ApiError("bad_request", f"{folder}: không phải thư mục")
        problems = validate_catalog(folder)
        if problems:
            raise ApiError(
                "bad_payload",
                "Danh mục có lỗi, chưa công bố",
                extra={"problems": [str(p) for p in problems]},
            )
        from kiosk_app.core.catalog import load_catalog

        catalog = load_catalog(folder)
        # the layouts kiosk_app.core.catalog reads: a resources root with procedures/ and
        # forms/, or the procedures folder itself with forms/ beside it
        if (folder / "catalog.yaml").is_file() and not (folder / "procedures").is_dir():
            proc_dir, forms_dir = folder, folder.parent / "forms"
        else:
            proc_dir, forms_dir = folder / "procedures", folder / "forms"
        files: dict[str, str] = {}
        for prefix, root in (("procedures", proc_dir), ("forms", forms_dir)):
            for path in sorted(root.rglob("*.yaml")):
                rel = path.relative_to(root).as_posix()
                files[f"{prefix}/{rel}"] = path.read_text(encoding="utf-8")
        digest = sha256_hex(canonical(files))
        version = str(catalog.version)
        now = utcnow()
        with self.db.tx() as tx:
            have = tx.one("SELECT sha256 FROM catalog_versions WHERE version = ?", [version])
            if have is not None:
                if have["sha256"] == digest:
                    return {"version": version, "sha256": digest, "status": "unchanged"}
                raise ApiError(
                    "code_conflict",
                    f"Phiên bản danh mục {version} đã công bố với nội dung khác; hãy tăng version",
                )
            tx.execute(
                "INSERT INTO catalog_versions (version, sha256, published_at, files)"
                " VALUES (?, ?, ?, ?)",
                [version, digest, now, _dumps(files)],
            )
            for proc in catalog.procedures.values():
                name = proc.name.vi if hasattr(proc.name, "vi") else str(proc.name)
                fld = catalog.fields.get(proc.field_id)
                tx.execute(
                    "INSERT INTO procedures (code, name_vi, catalog_version, field_id,"
                    " field_name_vi) VALUES (?, ?, ?, ?, ?) ON CONFLICT (code) DO UPDATE SET"
                    " name_vi = excluded.name_vi, catalog_version = excluded.catalog_version,"
                    " field_id = excluded.field_id, field_name_vi = excluded.field_name_vi",
                    [proc.code, name, version, proc.field_id, fld.name.vi if fld else None],
                )
            self.feed_put(
                tx,
                "catalog",
                "*",
                "catalog",
                self.signed(
                    "catalog",
                    {"version": version, "published_at": now, "sha256": digest, "files": files},
                ),
            )
        return {
            "version": version,
            "sha256": digest,
            "status": "published",
            "procedures": len(catalog.procedures),
            "files": len(files),
        }

    def publish_calendar(self, paths: Iterable[Path]) -> list[dict[str, Any]]:
        """Validate override files with kiosk_app.core.calendar, then publish them (all or none)."""
        from kiosk_app.core.calendar import CalendarDataError, load_override_file

        files = []
        for path in paths:
            path = Path(path)
            for p in sorted(path.glob("*.yaml")) if path.is_dir() else [path]:
                try:
                    parsed = load_override_file(p)
                except CalendarDataError as exc:
                    raise ApiError("bad_payload", str(exc)) from None
                files.append((p, parsed))
        if not files:
            raise ApiError("bad_request", "Không có tệp lịch nào (<năm>.yaml)")
        out = []
        now = utcnow()
        with self.db.tx() as tx:
            for path, parsed in files:
                content = path.read_text(encoding="utf-8")
                digest = sha256_hex(content.encode())
                year, version = int(parsed.year), str(parsed.version)
                if tx.one(
                    "SELECT 1 AS x FROM calendar_files WHERE year = ? AND sha256 = ?",
                    [year, digest],
                ):
                    out.append({"year": year, "version": version, "status": "unchanged"})
                    continue
                tx.execute(
                    "INSERT INTO calendar_files (year, sha256, version, published_at)"
                    " VALUES (?, ?, ?, ?)",
                    [year, digest, version, now],
                )
                self.feed_put(
                    tx,
                    "calendar",
                    "*",
                    str(year),
                    self.signed(
                        "calendar",
                        {
                            "year": year,
                            "version": version,
                            "sha256": digest,
                            "file": f"{year}.yaml",
                            "content": content,
                            "published_at": now,
                        },
                    ),
                )
                out.append({"year": year, "version": version, "status": "published"})
        return out

    def set_setting(self, name: str, value: Any, scope: str = "*") -> dict[str, Any]:
        if not re.fullmatch(r"[a-z][a-z0-9_.]{0,63}", name or ""):
            raise ApiError("bad_request", "Tên thiết lập: chữ thường, số, '_' hoặc '.'")
        if scope != "*" and not re.fullmatch(r"[cad]:.{1,64}", scope):
            raise ApiError("bad_request", f"Phạm vi không hợp lệ: {scope!r}")
        now = utcnow()
        with self.db.tx() as tx:
            tx.execute(
                "INSERT INTO settings (name, scope, value, updated_at) VALUES (?, ?, ?, ?)"
                " ON CONFLICT (name, scope) DO UPDATE SET value = excluded.value,"
                " updated_at = excluded.updated_at",
                [name, scope, _dumps(value), now],
            )
            self.feed_put(
                tx,
                "settings",
                scope,
                name,
                self.signed(
                    "settings", {"name": name, "value": value, "scope": scope, "published_at": now}
                ),
            )
        return {"name": name, "value": value, "scope": scope, "updated_at": now}
