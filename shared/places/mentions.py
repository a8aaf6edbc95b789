"""Places mentioned in a text, as country codes: country names, demonyms and larger cities all count.

Only capitalised words are looked at (place names are proper nouns in every language we take);
Russian case endings are undone by trying the word without them. Cities count from
MENTION_CITY_POPULATION up, or when they are a capital; a stop list keeps ordinary words that are
also city names ("Nice", "Mobile", "Reading") out.
"""

from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache

import regex

from shared.places.demonyms import DEMONYMS
from shared.places.gazetteer import Gazetteer, fold, gazetteer

MENTION_CITY_POPULATION = 250_000
MAX_WORDS = 4
_CONNECTORS = {"of", "de", "del", "la", "le", "el", "am", "an", "der", "upon", "on", "du", "des"}
# A whole run at once: a capitalised word, then more of them or connectors, with nothing between two words but spaces,
# dashes, slashes and the like: a lower-case word, a digit or a punctuation mark (.,;:!?()"«»“”) ends the run. The
# scan over all of an article's words happens in C; Python sees only the runs (a loop over every word was 10 % of a
# worker's CPU). The `regex` module (dateparser's) keeps every capture of a repeated group: the run's words.
_CAPITALISED = r"(?<![\w’'-])\p{Lu}[\w’'-]*(?:\.(?=\w\.))?"
_CONNECTOR = r"(?<![\w’'-])(?i:" + "|".join(sorted(_CONNECTORS)) + r")(?![\w’'-])"
_BETWEEN = r"[^\w’'\-.,;:!?()\"«»“”]*"
_RUN = regex.compile(rf"(?P<word>{_CAPITALISED})(?:{_BETWEEN}(?P<word>{_CAPITALISED}|{_CONNECTOR}))*")
_RU_ENDINGS = ("ами", "ями", "ого", "ему", "ом", "ой", "ей", "ах", "ях", "ы", "и", "а", "я", "е", "у", "ю")
_RU_NOMINATIVE = ("", "а", "я", "ь", "й", "ия")
STOP_WORDS = {
    "nice",
    "mobile",
    "reading",
    "split",
    "bath",
    "march",
    "may",
    "university",
    "police",
    "victoria",
    "of",
    "mission",
    "independence",
    "progress",
    "union",
    "liberty",
    "concord",
    "commerce",
    "orange",
    "marina",
    "sale",
    "hamilton",
    "mesa",
    "temple",
    "aurora",
    "florence",
    "eugene",
    "irvine",
    "cambridge",
    "jackson",
    "lincoln",
    "columbia",
    "charlotte",
    "madison",
    "santa",
    "san",
    "saint",
    "st",
    "la",
    "el",
    "president",
}


@lru_cache(maxsize=1)
def mention_index() -> dict[str, str]:
    """Folded name -> country code, for everything that counts as a mention."""
    gaz: Gazetteer = gazetteer()
    index: dict[str, str] = {}
    capitals = {(c.capital, c.code) for c in gaz.countries.values()}
    for key, cities in gaz.cities.items():
        best = cities[0]
        if key in STOP_WORDS or len(key) < 4:
            continue
        if best.population >= MENTION_CITY_POPULATION or (best.name, best.country_code) in capitals:
            index[key] = best.country_code
    index.update(gaz.country_names)
    for code, names in DEMONYMS.items():
        index.update({fold(name): code for name in names})
    return index


@lru_cache(maxsize=65_536)
def _lookup(phrase: str) -> str | None:
    """The country a phrase of a run names, or None. Remembered: the same names come back in article after article,
    and folding them was a third of the time spent on mentions."""
    index = mention_index()
    key = fold(phrase)
    if key in index:
        return index[key]
    head, _, last = phrase.rpartition(" ")
    if re.search(r"[а-яё]$", last):  # Russian: undo the case ending
        for ending in _RU_ENDINGS:
            if last.endswith(ending) and len(last) - len(ending) >= 4:
                stem = fold(f"{head} {last[: -len(ending)]}")
                for nominative in _RU_NOMINATIVE:
                    if stem + nominative in index:
                        return index[stem + nominative]
    return None


def capitalised_runs(text: str) -> list[list[str]]:
    """Runs of capitalised words ("New York", "Bosnia and Herzegovina" is two runs)."""
    return [[_clean(token) for token in run.captures("word")] for run in _RUN.finditer(text)]


def _clean(token: str) -> str:
    return token.rstrip("’'").removesuffix("’s").removesuffix("'s")


def count_mentions(text: str) -> Counter[str]:
    counts: Counter[str] = Counter()
    for run in capitalised_runs(text):
        start = 0
        while start < len(run):
            for size in range(min(MAX_WORDS, len(run) - start), 0, -1):
                code = _lookup(" ".join(run[start : start + size]))
                if code:
                    counts[code] += 1
                    start += size
                    break
            else:
                start += 1
    return counts


def places_mentioned(text: str) -> list[str]:
    """Country codes mentioned in the text, most mentioned first."""
    return [code for code, _ in count_mentions(text).most_common()]
