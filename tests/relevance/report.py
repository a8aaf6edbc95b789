"""The evaluation as a markdown table and as JSON, and the queries whose first relevant hit is not at rank 1."""

from __future__ import annotations

import json
import subprocess
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from tests.relevance.metrics import Scored, by, summary

RESULTS = Path(__file__).with_name("results")
COMMAND = "make relevance  # .venv/bin/python -m tests.relevance"


def commit() -> str:
    found = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=False)
    return found.stdout.strip() or "unknown"


def results(scored: list[Scored], articles: int) -> dict[str, Any]:
    return {
        "meta": {"date": datetime.now(UTC).date().isoformat(), "commit": commit(), "command": COMMAND, "articles": articles},
        "overall": summary(scored),
        "by_category": by(scored, "category"),
        "by_language": by(scored, "language"),
        "queries": [
            {"id": s.id, "q": s.q, "first_relevant": s.first_relevant, "precision_at_10": s.precision, "hits": s.hits}
            for s in scored
        ],
    }


def misses(scored: list[Scored]) -> list[Scored]:
    """Queries whose first relevant hit is not at rank 1: what a developer reads first after a change."""
    return [s for s in scored if s.first_relevant != 1]


def _rows(groups: dict[str, dict[str, float]]) -> list[str]:
    return [
        f"| {name} | {g['queries']} | {g['mrr']:.3f} | {g['precision_at_10']:.3f} | {g['precision_ceiling']:.3f} | "
        f"{g['first_at_1']:.0%} |"
        for name, g in groups.items()
    ]


def markdown(data: dict[str, Any], scored: list[Scored]) -> str:
    meta = data["meta"]
    head = ["| group | queries | MRR | P@10 | P@10 ceiling | first hit at rank 1 |", "|---|---:|---:|---:|---:|---:|"]
    lines = [
        f"# Relevance: {meta['date']}, commit {meta['commit']}, {meta['articles']} articles",
        "",
        f"`{meta['command']}`; recency decay off. Binary judgements: tests/relevance/judgements.json.",
        "",
        *head,
        *_rows({"all": data["overall"]}),
        *_rows({f"category: {k}": v for k, v in data["by_category"].items()}),
        *_rows({f"language: {k}": v for k, v in data["by_language"].items()}),
        "",
        "## Queries whose first relevant hit is not at rank 1",
        "",
        "| query | category | first relevant at | P@10 |",
        "|---|---|---:|---:|",
        *[f"| `{s.q}` | {s.category} | {s.first_relevant or 'not in top 10'} | {s.precision:.1f} |" for s in misses(scored)],
    ]
    return "\n".join(lines) + "\n"


def write(scored: list[Scored], articles: int, out: Path = RESULTS) -> dict[str, Any]:
    data = results(scored, articles)
    out.mkdir(parents=True, exist_ok=True)
    (out / "latest.json").write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    (out / "latest.md").write_text(markdown(data, scored), encoding="utf-8")
    return data
