"""Attachments: chunked uploads that resume from the server's offset, sha256-checked on
completion, deduplicated by hash; a dossier is complete only when all its files arrived."""

from __future__ import annotations

import hashlib

from tests.server.conftest import Srv, blob, push, submitted, transition, upload


def _state(dev, sha: str) -> dict:
    r = dev.client.get(f"/v1/attachments/{sha}")
    assert r.status_code == 200, r.text
    return r.json()


def test_resume_after_a_partial_upload(server: Srv) -> None:
    dev = server.device()
    scan1, scan2 = blob(200_000, 1), blob(50_000, 2)
    sha1, sha2 = (hashlib.sha256(x).hexdigest() for x in (scan1, scan2))
    ev = submitted(dev, files=[scan1, scan2])
    [r] = push(dev, ev)
    assert r["dossier"]["complete"] is False
    assert r["dossier"]["missing_attachments"] == sorted([sha1, sha2])
    assert _state(dev, sha1) == {"sha256": sha1, "state": "absent", "offset": 0, "size": 200_000}

    # the link drops after the first 64 KiB chunk
    r = dev.client.patch(
        f"/v1/attachments/{sha1}",
        content=scan1[:65536],
        headers={"Upload-Offset": "0", "Upload-Length": "200000"},
    )
    assert r.status_code == 200 and r.json()["state"] == "partial"
    head = dev.client.head(f"/v1/attachments/{sha1}")
    assert head.status_code == 200
    assert head.headers["Upload-Offset"] == "65536" and head.headers["Upload-Complete"] == "?0"
    assert head.headers["Upload-Length"] == "200000"

    # a client that lost track sends from the wrong offset: 409 tells it where to go on
    r = dev.client.patch(
        f"/v1/attachments/{sha1}", content=scan1[:1000], headers={"Upload-Offset": "0"}
    )
    assert r.status_code == 409 and r.headers["Upload-Offset"] == "65536"
    assert r.json()["error"]["code"] == "offset_mismatch"
    assert r.json()["error"]["offset"] == 65536

    r = upload(dev, scan1, start=65536)
    assert r.status_code == 200 and r.json()["state"] == "complete", r.text
    d = server.service.dossier(ev["payload"]["code"])
    assert d["complete"] is False and d["missing_attachments"] == [sha2]

    r = dev.client.put(
        f"/v1/attachments/{sha2}",
        content=scan2,  # PUT works like PATCH
        headers={"Upload-Offset": "0", "Upload-Length": str(len(scan2))},
    )
    assert r.status_code == 200 and r.headers["Upload-Complete"] == "?1"
    d = server.service.dossier(ev["payload"]["code"])
    assert d["complete"] is True and d["missing_attachments"] == []
    stored = (server.data_dir / "blobs" / "complete" / sha1[:2] / sha1).read_bytes()
    assert stored == scan1  # byte-identical
    op = server.operator()
    assert op.get(f"/v1/admin/attachments/{sha2}/content").content == scan2
    # a duplicate push now reports the dossier complete
    [r] = push(dev, ev)
    assert r["status"] == "duplicate" and r["dossier"]["complete"] is True


def test_sha256_mismatch_discards_the_upload(server: Srv) -> None:
    dev = server.device()
    scan = blob(100_000, 3)
    sha = hashlib.sha256(scan).hexdigest()
    push(dev, submitted(dev, files=[scan]))
    corrupted = scan[:50_000] + b"\x00" + scan[50_001:]
    r = upload(dev, corrupted, sha=sha)
    assert r.status_code == 422 and r.json()["error"]["code"] == "sha256_mismatch"
    assert r.headers["Upload-Offset"] == "0"
    assert _state(dev, sha)["offset"] == 0 and _state(dev, sha)["state"] == "absent"
    r = upload(dev, scan)
    assert r.status_code == 200 and r.json()["state"] == "complete"


def test_dedup_by_hash_across_dossiers_and_communes(server: Srv) -> None:
    a, b = server.device(), server.device()
    scan = blob(30_000, 4)
    sha = hashlib.sha256(scan).hexdigest()
    push(a, submitted(a, files=[scan]))
    assert upload(a, scan).json()["state"] == "complete"
    # another commune's dossier with the same scan is complete on arrival
    [r] = push(b, submitted(b, files=[scan]))
    assert r["dossier"]["complete"] is True
    head = b.client.head(f"/v1/attachments/{sha}")
    assert head.headers["Upload-Complete"] == "?1" and head.headers["Upload-Offset"] == "30000"
    r = b.client.patch(
        f"/v1/attachments/{sha}",
        content=scan[:10],
        headers={"Upload-Offset": "0", "Upload-Length": "30000"},
    )
    assert r.status_code == 200 and r.json()["state"] == "complete"  # done at once


def test_unexpected_oversized_and_malformed_uploads(server: Srv) -> None:
    dev, other = server.device(), server.device()
    scan = blob(10_000, 5)
    sha = hashlib.sha256(scan).hexdigest()
    # no dossier of this agency lists it (even if another agency's does)
    push(other, submitted(other, files=[scan]))
    r = dev.client.patch(f"/v1/attachments/{sha}", content=scan, headers={"Upload-Offset": "0"})
    assert r.status_code == 403 and r.json()["error"]["code"] == "attachment_not_expected"
    assert dev.client.head(f"/v1/attachments/{sha}").status_code == 403
    assert dev.client.get("/v1/attachments/not-a-hash").status_code == 400
    # a declared size over the limit is refused at push time
    big = submitted(dev)
    big["payload"]["attachments"] = [
        {"sha256": "a" * 64, "size": 21 * 1024 * 1024, "name": "x", "mime": "image/png"}
    ]
    [r] = push(dev, big)
    assert r["reason"]["code"] == "too_large"
    # an Upload-Length different from the declared size, and a chunk over 1 MiB
    push(dev, submitted(dev, files=[scan]))
    r = dev.client.patch(
        f"/v1/attachments/{sha}",
        content=scan,
        headers={"Upload-Offset": "0", "Upload-Length": "99"},
    )
    assert r.status_code == 422 and r.json()["error"]["code"] == "length_mismatch"
    huge = blob(1024 * 1024 + 10, 6)
    push(dev, submitted(dev, files=[huge]))
    r = dev.client.patch(
        f"/v1/attachments/{hashlib.sha256(huge).hexdigest()}",
        content=huge,
        headers={"Upload-Offset": "0"},
    )
    assert r.status_code == 413


def test_a_supplement_adds_files_and_makes_the_dossier_incomplete(server: Srv) -> None:
    dev = server.device()
    ev = submitted(dev)
    push(dev, ev, transition(ev, "request_supplement", 2, 5))
    extra = blob(5_000, 7)
    sha = hashlib.sha256(extra).hexdigest()
    [r] = push(
        dev,
        transition(
            ev,
            "supplement",
            5,
            4,
            {
                "attachments": [
                    {"sha256": sha, "size": len(extra), "name": "bo_sung.jpg", "mime": "image/jpeg"}
                ]
            },
        ),
    )
    assert r["status"] == "accepted" and r["dossier"]["missing_attachments"] == [sha]
    upload(dev, extra)
    assert server.service.dossier(ev["payload"]["code"])["complete"] is True


def test_files_of_one_dossier_finishing_together_make_it_complete(server: Srv) -> None:
    """Two uploads of one dossier's files end at the same moment (a kiosk's two upload
    streams): whichever commits second must see the first and mark the dossier complete."""
    import threading

    dev = server.device()
    for round_ in range(4):
        files = [blob(20_000, seed=100 * round_ + i) for i in range(2)]
        ev = submitted(dev, files=files)
        [r] = push(dev, ev)
        assert r["dossier"]["complete"] is False
        start = threading.Barrier(2)
        done: list[int] = []

        def send(data: bytes, start: threading.Barrier, done: list[int]) -> None:
            start.wait()
            done.append(upload(dev, data, chunk=len(data)).status_code)

        threads = [threading.Thread(target=send, args=(f, start, done)) for f in files]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
        assert done == [200, 200]
        code = ev["payload"]["code"]
        listed = {d["code"]: d for d in server.service.list_dossiers(agency_id=dev.agency_id)}
        assert listed[code]["complete"] is True, f"round {round_}"


def test_a_push_racing_the_last_chunk_of_its_file_ends_complete(server: Srv) -> None:
    """The kiosk's upload stream finishes a file while its push of the dossier that lists it
    is being applied: whichever commits second must see the other."""
    import threading

    dev = server.device()
    for round_ in range(8):
        data = blob(40_000, seed=900 + round_)
        half = len(data) // 2
        sha = hashlib.sha256(data).hexdigest()
        push(dev, submitted(dev, files=[data]))  # an earlier dossier lists the file: may upload
        r = dev.client.patch(
            f"/v1/attachments/{sha}",
            content=data[:half],
            headers={"Upload-Offset": "0", "Upload-Length": str(len(data))},
        )
        assert r.status_code == 200 and r.json()["state"] == "partial"
        start = threading.Barrier(2)
        ev = submitted(dev, files=[data])  # a second dossier with the same scan
        out: dict[str, int] = {}

        def finish(start=start, data=data, half=half, out=out) -> None:  # noqa: ANN001
            start.wait()
            out["upload"] = upload(dev, data, chunk=len(data) - half, start=half).status_code

        def send(start=start, ev=ev, out=out) -> None:  # noqa: ANN001
            start.wait()
            out["push"] = len(push(dev, ev))

        threads = [threading.Thread(target=finish), threading.Thread(target=send)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
        assert out == {"upload": 200, "push": 1}
        code = ev["payload"]["code"]
        listed = {d["code"]: d for d in server.service.list_dossiers(agency_id=dev.agency_id)}
        assert listed[code]["complete"] is True, f"round {round_}"
