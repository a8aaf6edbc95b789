"""Snowball stems in Python, for the topic candidate index only: every stem a word may have in the engine.

The index stems in Elasticsearch (shared/es/analysis.py) with Lucene's Snowball stemmers, which follow neither
Snowball release exactly: on German they agree with Snowball 3 ("System"/"Systeme"), on English with Snowball 2.2
("emergency"/"emergent"). The candidate index must never miss a topic the engine would match, so a word's stems here
are its stems by both releases: Snowball 3 compiled to C (PyStemmer), Snowball 2.2 in pure Python (snowballstemmer,
remembered per word). Two words the engine stems alike then share a stem here (tests/integration/test_stem_parity.py
checks every word of the judged corpus). Matching topics in the engine will remove this module.
"""

from __future__ import annotations

import importlib
import threading
from functools import lru_cache
from typing import Any

import Stemmer

from shared.analysis.languages import LANGUAGES, language_key

_local = threading.local()


def _stemmers(code: str) -> tuple[Any, Any]:
    """One pair per language and thread: a Snowball stemmer keeps its word in itself and is not thread-safe."""
    made: dict[str, tuple[Any, Any]] = _local.__dict__.setdefault("stemmers", {})
    if code not in made:
        name = LANGUAGES[code].lower()
        older = importlib.import_module(f"snowballstemmer.{name}_stemmer")
        made[code] = (Stemmer.Stemmer(name), getattr(older, f"{LANGUAGES[code]}Stemmer")())
    return made[code]


@lru_cache(maxsize=1 << 18)
def _older_stem(code: str, word: str) -> str:
    return str(_stemmers(code)[1].stemWord(word))


def stems_by_release(tokens: list[str], code: str) -> tuple[list[str], list[str]]:
    """The tokens' stems in this language by Snowball 3 and by Snowball 2.2."""
    return _stemmers(code)[0].stemWords(tokens), [_older_stem(code, w) for w in tokens]


def stem_sequences(tokens: list[str], language: str | None) -> list[list[str]]:
    """The tokens' distinct stem sequences in this language: one where both releases agree on every token, else two
    (the candidate index makes keys and neighbour pairs of each, so an equal second copy would be work for nothing)."""
    code = language_key(language)
    if not code:
        return [tokens]
    newer, older = stems_by_release(tokens, code)
    return [newer] if newer == older else [newer, older]
