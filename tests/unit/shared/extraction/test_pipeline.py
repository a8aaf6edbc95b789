"""The entry point: payload kinds, charsets, what raises (only an unreadable payload) and what does not."""

from __future__ import annotations

import pytest

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


def test_page_bytes_are_read_in_their_charset_before_extraction() -> None:
    page = '<html><head><meta charset="windows-1251"><title>Новости</title></head><body><p>Привет, Москва</p></body></html>'
    article = normalize({"id": "b", "kind": "raw", "content_type": "text/html", "content": page.encode("windows-1251")})
    assert "Привет, Москва" in article.body  # the bytes were read, then extracted (they used to reach the parser as bytes)
    text = "Floods in Astana\n\nRivers rose in Astana on Monday, officials said.\n\nThe river kept rising overnight."
    plain = {"id": "t", "kind": "raw", "content_type": "text/plain"}
    from_bytes = normalize({**plain, "content": b"\xef\xbb\xbf" + text.encode()})
    assert from_bytes.title == normalize({**plain, "content": text}).title
    assert from_bytes.body == "The river kept rising overnight."


def test_site_names_come_off_titles() -> None:
    assert strip_site_name("Trump wins - The Guardian", ["The Guardian"]) == "Trump wins"
    assert strip_site_name("CNN - Trump wins", ["CNN"]) == "Trump wins"
    assert strip_site_name("Steppe Times :: Astana hosts a forum", ["Steppe Times"]) == "Astana hosts a forum"
    assert strip_site_name("Ukraine war - live updates", ["BBC"]) == "Ukraine war - live updates"
