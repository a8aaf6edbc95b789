"""The article text of a page: precision mode, the default mode only when precision may have lost the article."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

from shared.extraction import htmlbody

STORY = " ".join(f"Sentence {n} of the flood report from Almaty, with enough words to count." for n in range(30))
PAGE = f"<html><head><script>var tracking = '{'x' * 5000}';</script><style>p {{}}</style></head><body>"
PAGE += f"<nav>Home News Sport</nav><article><p>{STORY}</p></article><footer>All rights reserved</footer></body></html>"


class Modes:
    """trafilatura's bare_extraction, answering with a fixed text per mode, counting its calls."""

    def __init__(self, precise: str, broad: str) -> None:
        self.texts, self.calls = {True: precise, False: broad}, 0

    def __call__(self, html: str, favor_precision: bool = False, **_: Any) -> Any:
        self.calls += 1
        return SimpleNamespace(text=self.texts[favor_precision], title="T", date=None, sitename=None, url=None, author=None)


def test_visible_text_leaves_scripts_and_styles_out() -> None:
    assert len(STORY) < htmlbody.visible_chars(PAGE) < len(STORY) + 100


def test_when_precision_kept_most_of_the_page_the_default_mode_is_not_run(monkeypatch: pytest.MonkeyPatch) -> None:
    modes = Modes(precise=STORY, broad=STORY + " More.")
    monkeypatch.setattr(htmlbody.trafilatura, "bare_extraction", modes)
    assert htmlbody.extract_body(PAGE).text == STORY
    assert modes.calls == 1


def test_when_precision_lost_the_article_the_default_mode_gives_it(monkeypatch: pytest.MonkeyPatch) -> None:
    modes = Modes(precise="Sentence 1 of the flood report.", broad=STORY)
    monkeypatch.setattr(htmlbody.trafilatura, "bare_extraction", modes)
    assert htmlbody.extract_body(PAGE).text == STORY
    assert modes.calls == 2


LISTICLE_ITEM = "<p>It charges a laptop and a phone at once from the car's socket, and it stays cool on long trips.</p>"


def test_a_listicles_linked_item_headings_stay_in_the_body() -> None:
    names = ["Satechi 72W USB-C Car Charger", "RAVPower 61W USB-C Wall Charger", "Mophie 3-in-1 Charging Pad"]
    items = "".join(f'<h3><a href="https://shop.example/{i}">{n}</a></h3>\n{LISTICLE_ITEM * 2}' for i, n in enumerate(names))
    page = f"<html><body><div class='post-body'><p>{STORY}</p>{items}</div></body></html>"
    paragraphs = htmlbody.extract_body(page).text.split("\n\n")
    assert all(name in paragraphs for name in names)


def test_only_a_heading_followed_by_a_paragraph_loses_its_link() -> None:
    item = '<h3 class="x"><a href="/p">Mouse</a></h3> <p>Text</p>'
    related = '<h3><a href="/a">Other story</a></h3><h3><a href="/b">Another</a></h3><ul></ul>'
    assert htmlbody.unlink_headings(item) == '<h3 class="x">Mouse</h3> <p>Text</p>'
    assert htmlbody.unlink_headings(related) == related
