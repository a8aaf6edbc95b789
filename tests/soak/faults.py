"""The six faults, each a strike and a heal on the running system. `heal` returns once the engine answers again
(Redis a PING, Elasticsearch its cluster health): the moment the post-heal freshness is measured from."""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Callable
from dataclasses import dataclass

from shared.redis_client import connect
from shared.settings import Settings
from tests.soak.stack import Engines, Stack


@dataclass(frozen=True)
class Fault:
    strike: Callable[[Engines, Stack], None]
    heal: Callable[[Engines, Stack], None]


def redis_answers(engines: Engines, timeout: float = 60) -> None:
    client = connect(Settings(redis_url=engines.redis.url))
    Stack.wait(client.ping, timeout, "Redis answering again")


def redis_pid(engines: Engines) -> int:
    assert engines.redis.proc is not None and engines.redis.proc.poll() is None, "the soak Redis is not running"
    return engines.redis.proc.pid


def redis_kill(engines: Engines, stack: Stack) -> None:
    engines.redis.kill()


def redis_restart(engines: Engines, stack: Stack) -> None:
    engines.redis.start()  # replays its append-only file; returns once it answers PING


def redis_stop(engines: Engines, stack: Stack) -> None:
    os.kill(redis_pid(engines), signal.SIGSTOP)


def redis_cont(engines: Engines, stack: Stack) -> None:
    os.kill(redis_pid(engines), signal.SIGCONT)
    redis_answers(engines)


def es_stop(engines: Engines, stack: Stack) -> None:
    engines.es.stop()  # SIGTERM, waits until the node has exited


def es_start(engines: Engines, stack: Stack) -> None:
    engines.es.start()  # returns once the node reports green: its one shard is back
    engines.es.wait_ready()


def es_sigstop(engines: Engines, stack: Stack) -> None:
    engines.es.signal(1, signal.SIGSTOP)


def es_sigcont(engines: Engines, stack: Stack) -> None:
    engines.es.signal(1, signal.SIGCONT)
    engines.es.wait_ready()


def worker_child_kill(engines: Engines, stack: Stack) -> None:
    children = stack.children("worker")
    assert children, "the worker has no pool process to kill"
    os.kill(children[0], signal.SIGKILL)


def pool_refilled(engines: Engines, stack: Stack) -> None:
    """The worker's main process (alive throughout) has forked a replacement."""
    time.sleep(0.5)
    Stack.wait(lambda: len(stack.children("worker")) >= 2, 60, "the worker pool refilled")


def receiver_down(engines: Engines, stack: Stack) -> None:
    stack.receiver.down()  # its port closed: every delivery fails to connect, the endpoint pauses


def receiver_up(engines: Engines, stack: Stack) -> None:
    stack.receiver.up()


FAULTS = {
    "redis-kill": Fault(redis_kill, redis_restart),
    "redis-stop": Fault(redis_stop, redis_cont),
    "es-stop": Fault(es_stop, es_start),
    "es-sigstop": Fault(es_sigstop, es_sigcont),
    "worker-child-kill": Fault(worker_child_kill, pool_refilled),
    "receiver-down": Fault(receiver_down, receiver_up),
}
