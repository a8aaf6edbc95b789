"""What the indexer does with each item of a bulk answer: stored, superseded (409), tried again (a transient status,
shared/delivery/retry.py) or refused; the answer is Elasticsearch's own format, read by its bulk helper."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import pytest
from elastic_transport import ApiResponseMeta, HttpHeaders, NodeConfig, ObjectApiResponse
from elasticsearch import Elasticsearch

from shared.articles.model import NormalizedArticle
from shared.es import suggestions
from shared.es.indexer import bulk_index_documents, indexed_source, to_document

STATUSES = {  # an article's id: what the node answers for it, with the error's type
    "stored": (201, None),
    "older": (409, "version_conflict_engine_exception"),
    "queue-full": (429, "es_rejected_execution_exception"),
    "no-primary": (503, "unavailable_shards_exception"),
    "node-left": (500, "node_closed_exception"),
    "bad-date": (400, "document_parsing_exception"),
    "not-implemented": (501, "unsupported_operation_exception"),
}


def item(operation: dict[str, Any], statuses: dict[str, tuple[int, str | None]]) -> dict[str, Any]:
    """The node's answer to one operation, in its own format."""
    ((kind, target),) = operation.items()
    status, error = statuses.get(target["_id"], (201, None))
    answer: dict[str, Any] = {"_index": target["_index"], "_id": target["_id"], "status": status}
    if error:
        answer["error"] = {"type": error, "reason": f"{error} on {target['_id']}"}
    return {kind: answer}


@dataclass
class Node:
    """Answers each bulk request item by item: an article by `articles`, a suggestion by `suggestions` (201 for an id
    not there); keeps the operations sent."""

    articles: dict[str, tuple[int, str | None]] = field(default_factory=lambda: dict(STATUSES))
    suggestions: dict[str, tuple[int, str | None]] = field(default_factory=dict)
    sent: list[list[dict[str, Any]]] = field(default_factory=list)

    def bulk(self, es: Elasticsearch, **kwargs: Any) -> ObjectApiResponse[Any]:
        lines = [json.loads(line) for line in kwargs["operations"]]
        operations = [line for line in lines if set(line) <= {"index", "delete"} and "_id" in next(iter(line.values()))]
        self.sent.append(lines)
        items = []
        for operation in operations:
            target = next(iter(operation.values()))
            table = self.suggestions if target["_index"].endswith("-suggest") else self.articles
            items.append(item(operation, table))
        meta = ApiResponseMeta(200, "1.1", HttpHeaders(), 0.01, NodeConfig("http", "localhost", 9200))
        return ObjectApiResponse(body={"took": 3, "errors": True, "items": items}, meta=meta)


@pytest.fixture
def node(monkeypatch: pytest.MonkeyPatch) -> Node:
    answering = Node()
    monkeypatch.setattr(Elasticsearch, "bulk", lambda es, **kwargs: answering.bulk(es, **kwargs))
    monkeypatch.setattr(suggestions, "kept_for", lambda es, alias: True)  # setup made the suggestions' index
    return answering


def test_each_bulk_item_is_settled_by_the_one_transient_policy(node: Node) -> None:
    documents = [{"id": doc_id, "title": "t"} for doc_id in STATUSES]
    outcome = bulk_index_documents(Elasticsearch("http://127.0.0.1:9"), "news-articles", documents, {"older": 5})
    assert outcome.stored == ["stored"]
    assert outcome.superseded == ["older"]
    assert sorted(outcome.retryable) == ["no-primary", "node-left", "queue-full"]
    assert outcome.retryable["queue-full"].startswith("429 es_rejected_execution_exception")
    assert sorted(outcome.rejected) == ["bad-date", "not-implemented"]  # a 501 would fail again: not retried
    assert len(node.sent[0]) == 4 * len(STATUSES)  # one request for the batch, each article with its suggestion
    taken_back = {line["delete"]["_id"] for line in node.sent[1]}  # suggestions written for articles not stored
    assert taken_back == {"queue-full", "no-primary", "node-left", "bad-date", "not-implemented"}


def test_search_fields_are_made_as_the_document_is_written_after_the_duplicate_check() -> None:
    handed_over = to_document(NormalizedArticle(id="a", title="Floods in Almaty", body="Rivers rose.", language="en"))
    assert "lang" not in handed_over and "title_suggest" not in handed_over  # each text crosses Redis once
    stored = indexed_source(handed_over)
    assert stored["lang"] == {"english": {"title": "Floods in Almaty", "body": "Rivers rose."}}
    assert "title_suggest" not in stored  # completions have their own index (shared/es/suggestions.py)


def test_an_article_s_suggestion_is_written_beside_it_with_its_version_and_a_duplicate_s_is_deleted(node: Node) -> None:
    original = {"id": "a", "title": "Floods in Almaty", "location": {"city": "Almaty", "country_code": "KZ"}}
    duplicate = {"id": "b", "title": "Floods in Almaty", "duplicate_of": "a"}
    bulk_index_documents(Elasticsearch("http://127.0.0.1:9"), "news", [original, duplicate], {"a": 7, "b": 8})
    lines = node.sent[0]
    assert lines[0] == {"index": {"_index": "news", "_id": "a", "version": 7, "version_type": "external_gte"}}
    assert lines[2] == {"index": {"_index": "news-suggest", "_id": "a", "version": 7, "version_type": "external_gte"}}
    assert lines[3]["title_suggest"][0] == "Floods in Almaty" and lines[3]["place_suggest"] == ["Almaty"]
    assert lines[3]["location"] == {"city": "Almaty", "country_code": "KZ"}
    assert "title_suggest" not in lines[1]
    # A duplicate is never suggested, even one whose id was an original before (its original is suggested).
    assert lines[6] == {"delete": {"_index": "news-suggest", "_id": "b", "version": 8, "version_type": "external_gte"}}


def test_a_suggestion_refused_for_a_while_writes_its_article_again_and_one_refused_for_good_leaves_it_stored(
    node: Node,
) -> None:
    node.articles = {}
    node.suggestions = {"busy": (429, "es_rejected_execution_exception"), "odd": (400, "illegal_argument_exception")}
    documents = [{"id": doc_id, "title": "t"} for doc_id in ("fine", "busy", "odd")]
    outcome = bulk_index_documents(Elasticsearch("http://127.0.0.1:9"), "news", documents)
    assert outcome.stored == ["fine", "odd"]
    assert list(outcome.retryable) == ["busy"] and outcome.retryable["busy"].startswith("suggestion: 429")
    assert list(outcome.unsuggested) == ["odd"] and not outcome.rejected


def test_the_suggestion_of_an_article_that_was_not_stored_is_taken_back(node: Node) -> None:
    node.articles = {"bad": (400, "document_parsing_exception"), "busy": (429, "es_rejected_execution_exception")}
    documents = [{"id": doc_id, "title": "t"} for doc_id in ("fine", "bad", "busy")]
    outcome = bulk_index_documents(Elasticsearch("http://127.0.0.1:9"), "news", documents, {"bad": 5})
    assert outcome.stored == ["fine"] and list(outcome.rejected) == ["bad"] and list(outcome.retryable) == ["busy"]
    assert len(node.sent) == 2  # the batch, then the suggestions that lead nowhere deleted
    assert node.sent[1] == [
        {"delete": {"_index": "news-suggest", "_id": "bad", "version": 5, "version_type": "external_gte"}},
        {"delete": {"_index": "news-suggest", "_id": "busy"}},
    ]
