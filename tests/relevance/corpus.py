"""The corpus the judged queries run against, as normalized articles.

Four sources, each article with a stable id:
- `gen-<n>`: the benchmark's seeded generator (tests/bench/articles.py), many languages and datelines; word salad
  that no query is judged relevant to, except where a hand-written story is planted (`story-<key>`);
- `page-<name>`: the hand-checked gold pages of tests/fixtures/pages (en, de, fr, es, ru), title and body as
  their gold files give them;
- `sample`: the sample page of tests/fixtures, its fields as its expected.json lists them;
- `aeb-<id>`: the public article-extraction benchmark (181 real pages), body from its ground truth, headline from
  the page's og:title or <title>, language by py3langid.

Nothing here runs the extraction pipeline: the corpus is what the articles are, not what we make of them.
The index gets them through `shared.es.indexer.to_document`, as the indexer writes them.
"""

from __future__ import annotations

import gzip
import hashlib
import html
import json
import re
from pathlib import Path

import py3langid

from shared.articles.model import Location, NormalizedArticle
from tests.bench.articles import Article, ArticleGenerator
from tests.quality.corpus import PAGES, ROOT, benchmark_dir, fold
from tests.relevance.stories import STORIES, Story

SEED = 8
GENERATED = 1200
# Generator words that planted stories and real pages are about: taken out of the salad, so that an article is
# about floods because it reports floods, not because the salad says "flood" five times (it would, in a third of
# the English titles). Every other generated word stays.
SCRUBBED = re.compile(r" ?\b(?:flood|election|protest|hostages)\b", re.I)
SAMPLE = ROOT / "tests" / "fixtures" / "qazmonitor-2023-10-17-mfa-statement"
_HEADLINE = (
    re.compile(r"""<meta[^>]+property=["']og:title["'][^>]*content=["']([^"']*)""", re.I),
    re.compile(r"<title[^>]*>(.*?)</title>", re.I | re.S),
)


def _scrub(text: str) -> str:
    text = SCRUBBED.sub("", text)
    head, _, last = text.rpartition(" ")  # a title cut at 110 characters may end in the start of such a word
    return head if len(last) >= 3 and SCRUBBED.match(f" {last}", 0) is None and _starts_scrubbed(last) else text


def _starts_scrubbed(word: str) -> bool:
    return any(w.startswith(word.lower()) for w in ("flood", "election", "protest", "hostages"))


def _generated(a: Article, article_id: str) -> NormalizedArticle:
    city, country, code, lat, lon, _ = a.place
    return NormalizedArticle(
        id=article_id,
        url=a.url,
        source=a.source,
        title=_scrub(a.title),
        subtitle=_scrub(a.subtitle),
        body=_scrub(a.body),
        language=a.language,
        published_at=a.published.isoformat(),
        location=Location(city=city, country=country, country_code=code, lat=lat, lon=lon),
        places_mentioned=[code],
        authors=a.authors,
        tags=a.tags,
    )


def _planted(story: Story, host: Article) -> NormalizedArticle:
    """The story opens the host's body (after two of its paragraphs are dropped) under the story's headline."""
    body = "\n\n".join([story.text, *map(_scrub, host.paragraphs[2:])])
    article = _generated(host, f"story-{story.key}")
    return article.model_copy(update={"title": story.title, "subtitle": story.subtitle, "body": body})


def generated(count: int = GENERATED, seed: int = SEED) -> list[NormalizedArticle]:
    """`count` generated articles; the first ones in each story's language host the stories, in order."""
    articles = ArticleGenerator(seed).articles(0, count)
    hosts: dict[int, Story] = {}
    for story in STORIES:
        n = next(a.n for a in articles if a.language == story.language and a.n not in hosts)
        hosts[n] = story
    return [_planted(hosts[a.n], a) if a.n in hosts else _generated(a, f"gen-{a.n}") for a in articles]


def gold_pages(directory: Path = PAGES) -> list[NormalizedArticle]:
    out = []
    for gold_path in sorted(directory.glob("*.gold.json")):
        name = gold_path.name.removesuffix(".gold.json")
        gold = json.loads(gold_path.read_text(encoding="utf-8"))
        lines = (directory / f"{name}.body.txt").read_text(encoding="utf-8").splitlines()
        place = gold.get("place") or {}
        out.append(
            NormalizedArticle(
                id=f"page-{name}",
                title=gold["title"],
                body="\n\n".join(line for line in lines if line.strip()),
                language=gold["language"],
                published_at=gold.get("published_at"),
                location=Location(city=place.get("city"), country_code=place.get("country_code")) if place else None,
            )
        )
    return out


def sample_page() -> NormalizedArticle:
    """The sample page: the fields its expected.json lists, the body cut from the page between its given ends."""
    expected = json.loads(SAMPLE.with_suffix(".expected.json").read_text(encoding="utf-8"))
    text = fold(SAMPLE.with_suffix(".txt").read_text(encoding="utf-8"))
    start, end = fold(expected["body_starts_with"]), fold(expected["body_ends_with"])
    body = text[text.index(start) : text.index(end) + len(end)]
    place = expected["location"]
    return NormalizedArticle(
        id="sample",
        source=expected["source"],
        title=expected["title"],
        subtitle=expected["subtitle"],
        body=body,
        language=expected["language"],
        published_at=expected["published_at"],
        location=Location(city=place["city"], country=place["country"], country_code=place["country_code"]),
    )


def headline(page: str) -> str | None:
    for pattern in _HEADLINE:
        found = pattern.search(page)
        if found and found.group(1).strip():
            return fold(html.unescape(found.group(1)))
    return None


def benchmark(directory: Path | None = None) -> list[NormalizedArticle]:
    """The public benchmark's 181 pages; none when the data set is not beside the clone."""
    directory = directory or benchmark_dir()
    if directory is None:
        return []
    truth: dict[str, dict[str, str]] = json.loads((directory / "ground-truth.json").read_text(encoding="utf-8"))
    out = []
    for key, item in sorted(truth.items()):
        with gzip.open(directory / "html" / f"{key}.html.gz", "rb") as handle:
            page = handle.read().decode("utf-8", errors="replace")
        body = item["articleBody"]
        language, _ = py3langid.classify(body[:3000])
        out.append(
            NormalizedArticle(id=f"aeb-{key[:10]}", url=item.get("url"), title=headline(page), body=body, language=language)
        )
    return out


def corpus() -> list[NormalizedArticle]:
    articles = [*generated(), *gold_pages(), sample_page(), *benchmark()]
    ids = [a.id for a in articles]
    assert len(set(ids)) == len(ids), "two corpus articles share an id"
    return articles


def fingerprint(articles: list[NormalizedArticle]) -> str:
    """What the judgements were made on: ids, titles and bodies (not the indexed form, which may change)."""
    digest = hashlib.blake2b(digest_size=8)
    for a in sorted(articles, key=lambda a: a.id):
        digest.update(f"{a.id}\0{a.title}\0{a.body}\0{a.language}\0".encode())
    return digest.hexdigest()
