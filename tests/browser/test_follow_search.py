"""Following a search on the newsroom page, in headless Chromium: the search becomes a topic, its new matches (put on
the topic's stream as the indexer puts them) appear at the top of the results with a count, without a reload; a
reload keeps following; "Stop following" deletes the topic."""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
import requests
from playwright.sync_api import Browser, Page, expect

from services.search.pits import ClientSlots
from shared.articles.model import Location, NormalizedArticle
from shared.es.indexer import bulk_index
from shared.topics.keys import TopicKeys
from tests.browser.conftest import NEEDS_CHROMIUM
from tests.integration.test_topic_events import serve
from tests.stack import Stack, wait_until

pytestmark = NEEDS_CHROMIUM
ASTANA = {"city": "Astana", "country": "Kazakhstan", "country_code": "KZ", "lat": 51.17, "lon": 71.45}


@pytest.fixture(scope="module")
def word(stack: Stack) -> str:
    tag = f"glacier{uuid.uuid4().hex[:6]}"
    location = Location(**ASTANA, timezone="Asia/Almaty")
    old = NormalizedArticle(
        id=f"follow-old-{tag}", title=f"Old {tag} report", body=f"The {tag} melted.", language="en", location=location
    )
    bulk_index(stack.es, stack.settings.index_alias, [old])
    stack.refresh()
    return tag


def topic_named(stack: Stack, name: str) -> dict[str, Any]:
    def find() -> dict[str, Any] | None:
        items = requests.get(f"{stack.search_url}/v1/topics", timeout=10).json()["items"]
        return next((t for t in items if t["name"] == name), None)

    found: dict[str, Any] = wait_until(find, 10, what=f"topic {name}")
    return found


def match(stack: Stack, topic_id: str, title: str) -> str:
    article = {
        "id": f"new-{uuid.uuid4().hex[:8]}",
        "title": title,
        "url": "https://example.com/a",
        "source": "Topic Wire",
        "published_at": "2026-12-02T10:00:00+05:00",
        "location": ASTANA,
    }
    event = {"topic_id": topic_id, "article": article, "matched_at": "2026-12-02T05:00:01Z"}
    entry: bytes = stack.redis.xadd(TopicKeys(stack.settings).events(topic_id), {"data": json.dumps(event)})
    return entry.decode()


def test_follow_a_search_and_see_new_stories_arrive(browser: Browser, stack: Stack, word: str) -> None:
    page: Page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(f"{stack.search_url}/?q={word}&country=KZ")
    expect(page.locator("#summary")).to_have_text("1 article")
    page.click("#follow")
    expect(page.locator("#follow-status")).to_have_text(f"Following “{word}”")
    topic = topic_named(stack, word)
    assert topic["query"] == {"q": word, "country": ["KZ"]}
    page.evaluate("window.__same_page = true")  # gone if the page reloaded

    match(stack, topic["id"], f"First new {word}")
    match(stack, topic["id"], f"Second new {word}")
    expect(page.locator("#new-count")).to_have_text("2 new stories")
    expect(page.locator("#new-count")).to_be_visible()
    titles = page.locator("#results > li .title")
    expect(titles).to_have_count(3)
    expect(titles.nth(0)).to_have_text(f"Second new {word}")
    expect(titles.nth(1)).to_have_text(f"First new {word}")
    expect(titles.nth(2)).to_have_text(f"Old {word} report")
    expect(page.locator("#results > li.new")).to_have_count(2)
    assert page.evaluate("window.__same_page") is True

    page.reload()  # still following: new stories since the last one seen
    expect(page.locator("#unfollow")).to_be_visible()
    expect(page.locator("#summary")).to_have_text("1 article")
    match(stack, topic["id"], f"Third new {word}")
    expect(page.locator("#new-count")).to_have_text("1 new story")
    expect(page.locator("#results > li .title").first).to_have_text(f"Third new {word}")

    page.click("#unfollow")
    expect(page.locator("#follow")).to_be_visible()
    expect(page.locator("#results > li.new")).to_have_count(0)
    wait_until(lambda: requests.get(f"{stack.search_url}/v1/topics/{topic['id']}", timeout=10).status_code == 404, 10)
    assert page.evaluate("localStorage.getItem('newsroom-followed-topic')") is None
    page.close()


@pytest.fixture(scope="module")
def short_streams(stack: Stack) -> Iterator[str]:
    """A search service whose streams end after 2 s: the page reconnects every few seconds."""
    yield from serve(stack, "search-short-streams", {"TOPIC_STREAM_MAX_S": "2"})


def streams_open(stack: Stack) -> int:
    """Event streams the test's client (127.0.0.1, no keys) holds open now."""
    slots = f"{stack.settings.redis_key('topics', 'streams')}:{ClientSlots.owner_of('addr:127.0.0.1')}"
    return int(stack.redis.zcard(slots))


def test_the_page_reconnects_with_last_event_id_and_misses_nothing(
    browser: Browser, stack: Stack, word: str, short_streams: str
) -> None:
    page: Page = browser.new_page()
    page.goto(f"{short_streams}/?q={word}")
    page.click("#follow")
    expect(page.locator("#unfollow")).to_be_visible()
    topic = topic_named(stack, word)
    match(stack, topic["id"], f"Before {word}")
    expect(page.locator("#new-count")).to_have_text("1 new story")
    # Between two streams (the server ended one, the page waits its `retry` before the next) a story arrives.
    wait_until(
        lambda: streams_open(stack) == 0, 30, 0.05, what="no stream open (one closed earlier lingers until its keep-alive)"
    )
    match(stack, topic["id"], f"While away {word}")
    assert streams_open(stack) == 0, "the story did not arrive between two streams"
    expect(page.locator("#new-count")).to_have_text("2 new stories", timeout=15_000)
    expect(page.locator("#results > li .title").first).to_have_text(f"While away {word}")
    assert re.fullmatch(r"\d+-\d+", page.evaluate("JSON.parse(localStorage.getItem('newsroom-followed-topic')).lastId"))
    page.click("#unfollow")
    page.close()
