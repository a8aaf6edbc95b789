"""Scheduled snapshots on the real Elasticsearch (no SLM in the minimal distribution: Celery beat's tick does it):
a snapshot is taken when the newest good one is SNAPSHOT_INTERVAL_S old, the newest SNAPSHOT_KEEP scheduled
ones are kept, and `make backup`'s are never pruned."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
from elasticsearch import Elasticsearch

from shared.delivery.celery_app import SNAPSHOT_TASK, beat_schedule
from shared.es import snapshots
from shared.es.client import make_client
from shared.es.index import drop_namespace, ensure_index
from shared.settings import Settings
from tests.integration.test_backup_restore import drop_repository
from tests.stack import wait_until


@pytest.fixture
def own() -> Iterator[tuple[Elasticsearch, Settings]]:
    settings = Settings(namespace=f"test-snap-{uuid.uuid4().hex[:8]}", snapshot_keep=2, snapshot_interval_s=3600)
    es = make_client(settings)
    ensure_index(es, settings)
    es.index(index=settings.index_alias, id="one", document={"title": "One", "body": "Kept in every snapshot."}, refresh=True)
    try:
        yield es, settings
    finally:
        drop_repository(es, settings)
        drop_namespace(es, settings.index_alias)


def settled(es: Elasticsearch, settings: Settings) -> list[dict]:
    """The repository's snapshots once none is running."""
    return wait_until(
        lambda: (s := snapshots.listed(es, settings)) and all(x["state"] not in snapshots.RUNNING for x in s) and s,
        60,
        what="snapshots finished",
    )


def names(listed: list[dict], kind: str) -> list[str]:
    return [s["snapshot"] for s in listed if f"-{kind}-" in s["snapshot"] and s["state"] == "SUCCESS"]


def test_a_snapshot_is_taken_when_due_and_the_newest_scheduled_ones_are_kept(own: tuple[Elasticsearch, Settings]) -> None:
    es, settings = own
    hour = settings.snapshot_interval_s
    snapshots.ensure_repository(es, settings, readonly=True)  # as a restore leaves it on a cluster of its own
    manual = snapshots.start(es, settings, snapshots.BACKUP, wait=True)["snapshot"]  # as `make backup` takes it
    assert es.snapshot.get_repository(name=snapshots.repository(settings))[snapshots.repository(settings)]["settings"][
        "readonly"
    ] in (False, "false")  # writable again
    start = manual_time = snapshots.listed(es, settings)[0]["start_time_in_millis"] / 1000

    assert snapshots.tick(es, settings, manual_time + 60) == "not due"  # a backup a minute ago counts
    taken = []
    for n in range(1, 5):
        assert snapshots.tick(es, settings, start + n * hour) == "started"
        taken.append(names(settled(es, settings), snapshots.SCHEDULED)[-1])
        # Due-ness comes from the repository's real start times, so later ticks are given later clocks.
        start = settled(es, settings)[-1]["start_time_in_millis"] / 1000
        assert snapshots.tick(es, settings, start + 1) == "not due"

    # SNAPSHOT_KEEP=2, pruned by the ticks above (deletions run in the background, not in the worker's task).
    kept = wait_until(lambda: names(k := settled(es, settings), snapshots.SCHEDULED) == taken[-2:] and k, 30, what="pruned")
    assert names(kept, snapshots.BACKUP) == [manual]  # never pruned
    newest, count = snapshots.newest_success(es, settings)
    assert (newest and newest["snapshot"], count) == (taken[-1], 3)


def test_beat_schedules_the_tick_unless_snapshots_are_off() -> None:
    schedule = beat_schedule(Settings(snapshot_interval_s=3600))["snapshot"]
    assert (schedule["task"], schedule["schedule"]) == (SNAPSHOT_TASK, 300.0)  # asked every 5 minutes
    assert beat_schedule(Settings(snapshot_interval_s=60))["snapshot"]["schedule"] == 60
    assert "snapshot" not in beat_schedule(Settings(snapshot_interval_s=0))
