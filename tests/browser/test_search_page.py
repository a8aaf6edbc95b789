"""The newsroom page in a real browser: Debian's headless Chromium driven by Playwright (no browser download)."""

from __future__ import annotations

import re
import uuid

import pytest
from playwright.sync_api import Browser, Page, expect

from shared.articles.model import Location, NormalizedArticle
from shared.es.indexer import bulk_index
from tests.browser.conftest import NEEDS_CHROMIUM
from tests.stack import OUTPUT, Stack

ALMATY = Location(city="Almaty", country="Kazakhstan", country_code="KZ", lat=43.25, lon=76.95, timezone="Asia/Almaty")
BISHKEK = Location(city="Bishkek", country="Kyrgyzstan", country_code="KG", lat=42.87, lon=74.59, timezone="Asia/Bishkek")
XSS_TITLE = '<img src=x onerror="window.__xss=1">Dam <script>window.__xss=2</script>'

pytestmark = NEEDS_CHROMIUM


@pytest.fixture(scope="module")
def tag(stack: Stack) -> str:
    word = f"reservoir{uuid.uuid4().hex[:6]}"
    articles = [
        NormalizedArticle(
            id=f"page-xss-{word}",
            title=XSS_TITLE,
            body=f'The {word} dam <b onmouseover="window.__xss=3">held</b> after the storm. Engineers inspected it overnight.',
            language="en",
            source="QazMonitor",
            published_at="2026-11-20T09:30:00+06:00",
            location=ALMATY,
        ),
        NormalizedArticle(
            id=f"page-kz-{word}",
            title=f"Almaty {word} levels rise",
            subtitle="City officials watch the water",
            body=f"Water in the {word} rose by a metre.",
            language="en",
            source="Tengri",
            published_at="2026-11-21T14:05:00+06:00",
            location=ALMATY,
        ),
    ]
    articles += [
        NormalizedArticle(
            id=f"page-kg-{i}-{word}",
            title=f"Bishkek {word} report {i}",
            body=f"The {word} near Bishkek is full.",
            language="en",
            source="Kaktus",
            published_at=f"2026-11-{10 + i:02d}T08:00:00+06:00",
            location=BISHKEK,
        )
        for i in range(10)
    ]
    bulk_index(stack.es, stack.settings.index_alias, articles)
    stack.refresh()
    return word


def test_search_tick_a_country_page_on_and_open_an_article(browser: Browser, stack: Stack, tag: str) -> None:
    page: Page = browser.new_page(viewport={"width": 1280, "height": 900})
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(f"{stack.search_url}/")
    page.fill("#q", tag)
    page.press("#q", "Enter")
    expect(page.locator("#summary")).to_have_text("12 articles")
    expect(page).to_have_url(re.compile(rf"\?q={tag}$"))
    expect(page.locator("#results > li")).to_have_count(10)
    page.click("#more")  # the next page, by cursor
    expect(page.locator("#results > li")).to_have_count(12)

    kz = page.locator('[data-facet="country"] input[value="KZ"]')
    expect(page.locator('[data-facet="country"] li', has_text="Kazakhstan")).to_contain_text("2")
    kz.check()
    expect(page.locator("#summary")).to_have_text("2 articles")
    expect(page).to_have_url(re.compile(r"country=KZ"))
    expect(page.locator('[data-facet="country"] li', has_text="Kyrgyzstan")).to_contain_text("10")  # still widenable
    expect(page.locator("#histogram button")).not_to_have_count(0)

    # Stored markup is shown as text; only the highlight is markup.
    titles = page.locator("#results .title").all_text_contents()
    assert XSS_TITLE in titles
    expect(page.locator("#results mark").first).to_have_text(tag)
    assert page.locator("#results img, #results script, #results b").count() == 0
    assert page.evaluate("window.__xss") is None and not dialogs
    expect(page.locator("#results .meta").first).to_contain_text("UTC+06:00")
    OUTPUT.mkdir(exist_ok=True)
    page.screenshot(path=str(OUTPUT / "search-page.png"), full_page=True)

    page.click(f"#results .title >> text=Almaty {tag} levels rise")
    expect(page).to_have_url(re.compile(r"view=page-kz-"))
    expect(page.locator("#article h2")).to_have_text(f"Almaty {tag} levels rise")
    expect(page.locator("#article")).to_contain_text("Water in the")
    page.go_back()
    expect(page.locator("#summary")).to_have_text("2 articles")
    page.close()


def test_state_in_the_url_is_restored_on_load(browser: Browser, stack: Stack, tag: str) -> None:
    page = browser.new_page()
    page.goto(f"{stack.search_url}/?q={tag}&country=KG&sort=newest")
    expect(page.locator("#summary")).to_have_text("10 articles")
    expect(page.locator("#q")).to_have_value(tag)
    expect(page.locator('[data-facet="country"] input[value="KG"]')).to_be_checked()
    expect(page.locator("#results .title").first).to_have_text(f"Bishkek {tag} report 9")
    page.click(".quick button[data-hours='24']")
    expect(page).to_have_url(re.compile(r"from=\d{4}-\d{2}-\d{2}T"))
    page.close()
