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

from shared.places.demonyms import DEMONYMS
from shared.places.gazetteer import Gazetteer, fold, gazetteer

MENTION_CITY_POPULATION = 250_000
MAX_WORDS = 4
_WORD = re.compile(r"[\w’'-]+(?:\.(?=\w\.))?|[.,;:!?()\"«»“”]")
_CONNECTORS = {"of", "de", "del", "la", "le", "el", "am", "an", "der", "upon", "on", "du", "des"}
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


def _lookup(words: list[str], index: dict[str, str]) -> str | None:
    key = fold(" ".join(words))
    if key in index:
        return index[key]
    last = words[-1]
    if re.search(r"[а-яё]$", last):  # Russian: undo the case ending
        for ending in _RU_ENDINGS:
            if last.endswith(ending) and len(last) - len(ending) >= 4:
                stem = fold(" ".join([*words[:-1], last[: -len(ending)]]))
                for nominative in _RU_NOMINATIVE:
                    if stem + nominative in index:
                        return index[stem + nominative]
    return None


def capitalised_runs(text: str) -> list[list[str]]:
    """Runs of capitalised words ("New York", "Bosnia and Herzegovina" is two runs)."""
    runs: list[list[str]] = []
    current: list[str] = []
    for token in _WORD.findall(text):
        if token[:1].isupper() or (current and token.lower() in _CONNECTORS):
            current.append(token.rstrip("’'").removesuffix("’s").removesuffix("'s"))
            continue
        if current:
            runs.append(current)
        current = []
    if current:
        runs.append(current)
    return runs


def count_mentions(text: str) -> Counter[str]:
    index = mention_index()
    counts: Counter[str] = Counter()
    for run in capitalised_runs(text):
        start = 0
        while start < len(run):
            for size in range(min(MAX_WORDS, len(run) - start), 0, -1):
                code = _lookup(run[start : start + size], index)
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
