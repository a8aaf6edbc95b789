"""The page the system was designed from, sent as a raw text page through the real services: the
normalized article is exactly what its expected.json lists, and its search checks hold. Then the same
story re-sent with small edits is recognised as a near-duplicate and kept out of search by default."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
import requests

from tests.stack import Stack, wait_until

PAGE = "qazmonitor-2023-10-17-mfa-statement"


def folded(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


@pytest.fixture(scope="module")
def expected(fixtures_dir: Path) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads((fixtures_dir / f"{PAGE}.expected.json").read_text(encoding="utf-8"))
    return loaded


@pytest.fixture(scope="module")
def sample(stack: Stack, fixtures_dir: Path) -> dict[str, Any]:
    """The sample page, posted once, indexed: its normalized article as `GET /v1/articles/<id>` gives it."""
    page = (fixtures_dir / f"{PAGE}.txt").read_bytes()
    answer = stack.post("/v1/articles/raw", data=page, headers={"Content-Type": "text/plain; charset=utf-8"})
    assert answer.status_code == 202
    article_id = answer.json()["id"]
    assert stack.wait_status(article_id)["status"] == "indexed"
    stack.refresh()
    article: dict[str, Any] = requests.get(f"{stack.search_url}/v1/articles/{article_id}", timeout=10).json()
    return article


def test_the_fields_are_what_the_expected_file_lists(sample: dict[str, Any], expected: dict[str, Any]) -> None:
    for field in ("title", "subtitle", "source", "language", "published_at"):
        assert sample[field] == expected[field], field
    location = sample["location"]
    for field in ("city", "country", "country_code"):
        assert location[field] == expected["location"][field], field
    assert ("geo" in location) is expected["location"]["has_geo_point"]
    assert set(expected["places_mentioned_country_codes_include"]) <= set(sample["places_mentioned"])


def test_the_body_is_the_article_without_the_page_furniture(sample: dict[str, Any], expected: dict[str, Any]) -> None:
    body = sample["body"]
    assert folded(body).startswith(folded(expected["body_starts_with"]))
    assert folded(body).endswith(folded(expected["body_ends_with"]))
    assert len([p for p in body.split("\n\n") if p.strip()]) == expected["body_paragraphs"]
    for furniture in expected["body_must_not_contain"]:
        assert furniture not in body


def test_the_search_checks_hold(stack: Stack, sample: dict[str, Any], expected: dict[str, Any]) -> None:
    for check in expected["search_checks"]:
        ids = [hit["id"] for hit in stack.search(check["query"]).json()["hits"]]
        assert (sample["id"] in ids) is check["expect_hit"], check["query"]


def test_the_dateline_place_is_searched_though_it_left_the_body(stack: Stack, sample: dict[str, Any]) -> None:
    assert "astana" not in (sample["title"] + sample["subtitle"] + sample["body"]).lower()
    for query, hit in (("q=astana", True), ("q=hostages%20Astana", True), ("q=hostages%20-astana", False)):
        ids = [h["id"] for h in stack.search(query).json()["hits"]]
        assert (sample["id"] in ids) is hit, query


def test_the_story_re_sent_with_small_edits_is_a_near_duplicate(stack: Stack, sample: dict[str, Any]) -> None:
    edited = sample["body"].replace("crucial", "essential").replace("On October 17,", "On Tuesday, October 17,")
    article = {"title": sample["title"] + " (updated)", "body": edited, "source": "Another Wire"}
    answer = stack.post("/v1/articles", json=article)
    assert answer.status_code == 202
    copy_id = answer.json()["id"]
    status = stack.wait_status(copy_id, statuses=("indexed", "duplicate"))
    assert status["status"] == "duplicate"
    assert status["duplicate_of"] == sample["id"]
    stack.refresh()
    default_ids = [h["id"] for h in stack.search('q="Commonwealth of Independent States"').json()["hits"]]
    assert sample["id"] in default_ids and copy_id not in default_ids
    counted = wait_until(
        lambda: stack.search('q="Commonwealth of Independent States"&include_duplicates=true').json()["hits"],
        10,
        what="duplicates",
    )
    assert copy_id in [h["id"] for h in counted]
