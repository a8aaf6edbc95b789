"""Whatever a client or a feed sends, the ingest side's readers answer a value or their own clean error:
a 4xx `ApiError` naming the field for request bodies, `FeedError` for feeds. Never another exception, never a hang."""

from __future__ import annotations

import codecs
import json
from typing import Any
from unittest.mock import patch

from hypothesis import example, given
from hypothesis import strategies as st

from services.ingest.bodies import json_depth, page_text, parse_json
from services.ingest.dead_letters import parse_limit
from shared.feeds.entries import FeedError, parse_feed
from shared.feeds.fetch import Fetched, FetchError, fetch
from shared.web.service import ApiError
from tests.unit.strategies import PROPERTY, TRICKY, bounded, charset_labels, json_values, nested_json, words

MAX_DEPTH = 20


def client_error(exc: ApiError) -> None:
    assert 400 <= exc.status < 500 and exc.field, (exc.status, exc.field)


@PROPERTY
@given(st.binary(max_size=2000), st.integers(1, 64))
def test_parse_json_of_arbitrary_bytes(raw: bytes, max_depth: int) -> None:
    try:
        parse_json(raw, max_depth)
    except ApiError as exc:
        client_error(exc)


@PROPERTY
@given(json_values, st.booleans())
def test_parse_json_reads_what_json_wrote(value: Any, bom: bool) -> None:
    raw = (codecs.BOM_UTF8 if bom else b"") + json.dumps(value).encode()
    try:
        assert parse_json(raw, MAX_DEPTH) == value
    except ApiError as exc:
        assert exc.code == "too_deep" and json_depth(value) > MAX_DEPTH


@bounded(examples=30)
@given(st.integers(1, 200_000), st.sampled_from(["[", "{"]))
@example(100_000, "[")  # far past the interpreter's recursion limit
def test_parse_json_of_deep_nesting(depth: int, opener: str) -> None:
    try:
        assert json_depth(parse_json(nested_json(depth, opener), MAX_DEPTH)) == depth <= MAX_DEPTH
    except ApiError as exc:
        assert exc.code == "too_deep" and depth > MAX_DEPTH
        client_error(exc)


@PROPERTY
@given(st.binary(max_size=2000), st.one_of(st.none(), charset_labels), st.booleans())
@example(b"abc", "undefined", False)  # a codec that exists only to fail: was a 500 (UnicodeError)
@example(b"abc", "utf-8\x00", False)  # a NUL in the label: was a 500 (ValueError)
@example(b"<p>", "punycode", True)  # a codec that fails with UnicodeError: was a 500
def test_page_text_of_arbitrary_bytes_and_labels(raw: bytes, charset: str | None, is_html: bool) -> None:
    try:
        assert isinstance(page_text(raw, charset, is_html), str)
    except ApiError as exc:
        client_error(exc)


@PROPERTY
@given(st.binary(max_size=200), words, st.binary(max_size=200), st.one_of(st.none(), charset_labels))
def test_page_text_with_a_meta_charset(head: bytes, label: str, rest: bytes, header: str | None) -> None:
    raw = head + b'<meta charset="' + label.encode("utf-8", "replace") + b'">' + rest
    try:
        assert isinstance(page_text(raw, header, True), str)
    except ApiError as exc:
        client_error(exc)


# RSS 0.9x/2.0, RSS 1.0 (RDF) and Atom-ish documents: random elements, entities, CDATA, declared encodings.
ITEM_TAGS = ["title", "link", "description", "content:encoded", "pubDate", "author", "category", "guid", "dc:creator"]
ITEM_TAGS += ["summary", "content", "updated", "published", "id", "name", "entry", "item", "enclosure", "media:content"]
ROOTS = [
    ('<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel>', "</channel></rss>", "item"),
    ('<feed xmlns="http://www.w3.org/2005/Atom">', "</feed>", "entry"),
    ('<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/">', "</rdf:RDF>", "item"),
    ("<rss>", "", "item"),
    ("<html><body>", "</body></html>", "div"),
]
ENTITY_DECLS = [
    '<!ENTITY e "&amp;&lt;x&gt;">',
    '<!ENTITY big "&e;&e;&e;&e;&e;&e;&e;&e;">',
    '<!ENTITY ext SYSTEM "file:///etc/hostname">',
]
feed_text = st.one_of(
    words, st.sampled_from([*TRICKY, "&e;", "&big;", "&ext;", "&nbsp;", "<![CDATA[<p>x</p>]]>", "Tue, 17 Oct 2023"])
)


@st.composite
def feed_documents(draw: st.DrawFn) -> bytes:
    opening, closing, item = draw(st.sampled_from(ROOTS))
    encoding = draw(st.sampled_from(["utf-8", "latin-1", "utf-16", "koi8-r", "cp1252"]))
    declared = draw(st.one_of(st.just(encoding), charset_labels.filter(lambda s: '"' not in s), st.none()))
    prolog = f'<?xml version="1.0" encoding="{declared}"?>' if declared is not None else ""
    if draw(st.booleans()):
        prolog += f"<!DOCTYPE rss [{''.join(draw(st.lists(st.sampled_from(ENTITY_DECLS), max_size=3)))}]>"
    entries = []
    for _ in range(draw(st.integers(0, 6))):
        fields = "".join(
            f"<{tag}>{text}</{tag}>" if draw(st.booleans()) else f'<{tag} href="{text.replace(chr(34), "")}"/>'
            for tag, text in draw(st.lists(st.tuples(st.sampled_from(ITEM_TAGS), feed_text), max_size=6))
        )
        entries.append(f"<{item}>{fields}</{item}>" if draw(st.booleans()) else f"<{item}>{fields}")
    channel = "".join(f"<{t}>{v}</{t}>" for t, v in draw(st.lists(st.tuples(st.sampled_from(["title", "language"]), feed_text))))
    return (prolog + opening + channel + "".join(entries) + closing).encode(encoding, errors="replace")


def check_feed(content: bytes) -> None:
    try:
        articles = parse_feed(content)
    except FeedError:
        return
    for entry in articles:
        assert isinstance(entry["article"], dict) and isinstance(entry["full_content"], bool)


@PROPERTY
@given(st.binary(max_size=3000))
def test_parse_feed_of_arbitrary_bytes(content: bytes) -> None:
    check_feed(content)


@bounded(examples=60)
@given(feed_documents())
@example(b'<rss version="2.0"><channel><item><title>&#xD800;</title></item></channel></rss>')  # was UnicodeEncodeError
@example(b'<rss version="2.0"><channel><item><title>&#99999999999;</title></item></channel></rss>')  # was OverflowError
@example(b'<rss version="2.0"><channel><item><title>&#x110000;</title></item></channel></rss>')  # was ValueError
def test_parse_feed_of_generated_feeds(content: bytes) -> None:
    check_feed(content)


@PROPERTY
@given(st.one_of(words, st.integers(-5, 2000).map(str)))
@example("²")  # a digit to str.isdigit, not to int(): was a ValueError (a 500)
def test_dead_letter_limit(raw: str) -> None:
    try:
        assert 1 <= parse_limit(raw) <= 1000
    except ApiError as exc:
        client_error(exc)


@PROPERTY
@given(st.binary(max_size=2000), st.one_of(st.none(), charset_labels.filter(lambda s: ";" not in s)))
@example(b"abc", "undefined")  # a codec that only fails: was UnicodeError out of the poll
@example(b'<meta charset="punycode"><p>', None)
def test_fetched_text_is_always_text(raw: bytes, charset: str | None) -> None:
    content_type = f"text/html; charset={charset}" if charset is not None else "text/html"
    assert isinstance(Fetched(200, raw, content_type=content_type).text(), str)


class _Response:
    """What `fetch` reads of a requests response, with a server's Content-Length as it was sent."""

    def __init__(self, length: str) -> None:
        self.status_code, self.headers = 200, {"Content-Length": length}

    def __enter__(self) -> _Response:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def iter_content(self, size: int) -> list[bytes]:
        return [b"<rss/>"]


@PROPERTY
@given(st.one_of(words, st.integers(0, 10**12).map(str)))
@example("²")  # a digit to str.isdigit, not to int(): was a ValueError out of the poll
def test_fetch_of_any_content_length(length: str) -> None:
    with patch("requests.Session.get", return_value=_Response(length)):
        try:
            assert fetch("https://feed.example/rss", timeout_s=1, max_bytes=1000).content == b"<rss/>"
        except FetchError as exc:
            assert "over the" in str(exc)
