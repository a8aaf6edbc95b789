"""The census after a fault: what became of every accepted article, counted the way a user would see it.

    accepted = Accepted()                        # the load records each 202 (and each send left unanswered)
    census = take_census(es, alias, accepted, dead_letters(redis, settings), writes_in_logs(logs))
    print(census.line()); assert census.held

- missing: accepted, neither stored nor dead-lettered (a loss);
- dup_ids: one story stored under more than one id (the same canonical URL, folded as `shared.articles.ids` folds it);
- dup_content: the same title and body (`shared.articles.ids.content_hash`) stored under more than one id;
- stale: the stored title and body are not those of the last version the client got a 202 for;
- rewrites: writes beyond one per accepted version (redeliveries; allowed, reported), from the indexer's
  per-article log lines "article <id> indexed";
- strays: stored ids no client got accepted (reported).

docs/fault-checks.md says what each check catches. Only `stored_documents`, `dead_letters` and `writes_in_logs`
touch the engines or files; `count` is pure.
"""

from __future__ import annotations

import json
import re
import threading
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import redis
from elasticsearch import Elasticsearch, helpers

from shared.articles.ids import canonical_url, content_hash
from shared.delivery.deadletters import DeadLetters
from shared.settings import Settings

INDEXED_LINE = re.compile(r'"event": "article ([0-9a-f]+) indexed"')


@dataclass
class Accepted:
    """What a client knows it got accepted: each article id's versions, in the order their 202s came back.

    `unsure` notes a send given up without an answer: the service may have taken it, so until a later 202 for
    that id, its content is also acceptable as the stored one. Thread-safe: a load's threads share one."""

    _last: dict[str, str] = field(default_factory=dict)
    _versions: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    _unsure: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, article_id: str, title: str | None, body: str | None) -> None:
        digest = content_hash(title, body)
        with self._lock:
            self._last[article_id] = digest
            self._versions[article_id].add(digest)
            self._unsure.pop(article_id, None)

    def unsure(self, article_id: str, title: str | None, body: str | None) -> None:
        with self._lock:
            self._unsure[article_id].add(content_hash(title, body))

    @property
    def ids(self) -> set[str]:
        with self._lock:
            return set(self._last)

    def expected(self, article_id: str) -> frozenset[str]:
        """The content hashes the stored document may have: the last accepted version's (or an unanswered later one's)."""
        with self._lock:
            last = self._last.get(article_id)
            return frozenset(([last] if last else []) + sorted(self._unsure.get(article_id, ())))

    def versions(self, article_id: str) -> int:
        """Distinct contents accepted for this id: each may be written once without counting as a rewrite."""
        with self._lock:
            return len(self._versions.get(article_id, ()))

    @property
    def edited(self) -> int:
        """Ids accepted with more than one content."""
        with self._lock:
            return sum(1 for versions in self._versions.values() if len(versions) > 1)


@dataclass(frozen=True)
class Stored:
    """One stored document, as the census compares it: its `_id`, canonical URL and content hash."""

    id: str
    url: str | None
    content: str | None  # None: no title and no body to compare

    @classmethod
    def from_hit(cls, hit: Mapping[str, Any]) -> Stored:
        source = hit.get("_source") or {}
        url = source.get("url")
        title, body = source.get("title"), source.get("body")
        return cls(str(hit["_id"]), canonical_url(url) if url else None, content_hash(title, body) if title or body else None)


Groups = tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class Census:
    accepted: int
    searchable: int  # accepted ids with a stored document
    dead: int  # accepted ids in the dead-letter list
    missing_ids: frozenset[str]
    dup_id_groups: Groups  # stored ids sharing one canonical URL, each group sorted
    dup_content_groups: Groups  # stored ids sharing one title and body
    stale_ids: frozenset[str]
    stray_ids: frozenset[str]
    writes: int  # article writes counted (0 when no log was given)
    rewrites: int  # writes beyond one per accepted version, summed over articles
    rewrites_max: int  # the most such extra writes of one article

    @property
    def missing(self) -> int:
        return len(self.missing_ids)

    @property
    def dup_ids(self) -> int:
        """Documents beyond the first of each story (canonical URL)."""
        return sum(len(group) - 1 for group in self.dup_id_groups)

    @property
    def dup_content(self) -> int:
        """Documents beyond the first of each title and body."""
        return sum(len(group) - 1 for group in self.dup_content_groups)

    @property
    def stale(self) -> int:
        return len(self.stale_ids)

    @property
    def strays(self) -> int:
        return len(self.stray_ids)

    @property
    def settled(self) -> bool:
        """Every accepted article accounted for, in its last version (what a settle loop waits for)."""
        return self.missing == 0 and self.stale == 0

    @property
    def held(self) -> bool:
        """No loss, no duplicate, nothing stale. Rewrites and strays are reported, not failed on."""
        return self.settled and self.dup_ids == 0 and self.dup_content == 0

    def line(self) -> str:
        line = f"searchable={self.searchable} dead={self.dead} missing={self.missing} dup_ids={self.dup_ids}"
        line += f" dup_content={self.dup_content} stale={self.stale} rewrites={self.rewrites} rewrites_max={self.rewrites_max}"
        return line + (f" strays={self.strays}" if self.strays else "")

    def examples(self, per_check: int = 3) -> str:
        """A few ids of each failed check, to start reading the logs from."""
        found = {
            "missing": sorted(self.missing_ids)[:per_check],
            "dup_ids": [",".join(g) for g in self.dup_id_groups[:per_check]],
            "dup_content": [",".join(g) for g in self.dup_content_groups[:per_check]],
            "stale": sorted(self.stale_ids)[:per_check],
            "strays": sorted(self.stray_ids)[:per_check],
        }
        return " ".join(f"{check}:{' '.join(ids)}" for check, ids in found.items() if ids)


def _groups(keys: Iterable[tuple[str | None, str]]) -> Groups:
    by_key: dict[str, list[str]] = defaultdict(list)
    for key, doc_id in keys:
        if key is not None:
            by_key[key].append(doc_id)
    return tuple(sorted(tuple(sorted(ids)) for ids in by_key.values() if len(ids) > 1))


def count(
    stored: Iterable[Stored],
    accepted: Accepted,
    dead: Mapping[str, str | None],
    writes: Mapping[str, int] | None = None,
) -> Census:
    """The census from what is stored, what the client got accepted, the dead letters (id → content hash of the
    dead-lettered version, None when unreadable) and the writes per article id."""
    docs = list(stored)
    by_id = {doc.id: doc for doc in docs}
    ids, writes = accepted.ids, writes or {}
    stale = set()
    for doc_id in ids & by_id.keys():
        expected = accepted.expected(doc_id)
        # The last version dead-lettered while an older one stays stored: accounted for (its replay brings it).
        if by_id[doc_id].content not in expected and dead.get(doc_id) not in expected:
            stale.add(doc_id)
    extra = [max(0, writes.get(doc_id, 0) - accepted.versions(doc_id)) for doc_id in ids]
    return Census(
        accepted=len(ids),
        searchable=len(ids & by_id.keys()),
        dead=len(ids & dead.keys()),
        missing_ids=frozenset(ids - by_id.keys() - dead.keys()),
        dup_id_groups=_groups((doc.url, doc.id) for doc in docs),
        dup_content_groups=_groups((doc.content, doc.id) for doc in docs),
        stale_ids=frozenset(stale),
        stray_ids=frozenset(by_id.keys() - ids),
        writes=sum(writes.values()),
        rewrites=sum(extra),
        rewrites_max=max(extra, default=0),
    )


def stored_documents(es: Elasticsearch, alias: str) -> list[Stored]:
    """Every document behind the alias, after a refresh. A shard that does not answer raises (never a short count)."""
    es.indices.refresh(index=alias)
    hits = helpers.scan(es, index=alias, query={"query": {"match_all": {}}}, source=["url", "title", "body"], size=2000)
    return [Stored.from_hit(hit) for hit in hits]


def dead_letters(client: redis.Redis, settings: Settings) -> dict[str, str | None]:
    """Dead-lettered article id → content hash of the version dead-lettered (None: a raw page, not comparable)."""
    records = client.hgetall(DeadLetters(client, settings).items_key)
    dead: dict[str, str | None] = {}
    for raw in records.values():
        record = json.loads(raw)
        article = (record.get("payload") or {}).get("article") or {}
        title, body = article.get("title"), article.get("body")
        dead[str(record["id"])] = content_hash(title, body) if title or body else None
    return dead


def writes_in_logs(paths: Iterable[Path]) -> Counter[str]:
    """Article id → its "article <id> indexed" lines in the indexer logs: one per write Elasticsearch confirmed.
    A lower bound: an indexer killed between the write and the line, or a write whose answer was lost, has none."""
    writes: Counter[str] = Counter()
    for path in paths:
        with open(path, errors="replace") as log:
            writes.update(m.group(1) for line in log if (m := INDEXED_LINE.search(line)))
    return writes


def take_census(
    es: Elasticsearch,
    alias: str,
    accepted: Accepted,
    dead: Mapping[str, str | None],
    writes: Mapping[str, int] | None = None,
) -> Census:
    return count(stored_documents(es, alias), accepted, dead, writes)
