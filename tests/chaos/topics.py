"""The topic census: did every saved search hear of every article it finds, once, and did every webhook arrive?

Before the load each scenario saves the topics of `TOPICS` (two with a webhook to the suite's receiver,
tests/chaos/receiver.py). At settle time, per topic:

- expected: the final searchable articles the topic's own search finds (`shared.es.queries.topic_match_body` over
  every stored id), each counted under its near-duplicate original (`duplicate_of`) or its own id;
- events: the article ids of the topic's event stream, mapped the same way;
- topic_missing: expected, without an event; topic_extra: an event the search does not find; topic_double: events
  beyond the first for one story (an edited article, a redelivered batch and a near-duplicate are one story).

For the webhook topics, each event's delivery id (`evt_<topic>_<stream entry id>`, shared/topics/notify.py) against
what the receiver got: hook_missing (never arrived), hook_unknown (an id no event has), hook_redelivered (arrivals
beyond the first of one id: allowed, at-least-once), hook_unsigned (a signature that does not hold), hook_pending
(deliveries still in the outbox), hook_dead (deliveries given up). docs/fault-checks.md says what each catches.
`count_topics` is pure; `read_topics` reads the engines.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import redis
from elasticsearch import Elasticsearch, helpers

from shared.es.queries import topic_match_body, topic_params
from shared.settings import Settings
from shared.topics.keys import TopicKeys, WebhookKeys
from shared.topics.store import TopicStore
from tests.chaos.receiver import Arrival


@dataclass(frozen=True)
class TopicSpec:
    name: str
    q: str
    filters: dict[str, list[str]] = field(default_factory=dict)
    webhook: bool = False


# Shares of the chaos load (tests/chaos/load.py `article`): title words cycle through ten, body words are drawn
# from a vocabulary of thirty, every tenth article gets a second version ending in a correction.
TOPICS = (
    TopicSpec("every-wire-story", "", {"source": ["chaos-wire"]}, webhook=True),  # all of them: a filter only
    TopicSpec("museum-headlines", '"about the museum"', webhook=True),  # a tenth: a phrase only titles hold
    TopicSpec("corrections", "correction wrong day"),  # a tenth, and only once their second version is written
    TopicSpec("harvest-and-railway", "harvest railway"),  # most: two body words
    TopicSpec("election-without-storm", "election -storm"),  # some: an exclusion
    TopicSpec("three-stories", '"story 17 about" | "story 170 about" | "story 333 about"'),  # a few: OR of phrases
)


def match_of(spec: TopicSpec) -> dict[str, Any]:
    filters = {facet: list(spec.filters.get(facet, [])) for facet in ("location", "country", "source", "language")}
    return {"q": spec.q, "filters": filters, "near": None, "within": None, "bbox": None}


def create_topics(client: redis.Redis, settings: Settings, hook_url: str) -> list[dict[str, Any]]:
    """The topics saved (records with their webhook secrets), as the search API's POST /v1/topics saves them."""
    store = TopicStore(client, settings)
    query = {"q": "", "filters": {}}
    return [
        store.create(spec.name, {**query, "q": spec.q}, match_of(spec), hook_url if spec.webhook else None, owner=None)
        for spec in TOPICS
    ]


@dataclass(frozen=True)
class TopicCensus:
    topics: int
    events: int
    missing: dict[str, frozenset[str]]  # topic name -> stories its search finds, without an event
    extra: dict[str, frozenset[str]]  # topic name -> stories with an event its search does not find
    double: dict[str, dict[str, int]]  # topic name -> story -> events beyond the first
    hooks: int  # deliveries expected (events of webhook topics)
    hook_missing: frozenset[str]
    hook_unknown: frozenset[str]
    hook_redelivered: int
    hook_unsigned: int
    hook_pending: int
    hook_dead: int

    @property
    def topic_missing(self) -> int:
        return sum(len(ids) for ids in self.missing.values())

    @property
    def topic_extra(self) -> int:
        return sum(len(ids) for ids in self.extra.values())

    @property
    def topic_double(self) -> int:
        return sum(sum(d.values()) for d in self.double.values())

    @property
    def settled(self) -> bool:
        """Every match recorded and every delivery out of the outbox and arrived (what a settle loop waits for)."""
        return self.topic_missing == 0 and self.hook_pending == 0 and not self.hook_missing

    @property
    def held(self) -> bool:
        clean = self.topic_extra == 0 and self.topic_double == 0 and not self.hook_unknown and self.hook_unsigned == 0
        return self.settled and clean

    def line(self) -> str:
        line = f"topic_events={self.events} topic_missing={self.topic_missing} topic_double={self.topic_double}"
        line += f" topic_extra={self.topic_extra} hooks={self.hooks} hook_missing={len(self.hook_missing)}"
        line += f" hook_unknown={len(self.hook_unknown)} hook_redelivered={self.hook_redelivered}"
        extras = {"hook_unsigned": self.hook_unsigned, "hook_pending": self.hook_pending, "hook_dead": self.hook_dead}
        return line + "".join(f" {name}={value}" for name, value in extras.items() if value)

    def examples(self, per_check: int = 3) -> str:
        found = {
            "topic_missing": [f"{t}/{i}" for t, ids in self.missing.items() for i in sorted(ids)][:per_check],
            "topic_extra": [f"{t}/{i}" for t, ids in self.extra.items() for i in sorted(ids)][:per_check],
            "topic_double": [f"{t}/{i}" for t, d in self.double.items() for i in sorted(d)][:per_check],
            "hook_missing": sorted(self.hook_missing)[:per_check],
            "hook_unknown": sorted(self.hook_unknown)[:per_check],
        }
        return " ".join(f"{check}:{' '.join(ids)}" for check, ids in found.items() if ids)


@dataclass(frozen=True)
class TopicState:
    """What the engines hold about one topic: the stories its search finds, and its events (entry id, article id)."""

    record: dict[str, Any]
    expected: frozenset[str]
    events: tuple[tuple[str, str], ...]


def count_topics(
    states: Iterable[TopicState],
    original: Mapping[str, str],
    arrivals: Iterable[Arrival],
    pending: int = 0,
    dead: int = 0,
) -> TopicCensus:
    """The census from each topic's state, stored id -> its story (its `duplicate_of`, else itself), what the
    receiver got, and the deliveries still in the outbox and given up."""
    missing, extra, double = {}, {}, {}
    wanted: set[str] = set()
    states = list(states)
    for state in states:
        name = state.record["name"]
        stories = Counter(original.get(article, article) for _, article in state.events)
        if lost := state.expected - stories.keys():
            missing[name] = frozenset(lost)
        if more := stories.keys() - state.expected:
            extra[name] = frozenset(more)
        if twice := {story: n - 1 for story, n in stories.items() if n > 1}:
            double[name] = twice
        if state.record.get("webhook_url"):
            wanted.update(f"evt_{state.record['id']}_{entry}" for entry, _ in state.events)
    arrived = list(arrivals)
    got = Counter(a.webhook_id for a in arrived)
    return TopicCensus(
        topics=len(states),
        events=sum(len(s.events) for s in states),
        missing=missing,
        extra=extra,
        double=double,
        hooks=len(wanted),
        hook_missing=frozenset(wanted - got.keys()),
        hook_unknown=frozenset(got.keys() - wanted),
        hook_redelivered=sum(n - 1 for n in got.values()),
        hook_unsigned=sum(1 for a in arrived if not a.signed),
        hook_pending=pending,
        hook_dead=dead,
    )


# --- reading the engines ---------------------------------------------------------------------------------
def stories(es: Elasticsearch, alias: str) -> dict[str, str]:
    """Every stored id -> its story: its near-duplicate original's id, or its own."""
    es.indices.refresh(index=alias)
    hits = helpers.scan(es, index=alias, query={"query": {"match_all": {}}}, source=["duplicate_of"], size=2000)
    return {str(hit["_id"]): str((hit.get("_source") or {}).get("duplicate_of") or hit["_id"]) for hit in hits}


def found_by(es: Elasticsearch, alias: str, topic: dict[str, Any], ids: list[str], original: Mapping[str, str]) -> set[str]:
    """The stories among `ids` that the topic's own search finds (the query the indexer's matcher runs)."""
    found: set[str] = set()
    for start in range(0, len(ids), 5000):
        body = topic_match_body(topic_params(topic["match"]), ids[start : start + 5000])
        answer = es.msearch(searches=[{"index": alias}, body])["responses"][0]
        if "error" in answer:
            raise RuntimeError(f"topic {topic['name']}: {answer['error']}")
        found.update(original.get(hit["_id"], hit["_id"]) for hit in answer["hits"]["hits"])
    return found


def events(client: redis.Redis, settings: Settings, topic_id: str) -> tuple[tuple[str, str], ...]:
    """(stream entry id, article id) of every match event of the topic."""
    out = []
    for entry, fields in client.xrange(TopicKeys(settings).events(topic_id), "-", "+"):
        data = json.loads(fields[b"data"] if b"data" in fields else fields["data"])
        out.append((_text(entry), str(data["article"]["id"])))
    return tuple(out)


def read_topics(
    es: Elasticsearch,
    client: redis.Redis,
    settings: Settings,
    topics: list[dict[str, Any]],
    arrivals: Iterable[Arrival],
) -> TopicCensus:
    original = stories(es, settings.index_alias)
    ids = sorted(original)
    states = [
        TopicState(t, frozenset(found_by(es, settings.index_alias, t, ids, original)), events(client, settings, t["id"]))
        for t in topics
    ]
    keys = WebhookKeys(settings)
    return count_topics(states, original, arrivals, int(client.hlen(keys.deliveries)), int(client.hlen(keys.dead)))


def _text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)
