"""The worker's retry and versioning policy (pure)."""

from __future__ import annotations

import random
from pathlib import Path

from elastic_transport import ApiResponseMeta, HttpHeaders, NodeConfig
from elasticsearch import ApiError, ConnectionError

from shared.delivery.retry import TRANSIENT_STATUSES, backoff_s, is_transient_error, is_transient_status, version_of
from shared.settings import Settings


def api_error(status: int) -> ApiError:
    meta = ApiResponseMeta(status, "1.1", HttpHeaders(), 0.01, NodeConfig("http", "localhost", 9200))
    return ApiError(f"status {status}", meta, {})


def test_backoff_grows_exponentially_is_jittered_and_capped() -> None:
    rng = random.Random(7)
    for retries in range(12):
        step = min(60.0, 1.0 * 2**retries)
        delays = [backoff_s(retries, 1.0, 60.0, rng) for _ in range(50)]
        assert all(step / 2 <= d <= step for d in delays)
        assert len(set(delays)) > 1  # jitter: a crowd of retries does not come back at the same instant


def test_transient_statuses_are_timeouts_overload_and_server_trouble_not_every_5xx() -> None:
    assert all(is_transient_status(s) for s in (408, 429, 500, 502, 503, 504))
    # 501, 505-511 describe the request or the server's configuration: the same request gets the same answer.
    assert not any(is_transient_status(s) for s in (200, 201, 400, 404, 409, 413, 501, 505, 507, 511, None))
    assert is_transient_error(api_error(429)) and is_transient_error(api_error(503))
    assert not is_transient_error(api_error(400)) and not is_transient_error(api_error(501))
    assert is_transient_error(ConnectionError("refused"))
    assert not is_transient_error(ValueError("bad input"))


def test_the_guarantees_page_states_the_same_set() -> None:
    page = (Path(__file__).resolve().parents[4] / "docs" / "guarantees.md").read_text()
    assert "{" + ", ".join(map(str, sorted(TRANSIENT_STATUSES))) + "}" in page


def test_version_is_the_first_accept_time_in_ms_and_replays_keep_it() -> None:
    assert version_of({"accepted_at": "2026-01-01T00:00:00.000Z"}) == 1767225600000
    assert version_of({"accepted_at": "2026-01-01T00:00:00.001Z"}) == 1767225600001
    assert version_of({"accepted_at": "2027-01-01T00:00:00Z", "version_ms": 5}) == 5
    assert version_of({}) == 1
    assert version_of({"accepted_at": "garbage"}) == 1


def test_sweep_after_defaults_past_a_redelivery_and_can_be_set() -> None:
    assert Settings(visibility_timeout_s=300, task_time_limit_s=60).sweep_after == 660
    assert Settings(sweep_after_s=45).sweep_after == 45
