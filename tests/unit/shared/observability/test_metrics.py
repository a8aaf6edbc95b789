"""The operators' files agree with the code: every metric an alert or a dashboard panel names is one the
services export, the provisioned dashboard is the one its generator writes, Prometheus and Grafana run
under the compose profile `ops` on loopback; and the pure helpers of the metrics module."""

from __future__ import annotations

import json
import re
import runpy
from pathlib import Path

import yaml
from flask import Response
from prometheus_client.metrics import MetricWrapperBase

from shared.observability import metrics, queue_metrics
from shared.observability.metrics import article_outcomes, reason_class

ROOT = Path(__file__).resolve().parents[4]
DASHBOARD = ROOT / "infra" / "grafana" / "dashboards" / "newsroom-pipeline.json"
_NAME = re.compile(r"\bnewsroom_[a-z_]+")
COLLECTORS = (
    "shared/observability/queue_metrics.py",
    "shared/es/snapshot_metrics.py",
    "shared/consumer/progress.py",
    "shared/webhooks/metrics.py",
    "shared/topics/outbox.py",
)


def exported_names() -> set[str]:
    names = {m._name for m in vars(metrics).values() if isinstance(m, MetricWrapperBase)}
    for collector in COLLECTORS:  # metrics read at scrape time or kept outside this module, named in their code
        names |= set(_NAME.findall((ROOT / collector).read_text()))
    return names | {n.removesuffix("_total") for n in names}


def referenced(text: str) -> set[str]:
    found = set()
    for name in _NAME.findall(text):
        for suffix in ("_bucket", "_count", "_sum", "_total"):
            name = name.removesuffix(suffix)
        found.add(name)
    return found


def dashboard_exprs() -> list[str]:
    panels = json.loads(DASHBOARD.read_text())["panels"]
    return [t["expr"] for p in panels for t in p.get("targets", [])]


def test_alerts_and_dashboard_name_only_exported_metrics() -> None:
    known = exported_names()
    alerts = (ROOT / "infra" / "prometheus" / "alerts.yml").read_text()
    assert referenced(alerts) - known == set()
    assert referenced("\n".join(dashboard_exprs())) - known == set()


def test_dashboard_json_is_what_its_generator_writes() -> None:
    generated = runpy.run_path(str(ROOT / "infra" / "grafana" / "dashboard.py"))["dashboard"]()
    assert json.loads(DASHBOARD.read_text()) == generated


def test_dashboard_shows_what_operators_need() -> None:
    text = "\n".join(dashboard_exprs())
    for metric in (
        "newsroom_queue_messages",  # queue depth
        "newsroom_ingest_articles_total",  # throughput in
        "newsroom_articles_indexed_total",  # throughput out
        "newsroom_task_stage_duration_seconds",  # task latency
        "newsroom_accepted_to_searchable_seconds",  # freshness
        "newsroom_articles_dead_lettered_total",  # failures
        "newsroom_dead_letters",
        "newsroom_http_request_duration_seconds",  # search latency
        'status=~"5.."',  # error rate
    ):
        assert metric in text, metric


def test_prometheus_and_grafana_run_under_the_ops_profile_on_loopback() -> None:
    services = yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]
    for name in ("prometheus", "grafana"):
        assert services[name]["profiles"] == ["ops"]
        assert all(str(p).startswith("127.0.0.1:") for p in services[name]["ports"])
        for volume in services[name]["volumes"]:
            source = volume.split(":")[0]
            if source.startswith("./"):
                assert (ROOT / source).exists(), source
    for name in ("ingest", "search", "worker"):
        assert services[name]["environment"]["PROMETHEUS_MULTIPROC_DIR"]


def test_dead_letter_reasons_become_a_bounded_label() -> None:
    assert reason_class("poison: its processing killed or hung the worker 3 times") == "poison"
    assert reason_class("index: 400 mapper_parsing_exception") == "index"
    assert reason_class("Normalize: ValueError: bad") == "normalize"
    assert reason_class("something https://example.com/a:b") == "other"


def test_ingest_answers_become_accepted_and_rejected_counts() -> None:
    batch = {"items": [{"id": "a", "status": "queued"}, {"error": {"code": "invalid_field", "message": "m", "field": "x"}}]}
    assert article_outcomes(Response(json.dumps(batch), 202, mimetype="application/json")) == [
        ("accepted", "queued"),
        ("rejected", "invalid_field"),
    ]
    too_big = {"error": {"code": "request_entity_too_large", "message": "m", "field": None}}
    assert article_outcomes(Response(json.dumps(too_big), 413, mimetype="application/json")) == [
        ("rejected", "request_entity_too_large")
    ]
    assert article_outcomes(Response("oops", 500, mimetype="text/plain")) == [("rejected", "http_500")]


def test_oldest_message_age_is_read_from_the_queued_payload() -> None:
    import base64

    body = base64.b64encode(json.dumps([[{"id": "x", "accepted_at": "2024-01-01T00:00:00.000Z"}], {}, {}]).encode())
    raw = json.dumps({"body": body.decode(), "headers": {}})
    assert queue_metrics.message_accepted_at(raw) == 1704067200.0
    assert queue_metrics.message_accepted_at(None) is None
    assert queue_metrics.message_accepted_at("not json") is None
