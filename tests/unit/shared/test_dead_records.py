"""The dead lists' records: read whatever Redis holds, listed newest first the same way whatever the hash's order."""

from __future__ import annotations

import itertools

from shared.dead_records import newest_first, read_record


def test_records_that_died_in_the_same_millisecond_list_in_the_order_they_were_staged() -> None:
    # A drain refusing two entries in a row gives both the same dead_ms; HGETALL may return either first.
    records = [{"id": "1796403169000-0", "dead_ms": 7}, {"id": "1796403169001-0", "dead_ms": 7}]
    for order in itertools.permutations(records):
        assert [r["id"] for r in newest_first(list(order), "id", 10)] == ["1796403169001-0", "1796403169000-0"]


def test_stream_ids_order_by_number_and_other_ids_by_text() -> None:
    records = [{"id": "5-9", "dead_ms": 1}, {"id": "5-10", "dead_ms": 1}, {"id": "4-0", "dead_ms": 2}]
    assert [r["id"] for r in newest_first(records, "id", 2)] == ["4-0", "5-10"]
    deliveries = [{"delivery_id": "evt_a", "dead_ms": 3}, {"delivery_id": "evt_b", "dead_ms": 3}]
    assert [r["delivery_id"] for r in newest_first(deliveries[::-1], "delivery_id", 5)] == ["evt_b", "evt_a"]
    assert newest_first(deliveries, "delivery_id", -1) == []


def test_a_record_that_cannot_be_read_is_still_listed() -> None:
    assert read_record(b'{"reason": "x", "dead_ms": 1}') == {"reason": "x", "dead_ms": 1}
    assert read_record(b"not json") == read_record(b"[1, 2]") == {"reason": "unreadable record"}
