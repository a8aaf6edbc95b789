"""Writes dashboards/newsroom-pipeline.json, the provisioned Grafana dashboard: `python infra/grafana/dashboard.py`.

Kept as code so that the panels stay short to read and review; the JSON is what Grafana loads.
"""

from __future__ import annotations

import json
from pathlib import Path

OUT = Path(__file__).parent / "dashboards" / "newsroom-pipeline.json"
DS = {"type": "prometheus", "uid": "prometheus"}


def q95(metric: str, by: str = "", where: str = "", quantile: float = 0.95) -> str:
    group = f"le, {by}" if by else "le"
    return f"histogram_quantile({quantile}, sum by ({group}) (rate({metric}_bucket{where}[5m])))"


def share(status: str) -> str:
    """Share of a service's requests answered with `status` (a regex such as "5..")."""
    requests = "sum by (service) (rate(newsroom_http_requests_total{selector}[5m]))"
    return requests.format(selector=f'{{status=~"{status}"}}') + " / " + requests.format(selector="")


def panel(title: str, targets: list[tuple[str, str]], unit: str = "short", kind: str = "timeseries", desc: str = "") -> dict:
    return {
        "type": kind,
        "title": title,
        "description": desc,
        "datasource": DS,
        "fieldConfig": {"defaults": {"unit": unit}, "overrides": []},
        "options": {"legend": {"displayMode": "list", "placement": "bottom"}} if kind == "timeseries" else {},
        "targets": [
            {"datasource": DS, "expr": expr, "legendFormat": legend, "refId": chr(65 + i)}
            for i, (expr, legend) in enumerate(targets)
        ],
    }


ROWS: list[tuple[str, list[dict]]] = [
    (
        "Queues",
        [
            panel(
                "Workers online",
                [("max(newsroom_workers_online)", "workers")],
                kind="stat",
                desc="Fresh worker heartbeats in Redis.",
            ),
            panel(
                "Dead letters",
                [("max(newsroom_dead_letters)", "dead letters")],
                kind="stat",
                desc="GET /v1/dead-letters says why.",
            ),
            panel(
                "Queue depth",
                [
                    ("sum by (queue) (newsroom_queue_messages)", "waiting {{queue}}"),
                    ("max(newsroom_queue_unacked_messages)", "taken, not yet acknowledged"),
                ],
            ),
            panel("Oldest waiting message", [("max by (queue) (newsroom_queue_oldest_message_age_seconds)", "{{queue}}")], "s"),
            panel(
                "Oldest message held by a consumer",
                [("max by (role, instance) (newsroom_consumer_oldest_held_age_seconds)", "{{role}} {{instance}}")],
                "s",
                desc="Taken and not finished: past 120 s the consumer is stalled (ConsumerStalled; docs/guarantees.md).",
            ),
        ],
    ),
    (
        "Throughput",
        [
            panel(
                "Articles in and out",
                [
                    ('sum(rate(newsroom_ingest_articles_total{outcome="accepted"}[5m]))', "accepted"),
                    ('sum by (reason) (rate(newsroom_ingest_articles_total{outcome="rejected"}[5m]))', "rejected: {{reason}}"),
                    ("sum(rate(newsroom_articles_indexed_total[5m]))", "indexed"),
                ],
                "ops",
            ),
            panel("Bytes in", [("sum by (endpoint) (rate(newsroom_ingest_received_bytes_total[5m]))", "{{endpoint}}")], "Bps"),
        ],
    ),
    (
        "Workers",
        [
            panel(
                "Task stage latency",
                [
                    (q95("newsroom_task_stage_duration_seconds", "stage"), "p95 {{stage}}"),
                    (q95("newsroom_task_stage_duration_seconds", "stage", quantile=0.5), "p50 {{stage}}"),
                ],
                "s",
            ),
            panel(
                "Elasticsearch bulk",
                [
                    (q95("newsroom_es_bulk_duration_seconds"), "p95 latency"),
                    (
                        "sum(rate(newsroom_es_bulk_documents_sum[5m])) / sum(rate(newsroom_es_bulk_documents_count[5m]))",
                        "documents per bulk",
                    ),
                ],
                "s",
            ),
            panel(
                "Failures and retries",
                [
                    ("sum by (reason) (rate(newsroom_articles_dead_lettered_total[5m]))", "dead-lettered: {{reason}}"),
                    ("sum(rate(newsroom_task_retries_total[5m]))", "retries"),
                    (
                        'sum by (state) (rate(newsroom_task_duration_seconds_count{state!="SUCCESS"}[5m]))',
                        "task runs ending {{state}}",
                    ),
                ],
                "ops",
            ),
        ],
    ),
    (
        "Freshness",
        [
            panel(
                "202 → searchable",
                [
                    (q95("newsroom_accepted_to_searchable_seconds"), "p95"),
                    (q95("newsroom_accepted_to_searchable_seconds", quantile=0.5), "p50"),
                ],
                "s",
                desc="Alert FreshnessSlow fires when p95 stays above 60 s for 10 minutes.",
            ),
            panel(
                "Published → searchable",
                [
                    (q95("newsroom_published_to_searchable_seconds", quantile=0.5), "p50"),
                    (q95("newsroom_published_to_searchable_seconds"), "p95"),
                ],
                "s",
            ),
        ],
    ),
    (
        "Search and errors",
        [
            panel(
                "Search latency",
                [(q95("newsroom_http_request_duration_seconds", "endpoint", '{service="search"}'), "p95 {{endpoint}}")],
                "s",
            ),
            panel(
                "Error rate",
                [
                    (
                        share("5.."),
                        "5xx {{service}}",
                    ),
                    (
                        share("4.."),
                        "4xx {{service}}",
                    ),
                ],
                "percentunit",
            ),
            panel(
                "Searches",
                [
                    ("sum(rate(newsroom_search_results_count[5m]))", "searches"),
                    ("sum(rate(newsroom_search_zero_results_total[5m]))", "zero results"),
                    ("sum by (key_id) (rate(newsroom_rate_limited_requests_total[5m]))", "429 for key {{key_id}}"),
                ],
                "ops",
            ),
            panel("Dependencies reachable", [("min by (job, dependency) (newsroom_dependency_up)", "{{job}} → {{dependency}}")]),
        ],
    ),
    (
        "Topics and webhooks",
        [
            panel(
                "Topic matches",
                [
                    ("sum(rate(newsroom_topic_matches_total[5m]))", "new matches"),
                    ("sum(rate(newsroom_topic_match_errors_total[5m]))", "topic searches refused"),
                ],
                "ops",
                desc="New (topic, story) matches recorded by the outbox's fan-out; a refused topic search is skipped "
                "(docs/topics.md).",
            ),
            panel(
                "Matches outbox",
                [
                    ("max(newsroom_topic_outbox_entries)", "batches staged"),
                    ("max(newsroom_topic_outbox_oldest_seconds)", "oldest, seconds"),
                    ("max(newsroom_topic_outbox_dead_letters)", "dead-lettered"),
                ],
                desc="Batches of matches the indexer staged and its fan-out has not applied yet; TopicOutboxStalled fires "
                "when the oldest waits over a minute (docs/topics.md#the-matches-outbox).",
            ),
            panel(
                "Matching time per batch",
                [
                    (q95("newsroom_topic_match_duration_seconds"), "p95"),
                    (q95("newsroom_topic_match_duration_seconds", quantile=0.5), "p50"),
                    (
                        "sum by (step) (rate(newsroom_topic_match_step_seconds_sum[5m])) / ignoring (step) group_left "
                        "sum(rate(newsroom_topic_match_duration_seconds_count[5m]))",
                        "of it, {{step}}: mean",
                    ),
                ],
                "s",
                desc="Per indexed batch: the engine's refresh of the batch, its matching, the request's transport and "
                "the staging of its matches in the outbox (docs/topics.md#metrics).",
            ),
            panel(
                "Webhook deliveries",
                [("sum by (outcome) (rate(newsroom_webhook_deliveries_total[5m]))", "{{outcome}}")],
                "ops",
                desc="Attempts by outcome (docs/webhooks.md).",
            ),
            panel(
                "202 to receiver's 2xx",
                [
                    (q95("newsroom_webhook_delivery_latency_seconds", quantile=0.5), "p50"),
                    (q95("newsroom_webhook_delivery_latency_seconds", quantile=0.99), "p99"),
                ],
                "s",
                desc="From the article's 202 at ingest to the receiver's 2xx for its match.",
            ),
            panel(
                "Webhook backlog",
                [
                    ("sum by (endpoint) (newsroom_webhook_backlog)", "{{endpoint}}"),
                    ("max(newsroom_webhook_dead_letters)", "dead-lettered"),
                ],
                desc="Deliveries waiting per endpoint (a digest of its URL); WebhookBacklogGrowing fires when one keeps growing.",
            ),
        ],
    ),
    (
        "Backups",
        [
            panel(
                "Newest good snapshot",
                [("min(newsroom_snapshot_last_success_age_seconds)", "age")],
                "s",
                kind="stat",
                desc="Since the newest good Elasticsearch snapshot started; SnapshotTooOld fires past 3 h (docs/backups.md).",
            ),
            panel(
                "Snapshots kept",
                [("max(newsroom_snapshots)", "snapshots")],
                kind="stat",
                desc="Successful snapshots in the repository: SNAPSHOT_KEEP scheduled ones plus `make backup`'s.",
            ),
        ],
    ),
]


def dashboard() -> dict:
    panels, y, pid = [], 0, 1
    for title, row in ROWS:
        panels.append(
            {
                "type": "row",
                "title": title,
                "id": pid,
                "collapsed": False,
                "gridPos": {"h": 1, "w": 24, "x": 0, "y": y},
                "panels": [],
            }
        )
        pid, y = pid + 1, y + 1
        width = 24 // len(row)
        for i, p in enumerate(row):
            panels.append({**p, "id": pid, "gridPos": {"h": 8, "w": width, "x": i * width, "y": y}})
            pid += 1
        y += 8
    return {
        "uid": "newsroom-pipeline",
        "title": "Newsroom search pipeline",
        "tags": ["newsroom"],
        "timezone": "utc",
        "schemaVersion": 39,
        "version": 1,
        "refresh": "30s",
        "time": {"from": "now-3h", "to": "now"},
        "panels": panels,
    }


if __name__ == "__main__":
    OUT.write_text(json.dumps(dashboard(), indent=2, ensure_ascii=False) + "\n")
    print(f"wrote {OUT}")
