"""Dossier codes: format, parsing, slots, and allocation that never repeats."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kiosk_app.core.codes import (
    CodeError,
    SlotExhausted,
    check_agency_id,
    format_code,
    next_seq,
    parse_code,
    slot_range,
)
from kiosk_app.store.codes import allocate_seq
from kiosk_app.store.db import open_store

AGENCY = "000.00.06.H56"


def test_format_and_parse_national_example() -> None:
    code = format_code(AGENCY, date(2023, 10, 27), 361)
    assert code == "000.00.06.H56-231027-0361"
    parsed = parse_code(code)
    assert (parsed.agency_id, parsed.day, parsed.seq) == (AGENCY, date(2023, 10, 27), 361)
    assert str(parsed) == code


@pytest.mark.parametrize("bad", ["", "000.00.06", "00.00.06.H56", "000.00.06.H5", "abc"])
def test_bad_agency_ids_are_refused_in_vietnamese(bad: str) -> None:
    with pytest.raises(CodeError, match="Mã định danh"):
        check_agency_id(bad)


@pytest.mark.parametrize("bad", ["000.00.06.H56-231327-0001", "000.00.06.H56-231027-01", "x"])
def test_bad_codes_are_refused(bad: str) -> None:
    with pytest.raises(CodeError):
        parse_code(bad)


def test_slots_are_disjoint_and_hold_999() -> None:
    ranges = [set(slot_range(k)) for k in range(10)]
    assert all(len(r) == 999 for r in ranges)
    assert len(set().union(*ranges)) == 9990
    assert slot_range(3)[0] == 3001 and slot_range(3)[-1] == 3999
    assert next_seq(None, 0) == 1
    with pytest.raises(SlotExhausted):
        next_seq(999, 0)
    with pytest.raises(CodeError):
        slot_range(10)


@settings(
    max_examples=4, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    order=st.permutations(list(range(5)) * 3),
    back_days=st.lists(st.integers(min_value=0, max_value=3), min_size=1, max_size=4),
)
def test_five_devices_999_each_no_duplicates_no_gaps(
    tmp_path: Path, order: list[int], back_days: list[int]
) -> None:
    """Five devices of one commune, 999 codes each on one day, interleaved, with the clock
    set back to earlier days in between: every code unique, each slot gap-free."""
    import uuid

    run = tmp_path / uuid.uuid4().hex
    stores = [open_store(run / f"dev{k}.sqlite") for k in range(5)]
    day = date(2025, 3, 14)
    issued: dict[int, list[int]] = {k: [] for k in range(5)}
    try:
        # each device gets 3 turns of 333; between turns it also issues codes on a past day
        for turn, k in enumerate(order):
            with stores[k].write() as db:
                for _ in range(333):
                    issued[k].append(allocate_seq(db, AGENCY, day, k))
                past = date(2025, 3, 14 - back_days[turn % len(back_days)])
                if past != day:
                    allocate_seq(db, AGENCY, past, k)
        codes = [format_code(AGENCY, day, s) for k in issued for s in issued[k]]
        assert len(codes) == len(set(codes)) == 5 * 999
        for k, seqs in issued.items():
            assert seqs == list(slot_range(k))
            with stores[k].write() as db, pytest.raises(SlotExhausted):
                allocate_seq(db, AGENCY, day, k)
    finally:
        for s in stores:
            s.close()


def test_failed_transaction_does_not_consume_a_number(tmp_path: Path) -> None:
    store = open_store(tmp_path / "k.sqlite")
    day = date(2025, 1, 2)
    with store.write() as db:
        assert allocate_seq(db, AGENCY, day, 2) == 2001
    with pytest.raises(RuntimeError), store.write() as db:
        allocate_seq(db, AGENCY, day, 2)
        raise RuntimeError("power cut")
    with store.write() as db:
        assert allocate_seq(db, AGENCY, day, 2) == 2002
    store.close()
