"""`newsroom_snapshot_last_success_age_seconds` and `newsroom_snapshots`, read from the repository at scrape time.

Exported by the ingest service next to the pipeline's gauges. The age is counted from the newest successful
snapshot's start, the moment its contents are from; it is +Inf when the repository holds no good snapshot
(or is not registered), so the alert fires on a system that has never been backed up, not only on one
whose backups stopped. Elasticsearch unreachable: nothing is exported (newsroom_dependency_up says so).
"""

from __future__ import annotations

import math
import time
from collections.abc import Iterator

from elasticsearch import Elasticsearch, NotFoundError
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from shared.es.snapshots import newest_success
from shared.settings import Settings

SCRAPE_TIMEOUT_S = 3  # a scrape must not wait for a slow cluster as long as indexing would


class SnapshotCollector(Collector):
    def __init__(self, client: Elasticsearch, settings: Settings) -> None:
        self.client, self.settings = client, settings

    def collect(self) -> Iterator[GaugeMetricFamily]:
        try:
            newest, count = newest_success(self.client.options(request_timeout=SCRAPE_TIMEOUT_S), self.settings)
        except NotFoundError:
            newest, count = None, 0
        except Exception:  # noqa: BLE001 - unreachable or timing out: no number rather than a made-up one
            return
        age = time.time() - newest["start_time_in_millis"] / 1000 if newest else math.inf
        yield GaugeMetricFamily(
            "newsroom_snapshot_last_success_age_seconds",
            "Seconds since the newest successful Elasticsearch snapshot of the index started (+Inf: none).",
            value=max(age, 0.0),
        )
        yield GaugeMetricFamily(
            "newsroom_snapshots", "Successful snapshots of the index kept in the snapshot repository.", value=count
        )
