"""Which topics could match which articles of a batch, decided in Python so that Elasticsearch only checks those.

Elasticsearch verifies every candidate (shared/topics/matcher.py); this index only has to never leave out a
topic that would match. A topic's requirements are what any article it matches must hold:
- its facet filters (location, country, source, language), exact as keyword fields compare them;
- with a conjunctive `q` (no `|`/OR, no parentheses): every wanted word, as the word or its stem in some language,
  and each phrase word after word (as words, or as stems of some language);
- with a disjunctive `q` and no exclusion: at least one wanted word;
- a place filter (near, bbox): a dateline point that could be inside it (shared/topics/area.py).
A `q` this cannot reduce (`word*`, exclusions beside OR, nothing but exclusions, scripts that Elasticsearch's
standard tokenizer splits per character) leaves the topic a candidate for every article that passes its filters.
An article's words are those of its title, subtitle, body and dateline place, as written and as the engine's analyzer of
its language stems them (shared/topics/stems.py: asked of Elasticsearch, not guessed), and the runs of two and three
of them that stand side by side in one field (made only for an article that some phrase is checked against).

A topic is filed under the rarest of the keys it needs, as the index counts them (shared/topics/rarity.py).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from itertools import combinations, pairwise, product
from math import prod
from typing import Any

from shared.analysis.document import ANALYSED
from shared.analysis.languages import language_key, stemmer_of, words
from shared.analysis.query import Token, tokenize
from shared.es.fields import FACETS
from shared.es.queries import topic_geo
from shared.topics.area import Area, Point, area_of, point_of
from shared.topics.rarity import EngineCounts
from shared.topics.stems import STEMMING, EngineStems, Learned, stem_sequences

# Han, kana, Hangul, Thai, Lao, Khmer, Myanmar...: the standard tokenizer makes a token of each character there.
_PER_CHARACTER = re.compile("[\u0e00-\u109f\u1780-\u17ff\u2e80-\ua4cf\uac00-\ud7af\uf900-\ufaff\uff66-\uff9f]")
MAX_SHELVES = 32  # shelves one topic is filed on: past it, the facets with the most values are left to `holds`
Shelf = tuple[tuple[str, str], ...]  # (facet, value) pairs, by facet name: an article is on every subset of its own
Run = tuple[str, ...]  # two or three tokens side by side
Counts = Mapping[str, int]  # articles holding a word (shared/topics/rarity.py); a word left out counts 0


def word_keys(word: str, stems: Learned) -> frozenset[str]:
    """The keys under which an article holds this query word: the word's parts and their stems in every language."""
    parts = words(word)
    keys = set(parts)
    for code in STEMMING:
        for stemmed in stem_sequences(stems, parts, code):
            keys.update(stemmed)
    return frozenset(keys)


def query_words(matches: Iterable[dict[str, Any]]) -> dict[str, set[str]]:
    """What the requirements of these topics will ask stems of: every word of their queries, in every language."""
    found = {w for match in matches for w in words(match.get("q") or "")}
    return {code: found for code in STEMMING}


@dataclass(frozen=True)
class Phrase:
    """A phrase the article must hold word after word, as its words (title, subtitle, body, dateline place) or as stems
    (the language fields, and the dateline place, which the query also searches): every pair of neighbouring
    words of the phrase must stand side by side somewhere in the article, and every run of three of a longer phrase:
    a phrase of three is then held whole, as the engine's phrase query needs.

    An article has the language fields of its own language only, so only two variants can be held by it: the
    phrase's words, and its stems in the article's language (`variants[stemmer]`; None: an unstemmed language)."""

    variants: dict[str | None, tuple[Variant, ...]]


@dataclass(frozen=True)
class Variant:
    """One way of holding a phrase: its tokens as words, or as one language's stems (an analyzer's stopwords left out,
    on both sides alike), as neighbouring pairs and, for three tokens or more, runs of three."""

    runs: tuple[Run, ...]

    @classmethod
    def of(cls, tokens: tuple[str, ...] | list[str]) -> Variant:
        triples = zip(tokens, tokens[1:], tokens[2:], strict=False)
        return cls(tuple(dict.fromkeys([*pairwise(tokens), *triples])))

    def held(self, doc: Doc) -> bool:
        return all(doc.holds(run) for run in self.runs)


@dataclass
class Requirement:
    topic: int  # its place in the matcher's topic list
    terms: list[frozenset[str]] = field(default_factory=list)  # each: keys of which the article must hold one
    any_term: bool = False  # one satisfied term is enough (a disjunctive q)
    phrases: list[Phrase] = field(default_factory=list)  # each must be held word after word (a conjunctive q)
    filters: dict[str, set[str]] = field(default_factory=dict)  # facet -> accepted values
    area: Area | None = None  # near/within, bbox: the article needs a dateline point that could be inside

    def holds(self, doc: Doc) -> bool:
        # Plain loops, not generators: this runs for every topic an article meets, thousands of times per batch.
        if self.area is not None and not (doc.placed and self.area.could_hold(doc.point)):
            return False
        for facet, values in self.filters.items():
            if doc.facets.get(facet) not in values:
                return False
        if not self.terms and not self.phrases:
            return True
        if self.any_term:
            held = any(not keys.isdisjoint(doc.keys) for keys in self.terms)
            return held or any(self._phrase_held(p, doc) for p in self.phrases)
        for keys in self.terms:
            if keys.isdisjoint(doc.keys):
                return False
        return all(self._phrase_held(p, doc) for p in self.phrases)

    @staticmethod
    def _phrase_held(phrase: Phrase, doc: Doc) -> bool:
        return any(variant.held(doc) for variant in phrase.variants.get(doc.stemmer) or phrase.variants[None])


@dataclass
class Doc:
    keys: set[str]
    facets: dict[str, Any]
    placed: bool
    point: Point | None  # its dateline point, when placed and readable
    sequences: list[list[str]]  # the words of every searched field
    shelves: list[Shelf] = field(default_factory=list)
    stemmer: str | None = None  # the analyzer of the article's language fields (None: it has none)
    stemmed: list[list[str]] = field(default_factory=list)  # the stems of the stemmed fields, in order

    def holds(self, run: Run) -> bool:
        """Whether these tokens stand side by side in one of its fields, as words or as stems."""
        return run in (self.pairs if len(run) == 2 else self.triples)

    @cached_property
    def pairs(self) -> set[Run]:
        """Neighbouring words and neighbouring stems (`set(pairwise())` in C: cheaper than keeping only the pairs
        some phrase starts)."""
        return set().union(*(pairwise(tokens) for tokens in (*self.sequences, *self.stemmed)))

    @cached_property
    def triples(self) -> set[Run]:
        """Runs of three words or three stems."""
        return set().union(*(zip(t, t[1:], t[2:], strict=False) for t in (*self.sequences, *self.stemmed)))


def _facet_value(doc: dict[str, Any], path: str) -> Any:
    value: Any = doc
    for part in path.removesuffix(".keyword").split("."):
        value = value.get(part) if isinstance(value, dict) else None
    return value


def doc_texts(doc: dict[str, Any]) -> list[list[str]]:
    """The words of the fields the language analyzers search: what is stemmed of an article."""
    return [words(doc.get(name) or "") for name in ANALYSED]


def doc_view(doc: dict[str, Any], stems: Learned, texts: list[list[str]] | None = None) -> Doc:
    """What the requirements look at in an article (`texts`: its `doc_texts`, when already made)."""
    location = doc.get("location") or {}
    texts = doc_texts(doc) if texts is None else texts
    places = [words(location.get("city") or ""), words(location.get("country") or "")]
    language = doc.get("language")
    stemmer = stemmer_of(language) if language_key(language) else None
    stemmed = [stemmed for text in texts for stemmed in stem_sequences(stems, text, language)] if stemmer else []
    keys: set[str] = set().union(*texts, *places, *stemmed)
    facets = {facet: _facet_value(doc, path) for facet, path in FACETS.items()}
    held = sorted((facet, value) for facet, value in facets.items() if isinstance(value, str))
    shelves = [shelf for size in range(len(held) + 1) for shelf in combinations(held, size)]
    return Doc(keys, facets, bool(location.get("geo")), point_of(location), texts + places, shelves, stemmer, stemmed)


@dataclass
class Terms:
    wanted: list[str]  # every word the query wants (phrases' too)
    phrases: list[list[str]]  # the phrases it wants word after word (no slop)
    disjunctive: bool
    either: list[list[str]] | None = None  # a q of alternatives each one word or phrase (`"New Delhi" | Cairo`): them


def _alternatives(tokens: list[Token]) -> list[list[str]] | None:
    """The alternatives of a q that is only words and exact phrases joined by `|`, each a word or a phrase's words;
    None for any other q (precedence between `|` and the implicit AND is then the engine's to decide)."""
    items, joins = tokens[::2], tokens[1::2]
    if len(tokens) % 2 == 0 or any(t.kind != "op" or t.text != "|" for t in joins):
        return None
    if any(t.kind not in ("word", "phrase") or t.slop or not words(t.text) for t in items):
        return None
    return [words(t.text) if t.kind == "phrase" else [t.text] for t in items]


def _terms(q: str) -> Terms | None:
    """What an article must hold for q to match it, when this index can tell; None when it cannot."""
    tokens = tokenize(q)
    found = Terms([], [], any(t.kind == "op" and t.text in ("|", "(", ")") for t in tokens))
    excludes, pending_neg = False, False
    for t in tokens:
        if t.kind == "neg":
            pending_neg = excludes = True
            continue
        if t.kind == "word" and t.text.endswith("*"):
            return None
        if t.kind in ("word", "phrase") and not pending_neg:
            found.wanted += [w for w in t.text.split() if words(w)]
            if t.kind == "phrase" and not t.slop and len(words(t.text)) > 1:
                found.phrases.append(words(t.text))
        pending_neg = False
    if not found.wanted or (found.disjunctive and excludes) or any(_PER_CHARACTER.search(w) for w in found.wanted):
        return None
    found.either = _alternatives(tokens) if found.disjunctive else None
    return found


def phrase(parts: list[str], stems: Learned) -> Phrase:
    as_words = Variant.of(parts)
    variants: dict[str | None, tuple[Variant, ...]] = {None: (as_words,)}
    for code in STEMMING:
        stemmed = {tuple(sequence) for sequence in stem_sequences(stems, parts, code)} - {tuple(parts)}
        variants[stemmer_of(code)] = (as_words, *(Variant.of(tokens) for tokens in sorted(stemmed)))
    return Phrase(variants)


def _either(alternatives: list[list[str]], stems: Learned) -> tuple[list[frozenset[str]], list[Phrase]] | None:
    """The words and the phrases of which an article must hold one; None when a phrase has no pair to file under."""
    phrases = [phrase(words_of, stems) for words_of in alternatives if len(words_of) > 1]
    if not all(_run_keys(p, {}) for p in phrases):
        return None
    return list(dict.fromkeys(word_keys(w[0], stems) for w in alternatives if len(w) == 1)), phrases


def requirement(position: int, match: dict[str, Any], stems: Learned) -> Requirement:
    """What an article must hold for this topic to match it; `stems` has learned the topic's `query_words`."""
    filters = {facet: set(values) for facet, values in (match.get("filters") or {}).items() if values}
    req = Requirement(topic=position, filters=filters, area=area_of(topic_geo(match)))
    parsed = _terms(match.get("q") or "") if (match.get("q") or "").strip() else None
    if parsed:
        req.any_term = parsed.disjunctive
        alternatives = _either(parsed.either, stems) if parsed.either else None
        if alternatives:
            req.terms, req.phrases = alternatives
        else:
            req.terms = list(dict.fromkeys(word_keys(w, stems) for w in parsed.wanted))
            req.phrases = [] if parsed.disjunctive else [phrase(p, stems) for p in parsed.phrases]
    elif (match.get("q") or "").strip():
        req.terms = []  # a q this index cannot use: Elasticsearch alone decides
    return req


def shelves(req: Requirement) -> list[Shelf]:
    """The shelves a topic is filed on: one per combination of the values its filters accept (an article is on the
    shelf of every subset of its own facet values, so it meets every topic whose filters it passes)."""
    facets = sorted(req.filters, key=lambda facet: (len(req.filters[facet]), facet))
    while prod(len(req.filters[facet]) for facet in facets) > MAX_SHELVES:
        facets.pop()
    options = [[(facet, value) for value in sorted(req.filters[facet])] for facet in sorted(facets)]
    return [tuple(shelf) for shelf in product(*options)]


def _run_keys(phrase: Phrase, counts: Counts) -> set[Key]:
    """Words side by side are far rarer than either alone: every way an article can hold the phrase (its words, its
    stems in each language) holds all of that way's runs, so one run of each will do: the rarest by its rarest
    word, then the longest (none: a way that is one token, an analyzer's stopwords left out, has no run)."""
    variants = [variant.runs for each in phrase.variants.values() for variant in each]
    if not all(variants):
        return set()
    return {min(runs, key=lambda run: (_run_count(run, counts), -len(run), -len("".join(run)))) for runs in variants}


def _run_count(run: Run, counts: Counts) -> int:
    """At most as many articles hold a run as hold its rarest word."""
    return min(counts.get(token, 0) for token in run)


def _key_count(keys: Iterable[Key], counts: Counts) -> int:
    """Articles an option's keys could bring: the sum of theirs (a word's and its stems', a phrase's runs)."""
    return sum(_run_count(key, counts) if isinstance(key, tuple) else counts.get(key, 0) for key in keys)


def filing_keys(req: Requirement, counts: Counts) -> set[Key]:
    """The keys a topic is filed under: an article that could match it holds one of them. A disjunctive topic: all
    its alternatives. Else one of its needs, the rarest (`counts`), ties going to a phrase (its runs), then to the
    term with the longest word."""
    if req.any_term:  # any alternative will do: each is filed, a word under its keys, a phrase under its runs
        return set().union(*req.terms, *(_run_keys(phrase, counts) for phrase in req.phrases))
    options: list[tuple[tuple[int, int, int], set[Key]]] = []
    for place, phrase in enumerate(req.phrases):
        if keys := _run_keys(phrase, counts):
            options.append(((_key_count(keys, counts), 0, place), keys))
    for term in req.terms:
        options.append(((_key_count(term, counts), 1, -max(map(len, term))), set(term)))
    return min(options, key=lambda option: option[0])[1] if options else {""}


Key = str | Run  # a word (or stem) an article holds, or two or three it holds side by side


def key_words(requirements: Iterable[Requirement]) -> set[str]:
    """Every word and stem the requirements could be filed under: what their counts are asked for."""
    found: set[str] = set()
    for req in requirements:
        found.update(*req.terms)
        for phrase in req.phrases:
            found.update(token for each in phrase.variants.values() for v in each for run in v.runs for token in run)
    return found


@dataclass
class CandidateIndex:
    """Topics filed by shelf (the facet values their filters need), then under keys an article must hold one of (any
    of a disjunctive topic's words; a run of neighbouring words of a phrase; "" for a topic without one): an article
    only meets the topics on its shelves filed under its own words and runs."""

    requirements: list[Requirement]
    filed: dict[Shelf, dict[Key, list[Requirement]]] = field(default_factory=dict)
    run_lengths: dict[Shelf, set[int]] = field(default_factory=dict)  # the lengths of the runs filed on a shelf

    @classmethod
    def build(cls, matches: list[dict[str, Any]], stems: EngineStems, counts: EngineCounts | None = None) -> CandidateIndex:
        learned = stems.learn(query_words(matches))
        return cls.counted([requirement(i, m, learned) for i, m in enumerate(matches)], counts)

    @classmethod
    def counted(cls, requirements: list[Requirement], counts: EngineCounts | None) -> CandidateIndex:
        """The index of these requirements, filed by the counts of their words (none without `counts`)."""
        return cls.of(requirements, counts.learn(key_words(requirements)) if counts else {})

    @classmethod
    def of(cls, requirements: list[Requirement], counts: Counts) -> CandidateIndex:
        """The index of requirements already made (each `topic` its place in the list), each filed under its rarest
        keys by these counts (`key_words` of the requirements)."""
        index = cls(requirements=requirements)
        for req in index.requirements:
            keys = filing_keys(req, counts)
            for shelf in shelves(req):
                keyed = index.filed.setdefault(shelf, {})
                for key in keys:
                    if isinstance(key, tuple):
                        index.run_lengths.setdefault(shelf, set()).add(len(key))
                    keyed.setdefault(key, []).append(req)
        return index

    @property
    def always(self) -> list[Requirement]:
        """The topics every article meets: no filter and no word to file them under."""
        return self.filed.get((), {}).get("", [])

    def met(self, view: Doc) -> list[Requirement]:
        """The topics on the article's shelves filed under one of its keys (or under none)."""
        met: dict[int, Requirement] = {}
        for shelf in view.shelves:
            keyed = self.filed.get(shelf)
            if not keyed:
                continue
            # The words and runs both hold, found in C (whichever side is smaller is walked), and the topics filed
            # under none.
            held: list[Key] = [*(keyed.keys() & view.keys), ""]
            for length in self.run_lengths.get(shelf) or ():
                held += keyed.keys() & (view.pairs if length == 2 else view.triples)
            for key in held:
                met.update((id(req), req) for req in keyed.get(key) or ())
        return list(met.values())

    def candidates(self, docs: list[dict[str, Any]], stems: EngineStems) -> dict[int, list[str]]:
        """Topic position -> ids of the batch's articles it could match."""
        texts = [doc_texts(doc) for doc in docs]
        wanted: dict[str, set[str]] = {}
        for doc, words_of_doc in zip(docs, texts, strict=True):
            if language_key(doc.get("language")):
                wanted.setdefault(doc["language"], set()).update(*words_of_doc)
        learned = stems.learn(wanted)
        found: dict[int, list[str]] = {}
        for doc, words_of_doc in zip(docs, texts, strict=True):
            view = doc_view(doc, learned, words_of_doc)
            for req in self.met(view):
                if req.holds(view):
                    found.setdefault(req.topic, []).append(doc["id"])
        return found
