"""When a webhook delivery is tried again, when an endpoint pauses, when a delivery is given up: pure arithmetic.

- A failed attempt waits `WEBHOOK_BACKOFF_BASE_S * 2^(n-1)` after its n-th failure, at most `WEBHOOK_BACKOFF_MAX_S`.
- A delivery still failing `WEBHOOK_GIVE_UP_AFTER_S` after its first attempt (one never attempted because its endpoint
  stayed paused: after it was created) goes to the dead list.
- An endpoint failing `WEBHOOK_PAUSE_AFTER` times in a row pauses; its first pause lasts what a delivery's wait has
  grown to by then (`BASE * 2^(PAUSE_AFTER-1)`) and each failed probe doubles it, at most `WEBHOOK_PAUSE_MAX_S`.
"""

from __future__ import annotations

from shared.settings import Settings

LEASE_MARGIN_S = 10.0  # beyond the longest attempt, before a claimed delivery is handed out again


def lease_s(settings: Settings) -> float:
    """How long a claimed delivery stays with its deliverer: connect and read timeouts of its POST plus a margin.
    A deliverer killed mid-POST leaves it; it is due again once the lease is over (at-least-once)."""
    return 2 * settings.webhook_timeout_s + LEASE_MARGIN_S


def backoff_s(failures: int, settings: Settings) -> float:
    """The wait after a delivery's `failures`-th failed attempt (1: the first)."""
    exponent = min(max(failures, 1) - 1, 60)  # 2^60 s is past any cap; bounded so the float never overflows
    return float(min(settings.webhook_backoff_max_s, settings.webhook_backoff_base_s * 2**exponent))


def first_pause_s(settings: Settings) -> float:
    return settings.webhook_backoff_base_s * 2 ** max(settings.webhook_pause_after - 1, 0)


def pause_s(pauses: int, settings: Settings) -> float:
    """The length of an endpoint's `pauses`-th pause in a row (1: the first)."""
    exponent = min(max(pauses, 1) - 1, 60)
    return float(min(settings.webhook_pause_max_s, first_pause_s(settings) * 2**exponent))


def gave_up(started_ms: int, now_ms: int, settings: Settings) -> bool:
    """Whether a delivery whose clock started at `started_ms` (its first attempt) has run out of time."""
    return now_ms - started_ms >= settings.webhook_give_up_after_s * 1000


def schedule(settings: Settings) -> list[tuple[int, float, float]]:
    """(attempt, wait before it, seconds since the first attempt) of a delivery failing every time: the table
    docs/webhooks.md shows for the defaults. The first failure at or past the give-up window dead-letters it."""
    rows, elapsed, attempt = [(1, 0.0, 0.0)], 0.0, 1
    while elapsed < settings.webhook_give_up_after_s:  # the attempt that fails past the window is the last
        wait = backoff_s(attempt, settings)
        elapsed += wait
        attempt += 1
        rows.append((attempt, wait, elapsed))
    return rows
