"""What the indexer does with each item of a bulk answer: stored, superseded (409), tried again (a transient status,
shared/delivery/retry.py) or refused; the answer is Elasticsearch's own format, read by its bulk helper."""

from __future__ import annotations

from typing import Any

import pytest
from elastic_transport import ApiResponseMeta, HttpHeaders, NodeConfig, ObjectApiResponse
from elasticsearch import Elasticsearch

from shared.articles.model import NormalizedArticle
from shared.es.indexer import bulk_index_documents, indexed_source, to_document


def item(doc_id: str, status: int, error: str | None = None) -> dict[str, Any]:
    answer: dict[str, Any] = {"_index": "news-articles-1", "_id": doc_id, "status": status}
    if error:
        answer["error"] = {"type": error, "reason": f"{error} on {doc_id}"}
    return {"index": answer}


ITEMS = [
    item("stored", 201),
    item("older", 409, "version_conflict_engine_exception"),
    item("queue-full", 429, "es_rejected_execution_exception"),
    item("no-primary", 503, "unavailable_shards_exception"),
    item("node-left", 500, "node_closed_exception"),
    item("bad-date", 400, "document_parsing_exception"),
    item("not-implemented", 501, "unsupported_operation_exception"),
]


@pytest.fixture
def answered(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """Every bulk request answered with ITEMS, as a node would; the operations sent are kept."""
    sent: list[dict[str, Any]] = []

    def bulk(self: Elasticsearch, **kwargs: Any) -> ObjectApiResponse[Any]:
        sent.append(kwargs)
        meta = ApiResponseMeta(200, "1.1", HttpHeaders(), 0.01, NodeConfig("http", "localhost", 9200))
        return ObjectApiResponse(body={"took": 3, "errors": True, "items": ITEMS}, meta=meta)

    monkeypatch.setattr(Elasticsearch, "bulk", bulk)
    return sent


def test_each_bulk_item_is_settled_by_the_one_transient_policy(answered: list[dict[str, Any]]) -> None:
    documents = [{"id": entry["index"]["_id"], "title": "t"} for entry in ITEMS]
    outcome = bulk_index_documents(Elasticsearch("http://127.0.0.1:9"), "news-articles", documents, {"older": 5})
    assert outcome.stored == ["stored"]
    assert outcome.superseded == ["older"]
    assert sorted(outcome.retryable) == ["no-primary", "node-left", "queue-full"]
    assert outcome.retryable["queue-full"].startswith("429 es_rejected_execution_exception")
    assert sorted(outcome.rejected) == ["bad-date", "not-implemented"]  # a 501 would fail again: not retried
    assert len(answered) == 1  # one request for the batch


def test_search_fields_are_made_as_the_document_is_written_after_the_duplicate_check() -> None:
    handed_over = to_document(NormalizedArticle(id="a", title="Floods in Almaty", body="Rivers rose.", language="en"))
    assert "lang" not in handed_over and "title_suggest" not in handed_over  # each text crosses Redis once
    stored = indexed_source(handed_over)
    assert stored["lang"] == {"english": {"title": "Floods in Almaty", "body": "Rivers rose."}}
    assert stored["title_suggest"][0] == "Floods in Almaty"
    assert "title_suggest" not in indexed_source(handed_over | {"duplicate_of": "b"})  # its original is suggested
