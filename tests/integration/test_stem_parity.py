"""The topic candidate index's Python stems (shared/topics/stems.py) conflate whatever the engine's analyzers do.

The candidate index may offer too many topics but never too few. It compares Python stems with Python stems, so the
stems need not be the engine's strings ("aktuell" is "aktull" in Lucene), but two words the engine stems alike must
share a stem here too: in one of the two Snowball releases shared/topics/stems.py stems with. Checked on every word
of the judged query set's corpus (generated articles in six languages, real pages), per language.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

import pytest
from elasticsearch import Elasticsearch

from shared.analysis.languages import LANGUAGES, words
from shared.es.index import drop_namespace, ensure_index
from shared.settings import Settings, get_settings
from shared.topics.stems import stems_by_release
from tests.relevance.corpus import corpus

CHUNK = 2000  # words per _analyze request (the index allows 10,000 tokens)


@pytest.fixture(scope="module")
def index() -> Iterator[tuple[Elasticsearch, str]]:
    settings = Settings(namespace=f"test-parity-{get_settings().namespace}")
    es = Elasticsearch(settings.elasticsearch_url)
    alias = ensure_index(es, settings)
    yield es, alias
    drop_namespace(es, alias)


def vocabulary() -> dict[str, set[str]]:
    """Every plain word of the corpus, by the code of its article's language."""
    found: dict[str, set[str]] = defaultdict(set)
    for article in corpus():
        code = (article.language or "").split("-")[0]
        if code in LANGUAGES:
            text = " ".join(filter(None, (article.title, article.subtitle, article.body)))
            found[code].update(w for w in words(text) if w.isalpha())
    return found


def engine_stems(es: Elasticsearch, alias: str, code: str, vocabulary: list[str]) -> dict[str, str]:
    """The engine's stem of each word it keeps as one token (a word it splits or drops is no plain word to it)."""
    stems: dict[str, str] = {}
    for start in range(0, len(vocabulary), CHUNK):
        chunk = vocabulary[start : start + CHUNK]
        text = " ".join(chunk)
        offsets = {}
        position = 0
        for word in chunk:
            offsets[position] = word
            position += len(word) + 1
        field = f"lang.{LANGUAGES[code].lower()}.body"
        for token in es.indices.analyze(index=alias, field=field, text=text)["tokens"]:
            word = offsets.get(token["start_offset"])
            if word and token["end_offset"] == token["start_offset"] + len(word):
                stems[word] = token["token"]
    return stems


def test_python_stems_conflate_what_the_engine_conflates(index: tuple[Elasticsearch, str]) -> None:
    es, alias = index
    by_language = vocabulary()
    assert {"en", "ru", "de", "fr", "es"} <= set(by_language)
    for code, found in sorted(by_language.items()):
        theirs = engine_stems(es, alias, code, sorted(found))
        kept = sorted(theirs)
        releases = [dict(zip(kept, stems, strict=True)) for stems in stems_by_release(kept, code)]
        classes: dict[str, set[str]] = defaultdict(set)
        for word, stem in theirs.items():
            classes[stem].add(word)
        split = [
            frozenset(words)
            for words in classes.values()
            if not any(len({release[w] for w in words}) == 1 for release in releases)
        ]
        assert not split, f"{code}: {len(split)} of {len(classes)} engine stems are split here: {sorted(map(sorted, split))[:10]}"
