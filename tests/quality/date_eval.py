"""Publication dates on htmldate's public evaluation set (`../shared/datasets/htmldate-eval`, 1,000 pages in two
sets): the day of our pipeline's `published_at` next to htmldate (extensive and fast) and trafilatura's metadata
date, all measured in the same run, scored as the set's README says (a day is the unit; no date is wrong).

    .venv/bin/python -m tests.quality.bench_quality --dates-only [--date-limit N] [--date-extractors ours,...]

Every page goes through `normalize()` as the worker gets a page from the ingest service: its bytes (17 pages are
not UTF-8: the pipeline's charset rule reads them), `text/html`, its URL. The other extractors get the same bytes
and URL. The pages we get wrong are written to `test-output/date-eval/misses.tsv`; every answer of every
extractor to `test-output/date-eval/answers.json`.
"""

from __future__ import annotations

import gzip
import json
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import trafilatura
from htmldate import find_date
from tqdm import tqdm

from shared.extraction.pipeline import normalize
from tests.quality.corpus import ROOT, dataset_dir

DATASET = "htmldate-eval"
OUT = ROOT / "test-output" / "date-eval"


@dataclass(frozen=True)
class DatePage:
    file: str
    url: str
    want: str | None  # None: the set has no date for it (always wrong)
    set: str
    content: bytes


def ours(page: DatePage) -> str | None:
    payload = {"id": page.file, "kind": "raw", "content_type": "text/html", "content": page.content, "url": page.url}
    return normalize(payload).published_at


def htmldate_extensive(page: DatePage) -> str | None:
    return find_date(page.content, url=page.url, extensive_search=True, original_date=True)


def htmldate_fast(page: DatePage) -> str | None:
    return find_date(page.content, url=page.url, extensive_search=False, original_date=True)


def trafilatura_date(page: DatePage) -> str | None:
    content: Any = page.content  # trafilatura reads bytes as htmldate does (its signature says str)
    return trafilatura.extract_metadata(content, default_url=page.url).date


EXTRACTORS: dict[str, Callable[[DatePage], str | None]] = {
    "ours": ours,
    "htmldate extensive": htmldate_extensive,
    "htmldate fast": htmldate_fast,
    "trafilatura": trafilatura_date,
}


@dataclass
class Tally:
    right: int = 0
    dated: int = 0  # pages with any date extracted
    pages: int = 0
    seconds: float = 0.0  # CPU time
    answers: dict[str, str | None] = field(default_factory=dict)

    def add(self, page: DatePage, got: str | None) -> None:
        self.pages += 1
        self.dated += got is not None
        self.right += got is not None and page.want is not None and got[:10] == page.want
        self.answers[page.file] = got

    @property
    def accuracy(self) -> float:
        return self.right / self.pages if self.pages else 0.0

    @property
    def precision(self) -> float:
        return self.right / self.dated if self.dated else 0.0

    @property
    def recall(self) -> float:
        missing = self.pages - self.dated
        return self.right / (self.right + missing) if self.right + missing else 0.0


def date_pages(directory: Path, limit: int | None = None) -> Iterator[DatePage]:
    truth: list[dict[str, Any]] = json.loads((directory / "ground-truth.json").read_text(encoding="utf-8"))
    for item in truth[:limit]:
        with gzip.open(directory / item["file"], "rb") as handle:
            yield DatePage(item["file"], item["url"], item["date"], item["set"], handle.read())


def day(answer: str | None) -> str:
    return answer[:10] if answer else "-"


def _safely(extractor: Callable[[DatePage], str | None], page: DatePage) -> str | None:
    try:
        return extractor(page)
    except Exception:  # noqa: BLE001 - a library failing on one page counts as no date, as the set's scorer counts it
        return None


def measure(pages: list[DatePage], names: list[str]) -> dict[str, dict[str, Tally]]:
    """Tallies by extractor, then by set ("all" too)."""
    tallies = {name: {s: Tally() for s in ["all", *sorted({p.set for p in pages})]} for name in names}
    for page in tqdm(pages, desc="htmldate-eval", unit="page", file=sys.stderr):
        for name in names:
            start = time.process_time()
            got = _safely(EXTRACTORS[name], page)
            spent = time.process_time() - start
            for key in ("all", page.set):
                tallies[name][key].add(page, got)
                tallies[name][key].seconds += spent
    return tallies


def write_misses(pages: list[DatePage], tallies: dict[str, dict[str, Tally]], out: Path = OUT) -> Path:
    """The pages ours gets wrong, with what the others found: one tab-separated line each."""
    out.mkdir(parents=True, exist_ok=True)
    others = [name for name in tallies if name != "ours"]
    lines = ["\t".join(["file", "set", "url", "expected", "ours", *others])]
    answers = {name: by_set["all"].answers for name, by_set in tallies.items()}
    for page in pages:
        got = answers.get("ours", {}).get(page.file)
        if "ours" in answers and (got is None or got[:10] != page.want):
            row = [page.file, page.set, page.url, page.want or "-", got or "-", *(day(answers[n][page.file]) for n in others)]
            lines.append("\t".join(row))
    (out / "answers.json").write_text(json.dumps(answers, indent=1, sort_keys=True), encoding="utf-8")
    misses = out / "misses.tsv"
    misses.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return misses


def print_table(tallies: dict[str, dict[str, Tally]]) -> None:
    sets = [s for s in next(iter(tallies.values())) if s != "all"] + ["all"]
    for name_of_set in sets:
        count = next(iter(tallies.values()))[name_of_set].pages
        print(f"  set {name_of_set} ({count} pages)")
        print(f"    {'extractor':<22}{'accuracy':>10}{'precision':>11}{'recall':>9}{'right':>7}{'pages/s':>9}")
        for name, by_set in tallies.items():
            t = by_set[name_of_set]
            rate = t.pages / t.seconds if t.seconds else 0.0
            print(f"    {name:<22}{t.accuracy:>10.3f}{t.precision:>11.3f}{t.recall:>9.3f}{t.right:>7}{rate:>9.1f}")


def date_report(limit: int | None = None, names: list[str] | None = None) -> dict[str, dict[str, Tally]] | None:
    directory = dataset_dir(DATASET)
    if directory is None:
        print(f"Publication dates: not present (../shared/datasets/{DATASET}), skipped")
        return None
    chosen = names or list(EXTRACTORS)
    unknown = set(chosen) - set(EXTRACTORS)
    if unknown:
        raise SystemExit(f"unknown date extractors {sorted(unknown)}; known: {', '.join(EXTRACTORS)}")
    pages = list(date_pages(directory, limit))
    tallies = measure(pages, chosen)
    print(f"Publication dates, htmldate's evaluation set ({len(pages)} pages): the day, as its README scores it")
    print_table(tallies)
    if "ours" in tallies:
        print(f"  pages ours gets wrong: {write_misses(pages, tallies).relative_to(ROOT)}")
    return tallies
