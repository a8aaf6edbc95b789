"""The thin path end to end: POST → Celery worker → Elasticsearch → search, over real HTTP."""

from __future__ import annotations

import uuid

import requests

from tests.stack import Stack, wait_until


def test_posted_article_is_queued_then_indexed_then_found(stack: Stack) -> None:
    word = f"flood{uuid.uuid4().hex[:8]}"
    answer = stack.post("/v1/articles", json={"title": f"Flood in Almaty {word}", "body": "Rivers rose overnight."})
    assert answer.status_code == 202
    accepted = answer.json()
    assert accepted["status"] == "queued"
    assert accepted["status_url"] == f"/v1/articles/{accepted['id']}"
    assert stack.wait_status(accepted["id"])["status"] == "indexed"
    hits = wait_until(lambda: stack.search(q=word).json()["hits"], 10, what="the article in search")
    assert [h["id"] for h in hits] == [accepted["id"]]
    assert hits[0]["title"] == f"Flood in Almaty {word}"


def test_same_article_twice_gets_one_id_and_one_document(stack: Stack) -> None:
    article = {"url": "https://Example.com/news/story-1/?utm_source=x", "title": "Twice sent", "body": "Same body."}
    first = stack.post("/v1/articles", json=article).json()
    second = stack.post("/v1/articles", json={**article, "url": "https://example.com/news/story-1"}).json()
    assert first["id"] == second["id"]
    stack.wait_status(first["id"])
    stack.refresh()
    count = stack.es.count(index=stack.settings.index_alias, query={"term": {"id": first["id"]}})["count"]
    assert count == 1


def test_article_view_on_search_service(stack: Stack) -> None:
    accepted = stack.post("/v1/articles", json={"title": "Article view", "body": "<p>Paragraph one.</p><p>Two</p>"}).json()
    stack.wait_status(accepted["id"])
    article = requests.get(f"{stack.search_url}/v1/articles/{accepted['id']}", timeout=10).json()
    assert article["body"] == "Paragraph one.\n\nTwo"
    assert requests.get(f"{stack.search_url}/v1/articles/nope", timeout=10).status_code == 404


def test_missing_title_and_body_is_a_400_naming_the_problem(stack: Stack) -> None:
    answer = stack.post("/v1/articles", json={"url": "https://example.com/x"})
    assert answer.status_code == 400
    assert "title or a body" in answer.json()["error"]["message"]


def test_wrong_media_type_is_415(stack: Stack) -> None:
    answer = stack.post("/v1/articles", data="title=x", headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert answer.status_code == 415
    assert answer.json()["error"]["field"] == "Content-Type"


def test_status_of_unknown_article_is_404(stack: Stack) -> None:
    assert requests.get(f"{stack.ingest_url}/v1/articles/unknown", timeout=10).status_code == 404


def test_readiness_reports_each_dependency(stack: Stack) -> None:
    for url in (stack.ingest_url, stack.search_url):
        body = requests.get(f"{url}/readyz", timeout=10).json()
        assert body == {"ready": True, "checks": {"redis": "ok", "elasticsearch": "ok"}}
