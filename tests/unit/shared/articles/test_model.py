"""IPTC ninjs 1.x and 2.x objects map onto the contract's article fields."""

from __future__ import annotations

from shared.articles.model import ArticleIn, looks_like_ninjs, ninjs_to_article

NINJS_1 = {
    "uri": "https://example.com/2023/10/17/statement",
    "type": "text",
    "headline": "Ministry issues statement",
    "description_text": "A short summary",
    "body_html": "<p>ASTANA - The ministry said...</p>",
    "versioncreated": "2023-10-17T10:00:00+06:00",
    "located": "Astana, Kazakhstan",
    "byline": "Jane Doe",
    "language": "en",
    "subject": [{"name": "politics", "code": "medtop:11000000"}],
    "keywords": ["diplomacy"],
    "copyrightholder": "Qazmonitor",
}
NINJS_2 = {
    "uri": "urn:newsml:example.com:20231017:abc",
    "headlines": [{"value": "Sub line", "role": "sub"}, {"value": "Main line", "role": "main"}],
    "bodies": [{"value": "Plain body", "contenttype": "text/plain"}],
    "firstcreated": "2023-10-17T08:00:00Z",
    "subjects": [{"name": "economy"}],
    "infosources": [{"name": "Agency"}],
    "by": "A. Writer",
}


def test_ninjs_1_fields() -> None:
    article = ArticleIn.model_validate(ninjs_to_article(NINJS_1))
    assert article.url == NINJS_1["uri"]
    assert article.title == "Ministry issues statement"
    assert article.subtitle == "A short summary"
    assert article.body == "<p>ASTANA - The ministry said...</p>"
    assert article.published_at == "2023-10-17T10:00:00+06:00"
    assert article.location == "Astana, Kazakhstan"
    assert article.source == "Qazmonitor"
    assert article.authors == ["Jane Doe"]
    assert article.tags == ["diplomacy", "politics"]


def test_ninjs_2_fields() -> None:
    article = ArticleIn.model_validate(ninjs_to_article(NINJS_2))
    assert article.url is None  # a URN is an identifier, not a link
    assert (article.title, article.subtitle, article.body) == ("Main line", "Sub line", "Plain body")
    assert article.source == "Agency"
    assert article.tags == ["economy"]
    assert article.authors == ["A. Writer"]


def test_recognised_by_its_fields_only() -> None:
    assert looks_like_ninjs(NINJS_1) and looks_like_ninjs(NINJS_2)
    assert not looks_like_ninjs({"title": "x", "body": "y", "uri": "z"})
    assert not looks_like_ninjs({"url": "https://x", "body": "y"})


def test_wrong_types_are_left_for_validation() -> None:
    assert ninjs_to_article({"headlines": 5, "bodies": "x", "keywords": "one"}) == {"authors": [], "tags": ["one"]}
