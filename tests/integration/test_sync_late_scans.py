"""Scans added to a dossier after its submission reach the province (issue 8).

A supplement's new scans (``Aftercare.receive_supplement``) and a hand-over's result scan
(``Aftercare.hand_over``) travel as the submission's do: their events carry full attachment
entries, the server links them to the dossier and lists them as missing until uploaded, and
the kiosk's sync client uploads them through the resumable path. Real kiosk data folders, the
real server on loopback (SQLite and PostgreSQL, tests/server/conftest.py) and, for the fault,
the TCP proxy of tests/integration/test_sync_faults.py cutting the link mid-upload.
"""

from __future__ import annotations

import hashlib
import json
import os
from datetime import timedelta
from typing import Any

from kiosk_app.core.aftercare import Aftercare
from sync import protocol as P
from sync.client import sync_once
from tests.integration.test_sync_client import open_enrolled, submit
from tests.integration.test_sync_faults import (  # noqa: F401 - fixtures
    RequestWatch,
    assert_converged,
    clean_pass,
    fast,
    proxy,
    rig,
    sqlite_only,
)
from tests.integration.test_sync_faults import submit as submit_via
from tests.server.conftest import Srv, pg_url, server  # noqa: F401 - fixtures
from tests.support.tcp_proxy import TcpProxy

SUPPLEMENT_DOCS = [{"name": "Bản sao giấy chứng sinh", "form": "certified_copy", "count": 1}]


def _later(k: Any, minutes: int = 30) -> None:
    k.intake.clock.now = k.intake.clock.now + timedelta(minutes=minutes)


def _supplement(k: Any, code: str, data: bytes) -> str:
    """Ask for a paper, then take it with a new scan (the desk's two steps); its sha256."""
    care = Aftercare.for_kiosk(k)
    care.request_supplement(code, ["Bản sao giấy chứng sinh"], actor="c1")
    _later(k)
    f = k.files.put_bytes(data)
    doc_id = k.catalog.get("1.001193").example_submission()["documents"][0]["id"]
    care.receive_supplement(
        code,
        SUPPLEMENT_DOCS,
        attachments=[
            {"sha256": f.sha256, "name": "bo-sung.jpg", "mime": "image/jpeg", "document_id": doc_id}
        ],
        actor="c1",
    )
    return f.sha256


def _server_rows(srv: Srv, codes: list[str]) -> dict[str, Any]:
    """What the server holds of these dossiers: attachment links, blobs, history, events."""
    marks = ", ".join("?" * len(codes))
    with srv.service.db.tx(write=False) as tx:
        ids = [r["id"] for r in tx.all(f"SELECT id FROM dossiers WHERE code IN ({marks})", codes)]
        idm = ", ".join("?" * len(ids))
        return {
            "links": sorted(
                (r["dossier_id"], r["sha256"], r["name"], int(r["size"]), r["mime"])
                for r in tx.all(
                    "SELECT dossier_id, sha256, name, size, mime FROM dossier_attachments"
                    f" WHERE dossier_id IN ({idm})",
                    ids,
                )
            ),
            "blobs": sorted(
                (r["sha256"], int(r["size"]), r["state"])
                for r in tx.all(
                    "SELECT b.sha256, b.size, b.state FROM blobs b WHERE b.sha256 IN"
                    f" (SELECT sha256 FROM dossier_attachments WHERE dossier_id IN ({idm}))",
                    ids,
                )
            ),
            "history": sorted(
                (r["id"], r["event"], r["to_status"])
                for r in tx.all(
                    f"SELECT id, event, to_status FROM status_history WHERE dossier_id IN ({idm})",
                    ids,
                )
            ),
            "events": tx.scalar(f"SELECT COUNT(*) FROM events WHERE dossier_id IN ({idm})", ids),
            "dossiers": sorted(
                (r["code"], r["status"], bool(r["complete"]))
                for r in tx.all(
                    f"SELECT code, status, complete FROM dossiers WHERE id IN ({idm})", ids
                )
            ),
        }


def test_supplement_and_result_scans_reach_the_server(tmp_path, server: Srv) -> None:  # noqa: F811
    k = open_enrolled(tmp_path / "kiosk", server)
    try:
        a = submit(k, [os.urandom(30_000)])
        b = submit(k, [])
        first = sync_once(k)
        assert first.ok, first.errors
        assert (first.pushed, first.uploaded_files) == (2, 1)
        # the province finishes b; the kiosk learns it through the status feed
        server.service.advance(b.code, "processing", actor="sở")
        server.service.advance(b.code, "done", actor="sở")
        pulled = sync_once(k)
        assert pulled.ok, pulled.errors
        assert k.intake.lookup(b.code).dossier["status"] == 9

        # after submission: a supplement with a new scan (several chunks) on a, and b's
        # result handed over with its scan
        _later(k)
        supp_bytes = os.urandom(150_000)
        supp = _supplement(k, a.code, supp_bytes)
        _later(k)
        result_bytes = os.urandom(50_000)
        rf = k.files.put_bytes(result_bytes)
        Aftercare.for_kiosk(k).hand_over(
            b.code,
            {"name": "Nguyễn Văn Nhận", "relation": "bố"},
            actor="c1",
            result_scan={"sha256": rf.sha256, "size": rf.size, "mime": "application/pdf",
                         "name": "ket-qua.pdf"},
        )  # fmt: skip
        # the events carry full entries (the outbox as the client pushes it)
        payloads = {
            r["kind"]: json.loads(r["payload"])["data"]
            for r in k.store.query("SELECT kind, payload FROM outbox WHERE state = 'pending'")
        }
        [entry] = payloads["dossier.supplement"]["attachments"]
        assert (entry["sha256"], entry["size"], entry["name"]) == (supp, 150_000, "bo-sung.jpg")
        assert entry["document_id"] and entry["mime"] == "image/jpeg"
        handed = payloads["dossier.hand_over"]
        assert handed["result_attachment"] == rf.sha256
        assert [(x["sha256"], x["size"], x["field_path"]) for x in handed["attachments"]] == [
            (rf.sha256, 50_000, "result")
        ]

        report = sync_once(k)
        assert report.ok, report.errors
        assert (report.pushed, report.duplicates, report.rejected) == (3, 0, 0)
        assert report.uploaded_files == 2
        assert report.uploaded_bytes == len(supp_bytes) + len(result_bytes)

        listed = {d["code"]: d for d in server.service.list_dossiers(agency_id=k.office.agency_id)}
        for code in (a.code, b.code):
            local = sorted(x["sha256"] for x in k.intake.lookup(code).attachments)
            assert listed[code]["attachments"] == local
            assert listed[code]["complete"] is True
        assert supp in listed[a.code]["attachments"] and len(listed[a.code]["attachments"]) == 2
        assert listed[b.code]["attachments"] == [rf.sha256]
        assert (listed[a.code]["status"], listed[b.code]["status"]) == (4, 10)
        # byte-identical, fetched as the back office does
        op = server.operator()
        for sha, data in ((supp, supp_bytes), (rf.sha256, result_bytes)):
            got = op.get(f"/v1/admin/attachments/{sha}/content")
            assert got.status_code == 200 and got.content == data
            assert hashlib.sha256(got.content).hexdigest() == sha
        # nothing twice: one link per scan, with the kiosk's name, size and type
        before = _server_rows(server, [a.code, b.code])
        links = {(sha, name, size, mime) for _, sha, name, size, mime in before["links"]}
        assert len(before["links"]) == 3
        assert (supp, "bo-sung.jpg", 150_000, "image/jpeg") in links
        assert (rf.sha256, "ket-qua.pdf", 50_000, "application/pdf") in links
        assert all(state == "complete" for _, _, state in before["blobs"])
        assert len(before["blobs"]) == 3

        # a second pass changes nothing
        again = sync_once(k)
        assert again.ok, again.errors
        assert (again.pushed, again.duplicates, again.uploaded_files) == (0, 0, 0)
        assert _server_rows(server, [a.code, b.code]) == before

        # a lost answer: the three events pushed again are duplicates, nothing re-linked
        k.store.conn.execute(
            "UPDATE outbox SET state = 'pending' WHERE kind IN"
            " ('dossier.request_supplement', 'dossier.supplement', 'dossier.hand_over')"
        )
        replay = sync_once(k)
        assert replay.ok, replay.errors
        assert (replay.pushed, replay.duplicates, replay.uploaded_files) == (0, 3, 0)
        assert _server_rows(server, [a.code, b.code]) == before
    finally:
        k.close()


@sqlite_only
def test_link_cut_mid_upload_of_a_supplement_scan(rig: tuple[Srv, TcpProxy, Any]) -> None:  # noqa: F811
    srv, link, k = rig
    a = submit_via(k, [os.urandom(20_000)])
    clean_pass(k, link)
    _later(k)
    data = os.urandom(200_000)
    supp = _supplement(k, a.code, data)
    chunk = 64 * 1024  # sync.client_upload.CHUNK_BYTES: the first chunk goes through

    def cut(_conn: Any, sent: int, _total: int, n: int) -> str | None:
        # every PATCH of this scan after the first is cut 20 kB into its body
        return "reset" if len(watch.raw) >= 2 and sent + n > 20_000 else None

    watch = RequestWatch(f"PATCH /v1/attachments/{supp}".encode(), cut)
    link.hook = watch
    report = sync_once(k, transport=fast(attempts=2))
    assert report.pushed == 2, report.errors  # the request and the supplement
    assert [e["phase"] for e in report.errors] == ["upload"], report.errors
    assert link.resets >= 2
    # the server expects the scan and holds its first chunk; the dossier is incomplete
    d = srv.service.dossier(a.code)
    assert d["complete"] is False and d["status"] == 4
    assert srv.service.blobs.offset(supp) == chunk
    [row] = k.store.query("SELECT confirmed, state FROM sync_uploads WHERE sha256 = ?", [supp])
    assert (row["confirmed"], row["state"]) == (chunk, "pending")

    done = clean_pass(k, link)
    assert done.uploaded_files == 1
    assert done.uploaded_bytes == len(data) - chunk  # resumed, not sent again
    assert srv.service.dossier(a.code)["complete"] is True
    assert assert_converged(srv, k) == {
        "dossiers": 1,
        "files": 2,
        "province_moves": 0,
        "commune_moves": 2,
    }


def test_server_rules_for_late_scans(server: Srv) -> None:  # noqa: F811
    """The server's side alone (a device's own pushes): entries are checked as a
    submission's, old kiosks' bare hashes are still accepted, replays link nothing twice,
    and another agency can neither add nor upload them."""
    from tests.server.conftest import blob, push, submitted, transition, upload

    dev, other = server.device(), server.device()
    sub = submitted(dev)
    code = sub["payload"]["code"]
    push(dev, sub, transition(sub, "request_supplement", 2, 5))
    scan = blob(70_000, 41)
    sha = hashlib.sha256(scan).hexdigest()
    entry = {"sha256": sha, "size": len(scan), "mime": "image/jpeg", "name": "bo-sung.jpg"}

    def supplement(atts: list[Any]) -> dict[str, Any]:
        return transition(sub, "supplement", 5, 4, {"attachments": atts})

    refused = [
        ([dict(entry, size=P.MAX_ATTACHMENT_BYTES + 1)], "too_large"),
        ([dict(entry, sha256="AB" * 32)], "bad_payload"),
        ([dict(entry, size="70000")], "bad_payload"),
        (["not-a-sha"], "bad_payload"),
        ("abc", "bad_payload"),
    ]
    for atts, why in refused:
        [r] = push(dev, supplement(atts))
        assert r["status"] == "rejected" and r["reason"]["code"] == why, (atts, r)
    [r] = push(other, supplement([entry]))
    assert r["reason"]["code"] == "wrong_agency"
    d = server.service.dossier(code)
    assert d["status"] == 5 and d["complete"] is True  # nothing of the refusals was kept

    # an old kiosk's bare hash and a new entry in one list: the entry is expected
    legacy = hashlib.sha256(b"old kiosk scan").hexdigest()
    ev = supplement([legacy, entry])
    [r] = push(dev, ev)
    assert r["status"] == "accepted", r
    assert r["dossier"]["missing_attachments"] == [sha] and r["dossier"]["complete"] is False
    assert server.service.dossier(code)["complete"] is False
    # another agency's device may not upload it; the replay is a duplicate, linked once
    head = other.client.head(f"/v1/attachments/{sha}")
    assert head.status_code == 403
    [again] = push(dev, ev)
    assert again["status"] == "duplicate" and again["dossier"]["missing_attachments"] == [sha]
    assert upload(dev, scan).status_code == 200
    assert server.service.dossier(code)["complete"] is True

    # hand-over: the result scan as an entry is expected; a size that contradicts the held
    # file, or a result_attachment that is no hash, is refused
    server.service.advance(code, "done", actor="sở")
    result = blob(10_000, 42)
    rsha = hashlib.sha256(result).hexdigest()
    for data, why in (
        ({"result_attachment": "nope"}, "bad_payload"),
        ({"attachments": [dict(entry, size=1)]}, "length_mismatch"),
        ({"result_attachment": {"sha256": rsha, "size": -1}}, "bad_payload"),
    ):
        [r] = push(dev, transition(sub, "hand_over", 9, 10, data))
        assert r["reason"]["code"] == why, (data, r)
    handed = transition(
        sub,
        "hand_over",
        9,
        10,
        {
            "collected_by": {"name": "Nguyễn Văn Nhận"},
            "result_attachment": rsha,
            "attachments": [{"sha256": rsha, "size": len(result), "name": "kq.pdf",
                             "mime": "application/pdf", "field_path": "result"}],
        },
    )  # fmt: skip
    [r] = push(dev, handed)
    assert r["status"] == "accepted" and r["dossier"]["missing_attachments"] == [rsha]
    upload(dev, result)
    d = server.service.dossier(code)
    assert d["status"] == 10 and d["complete"] is True
    assert sorted(a["sha256"] for a in d["attachments"]) == sorted([sha, rsha])


def test_a_supplement_racing_the_last_chunk_of_its_scan_ends_complete(server: Srv) -> None:  # noqa: F811
    """A supplement listing a file whose last chunk is being uploaded at that moment (an
    earlier dossier listed it): whichever commits second must see the other, or the
    dossier stays marked incomplete with every file held (PostgreSQL: FOR SHARE on blobs)."""
    import threading

    from tests.server.conftest import blob, push, submitted, transition, upload

    dev = server.device()
    for round_ in range(8):
        data = blob(40_000, seed=700 + round_)
        half, sha = len(data) // 2, hashlib.sha256(data).hexdigest()
        push(dev, submitted(dev, files=[data]))  # an earlier dossier lists the file
        r = dev.client.patch(
            f"/v1/attachments/{sha}",
            content=data[:half],
            headers={"Upload-Offset": "0", "Upload-Length": str(len(data))},
        )
        assert r.status_code == 200 and r.json()["state"] == "partial"
        sub = submitted(dev)
        push(dev, sub, transition(sub, "request_supplement", 2, 5))
        entry = {"sha256": sha, "size": len(data), "name": "bo-sung.jpg", "mime": "image/jpeg"}
        ev = transition(sub, "supplement", 5, 4, {"attachments": [entry]})
        start = threading.Barrier(2)
        out: dict[str, Any] = {}

        def finish(start=start, data=data, half=half, out=out) -> None:  # noqa: ANN001
            start.wait()
            out["upload"] = upload(dev, data, chunk=len(data) - half, start=half).status_code

        def send(start=start, ev=ev, out=out) -> None:  # noqa: ANN001
            start.wait()
            out["push"] = [x["status"] for x in push(dev, ev)]

        threads = [threading.Thread(target=finish), threading.Thread(target=send)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
        assert out == {"upload": 200, "push": ["accepted"]}
        assert server.service.dossier(sub["payload"]["code"])["complete"] is True, round_
