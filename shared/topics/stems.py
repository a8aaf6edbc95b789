"""The engine's stems of words, for the topic candidate index: a word as the index's own analyzer of a language
(`text_<stemmer>`, shared/es/analysis.py) leaves it, asked of Elasticsearch and remembered.

The candidate index must never leave out a topic the engine would match, so its keys are the engine's own terms: no
stemmer of ours to keep in step with Lucene's (whose Snowball stemmers follow neither Snowball release exactly). Each
word is asked once per language: the words of a batch or of new topics that are not known yet go in one `_analyze`
request per language, as an array (one value per word, so a token's offsets tell which word it came from).
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from typing import Any

from shared.analysis.languages import LANGUAGES, language_key, stemmer_of
from shared.es.analysis import analyzer_name

Tokens = tuple[str, ...]
Learned = dict[str, dict[str, Tokens]]  # stemmer -> word -> the engine's tokens of the word
# One language code per analyzer (several codes share one): every stem a word can have in the index.
STEMMING = sorted({stemmer_of(code): code for code in sorted(LANGUAGES, reverse=True)}.values())
# Characters per request: a token has at least one, so a request stays under the index's 10,000-token limit however
# the words split (a run of Han characters is one word here and a token per character to the standard tokenizer).
ANALYZE_CHARS = 9_000


class EngineStems:
    """Stems by analyzer and word. Bounded: past LIMIT words a new table starts, holding what the caller asked for;
    a table handed out is never emptied, so a caller's answer stays whole whatever other threads learn meanwhile."""

    LIMIT = 400_000

    def __init__(self, es: Any, index: str) -> None:
        self.es, self.index = es, index
        self._known: Learned = {}
        self._size = 0
        self._lock = threading.Lock()

    def learn(self, wanted: dict[str, set[str]]) -> Learned:
        """stemmer → word → the engine's tokens, holding at least these words by language code; one request per
        analyzer for the words not known yet."""
        by_stemmer: dict[str, set[str]] = {}
        for language, words in wanted.items():
            stemmer = stemmer_of(language)
            if stemmer:
                by_stemmer.setdefault(stemmer, set()).update(words)
        known = self._known
        learned = {
            stemmer: dict(self._ask(stemmer, sorted(words.difference(known.get(stemmer, ())))))
            for stemmer, words in by_stemmer.items()
        }
        with self._lock:
            if self._size + sum(map(len, learned.values())) > self.LIMIT:
                self._known, self._size = {}, 0
            for stemmer, found in learned.items():
                table = self._known.setdefault(stemmer, {})
                if self._known is not known:  # a new table since we looked: it must hold what was known then
                    found = found | {w: known[stemmer][w] for w in by_stemmer[stemmer].difference(found, table)}
                self._size += len(found.keys() - table.keys())
                table.update(found)
            return self._known

    def _ask(self, stemmer: str, words: list[str]) -> Iterable[tuple[str, Tokens]]:
        # A word longer than a request may be (hostile input: a page-long run of letters) is its own key: only a topic
        # word of 255 letters, the longest token the engine makes, could be missed by that.
        yield from ((word, (word,)) for word in words if len(word) > ANALYZE_CHARS)
        for chunk in chunks([word for word in words if len(word) <= ANALYZE_CHARS]):
            answer = self.es.indices.analyze(index=self.index, analyzer=analyzer_name(stemmer), text=chunk)
            yield from _by_word(chunk, answer["tokens"])


def chunks(words: list[str]) -> Iterable[list[str]]:
    """The words in runs of at most ANALYZE_CHARS characters: one request each."""
    chunk: list[str] = []
    size = 0
    for word in words:
        if chunk and size + len(word) > ANALYZE_CHARS:
            yield chunk
            chunk, size = [], 0
        chunk.append(word)
        size += len(word) + 1
    if chunk:
        yield chunk


def _by_word(words: list[str], tokens: list[dict[str, Any]]) -> Iterable[tuple[str, Tokens]]:
    """Each word with its tokens. The values of an array are analysed as one text, each starting one character
    (UTF-16, as Java counts) after the end of the one before."""
    starts, offset = [], 0
    for word in words:
        starts.append(offset)
        offset += len(word.encode("utf-16-le")) // 2 + 1
    found: list[list[str]] = [[] for _ in words]
    place = 0
    for token in tokens:
        while place + 1 < len(starts) and token["start_offset"] >= starts[place + 1]:
            place += 1
        found[place].append(token["token"])
    return ((word, tuple(made)) for word, made in zip(words, found, strict=True))


def stem_sequences(stems: Learned, tokens: list[str], language: str | None) -> list[list[str]]:
    """The tokens as the engine stems them in this language, in order (none for a language it does not stem). Every
    token must have been learned: a stem guessed here could leave out a topic the engine matches."""
    stemmer = stemmer_of(language) if language_key(language) else None
    if not stemmer:
        return []
    known = stems[stemmer]
    return [[stem for token in tokens for stem in known[token]]]
