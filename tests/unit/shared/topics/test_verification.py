"""Which way the indexer matches topics (the plugin only when every node of the cluster has it), and the topic set the
plugin is sent: one clause per distinct search, named so that any change names a new set."""

from __future__ import annotations

from typing import Any

import pytest

from shared.es.queries import topic_clause, topic_params
from shared.topics.verification import TopicSet, plugin_on_every_node, registered


class Nodes:
    def __init__(self, answer: dict[str, Any]) -> None:
        self.answer = answer

    def info(self, **_: Any) -> dict[str, Any]:
        return self.answer


class Cluster:
    def __init__(self, answer: dict[str, Any]) -> None:
        self.nodes = Nodes(answer)


def node(*plugins: str) -> dict[str, Any]:
    return {"plugins": [{"name": name} for name in plugins]}


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        ({"_nodes": {"total": 2}, "nodes": {"a": node("newsroom-match"), "b": node("newsroom-match", "x")}}, True),
        ({"_nodes": {"total": 2}, "nodes": {"a": node("newsroom-match"), "b": node("newsroom-analysis")}}, False),
        ({"_nodes": {"total": 2}, "nodes": {"a": node("newsroom-match")}}, False),  # b has no plugin at all
        ({"_nodes": {"total": 0}}, False),
    ],
    ids=["every node", "one without it", "one with no plugins", "no nodes"],
)
def test_the_plugin_is_used_only_when_every_node_has_it(answer: dict[str, Any], expected: bool) -> None:
    assert plugin_on_every_node(Cluster(answer)) is expected  # type: ignore[arg-type]


def topic_set(*matches: dict[str, Any]) -> TopicSet:
    return TopicSet.of([registered(topic_params(match)) for match in matches])


FLOODS = {"q": "floods", "filters": {}}
STRIKE = {"q": "strike", "filters": {"source": ["Wire"]}}


def test_two_topics_with_the_same_search_share_one_clause_in_the_plugin() -> None:
    both = topic_set(FLOODS, STRIKE, FLOODS)
    assert len(both.clauses) == 2
    assert sorted(both.positions.values()) == [[0, 2], [1]]


def test_any_topic_change_names_a_new_set_and_keeps_the_other_topics_keys() -> None:
    before, after = topic_set(FLOODS, STRIKE), topic_set(FLOODS, STRIKE | {"q": "strikes"})
    assert before.id != after.id
    assert set(before.clauses) & set(after.clauses) == {next(k for k, p in before.positions.items() if p == [0])}
    assert topic_set(STRIKE, FLOODS).id == before.id  # the order topics come in does not make a new set


def test_a_registered_clause_finds_any_article_not_only_a_batch_s_ids() -> None:
    clause = topic_clause(topic_params(FLOODS))
    assert "ids" not in str(clause) and clause["bool"]["filter"]
