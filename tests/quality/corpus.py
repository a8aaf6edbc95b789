"""The gold corpus (tests/fixtures/pages) and the public benchmark, loaded for the quality harness."""

from __future__ import annotations

import gzip
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from shared.extraction.text_rules import html_to_text
from shared.text.charset import decode

ROOT = Path(__file__).resolve().parents[2]
PAGES = ROOT / "tests" / "fixtures" / "pages"
BENCHMARK_NAME = "article-extraction-benchmark"
_SPACE = re.compile(r"\s+")


@dataclass
class GoldPage:
    name: str
    kind: str  # "html" or "text"
    content: str
    gold: dict[str, Any]

    @property
    def gold_body(self) -> str:
        """The page's visible text from the gold body start to the gold body end, inline furniture removed."""
        visible = self.content if self.kind == "text" else html_to_text(self.content)
        text = fold(visible)
        start = text.find(fold(self.gold["body_start"]))
        end = text.find(fold(self.gold["body_end"]), max(start, 0))
        if start < 0 or end < 0:
            raise ValueError(f"{self.name}: gold body start or end not in the page")
        body = text[start : end + len(fold(self.gold["body_end"]))]
        for furniture in self.gold.get("body_excludes", []):
            body = body.replace(fold(furniture), " ")
        return fold(body)


def fold(text: str) -> str:
    return _SPACE.sub(" ", text).strip()


def gold_pages(directory: Path = PAGES) -> Iterator[GoldPage]:
    for gold_path in sorted(directory.glob("*.gold.json")):
        stem = gold_path.name.removesuffix(".gold.json")
        page = next(p for p in directory.glob(f"{stem}.*") if not p.name.endswith(".gold.json"))
        kind = "html" if page.suffix == ".html" else "text"
        raw = page.read_bytes()
        content = decode(raw).text if kind == "html" else raw.decode("utf-8")
        yield GoldPage(stem, kind, content, json.loads(gold_path.read_text(encoding="utf-8")))


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
            yield key, decode(handle.read()).text, item["articleBody"]
