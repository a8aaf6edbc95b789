"""The records of the two dead lists Redis keeps as hashes: webhook deliveries given up (shared/webhooks/schedule.py)
and outbox entries the record script refused (shared/topics/outbox.py). Each is id -> a JSON record with its
`reason` and `dead_ms`; both are read and listed here, the same way.

A hash has no order, and records that died in the same millisecond (a drain refusing two entries in a row) tie on
`dead_ms`: the id settles the tie, so a listing is the same whichever order Redis returns the hash in.
"""

from __future__ import annotations

import json
import re
from typing import Any

STREAM_ID = re.compile(r"(\d+)-(\d+)")


def read_record(raw: Any) -> dict[str, Any]:
    """A dead record as written, or one saying it cannot be read: a listing shows every record."""
    try:
        record = json.loads(raw)
    except ValueError:
        return {"reason": "unreadable record"}
    return record if isinstance(record, dict) else {"reason": "unreadable record"}


def newest_first(items: list[dict[str, Any]], id_key: str, limit: int) -> list[dict[str, Any]]:
    """The newest `limit` records by `dead_ms`; on a tie, the later stream id (or, for other ids, the larger) first."""
    items.sort(key=lambda item: (int(item.get("dead_ms") or 0), _id_order(str(item[id_key]))), reverse=True)
    return items[: max(0, limit)]


def _id_order(record_id: str) -> tuple[int, int, str]:
    """A stream id ("ms-seq") in the order Redis gave it (its text would put "5-10" before "5-9")."""
    found = STREAM_ID.fullmatch(record_id)
    return (int(found[1]), int(found[2]), "") if found else (0, 0, record_id)
