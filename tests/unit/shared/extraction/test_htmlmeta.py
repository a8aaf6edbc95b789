"""A page's standfirst: a standfirst above the article is cut from the body, a lede styled as the introduction is not."""

from __future__ import annotations

from shared.extraction.htmlmeta import read_meta
from shared.extraction.pipeline import normalize

LEDE = "A row involving a singer, her former record label and two politicians looks like it is coming to an end."
REST = " ".join(["The label said on Monday that it had never tried to stop her from playing the songs on television."] * 4)


def _page(marked: str) -> str:
    return f"<html><body><article><h1>Row ends</h1>{marked}<p>{REST}</p><p>{REST}</p></article></body></html>"


def _body(html: str) -> str:
    return normalize({"id": "p", "kind": "raw", "content_type": "text/html", "content": html}).body


def test_an_introduction_paragraph_followed_by_paragraphs_is_the_articles_first() -> None:
    html = _page(f'<p class="story-body__introduction">{LEDE}</p>')
    meta = read_meta(html)
    assert meta.standfirst == LEDE and meta.standfirst_opens_body
    assert _body(html).startswith(LEDE)


def test_a_standfirst_by_its_own_name_is_cut_from_the_body() -> None:
    html = _page(f'<p class="chapo">{LEDE}</p>')
    assert not read_meta(html).standfirst_opens_body
    assert LEDE not in _body(html)
