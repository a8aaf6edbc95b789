"""Which topics a freshly indexed batch matches (shared/topics/verification.py): where every node has our match
plugin, the plugin holds the topics and matches the whole batch in the engine (ADR 0029); else candidates from Python
(shared/topics/candidates.py), then each candidate topic's own clause run by one msearch on just its candidate
articles (ADR 0020).

Elasticsearch has the last word on every match, so a topic matches what `GET /v1/search` with its query would find.
The matcher is rebuilt only when a topic changes (`topics:version`), reusing what it made of the topics that did not.
Python's candidate index is built only when a batch goes the msearch way; an msearch clause is made at match time,
with the ids of the topic's candidates and only the stemmed clauses of their languages (a clause for another language
could match none of them)."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import Any

from elasticsearch import Elasticsearch

from shared.es.queries import SearchParams, topic_params
from shared.observability.metrics import TOPIC_MATCH_ERRORS, TOPIC_MATCH_REFRESHES, TOPIC_MATCH_STEP
from shared.topics.candidates import CandidateIndex, Requirement, query_words, requirement
from shared.topics.rarity import EngineCounts
from shared.topics.stems import EngineStems
from shared.topics.verification import (
    EngineTopics,
    Group,
    MatchingFailed,
    MsearchVerification,
    PluginMissing,
    TopicSet,
    Verification,
    registered,
)

__all__ = ["Matcher", "MatchingFailed"]

log = logging.getLogger(__name__)
ITEM_ATTEMPTS = 3  # an msearch item that failed on its own (a shard busy) is asked again this often


@dataclass(frozen=True)
class Compiled:
    """What matching needs of one topic, made once per version of it: its search, and its clause as the match plugin
    holds it, with its key. (Its requirement, for Python's candidate index, is made only if a batch goes by msearch.)"""

    params: SearchParams
    registered: tuple[str, dict[str, Any]]


def _key(topic: dict[str, Any]) -> tuple[str, str]:
    return str(topic["id"]), str(topic.get("updated_at") or "")


def compile_topic(topic: dict[str, Any]) -> Compiled:
    params = topic_params(topic["match"])
    return Compiled(params, registered(params))


@dataclass
class Matcher:
    version: int
    topics: list[dict[str, Any]]
    stems: EngineStems
    params: list[SearchParams]
    compiled: dict[tuple[str, str], Compiled] = field(default_factory=dict)
    sent: set[str] = field(default_factory=set)  # the clause keys this process sent the plugin (EngineTopics)
    counts: EngineCounts | None = None
    requirements: dict[tuple[str, str], Requirement] = field(default_factory=dict)  # made for the candidate index

    @cached_property
    def topic_set(self) -> TopicSet:
        return TopicSet.of([self.compiled[_key(topic)].registered for topic in self.topics])

    @cached_property
    def index(self) -> CandidateIndex:
        """Python's candidate index, for the msearch way only: built the first time a batch goes that way, so that a
        cluster with the match plugin never pays for it (2.4 s at 10,000 topics). The stems of the words of topics
        without a requirement yet are asked of Elasticsearch in one request per language; with `counts`, each topic
        is filed under its rarest need."""
        started = time.perf_counter()
        new = [topic for topic in self.topics if _key(topic) not in self.requirements]
        learned = self.stems.learn(query_words(topic["match"] for topic in new)) if new else {}
        self.requirements.update({_key(topic): requirement(0, topic["match"], learned) for topic in new})
        index = CandidateIndex.counted(
            [replace(self.requirements[_key(topic)], topic=i) for i, topic in enumerate(self.topics)], self.counts
        )
        log.info("topic candidate index built: %d topics in %.2fs", len(self.topics), time.perf_counter() - started)
        return index

    @classmethod
    def build(
        cls,
        version: int,
        topics: list[dict[str, Any]],
        stems: EngineStems,
        previous: Matcher | None = None,
        counts: EngineCounts | None = None,
    ) -> Matcher:
        """The matcher of these topics; what `previous` made of a topic that did not change is reused. `counts`
        (how many articles hold each word) is for the candidate index, if one is needed."""
        started = time.perf_counter()
        usable = sorted((t for t in topics if isinstance(t.get("match"), dict)), key=lambda t: str(t["id"]))
        known = previous.compiled if previous else {}
        compiled = {key: known.get(key) or compile_topic(topic) for topic in usable if (key := _key(topic))}
        params = [compiled[_key(topic)].params for topic in usable]
        sent = previous.sent if previous else set()
        # A copy first: another indexer thread may be filling the previous matcher's requirements as it builds its index.
        made = {key: r for key, r in dict(previous.requirements).items() if key in compiled} if previous else {}
        matcher = cls(version, usable, stems, params, compiled, sent, counts, made)
        reused = sum(1 for key in compiled if key in known)
        log.info("topic matcher built: %d topics (%d reused) in %.2fs", len(usable), reused, time.perf_counter() - started)
        return matcher

    def match(
        self,
        es: Elasticsearch,
        alias: str,
        docs: list[dict[str, Any]],
        group_size: int,
        in_engine: bool = False,
        refresh: bool = True,
        plugin_missing: Callable[[PluginMissing], None] | None = None,
        versions: Mapping[str, int] | None = None,
    ) -> list[tuple[dict[str, Any], dict[str, Any]]]:
        """(topic, document) for every match in the batch. `in_engine`: by the match plugin, which holds the topics
        and reads the batch from the shard, refreshed unless each document is readable at its version in `versions`
        already; else candidates from Python verified by an msearch of `group_size` topics per search, with the index
        refreshed first (with `refresh`: the bulk write did not wait for the scheduled one) only when some topic is a
        candidate: the topics' searches must see the batch now, not at the next periodic refresh. A node that cannot
        take the plugin's request is told to `plugin_missing`, and the batch is matched by msearch (without it,
        PluginMissing is raised)."""
        if not self.topics or not docs:
            return []
        by_id = {doc["id"]: doc for doc in docs}
        if in_engine:
            try:
                found = EngineTopics(es, alias, self.refused, self.sent).match(self.topic_set, by_id, versions)
                return [(self.topics[t], by_id[i]) for t, ids in sorted(found.items()) for i in ids if i in by_id]
            except PluginMissing as missing:
                if plugin_missing is None:
                    raise
                plugin_missing(missing)
        with TOPIC_MATCH_STEP.labels("candidates").time():
            candidates = self.index.candidates(docs, self.stems)
        if not candidates:
            return []
        if refresh:
            with TOPIC_MATCH_STEP.labels("refresh").time():
                es.indices.refresh(index=alias)
        TOPIC_MATCH_REFRESHES.labels("yes" if refresh else "no").inc()
        check = MsearchVerification(self.params, self.refused, es, alias, by_id, group_size)
        with TOPIC_MATCH_STEP.labels("engine").time():
            return self.verified(check, sorted(candidates.items()))

    def verified(self, check: Verification, pending: Group) -> list[tuple[dict[str, Any], dict[str, Any]]]:
        """The candidates verified `check`'s way, each request carrying its size of topics; what failed for now is
        asked again, up to ITEM_ATTEMPTS times."""
        size = check.per_request
        for _attempt in range(ITEM_ATTEMPTS):
            pending = check.run([pending[start : start + size] for start in range(0, len(pending), size)])
            if not pending:
                break
        else:
            raise MatchingFailed(f"{len(pending)} topic searches failed {ITEM_ATTEMPTS} times")
        return [(self.topics[t], check.docs[i]) for t, ids in sorted(check.found.items()) for i in ids if i in check.docs]

    def refused(self, position: int, error: Any) -> None:
        """The topic's search itself is refused: it is skipped for this batch, so that it cannot stall the pipeline."""
        TOPIC_MATCH_ERRORS.inc()
        log.error("topic %s refused by Elasticsearch, skipped for this batch: %.300s", self.topics[position]["id"], error)
