"""Our worst pages of the public benchmark against plain trafilatura, written out for reading.

    .venv/bin/python -m tests.quality.worst [--worst N] [--out test-output/worst-pages.md]

For each page, ranked by how much lower our F1 is than trafilatura's: its id and URL, F1, precision and
recall of each, and where our text differs from the gold body: the gold's sentences we dropped and the
sentences we kept that the gold does not have (trafilatura's differences beside them, shortened).
"""

from __future__ import annotations

import argparse
import re
from dataclasses import dataclass
from pathlib import Path

import trafilatura

from shared.extraction.pipeline import normalize
from tests.quality.corpus import benchmark_dir, benchmark_pages
from tests.quality.scoring import f1_of, precision_recall

OUT = Path("test-output/worst-pages.md")
SHOWN = 12  # differing passages shown per side
_SENTENCE = re.compile(r"(?<=[.!?])\s+|\n+")
_TOKEN = re.compile(r"\w+")


@dataclass
class PageScore:
    key: str
    ours: tuple[float, float]
    theirs: tuple[float, float]
    our_text: str
    their_text: str
    gold: str

    @property
    def loss(self) -> float:
        return f1_of([self.theirs])[2] - f1_of([self.ours])[2]


def _passages(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE.split(text) if len(_TOKEN.findall(s)) >= 3]


def _key(passage: str) -> str:
    return " ".join(_TOKEN.findall(passage.lower()))


def differences(got: str, gold: str) -> tuple[list[str], list[str]]:
    """(gold passages missing from the text, text passages the gold does not have), compared as word runs."""
    got_words, gold_words = " ".join(_TOKEN.findall(got.lower())), " ".join(_TOKEN.findall(gold.lower()))
    dropped = [p for p in _passages(gold) if _key(p) not in got_words]
    extra = [p for p in _passages(got) if _key(p) not in gold_words]
    return dropped, extra


def score_pages(limit: int | None = None) -> list[PageScore]:
    directory = benchmark_dir()
    if directory is None:
        raise SystemExit("Public benchmark not present (../shared/datasets/article-extraction-benchmark)")
    pages = []
    for key, html, gold in benchmark_pages(directory, limit):
        ours = normalize({"id": key, "kind": "raw", "content_type": "text/html", "content": html}).body
        theirs = trafilatura.extract(html) or ""
        pages.append(PageScore(key, precision_recall(ours, gold), precision_recall(theirs, gold), ours, theirs, gold))
    return pages


def _listing(title: str, passages: list[str]) -> list[str]:
    lines = [f"- {title} ({len(passages)}):"]
    lines += [f"    - {p[:200]}" for p in passages[:SHOWN]]
    if len(passages) > SHOWN:
        lines.append(f"    - … {len(passages) - SHOWN} more")
    return lines


def report(pages: list[PageScore], worst: int) -> str:
    ours, theirs = f1_of([p.ours for p in pages]), f1_of([p.theirs for p in pages])
    lines = [
        f"# Worst {worst} of {len(pages)} public-benchmark pages, ours against plain trafilatura",
        "",
        f"All pages: ours P {ours[0]:.4f} R {ours[1]:.4f} F1 {ours[2]:.4f}; "
        f"trafilatura P {theirs[0]:.4f} R {theirs[1]:.4f} F1 {theirs[2]:.4f}",
        "",
        "| page | ours F1 | P | R | trafilatura F1 | P | R |",
        "|---|---|---|---|---|---|---|",
    ]
    ranked = sorted(pages, key=lambda p: p.loss, reverse=True)[:worst]
    for p in ranked:
        a, b = f1_of([p.ours]), f1_of([p.theirs])
        lines.append(f"| {p.key[:12]} | {a[2]:.3f} | {a[0]:.3f} | {a[1]:.3f} | {b[2]:.3f} | {b[0]:.3f} | {b[1]:.3f} |")
    for p in ranked:
        dropped, extra = differences(p.our_text, p.gold)
        their_dropped, their_extra = differences(p.their_text, p.gold)
        lines += ["", f"## {p.key}", "", f"ours F1 {f1_of([p.ours])[2]:.3f}, trafilatura {f1_of([p.theirs])[2]:.3f}", ""]
        lines += _listing("we dropped", dropped) + _listing("we kept extra", extra)
        lines += _listing("trafilatura dropped", their_dropped) + _listing("trafilatura kept extra", their_extra)
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--worst", type=int, default=20, help="how many pages to list")
    parser.add_argument("--limit", type=int, default=None, help="score only the first N pages")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    pages = score_pages(args.limit)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(report(pages, args.worst), encoding="utf-8")
    print(report(pages, args.worst).split("\n\n## ")[0])
    print(f"written to {args.out}")


if __name__ == "__main__":
    main()
