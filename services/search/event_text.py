"""The text of a topic's event stream (docs/topic-events.md): event ids, where a connection starts in the backlog, and
Server-Sent Events framing. Pure functions: services/search/topic_events.py serves them."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

EVENT_ID = re.compile(r"^(\d{1,20})-(\d{1,20})$")
MAX_PART = 2**64 - 1
LINE_END = re.compile(r"\r\n|\r|\n")  # what ends a line in text/event-stream, and nothing else
EventId = tuple[int, int]
ZERO: EventId = (0, 0)


def parse_event_id(text: str | None) -> EventId | None:
    """A stream entry id `<ms>-<seq>` as a pair; None when absent or empty; ValueError when not such an id."""
    if text is None or not text.strip():
        return None
    found = EVENT_ID.match(text.strip())
    if not found or int(found[1]) > MAX_PART or int(found[2]) > MAX_PART:
        raise ValueError(f"{text[:64]!r} is not an event id (<milliseconds>-<sequence>)")
    return int(found[1]), int(found[2])


def format_id(event_id: EventId) -> str:
    return f"{event_id[0]}-{event_id[1]}"


@dataclass(frozen=True)
class Backlog:
    """The topic's stream when the client connected (XINFO STREAM); empty when it has none yet."""

    first: EventId | None = None  # the oldest entry kept
    last: EventId = ZERO  # the newest id the stream ever gave out
    trimmed: bool = False  # some entries were dropped (MAXLEN): fewer kept than ever added

    @classmethod
    def of(cls, info: dict[str, Any] | None) -> Backlog:
        if not info:
            return cls()
        first = parse_event_id(info["first-entry"][0]) if info.get("first-entry") else None
        last = parse_event_id(info.get("last-generated-id")) or ZERO
        added = info.get("entries-added")  # Redis 7; before it, assume the worst
        return cls(first, last, added is None or int(added) > int(info.get("length") or 0))


def start_after(resume: EventId | None, backlog: Backlog) -> tuple[EventId, bool]:
    """Where the stream starts (events after this id are sent) and whether the client may have missed some.

    Without a Last-Event-ID: new events only, from the id the stream was at on connecting. With one: the events after
    it, and a gap when that id is older than the backlog's first entry and entries were trimmed (what came between
    is gone), or when the stream never gave out that id (its history was lost)."""
    if resume is None:
        return backlog.last, False
    if resume > backlog.last:
        return backlog.last, True
    older = backlog.first is None or resume < backlog.first
    return resume, backlog.trimmed and older and resume < backlog.last


def sse(data: str, event: str | None = None, event_id: str | None = None) -> str:
    """One event: `id:`, `event:`, and a `data:` line per line of data (split only where SSE ends a line, so U+2028 or
    U+0085 inside a JSON string stay in it), ended by a blank line."""
    lines = [f"id: {event_id}"] if event_id else []
    if event:
        lines.append(f"event: {event}")
    lines += [f"data: {line}" for line in LINE_END.split(data)]
    return "\n".join(lines) + "\n\n"


def comment(text: str) -> str:
    return f": {text}\n\n"


def retry(ms: int) -> str:
    return f"retry: {ms}\n\n"


def gap_event(topic_id: str, resume: EventId, backlog: Backlog) -> str:
    body = {
        "topic_id": topic_id,
        "last_event_id": format_id(resume),
        "first_event_id": format_id(backlog.first) if backlog.first else None,
        "message": "events after last_event_id were dropped from the backlog; the ones kept follow",
    }
    return sse(json.dumps(body), event="gap")


def match_event(entry_id: str, fields: dict[str, str]) -> list[str]:
    """The entry as a `match` event (none for an entry without `data`, which no indexer writes)."""
    data = fields.get("data")
    return [sse(data, event="match", event_id=entry_id)] if data else []
