"""Where topics, their match events and the webhook outbox live in Redis: every key name, written once.

Topics: `topics` (hash id -> JSON record), `topics:owner:<owner>` (set of the owner's ids; `-` without API keys),
`topics:version` (a counter bumped by every change, so the indexer knows when to rebuild its matcher).
Matches: `topics:events:<id>` (stream of match events, the SSE backlog), `topics:matched:<id>` (sorted set of the
article ids already matched, so a redelivered batch or a near-duplicate never notifies twice), `topics:outbox`
(stream: each batch's matches, staged by the indexer until the fan-out applies them), `topics:outbox:dead` (list of
the entries the record script refused, with the reason).
Webhooks: `webhooks:deliveries` (hash delivery id -> JSON), `webhooks:due` (sorted set delivery id -> when next due,
epoch seconds), `webhooks:wake` (list the deliverer blocks on), `webhooks:dead` (dead-lettered deliveries),
and per endpoint (`webhooks:endpoint:<sha>`) its failure streak and pause.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from shared.settings import Settings

NO_OWNER = "-"  # the owner of topics made without API keys


@dataclass(frozen=True)
class TopicKeys:
    settings: Settings

    @property
    def records(self) -> str:
        return self.settings.redis_key("topics")

    @property
    def version(self) -> str:
        return self.settings.redis_key("topics", "version")

    def owner(self, owner: str | None) -> str:
        return self.settings.redis_key("topics", "owner", owner or NO_OWNER)

    def events(self, topic_id: str) -> str:
        return self.settings.redis_key("topics", "events", topic_id)

    def matched(self, topic_id: str) -> str:
        return self.settings.redis_key("topics", "matched", topic_id)

    @property
    def outbox(self) -> str:
        return self.settings.redis_key("topics", "outbox")

    @property
    def outbox_dead(self) -> str:
        return self.settings.redis_key("topics", "outbox", "dead")


@dataclass(frozen=True)
class WebhookKeys:
    settings: Settings

    @property
    def deliveries(self) -> str:
        return self.settings.redis_key("webhooks", "deliveries")

    @property
    def due(self) -> str:
        return self.settings.redis_key("webhooks", "due")

    @property
    def wake(self) -> str:
        return self.settings.redis_key("webhooks", "wake")

    @property
    def dead(self) -> str:
        return self.settings.redis_key("webhooks", "dead")

    def endpoint(self, url: str) -> str:
        return self.settings.redis_key("webhooks", "endpoint", endpoint_key(url))


def endpoint_key(url: str) -> str:
    """An endpoint is its webhook URL; its key is a digest so that no URL text lands in a key name."""
    return hashlib.sha256(url.encode()).hexdigest()[:16]
