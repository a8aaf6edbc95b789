# ruff: noqa: RUF001 - queries in Russian, German, French and Spanish on purpose
"""Writes tests/relevance/judgements.json from the queries below; the file, checked in, is the source of truth.

    .venv/bin/python -m tests.relevance.make_judgements [--check]

Each query was written from the corpus articles' own text, never from our ranking (docs/relevance.md):
- a topic query lists by hand the articles that report its event (their ids: tests/relevance/corpus.py);
- a place query's relevant articles are those filed from the place or naming it (a word match on the text);
- a prefix query's are those holding a word that starts with the prefix;
- an exclusion query's are its topic's articles that do not name the excluded word.
`--check` prints, for each topic query, the other articles that share the first letters of all its words: the
candidates a judge reads before leaving them out.
"""

from __future__ import annotations

import argparse
import json
import re
from pathlib import Path
from typing import Any

from shared.articles.model import NormalizedArticle
from tests.relevance.corpus import GENERATED, SEED, corpus, fingerprint

OUT = Path(__file__).with_name("judgements.json")
PLAGUE = ["aeb-432362af0b", "aeb-8b19453030", "aeb-ba4dfe2d3e", "aeb-ea25dd7edf"]
STADIA = ["aeb-042bb7b5fe", "aeb-8267acacb9", "aeb-e100c9612a", "aeb-aade2ec8d1", "aeb-680c2848e9"]
METH = ["aeb-156770d676", "aeb-3f65af7b6b", "aeb-776a1c0467", "aeb-c13b9c0e04"]
DOOBIE = ["aeb-35b158918c", "aeb-9cb8224b66", "aeb-ac1bfdd4c5"]
HONG_KONG = ["aeb-5fa3154ec0", "aeb-624fcd903d", "aeb-e4c6a3b482"]
WAGE = ["page-31-es-madrid-efe", "page-46-es-text-santiago-heldout"]
DUVET = ["aeb-9eef8162bb", "aeb-a078b3656a", "aeb-7bb1ca9035", "aeb-bd673bd798"]  # the same medical case
FLOODS = ["story-floods-1", "story-floods-2"]
# Iran, Indiana, Bolivia and the three Hong Kong reports are about protesters as much as the planted story.
PROTESTS = ["story-protest", "aeb-d90bda7ed1", "aeb-7de5241947", "aeb-4a44ab3e4c", *HONG_KONG]

# (id, q, category, language, relevant): words in another inflected form than the articles use.
TOPICS: list[tuple[str, str, str, str, list[str]]] = [
    ("flooding", "flooding", "morphology", "en", [*FLOODS, "page-05-en-guardian-style-sydney"]),
    ("elections", "elections", "morphology", "en", ["story-election", "aeb-e7994d5500"]),  # the UK campaign
    ("protesters", "protesters", "morphology", "en", PROTESTS),
    ("storm", "storm", "morphology", "en", ["page-02-en-ap-style-paris-texas", "page-48-en-text-manila-heldout"]),
    ("miner", "miner", "morphology", "en", ["story-miners"]),
    ("drone", "drone", "morphology", "en", ["page-08-en-cnn-style-kyiv"]),
    ("evacuations", "evacuations", "morphology", "en", ["page-48-en-text-manila-heldout"]),
    ("hostage", "hostage", "morphology", "en", ["sample", "aeb-a1fca19b88"]),
    ("tariff", "tariff", "morphology", "en", ["aeb-b6906ca016", "aeb-39d5c43beb", "aeb-702d1da63b"]),
    ("surpluses", "surpluses", "morphology", "en", ["page-15-en-buenos-aires"]),
    ("vetoes", "vetoes", "morphology", "en", ["page-11-en-text-tbilisi"]),
    ("heatwaves", "heatwaves", "morphology", "en", ["page-17-en-cordoba-spain"]),
    ("typhoons", "typhoons", "morphology", "en", ["page-48-en-text-manila-heldout"]),
    ("plagues", "plagues", "morphology", "en", PLAGUE),
    ("rabbits", "rabbits", "morphology", "en", PLAGUE),  # all four report the hunter who ate a rabbit
    ("metropoliten", "метрополитен", "morphology", "ru", ["page-38-ru-text-almaty"]),
    ("elektrobusy", "электробусы", "morphology", "ru", ["page-41-ru-text-novosibirsk"]),
    ("razvyazki", "развязки", "morphology", "ru", ["page-39-ru-spb-cp1251"]),
    ("tokaeva", "Токаева", "morphology", "ru", ["page-42-ru-text-astana-2024"]),
    ("pavodki", "паводки", "morphology", "ru", ["story-pavodok"]),
    ("bundeshaushalts", "Bundeshaushalts", "morphology", "de", ["page-19-de-berlin-haushalt"]),
    ("leitzinsen", "Leitzinsen", "morphology", "de", ["page-22-de-zuerich"]),
    ("oktoberfests", "Oktoberfests", "morphology", "de", ["page-21-de-muenchen-latin1"]),
    ("besucherzentren", "Besucherzentren", "morphology", "de", ["page-44-de-text-koeln-heldout"]),
    ("telepheriques", "téléphériques", "morphology", "fr", ["page-26-fr-text-lyon"]),
    ("compression", "compression", "morphology", "fr", ["page-28-fr-text-montreal"]),
    ("serments", "serments", "morphology", "fr", ["page-29-fr-dakar"]),
    ("colectivo", "colectivo", "morphology", "es", ["page-34-es-text-cordoba-ar"]),
    ("megapuertos", "megapuertos", "morphology", "es", ["page-35-es-lima"]),
    ("naryn-plants", "hydropower plants Naryn", "multi-word", "en", ["page-06-en-text-bishkek"]),
    ("mexico-cutting", "Mexico central bank cutting rates", "multi-word", "en", ["page-12-en-mexico-city"]),
    ("junior-doctors", "junior doctor strikes England", "multi-word", "en", ["page-03-en-bbc-style-london"]),
    ("doobie", "Doobie Brothers reunites McDonald", "multi-word", "en", DOOBIE),
    ("hibernating", "hibernating astronaut", "multi-word", "en", ["aeb-b37be3535e", "aeb-e1c7023ee2"]),
    ("duvet", "feather duvets lung", "multi-word", "en", DUVET),
    ("assange", "Sweden dropped Assange investigations", "multi-word", "en", ["aeb-c7e39ac49f", "aeb-dc7ccccc1f"]),
    ("omar", "man pleaded guilty threatening Omar", "multi-word", "en", ["aeb-6ebac05f63", "aeb-7a457a4f71"]),
    ("emirates", "Emirates ordering Boeing 787", "multi-word", "en", ["aeb-374ac9a59a"]),
    ("helicopter", "helicopter crashes Afghanistan", "multi-word", "en", ["aeb-7916ecca96"]),
    ("mourinho", "Mourinho replacing Pochettino", "multi-word", "en", ["aeb-921019755f"]),
    ("landers", "NASA lunar landers companies", "multi-word", "en", ["aeb-c50845a715", "aeb-d1c57d7821"]),
    ("drones-ukraine", "Ukraine downing drones overnight", "multi-word", "en", ["page-08-en-cnn-style-kyiv"]),
    ("aviation-bill", "Senate passing aviation safety bills", "multi-word", "en", ["page-07-en-text-washington"]),
    ("illinois", "Illinois lawmaker approves budget", "multi-word", "en", ["page-09-en-springfield-ill"]),
    ("kenya-id", "Kenya digital IDs registrations", "multi-word", "en", ["page-13-en-nairobi-nodate-meta"]),
    ("hamas-condemn", "Kazakhstan condemning Hamas attack", "multi-word", "en", ["sample"]),
    ("sydney-wettest", "wettest days Sydney", "multi-word", "en", ["page-05-en-guardian-style-sydney"]),
    ("flooded-villages", "flooded villages stranded families", "multi-word", "en", FLOODS),
    ("striking-miners", "striking copper miners", "multi-word", "en", ["story-miners"]),
    ("stavka", "ключевой ставки Банка России", "multi-word", "ru", ["page-37-ru-moscow-ria"]),
    ("dogovor", "договора о гарантиях", "multi-word", "ru", ["page-40-ru-minsk"]),
    ("poyas", "единого часового пояса", "multi-word", "ru", ["page-42-ru-text-astana-2024"]),
    ("urozhai", "урожаи пшеницы", "multi-word", "ru", ["story-urozhai"]),
    ("brics", "саммите БРИКС", "multi-word", "ru", ["page-47-ru-kazan-heldout"]),
    ("lufthansa", "Lufthansa Flug gestrichen", "multi-word", "de", ["page-24-de-frankfurt-oder-ambig"]),
    ("pendler", "Pendlern Bahnstreiks", "multi-word", "de", ["story-bahnstreik"]),
    ("hafen", "Hamburger Häfen Containern", "multi-word", "de", ["page-23-de-text-hamburg"]),
    ("ia", "règlements intelligence artificielle", "multi-word", "fr", ["page-27-fr-bruxelles"]),
    ("agriculteur", "agriculteur bloqué autoroute", "multi-word", "fr", ["story-agriculteurs"]),
    ("accelerateurs", "accélérateurs de particules", "multi-word", "fr", ["page-45-fr-geneve-heldout"]),
    ("incendio", "incendio forestal Colombia", "multi-word", "es", ["page-32-es-text-bogota"]),
    ("salarios", "salarios mínimos", "multi-word", "es", WAGE),
    ("agricultores", "agricultores carreteras bloqueadas", "multi-word", "es", ["story-agricultores"]),
    ("pisos", "piso turístico Barcelona", "multi-word", "es", ["page-36-es-barcelona"]),
    # Written without its accent, as an English keyboard types it: the articles spell it Córdoba.
    ("cordoba-unaccented", "Cordoba", "place", "es", ["page-17-en-cordoba-spain", "page-34-es-text-cordoba-ar"]),
    ("two-state", '"two-state solution"', "phrase", "en", ["sample", "aeb-833caf3bdb"]),
    ("bubonic", '"bubonic plague"', "phrase", "en", PLAGUE),
    ("davis-cup", '"Davis Cup"', "phrase", "en", ["aeb-0d46122928", "aeb-88c328b68b"]),
    ("foreign-agents", '"foreign agents law"', "phrase", "en", ["page-11-en-text-tbilisi"]),
    ("tearing-roofs", '"tearing roofs"', "phrase", "en", ["page-02-en-ap-style-paris-texas"]),
    ("south-dakota-meth", '"South Dakota" meth', "phrase", "en", METH),
    ("klyuchevaya", '"ключевую ставку"', "phrase", "ru", ["page-37-ru-moscow-ria"]),
    ("flamme", '"flammes olympiques"', "phrase", "fr", ["page-30-fr-marseille"]),
    ("salario-minimo", '"salario mínimo"', "phrase", "es", WAGE),
]
PLACES: list[tuple[str, str]] = [
    ("Bishkek", "en"),
    ("Kyiv", "en"),
    ("Tashkent", "en"),
    ("Nairobi", "en"),
    ("Warsaw", "en"),
    ("Kazakhstan", "en"),
    ("Hamburg", "de"),
    ("Córdoba", "es"),
    ("Алматы", "ru"),
]
PREFIXES: list[tuple[str, str]] = [
    ("hydro*", "en"),
    ("Assang*", "en"),
    ("WeWor*", "en"),
    ("Oktober*", "de"),
    ("электробус*", "ru"),
    ("téléphéri*", "fr"),
]
# (id, q, language, topic articles, excluded word)
EXCLUSIONS: list[tuple[str, str, str, list[str], str]] = [
    ("plague-marmot", "plague -marmot", "en", PLAGUE, "marmot"),
    ("stadia-microsoft", "Stadia -Microsoft", "en", STADIA, "Microsoft"),
    ("doobie-cleveland", "Doobie Brothers -Cleveland", "en", DOOBIE, "Cleveland"),
    ("hostages-taliban", "hostages -Taliban", "en", ["sample", "aeb-a1fca19b88"], "Taliban"),
    ("hong-kong-alibaba", '"Hong Kong" -Alibaba', "en", HONG_KONG, "Alibaba"),
    ("salario-chile", '"salario mínimo" -Chile', "es", WAGE, "Chile"),
    ("floods-governor", "floods -governor", "en", FLOODS, "governor"),
]
# Who the place and prefix rules count: generated salad names no place in its text, and is about nothing.
_SPLIT = re.compile(r"\w+")


def _text(a: NormalizedArticle) -> str:
    return " ".join(filter(None, [a.title, a.subtitle, a.body]))


def _names(a: NormalizedArticle, word: str) -> bool:
    return re.search(rf"(?<!\w){re.escape(word)}(?!\w)", _text(a), re.I) is not None


def _place(a: NormalizedArticle, name: str) -> bool:
    located = a.location and name.casefold() in {(a.location.city or "").casefold(), (a.location.country or "").casefold()}
    return bool(located) or _names(a, name)


def _prefixed(a: NormalizedArticle, prefix: str) -> bool:
    return re.search(rf"(?<!\w){re.escape(prefix.rstrip('*'))}", _text(a), re.I) is not None


def _query(qid: str, q: str, category: str, language: str, relevant: list[str]) -> dict[str, Any]:
    return {"id": qid, "q": q, "category": category, "language": language, "relevant": sorted(relevant)}


def queries(articles: list[NormalizedArticle]) -> list[dict[str, Any]]:
    out = [_query(*t) for t in TOPICS]
    for name, lang in PLACES:
        found = [a.id for a in articles if _place(a, name)]
        out.append(_query(f"place-{name.lower()}", name, "place", lang, found))
    for prefix, lang in PREFIXES:
        found = [a.id for a in articles if _prefixed(a, prefix)]
        out.append(_query(f"prefix-{prefix.rstrip('*').lower()}", prefix, "prefix", lang, found))
    by_id = {a.id: a for a in articles}
    for qid, q, lang, topic, word in EXCLUSIONS:
        out.append(_query(qid, q, "exclusion", lang, [i for i in topic if not _names(by_id[i], word)]))
    return out


def candidates(articles: list[NormalizedArticle], query: dict[str, Any]) -> list[str]:
    """Articles (not word salad) holding words that start as each query word does: what a judge reads."""
    heads = [w[:5] for w in _SPLIT.findall(str(query["q"]).lower()) if not w.startswith("-")]
    found = []
    for a in articles:
        if a.id.startswith("gen-") or a.id in query["relevant"]:
            continue
        words = set(_SPLIT.findall(_text(a).lower()))
        if all(any(w.startswith(h) for w in words) for h in heads):
            found.append(f"{a.id}: {(a.title or '')[:70]}")
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="print the candidates a judge reads for each topic query")
    args = parser.parse_args()
    articles = corpus()
    judged = queries(articles)
    known = {a.id for a in articles}
    for q in judged:
        missing = set(q["relevant"]) - known
        assert q["relevant"] and not missing, f"{q['id']}: no relevant article, or unknown ids {missing}"
    if args.check:
        for q in judged:
            if q["category"] not in ("place", "prefix"):
                print(q["id"], q["q"], q["relevant"], *[f"\n    {c}" for c in candidates(articles, q)])
    document = {
        "about": "Judged queries for tests/relevance (docs/relevance.md). Binary relevance: `relevant` lists every "
        "article a newsroom editor typing `q` wants to see first; every other article is not relevant.",
        "corpus": {"seed": SEED, "generated": GENERATED, "fingerprint": fingerprint(articles), "articles": len(articles)},
        "queries": judged,
    }
    OUT.write_text(json.dumps(document, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"{len(judged)} queries written to {OUT}")


if __name__ == "__main__":
    main()
