"""`make bench-quality`: how well normalization extracts title, date, place and body, against plain
trafilatura on the same pages, and how fast. Runs in-process; no services needed.

    .venv/bin/python -m tests.quality.bench_quality [--benchmark-limit N] [--verbose]
    .venv/bin/python -m tests.quality.bench_quality --dates-only  # publication dates alone (tests/quality/date_eval.py)
"""

from __future__ import annotations

import argparse
import time
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import trafilatura

from shared.extraction.pipeline import normalize
from tests.quality.corpus import GoldPage, benchmark_dir, benchmark_pages, fold, gold_pages
from tests.quality.date_eval import date_report
from tests.quality.scoring import f1_of, precision_recall


@dataclass
class Result:
    title: list[bool] = field(default_factory=list)
    day: list[bool] = field(default_factory=list)
    offset: list[bool] = field(default_factory=list)
    place: list[bool] = field(default_factory=list)
    body: list[tuple[float, float]] = field(default_factory=list)


def payload_of(page: GoldPage) -> dict[str, Any]:
    """The page's bytes, as the worker gets a page: the system's charset rule reads them."""
    content_type = "text/html" if page.kind == "html" else "text/plain"
    return {"id": page.name, "kind": "raw", "content_type": content_type, "content": page.raw}


def same_place(got: tuple[str | None, str | None] | None, want: dict[str, str]) -> bool:
    """The city by its name as the gold file writes it (case and Unicode form aside) and the country code."""
    if got is None:
        return False
    name = unicodedata.normalize("NFC", got[0] or "").casefold()
    return name == unicodedata.normalize("NFC", want["city"]).casefold() and got[1] == want["country_code"]


def same_time(got: str | None, want: str) -> bool:
    """Same instant and same UTC offset (a date-only gold needs a date-only answer)."""
    if not got:
        return False
    if len(want) == 10 or len(got) == 10:
        return got == want
    a, b = datetime.fromisoformat(got), datetime.fromisoformat(want)
    return a == b and a.utcoffset() == b.utcoffset()


def ours(page: GoldPage) -> dict[str, Any]:
    article = normalize(payload_of(page))
    location = article.location
    return {
        "title": article.title,
        "published_at": article.published_at,
        "place": (location.city, location.country_code) if location else None,
        "body": article.body,
    }


def plain_trafilatura(page: GoldPage) -> dict[str, Any]:
    """trafilatura as it comes, on the page's bytes; a text page is given to it as one paragraph per line."""
    html: Any = page.raw  # trafilatura reads bytes (its signature says str)
    if page.kind == "text":
        html = "<html><body>" + "".join(f"<p>{line}</p>" for line in page.text.splitlines()) + "</body></html>"
    doc = trafilatura.bare_extraction(html, with_metadata=True)
    return {
        "title": doc.title if doc else None,
        "published_at": doc.date if doc else None,
        "place": None,
        "body": (doc.text if doc else "") or "",
    }


def score(result: Result, got: dict[str, Any], page: GoldPage) -> list[str]:
    gold = page.gold
    checks = {
        "title": fold(got["title"] or "") == fold(gold["title"]),
        "day": (got["published_at"] or "")[:10] == gold["published_at"][:10],
        "offset": same_time(got["published_at"], gold["published_at"]),
        "place": same_place(got["place"], gold["place"]),
    }
    result.title.append(checks["title"])
    result.day.append(checks["day"])
    result.offset.append(checks["offset"])
    result.place.append(checks["place"])
    result.body.append(precision_recall(got["body"], page.body))
    return [name for name, ok in checks.items() if not ok]


def share(values: list[bool]) -> float:
    return sum(values) / len(values) if values else 0.0


def ratio(a: float, b: float) -> str:
    return f"{a / b:.3f}" if b else "n/a"


def corpus_report(verbose: bool) -> None:
    pages = list(gold_pages())
    results = {"ours": Result(), "trafilatura": Result()}
    for page in pages:
        for name, extractor in (("ours", ours), ("trafilatura", plain_trafilatura)):
            got = extractor(page)
            misses = score(results[name], got, page)
            if verbose and name == "ours" and misses:
                print(f"  {page.name}: missed {misses}: { ({k: got[k] for k in ('title', 'published_at', 'place')}) }")
    languages = sorted({p.name.split("-")[1] for p in pages})
    print(
        f"Gold corpus: {len(pages)} pages ({sum(p.kind == 'html' for p in pages)} HTML, "
        f"{sum(p.kind == 'text' for p in pages)} text), languages {', '.join(languages)}"
    )
    print(f"  {'metric':<22}{'ours':>10}{'trafilatura':>14}{'ratio':>10}")
    rows = [
        ("title exact-match", share(results["ours"].title), share(results["trafilatura"].title)),
        ("date (day)", share(results["ours"].day), share(results["trafilatura"].day)),
        ("date (full, offset)", share(results["ours"].offset), share(results["trafilatura"].offset)),
        ("place (city+country)", share(results["ours"].place), share(results["trafilatura"].place)),
        ("body F1 (4-shingles)", f1_of(results["ours"].body)[2], f1_of(results["trafilatura"].body)[2]),
    ]
    for label, a, b in rows:
        print(f"  {label:<22}{a:>10.3f}{b:>14.3f}{ratio(a, b):>10}")


def throughput_report(repeat: int = 3) -> None:
    pages = list(gold_pages())
    normalize(payload_of(pages[0]))  # load the gazetteer and models first
    for kind in ("html", "text"):
        chosen = [p for p in pages if p.kind == kind]
        start = time.process_time()
        for _ in range(repeat):
            for page in chosen:
                normalize(payload_of(page))
        spent = time.process_time() - start
        print(f"Throughput {kind:<5}: {repeat * len(chosen) / spent:7.1f} pages/s per core ({repeat * len(chosen)} pages)")


def benchmark_report(limit: int | None) -> None:
    directory = benchmark_dir()
    if directory is None:
        print("Public benchmark: not present (../shared/datasets/article-extraction-benchmark), skipped")
        return
    pairs: dict[str, list[tuple[float, float]]] = {"ours": [], "trafilatura": []}
    for key, html, gold in benchmark_pages(directory, limit):
        article = normalize({"id": key, "kind": "raw", "content_type": "text/html", "content": html})
        pairs["ours"].append(precision_recall(article.body, gold))
        pairs["trafilatura"].append(precision_recall(trafilatura.extract(html) or "", gold))
    print(f"Public benchmark ({len(pairs['ours'])} pages, {directory.name}): body, 4-word shingles")
    print(f"  {'':<14}{'precision':>10}{'recall':>10}{'F1':>10}")
    for name, values in pairs.items():
        p, r, f = f1_of(values)
        print(f"  {name:<14}{p:>10.4f}{r:>10.4f}{f:>10.4f}")
    print(f"  ratio F1 ours/trafilatura: {ratio(f1_of(pairs['ours'])[2], f1_of(pairs['trafilatura'])[2])}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--benchmark-limit", type=int, default=None, help="score only the first N benchmark pages")
    parser.add_argument("--skip-benchmark", action="store_true")
    parser.add_argument("--verbose", action="store_true", help="list the gold pages where a field was missed")
    parser.add_argument("--dates-only", action="store_true", help="only the publication dates of htmldate's evaluation set")
    parser.add_argument("--skip-dates", action="store_true", help="leave out htmldate's evaluation set")
    parser.add_argument("--date-limit", type=int, default=None, help="score only the first N pages of htmldate's set")
    parser.add_argument(
        "--date-extractors", default=None, help="comma-separated: ours, htmldate extensive, htmldate fast, trafilatura"
    )
    args = parser.parse_args()
    if not args.dates_only:
        corpus_report(args.verbose)
        throughput_report()
        if not args.skip_benchmark:
            benchmark_report(args.benchmark_limit)
    if not args.skip_dates:
        names = [n.strip() for n in args.date_extractors.split(",")] if args.date_extractors else None
        date_report(args.date_limit, names)


if __name__ == "__main__":
    main()
