"""A task past its hard time limit reaches its on_failure before its message is acknowledged (Celery 5.6)."""

from __future__ import annotations

from typing import Any

import pytest
from celery.exceptions import TimeLimitExceeded
from celery.worker.request import Request

from services.worker import hard_limit
from services.worker.hard_limit import HardLimitRequest


class FakeTask:
    def __init__(self, fails: bool = False) -> None:
        self.fails, self.failures = fails, []  # type: ignore[var-annotated]

    def on_failure(self, exc: Exception, task_id: str, args: Any, kwargs: Any, einfo: Any) -> None:
        if self.fails:
            raise ConnectionError("Redis is gone")
        self.failures.append((type(exc), task_id, args, kwargs))


def request(task: FakeTask, events: list[str]) -> HardLimitRequest:
    req = object.__new__(HardLimitRequest)
    for name, value in {"_task": task, "id": "t1", "_args": [{"id": "a1"}], "_kwargs": {"hangs": 1}}.items():
        setattr(req, name, value)
    req.reject = lambda requeue=False: events.append(f"reject requeue={requeue}")  # type: ignore[method-assign]
    return req


@pytest.fixture
def events(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    seen: list[str] = []
    # Celery's own handling (marks the failure, acknowledges the message) is recorded, not run.
    monkeypatch.setattr(Request, "on_timeout", lambda self, soft, timeout: seen.append(f"celery soft={soft}"))
    monkeypatch.setattr(hard_limit.state, "task_ready", lambda req: seen.append("ready"))
    monkeypatch.setattr(hard_limit, "CELERY_CALLS_ON_FAILURE", False)
    return seen


def test_the_hard_limit_reaches_on_failure_before_the_message_is_acknowledged(events: list[str]) -> None:
    task = FakeTask()
    request(task, events).on_timeout(False, 20.0)
    assert task.failures == [(TimeLimitExceeded, "t1", [{"id": "a1"}], {"hangs": 1})]
    assert events == ["celery soft=False"]


def test_if_on_failure_cannot_run_the_message_goes_back(events: list[str]) -> None:
    request(FakeTask(fails=True), events).on_timeout(False, 20.0)
    assert events == ["ready", "reject requeue=True"]  # never acknowledged, so never lost


def test_the_soft_limit_is_left_to_celery(events: list[str]) -> None:
    task = FakeTask()
    request(task, events).on_timeout(True, 10.0)
    assert task.failures == [] and events == ["celery soft=True"]
