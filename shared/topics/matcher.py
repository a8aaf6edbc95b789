"""Which topics a freshly indexed batch matches: candidates from Python (shared/topics/candidates.py), then each
candidate topic's own search run by Elasticsearch on just its candidate articles, all in msearch requests.

Elasticsearch has the last word on every match, so a topic matches what `GET /v1/search` with its query would
find. The matcher is rebuilt only when a topic changes (`topics:version`), reusing what it made of the topics that
did not; each search's body is made at match time, with the ids of the topic's candidates and only the stemmed
clauses of their languages (a clause for another language could match none of them).
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field, replace
from typing import Any

from elasticsearch import ApiError, Elasticsearch

from shared.delivery.retry import is_transient_status
from shared.es.queries import SearchParams, topic_match_body, topic_params
from shared.observability.metrics import TOPIC_MATCH_ERRORS
from shared.topics.candidates import CandidateIndex, Requirement, requirement

log = logging.getLogger(__name__)
ITEM_ATTEMPTS = 3  # an msearch item that failed on its own (a shard busy) is asked again this often


class MatchingFailed(Exception):
    """Elasticsearch did not answer for some topics: the batch is matched again later, never skipped."""


@dataclass(frozen=True)
class Compiled:
    """What matching needs of one topic, made once per version of it: its search and its requirement."""

    params: SearchParams
    requirement: Requirement


def _key(topic: dict[str, Any]) -> tuple[str, str]:
    return str(topic["id"]), str(topic.get("updated_at") or "")


def compile_topic(topic: dict[str, Any]) -> Compiled:
    return Compiled(topic_params(topic["match"]), requirement(0, topic["match"]))


@dataclass
class Matcher:
    version: int
    topics: list[dict[str, Any]]
    index: CandidateIndex
    params: list[SearchParams]
    compiled: dict[tuple[str, str], Compiled] = field(default_factory=dict)

    @classmethod
    def build(cls, version: int, topics: list[dict[str, Any]], previous: Matcher | None = None) -> Matcher:
        """The matcher of these topics; what `previous` compiled of a topic that did not change is reused."""
        started = time.perf_counter()
        usable = sorted((t for t in topics if isinstance(t.get("match"), dict)), key=lambda t: str(t["id"]))
        known = previous.compiled if previous else {}
        compiled = {key: known.get(key) or compile_topic(topic) for topic in usable if (key := _key(topic))}
        parts = [compiled[_key(topic)] for topic in usable]
        index = CandidateIndex.of([replace(part.requirement, topic=i) for i, part in enumerate(parts)])
        matcher = cls(version, usable, index, [part.params for part in parts], compiled)
        reused = sum(1 for key in compiled if key in known)
        log.info("topic matcher built: %d topics (%d reused) in %.2fs", len(usable), reused, time.perf_counter() - started)
        return matcher

    def match(
        self, es: Elasticsearch, alias: str, docs: list[dict[str, Any]], items_per_request: int, refresh: bool = True
    ) -> list[tuple[dict[str, Any], dict[str, Any]]]:
        """(topic, document) for every match in the batch. With `refresh` the index is refreshed first, only when some
        topic is a candidate: the topics' searches must see the batch now, not at the next periodic refresh."""
        if not self.topics or not docs:
            return []
        candidates = self.index.candidates(docs)
        if not candidates:
            return []
        if refresh:
            es.indices.refresh(index=alias)
        pending = sorted(candidates.items())
        languages = {doc["id"]: doc.get("language") for doc in docs}
        found: dict[int, list[str]] = {}
        for _attempt in range(ITEM_ATTEMPTS):
            failed: list[tuple[int, list[str]]] = []
            for start in range(0, len(pending), items_per_request):
                chunk = pending[start : start + items_per_request]
                failed += self._verify(es, alias, chunk, languages, found)
            if not failed:
                break
            pending = failed
        else:
            raise MatchingFailed(f"{len(pending)} topic searches failed {ITEM_ATTEMPTS} times")
        by_id = {doc["id"]: doc for doc in docs}
        return [(self.topics[t], by_id[i]) for t, ids in sorted(found.items()) for i in ids if i in by_id]

    def _verify(
        self,
        es: Elasticsearch,
        alias: str,
        chunk: list[tuple[int, list[str]]],
        languages: dict[str, str | None],
        found: dict[int, list[str]],
    ) -> list[tuple[int, list[str]]]:
        """Run each topic's search on its candidates; the items Elasticsearch failed are returned to be asked again."""
        searches: list[dict[str, Any]] = []
        for position, ids in chunk:
            present = sorted({code for i in ids if (code := languages.get(i))})
            searches += [{"index": alias}, topic_match_body(self.params[position], ids, present)]
        # Every response is kept (no filter_path): an item's place in the answer is what ties it to its topic.
        try:
            responses = es.msearch(searches=searches)["responses"]
        except ApiError as exc:
            if is_transient_status(exc.meta.status):
                raise
            if len(chunk) == 1:
                self._refused(chunk[0][0], exc.message)
                return []
            # One unreadable body refuses the whole request: halves, until only that topic is left out.
            half = len(chunk) // 2
            return self._verify(es, alias, chunk[:half], languages, found) + self._verify(
                es, alias, chunk[half:], languages, found
            )
        failed: list[tuple[int, list[str]]] = []
        for (position, ids), response in zip(chunk, responses, strict=True):
            status = int(response.get("status") or 200)
            if "error" in response or status >= 300:
                if is_transient_status(status) or not status:
                    failed.append((position, ids))
                else:
                    self._refused(position, response.get("error"))
                continue
            hits = [hit["_id"] for hit in response["hits"]["hits"]]
            if hits:
                found.setdefault(position, []).extend(hits)
        if failed:
            log.warning("%d topic searches failed in one msearch; asked again", len(failed))
        return failed

    def _refused(self, position: int, error: Any) -> None:
        """The topic's search itself is refused: it is skipped for this batch, so that it cannot stall the pipeline."""
        TOPIC_MATCH_ERRORS.inc()
        log.error("topic %s refused by Elasticsearch, skipped for this batch: %.300s", self.topics[position]["id"], error)
