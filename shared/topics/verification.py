"""How Elasticsearch decides which topics a freshly written batch matches: two ways, the same answers.

- `EngineTopics` (ADR 0029): our match plugin holds the topics, registered once per set of them, each built once and
  filed under a term of its rarest need; `POST /<index>/_newsroom_match` gets the batch's ids, refreshes the index's
  shard and reads the batch there, as the bulk write analysed it, picks the topics whose every need one of its
  articles meets, and runs only those, each on those articles. No second analysis, no candidates in Python.
- `MsearchVerification` (ADR 0020): where a node lacks the plugin (the official Docker image), Python's candidate
  index picks candidates (shared/topics/candidates.py) and one msearch, after a refresh, runs groups of topics, one
  search per group with a named clause per topic, on their candidates; it collects in `found`, per topic position,
  the candidates its clause matched.

A clause Elasticsearch refuses is logged, counted and left out, so that one bad topic can never stall the pipeline."""

from __future__ import annotations

import hashlib
import json
import logging
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from elasticsearch import ApiError, Elasticsearch

from shared.delivery.retry import is_transient_status
from shared.es.queries import SearchParams, topic_clause, topics_match_body
from shared.observability.metrics import TOPIC_MATCH_REFRESHES, TOPIC_MATCH_STEP

log = logging.getLogger(__name__)
Group = list[tuple[int, list[str]]]  # (topic position, its candidate ids) verified together
PLUGIN = "newsroom-match"
JSON = {"accept": "application/json", "content-type": "application/json"}  # plain JSON: a plugin has no compatible-with


class MatchingFailed(Exception):
    """Elasticsearch did not answer for some topics: the batch is matched again later, never skipped."""


class PluginMissing(Exception):
    """The node asked cannot match in the engine: it has no `_newsroom_match` (a node replaced without the plugin),
    or not the index's one shard (a coordinating-only node, an index of several shards); this batch is matched by
    msearch, and the way asked again."""


def plugin_on_every_node(es: Elasticsearch) -> bool:
    """Whether every node of the cluster has our match plugin (any node may receive the request). A node with no
    plugin at all is left out of the filtered answer: the count of nodes is what tells."""
    info = es.nodes.info(metric="plugins", filter_path=["_nodes.total", "nodes.*.plugins.name"])
    having = [node for node in (info.get("nodes") or {}).values() if PLUGIN in {p["name"] for p in node.get("plugins", ())}]
    return len(having) == int(info["_nodes"]["total"]) > 0


def _digest(value: Any) -> str:
    return hashlib.blake2b(json.dumps(value, sort_keys=True, ensure_ascii=False).encode(), digest_size=12).hexdigest()


@dataclass(frozen=True)
class TopicSet:
    """The topics as the plugin holds them: each distinct clause once, keyed by a digest of itself (two topics with the
    same search share one), and the set named by a digest of its keys: any topic change names a new set."""

    id: str
    clauses: dict[str, dict[str, Any]]
    positions: dict[str, list[int]]  # key -> the positions of the topics with that clause

    @classmethod
    def of(cls, keyed: list[tuple[str, dict[str, Any]]]) -> TopicSet:
        """The set of these topics' `registered` clauses, in the topics' order."""
        clauses: dict[str, dict[str, Any]] = {}
        positions: dict[str, list[int]] = {}
        for position, (key, clause) in enumerate(keyed):
            clauses[key] = clause
            positions.setdefault(key, []).append(position)
        return cls(_digest(sorted(clauses)), clauses, positions)


def registered(params: SearchParams) -> tuple[str, dict[str, Any]]:
    """A topic's clause as the plugin holds it, for any article (no ids, every language), and its key."""
    clause = topic_clause(params)
    return _digest(clause), clause


@dataclass
class EngineTopics:
    """A batch matched by the plugin against the registered topic set; a node that does not hold it (restarted, or
    the index's mapping changed) answers 409, and the set is registered there, sending only the clauses this process
    has not sent before (`sent`) and then those the node says it lacks."""

    es: Elasticsearch
    alias: str
    refuse: Callable[[int, Any], None]
    sent: set[str]

    def match(
        self, topics: TopicSet, docs: dict[str, dict[str, Any]], versions: Mapping[str, int] | None = None
    ) -> dict[int, list[str]]:
        """With `versions` (each id's, as the bulk wrote it) the node refreshes the shard only if some document is not
        readable at its version yet; without them it always refreshes."""
        body: dict[str, Any] = {"ids": list(docs), "topics": topics.id}  # read where the bulk write put them
        if versions is not None:
            body["versions"] = [versions[doc_id] for doc_id in docs]
        started = time.perf_counter()
        answer = self.ask("POST", "_newsroom_match", body)
        if answer is None:
            self.register(topics)
            started = time.perf_counter()
            answer = self.ask("POST", "_newsroom_match", body)
        if answer is None:
            raise MatchingFailed(f"topic set {topics.id} registered but unknown to the node asked")
        observe_steps(answer, time.perf_counter() - started)
        self.refused(topics, answer.get("errors") or {})
        found: dict[int, list[str]] = {}
        for key, matched in (answer.get("matches") or {}).items():
            for position in topics.positions.get(key, ()):
                found[position] = list(matched)
        return found

    def register(self, topics: TopicSet) -> None:
        fresh = {key: clause for key, clause in topics.clauses.items() if key not in self.sent}
        for _attempt in range(2):
            body = {"id": topics.id, "keys": list(topics.clauses), "queries": fresh}
            answer = self.ask("PUT", "_newsroom_topics", body)
            if answer is None:
                break
            self.sent.update(fresh)
            self.refused(topics, answer.get("errors") or {})
            log.info("topic set %s registered: %d topics, %d built", topics.id, len(topics.clauses), answer.get("built", 0))
            if answer.get("registered"):
                return
            fresh = {key: topics.clauses[key] for key in answer.get("missing") or ()}
        raise MatchingFailed(f"topic set {topics.id} could not be registered")

    def refused(self, topics: TopicSet, errors: dict[str, Any]) -> None:
        for key, why in errors.items():
            for position in topics.positions.get(key, ()):
                self.refuse(position, why)

    def ask(self, method: str, endpoint: str, body: dict[str, Any]) -> dict[str, Any] | None:
        """The plugin's answer; None for a 409 (the set is unknown there)."""
        try:
            return dict(self.es.perform_request(method, f"/{self.alias}/{endpoint}", headers=JSON, body=body).body)
        except ApiError as exc:
            if exc.meta.status == 409:
                return None
            if is_transient_status(exc.meta.status):
                raise
            # No handler, no shard of the index here, or a body it refused: this batch is matched by msearch.
            raise PluginMissing(str(exc.body)[:300]) from exc


def observe_steps(answer: dict[str, Any], round_trip_s: float) -> None:
    """Where a match request's time went: the node's refresh, its own matching, and the rest of the round trip."""
    refresh_s, took_s = float(answer.get("refresh_took", 0)) / 1000, float(answer.get("took", 0)) / 1000
    TOPIC_MATCH_STEP.labels("refresh").observe(refresh_s)
    TOPIC_MATCH_REFRESHES.labels("yes" if answer.get("refreshed", True) else "no").inc()
    TOPIC_MATCH_STEP.labels("engine").observe(max(0.0, took_s - refresh_s))
    TOPIC_MATCH_STEP.labels("transport").observe(max(0.0, round_trip_s - took_s))


@dataclass
class Verification:
    """What both ways share: the batch, the compiled topics, and what was found."""

    params: list[SearchParams]
    refuse: Callable[[int, Any], None]  # the topic at this position was refused by Elasticsearch
    es: Elasticsearch
    alias: str
    docs: dict[str, dict[str, Any]]
    per_request: int = 50  # topics verified by one of the msearch's searches
    found: dict[int, list[str]] = field(default_factory=dict)

    def clause(self, position: int, ids: list[str]) -> dict[str, Any]:
        present = sorted({code for i in ids if (code := self.docs[i].get("language"))})
        return topic_clause(self.params[position], ids, present)

    def run(self, groups: list[Group]) -> Group:
        """Verify these groups; the topics whose verification failed for now are returned, to be asked again."""
        raise NotImplementedError

    def refused(self, group: Group, error: Any) -> Group:
        """A refused request is split in halves until the topic Elasticsearch refuses is alone, and left out."""
        if len(group) == 1:
            self.refuse(group[0][0], error)
            return []
        half = len(group) // 2
        return self.run([group[:half]]) + self.run([group[half:]])


class MsearchVerification(Verification):
    def body(self, group: Group) -> dict[str, Any]:
        named = {str(position): self.clause(position, ids) for position, ids in group}
        return topics_match_body(named, sorted({i for _, ids in group for i in ids}))

    def run(self, groups: list[Group]) -> Group:
        searches: list[dict[str, Any]] = []
        for group in groups:
            searches += [{"index": self.alias}, self.body(group)]
        # Every response is kept (no filter_path): an item's place in the answer is what ties it to its group.
        try:
            responses = self.es.msearch(searches=searches)["responses"]
        except ApiError as exc:
            if is_transient_status(exc.meta.status):
                raise
            return self.refused([item for group in groups for item in group], exc.message)  # one unreadable body
        failed: Group = []
        for group, response in zip(groups, responses, strict=True):
            status = int(response.get("status") or 200)
            if "error" in response or status >= 300:
                transient = is_transient_status(status) or not status
                failed += group if transient else self.refused(group, response.get("error"))
                continue
            for hit in response["hits"]["hits"]:
                for name in hit.get("matched_queries") or ():
                    self.found.setdefault(int(name), []).append(hit["_id"])
        if failed:
            log.warning("%d topic searches failed in one msearch; asked again", len(failed))
        return failed
