"""Characters the system cannot store are a 400 at ingest naming the field, never a 202 and then a dead letter.

What actually fails downstream, found on Elasticsearch 9.2 and our normalizer: U+0000 in a title (the title's
completion field refuses it as a reserved character, and with it the whole article) and lone surrogates, which
JSON's `\\ud800` escapes make but no UTF-8 encoder takes (the article id, the content hash, Elasticsearch's
client). Both are refused at ingest. The other C0 controls are stored without complaint but are not text: the
normalizer removes them on purpose (vertical tab and form feed, a word processor's line breaks, become line
breaks) and notes it, as it does for NUL and surrogates reaching it another way (a page's JSON-LD, a feed entry).
"""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest

from shared.extraction.pipeline import normalize
from shared.feeds.entries import parse_feed
from tests.stack import Stack

JSON = {"Content-Type": "application/json"}


def post_raw_json(stack: Stack, text: str) -> Any:
    """A JSON body written by hand: `text` may hold escapes (\\u0000, \\ud800) as a client would send them."""
    return stack.post("/v1/articles", data=text.encode(), headers=JSON)


def error_of(answer: Any) -> tuple[int, str, str]:
    error = answer.json()["error"]
    return answer.status_code, error["code"], error["field"]


@pytest.mark.parametrize(
    ("article", "field"),
    [
        ('{"title": "Nul\\u0000title", "body": "Words."}', "title"),
        ('{"title": "Fine", "body": "Words \\u0000 here."}', "body"),
        ('{"title": "Fine", "authors": ["Jane\\u0000Doe"]}', "authors.0"),
        ('{"title": "Fine", "subtitle": "Half \\ud800 a pair"}', "subtitle"),
        ('{"url": "https://hostile.example/\\udfff", "title": "Fine"}', "url"),  # was a 500: the id's hash could not encode it
        ('{"title": "Fine", "tags": ["ok", "\\udbff"]}', "tags.1"),
    ],
)
def test_a_character_that_cannot_be_stored_is_a_400_naming_the_field(stack: Stack, article: str, field: str) -> None:
    answer = post_raw_json(stack, article)
    assert error_of(answer) == (400, "invalid_field", field), answer.text


def test_a_batch_answers_item_by_item_and_takes_the_good_ones(stack: Stack) -> None:
    word = f"ctlbatch{uuid.uuid4().hex[:8]}"
    items = [
        f'{{"title": "Good {word}", "body": "A good article about {word}.", "url": "https://hostile.example/{word}/0"}}',
        '{"title": "Bad\\u0000one", "body": "x"}',
        '{"title": "Bad", "body": "x", "authors": ["A\\ud800"]}',
    ]
    answer = post_raw_json(stack, '{"articles": [' + ", ".join(items) + "]}")
    assert answer.status_code == 202, answer.text
    first, *bad = answer.json()["items"]
    assert [(b["error"]["code"], b["error"]["field"]) for b in bad] == [
        ("invalid_field", "articles.1.title"),
        ("invalid_field", "articles.2.authors.0"),
    ]
    assert stack.wait_status(first["id"])["status"] == "indexed"


@pytest.mark.parametrize("parameter", ["url", "source"])
def test_a_nul_in_a_raw_page_parameter_is_a_400_naming_it(stack: Stack, parameter: str) -> None:
    answer = stack.post(
        f"/v1/articles/raw?{parameter}=https://hostile.example/a%00b", data=b"Some page.", headers={"Content-Type": "text/plain"}
    )
    assert error_of(answer) == (400, "invalid_parameter", parameter), answer.text


def test_a_page_whose_metadata_holds_nul_and_surrogates_is_indexed_not_dead_lettered(stack: Stack) -> None:
    # The page itself has no NUL byte (that is a 400); its JSON-LD writes them as escapes, which json.loads makes.
    word = f"ctlpage{uuid.uuid4().hex[:8]}"
    ld = '{"@type": "NewsArticle", "headline": "Head\\u0000line \\ud800 ' + word + '", "author": {"name": "Jane\\u0000 Doe"}}'
    body = "".join(f"<p>Paragraph {n} of the story about {word} and the river.</p>" for n in range(10))
    page = f'<html><head><script type="application/ld+json">{ld}</script></head><body><article>{body}</article></body></html>'
    answer = stack.post(
        f"/v1/articles/raw?url=https://hostile.example/{word}", data=page.encode(), headers={"Content-Type": "text/html"}
    )
    assert answer.status_code == 202, answer.text
    assert stack.wait_status(answer.json()["id"])["status"] == "indexed"
    source = stack.es.get(index=stack.settings.index_alias, id=answer.json()["id"])["_source"]
    assert "\x00" not in source["title"] and word in source["title"]
    assert any("title:" in note and "U+0000" in note for note in source["notes"]), source["notes"]


def test_other_control_characters_are_removed_with_a_note(stack: Stack) -> None:
    word = f"ctlbell{uuid.uuid4().hex[:8]}"
    article = {
        "title": f"Bell\u0007 {word}\u001f",
        "body": f"First line\u000bsecond line about {word}.\u000cNext.",
        "url": f"https://hostile.example/{word}",
    }
    answer = stack.post("/v1/articles", data=json.dumps(article).encode(), headers=JSON)
    assert answer.status_code == 202, answer.text
    assert stack.wait_status(answer.json()["id"])["status"] == "indexed"
    source = stack.es.get(index=stack.settings.index_alias, id=answer.json()["id"])["_source"]
    assert source["title"] == f"Bell {word}"
    assert source["body"] == f"First line second line about {word}. Next."
    assert any(note.startswith("title:") and "U+0007" in note for note in source["notes"]), source["notes"]


def test_a_feed_entry_with_nul_character_references_is_kept_without_them() -> None:
    feed = b"""<?xml version="1.0"?><rss version="2.0"><channel><title>F</title><item><title>A&#0;B story</title>
    <link>https://hostile.example/feed/1</link><description>Body&#0; text</description></item></channel></rss>"""
    (entry,) = parse_feed(feed)
    assert entry["article"]["title"] == "AB story" and entry["article"]["body"] == "Body text"


def test_the_normalizer_leaves_no_unstorable_character_in_any_field() -> None:
    bad = "x\x00y\ud800z\x01"
    article = {
        "title": bad,
        "subtitle": bad,
        "body": bad,
        "source": bad,
        "authors": [bad],
        "tags": [bad],
        "location": bad,
        "url": f"https://h.example/{bad}",
    }
    normalized = normalize({"id": "bad", "kind": "article", "article": article})
    stored = json.dumps(normalized.model_dump(), ensure_ascii=False)
    stored.encode("utf-8")  # no lone surrogate left
    assert "\x00" not in stored and "\x01" not in stored
