"""Metadata a news page states about itself: JSON-LD (NewsArticle), OpenGraph and article meta tags,
the headline element, <time>, byline and dateline elements. Each getter returns None when absent.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

import lxml.html

from shared.extraction.date_evidence import ld_dates, meta_dates, time_dates

_PARSER = lxml.html.HTMLParser(encoding="utf-8")
ARTICLE_TYPES = {"newsarticle", "article", "reportagenewsarticle", "analysisnewsarticle", "blogposting", "webpage", "report"}


@dataclass
class PageMeta:
    headline: str | None = None
    og_title: str | None = None
    h1: str | None = None
    title_tag: str | None = None
    description: str | None = None
    standfirst: str | None = None
    standfirst_opens_body: bool = False  # a lede marked "introduction": the article's first paragraph
    site_name: str | None = None
    published: str | None = None
    dates: list[tuple[str, str]] = field(default_factory=list)  # every publication date the page states, trusted first
    authors: list[str] = field(default_factory=list)
    dateline: str | None = None
    language: str | None = None


def _text(nodes: list[Any]) -> str | None:
    for node in nodes:
        value = node if isinstance(node, str) else node.text_content()
        value = " ".join(str(value).split())
        if value:
            return value
    return None


def _ld_objects(root: Any) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    for script in root.xpath('//script[@type="application/ld+json"]'):
        try:
            data = json.loads(script.text or "")
        except (ValueError, RecursionError):  # RecursionError: "[[[[..." nested past the interpreter's limit
            continue
        stack = [data]
        while stack:
            item = stack.pop()
            if isinstance(item, list):
                stack.extend(item)
            elif isinstance(item, dict):
                found.append(item)
                stack.extend(v for k, v in item.items() if k == "@graph")
    return found


def _ld_type(obj: dict[str, Any]) -> set[str]:
    kind = obj.get("@type")
    kinds = kind if isinstance(kind, list) else [kind]
    return {str(k).lower() for k in kinds if k}


def _names(value: Any) -> list[str]:
    items = value if isinstance(value, list) else [value]
    names = [i.get("name") if isinstance(i, dict) else i for i in items]
    return [str(n).strip() for n in names if isinstance(n, str) and n.strip()]


def _meta(root: Any, *keys: str) -> str | None:
    for key in keys:
        value = _text(root.xpath(f'//meta[@property="{key}" or @name="{key}" or @itemprop="{key}"]/@content'))
        if value:
            return value
    return None


def _from_ld(meta: PageMeta, root: Any) -> None:
    articles = [obj for obj in _ld_objects(root) if _ld_type(obj) & ARTICLE_TYPES]
    meta.dates.extend(("json-ld", value) for value in ld_dates(articles))
    for obj in articles:
        meta.headline = meta.headline or (obj.get("headline") if isinstance(obj.get("headline"), str) else None)
        meta.published = meta.published or (obj.get("datePublished") if isinstance(obj.get("datePublished"), str) else None)
        meta.authors = meta.authors or _names(obj.get("author"))
        publisher = _names(obj.get("publisher"))
        meta.site_name = meta.site_name or (publisher[0] if publisher else None)
        meta.dateline = meta.dateline or (obj.get("dateline") if isinstance(obj.get("dateline"), str) else None)
        if isinstance(obj.get("description"), str):
            meta.description = meta.description or obj["description"]


def _opens_paragraphs(element: Any) -> bool:
    """A paragraph its class calls the introduction, followed by paragraphs, is the article's first (its lede,
    styled apart), not a standfirst above it ("chapo", "standfirst", "dek" are the standfirst's own names)."""
    following = element.getnext()
    introduction = "intro" in (element.get("class") or "").lower()
    return bool(introduction and element.tag == "p" and following is not None and following.tag == "p")


def read_meta(html: str) -> PageMeta:
    meta = PageMeta()
    try:
        # Bytes with the parser's encoding fixed: the page's <meta charset> no longer applies to decoded text.
        root = lxml.html.document_fromstring(html.encode("utf-8", "replace"), parser=_PARSER)
    except (ValueError, lxml.etree.ParserError):
        return meta
    _from_ld(meta, root)
    meta.og_title = _meta(root, "og:title", "twitter:title")
    meta.h1 = _text(root.xpath("//article//h1") or root.xpath("//main//h1") or root.xpath("//h1") or root.xpath("//body//h2")[:1])
    meta.title_tag = _text(root.xpath("//title"))
    meta.description = meta.description or _meta(root, "og:description", "description", "twitter:description")
    standfirst = root.xpath(
        '//*[self::p or self::h2 or self::div][contains(concat(" ", normalize-space(@class), " "), " standfirst ")'
        ' or contains(@class, "subtitle") or contains(@class, "lead") or contains(@class, "dek")'
        ' or contains(@class, "teaser") or contains(@class, "subtitulo") or contains(@class, "entradilla")'
        ' or contains(@class, "sous-titre") or contains(@class, "untertitel") or contains(@class, "podzagolovok")'
        ' or contains(@class, "summary") or contains(@class, "chapo") or contains(@class, "intro")]'
    )[:1]
    meta.standfirst = _text(standfirst)
    meta.standfirst_opens_body = bool(standfirst) and _opens_paragraphs(standfirst[0])
    meta.site_name = meta.site_name or _meta(root, "og:site_name", "application-name", "publisher")
    meta.published = meta.published or _meta(
        root, "article:published_time", "datePublished", "pubdate", "publishdate", "date", "DC.date.issued", "dcterms.created"
    )
    meta.published = meta.published or _text(
        root.xpath("//article//time/@datetime | //time[@pubdate]/@datetime | //time/@datetime")
    )
    meta.dates.extend([*(("meta", value) for value in meta_dates(root)), *(("time", value) for value in time_dates(root))])
    if not meta.authors:
        author = _meta(root, "author", "article:author", "byl")
        meta.authors = [author] if author and not author.startswith("http") else []
    if not meta.authors:
        byline = _text(root.xpath('//*[@rel="author" or contains(@class, "author-name") or contains(@class, "byline__name")]'))
        meta.authors = [byline] if byline else []
    meta.dateline = meta.dateline or _text(root.xpath('//*[contains(@class, "dateline") or contains(@class, "location")]')[:1])
    meta.language = _text(root.xpath("/html/@lang"))
    return meta


def strip_site_name(title: str, site_names: list[str]) -> str:
    """'Headline | Site' or 'Site - Headline' -> 'Headline'. Only a separated part that names the site goes."""
    parts = re.split(r"\s+(?:::|[|–—•·:-])\s+|\s+[|]\s*|\s*[|]\s+", title)
    if len(parts) < 2:
        return title
    folded_sites = {re.sub(r"\W+", "", s.casefold()) for s in site_names if s}

    def is_site(part: str) -> bool:
        key = re.sub(r"\W+", "", part.casefold())
        return bool(key) and any(key == s or (len(key) >= 3 and (key in s or s in key)) for s in folded_sites)

    if is_site(parts[-1]):
        return re.sub(r"\s*(?:::|[|–—•·:-])\s*$", "", title[: title.rfind(parts[-1])]).strip() or title
    if is_site(parts[0]):
        return re.sub(r"^\s*(?:::|[|–—•·:-])\s*", "", title[len(parts[0]) :]).strip() or title
    return title
