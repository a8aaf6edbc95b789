"""Scores of the quality harness, as the public benchmark's scorer computes body overlap.

Body: 4-word shingles of lower-cased word tokens, counted with multiplicity; per page precision and
recall, averaged over pages, and F1 of the two averages (scrapinghub/article-extraction-benchmark).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence

_TOKEN = re.compile(r"\w+", re.UNICODE)


def shingles(text: str, n: int = 4) -> Counter[tuple[str, ...]]:
    tokens = _TOKEN.findall(text.lower())
    return Counter(tuple(tokens[i : i + n]) for i in range(max(0, len(tokens) - n + 1)))


def precision_recall(extracted: str, gold: str) -> tuple[float, float]:
    got, want = shingles(extracted), shingles(gold)
    if not got and not want:
        return 1.0, 1.0
    if not got or not want:
        return (0.0 if got else 1.0), (0.0 if want else 1.0)
    common = sum((got & want).values())
    return common / sum(got.values()), common / sum(want.values())


def f1_of(pairs: Sequence[tuple[float, float]]) -> tuple[float, float, float]:
    """(precision, recall, F1) over pages: F1 of the mean precision and mean recall."""
    if not pairs:
        return 0.0, 0.0, 0.0
    precision = sum(p for p, _ in pairs) / len(pairs)
    recall = sum(r for _, r in pairs) / len(pairs)
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1
