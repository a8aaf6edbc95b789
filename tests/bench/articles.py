# ruff: noqa: RUF001 - the vocabularies are Cyrillic and Turkish words on purpose
"""A seeded generator of news articles distributed roughly like a wire and web news mix.

Lengths are log-normal (median ~420 words, a few very long), languages, places and sources follow
Zipf-like weights, dates cluster in the recent past, most bodies open with a dateline ("ASTANA, Oct 17 —").
Each article can be rendered as the JSON the ingest API takes, as a whole HTML page (navigation, share
buttons, footer) or as the text of such a page, and as the normalized document Elasticsearch stores.
The same seed always gives the same articles.
"""

from __future__ import annotations

import hashlib
import html
import math
import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

from shared.analysis.document import search_fields
from shared.articles.dedup import BANDS, band_keys

# city, country, ISO code, lat, lon, UTC offset in hours (standard time; good enough for a generator)
PLACES: list[tuple[str, str, str, float, float, float]] = [
    ("London", "United Kingdom", "GB", 51.51, -0.13, 0),
    ("Washington", "United States", "US", 38.90, -77.04, -5),
    ("New York", "United States", "US", 40.71, -74.01, -5),
    ("Astana", "Kazakhstan", "KZ", 51.17, 71.45, 5),
    ("Almaty", "Kazakhstan", "KZ", 43.24, 76.89, 5),
    ("Moscow", "Russia", "RU", 55.76, 37.62, 3),
    ("Paris", "France", "FR", 48.86, 2.35, 1),
    ("Berlin", "Germany", "DE", 52.52, 13.40, 1),
    ("Kyiv", "Ukraine", "UA", 50.45, 30.52, 2),
    ("Beijing", "China", "CN", 39.90, 116.41, 8),
    ("Tokyo", "Japan", "JP", 35.68, 139.69, 9),
    ("Brussels", "Belgium", "BE", 50.85, 4.35, 1),
    ("Madrid", "Spain", "ES", 40.42, -3.70, 1),
    ("Cairo", "Egypt", "EG", 30.04, 31.24, 2),
    ("Jerusalem", "Israel", "IL", 31.77, 35.21, 2),
    ("Bishkek", "Kyrgyzstan", "KG", 42.87, 74.59, 6),
    ("Tashkent", "Uzbekistan", "UZ", 41.30, 69.24, 5),
    ("Ankara", "Turkey", "TR", 39.93, 32.86, 3),
    ("New Delhi", "India", "IN", 28.61, 77.21, 5.5),
    ("Sydney", "Australia", "AU", -33.87, 151.21, 10),
    ("Nairobi", "Kenya", "KE", -1.29, 36.82, 3),
    ("Brasilia", "Brazil", "BR", -15.79, -47.88, -3),
    ("Geneva", "Switzerland", "CH", 46.20, 6.14, 1),
    ("Warsaw", "Poland", "PL", 52.23, 21.01, 1),
]
SOURCES = [
    "Reuters",
    "Associated Press",
    "AFP",
    "BBC News",
    "QazMonitor",
    "Kazinform",
    "The Guardian",
    "Deutsche Welle",
    "Le Monde",
    "El Pais",
    "TASS",
    "Interfax",
    "Al Jazeera",
    "NHK World",
    "Xinhua",
    "Tengrinews",
    "Euronews",
    "Bloomberg",
    "Financial Times",
    "The Astana Times",
    "Kyiv Independent",
    "Anadolu",
    "ABC News",
    "Politico",
]
LANGUAGES = [("en", 0.62), ("ru", 0.14), ("de", 0.06), ("fr", 0.06), ("es", 0.05), ("kk", 0.04), ("tr", 0.03)]


def _words(text: str) -> list[str]:
    return text.split()


WORDS = {
    "en": _words(
        "the government minister said on statement talks security economy election parliament president budget "
        "energy oil prices rose fell market officials police court decision agreement trade border water flood "
        "drought health hospital school students city council report according to agency week year people would "
        "could new after before during while against support plan project railway airport bank inflation rate "
        "investment exports grain harvest summit delegation ceasefire hostages sanctions protest vote reform"
    ),
    "ru": _words(
        "правительство министр заявил переговоры безопасность экономика выборы парламент президент бюджет энергия "
        "нефть цены рынок полиция суд решение соглашение торговля граница вода наводнение здоровье больница школа "
        "город доклад по данным агентства неделя год люди после перед против поддержка проект железная дорога"
    ),
    "de": _words(
        "die Regierung der Minister sagte am Gespräche Sicherheit Wirtschaft Wahl Parlament Präsident Haushalt "
        "Energie Preise stiegen Markt Polizei Gericht Entscheidung Abkommen Handel Grenze Wasser Hochwasser "
        "Gesundheit Krankenhaus Schule Stadt Bericht nach Angaben Woche Jahr Menschen gegen Unterstützung"
    ),
    "fr": _words(
        "le gouvernement ministre a déclaré les négociations sécurité économie élection parlement président budget "
        "énergie pétrole prix marché police tribunal décision accord commerce frontière eau inondation santé "
        "hôpital école ville rapport selon agence semaine année personnes contre soutien projet"
    ),
    "es": _words(
        "el gobierno ministro dijo las negociaciones seguridad economía elecciones parlamento presidente presupuesto "
        "energía petróleo precios mercado policía tribunal decisión acuerdo comercio frontera agua inundación "
        "salud hospital escuela ciudad informe según agencia semana año personas contra apoyo proyecto"
    ),
    "kk": _words(
        "үкімет министр мәлімдеді келіссөздер қауіпсіздік экономика сайлау парламент президент бюджет энергетика "
        "мұнай бағалар нарық полиция сот шешім келісім сауда шекара су су тасқыны денсаулық аурухана мектеп "
        "қала баяндама агенттік апта жыл адамдар қарсы қолдау жоба"
    ),
    "tr": _words(
        "hükümet bakan açıkladı görüşmeler güvenlik ekonomi seçim meclis cumhurbaşkanı bütçe enerji petrol "
        "fiyatlar piyasa polis mahkeme karar anlaşma ticaret sınır su sel sağlık hastane okul şehir rapor "
        "göre ajans hafta yıl insanlar karşı destek proje"
    ),
}
NOW = datetime(2026, 11, 1, tzinfo=UTC)  # fixed, so the same seed gives the same dates whenever it runs


@dataclass
class Article:
    n: int
    title: str
    subtitle: str
    paragraphs: list[str]
    language: str
    source: str
    place: tuple[str, str, str, float, float, float]
    published: datetime  # aware, in the place's offset
    url: str
    authors: list[str]
    tags: list[str]

    @property
    def body(self) -> str:
        return "\n\n".join(self.paragraphs)


def _weighted(rng: random.Random, items: list[Any], s: float = 1.1) -> Any:
    """Zipf-like: the first items are much more frequent, as sources and datelines are in real news."""
    weights = [1 / (i + 1) ** s for i in range(len(items))]
    return rng.choices(items, weights)[0]


def _sentence(rng: random.Random, words: list[str]) -> str:
    return " ".join(rng.choices(words, k=rng.randint(8, 24))).capitalize() + "."


class ArticleGenerator:
    """`ArticleGenerator(seed).article(n)` is always the same n-th article for the same seed."""

    def __init__(self, seed: int = 8, run_tag: str = "") -> None:
        self.seed = seed
        self.run_tag = run_tag  # a word in every title, so one run's articles are found apart from another's

    def article(self, n: int) -> Article:
        rng = random.Random(f"{self.seed}:{n}")
        language = rng.choices([code for code, _ in LANGUAGES], [w for _, w in LANGUAGES])[0]
        words = WORDS[language]
        place = _weighted(rng, PLACES, 0.9)
        source = _weighted(rng, SOURCES)
        n_words = int(min(3000, max(60, rng.lognormvariate(math.log(420), 0.6))))
        age_days = min(3 * 365, rng.expovariate(1 / 120))
        utc = NOW - timedelta(days=age_days, seconds=rng.randint(0, 86_399))
        published = utc.astimezone(timezone(timedelta(hours=place[5])))
        paragraphs, count = [], 0
        while count < n_words:
            para = " ".join(_sentence(rng, words) for _ in range(rng.randint(2, 5)))
            paragraphs.append(para)
            count += len(para.split())
        if rng.random() < 0.7:  # a dateline, as wires and most newspapers write it
            paragraphs[0] = f"{place[0].upper()}, {published:%b} {published.day} ({source}) — {paragraphs[0]}"
        tag = f" {self.run_tag}" if self.run_tag else ""
        title = _sentence(rng, words)[:-1][:110] + tag
        slug = hashlib.blake2b(f"{self.seed}:{self.run_tag}:{n}".encode(), digest_size=6).hexdigest()
        host = source.lower().replace(" ", "")
        return Article(
            n=n,
            title=title,
            subtitle=_sentence(rng, words),
            paragraphs=paragraphs,
            language=language,
            source=source,
            place=place,
            published=published,
            url=f"https://www.{host}.example/{published:%Y/%m/%d}/{slug}",
            authors=[f"Reporter {rng.randint(1, 400)}" for _ in range(rng.choice([0, 1, 1, 1, 2]))],
            tags=rng.sample(["politics", "economy", "energy", "security", "health", "climate", "sport", "culture"], 2),
        )

    def articles(self, start: int, count: int) -> list[Article]:
        return [self.article(n) for n in range(start, start + count)]


def as_json(a: Article) -> dict[str, Any]:
    """The article as a partner sends it to `POST /v1/articles`."""
    return {
        "url": a.url,
        "title": a.title,
        "subtitle": a.subtitle,
        "body": a.body,
        "published_at": a.published.isoformat(),
        "location": f"{a.place[0]}, {a.place[1]}",
        "source": a.source,
        "language": a.language,
        "authors": a.authors,
        "tags": a.tags,
    }


def as_html(a: Article) -> str:
    """A whole page as a news site serves it: head metadata, navigation, share bar, related links, footer."""
    e = html.escape
    paras = "\n".join(f"<p>{e(p)}</p>" for p in a.paragraphs)
    nav = "".join(f'<li><a href="/{s}">{s.title()}</a></li>' for s in ("world", "business", "politics", "sport", "culture"))
    related = "".join(f'<li><a href="/story/{a.n + i}">Related story number {i}</a></li>' for i in range(1, 6))
    return f"""<!DOCTYPE html>
<html lang="{a.language}"><head><meta charset="utf-8"><title>{e(a.title)} | {e(a.source)}</title>
<meta property="og:title" content="{e(a.title)}"><meta name="description" content="{e(a.subtitle)}">
<meta property="og:site_name" content="{e(a.source)}"><meta property="og:url" content="{e(a.url)}">
<meta property="article:published_time" content="{a.published.isoformat()}">
<meta name="author" content="{e("; ".join(a.authors))}"><link rel="canonical" href="{e(a.url)}">
<script>window.dataLayer=window.dataLayer||[];function gtag(){{dataLayer.push(arguments);}}</script>
<style>body{{font-family:sans-serif}} .share a{{margin:0 4px}}</style></head>
<body><header><div class="logo">{e(a.source)}</div><nav><ul>{nav}</ul></nav>
<form action="/search"><input name="q" placeholder="Search"></form></header>
<main><article><h1>{e(a.title)}</h1><p class="lead">{e(a.subtitle)}</p>
<div class="byline">{e(", ".join(a.authors))} · <time datetime="{a.published.isoformat()}">{a.published:%d %B %Y, %H:%M}</time>
 · {e(a.place[0])}, {e(a.place[1])}</div>
<div class="share"><a href="#">Facebook</a><a href="#">X</a><a href="#">Telegram</a><a href="#">Copy link</a></div>
{paras}
</article><aside><h2>Read more</h2><ul>{related}</ul></aside></main>
<footer><p>© 2026 {e(a.source)}. All rights reserved. Reproduction only with written permission of the editors.</p>
<ul><li><a href="/about">About us</a></li><li><a href="/privacy">Privacy policy</a></li>
<li><a href="/contact">Contact</a></li></ul>
</footer></body></html>
"""


def as_text(a: Article) -> str:
    """The text of such a page as saved from a browser: furniture lines around the article."""
    lines = [
        f"{a.source} — news and stories",
        f"{a.source} Logo",
        "Facebook icon Instagram icon Telegram icon Youtube icon",
        "  1. Main Page",
        "  2. News",
        f"  3. {a.title}",
        f"{a.place[0]}, {a.place[1]} • {a.published.day} {a.published:%B, %Y | %H:%M}",
        "",
        a.title,
        "",
        a.subtitle,
        "",
        *[f"{p}\n" for p in a.paragraphs],
        "Share: Facebook Twitter Telegram",
        f"© 2026 {a.source}. Reproduction only with written permission from the editorial board.",
    ]
    return "\n".join(lines) + "\n"


def documents(articles: list[Article], id_prefix: str, exact_bands: bool = False) -> list[dict[str, Any]]:
    """What the workers would store for these articles (search fields included), built fast for big indexes.
    Near-duplicate band keys: the pipeline's own with `exact_bands` (the engine's limit is measured on the same
    documents), else keys of the same shape and count at no cost (MinHash takes milliseconds per article)."""
    docs = [as_document(a, f"{id_prefix}{a.n}") for a in articles]
    for a, doc in zip(articles, docs, strict=True):
        doc["dedup_bands"] = band_keys(a.body) if exact_bands else stand_in_bands(a.body)
    return docs


def stand_in_bands(body: str) -> list[str]:
    data = body.encode()
    return [f"b{band:02d}:{hashlib.blake2b(data, digest_size=8, salt=bytes([band])).hexdigest()}" for band in range(BANDS)]


def as_document(a: Article, doc_id: str) -> dict[str, Any]:
    """The normalized document as Elasticsearch stores it, built directly (for filling big search indexes fast),
    with the search fields (language texts) the indexer adds; its suggestion goes beside it (`engine.bulk_bodies`)."""
    city, country, code, lat, lon, _ = a.place
    doc: dict[str, Any] = {
        "id": doc_id,
        "url": a.url,
        "source": a.source,
        "title": a.title,
        "subtitle": a.subtitle,
        "body": a.body,
        "language": a.language,
        "published_at": a.published.isoformat(),
        "location": {"city": city, "country": country, "country_code": code, "geo": {"lat": lat, "lon": lon}},
        "places_mentioned": [code],
        "authors": a.authors,
        "tags": a.tags,
        "ingested_at": NOW.isoformat(),
        "indexed_at": NOW.isoformat(),
        "content_hash": hashlib.blake2b(a.body.encode(), digest_size=12).hexdigest(),
    }
    doc.update(search_fields(doc))
    return doc
