"""What the ingest API takes and answers, as typed models: with `ArticleIn` and `FeedIn` (the models that check an
article and a feed) they are the OpenAPI document's bodies and answers. The readers in bodies.py and the views keep
checking what a model cannot say: media type, size, nesting, a batch's size, each item on its own."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, RootModel

from shared.articles.limits import MAX_SHORT, unstorable
from shared.articles.model import ArticleIn
from shared.web.openapi import ErrorBody, ErrorDetail, QueryModel, Says, refuse


class NinjsArticle(BaseModel):
    """An IPTC ninjs 1.x or 2.x object (uri, headline/headlines, body_html/body_text/bodies, ...)."""

    model_config = ConfigDict(extra="allow")

    uri: str | None = None
    headline: str | None = None
    body_text: str | None = None
    body_html: str | None = None
    firstcreated: str | None = None
    versioncreated: str | None = None
    language: str | None = None


class ArticleBatch(BaseModel):
    """Up to MAX_BATCH_ITEMS (1,000) articles, answered item by item in input order."""

    articles: list[ArticleIn] = Field(min_length=1)


class NinjsBatch(BaseModel):
    """Up to MAX_BATCH_ITEMS (1,000) ninjs objects, answered item by item in input order."""

    articles: list[NinjsArticle] = Field(min_length=1)


class Accepted(BaseModel):
    id: str
    status: Literal["queued"]
    status_url: str
    previous_status: str | None = Field(None, description="present when the service already knew this article")


class BatchItem(BaseModel):
    """One item of a batch: accepted (`id`, `status`, `status_url`) or rejected (`error`)."""

    id: str | None = None
    status: Literal["queued"] | None = None
    status_url: str | None = None
    previous_status: str | None = None
    error: ErrorDetail | None = None


class BatchAnswer(BaseModel):
    items: list[BatchItem]


class ArticlesAccepted(RootModel[Accepted | BatchAnswer]):
    """One article's answer, or a batch's item by item."""


class ArticlesRefused(RootModel[ErrorBody | BatchAnswer]):
    """An invalid article, or a batch of which no item was accepted (each item's error)."""


def _page_origin(name: str) -> list[object]:
    """`url` or `source` of a raw page: absent when blank, at most MAX_SHORT characters the system can store."""

    def storable(value: str) -> str:
        problem = unstorable(value)
        if problem:
            raise refuse(f"{name} {problem}")
        return value

    return [
        BeforeValidator(lambda value: value or None),
        Says(f"{name} is longer than {MAX_SHORT} characters"),
        AfterValidator(lambda value: value if value is None else storable(value)),
    ]


class RawPageQuery(QueryModel):
    """`POST /v1/articles/raw`: where the page comes from, when the sender knows."""

    url: Annotated[str | None, Field(max_length=MAX_SHORT, description="The page's address."), *_page_origin("url")] = None
    source: Annotated[str | None, Field(max_length=MAX_SHORT, description="The publisher's name."), *_page_origin("source")] = (
        None
    )


class Status(BaseModel):
    id: str
    status: Literal["queued", "processing", "indexed", "duplicate", "failed"]
    error: str | None
    updated_at: str
    duplicate_of: str | None = Field(None, description="the article this one duplicates")


class Feed(BaseModel):
    id: str
    url: str
    owner: str | None = Field(None, description="the name of the API key that subscribed it (null without keys)")
    interval_s: int
    source: str | None = None
    fetch_pages: bool = False
    created_at: str | None = None
    last_poll_at: str | None = None
    last_success_at: str | None = None
    last_status: Literal["new", "ok", "not_modified", "error"]
    last_error: str | None = None
    failures: int = Field(0, description="failed polls in a row")
    failing: bool = Field(description="FEED_FAILING_AFTER failed polls in a row or more")
    polls: int = 0
    items_seen: int = Field(description="entries queued as articles so far")
    next_poll_at: str | None = None
    etag: str | None = None
    last_modified: str | None = None


class Feeds(BaseModel):
    total: int
    items: list[Feed]


class PollQueued(BaseModel):
    id: str
    status: Literal["poll_queued"]


class DeadLetter(BaseModel):
    id: str = Field(description="the article's id")
    reason: str
    attempts: int
    failed_at: str


class DeadLetterList(BaseModel):
    total: int
    items: list[DeadLetter]
