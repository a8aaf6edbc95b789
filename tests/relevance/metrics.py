"""Precision@10 and reciprocal rank of one ranked list against binary judgements, and their means by group.

Precision@10: relevant hits among the first 10, over 10 (a query with r < 10 relevant articles can reach r/10
at most; that ceiling is reported beside it). Reciprocal rank: 1/rank of the first relevant hit, 0 when none is
in the first 10. MRR is its mean over queries.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

K = 10


@dataclass
class Scored:
    id: str
    q: str
    category: str
    language: str
    relevant: list[str]
    hits: list[str] = field(default_factory=list)  # ids of the first K hits, in rank order

    @property
    def first_relevant(self) -> int | None:
        """The rank (1-based) of the first relevant hit, None when none is in the first K."""
        wanted = set(self.relevant)
        return next((rank for rank, hit in enumerate(self.hits[:K], 1) if hit in wanted), None)

    @property
    def precision(self) -> float:
        wanted = set(self.relevant)
        return sum(hit in wanted for hit in self.hits[:K]) / K

    @property
    def ceiling(self) -> float:
        return min(len(self.relevant), K) / K

    @property
    def reciprocal_rank(self) -> float:
        rank = self.first_relevant
        return 1 / rank if rank else 0.0


def summary(scored: Iterable[Scored]) -> dict[str, float]:
    items = list(scored)
    n = len(items) or 1
    return {
        "queries": len(items),
        "mrr": round(sum(s.reciprocal_rank for s in items) / n, 4),
        "precision_at_10": round(sum(s.precision for s in items) / n, 4),
        "precision_ceiling": round(sum(s.ceiling for s in items) / n, 4),
        "first_at_1": round(sum(s.first_relevant == 1 for s in items) / n, 4),
    }


def by(scored: list[Scored], key: str) -> dict[str, dict[str, float]]:
    groups: dict[str, list[Scored]] = defaultdict(list)
    for s in scored:
        groups[getattr(s, key)].append(s)
    return {name: summary(items) for name, items in sorted(groups.items())}
