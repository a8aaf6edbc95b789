"""Every reader of bytes uses the one charset rule: the same bytes and the same declaration give the same text at
the ingest service, in a fetched page, in a feed and in a queued page (real bytes in, text out)."""

from __future__ import annotations

import pytest
from flask import Flask

from services.ingest.bodies import read_page
from shared.extraction.pipeline import normalize
from shared.feeds.entries import parse_feed
from shared.feeds.fetch import Fetched
from shared.text.charset import decode

RUSSIAN = "Сегодня в Алматы прошёл сильный дождь, реки вышли из берегов"
SPANISH = "El Gobierno aprobó en España una reforma que amplía la cotización «histórica» de los trabajadores"
CHINESE = "国务院总理朱镕基今天在北京主持召开国务院常务会议、研究部署经济工作"
QUOTED = "“Le président” a parlé — à Paris, dit l\u2019agence"

# what: (the text, the codec its bytes are made with, the transport's charset, the document's own declaration);
# Python's utf-16 and utf-8-sig codecs write a byte-order mark.
CASES = {
    "a UTF-16 byte-order mark beats a wrong header": (RUSSIAN, "utf-16", "iso-8859-1", None),
    "a UTF-8 byte-order mark beats the document's declaration": (RUSSIAN, "utf-8-sig", None, "koi8-r"),
    "the header's charset": (RUSSIAN, "cp1251", "windows-1251", None),
    "the document's own declaration": (RUSSIAN, "koi8-r", None, "koi8-r"),
    "windows-1252, undeclared": (SPANISH, "cp1252", None, None),
    "latin1 read as windows-1252": (QUOTED, "cp1252", "iso-8859-1", None),
    "a CJK page labelled by a subset": (CHINESE, "gbk", None, "gb2312"),
}
Case = tuple[str, str, str | None, str | None]
each_case = pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())


def html_page(text: str, declared: str | None) -> str:
    meta = f'<meta charset="{declared}">' if declared else ""
    return f"<html><head>{meta}<title>{text[:20]}</title></head><body><article><p>{text}.</p></article></body></html>"


def rss(text: str, declared: str | None) -> str:
    prolog = f'<?xml version="1.0" encoding="{declared}"?>' if declared else ""
    item = f"<item><title>{text}</title><link>https://news.example/1</link></item>"
    return f'{prolog}<rss version="2.0"><channel>{item}</channel></rss>'


def content_type(header: str | None) -> str:
    return f"text/html; charset={header}" if header else "text/html"


@each_case
def test_the_ingest_service_reads_a_page_by_the_rule(case: Case) -> None:
    text, codec, header, declared = case
    page = html_page(text, declared)
    raw = page.encode(codec)
    with Flask(__name__).test_request_context(method="POST", data=raw, content_type=content_type(header)) as context:
        assert read_page(context.request) == (page, "text/html") == (decode(raw, header).text, "text/html")


@each_case
def test_a_fetched_page_is_read_by_the_rule(case: Case) -> None:
    text, codec, header, declared = case
    page = html_page(text, declared)
    raw = page.encode(codec)
    assert Fetched(200, raw, content_type=content_type(header)).text() == page == decode(raw, header).text


@each_case
def test_a_feed_is_read_by_the_rule(case: Case) -> None:
    text, codec, header, declared = case
    raw = rss(text, declared).encode(codec)
    fetched = Fetched(200, raw, content_type=f"application/rss+xml; charset={header}" if header else "application/rss+xml")
    [entry] = parse_feed(fetched.content, charset=fetched.charset)
    assert entry["article"]["title"] == text


@each_case
def test_a_queued_page_is_read_by_the_rule(case: Case) -> None:
    text, codec, header, declared = case
    page = html_page(text, declared)
    raw = page.encode(codec)
    queued = {"id": "p", "kind": "raw", "content_type": "text/html", "url": "https://news.example/1"}
    from_bytes = normalize({**queued, "content": raw, "charset": header})
    assert from_bytes.body == normalize({**queued, "content": page}).body and text in from_bytes.body
