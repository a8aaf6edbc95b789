"""Index the corpus into a namespace of its own and run every judged query as the search service does.

Each query's request is `shared.es.queries.search_body(SearchParams(q=..., size=10, recency_decay=False))`: the
service's ranking (services/search/params.py builds the same SearchParams, with no filters for a bare `q`) with
the recency factor off, so that the corpus's publication dates cannot move an article up or down.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

from elasticsearch import Elasticsearch

from shared.es.client import make_client
from shared.es.index import drop_namespace, ensure_index
from shared.es.indexer import bulk_index_documents, to_document
from shared.es.queries import SearchParams, search_body
from shared.settings import Settings
from tests.relevance.corpus import corpus, fingerprint
from tests.relevance.metrics import K, Scored

JUDGEMENTS = Path(__file__).with_name("judgements.json")
Progress = Callable[[str], None]


def load(path: Path = JUDGEMENTS) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return loaded


def fill(es: Elasticsearch, alias: str, progress: Progress) -> int:
    """The corpus, through the indexer's own `to_document`, in one bulk; refreshed. Returns the article count."""
    articles = corpus()
    judged = load()["corpus"]["fingerprint"]
    if fingerprint(articles) != judged:
        raise RuntimeError(
            f"the corpus is not the one judged ({fingerprint(articles)} != {judged}): the generator or a data set "
            "changed; re-read the judgements and run `python -m tests.relevance.make_judgements`"
        )
    progress(f"indexing {len(articles)} articles")
    outcome = bulk_index_documents(es, alias, [to_document(a) for a in articles])
    if outcome.rejected or outcome.retryable:
        raise RuntimeError(f"articles refused by the index: {dict(list({**outcome.rejected, **outcome.retryable}.items())[:3])}")
    es.indices.refresh(index=alias)
    return len(articles)


def ranked(es: Elasticsearch, alias: str, q: str) -> list[str]:
    body = search_body(SearchParams(q=q, size=K, recency_decay=False))
    body.pop("aggs")  # facets do not change the ranking; leaving them out only saves time
    return [hit["_id"] for hit in es.search(index=alias, body=body)["hits"]["hits"]]


def run(progress: Progress = lambda _: None, settings: Settings | None = None) -> tuple[list[Scored], int]:
    """Every judged query scored on a fresh index, dropped afterwards; and the corpus size."""
    settings = settings or Settings(namespace=f"relevance-{uuid.uuid4().hex[:8]}")
    es = make_client(settings)
    alias = settings.index_alias
    drop_namespace(es, alias)
    ensure_index(es, settings)
    try:
        articles = fill(es, alias, progress)
        queries = load()["queries"]
        scored = []
        for n, query in enumerate(queries, 1):
            progress(f"query {n}/{len(queries)}")
            item = Scored(query["id"], query["q"], query["category"], query["language"], query["relevant"])
            item.hits = ranked(es, alias, query["q"])
            scored.append(item)
        return scored, articles
    finally:
        drop_namespace(es, alias)
