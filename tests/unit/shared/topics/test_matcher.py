"""The matcher is rebuilt after every topic change; it compiles again only the topics that changed."""

from __future__ import annotations

from typing import Any, cast

from shared.analysis.languages import stemmer_of
from shared.topics.matcher import Matcher
from shared.topics.stems import EngineStems, Learned


class Unstemmed:
    """Stands in for the engine's stems (tests/integration/test_topic_candidates.py asks the real ones): each word its
    own stem. Counts the words asked, which a rebuild must not ask again."""

    def __init__(self) -> None:
        self.asked: list[str] = []

    def learn(self, wanted: dict[str, set[str]]) -> Learned:
        self.asked += sorted({w for words in wanted.values() for w in words})
        return {str(stemmer_of(code)): {w: (w,) for w in words} for code, words in wanted.items()}


STEMS = cast(EngineStems, Unstemmed())


def topic(topic_id: str, q: str, updated_at: str = "2026-12-02T08:00:00Z") -> dict[str, Any]:
    return {"id": topic_id, "updated_at": updated_at, "match": {"q": q, "filters": {}}}


def test_a_rebuild_reuses_what_did_not_change_and_compiles_what_did() -> None:
    stems = Unstemmed()
    first = Matcher.build(1, [topic("a", "flood"), topic("b", "election")], cast(EngineStems, stems))
    changed = [topic("a", "flood"), topic("b", "strike", "2026-12-02T09:00:00Z"), topic("c", "rail")]
    second = Matcher.build(2, changed, cast(EngineStems, stems), first)
    assert second.compiled[("a", "2026-12-02T08:00:00Z")] is first.compiled[("a", "2026-12-02T08:00:00Z")]
    assert second.params[1].q == "strike"
    assert [r.topic for r in second.index.requirements] == [0, 1, 2]
    assert len(second.compiled) == 3  # the old version of b is forgotten
    assert stems.asked == ["election", "flood", "rail", "strike"]  # only the new topics' words asked again


def test_a_record_without_a_match_is_left_out() -> None:
    assert Matcher.build(1, [{"id": "x"}, topic("a", "flood")], STEMS).topics == [topic("a", "flood")]
