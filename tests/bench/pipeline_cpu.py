"""CPU per article of each process at the end-to-end rate (run 2a): what the Python stages cost next to the engine.

`python -m tests.bench --only pipeline` measures the engine's bulk limit and the JSON end-to-end run and writes
pipeline.json and pipeline.md; the full `make bench` reports the same table for its run 2a.
"""

from __future__ import annotations

from typing import Any

PYTHON_SIDE = ("ingest", "worker", "indexer")  # the stages this project writes; Redis and Elasticsearch are engines


def per_article_ms(phase: dict[str, Any]) -> dict[str, float]:
    """CPU milliseconds per searchable article, per process tree, over all the phase's runs."""
    articles = sum(run["searchable"] for run in phase["runs"])
    used = phase["cpu"]["cpu_s"]
    return {name.removesuffix(" (shared)"): round(seconds * 1000 / articles, 3) for name, seconds in used.items()}


def summary(phase: dict[str, Any]) -> dict[str, Any]:
    ms = per_article_ms(phase)
    python = round(sum(ms.get(name, 0.0) for name in PYTHON_SIDE), 3)
    engine = ms.get("elasticsearch", 0.0)
    return {
        "cpu_ms_per_article": ms,
        "python_ms": python,
        "elasticsearch_ms": engine,
        "python_to_engine": round(python / engine, 2) if engine else None,
        "articles_per_s": phase["articles_per_s"],
        "ratio_to_engine": phase["ratio_to_engine"],
    }


def markdown(measured: dict[str, Any], command: str) -> str:
    ms = measured["cpu_ms_per_article"]
    rows = "\n".join(f"| {name} | {value:g} |" for name, value in ms.items())
    return (
        f"# Pipeline CPU per article\n\n`{command}`\n\n"
        f"End to end (JSON): {measured['articles_per_s']:g} articles/s = {measured['ratio_to_engine']:g} of the raw bulk rate "
        f"measured in the same run.\n\n| process | CPU ms per article |\n|---|---:|\n{rows}\n\n"
        f"Python side (ingest + worker + indexer): {measured['python_ms']:g} ms; Elasticsearch: "
        f"{measured['elasticsearch_ms']:g} ms; ratio {measured['python_to_engine']}.\n"
    )
