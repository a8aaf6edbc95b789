"""Which way the indexer verifies topic candidates: the plugin only when every node of the cluster has it."""

from __future__ import annotations

from typing import Any

import pytest

from shared.topics.verification import plugin_on_every_node


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
