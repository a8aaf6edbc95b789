"""Whatever arrives, `normalize` returns an article: it never raises, never hangs, never returns markup."""

from __future__ import annotations

from datetime import timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shared.article import NormalizedArticle
from shared.extraction.pipeline import normalize
from shared.extraction.text_rules import looks_like_html

# Bounded time per page: any example slower than this fails the test (the first call loads data, see warm_up).
PER_PAGE = timedelta(seconds=5)
PROPERTY = settings(max_examples=40, deadline=PER_PAGE, suppress_health_check=[HealthCheck.too_slow])

TAGS = ["p", "div", "span", "article", "h1", "script", "style", "a", "br", "table", "td", "li", "time", "meta", "title"]
words = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=40)
attribute = st.tuples(st.sampled_from(["class", "id", "datetime", "content", "property", "href"]), words)


@st.composite
def html_pages(draw: st.DrawFn) -> str:
    parts: list[str] = []
    for _ in range(draw(st.integers(0, 25))):
        tag = draw(st.sampled_from(TAGS))
        attrs = "".join(f' {k}="{v.replace(chr(34), "")}"' for k, v in draw(st.lists(attribute, max_size=2)))
        inner = draw(st.one_of(words, st.sampled_from(["&amp;", "&lt;b&gt;x&lt;/b&gt;", "<!-- c -->", "&#0;", "]]>", "<"])))
        parts.append(f"<{tag}{attrs}>{inner}" + (f"</{tag}>" if draw(st.booleans()) else ""))
    return "<html><head>" + "".join(parts[:3]) + "</head><body>" + "".join(parts[3:]) + "</body></html>"


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
