"""The matcher is rebuilt after every topic change; it compiles again only the topics that changed."""

from __future__ import annotations

from typing import Any

from shared.topics.matcher import Matcher


def topic(topic_id: str, q: str, updated_at: str = "2026-12-02T08:00:00Z") -> dict[str, Any]:
    return {"id": topic_id, "updated_at": updated_at, "match": {"q": q, "filters": {}}}


def test_a_rebuild_reuses_what_did_not_change_and_compiles_what_did() -> None:
    first = Matcher.build(1, [topic("a", "flood"), topic("b", "election")])
    second = Matcher.build(2, [topic("a", "flood"), topic("b", "strike", "2026-12-02T09:00:00Z"), topic("c", "rail")], first)
    assert second.compiled[("a", "2026-12-02T08:00:00Z")] is first.compiled[("a", "2026-12-02T08:00:00Z")]
    assert second.params[1].q == "strike"
    assert [r.topic for r in second.index.requirements] == [0, 1, 2]
    assert len(second.compiled) == 3  # the old version of b is forgotten


def test_a_record_without_a_match_is_left_out() -> None:
    assert Matcher.build(1, [{"id": "x"}, topic("a", "flood")]).topics == [topic("a", "flood")]
