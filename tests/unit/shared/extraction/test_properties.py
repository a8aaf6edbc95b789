"""Whatever arrives, `normalize` returns an article: it never raises, never hangs, never returns markup."""

from __future__ import annotations

import json

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from services.ingest.routes import to_payload
from shared.articles.model import NormalizedArticle, ninjs_to_article
from shared.extraction.pipeline import UnparseablePayload, normalize
from shared.extraction.text_rules import looks_like_html
from shared.web.service import ApiError
from tests.unit.strategies import PROPERTY, html_pages, json_values, nested_json, words


@pytest.fixture(scope="module", autouse=True)
def warm_up() -> None:
    normalize(
        {"id": "warm", "kind": "raw", "content_type": "text/plain", "content": "Astana, Kazakhstan • 17 October, 2023 | 15:21"}
    )


def check(article: NormalizedArticle) -> None:
    assert isinstance(article, NormalizedArticle)
    for text in (article.body, article.title or "", article.subtitle or ""):
        assert not looks_like_html(text), text


@PROPERTY
@given(st.binary(max_size=3000), st.sampled_from(["text/html", "text/plain"]))
def test_arbitrary_bytes(raw: bytes, content_type: str) -> None:
    check(normalize({"id": "p", "kind": "raw", "content_type": content_type, "content": raw}))


@PROPERTY
@given(html_pages())
def test_arbitrary_html(page: str) -> None:
    check(normalize({"id": "p", "kind": "raw", "content_type": "text/html", "content": page}))


@PROPERTY
@given(st.lists(words, max_size=30).map("\n".join))
def test_arbitrary_text_pages(page: str) -> None:
    check(normalize({"id": "p", "kind": "raw", "content_type": "text/plain", "content": page}))


@PROPERTY
@given(st.fixed_dictionaries({"title": words, "body": st.one_of(words, html_pages()), "published_at": words, "location": words}))
def test_arbitrary_json_articles(article: dict[str, str]) -> None:
    check(normalize({"id": "p", "kind": "article", "article": article}))


# IPTC ninjs objects as a client may send them: known fields with values of any shape, markup in the bodies.
junk = st.one_of(json_values, html_pages())
values = st.lists(
    st.one_of(st.fixed_dictionaries({"value": junk}, optional={"role": st.sampled_from(["main", "sub", "x", 3])}), json_values),
    max_size=3,
)
names = st.lists(st.one_of(st.fixed_dictionaries({"name": junk}), json_values), max_size=3)
ninjs_objects = st.fixed_dictionaries(
    {},
    optional={
        "uri": st.one_of(words, st.just("https://example.com/a"), json_values),
        "headline": junk,
        "headlines": st.one_of(values, json_values),
        "body_html": st.one_of(html_pages(), json_values),
        "body_text": junk,
        "bodies": st.one_of(values, json_values),
        "description_text": junk,
        "descriptions": values,
        "versioncreated": st.one_of(words, st.just("2023-10-17T10:00:00+06:00"), json_values),
        "firstcreated": st.one_of(words, st.just("17 October, 2023 | 15:21"), json_values),
        "located": junk,
        "places": names,
        "infosources": names,
        "subject": names,
        "subjects": names,
        "keywords": st.one_of(words, st.lists(junk, max_size=3)),
        "byline": junk,
        "language": st.one_of(st.sampled_from(["en", "de", "xx"]), json_values),
    },
)


@PROPERTY
@given(ninjs_objects)
def test_arbitrary_ninjs_accepted_by_ingest(data: dict[str, object]) -> None:
    """What the ingest service queues for a ninjs object (or its 400), then what the worker makes of it."""
    try:
        payload = to_payload(data, ninjs=True)
    except ApiError as exc:
        assert exc.status == 400  # a whole-object error (neither title nor body) names no field
        return
    assert payload["kind"] == "ninjs"
    check(normalize(payload))


@PROPERTY
@given(ninjs_objects)
@example({"language": []})  # was a ValidationError of NormalizedArticle
@example({"headline": 0, "body_text": 0})  # was a TypeError in content_hash
@example({"byline": "Jane Doe", "keywords": "politics"})  # was one author per letter
def test_arbitrary_ninjs_payloads(data: dict[str, object]) -> None:
    """A queued ninjs payload the ingest service did not check (a replayed or hand-made one) is still an article."""
    check(normalize({"id": "p", "kind": "ninjs", "article": ninjs_to_article(data)}))


@pytest.mark.parametrize("article", [[], "text", None, 3])
def test_a_payload_without_an_article_object_is_unparseable(article: object) -> None:
    for kind in ("article", "ninjs"):  # a ninjs payload was read as an empty article, or raised AttributeError
        with pytest.raises(UnparseablePayload):
            normalize({"id": "p", "kind": kind, "article": article})


ld_json = st.one_of(json_values.map(json.dumps), words, st.integers(1, 50_000).map(lambda n: nested_json(n).decode()))


@PROPERTY
@given(ld_json, html_pages())
@example(nested_json(5000).decode(), "<p>Body</p>")  # was a RecursionError that lost the whole page's parse
def test_arbitrary_json_ld_keeps_the_page_parsed(ld: str, page: str) -> None:
    script = f'<script type="application/ld+json">{ld.replace("<", " ")}</script>'
    article = normalize(
        {"id": "p", "kind": "raw", "content_type": "text/html", "content": page.replace("<head>", "<head>" + script)}
    )
    check(article)
    assert not any(note.startswith("parse:") for note in article.notes), article.notes
