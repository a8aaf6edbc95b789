"""The cursor codec and the point-in-time slots on their own: nothing a client changes in a cursor is taken, a cursor
expires (one inside a point in time with it), is bound to its API key, and the secret is made once, in Redis;
slots are capped per client, given back and lapse. The attacks on the live service are in test_cursors.py.
"""

from __future__ import annotations

from typing import Any

import pytest

from services.search.cursor import CursorCodec, cursor_secret, fingerprint
from services.search.pits import PitSlots
from shared.es.queries import SearchParams
from shared.settings import Settings
from shared.web.service import ApiError
from tests.hostile.searching import rewritten, unique
from tests.stack import Stack, wait_until

SECRET = b"a-test-secret-of-32-characters!!"


@pytest.mark.parametrize(
    "change",
    [{"p": "another-point-in-time"}, {"n": 10**9}, {"a": [99.0, 0, "zzz"]}, {"s": "other.slot"}, {"e": 4102444800}],
)
def test_a_cursor_changed_in_any_field_is_a_400(change: dict[str, Any]) -> None:
    codec, params = CursorCodec(SECRET), SearchParams(q="flood")
    cursor = codec.encode([1.5, 1700000000000, "abc"], params, "pit-of-this-search", 10, "owner.slot")
    with pytest.raises(ApiError) as err:
        codec.decode(rewritten(cursor, **change), params)
    assert err.value.status == 400 and err.value.field == "cursor"


def test_a_recomputed_fingerprint_does_not_carry_a_cursor_to_another_query() -> None:
    codec, params, other = CursorCodec(SECRET), SearchParams(q="flood"), SearchParams(q="budget")
    cursor = codec.encode([1.5, 0, "abc"], params)
    with pytest.raises(ApiError) as err:
        codec.decode(rewritten(cursor, f=fingerprint(other)), other)
    assert err.value.field == "cursor"


def test_a_cursor_expires_and_one_in_a_point_in_time_with_it() -> None:
    now = [1_000_000.0]
    codec, params = CursorCodec(SECRET, ttl_s=3600, clock=lambda: now[0]), SearchParams(q="flood", sort="newest")
    plain, in_pit = codec.encode([0, "a"], params), codec.encode([1.0, 0, "a"], params, "pit", ttl_s=180)
    now[0] += 200
    assert codec.decode(plain, params).after == [0, "a"]
    with pytest.raises(ApiError) as err:
        codec.decode(in_pit, params)
    assert "expired" in err.value.message
    now[0] += 3600
    with pytest.raises(ApiError):
        codec.decode(plain, params)


def test_a_cursor_given_to_one_api_key_is_refused_to_another() -> None:
    params = SearchParams(q="flood")
    cursor = CursorCodec(SECRET, bound_to="acme").encode([1.0, 0, "a"], params, "pit")
    assert CursorCodec(SECRET, bound_to="acme").decode(cursor, params).pit == "pit"
    with pytest.raises(ApiError):
        CursorCodec(SECRET, bound_to="beta").decode(cursor, params)


def test_the_secret_is_made_once_in_redis_unless_configured(stack: Stack) -> None:
    settings = Settings(namespace=unique("test-secret-"))
    try:
        first, again = cursor_secret(settings, stack.redis), cursor_secret(settings, stack.redis)
        assert first == again and len(first) == 64
        assert stack.redis.get(settings.redis_key("search", "cursor-secret")) == first
    finally:
        stack.redis.delete(settings.redis_key("search", "cursor-secret"))
    assert cursor_secret(Settings(search_cursor_secret="x" * 20), stack.redis) == b"x" * 20
    with pytest.raises(ValueError):
        cursor_secret(Settings(search_cursor_secret="short"), stack.redis)


def test_slots_are_capped_given_back_and_lapse(stack: Stack) -> None:
    prefix = f"{stack.namespace}:test-slots"
    slots = PitSlots(stack.redis, prefix, cap=2, keep_alive_s=60)
    first, second = slots.take("addr:10.0.0.1"), slots.take("addr:10.0.0.1")
    assert first and second and slots.take("addr:10.0.0.1") is None
    assert slots.take("addr:10.0.0.2")  # another client's cap is its own
    slots.release(first)
    assert slots.take("addr:10.0.0.1") and slots.held("addr:10.0.0.1") == 2
    short = PitSlots(stack.redis, prefix + "-short", cap=1, keep_alive_s=0.2)
    assert short.take("addr:10.0.0.3")
    wait_until(lambda: short.take("addr:10.0.0.3"), 10, what="a lapsed slot to be taken again")
