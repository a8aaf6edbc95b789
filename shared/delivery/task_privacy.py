"""What Celery tells about a task's arguments outside the message itself: a summary, never an article.

Celery copies `repr()` of a task's arguments (up to 1 KiB) into the message headers as `argsrepr`/`kwargsrepr`, and
from there into its task events and its inspect answers: Flower's task list and task pages, `celery events`, `celery
inspect active` would show the articles clients sent, and the normalized documents. Here every message gets a
summary instead (`QuietAMQP`, the Celery app's `amqp` class: every send, retry and re-send goes through it), e.g.
`[[article 8407aef801e3c24cba9d818f, article 1f2e…, … 18 more]]`, and the inspect commands that list tasks (`active`,
`reserved`, `scheduled`) answer with that summary too, never the arguments themselves. Flower's access:
shared/observability/flower.py, docs/partner-access.md.
"""

from __future__ import annotations

from typing import Any

from celery.app.amqp import AMQP
from celery.worker import control
from celery.worker import state as worker_state
from celery.worker.request import Request

SHOWN_ITEMS = 3  # items of a list shown before "… N more"
SHOWN_CHARS = 48  # characters of a string shown
MAX_CHARS = 512  # the whole summary


def summary(value: Any, depth: int = 0) -> str:
    """A short, payload-free description of task arguments: ids of articles, sizes of everything else."""
    if isinstance(value, dict):
        meta = value.get("meta")
        found = value.get("id") or (meta.get("id") if isinstance(meta, dict) else None)
        return f"article {found}" if isinstance(found, str) else f"{{{len(value)} fields}}"
    if isinstance(value, list | tuple):
        if depth >= 3:
            return f"[{len(value)} items]"
        shown = [summary(item, depth + 1) for item in value[:SHOWN_ITEMS]]
        if len(value) > SHOWN_ITEMS:
            shown.append(f"… {len(value) - SHOWN_ITEMS} more")
        return "[" + ", ".join(shown) + "]"
    if isinstance(value, str) and len(value) > SHOWN_CHARS:
        return repr(value[:SHOWN_CHARS]) + f"… ({len(value)} characters)"
    return repr(value)


def _capped(text: str) -> str:
    return text if len(text) <= MAX_CHARS else text[: MAX_CHARS - 1] + "…"


class QuietAMQP(AMQP):
    """Celery's AMQP helper, writing summaries into `argsrepr` and `kwargsrepr` unless the sender gave its own."""

    def as_task_v2(self, task_id: str, name: str, args: Any = None, kwargs: Any = None, *rest: Any, **options: Any) -> Any:
        options["argsrepr"] = options.get("argsrepr") or _capped(summary(list(args or ())))
        named = ", ".join(f"{key!r}: {summary(value)}" for key, value in dict(kwargs or {}).items())
        options["kwargsrepr"] = options.get("kwargsrepr") or _capped("{" + named + "}")
        return super().as_task_v2(task_id, name, args, kwargs, *rest, **options)


# The inspect commands that list tasks, as Celery's own but always with `safe` information (the summaries above).
@control.inspect_command(alias="dump_active")
def active(state: Any, **kwargs: Any) -> list[dict[str, Any]]:
    """List of tasks currently being executed (arguments summarized)."""
    return [request.info(safe=True) for request in state.tset(worker_state.active_requests)]


@control.inspect_command(alias="dump_reserved")
def reserved(state: Any, **kwargs: Any) -> list[dict[str, Any]]:
    """List of currently reserved tasks, not including scheduled/active (arguments summarized)."""
    waiting = state.tset(worker_state.reserved_requests) - state.tset(worker_state.active_requests)
    return [request.info(safe=True) for request in waiting]


@control.inspect_command(alias="dump_schedule")
def scheduled(state: Any, **kwargs: Any) -> list[dict[str, Any]]:
    """List of currently scheduled ETA/countdown tasks (arguments summarized)."""
    found = []
    for waiting in state.consumer.timer.schedule.queue:
        request = next(iter(getattr(waiting.entry, "args", None) or ()), None)
        if isinstance(request, Request):
            eta = request.eta.isoformat() if request.eta else None
            found.append({"eta": eta, "priority": waiting.priority, "request": request.info(safe=True)})
    return found
