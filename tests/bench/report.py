# ruff: noqa: RUF001 - the multiplication sign in ratios is meant
"""The results as a markdown table (what the README shows) and PNG curves (matplotlib, no display)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt


def _cpu(phase: dict[str, Any]) -> str:
    cpu = phase.get("cpu", {})
    used = ", ".join(f"{k} {v:g}s" for k, v in cpu.get("cpu_s", {}).items() if v >= 0.05)
    return f"{cpu.get('wall_s', 0):g}s wall; CPU {used}" if cpu else ""


def table(r: dict[str, Any]) -> str:
    eng, norm, fresh = r["engine"], r["normalization"], r["freshness"]
    j, h = r["ingest_json"], r["ingest_html"]
    rows = [
        ("1. Engine bulk limit (direct to ES)", f"{eng['docs_per_s']:g} docs/s", eng["best"], "—", _cpu(eng)),
        (
            "1b. Direct to ES, one document per request",
            f"{eng['one_doc_per_request_docs_per_s']:g} docs/s",
            "2 clients, refresh 1s: one article per request, as before the indexer",
            f"{eng['one_doc_per_request_docs_per_s'] / eng['docs_per_s']:.2f} of (1)",
            "",
        ),
        (
            "2a. End-to-end JSON (batches of 100)",
            f"{j['articles_per_s']:g} articles/s",
            f"runs {j['runs_articles_per_s']}",
            f"{j['ratio_to_engine']:g} of (1) (target ≥ 0.6)",
            _cpu(j),
        ),
        (
            "2b. End-to-end HTML pages",
            f"{h['articles_per_s']:g} pages/s",
            f"runs {h['runs_articles_per_s']}",
            f"{h['ratio_to_engine']:g} of (1); {h['ratio_to_normalization']:g} of 2 cores × (5a)",
            _cpu(h),
        ),
        (
            "3. Freshness, 202 → searchable",
            f"p50 {fresh['p50_s']:g}s, p95 {fresh['p95_s']:g}s, p99 {fresh['p99_s']:g}s",
            f"{fresh['rate_sent']:g}/s in POSTs of {fresh.get('articles_per_post', 1)} ({fresh['articles']} articles)",
            "target p50 ≤ 1.5s, p99 ≤ 5s",
            _cpu(fresh),
        ),
    ]
    for s in r["search"]:
        rows.append(
            (
                f"4. Search, {s['clients']} client(s), {r['search_index_docs']:,} docs",
                f"p50 {s['service_p50_ms']:g} ms, p99 {s['service_p99_ms']:g} ms",
                f"direct ES p50 {s['direct_p50_ms']:g} ms, p99 {s['direct_p99_ms']:g} ms; {s['requests']} requests each"
                + (f", errors {s['service_errors']}/{s['direct_errors']}" if s["service_errors"] or s["direct_errors"] else "")
                + (
                    f"; ES open search contexts after: {s['es_open_search_contexts_after']}"
                    if "es_open_search_contexts_after" in s
                    else ""
                ),
                f"×{s['ratio_p50']:g} p50, ×{s['ratio_p99']:g} p99 (target ≤ 1.3, ≤ 2)",
                _cpu(s),
            )
        )
    for s in r.get("search_sync", []):
        rows.append(
            (
                f"4t. Search, gunicorn sync 2 workers (the gthread 2×8 above is shipped), {s['clients']} clients",
                f"p50 {s['service_p50_ms']:g} ms, p99 {s['service_p99_ms']:g} ms",
                f"direct ES p50 {s['direct_p50_ms']:g} ms, p99 {s['direct_p99_ms']:g} ms (same moment)",
                f"×{s['ratio_p50']:g} p50, ×{s['ratio_p99']:g} p99",
                _cpu(s),
            )
        )
    rows += [
        (
            "5a. Normalization, HTML pages",
            f"{norm['html_pages_per_core_s']:g} pages/s/core",
            f"trafilatura.extract {norm['trafilatura_html_pages_per_core_s']:g}/s/core",
            f"{norm['html_ratio_to_trafilatura']:g} of trafilatura (target ≥ 0.9)",
            "",
        ),
        ("5b. Normalization, text pages", f"{norm['text_pages_per_core_s']:g} pages/s/core", "", "", ""),
        ("5c. Normalization, JSON articles", f"{norm['json_articles_per_core_s']:g} articles/s/core", "", "", ""),
    ]
    last = r["scale"][-1]
    rows.append(
        (
            "6. Scale (direct bulk)",
            f"{last['kb_per_1000']:g} kB per 1,000 articles at {last['articles']:,}",
            f"{r['scale'][0]['docs_per_s']:g} → {last['docs_per_s']:g} docs/s",
            "curve: scale.png",
            "",
        )
    )
    rows += _topic_rows(r.get("topics"))
    lines = ["| measurement | result | detail | ratio / target | wall time and CPU by side |", "|---|---|---|---|---|"]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def _topic_rows(t: dict[str, Any] | None) -> list[tuple[str, ...]]:
    """7. Topics (tests/bench/topics.py; every figure in topics.md): the most topics measured, and the delivery run."""
    if not t:
        return []
    most, none = t["levels"][-1], t["levels"][0]
    rows = [
        (
            f"7a. End-to-end JSON with {most['topics']:,} topics",
            f"{most['articles_per_s']:g} articles/s",
            f"0 topics {none['articles_per_s']:g}/s; matching {most['match_ms_per_batch']:g} ms per batch, "
            f"{most['matches_per_article']:g} matches per article",
            f"{most['ratio_to_no_topics']:g} of 0 topics; {most['ratio_to_engine']:g} of (1)",
            _cpu(most),
        )
    ]
    lat = t.get("latency")
    if lat:
        rows.append(
            (
                f"7b. Webhook delivery, 202 → received ({lat['topics']:,} topics)",
                f"p50 {lat['p50_s']:g}s, p90 {lat['p90_s']:g}s, p99 {lat['p99_s']:g}s",
                f"{lat['delivered']} of {lat['expected']} delivered, {lat['duplicates']} duplicates; {lat['rate_sent']:g}/s",
                "target p50 ≤ 2s, p99 ≤ 5s",
                "",
            )
        )
    return rows


def markdown(r: dict[str, Any]) -> str:
    meta = r["meta"]
    return "\n".join(
        [
            f"# Benchmark results ({meta['mode']} run)",
            "",
            f"Run {meta['started']} → {meta['finished']} UTC on {meta['cpus']} cores, seed {meta['seed']}; "
            f"load average (1 min) at start {meta['load_start']:g}, at end {meta['load_end']:g}. "
            f"Elasticsearch and Redis are shared with other work on the machine; their CPU figures include it.",
            f"Command: `{meta['command']}`" + (f" (services ran with {meta['service_env']})" if meta.get("service_env") else ""),
            "",
            table(r),
            "",
            "![scale and search curves](scale.png)",
            "",
        ]
    )


def draw(r: dict[str, Any], path: Path) -> None:
    fig, axes = plt.subplots(1, 3, figsize=(15, 4.2))
    pts = r["scale"]
    x = [p["articles"] for p in pts]
    axes[0].plot(x, [p["docs_per_s"] for p in pts], marker="o")
    axes[0].set(title="Direct bulk rate as the index grows", xlabel="articles in index", ylabel="docs/s")
    axes[0].set_ylim(bottom=0)
    axes[1].plot(x, [p["kb_per_1000"] for p in pts], marker="o", color="tab:green")
    axes[1].set(title="Index size per 1,000 articles", xlabel="articles in index", ylabel="kB / 1,000 articles")
    axes[1].set_ylim(bottom=0)
    clients = [s["clients"] for s in r["search"]]
    for key, style, label in (
        ("service_p50_ms", "-o", "/v1/search p50"),
        ("service_p99_ms", "-s", "/v1/search p99"),
        ("direct_p50_ms", "--o", "direct ES p50"),
        ("direct_p99_ms", "--s", "direct ES p99"),
    ):
        axes[2].plot(clients, [s[key] for s in r["search"]], style, label=label)
    axes[2].set(title=f"Search latency, {r['search_index_docs']:,} articles", xlabel="concurrent clients", ylabel="ms")
    axes[2].set_xscale("log", base=2)
    axes[2].legend()
    fig.tight_layout()
    fig.savefig(path, dpi=90)
    plt.close(fig)
