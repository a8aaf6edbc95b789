"""Reading the services' JSON log lines (structlog): when the indexer first wrote an article, the sweeps the
worker ran, the error lines of each log."""

from __future__ import annotations

import re
from collections.abc import Collection
from datetime import datetime
from pathlib import Path

TIMESTAMP = re.compile(r'"timestamp": "([^"]+)"')
INDEXED = re.compile(r'"event": "article ([0-9a-f]+) indexed"')
ERROR = re.compile(r'"level": "(error|critical)"|^Traceback ')


def when(line: str) -> datetime | None:
    found = TIMESTAMP.search(line)
    return datetime.fromisoformat(found.group(1).replace("Z", "+00:00")) if found else None


def first_writes(log: Path, ids: Collection[str]) -> dict[str, datetime]:
    """When the indexer first logged each of `ids` as written (Elasticsearch confirmed it)."""
    wanted: set[str] = set(ids)
    seen: dict[str, datetime] = {}
    with open(log, errors="replace") as lines:
        for line in lines:
            found = INDEXED.search(line)
            if found and found.group(1) in wanted and found.group(1) not in seen and (at := when(line)):
                seen[found.group(1)] = at
    return seen


def backlog_s(log: Path, ids: Collection[str], healed: datetime) -> float:
    """From the heal until the last of `ids` (sent before it) was first written; 0 when all were written before."""
    writes = first_writes(log, ids)
    return max([0.0, *((at - healed).total_seconds() for at in writes.values())])


def sweeps_since(log: Path, since: datetime) -> int:
    """In-flight sweeps the worker ran after `since` (beat sent them, the worker consumed them)."""
    with open(log, errors="replace") as lines:
        return sum(1 for line in lines if "in-flight sweep:" in line and (at := when(line)) is not None and at > since)


def error_lines(folder: Path) -> dict[str, int]:
    counts = {}
    for log in sorted(folder.glob("*.log")):
        with open(log, errors="replace") as lines:
            counts[log.stem] = sum(1 for line in lines if ERROR.search(line))
    return counts
