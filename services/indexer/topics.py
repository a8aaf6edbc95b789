"""The indexer's topic step: after a batch's bulk write and before it is acknowledged, match its new articles against
every topic and stage the matches in the outbox (shared/topics/), which the fan-out applies. A failure here sends the
batch back to the queue whole: writing it again is harmless, and the matched sets make a second matching record
nothing twice."""

from __future__ import annotations

import logging
import threading
import time
from typing import Any

import redis
from elasticsearch import Elasticsearch

from services.indexer.batch import Item
from shared.delivery.status import now_iso
from shared.observability.metrics import TOPIC_MATCH_DURATION, TOPIC_MATCH_STEP
from shared.settings import Settings
from shared.topics.matcher import Matcher
from shared.topics.notify import Match, MatchLog
from shared.topics.rarity import EngineCounts
from shared.topics.stems import EngineStems
from shared.topics.store import TopicStore
from shared.topics.verification import PluginMissing, plugin_on_every_node

log = logging.getLogger(__name__)
REFILE_S = 3600  # topics unchanged this long are filed again, by the counts of an index that may have grown since


class TopicStep:
    def __init__(self, client: redis.Redis, settings: Settings) -> None:
        self.settings = settings
        self.store = TopicStore(client, settings)
        self.log = MatchLog(client, settings)
        self._matcher: Matcher | None = None
        self._stems: EngineStems | None = None
        self._counts: EngineCounts | None = None
        self._built = 0.0  # when the matcher was built (monotonic)
        self._in_engine: bool | None = None  # whether the match plugin verifies: asked of the cluster when None
        self._lock = threading.Lock()

    def matcher(self, es: Elasticsearch) -> Matcher:
        """The matcher of the current topics: rebuilt (once, whichever thread asks first) after any topic changed,
        or REFILE_S after it was built (reusing every compiled topic: only their filing by rarity is redone)."""
        version = self.store.version()
        with self._lock:
            if self._stems is None or self._counts is None:
                self._stems = EngineStems(es, self.settings.index_alias)
                self._counts = EngineCounts(es, self.settings.index_alias)
            stale = time.monotonic() - self._built > REFILE_S
            if self._matcher is None or self._matcher.version != version or stale:
                everything = self.store.everything()
                self._matcher = Matcher.build(*everything, self._stems, previous=self._matcher, counts=self._counts)
                self._built = time.monotonic()
            return self._matcher

    def in_engine(self, es: Elasticsearch) -> bool:
        """Whether the match plugin matches the batches (settings.topic_verify; `auto`: if every node has it)."""
        if self._in_engine is None:
            mode = self.settings.topic_verify
            self._in_engine = mode == "plugin" or (mode == "auto" and plugin_on_every_node(es))
            log.info("topics matched by %s", "the match plugin" if self._in_engine else "Python's candidates and msearch")
        return self._in_engine

    def plugin_missing(self, missing: PluginMissing) -> None:
        """A node could not take the plugin's request: this batch was matched by msearch, and with `auto` the
        cluster is asked again which way before the next batch."""
        log.warning("a node cannot match in the engine (%.200s): this batch matched by msearch", missing)
        self._in_engine = None if self.settings.topic_verify == "auto" else self._in_engine

    def has_topics(self) -> bool:
        """Whether there are topics to match, by the matcher last built (no request: cheap enough for every flush tick);
        False until the first batch built one."""
        built = self._matcher
        return built is not None and bool(built.topics)

    def waits_for_refresh(self) -> bool:
        """Whether the bulk write should wait for the engine's scheduled refresh (refresh=wait_for), so that the batch
        is readable for matching without a refresh of its own (ADR 0034): with TOPIC_MATCH_AFTER_REFRESH, when there
        are topics to match. Judged by the matcher last built, without a request, so a batch that just missed a change
        of topics waits, or is refreshed, needlessly once."""
        return self.settings.topic_match_after_refresh and self.has_topics()

    def run(self, es: Elasticsearch, written: list[Item], documents: dict[str, dict[str, Any]], searchable: bool = False) -> int:
        """Match the written articles (`searchable`: the bulk write waited until a refresh made them searchable) and
        stage the matches in the outbox; how many (the fan-out finds which are new)."""
        matcher = self.matcher(es)
        if not matcher.topics or not written:
            return 0
        started = time.perf_counter()
        alias, group = self.settings.index_alias, self.settings.topic_search_group
        docs = [documents[item.id] for item in written]
        versions = {item.id: item.version for item in written}
        in_engine = self.in_engine(es)
        pairs = matcher.match(es, alias, docs, group, in_engine, not searchable, self.plugin_missing, versions)
        with TOPIC_MATCH_STEP.labels("record").time():
            self.log.stage([Match(topic, doc, versions[doc["id"]]) for topic, doc in pairs], now_iso())
        TOPIC_MATCH_DURATION.observe(time.perf_counter() - started)
        if pairs:
            topics = len({t["id"] for t, _ in pairs})
            log.info("batch of %d matched %d topic(s): %d match(es) staged", len(written), topics, len(pairs))
        return len(pairs)
