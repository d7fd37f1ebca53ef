"""The back office (listing dossiers, one dossier, advancing its status) and the public
receipt lookup (a mixin of :class:`sync.server.service.Service`)."""

from __future__ import annotations

import json
from typing import Any

from sync.server import stats_facts
from sync.server.db import utcnow
from sync.server.service_common import (
    ApiError,
    _parse_time,
    _uuid7,
    log,
)


class AdminMixin:
    """Back-office dossier use-cases and the public receipt lookup."""

    # ============================================================== back office
    def list_dossiers(
        self,
        *,
        commune: str | None = None,
        agency_id: str | None = None,
        status: int | None = None,
        limit: int | None = None,
    ) -> list[dict[str, Any]]:
        where, params = [], []
        for col, value in (("commune", commune), ("agency_id", agency_id), ("status", status)):
            if value is not None:
                where.append(f"{col} = ?")
                params.append(value)
        sql = (
            "SELECT id, code, commune, agency_id, procedure_code, channel, status, received_at,"
            " appointment_at, complete, updated_at FROM dossiers"
            + (" WHERE " + " AND ".join(where) if where else "")
            + " ORDER BY n"
        )
        if limit:
            sql += " LIMIT ?"
            params.append(int(limit))
        with self.db.tx(write=False) as tx:
            rows = tx.all(sql, params)
            atts: dict[str, list[str]] = {}
            for r in tx.all(
                "SELECT dossier_id, sha256 FROM dossier_attachments ORDER BY dossier_id, sha256"
            ):
                atts.setdefault(r["dossier_id"], []).append(r["sha256"])
        for r in rows:
            r["complete"] = bool(r["complete"])
            r["status_label"] = self.states.status(r["status"]).vi
            r["attachments"] = sorted(set(atts.get(r["id"], [])))
        return rows

    def dossier(self, code: str, *, personal: bool = True) -> dict[str, Any]:
        with self.db.tx(write=False) as tx:
            d = tx.one("SELECT * FROM dossiers WHERE code = ?", [code.strip().upper()])
            if d is None:
                raise ApiError("not_found", f"Không có hồ sơ {code}")
            d["complete"] = bool(d["complete"])
            d["status_label"] = self.states.status(d["status"]).vi
            payload = json.loads(d.pop("payload"))
            d["attachments"] = tx.all(
                "SELECT da.sha256, da.name, da.size, da.mime, COALESCE(b.state, 'absent') AS state"
                " FROM dossier_attachments da LEFT JOIN blobs b ON b.sha256 = da.sha256"
                " WHERE da.dossier_id = ? ORDER BY da.added_at, da.name",
                [d["id"]],
            )
            d["missing_attachments"] = self._missing(tx, d["id"])
            d["history"] = tx.all(
                "SELECT id, event, from_status, to_status, origin, actor, note, appointment_at, at"
                " FROM status_history WHERE dossier_id = ? ORDER BY at, id",
                [d["id"]],
            )
            proc = tx.one("SELECT name_vi FROM procedures WHERE code = ?", [d["procedure_code"]])
        d["procedure_name"] = proc["name_vi"] if proc else None
        if personal:
            d["content"] = payload
        return d

    def advance(
        self,
        code: str,
        to: int | str,
        *,
        note: str | None = None,
        actor: str | None = None,
        appointment_at: str | None = None,
    ) -> dict[str, Any]:
        """A back-office (province) move; the lifecycle decides; writes a status-feed entry."""
        from kiosk_app.core.dossier import LifecycleError

        try:
            target = self.states.status(int(to) if str(to).isdigit() else to)
        except LifecycleError as exc:
            raise ApiError("bad_request", str(exc)) from None
        if appointment_at is not None:
            appointment_at = _parse_time(appointment_at, "appointment_at").isoformat()
        now = utcnow()
        with self.db.tx() as tx:
            d = tx.one(
                "SELECT id, code, commune, status, appointment_at FROM dossiers WHERE code = ?",
                [code.strip().upper()],
            )
            if d is None:
                raise ApiError("not_found", f"Không có hồ sơ {code}")
            try:
                t = self.states.check(d["status"], target.code, "province")
            except LifecycleError as exc:
                raise ApiError(
                    "illegal_transition",
                    str(exc),
                    extra={
                        "allowed": [
                            self.states.status(x.target).id
                            for x in self.states.allowed(d["status"], "province")
                        ]
                    },
                ) from None
            tx.execute(
                "UPDATE dossiers SET status = ?, appointment_at = COALESCE(?, appointment_at),"
                " updated_at = ? WHERE id = ?",
                [target.code, appointment_at, now, d["id"]],
            )
            event_id = _uuid7()
            tx.execute(
                "INSERT INTO status_history (id, dossier_id, event, from_status, to_status,"
                " origin, actor, note, appointment_at, at)"
                " VALUES (?, ?, ?, ?, ?, 'province', ?, ?, ?, ?)",
                [
                    event_id,
                    d["id"],
                    t.event,
                    d["status"],
                    target.code,
                    actor,
                    note,
                    appointment_at,
                    now,
                ],
            )
            entry = {
                "event_id": event_id,
                "dossier_id": d["id"],
                "code": d["code"],
                "event": t.event,
                "from": d["status"],
                "to": target.code,
                "status_label": target.vi,
                "at": now,
                "appointment_at": appointment_at or d["appointment_at"],
                "note": note,
            }
            stats_facts.refresh(tx, [d["id"]])
            self.feed_put(tx, "status", f"c:{d['commune']}", event_id, entry)
        log.info("dossier %s: %s (%s → %s)", d["code"], t.event, d["status"], target.code)
        return entry

    def dossier_commune(self, code: str) -> str | None:
        """The commune of a dossier (for the role checks), None when there is no such code."""
        with self.db.tx(write=False) as tx:
            return tx.scalar(
                "SELECT commune FROM dossiers WHERE code = ?", [str(code).strip().upper()]
            )

    def attachment_communes(self, sha: str) -> set[str]:
        """The communes of the dossiers that list a file (for the role checks)."""
        with self.db.tx(write=False) as tx:
            rows = tx.all(
                "SELECT DISTINCT d.commune FROM dossier_attachments da JOIN dossiers d"
                " ON d.id = da.dossier_id WHERE da.sha256 = ?",
                [sha],
            )
        return {r["commune"] for r in rows}

    # ============================================================== receipt lookup
    def lookup(self, code: str) -> dict[str, Any] | None:
        """What the public lookup page may show: only the receipt's own fields + status, and
        ``factor``, the second factor a hand-typed code must come with (never shown): the
        last 4 characters of the applicant's ID number as the receipt prints it, else of the
        phone number; None when the dossier has neither (then only its QR opens it)."""
        with self.db.tx(write=False) as tx:
            d = tx.one(
                "SELECT code, procedure_code, status, received_at, appointment_at, content_hash,"
                " payload FROM dossiers WHERE code = ?",
                [code.upper()[:40]],
            )
            # the same work whether the code exists or not (the lookup page must not time out
            # which codes exist): the procedure query and the factor parse run either way
            proc = tx.one(
                "SELECT name_vi FROM procedures WHERE code = ?",
                [d["procedure_code"] if d else ""],
            )
        factor = _second_factor(d["payload"] if d else '{"applicant": {}}')
        if d is None:
            return None
        st = self.states.status(d["status"])
        return {
            "code": d["code"],
            "procedure": d["procedure_code"],
            "procedure_name": proc["name_vi"] if proc else None,
            "status": st.code,
            "status_label": st.vi,
            "final": st.final,
            "received_at": d["received_at"],
            "appointment_at": d["appointment_at"],
            "content_hash": d["content_hash"],
            "factor": factor,
        }


def _second_factor(payload_json: str) -> str | None:
    try:
        applicant = json.loads(payload_json).get("applicant") or {}
    except (ValueError, AttributeError):
        return None
    if not isinstance(applicant, dict):
        return None
    for field in ("id_number", "phone"):
        value = "".join(ch for ch in str(applicant.get(field) or "") if ch.isalnum()).upper()
        if len(value) >= 4:
            return value[-4:]
    return None
