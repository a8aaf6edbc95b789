"""How many articles hold a word, as the index counts it: what the topic candidate index files a topic under.

A topic that needs several words (or a phrase's runs) is filed under one of them, and an article meets it only if
it holds that one; any choice is sound, the rarest one is cheap. "Tokayev AND government" filed under `government`
is met by half the batch and then refused; filed under `tokayev`, by nobody. The counts are Elasticsearch's document
frequencies in the `body` field (one `_termvectors` of the words as an artificial document, no search), remembered,
and asked again once the index has grown GROWTH times since: the counts of a young index say little.

The counts only order the choice: a word the index never saw counts 0, and without counts (an error, an empty
index) every word counts 0 and the candidate index keeps its order by length.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable, Mapping
from typing import Any

from elasticsearch import ApiError, TransportError

from shared.topics.stems import chunks

log = logging.getLogger(__name__)
FIELD = "body"
GROWTH = 2  # the index holds this many times the articles it held when the counts were asked: asked again
MIN_ARTICLES = 100  # below this many articles, counts are not worth asking


class EngineCounts:
    """Document frequencies by word, for one index alias; thread-safe, each word asked once per growth of the index."""

    def __init__(self, es: Any, index: str) -> None:
        self.es, self.index = es, index
        self._counts: dict[str, int] = {}
        self._basis = 0  # articles in the index when the counts were asked
        self._lock = threading.Lock()

    def learn(self, words: Iterable[str]) -> Mapping[str, int]:
        """The counts, holding these words when the index could answer; never raises."""
        try:
            self._learn(set(words))
        except (ApiError, TransportError) as exc:
            log.warning("word counts not available, topics filed by word length: %.200s", exc)
        return self._counts

    def _learn(self, words: set[str]) -> None:
        total = int(self.es.count(index=self.index)["count"])
        if total < MIN_ARTICLES:
            return
        with self._lock:
            if total >= GROWTH * self._basis:
                self._counts, self._basis = {}, total
            missing = sorted(words.difference(self._counts))
        found: dict[str, int] = {}
        for chunk in chunks(missing):
            found.update(dict.fromkeys(chunk, 0))
            found.update(self._ask(chunk))
        with self._lock:
            self._counts = self._counts | found

    def _ask(self, words: list[str]) -> dict[str, int]:
        answer = self.es.termvectors(
            index=self.index,
            doc={FIELD: " ".join(words)},
            fields=[FIELD],
            term_statistics=True,
            field_statistics=False,
            positions=False,
            offsets=False,
            payloads=False,
        )
        terms = ((answer.get("term_vectors") or {}).get(FIELD) or {}).get("terms") or {}
        return {term: int(stats.get("doc_freq") or 0) for term, stats in terms.items()}
