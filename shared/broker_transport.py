"""kombu's Redis transport with one guard: a channel closed after its connection was torn down does not crash.

When Redis dies under a consuming worker, kombu can close a channel whose transport has already lost its
`client` (the kombu Connection). Closing restores the channel's unacknowledged messages, which needs a new
Redis client, whose parameters are read from `transport.client.hostname`: kombu 5.x raises
`AttributeError: 'NoneType' object has no attribute 'hostname'` there (celery/kombu#582), and Celery treats
an AttributeError as unrecoverable and stops the whole worker, leaving the queue with no consumer.

The guard skips only that restore, with a warning. Nothing is lost: the messages are still in Redis's unacked
hash and kombu's visibility-timeout scan puts them back on the queue (indexing is idempotent, so a message
that was in fact finished is merely indexed again). `install()` (called by `shared.celery_app`) makes it
what the `redis://` scheme resolves to, so the broker URL keeps its scheme: Flower's broker API and every
tool that parses the URL still see `redis://`, and `broker_transport_options` apply unchanged.
"""

from __future__ import annotations

import logging
from typing import Any

from kombu.transport import TRANSPORT_ALIASES, redis

log = logging.getLogger(__name__)

TRANSPORT = f"{__name__}:Transport"


class QoS(redis.QoS):
    def restore_unacked(self, client: Any = None) -> Any:
        transport = self.channel.connection
        if client is None and (transport is None or transport.client is None):
            # No connection parameters left to build a client from (celery/kombu#582): leave the messages
            # in the unacked hash for the visibility-timeout restore instead of raising AttributeError.
            log.warning(
                "broker connection already closed: %d unacknowledged message(s) left for the visibility-timeout restore",
                len(self._delivered),
            )
            self._delivered.clear()  # restore_unacked_once asserts the state is empty once marked restored
            return None
        return super().restore_unacked(client)


class Channel(redis.Channel):
    QoS = QoS


class Transport(redis.Transport):
    Channel = Channel


def install() -> None:
    """`redis://` URLs use this transport (kombu resolves a scheme through TRANSPORT_ALIASES)."""
    TRANSPORT_ALIASES["redis"] = TRANSPORT
