"""The gold corpus (tests/fixtures/pages) and the public benchmark, loaded for the quality harness.

Every expectation is data: a gold page's title, date, place and body are what its files say, written by hand or
frozen once from an independent tool and read by hand (docs/normalization.md#the-gold-corpus). Nothing here runs
the code under test; `tests/unit/shared/extraction/test_gold_corpus.py` fails on an import of it.
"""

from __future__ import annotations

import gzip
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
PAGES = ROOT / "tests" / "fixtures" / "pages"
BENCHMARK_NAME = "article-extraction-benchmark"
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class GoldPage:
    name: str
    kind: str  # "html" or "text"
    raw: bytes  # the page's bytes, as the worker gets them
    gold: dict[str, Any]  # NAME.gold.json
    body: str  # NAME.body.txt: the expected body, one paragraph a line

    @property
    def text(self) -> str:
        """A text page's lines (text pages are UTF-8)."""
        return self.raw.decode("utf-8")


def fold(text: str) -> str:
    return _SPACE.sub(" ", text).strip()


def gold_pages(directory: Path = PAGES) -> Iterator[GoldPage]:
    for gold_path in sorted(directory.glob("*.gold.json")):
        stem = gold_path.name.removesuffix(".gold.json")
        html, text = directory / f"{stem}.html", directory / f"{stem}.txt"
        page = html if html.exists() else text
        body = (directory / f"{stem}.body.txt").read_text(encoding="utf-8")
        gold = json.loads(gold_path.read_text(encoding="utf-8"))
        yield GoldPage(stem, "html" if page == html else "text", page.read_bytes(), gold, body)


def dataset_dir(name: str) -> Path | None:
    """`../shared/datasets/NAME` beside the clone (or the main work tree), when it holds a `ground-truth.json`."""
    for base in (ROOT.parent, ROOT.parent.parent, Path("/work")):
        candidate = base / "shared" / "datasets" / name
        if (candidate / "ground-truth.json").exists():
            return candidate
    return None


def benchmark_dir() -> Path | None:
    """`../shared/datasets/article-extraction-benchmark` beside the clone (or the main work tree)."""
    return dataset_dir(BENCHMARK_NAME)


def benchmark_pages(directory: Path, limit: int | None = None) -> Iterator[tuple[str, str, str]]:
    """(id, html, gold body) of the public benchmark's pages."""
    truth: dict[str, dict[str, str]] = json.loads((directory / "ground-truth.json").read_text(encoding="utf-8"))
    for count, (key, item) in enumerate(sorted(truth.items())):
        if limit is not None and count >= limit:
            return
        with gzip.open(directory / "html" / f"{key}.html.gz", "rb") as handle:
            # All 181 pages are UTF-8 (the system's charset rule reads each of them so too).
            yield key, handle.read().decode("utf-8", errors="replace"), item["articleBody"]
