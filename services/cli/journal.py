"""The resume journal of `newsctl ingest`: an SQLite file of the units already answered and the ids seen.

Lookups go to disk, so memory stays constant however many files there are. A unit is recorded only
once the service has answered it: an interrupted run resends at most the units in flight, and those
get the same ids, so nothing is stored twice.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

SCHEMA = """
CREATE TABLE IF NOT EXISTS units (key TEXT PRIMARY KEY, accepted INTEGER, duplicates INTEGER, rejected INTEGER);
CREATE TABLE IF NOT EXISTS ids (id TEXT PRIMARY KEY);
"""


class Journal:
    def __init__(self, path: Path | None) -> None:
        self.db = sqlite3.connect(str(path) if path else ":memory:")
        # One commit per request, not per file, and no fsync on each: a lost tail is only resent (same ids).
        self.db.executescript("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;" + SCHEMA)

    def done(self, key: str) -> bool:
        return self.db.execute("SELECT 1 FROM units WHERE key = ?", (key,)).fetchone() is not None

    def seen_before(self, article_id: str) -> bool:
        """True when this id was already sent (in this run or an earlier one); records it otherwise."""
        cursor = self.db.execute("INSERT OR IGNORE INTO ids (id) VALUES (?)", (article_id,))
        return cursor.rowcount == 0

    def record(self, key: str, accepted: int, duplicates: int, rejected: int) -> None:
        self.db.execute("INSERT OR REPLACE INTO units VALUES (?, ?, ?, ?)", (key, accepted, duplicates, rejected))

    def commit(self) -> None:
        self.db.commit()

    def close(self) -> None:
        self.db.commit()
        self.db.close()
