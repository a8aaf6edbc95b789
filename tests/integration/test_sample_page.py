"""The page the system was designed from, sent as a raw text page, found by search."""

from __future__ import annotations

from pathlib import Path

from tests.stack import Stack, wait_until


def test_sample_page_is_found_by_search(stack: Stack, fixtures_dir: Path) -> None:
    page = (fixtures_dir / "qazmonitor-2023-10-17-mfa-statement.txt").read_bytes()
    answer = stack.post("/v1/articles/raw", data=page, headers={"Content-Type": "text/plain; charset=utf-8"})
    assert answer.status_code == 202
    article_id = answer.json()["id"]
    assert stack.wait_status(article_id)["status"] == "indexed"
    hits = wait_until(lambda: stack.search('q="two-state solution"').json()["hits"], 10, what="the sample page")
    assert article_id in [h["id"] for h in hits]
