"""One size policy from ingest to index: what Elasticsearch cannot search and highlight is refused at ingest (a JSON
body over MAX_TEXT_CHARS, counted as Elasticsearch counts: UTF-16 code units) or cut on purpose by the normalizer, at
a paragraph boundary, with the cut in the article's notes; it is never stored in a form that breaks queries
(a body over `index.highlight.max_analyzed_offset` made every relevance search that ranked it a 400)."""

from __future__ import annotations

import json
import random
import re
import uuid
from typing import Any

import pytest

from shared.es import fields
from shared.es.indexer import bulk_index_documents
from shared.extraction.pipeline import normalize
from shared.settings import get_settings
from tests.stack import Stack

LIMIT = get_settings().max_text_chars
CUT = re.compile(r"body cut at (\d+) of (\d+) characters")
VOCABULARY = ["river", "flood", "council", "budget", "election", "market", "weather", "school", "bridge", "harbour", "festival"]


def es_length(text: str) -> int:
    """Characters as Elasticsearch (Java) counts them: UTF-16 code units."""
    return len(text.encode("utf-16-le")) // 2


def paragraphs(size: int, head: str = "", tail: str = "") -> list[str]:
    """Paragraphs of ordinary words, `size` characters in all; `head` in the first one, `tail` in the last."""
    rng = random.Random(size)
    found: list[str] = []
    total = 0
    while total < size:
        words = " ".join(rng.choice(VOCABULARY) for _ in range(150))
        opening = f"Paragraph {len(found)} {head}" if head and not found else f"Paragraph {len(found)}"
        found.append(f"{opening} {words}.")
        total += len(found[-1]) + 2
    found[-1] += f" {tail}"
    return found


def html_page(parts: list[str], title: str = "A very long report") -> str:
    body = "".join(f"<p>{p}</p>" for p in parts)
    return f"<html><head><title>{title}</title></head><body><article><h1>{title}</h1>{body}</article></body></html>"


def indexed_source(stack: Stack, article_id: str) -> dict[str, Any]:
    source: dict[str, Any] = stack.es.get(index=stack.settings.index_alias, id=article_id)["_source"]
    return source


def test_a_page_of_1_2m_characters_is_indexed_cut_with_a_note_and_search_answers_200(stack: Stack) -> None:
    head, tail = f"headword{uuid.uuid4().hex[:8]}", f"tailword{uuid.uuid4().hex[:8]}"
    page = html_page(paragraphs(1_200_000, head, tail))
    assert len(page) > 1_200_000
    answer = stack.post(
        f"/v1/articles/raw?url=https://hostile.example/{head}", data=page.encode(), headers={"Content-Type": "text/html"}
    )
    assert answer.status_code == 202, answer.text
    article_id = answer.json()["id"]
    assert stack.wait_status(article_id, timeout=180)["status"] == "indexed"
    stack.refresh()

    for query in (head, f"river {head}", "river flood"):  # relevance order: every hit highlighted, this one too
        found = stack.search(q=query)
        assert found.status_code == 200, found.text[:500]
        if head in query:
            assert [hit["id"] for hit in found.json()["hits"]] == [article_id]
    assert stack.search(q=tail).json()["total"] == 0  # the words past the cut are not stored

    source = indexed_source(stack, article_id)
    assert es_length(source["body"]) <= LIMIT
    cuts = [m for note in source["notes"] if (m := CUT.fullmatch(note))]
    assert len(cuts) == 1, source["notes"]
    kept, whole = (int(n) for n in cuts[0].groups())
    assert kept == es_length(source["body"]) and whole > 1_200_000 > LIMIT >= kept
    assert source["body"].endswith(".")  # cut at a paragraph boundary, not inside a word


def test_a_json_body_over_the_limit_as_elasticsearch_counts_it_is_a_400_on_body(stack: Stack) -> None:
    # 600,000 emoji: 600,000 characters to Python, 1,200,000 to Elasticsearch (each is a UTF-16 surrogate pair).
    body = "\U0001f600" * 600_000
    data = json.dumps({"title": f"Emoji {uuid.uuid4().hex}", "body": body}, ensure_ascii=False).encode()
    answer = stack.post("/v1/articles", data=data, headers={"Content-Type": "application/json"})
    assert answer.status_code == 400, answer.text[:300]
    error = answer.json()["error"]
    assert (error["code"], error["field"]) == ("invalid_field", "body")
    assert str(LIMIT) in error["message"]


@pytest.mark.parametrize("kind", ["article", "ninjs", "html", "text"])
def test_every_input_format_keeps_its_body_within_the_limit_and_notes_the_cut(kind: str) -> None:
    parts = paragraphs(LIMIT + 50_000)
    text = "\n\n".join(parts)
    payload: dict[str, Any] = {"id": f"big-{kind}", "kind": kind, "article": {"title": "Long", "body": text}}
    if kind in ("html", "text"):  # a page sent to /v1/articles/raw, or a feed entry's linked page
        content = html_page(parts) if kind == "html" else f"Long\n\n{text}"
        payload = {
            "id": f"big-{kind}",
            "kind": "raw",
            "content_type": f"text/{'html' if kind == 'html' else 'plain'}",
            "content": content,
        }
    article = normalize(payload)
    assert es_length(article.body) <= LIMIT
    assert any(CUT.fullmatch(note) for note in article.notes), article.notes
    assert article.body.endswith(".") and text.startswith(article.body[:1000])


def test_a_body_that_normalization_makes_longer_is_cut_too() -> None:
    # U+0344 passes ingest as one character and becomes two in Unicode NFC: a body within the limit at ingest
    # can come out of normalization twice as long.
    article = normalize({"id": "nfc", "kind": "article", "article": {"title": "Marks", "body": "\u0344" * (LIMIT - 10)}})
    assert es_length(article.body) <= LIMIT
    assert any(CUT.fullmatch(note) for note in article.notes), article.notes


def test_a_page_title_over_the_limit_is_cut_with_a_note() -> None:
    title = " ".join(["headline"] * 1000)  # 8,999 characters
    article = normalize({"id": "t", "kind": "raw", "content_type": "text/html", "content": html_page(paragraphs(5000), title)})
    limit = get_settings().max_short_chars
    assert article.title is not None and len(article.title) <= limit and article.title.startswith("headline headline")
    assert any(note.startswith("title cut at") for note in article.notes), article.notes


def keyword_mappings(mapping: dict[str, Any], path: str = "") -> list[tuple[str, dict[str, Any]]]:
    found = [(path, mapping)] if mapping.get("type") == "keyword" else []
    for name, child in {**mapping.get("properties", {}), **mapping.get("fields", {})}.items():
        found += keyword_mappings(child, f"{path}.{name}" if path else name)
    return found


def test_no_keyword_field_can_hold_a_term_elasticsearch_refuses() -> None:
    # Elasticsearch refuses a keyword term over 32,766 bytes (indexed or in doc values) and so the whole document:
    # `ignore_above` (in UTF-16 code units, at most 3 bytes of UTF-8 each) leaves longer values in _source only.
    keywords = keyword_mappings({"properties": fields.mappings()["properties"]})
    assert len(keywords) > 10
    for path, mapping in keywords:
        assert 0 < mapping.get("ignore_above", 0) <= 32_766 // 3, path


def test_a_long_note_does_not_fail_the_write(stack: Stack) -> None:
    doc = {"id": f"long-note-{uuid.uuid4().hex}", "title": "Long note", "body": "Text.", "notes": ["n" * 40_000]}
    outcome = bulk_index_documents(stack.es, stack.settings.index_alias, [doc])
    assert outcome.stored == [doc["id"]], outcome
    stack.es.delete(index=stack.settings.index_alias, id=doc["id"], refresh=True)
