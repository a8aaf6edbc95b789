"""A partner's view: the clients openapi-python-client makes from each service's /openapi.json, imported and used
against the live services: an article and a raw page in through ingest, found through search, a bad parameter
answered with the contract's error."""

from __future__ import annotations

import importlib
import io
import uuid
from types import ModuleType
from typing import Any

import pytest

from tests.openapi_clients import Generated
from tests.stack import Stack, wait_until


def imported(client: Generated, monkeypatch: pytest.MonkeyPatch, *modules: str) -> list[ModuleType]:
    monkeypatch.syspath_prepend(str(client.folder.parent))
    return [importlib.import_module(f"{client.package}.{name}") for name in modules]


@pytest.fixture
def ingest(generated_clients: dict[str, Generated], monkeypatch: pytest.MonkeyPatch) -> Any:
    return imported(generated_clients["ingest"], monkeypatch, "client", "models", "types", "api.articles", "api.feeds")


@pytest.fixture
def search(generated_clients: dict[str, Generated], monkeypatch: pytest.MonkeyPatch) -> Any:
    return imported(generated_clients["search"], monkeypatch, "client", "models", "api.search", "api.articles")


def test_articles_go_in_and_are_found_through_the_generated_clients(stack: Stack, ingest: Any, search: Any) -> None:
    client_module, models, types, articles, _ = ingest
    word = f"partner{uuid.uuid4().hex[:10]}"
    ingest_client = client_module.Client(base_url=stack.ingest_url, raise_on_unexpected_status=True)
    from_article = importlib.import_module(f"{articles.__name__}.ingest_article")
    accepted = from_article.sync(
        client=ingest_client, body=models.ArticleIn(title=f"Partner article {word}", body=f"Sent by a generated client: {word}.")
    )
    assert isinstance(accepted, models.Accepted) and accepted.status == "queued", accepted
    page = f"<html><head><title>Raw page {word}</title></head><body><article><p>A page about {word}.</p></article></body></html>"
    from_page = importlib.import_module(f"{articles.__name__}.ingest_raw_article")
    raw = from_page.sync(
        client=ingest_client,
        body=types.File(payload=io.BytesIO(page.encode())),
        url_query=f"https://partner.example/{word}",  # the generator renames `url`, a name its functions keep
        source="Partner",
    )
    assert isinstance(raw, models.Accepted), raw
    status = importlib.import_module(f"{articles.__name__}.get_article_status")
    for article_id in (accepted.id, raw.id):
        wait_until(lambda i=article_id: status.sync(client=ingest_client, id=i).status == "indexed", 60, what="indexed")

    search_module, search_models, search_api, search_articles_api = search
    search_client = search_module.Client(base_url=stack.search_url, raise_on_unexpected_status=True)
    stack.refresh()
    found = importlib.import_module(f"{search_api.__name__}.search_articles").sync(client=search_client, q=word)
    assert isinstance(found, search_models.SearchAnswer), found
    assert {hit.id for hit in found.hits} == {accepted.id, raw.id}
    article = importlib.import_module(f"{search_articles_api.__name__}.get_article").sync(client=search_client, id=raw.id)
    assert isinstance(article, search_models.Article) and word in (article.title or ""), article


def test_a_bad_parameter_is_the_contract_error_through_the_generated_client(stack: Stack, search: Any) -> None:
    search_module, search_models, search_api, _ = search
    search_client = search_module.Client(base_url=stack.search_url)
    refused = importlib.import_module(f"{search_api.__name__}.search_articles").sync_detailed(client=search_client, size=1000)
    assert refused.status_code == 400
    assert isinstance(refused.parsed, search_models.ErrorBody) and refused.parsed.error.field == "size"


def test_feeds_through_the_generated_client(stack: Stack, ingest: Any) -> None:
    client_module, models, _, _, feeds = ingest
    ingest_client = client_module.Client(base_url=stack.ingest_url, raise_on_unexpected_status=True)
    url = f"https://feeds.example/{uuid.uuid4().hex}"
    feed = importlib.import_module(f"{feeds.__name__}.subscribe_feed").sync(client=ingest_client, body=models.FeedIn(url=url))
    assert isinstance(feed, models.Feed) and feed.url == url, feed
    listed = importlib.import_module(f"{feeds.__name__}.list_feeds").sync(client=ingest_client)
    assert feed.id in {item.id for item in listed.items}
    gone = importlib.import_module(f"{feeds.__name__}.unsubscribe_feed").sync_detailed(client=ingest_client, id=feed.id)
    assert gone.status_code == 204
