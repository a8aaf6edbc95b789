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


def _side_by_side(works: list[Callable[[Any], Any]], items: list[Any], repeats: int) -> list[float]:
    """Pages per CPU-second of each work, timed page by page in turns: a machine whose speed drifts during the run
    (this one is shared) slows both alike, so their ratio holds where two runs one after the other did not."""
    for item in items[: max(3, len(items) // 10)]:
        for work in works:
            work(item)
    spent = [0.0] * len(works)
    for _ in range(repeats):
        for item in items:
            for n, work in enumerate(works):
                t0 = time.process_time()
                work(item)
                spent[n] += time.process_time() - t0
    return [repeats * len(items) / s for s in spent]


def _plain_trafilatura(payload: dict[str, Any]) -> Any:
    return trafilatura.extract(payload["content"], url=payload["url"], with_metadata=True)


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
    ours_html, plain_html = _side_by_side([normalize, _plain_trafilatura], html, repeats)
    out = {
        "pages": len(articles),
        "html_pages_per_core_s": ours_html,
        "text_pages_per_core_s": _pages_per_cpu_s(normalize, text, repeats),
        "json_articles_per_core_s": _pages_per_cpu_s(normalize, json, repeats),
        "trafilatura_html_pages_per_core_s": plain_html,
    }
    out = {k: round(v, 1) if isinstance(v, float) else v for k, v in out.items()}
    out["html_ratio_to_trafilatura"] = round(out["html_pages_per_core_s"] / out["trafilatura_html_pages_per_core_s"], 2)
    return out
