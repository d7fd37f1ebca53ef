"""``motcua audit verify``: an attacker with the SQLite file (triggers dropped, raw SQL) edits,
deletes, swaps, inserts and truncates audit entries; the walk names the first broken link.

Also what the chain alone cannot see (a consistently rewritten chain, a tail cut together with
``sqlite_sequence``) and how an anchor recorded elsewhere catches it.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kiosk_app.cli_trust import run
from kiosk_app.config import DB_FILE
from kiosk_app.store import audit
from kiosk_app.store.audit import _entry_hash
from kiosk_app.store.audit_verify import parse_anchor, verify
from kiosk_app.store.data_key import load_key
from kiosk_app.store.db import Connection, IntegrityError, open_store, raw_connect

ENTRIES = 8


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    store = open_store(tmp_path / DB_FILE)
    try:
        for i in range(ENTRIES):
            with store.write() as db:
                audit.append(
                    db,
                    at=f"2025-03-12T09:{i:02d}:00+07:00",
                    actor="clerk1",
                    action="dossier.submit",
                    entity=f"D{i + 1}",
                    data={"i": i + 1, "tên": "Nguyễn Văn A"},
                )
    finally:
        store.close()
    return tmp_path


def _raw(data_dir: Path) -> Connection:
    return raw_connect(data_dir / DB_FILE, load_key(data_dir))


def attacker(data_dir: Path) -> Connection:
    """A raw connection to the file, as someone who copied it off the disk *and* holds the
    data key would have (without the key the file reveals nothing: test_encryption*)."""
    conn = _raw(data_dir)
    conn.execute("DROP TRIGGER IF EXISTS audit_no_update")
    conn.execute("DROP TRIGGER IF EXISTS audit_no_delete")
    return conn


def rows(conn: Connection) -> dict[int, tuple]:
    q = "SELECT n, at, actor, action, entity, data, prev_hash, hash FROM audit ORDER BY n"
    return {r[0]: r for r in conn.execute(q)}


def check(data_dir: Path, *anchors: str) -> tuple[int, dict]:
    import contextlib
    import io

    out = io.StringIO()
    argv = ["audit", "verify", "--data-dir", str(data_dir), "--json"]
    for a in anchors:
        argv += ["--anchor", a]
    with contextlib.redirect_stdout(out):
        code = run(argv)
    return code, json.loads(out.getvalue())


def rechain(conn: Connection, start: int) -> None:
    """Recompute every hash from entry ``start`` on: what a careful attacker does."""
    r = rows(conn)
    prev = r[start - 1][7] if start > 1 else audit.GENESIS
    for n in sorted(k for k in r if k >= start):
        _, at, actor, action, entity, data, _, _ = r[n]
        h = _entry_hash(prev, at, actor, action, entity, data)
        conn.execute("UPDATE audit SET prev_hash = ?, hash = ? WHERE n = ?", [prev, h, n])
        prev = h


# ------------------------------------------------------------------ intact
def test_intact_chain_exit_0_with_head(data_dir: Path) -> None:
    code, rep = check(data_dir)
    assert code == 0 and rep["ok"] is True and rep["entries"] == ENTRIES
    assert rep["head"]["n"] == ENTRIES and len(rep["head"]["hash"]) == 64
    assert rep["first_break"] is None
    # the triggers still refuse the honest path
    store = open_store(data_dir / DB_FILE)
    with pytest.raises(IntegrityError), store.write() as db:
        db.execute("DELETE FROM audit WHERE n = 3")
    store.close()


# ------------------------------------------------------------------ naive tampering
def test_edited_field_named(data_dir: Path) -> None:
    conn = attacker(data_dir)
    conn.execute("UPDATE audit SET actor = 'mallory' WHERE n = 5")
    conn.close()
    code, rep = check(data_dir)
    assert code == 1 and not rep["ok"]
    assert rep["first_break"]["kind"] == "edited" and rep["first_break"]["n"] == 5
    assert len(rep["breaks"]) == 1  # the next entry still names 5's recorded hash


def test_edited_data_text(data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    conn = attacker(data_dir)
    conn.execute("""UPDATE audit SET data = '{"i":3,"tên":"Trần Thị B"}' WHERE n = 3""")
    conn.close()
    assert run(["audit", "verify", "--data-dir", str(data_dir)]) == 1
    out = capsys.readouterr().out
    assert "BROKEN at entry 3" in out and "does not match its hash" in out


def test_deleted_middle_entry(data_dir: Path) -> None:
    conn = attacker(data_dir)
    conn.execute("DELETE FROM audit WHERE n = 4")
    conn.close()
    code, rep = check(data_dir)
    assert code == 1
    b = rep["first_break"]
    assert b["kind"] == "deleted" and b["n"] == 5 and "entry 4 deleted" in b["message"]


def test_deleted_range_and_first_entry(data_dir: Path) -> None:
    conn = attacker(data_dir)
    conn.execute("DELETE FROM audit WHERE n IN (1, 5, 6)")
    conn.close()
    code, rep = check(data_dir)
    assert code == 1
    kinds = [(b["kind"], b["n"]) for b in rep["breaks"]]
    assert kinds == [("deleted", 2), ("deleted", 7)]
    assert "entry 1 deleted" in rep["breaks"][0]["message"]
    assert "entries 5..6 deleted" in rep["breaks"][1]["message"]


def test_deleted_and_renumbered(data_dir: Path) -> None:
    conn = attacker(data_dir)
    conn.execute("DELETE FROM audit WHERE n = 4")
    for n in range(5, ENTRIES + 1):
        conn.execute("UPDATE audit SET n = ? WHERE n = ?", [n - 1, n])
    conn.execute("UPDATE sqlite_sequence SET seq = ? WHERE name = 'audit'", [ENTRIES - 1])
    conn.close()
    code, rep = check(data_dir)
    assert code == 1
    assert (rep["first_break"]["kind"], rep["first_break"]["n"]) == ("rewritten", 4)


def test_swapped_rows(data_dir: Path) -> None:
    conn = attacker(data_dir)
    r = rows(conn)
    conn.execute("UPDATE audit SET n = -1 WHERE n = 3")
    conn.execute("UPDATE audit SET n = 3 WHERE n = 4")
    conn.execute("UPDATE audit SET n = 4 WHERE n = -1")
    assert rows(conn)[3][4] == r[4][4]  # entity D4 now sits at n = 3
    conn.close()
    code, rep = check(data_dir)
    assert code == 1
    b = rep["first_break"]
    assert (b["kind"], b["n"]) == ("reordered", 3) and "follows entry 4" in b["message"]


def test_inserted_entry(data_dir: Path) -> None:
    conn = attacker(data_dir)
    for n in range(ENTRIES, 4, -1):  # make room after entry 4
        conn.execute("UPDATE audit SET n = ? WHERE n = ?", [n + 1, n])
    prev = rows(conn)[4][7]
    at, data = "2025-03-12T09:04:30+07:00", '{"i":99}'
    h = _entry_hash(prev, at, "mallory", "settings.change", None, data)
    conn.execute(
        "INSERT INTO audit (n, at, actor, action, entity, data, prev_hash, hash) "
        "VALUES (5, ?, 'mallory', 'settings.change', NULL, ?, ?, ?)",
        [at, data, prev, h],
    )
    conn.close()
    code, rep = check(data_dir)
    assert code == 1
    b = rep["first_break"]
    assert (b["kind"], b["n"]) == ("inserted", 6) and "entry 5 inserted" in b["message"]


def test_truncated_tail_seen_through_sqlite_sequence(data_dir: Path) -> None:
    conn = attacker(data_dir)
    conn.execute("DELETE FROM audit WHERE n > 6")
    conn.close()
    code, rep = check(data_dir)
    assert code == 1
    b = rep["first_break"]
    assert (b["kind"], b["n"]) == ("truncated", 7) and "entries 7..8" in b["message"]


# ------------------------------------------------------------------ what needs an anchor
def test_careful_truncation_needs_an_anchor(data_dir: Path) -> None:
    head = check(data_dir)[1]["head"]
    conn = attacker(data_dir)
    conn.execute("DELETE FROM audit WHERE n > 6")
    conn.execute("UPDATE sqlite_sequence SET seq = 6 WHERE name = 'audit'")
    conn.close()
    code, rep = check(data_dir)
    assert code == 0  # the chain alone cannot tell: a shorter log is still a valid log
    code, rep = check(data_dir, f"{head['n']}:{head['hash']}")
    assert code == 1
    assert (rep["first_break"]["kind"], rep["first_break"]["n"]) == ("anchor_missing", ENTRIES)


def test_rewritten_chain_needs_an_anchor(data_dir: Path) -> None:
    anchor = rows(_raw(data_dir))[6]
    conn = attacker(data_dir)
    conn.execute("UPDATE audit SET actor = 'mallory' WHERE n = 3")
    rechain(conn, 3)
    conn.close()
    assert check(data_dir)[0] == 0  # internally consistent again
    code, rep = check(data_dir, f"6:{anchor[7]}")
    assert code == 1 and rep["first_break"]["kind"] == "anchor_mismatch"
    assert rep["first_break"]["n"] == 6


def test_edit_then_rehash_only_that_entry(data_dir: Path) -> None:
    conn = attacker(data_dir)
    conn.execute("UPDATE audit SET actor = 'mallory' WHERE n = 3")
    r = rows(conn)[3]
    h = _entry_hash(r[6], r[1], r[2], r[3], r[4], r[5])
    conn.execute("UPDATE audit SET hash = ? WHERE n = 3", [h])
    conn.close()
    code, rep = check(data_dir)
    assert code == 1 and (rep["first_break"]["kind"], rep["first_break"]["n"]) == ("rewritten", 4)


# ------------------------------------------------------------------ bad input
def test_bad_input_exit_2(tmp_path: Path, data_dir: Path) -> None:
    assert run(["audit", "verify", "--data-dir", str(tmp_path / "none")]) == 2
    assert not (tmp_path / "none").exists()  # verifying never creates a store
    assert run(["audit", "verify", "--data-dir", str(data_dir), "--anchor", "3:xyz"]) == 2
    with pytest.raises(ValueError):
        parse_anchor("abc")
    assert parse_anchor(f"7:{'A' * 64}") == (7, "a" * 64)


def test_verify_is_read_only(data_dir: Path) -> None:
    before = (data_dir / DB_FILE).read_bytes()
    conn = _raw(data_dir)
    assert verify(conn).ok
    conn.close()
    assert check(data_dir)[0] == 0
    assert (data_dir / DB_FILE).read_bytes() == before
