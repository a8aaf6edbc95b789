"""Backoff, pauses and the give-up window: pure arithmetic over the settings."""

from __future__ import annotations

from shared.settings import Settings
from shared.webhooks.policy import backoff_s, first_pause_s, gave_up, lease_s, pause_s, schedule

DEFAULTS = Settings()


def test_backoff_doubles_from_the_base_up_to_the_cap() -> None:
    assert [backoff_s(n, DEFAULTS) for n in range(1, 6)] == [5, 10, 20, 40, 80]
    assert backoff_s(11, DEFAULTS) == 3600  # 5 * 2^10 = 5120, capped
    assert backoff_s(10_000, DEFAULTS) == 3600  # no overflow however long it fails


def test_the_lease_outlasts_an_attempt() -> None:
    assert lease_s(DEFAULTS) > 2 * DEFAULTS.webhook_timeout_s
    assert lease_s(Settings(webhook_timeout_s=1)) > 2


def test_pauses_start_where_the_backoff_stands_and_double_up_to_the_longest() -> None:
    assert first_pause_s(DEFAULTS) == 80  # 5 failures in a row: 5 * 2^4
    assert [pause_s(n, DEFAULTS) for n in range(1, 8)] == [80, 160, 320, 640, 1280, 1800, 1800]
    assert pause_s(500, DEFAULTS) == 1800


def test_giving_up_counts_from_the_first_attempt() -> None:
    window_ms = int(DEFAULTS.webhook_give_up_after_s * 1000)
    assert not gave_up(1_000, 1_000 + window_ms - 1, DEFAULTS)
    assert gave_up(1_000, 1_000 + window_ms, DEFAULTS)


def test_the_default_schedule_ends_after_the_window_without_looping() -> None:
    rows = schedule(DEFAULTS)
    assert rows[0] == (1, 0.0, 0.0)
    assert [wait for _, wait, _ in rows[1:11]] == [5 * 2**n for n in range(10)]
    assert all(wait == 3600 for _, wait, _ in rows[11:])
    assert rows[-2][2] < DEFAULTS.webhook_give_up_after_s <= rows[-1][2]  # the last attempt is the first past the window
    assert len(rows) == 36


def test_a_tiny_window_gives_up_after_one_retry() -> None:
    rows = schedule(Settings(webhook_give_up_after_s=1, webhook_backoff_base_s=5))
    assert rows == [(1, 0.0, 0.0), (2, 5.0, 5.0)]
