"""kombu's Redis transport, with what a consumer holds when Redis dies put back on its queue once Redis is back.

When Redis dies under a consuming worker, closing the channel restores its unacknowledged messages, which fails
without Redis: they stay in the unacked hash until kombu's visibility-timeout scan, five minutes later, and a
message taken by BRPOP whose unacked record was never written is in no list at all. Here the messages the
channel held are kept in memory (`Stranded`) and the first channel opened once Redis answers puts them back.
Closing such a channel can also find its transport's `client` already gone; kombu 5.x then raises
`AttributeError: 'NoneType' object has no attribute 'hostname'` (celery/kombu#582), which Celery treats as
unrecoverable, stopping the whole worker: that case is kept the same way. `install()` (called by
`shared.delivery.celery_app`) makes this what the `redis://` scheme resolves to, so the broker URL keeps its scheme:
Flower's broker API and every tool that parses the URL still see `redis://`, and `broker_transport_options`
apply unchanged.
"""

from __future__ import annotations

import logging
import threading
from typing import Any

from kombu.transport import TRANSPORT_ALIASES, redis
from kombu.utils.json import loads

log = logging.getLogger(__name__)

TRANSPORT = f"{__name__}:Transport"


class Stranded:
    """Messages a consumer held when its connection died, kept in memory to be put back on the next channel.

    Closing a channel puts its unacknowledged messages back on their queue, but when Redis itself is gone that
    restore fails and the messages stay in the unacked hash until kombu's visibility-timeout scan (5 minutes);
    one taken by BRPOP whose unacked record was never written (Redis died between the two) is in no list at
    all. Since this process still has every such message in memory, the first channel it opens once Redis is
    back puts each on its queue again: from the unacked hash when it is there, else from memory. A message the
    process finishes anyway is then delivered twice, which idempotent writes make harmless.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._messages: dict[str, Any] = {}
        self._taken: dict[str, tuple[Any, Any]] = {}  # tag -> (channel it came on, message), until settled

    def keep(self, delivered: dict[str, Any]) -> None:
        with self._lock:
            self._messages.update(delivered)

    def took(self, channel: Any, tag: str, message: Any) -> None:
        with self._lock:
            self._taken[tag] = (channel, message)

    def settled(self, tag: str) -> None:
        with self._lock:
            self._taken.pop(tag, None)

    def _orphans(self, channel: Any) -> dict[str, Any]:
        """Messages taken on another channel than this one that are still unsettled: their channel died with its
        connection (Celery may drop it without closing it, e.g. after cancelling a task on a connection loss)."""
        orphans = {
            tag: message for tag, (taken_on, message) in self._taken.items() if taken_on is not channel and _dead(taken_on)
        }
        for tag in orphans:
            del self._taken[tag]
        return orphans

    def put_back(self, channel: Any) -> None:
        with self._lock:
            messages, self._messages = {**self._messages, **self._orphans(channel)}, {}
        restored = 0
        for tag, message in messages.items():
            try:
                _requeue(channel, tag, message)
                restored += 1
            except Exception as exc:  # noqa: BLE001 - Redis gone again: keep it for the next channel
                log.warning("stranded message %s not put back yet: %r", tag, exc)
                self.keep({tag: message})
        if restored:
            log.warning("%d message(s) held when the broker connection died put back on their queue", restored)


def _dead(channel: Any) -> bool:
    """A channel whose connection was collected or closed (kombu sets its transport's client to None)."""
    transport = getattr(channel, "connection", None)
    return bool(getattr(channel, "closed", False)) or transport is None or getattr(transport, "client", None) is None


def _requeue(channel: Any, tag: str, message: Any) -> None:
    """One transaction: from the unacked hash when its record is there, else from the message in memory."""
    qos = channel.qos
    delivery = message.delivery_info

    def transaction(pipe: Any) -> None:
        recorded = pipe.hget(qos.unacked_key, tag)
        pipe.multi()
        qos._remove_from_indices(tag, pipe)
        payload, exchange, key = loads(recorded) if recorded else (message._raw, delivery["exchange"], delivery["routing_key"])
        channel._do_restore_message(payload, exchange, key, pipe, False)

    with channel.conn_or_acquire() as client:
        client.transaction(transaction, qos.unacked_key)


STRANDED = Stranded()


class QoS(redis.QoS):
    def append(self, message: Any, delivery_tag: str) -> None:
        STRANDED.took(self.channel, delivery_tag, message)
        try:
            super().append(message, delivery_tag)
        except self.channel.connection_errors:
            # Taken by BRPOP, but Redis died before its unacked record was written: this process holds the only copy.
            STRANDED.keep({delivery_tag: message})
            raise

    def ack(self, delivery_tag: str) -> None:
        super().ack(delivery_tag)
        STRANDED.settled(delivery_tag)

    def reject(self, delivery_tag: str, requeue: bool = False) -> None:
        try:
            super().reject(delivery_tag, requeue)
            STRANDED.settled(delivery_tag)
        except self.channel.connection_errors:
            # A task gave its message back (a Redis error inside it) while Redis was away: keep it to put back.
            message = self._delivered.pop(delivery_tag, None) if requeue else None
            if message is not None:
                STRANDED.keep({delivery_tag: message})
            raise

    def restore_visible(self, *args: Any, **kwargs: Any) -> Any:
        # The consumer loop calls this every few seconds. A dead channel may be closed (and its messages kept) only
        # when it is collected, long after the new channel opened: put them back from here too.
        STRANDED.put_back(self.channel)
        return super().restore_visible(*args, **kwargs)

    def restore_unacked(self, client: Any = None) -> Any:
        transport = self.channel.connection
        if client is None and (transport is None or transport.client is None):
            # No connection parameters left to build a client from (celery/kombu#582): keep the messages for the
            # next channel instead of raising AttributeError.
            return self._strand("broker connection already closed")
        try:
            return super().restore_unacked(client)
        except self.channel.connection_errors as exc:
            return self._strand(f"Redis unreachable ({exc!r})")

    def _strand(self, why: str) -> None:
        log.warning("%s: %d unacknowledged message(s) kept to put back once Redis answers", why, len(self._delivered))
        STRANDED.keep(dict(self._delivered))
        self._delivered.clear()  # restore_unacked_once asserts the state is empty once marked restored
        return None


class Channel(redis.Channel):
    QoS = QoS

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)  # connects: Redis answers again
        STRANDED.put_back(self)


class Transport(redis.Transport):
    Channel = Channel


def install() -> None:
    """`redis://` URLs use this transport (kombu resolves a scheme through TRANSPORT_ALIASES)."""
    TRANSPORT_ALIASES["redis"] = TRANSPORT
