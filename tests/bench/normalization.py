"""Normalization alone, in this process: pages per CPU-second (= per core) for HTML and text pages, next
to plain trafilatura (`trafilatura.extract` with metadata: title, date, site) on the same HTML pages."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from typing import Any

import trafilatura

from shared.articles.ids import article_id
from shared.extraction.pipeline import normalize
from tests.bench.articles import Article, as_html, as_json, as_text


def _pages_per_cpu_s(work: Callable[[Any], Any], items: list[Any], repeats: int) -> float:
    for item in items[: max(3, len(items) // 10)]:  # warm-up: imports, caches, dateparser's first parse
        work(item)
    runs = []
    for _ in range(repeats):
        t0 = time.process_time()
        for item in items:
            work(item)
        runs.append(len(items) / (time.process_time() - t0))
    return statistics.median(runs)


def raw_payload(a: Article, content_type: str, content: str) -> dict[str, Any]:
    return {
        "id": article_id(a.url, None, content),
        "kind": "raw",
        "content_type": content_type,
        "content": content,
        "url": a.url,
        "source": None,
        "accepted_at": "2026-11-01T00:00:00+00:00",
    }


def json_payload(a: Article) -> dict[str, Any]:
    return {
        "id": article_id(a.url, a.title, a.body),
        "kind": "article",
        "article": as_json(a),
        "accepted_at": "2026-11-01T00:00:00+00:00",
    }


def normalization(articles: list[Article], repeats: int) -> dict[str, Any]:
    html = [raw_payload(a, "text/html", as_html(a)) for a in articles]
    text = [raw_payload(a, "text/plain", as_text(a)) for a in articles]
    json = [json_payload(a) for a in articles]
    out = {
        "pages": len(articles),
        "html_pages_per_core_s": _pages_per_cpu_s(normalize, html, repeats),
        "text_pages_per_core_s": _pages_per_cpu_s(normalize, text, repeats),
        "json_articles_per_core_s": _pages_per_cpu_s(normalize, json, repeats),
        "trafilatura_html_pages_per_core_s": _pages_per_cpu_s(
            lambda p: trafilatura.extract(p["content"], url=p["url"], with_metadata=True), html, repeats
        ),
    }
    out = {k: round(v, 1) if isinstance(v, float) else v for k, v in out.items()}
    out["html_ratio_to_trafilatura"] = round(out["html_pages_per_core_s"] / out["trafilatura_html_pages_per_core_s"], 2)
    return out
