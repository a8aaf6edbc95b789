"""The entry point: payload kinds, charsets, what raises (only an unreadable payload) and what does not."""

from __future__ import annotations

import pytest

from shared.extraction.charset import decode_page
from shared.extraction.pipeline import UnparseablePayload, normalize
from shared.extraction.titles import strip_site_name


def test_an_unreadable_payload_raises_a_clear_error() -> None:
    with pytest.raises(UnparseablePayload):
        normalize({"kind": "raw", "content": "no id"})
    with pytest.raises(UnparseablePayload):
        normalize({"id": "x", "kind": "telegram", "content": "?"})
    with pytest.raises(UnparseablePayload):
        normalize({"id": "x", "kind": "raw", "content_type": "text/plain", "content": 42})


def test_a_json_article_gets_its_place_and_the_offset_of_that_place() -> None:
    article = normalize(
        {
            "id": "j",
            "kind": "article",
            "article": {
                "title": "Storm",
                "body": "<p>Roofs were torn off.</p>",
                "location": "Paris, Texas",
                "published_at": "2024-01-05 10:00",
            },
        }
    )
    assert article.published_at == "2024-01-05T10:00:00-06:00"
    assert article.location is not None and article.location.country_code == "US" and article.location.region == "Texas"
    assert article.body == "Roofs were torn off."


def test_page_bytes_in_a_declared_charset() -> None:
    page = '<html><head><meta charset="windows-1251"><title>Новости</title></head><body><p>Привет, Москва</p></body></html>'
    assert "Привет, Москва" in decode_page(page.encode("windows-1251"))
    assert decode_page(b"\xef\xbb\xbfhello") == "hello"


def test_site_names_come_off_titles() -> None:
    assert strip_site_name("Trump wins - The Guardian", ["The Guardian"]) == "Trump wins"
    assert strip_site_name("CNN - Trump wins", ["CNN"]) == "Trump wins"
    assert strip_site_name("Steppe Times :: Astana hosts a forum", ["Steppe Times"]) == "Astana hosts a forum"
    assert strip_site_name("Ukraine war - live updates", ["BBC"]) == "Ukraine war - live updates"
