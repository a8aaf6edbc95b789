"""The guarded Redis transport: a channel closed after its connection was torn down does not kill the worker
(celery/kombu#582), while kombu's own transport still does, and keeps what it held for the next channel; and the
Celery app uses the guarded one. Putting the messages back on a real Redis: tests/integration/test_broker_outage.py."""

from __future__ import annotations

import logging
from typing import Any

import pytest
import redis
from kombu import Connection
from kombu.transport import redis as kombu_redis

from shared.delivery import broker_transport
from shared.delivery.celery_app import make_celery
from shared.settings import Settings

STOCK = "kombu.transport.redis:Transport"
URL = "redis://127.0.0.1:1/0"  # never contacted: nothing below sends a command


@pytest.fixture(autouse=True)
def no_redis(monkeypatch: pytest.MonkeyPatch) -> None:
    """A channel pings Redis when it opens; answer that without a server (redis-py connects lazily otherwise)."""
    monkeypatch.setattr(redis.Redis, "ping", lambda self, **kwargs: True)


def channel_with_unacked(transport: str) -> Any:
    """A channel holding one delivered, unacknowledged message, whose connection is then torn down the way
    kombu's Connection does it (`transport.client = None`) before the channel itself is closed."""
    connection = Connection(URL, transport=transport, transport_options={"global_keyprefix": "t:"})
    channel = connection.channel()
    channel.qos._delivered["tag-1"] = object()
    connection._do_close_transport()
    assert channel.connection.client is None
    return channel


def test_stock_kombu_raises_the_attribute_error_that_kills_the_worker() -> None:
    channel = channel_with_unacked(STOCK)
    with pytest.raises(AttributeError, match="hostname"):
        channel.close()


def test_the_guarded_transport_closes_and_keeps_the_messages_for_the_next_channel(
    caplog: pytest.LogCaptureFixture,
) -> None:
    channel = channel_with_unacked(broker_transport.TRANSPORT)
    assert isinstance(channel.qos, broker_transport.QoS)
    with caplog.at_level(logging.WARNING, logger=broker_transport.__name__):
        channel.close()
    assert channel.closed
    assert not channel.qos._delivered
    assert "1 unacknowledged message(s) kept to put back once Redis answers" in caplog.text
    kept, broker_transport.STRANDED._messages = broker_transport.STRANDED._messages, {}
    assert list(kept) == ["tag-1"]


def test_with_its_connection_alive_the_channel_restores_as_kombu_does(monkeypatch: pytest.MonkeyPatch) -> None:
    restored: list[Any] = []
    monkeypatch.setattr(kombu_redis.QoS, "restore_unacked", lambda self, client=None: restored.append(self))
    connection = Connection(URL, transport=broker_transport.TRANSPORT)
    channel = connection.channel()
    channel.qos._delivered["tag-1"] = object()
    channel.close()
    assert restored == [channel.qos]


def test_the_celery_app_uses_it_with_the_url_and_the_transport_options() -> None:
    app = make_celery(Settings(namespace="ns", redis_url="redis://127.0.0.1:6390/3"))
    with app.connection_for_write() as connection:
        assert isinstance(connection.transport, broker_transport.Transport)
        assert (connection.hostname, connection.port, connection.virtual_host) == ("127.0.0.1", 6390, "3")
        assert connection.transport_options["global_keyprefix"] == "ns:"
        assert connection.transport.driver_type == "redis"  # Celery's Redis-specific behaviour still applies
        assert connection.as_uri().startswith("redis://")  # Flower's broker API reads the scheme
        params = connection.channel()._connparams()
    assert (params["host"], params["port"], params["db"]) == ("127.0.0.1", 6390, 3)


def test_a_message_given_back_while_redis_is_away_is_kept_for_later() -> None:
    connection = Connection(URL, transport=broker_transport.TRANSPORT, transport_options={"socket_connect_timeout": 0.2})
    channel = connection.channel()
    message = object()
    channel.qos._delivered["tag-2"] = message
    with pytest.raises(channel.connection_errors):
        channel.qos.reject("tag-2", requeue=True)  # nothing listens on the URL's port
    kept, broker_transport.STRANDED._messages = broker_transport.STRANDED._messages, {}
    assert kept == {"tag-2": message} and "tag-2" not in channel.qos._delivered
