"""The second step of topic matching: Elasticsearch decides which of a topic's candidates its query finds (ADR 0020).

Two ways, the same answers:

- `EngineVerification` (ADR 0026): our match plugin's `POST /<index>/_newsroom_match` gets the candidate articles and
  the candidate topics' clauses in one request; it parses the articles through the index's mapping into a small
  in-heap index and runs each clause on it. No refresh, no search of the whole index.
- `MsearchVerification`: groups of topics, one search per group with a named clause per topic, all of a batch's
  groups in one msearch, after a refresh of the index (a node without the plugin: the official Docker image).

Either collects in `found`, per topic position, the candidates its clause matched. A clause Elasticsearch refuses is
logged, counted and left out for this batch, so that one bad topic can never stall the pipeline."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from elasticsearch import ApiError, Elasticsearch

from shared.delivery.retry import is_transient_status
from shared.es.fields import TOPIC_FIELDS
from shared.es.indexer import indexed_source
from shared.es.queries import SearchParams, topic_clause, topics_match_body

log = logging.getLogger(__name__)
Group = list[tuple[int, list[str]]]  # (topic position, its candidate ids) verified together
PLUGIN = "newsroom-match"
ENGINE_QUERIES_PER_REQUEST = 5000  # under the plugin's newsroom_match.max_queries (20,000)
JSON = {"accept": "application/json", "content-type": "application/json"}  # plain JSON: a plugin has no compatible-with


class PluginMissing(Exception):
    """The node asked cannot match in the engine: it has no `_newsroom_match` (a node replaced without the plugin),
    or no shard of the index (a coordinating-only node); this batch is verified by msearch, and the way asked again."""


def plugin_on_every_node(es: Elasticsearch) -> bool:
    """Whether every node of the cluster has our match plugin (any node may receive the request). A node with no
    plugin at all is left out of the filtered answer: the count of nodes is what tells."""
    info = es.nodes.info(metric="plugins", filter_path=["_nodes.total", "nodes.*.plugins.name"])
    having = [node for node in (info.get("nodes") or {}).values() if PLUGIN in {p["name"] for p in node.get("plugins", ())}]
    return len(having) == int(info["_nodes"]["total"]) > 0


def topic_source(doc: dict[str, Any]) -> dict[str, Any]:
    """What the plugin needs of an article: the fields topics read, as they were written (no completions, keys...)."""
    return {name: value for name, value in indexed_source(doc).items() if name in TOPIC_FIELDS}


@dataclass
class Verification:
    """What both ways share: the batch, the compiled topics, and what was found."""

    params: list[SearchParams]
    refuse: Callable[[int, Any], None]  # the topic at this position was refused by Elasticsearch
    es: Elasticsearch
    alias: str
    docs: dict[str, dict[str, Any]]
    per_request: int = ENGINE_QUERIES_PER_REQUEST  # topics verified by one request (msearch: by one of its searches)
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


class EngineVerification(Verification):
    def run(self, groups: list[Group]) -> Group:
        for group in groups:
            self.ask(group)
        return []

    def ask(self, group: Group) -> None:
        ids = sorted({i for _, candidates in group for i in candidates})
        body = {
            "docs": [{"_id": i, "_source": topic_source(self.docs[i])} for i in ids],
            "queries": {str(position): self.clause(position, candidates) for position, candidates in group},
        }
        try:
            answer = self.es.perform_request("POST", f"/{self.alias}/_newsroom_match", headers=JSON, body=body).body
        except ApiError as exc:
            if is_transient_status(exc.meta.status):
                raise
            if any(sign in str(exc.body) for sign in ("no handler found", "no shard of")):
                raise PluginMissing(str(exc.body)[:300]) from exc
            self.refused(group, exc.message)
            return
        for name, reason in (answer.get("errors") or {}).items():
            self.refuse(int(name), reason)
        for name, matched in (answer.get("matches") or {}).items():
            self.found.setdefault(int(name), []).extend(matched)


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
