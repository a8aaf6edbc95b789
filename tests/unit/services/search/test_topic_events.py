"""The pure parts of `GET /v1/topics/<id>/events` (services/search/event_text.py, topic_events.py): event ids, where a connection
starts and when it reports a gap, the SSE text, and one connection's body against a stand-in for the Redis stream."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest
import redis

from services.search import topic_events
from services.search.event_text import ZERO, Backlog, gap_event, match_event, parse_event_id, sse, start_after
from services.search.topic_events import Follow, events


def test_event_ids_are_stream_entry_ids() -> None:
    assert parse_event_id("1764662400123-0") == (1764662400123, 0)
    assert parse_event_id(" 5-17 ") == (5, 17)
    assert parse_event_id(None) is None and parse_event_id("") is None
    for bad in ("abc", "12", "1-2-3", "-1-0", "1-x", f"{2**64}-0", "1764662400123-0\nevent: x", "$", ">", "+"):
        with pytest.raises(ValueError, match="not an event id"):
            parse_event_id(bad)


def test_ids_order_by_time_then_sequence() -> None:
    assert parse_event_id("9-5") < parse_event_id("10-0") < parse_event_id("10-1")  # type: ignore[operator]


def test_an_event_has_id_name_and_data_lines_and_a_blank_line() -> None:
    assert sse('{"a": 1}', event="match", event_id="5-0") == 'id: 5-0\nevent: match\ndata: {"a": 1}\n\n'
    assert sse("one\ntwo\r\nthree\rfour") == "data: one\ndata: two\ndata: three\ndata: four\n\n"


def test_only_sse_line_ends_split_data() -> None:
    text = json.dumps({"title": "a\u2028b\x85c\x1cd"}, ensure_ascii=False)
    [line] = [x for x in sse(text).split("\n") if x]
    assert json.loads(line.removeprefix("data: "))["title"] == "a\u2028b\x85c\x1cd"


def test_a_match_event_carries_the_entry_id_and_its_data_as_is() -> None:
    data = '{"topic_id": "t_1", "article": {"id": "a1"}, "matched_at": "2026-12-02T10:00:00Z"}'
    assert match_event("7-1", {"data": data}) == [f"id: 7-1\nevent: match\ndata: {data}\n\n"]
    assert match_event("7-2", {"other": "x"}) == []


def info(first: str | None, last: str, length: int, added: int | None) -> dict[str, Any]:
    found: dict[str, Any] = {
        "first-entry": (first, {"data": "{}"}) if first else None,
        "last-generated-id": last,
        "length": length,
    }
    if added is not None:
        found["entries-added"] = added
    return found


def test_the_backlog_is_read_from_xinfo_stream() -> None:
    assert Backlog.of(None) == Backlog(None, ZERO, False)
    assert Backlog.of(info("5-0", "9-0", 5, 9)) == Backlog((5, 0), (9, 0), True)
    assert Backlog.of(info("1-0", "9-0", 9, 9)) == Backlog((1, 0), (9, 0), False)
    assert Backlog.of(info("5-3", "9-0", 5, None)).trimmed  # before Redis 7: everything older may be gone


def test_without_last_event_id_only_events_after_connecting_are_sent() -> None:
    assert start_after(None, Backlog((5, 0), (9, 0), True)) == ((9, 0), False)
    assert start_after(None, Backlog()) == (ZERO, False)  # no stream yet: everything it will hold is new


def test_resuming_sends_what_follows_and_a_gap_when_the_id_is_older_than_the_backlog() -> None:
    backlog = Backlog((5, 0), (9, 0), True)  # entries before 5-0 were trimmed
    assert start_after((6, 0), backlog) == ((6, 0), False)
    assert start_after((5, 0), backlog) == ((5, 0), False)  # the first entry kept was seen: nothing is missing
    assert start_after((4, 0), backlog) == ((4, 0), True)
    assert start_after((9, 0), backlog) == ((9, 0), False)
    assert start_after((0, 1), Backlog((5, 0), (9, 0), False)) == ((0, 1), False)  # nothing was ever trimmed
    assert start_after((3, 0), Backlog(None, (9, 0), True)) == ((3, 0), True)  # everything after it is gone
    assert start_after((9, 0), Backlog(None, (9, 0), True)) == ((9, 0), False)


def test_an_id_the_stream_never_gave_out_is_a_gap_from_the_newest() -> None:
    assert start_after((20, 0), Backlog((5, 0), (9, 0), False)) == ((9, 0), True)  # the stream's history was lost


def test_the_gap_event_says_from_where_to_where() -> None:
    text = gap_event("t_1", (3, 0), Backlog((5, 0), (9, 0), True))
    assert text.startswith("event: gap\ndata: ") and "id:" not in text
    body = json.loads(text.split("data: ", 1)[1])
    assert body["topic_id"] == "t_1" and body["last_event_id"] == "3-0" and body["first_event_id"] == "5-0"


class FakeStream:
    """XRANGE and XREAD over a list of entries, as the reader (decode_responses) answers them."""

    def __init__(self, entries: list[tuple[str, dict[str, str]]], arriving: list[tuple[str, dict[str, str]]] | None = None):
        self.entries, self.arriving, self.blocks = entries, list(arriving or []), []  # type: ignore[var-annotated]
        self.fail = False

    def xrange(self, key: str, min: str, max: str, count: int) -> list[tuple[str, dict[str, str]]]:
        after = parse_event_id(min.removeprefix("("))
        return [e for e in self.entries if parse_event_id(e[0]) > after][:count]  # type: ignore[operator]

    def xread(self, streams: dict[str, str], count: int, block: int) -> list[Any]:
        if self.fail:
            raise redis.ConnectionError("gone")
        self.blocks.append(block)
        if self.arriving:
            self.entries.append(self.arriving.pop(0))
        after = parse_event_id(next(iter(streams.values())))
        new = [e for e in self.entries if parse_event_id(e[0]) > after][:count]  # type: ignore[operator]
        if not new:
            time.sleep(block / 1000)
        return [["k", new]] if new else []


def entry(n: int) -> tuple[str, dict[str, str]]:
    return f"{n}-0", {"data": json.dumps({"n": n})}


def follow(stream: FakeStream, start: str, seconds: float, wanted: bool = True) -> tuple[Follow, list[str]]:
    done: list[str] = []
    made = Follow(
        stream,  # type: ignore[arg-type]
        "k",
        parse_event_id(start) or ZERO,
        ["retry: 3000\n\n"],
        time.monotonic() + seconds,
        lambda: wanted,
        lambda: done.append("released"),
    )
    return made, done


def ids(body: list[str]) -> list[str]:
    return [line[4:] for chunk in body for line in chunk.split("\n") if line.startswith("id: ")]


def test_a_connection_sends_the_backlog_after_its_start_then_new_events_then_ends(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(topic_events, "READ_COUNT", 2)  # the backlog in pages
    stream = FakeStream([entry(n) for n in range(1, 6)], arriving=[entry(6), entry(7)])
    made, done = follow(stream, "2-0", seconds=0.3)
    body = list(events(made))
    assert body[0] == "retry: 3000\n\n"
    assert ids(body) == ["3-0", "4-0", "5-0", "6-0", "7-0"]
    assert done == ["released"]
    assert all(0 < b <= 300 for b in stream.blocks)  # never BLOCK 0, never past the deadline


def test_keep_alive_comments_and_a_deleted_topic_ends_the_stream(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(topic_events, "KEEP_ALIVE_S", 0.05)
    made, _ = follow(FakeStream([]), "0-0", seconds=0.35)
    assert sum(chunk == ": keep-alive\n\n" for chunk in events(made)) >= 3
    gone, done = follow(FakeStream([]), "0-0", seconds=5, wanted=False)
    started = time.monotonic()
    assert list(events(gone)) == ["retry: 3000\n\n"] and done == ["released"]
    assert time.monotonic() - started < 1


def test_redis_going_away_ends_the_stream_and_gives_the_slot_back() -> None:
    stream = FakeStream([entry(1)])
    stream.fail = True
    made, done = follow(stream, "0-0", seconds=5)
    assert ids(list(events(made))) == ["1-0"] and done == ["released"]


def test_a_client_that_leaves_gives_the_slot_back() -> None:
    made, done = follow(FakeStream([entry(1), entry(2)]), "0-0", seconds=5)
    body = events(made)
    next(body), next(body)
    body.close()  # what gunicorn does when a write to the client fails
    assert done == ["released"]
