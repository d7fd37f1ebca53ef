"""A large, realistic kiosk store for the search benches (shared by search_name and search_exact).

``fixture_store(rows)`` returns the path of a store holding ``rows`` dossiers, built once and
kept in ``<system temp>/motcua-bench/`` under a name keyed by the row count, the store's schema
version and :data:`FIXTURE_VERSION`, so a changed schema or generator never reuses a stale file.

The data imitate a province-sized archive: several agencies (communes), ten years of working
days with realistic daily sequences, Vietnamese names drawn from published surname shares and
common middle/given names, 12-digit CCCD numbers consistent with birth province, sex and year,
mobile numbers on real prefixes, and applicants who come back (about half of the people have
more than one dossier). Rows are generated in receipt order, so ``n`` grows with time as in a
real store. Deterministic for a given row count (seeded RNG), apart from the UUIDv7 ids.

The build writes the rows with the schema's indexes and FTS triggers dropped, then recreates
the indexes and fills the FTS index with ``'rebuild'`` (``--fts triggers`` keeps the triggers
instead, to compare). The schema itself comes from the store's own migrations.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from kiosk_app.store import dossiers  # noqa: E402
from kiosk_app.store.data_key import load_key  # noqa: E402
from kiosk_app.store.db import connect, open_store, raw_connect  # noqa: E402
from kiosk_app.store.migrations import latest_version  # noqa: E402

FIXTURE_VERSION = 1
SEED = 20251123
VN_TZ = timezone(timedelta(hours=7))
CACHE_DIR = Path(tempfile.gettempdir()) / "motcua-bench"
# Fixture stores are encrypted like a kiosk's (SQLCipher); their data key is kept beside the
# cache, never in the user's keyring or config folder.
os.environ.setdefault("MOTCUA_KEY_DIR", str(Path(tempfile.gettempdir()) / "motcua-bench-keys"))
FIRST_DAY = date(2016, 1, 4)
LAST_DAY = date(2025, 12, 31)
MEAN_PER_AGENCY_DAY = 20  # a busy commune desk


def _codes(text: str) -> list[str]:
    return text.split()


# Surname shares (%), after the commonly cited national figures (Nguyễn ≈ 38 %, Trần ≈ 11 %,
# Lê ≈ 9.5 %, Phạm ≈ 7 %, Hoàng/Huỳnh ≈ 5 %, Phan ≈ 4.5 %, Vũ/Võ ≈ 3.9 %, ...).
SURNAMES = [
    ("Nguyễn", 38.4), ("Trần", 11.0), ("Lê", 9.5), ("Phạm", 7.1), ("Hoàng", 3.0),
    ("Huỳnh", 2.1), ("Phan", 4.5), ("Vũ", 2.2), ("Võ", 1.7), ("Đặng", 2.1), ("Bùi", 2.0),
    ("Đỗ", 1.4), ("Hồ", 1.3), ("Ngô", 1.3), ("Dương", 1.0), ("Lý", 0.5), ("Đinh", 0.9),
    ("Trương", 0.8), ("Đoàn", 0.7), ("Lương", 0.6), ("Mai", 0.5), ("Trịnh", 0.5),
    ("Cao", 0.4), ("Lâm", 0.4), ("Phùng", 0.3), ("Tạ", 0.3), ("Hà", 0.4), ("Chu", 0.2),
    ("Văn", 0.2), ("Tô", 0.2), ("La", 0.1), ("Kiều", 0.1), ("Thái", 0.2), ("Quách", 0.1),
]  # fmt: skip
MIDDLE_MALE = [
    ("Văn", 40), ("Đức", 9), ("Minh", 8), ("Quang", 6), ("Hữu", 6), ("Công", 5),
    ("Thành", 4), ("Xuân", 4), ("Ngọc", 3), ("Anh", 3), ("Tuấn", 2), ("Hoàng", 2),
    ("Thanh", 3), ("Trọng", 3), ("Bá", 2), ("Đình", 3), ("Quốc", 3), ("Gia", 2),
]  # fmt: skip
MIDDLE_FEMALE = [
    ("Thị", 55), ("Ngọc", 7), ("Thu", 5), ("Thanh", 5), ("Minh", 3), ("Kim", 4), ("Mỹ", 3),
    ("Phương", 3), ("Bảo", 2), ("Khánh", 2), ("Hồng", 4), ("Hải", 2), ("Diệu", 1),
    ("Thùy", 3), ("Quỳnh", 1),
]  # fmt: skip
GIVEN_MALE = [
    ("Anh", 6), ("Hùng", 5), ("Dũng", 5), ("Tuấn", 5), ("Minh", 5), ("Nam", 4), ("Long", 4),
    ("Hải", 4), ("Hoàng", 3), ("Đức", 4), ("Thắng", 3), ("Sơn", 4), ("Trung", 3),
    ("Bình", 3), ("Cường", 3), ("Hiếu", 3), ("Huy", 4), ("Khoa", 2), ("Phúc", 2),
    ("Quân", 3), ("Thành", 3), ("Tùng", 3), ("Việt", 2), ("Vinh", 2), ("Đạt", 3), ("Duy", 2),
    ("Khánh", 2), ("Lâm", 2), ("Phong", 2), ("Tài", 2), ("Thịnh", 1), ("Toàn", 2),
    ("Thanh", 2), ("Tú", 1), ("Hưng", 2), ("Lộc", 1), ("Phát", 1), ("Quang", 2), ("An", 2),
    ("Bảo", 1), ("Hậu", 1), ("Kiên", 1), ("Nghĩa", 1), ("Tâm", 1), ("Thông", 1),
]  # fmt: skip
GIVEN_FEMALE = [
    ("Linh", 6), ("Hương", 5), ("Lan", 4), ("Mai", 4), ("Hoa", 4), ("Hà", 4), ("Thảo", 4),
    ("Trang", 5), ("Ngọc", 3), ("Huyền", 3), ("Phương", 3), ("Nhung", 2), ("Hằng", 3),
    ("Thủy", 3), ("Yến", 3), ("Vân", 2), ("Thu", 2), ("Nga", 3), ("Loan", 2), ("Hạnh", 2),
    ("Dung", 2), ("Giang", 2), ("Oanh", 1), ("Tâm", 1), ("Anh", 3), ("Vy", 2), ("Nhi", 2),
    ("Châu", 1), ("Uyên", 1), ("Quỳnh", 2), ("Hiền", 2), ("Liên", 2), ("Lệ", 1), ("Diệp", 1),
    ("Trinh", 1), ("Thư", 2), ("My", 1), ("Ngân", 2), ("Chi", 1), ("Đào", 1),
]  # fmt: skip
# Pre-2025 province codes of the CCCD (001–096); most applicants were born locally (046 Huế).
CCCD_PROVINCES = _codes(
    "001 002 004 006 008 010 011 012 014 015 017 019 020 022 024 025 026 027 030 031 033 034 "
    "035 036 037 038 040 042 044 045 046 048 049 051 052 054 056 058 060 062 064 066 067 068 "
    "070 072 074 075 077 079 080 082 083 084 086 087 089 091 092 093 094 095 096"
)
LOCAL_PROVINCE = "046"
PHONE_PREFIXES = _codes(
    "032 033 034 035 036 037 038 039 056 058 059 070 076 077 078 079 081 082 083 084 085 086 "
    "088 089 090 091 092 093 094 096 097 098 099"
)
# Commune-level procedures and how often each is asked for.
PROCEDURES = [
    ("2.000815", 40), ("2.000884", 15), ("1.001193", 12), ("1.004873", 10),
    ("1.000656", 5), ("1.000894", 5), ("2.000635", 8), ("1.004859", 3), ("1.001022", 2),
]  # fmt: skip
HAMLETS = ["thôn Hạ", "thôn Thượng", "thôn Đông", "thôn Tây", "thôn 1", "thôn 2", "thôn 3"]
COLUMNS = (
    "n, id, code, agency_id, code_day, code_seq, procedure_code, catalog_version, form_version, "
    "channel, status, received_at, appointment_at, applicant_name, applicant_id_number, "
    "applicant_phone, applicant_address, answers, fee, payment, delivery, content_hash, "
    "draft_id, actor, search_text, updated_at"
)


def cache_path(rows: int) -> Path:
    # The schema's and the indexing code's text are part of the key: an unreleased migration
    # may still change in place, and the folded search text decides what FTS indexes.
    import hashlib

    import kiosk_app.store.dossiers as rows_mod
    import kiosk_app.store.schema as schema_mod

    digest = hashlib.sha256(
        Path(schema_mod.__file__).read_bytes() + Path(rows_mod.__file__).read_bytes()
    ).hexdigest()[:10]
    return CACHE_DIR / (
        f"dossiers-{rows}-schema{latest_version()}-{digest}-fx{FIXTURE_VERSION}-enc.sqlite"
    )


def fixture_store(rows: int, *, fts: str = "rebuild", rebuild: bool = False) -> Path:
    """The path of a store with ``rows`` dossiers, from the cache or built now (logged to stderr)."""
    path = cache_path(rows)
    if path.exists() and not rebuild:
        return path
    CACHE_DIR.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(f".building-{os.getpid()}")
    started = time.perf_counter()
    timings = build(tmp, rows, fts=fts)
    for suffix in ("", "-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)
    tmp.rename(path)
    log(f"fixture: {rows:,} dossiers built in {time.perf_counter() - started:.1f} s "
        f"({', '.join(f'{k} {v:.1f} s' for k, v in timings.items())}) -> {path}")  # fmt: skip
    return path


def log(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


# ------------------------------------------------------------------ generation


def _picker(rng: random.Random, table: list[tuple[str, float]]) -> list[str]:
    """A ~10,000-slot lookup list: a uniform choice from it draws by the table's weights."""
    total = sum(w for _, w in table)
    out: list[str] = []
    for value, weight in table:
        out += [value] * max(1, round(weight / total * 10_000))
    rng.shuffle(out)
    return out


class People:
    """A pool of applicants; a dossier draws one, so returning applicants occur naturally."""

    def __init__(self, rng: random.Random, count: int) -> None:
        sur = _picker(rng, SURNAMES)
        mid = {True: _picker(rng, MIDDLE_MALE), False: _picker(rng, MIDDLE_FEMALE)}
        giv = {True: _picker(rng, GIVEN_MALE), False: _picker(rng, GIVEN_FEMALE)}
        self.names: list[str] = []
        self.ids: list[str] = []
        self.phones: list[str | None] = []
        self.births: list[str] = []
        self.addresses: list[str] = []
        for _ in range(count):
            male = rng.random() < 0.5
            parts = [rng.choice(sur), rng.choice(mid[male])]
            if rng.random() < 0.2:  # "Nguyễn Thị Thu Hà": a second middle name
                second = rng.choice(giv[male])
                if second != parts[1]:
                    parts.append(second)
            parts.append(rng.choice(giv[male]))
            self.names.append(" ".join(parts))
            year = rng.randint(1940, 2007)
            province = LOCAL_PROVINCE if rng.random() < 0.7 else rng.choice(CCCD_PROVINCES)
            century = (year // 100 - 19) * 2 + (0 if male else 1)
            self.ids.append(f"{province}{century}{year % 100:02d}{rng.randrange(1_000_000):06d}")
            self.births.append(f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}")
            self.phones.append(
                None
                if rng.random() < 0.1
                else rng.choice(PHONE_PREFIXES) + f"{rng.randrange(10_000_000):07d}"
            )
            self.addresses.append(f"{rng.choice(HAMLETS)}, xã Nam Đông, Thành phố Huế")


def working_days(first: date, last: date) -> list[date]:
    out, d = [], first
    while d <= last:
        if d.weekday() < 5:
            out.append(d)
        d += timedelta(days=1)
    return out


def agency_ids(count: int) -> list[str]:
    """Commune agency ids in the QCVN 102:2016 shape (``L4.L3.L2.H56``), distinct per commune."""
    return [f"{(i % 900) + 1:03d}.{(i // 900) % 100:02d}.{6 + i // 90000:02d}.H56"
            for i in range(count)]  # fmt: skip


def generate(rows: int, seed: int = SEED) -> Iterator[tuple]:
    """Dossier rows (in ``COLUMNS`` order), oldest first, ``rows`` of them."""
    import uuid6

    rng = random.Random(seed)
    days = working_days(FIRST_DAY, LAST_DAY)
    # 10 % spare so the daily draws never fall short; fewer rows than ten years of one
    # commune use the most recent days only.
    wanted = rows * 1.1 / MEAN_PER_AGENCY_DAY
    n_agencies = max(1, math.ceil(wanted / len(days)))
    days = days[-min(len(days), math.ceil(wanted / n_agencies)) :]
    agencies = agency_ids(n_agencies)
    people = People(rng, max(1, int(rows * 0.7)))
    procs = _picker(rng, PROCEDURES)
    fold_cache: dict[int, str] = {}
    n = 0
    for day in days:
        stamp = day.strftime("%y%m%d")
        for agency in agencies:
            count = max(1, int(rng.gauss(MEAN_PER_AGENCY_DAY, MEAN_PER_AGENCY_DAY / 3)))
            base = datetime(day.year, day.month, day.day, 7, 0, tzinfo=VN_TZ)
            minutes = sorted(rng.randrange(0, 600) for _ in range(count))
            for seq, minute in enumerate(minutes, start=1):
                n += 1
                p = rng.randrange(len(people.names))
                proc = rng.choice(procs)
                # Morning 07:00–11:30, afternoon 13:30–17:00 (a 120-minute gap at noon).
                offset = minute if minute < 270 else minute + 120
                at = (base + timedelta(minutes=offset, seconds=rng.randrange(60))).isoformat()
                due = (base + timedelta(days=3 if proc[0] == "1" else 0, hours=9)).isoformat()
                code = f"{agency}-{stamp}-{seq:04d}"
                name, idn, phone = people.names[p], people.ids[p], people.phones[p]
                person_key = fold_cache.get(p)
                if person_key is None:
                    person_key = dossiers.search_text(name, idn)
                    fold_cache[p] = person_key
                answers = json.dumps(
                    {
                        "requester": {
                            "full_name": name,
                            "date_of_birth": people.births[p],
                            "id_number": idn,
                            "residence": {
                                "province": "46",
                                "commune": "20179",
                                "detail": people.addresses[p],
                            },
                        },
                        "requester_phone": phone,
                        "documents": [{"title": "Giấy tờ", "language": "vi", "copies": 1}],
                    },
                    ensure_ascii=False,
                    sort_keys=True,
                )
                yield (
                    n, str(uuid6.uuid7()), code, agency, day.isoformat(), seq, proc,
                    "2025.11", "1", "desk", 9 if day < LAST_DAY - timedelta(days=30) else 2,
                    at, due, name, idn, phone, people.addresses[p], answers,
                    10_000 if proc == "2.000884" else 0, "{}", "desk",
                    f"{rng.getrandbits(256):064x}", None, "clerk",
                    # search_text as the intake builds it (name, id, code, phone, procedure)
                    f"{person_key} {dossiers.search_text(code, phone, proc)}", at,
                )  # fmt: skip
                if n >= rows:
                    return
    raise RuntimeError(f"generated only {n} of {rows} rows")


# ------------------------------------------------------------------ building


def build(path: Path, rows: int, *, fts: str = "rebuild") -> dict[str, float]:
    """Create the store's schema at ``path`` and bulk-load ``rows`` dossiers; returns timings.

    ``fts='rebuild'``: indexes and FTS triggers are dropped during the load, then recreated
    (same SQL as the schema) and the FTS index filled in one ``'rebuild'``.
    ``fts='triggers'``: rows go in with the schema's indexes and triggers in place.
    """
    if fts not in ("rebuild", "triggers"):
        raise ValueError(f"fts must be 'rebuild' or 'triggers', not {fts!r}")
    for suffix in ("", "-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)
    open_store(path).close()  # the schema, through the store's own migrations
    conn = connect(path, load_key(path.parent))
    timings: dict[str, float] = {}
    try:
        # Building a throw-away fixture: no durability needed until the final checkpoint.
        conn.execute("PRAGMA journal_mode=OFF")
        conn.execute("PRAGMA synchronous=OFF")
        conn.execute("PRAGMA cache_size=-262144")  # 256 MiB
        conn.execute("PRAGMA temp_store=MEMORY")
        saved = []
        if fts == "rebuild":
            saved = conn.execute(
                "SELECT type, name, sql FROM sqlite_master WHERE tbl_name='dossiers' "
                "AND type IN ('index', 'trigger') AND sql IS NOT NULL"
            ).fetchall()
            for kind, name, _ in saved:
                conn.execute(f"DROP {kind.upper()} {name}")
        t = time.perf_counter()
        conn.execute("BEGIN")
        marks = ", ".join("?" * len(COLUMNS.split(",")))
        conn.executemany(f"INSERT INTO dossiers ({COLUMNS}) VALUES ({marks})", generate(rows))
        conn.execute("COMMIT")
        timings["insert"] = time.perf_counter() - t
        if fts == "rebuild":
            t = time.perf_counter()
            conn.execute("BEGIN")
            for kind, _, sql in saved:
                if kind == "index":
                    conn.execute(sql)
            conn.execute("COMMIT")
            timings["indexes"] = time.perf_counter() - t
            t = time.perf_counter()
            conn.execute("BEGIN")
            conn.execute("INSERT INTO dossiers_fts(dossiers_fts) VALUES ('rebuild')")
            for kind, _, sql in saved:
                if kind == "trigger":
                    conn.execute(sql)
            conn.execute("COMMIT")
            timings["fts"] = time.perf_counter() - t
        t = time.perf_counter()
        # One merged FTS b-tree per index, as a long-lived store tends towards; then stats.
        conn.execute("INSERT INTO dossiers_fts(dossiers_fts) VALUES ('optimize')")
        conn.execute("ANALYZE")
        conn.execute("PRAGMA journal_mode=WAL")
        timings["optimize+analyze"] = time.perf_counter() - t
    finally:
        conn.close()
    return timings


def sample_rows(path: Path, count: int, seed: int = 7) -> list[tuple]:
    """``count`` random (n, code, id_number, applicant_name) rows of a fixture store."""
    conn = raw_connect(path, load_key(path.parent), read_only=True)
    try:
        top = conn.execute("SELECT MAX(n) FROM dossiers").fetchone()[0]
        rng = random.Random(seed)
        ns = [rng.randint(1, top) for _ in range(count)]
        out = []
        for n in ns:
            out.append(
                conn.execute(
                    "SELECT n, code, applicant_id_number, applicant_name FROM dossiers WHERE n=?",
                    [n],
                ).fetchone()
            )
        return out
    finally:
        conn.close()


def percentile(values: list[float], q: float) -> float:
    """The ``q``-quantile (0..1) by the nearest-rank method."""
    ordered = sorted(values)
    rank = max(1, min(len(ordered), math.ceil(q * len(ordered))))
    return ordered[rank - 1]


def main() -> int:
    ap = argparse.ArgumentParser(description="Build (or time the build of) the search fixture.")
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--fts", choices=("rebuild", "triggers"), default="rebuild")
    ap.add_argument("--to", type=Path, help="build into this file instead of the cache")
    args = ap.parse_args()
    if args.to:
        t = time.perf_counter()
        timings = build(args.to, args.rows, fts=args.fts)
        log(f"{args.rows:,} rows, fts={args.fts}: {time.perf_counter() - t:.1f} s {timings}")
    else:
        print(fixture_store(args.rows, fts=args.fts, rebuild=True))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
