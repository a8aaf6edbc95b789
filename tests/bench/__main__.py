"""`python -m tests.bench [--quick] [--out DIR]`: every measurement of docs/benchmarks.md in one run, same machine, same time.

Full run (`make bench`): minutes; writes tests/bench/results/. Quick run (`make bench QUICK=1`): CI size,
under 3 minutes, writes test-output/bench-quick/ and only proves the harness works.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import statistics
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import orjson

from shared.es.indexer import indexed_source, to_document
from shared.extraction.pipeline import normalize
from tests.bench import engine, ingest, normalization, pipeline_cpu, report, scaling, search, topics
from tests.bench.articles import ArticleGenerator, documents
from tests.bench.cpu import Meter
from tests.bench.sizes import FULL, QUICK, Sizes
from tests.bench.stack import StackKnobs, bench_stack, measured_pids, restart_search
from tests.stack import ROOT

SEED = 8


def log(message: str) -> None:
    print(f"[bench {datetime.now(UTC):%H:%M:%S}] {message}", file=sys.stderr, flush=True)


def measure(pids: dict[str, int], work: Any, *args: Any, **kwargs: Any) -> dict[str, Any]:
    with Meter(pids) as meter:
        out: dict[str, Any] = work(*args, **kwargs)
    out["cpu"] = meter.summary()
    return out


def run_engine(gen: ArticleGenerator, sizes: Sizes, stack: Any, pids: dict[str, int]) -> dict[str, Any]:
    docs = documents(gen.articles(1_000_000, sizes.engine_docs), "e", exact_bands=True)
    sweep = [engine.BulkConfig(b, c, r) for b in sizes.bulk_sizes for c in sizes.bulk_clients for r in sizes.refreshes]
    url = stack.settings.elasticsearch_url
    result = measure(pids, engine.engine_limit, stack.es, url, f"{stack.namespace}-raw", docs, sweep, sizes.repeats)
    result["mean_doc_bytes"] = round(statistics.mean(len(orjson.dumps(d)) for d in docs))
    # What the worker does today: one document per request, 2 processes, refresh every second.
    single = engine.BulkConfig(1, 2, "1s")
    one_by_one = docs[: max(100, len(docs) // 5)]
    rates = [engine.timed_load(stack.es, url, f"{stack.namespace}-raw", one_by_one, single) for _ in range(sizes.repeats)]
    result["one_doc_per_request_docs_per_s"] = round(statistics.median(rates), 1)
    return result


def run_ingest(gen: ArticleGenerator, sizes: Sizes, stack: Any, pids: dict[str, int], kind: str, engine_rate: float) -> dict:
    count = sizes.e2e_json if kind == "json" else sizes.e2e_html
    base = 2_000_000 if kind == "json" else 3_000_000
    alias, url = stack.settings.index_alias, stack.ingest_url
    ingest.end_to_end(stack.es, alias, url, gen.articles(base, max(20, count // 10)), kind, sizes.post_clients)  # warm-up
    runs = []
    with Meter(pids) as meter:
        for r in range(sizes.repeats):
            arts = gen.articles(base + (r + 1) * 100_000, count)
            runs.append(ingest.end_to_end(stack.es, alias, url, arts, kind, sizes.post_clients))
    rates = [x["articles_per_s"] for x in runs]
    out = {
        "runs": runs,
        "runs_articles_per_s": rates,
        "articles_per_s": round(statistics.median(rates), 1),
        "cpu": meter.summary(),
    }
    out["ratio_to_engine"] = round(out["articles_per_s"] / engine_rate, 3)
    return out


def fill_batches(gen: ArticleGenerator, sizes: Sizes) -> Iterator[list[dict[str, Any]]]:
    step = sizes.search_docs // sizes.scale_steps
    for s in range(sizes.scale_steps):
        yield documents(gen.articles(10_000_000 + s * step, step), "s")


def pipeline_doc_bytes(gen: ArticleGenerator) -> int:
    docs = [indexed_source(to_document(normalize(normalization.json_payload(a)))) for a in gen.articles(0, 20)]
    return round(statistics.mean(len(orjson.dumps(d)) for d in docs))


def run_search(stack: Any, pids: dict[str, int], sizes: Sizes, levels: tuple[int, ...]) -> list[dict[str, Any]]:
    queries = search.query_mix(SEED, sizes.search_queries)
    es_url, alias = stack.settings.elasticsearch_url, stack.settings.index_alias
    out = []
    for clients in levels:
        result = measure(pids, search.compare, stack.search_url, es_url, alias, queries, clients, sizes.repeats)
        result["es_open_search_contexts_after"] = open_contexts(stack.es)  # points in time the service left open
        out.append(result)
    return out


def open_contexts(es: Any) -> int:
    nodes = es.nodes.stats(metric="indices", index_metric="search")["nodes"].values()
    return sum(int(n["indices"]["search"]["open_contexts"]) for n in nodes)


def save(results: dict[str, Any], out_dir: Path) -> None:
    """Written after every phase, so a run cut short still leaves what it measured."""
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "results.json").write_bytes(orjson.dumps(results, option=orjson.OPT_INDENT_2))


def system_phases(gen: ArticleGenerator, sizes: Sizes, stack: Any, results: dict[str, Any], out_dir: Path) -> None:
    pids = measured_pids(stack)
    log(f"stack up in namespace {stack.namespace}; 1. engine bulk limit")
    results["engine"] = eng = run_engine(gen, sizes, stack, pids)
    eng["pipeline_mean_doc_bytes"] = pipeline_doc_bytes(gen)
    log(f"engine {eng['docs_per_s']} docs/s ({eng['best']}); 2a. end-to-end JSON")
    results["ingest_json"] = run_ingest(gen, sizes, stack, pids, "json", eng["docs_per_s"])
    save(results, out_dir)
    log(f"JSON {results['ingest_json']['articles_per_s']}/s; 2b. end-to-end HTML")
    results["ingest_html"] = h = run_ingest(gen, sizes, stack, pids, "html", eng["docs_per_s"])
    h["ratio_to_normalization"] = round(h["articles_per_s"] / (2 * results["normalization"]["html_pages_per_core_s"]), 3)
    rate = results["ingest_json"]["articles_per_s"] / 2
    log(f"HTML {h['articles_per_s']}/s; 3. freshness at {rate:.1f}/s")
    arts = gen.articles(4_000_000, max(10, int(rate * sizes.freshness_s)))
    alias = stack.settings.index_alias
    batch = sizes.freshness_batch
    results["freshness"] = measure(pids, ingest.freshness, stack.es, alias, stack.ingest_url, arts, rate, batch=batch)
    save(results, out_dir)
    log("6. scale: growing the index")
    best = engine.BulkConfig(**eng["best_config"])
    es_url = stack.settings.elasticsearch_url
    results["scale"] = engine.grow(stack.es, es_url, alias, fill_batches(gen, sizes), best)
    results["search_index_docs"] = results["scale"][-1]["articles"]
    save(results, out_dir)
    log("4. search latency")
    results["search"] = run_search(stack, pids, sizes, (1, 4, 16))
    save(results, out_dir)
    log("tuning: the search service under gunicorn's sync workers (2, no threads), same index")
    restart_search(stack, StackKnobs(search_class="sync"))
    results["search_sync"] = run_search(stack, measured_pids(stack), sizes, (4, 16))
    save(results, out_dir)
    results["topics"] = run_topics(gen, sizes, stack, eng["docs_per_s"], out_dir, results["meta"])


def run_topics(gen: ArticleGenerator, sizes: Sizes, stack: Any, engine_rate: float, out_dir: Path, meta: dict) -> dict:
    """7. Topics, last (they stay saved): topics.json, topics.md and its plots beside the other results."""
    measured = topics.run(stack, gen, sizes, engine_rate, log)
    measured["meta"] = meta | {"finished": f"{datetime.now(UTC):%Y-%m-%d %H:%M}", "load_end": round(os.getloadavg()[0], 2)}
    return topics.write(measured, out_dir)


def run_topics_only(sizes: Sizes, out_dir: Path, command: str, service_env: dict[str, str]) -> dict[str, Any]:
    """`--only topics`: the engine's limit for reference, then (7); writes the topics files only."""
    gen = ArticleGenerator(SEED)
    results = {"meta": meta(sizes, command, service_env)}
    with bench_stack(StackKnobs(), service_env) as stack:
        log(f"stack up in namespace {stack.namespace}; 1. engine bulk limit (reference)")
        eng = run_engine(gen, sizes, stack, measured_pids(stack))
        results["topics"] = run_topics(gen, sizes, stack, eng["docs_per_s"], out_dir, results["meta"])
    return results


def run_pipeline_only(sizes: Sizes, out_dir: Path, command: str, service_env: dict[str, str]) -> str:
    """`--only pipeline`: the engine's limit, then run 2a; CPU per article per process (pipeline.json, pipeline.md)."""
    gen = ArticleGenerator(SEED)
    with bench_stack(StackKnobs(), service_env) as stack:
        pids = measured_pids(stack)
        log(f"stack up in namespace {stack.namespace}; 1. engine bulk limit (reference)")
        eng = run_engine(gen, sizes, stack, pids)
        log(f"engine {eng['docs_per_s']} docs/s; 2a. end-to-end JSON")
        phase = run_ingest(gen, sizes, stack, pids, "json", eng["docs_per_s"])
    measured = pipeline_cpu.summary(phase) | {"meta": meta(sizes, command, service_env), "engine_docs_per_s": eng["docs_per_s"]}
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "pipeline.json").write_bytes(orjson.dumps(measured, option=orjson.OPT_INDENT_2))
    text = pipeline_cpu.markdown(measured, command)
    (out_dir / "pipeline.md").write_text(text)
    return text


def run_normalization_only(sizes: Sizes, out_dir: Path, command: str) -> str:
    """`--only normalization`: (5) alone, in this process, no stack: pages per CPU-second, ours and plain trafilatura's."""
    gen = ArticleGenerator(SEED)
    measured = normalization.normalization(gen.articles(0, sizes.norm_pages), sizes.repeats)
    out_dir.mkdir(parents=True, exist_ok=True)
    body = measured | {"meta": meta(sizes, command, {})}
    (out_dir / "normalization.json").write_bytes(orjson.dumps(body, option=orjson.OPT_INDENT_2))
    return (
        f"HTML {measured['html_pages_per_core_s']} pages/s per core = {measured['html_ratio_to_trafilatura']} of plain "
        f"trafilatura's {measured['trafilatura_html_pages_per_core_s']}; text {measured['text_pages_per_core_s']}; "
        f"JSON {measured['json_articles_per_core_s']} articles/s per core"
    )


def meta(sizes: Sizes, command: str, service_env: dict[str, str]) -> dict[str, Any]:
    return {
        "mode": sizes.name,
        "seed": SEED,
        "cpus": os.cpu_count(),
        "command": command,
        "started": f"{datetime.now(UTC):%Y-%m-%d %H:%M}",
        "load_start": round(os.getloadavg()[0], 2),
        "sizes": sizes.__dict__,
        "service_env": service_env,
    }


def run(sizes: Sizes, out_dir: Path, command: str, service_env: dict[str, str]) -> dict[str, Any]:
    gen = ArticleGenerator(SEED)
    results: dict[str, Any] = {"meta": meta(sizes, command, service_env)}
    log("5. normalization alone")
    results["normalization"] = normalization.normalization(gen.articles(0, sizes.norm_pages), sizes.repeats)
    save(results, out_dir)
    with bench_stack(StackKnobs(), service_env) as stack:
        system_phases(gen, sizes, stack, results, out_dir)
    results["meta"] |= {"finished": f"{datetime.now(UTC):%Y-%m-%d %H:%M}", "load_end": round(os.getloadavg()[0], 2)}
    save(results, out_dir)
    report.draw(results, out_dir / "scale.png")
    (out_dir / "RESULTS.md").write_text(report.markdown(results))
    return results


def with_overrides(sizes: Sizes, items: list[str]) -> Sizes:
    changes: dict[str, Any] = {}
    for item in items:
        name, value = item.split("=", 1)
        default = getattr(sizes, name)
        changes[name] = (
            tuple(type(default[0])(v) for v in value.split(",")) if isinstance(default, tuple) else type(default)(value)
        )
    return dataclasses.replace(sizes, **changes)


def argv_or_sys(argv: list[str] | None) -> list[str]:
    return list(argv) if argv is not None else sys.argv[1:]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.bench", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="CI size: under 3 minutes, checks the harness works")
    parser.add_argument("--out", type=Path, help="results folder")
    parser.add_argument(
        "--service-env",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="extra environment of the services under test (a before/after of a tuning change)",
    )
    parser.add_argument("--set", action="append", default=[], metavar="SIZE=N", help="override one size of sizes.py")
    parser.add_argument(
        "--only",
        choices=("topics", "pipeline", "scaling", "normalization"),
        help="one measurement alone, writing its files only: 7. topics, the CPU per article of run 2a (pipeline), "
        "run 2a against worker processes with Elasticsearch on a core of its own (scaling: tests/bench/scaling.py), "
        "or 5. normalization alone, in this process (normalization)",
    )
    args = parser.parse_args(argv)
    service_env = dict(item.split("=", 1) for item in args.service_env)
    sizes = with_overrides(QUICK if args.quick else FULL, args.set)
    out = args.out or (ROOT / "test-output" / "bench-quick" if args.quick else Path(__file__).parent / "results")
    t0 = time.monotonic()
    command = "make bench QUICK=1" if args.quick else "make bench"
    if args.service_env or args.set or args.only:
        command = " ".join([".venv/bin/python -m tests.bench", *argv_or_sys(argv)])
    if args.only:
        if args.only == "pipeline":
            print(run_pipeline_only(sizes, out, command, service_env))
        elif args.only == "normalization":
            print(run_normalization_only(sizes, out, command))
        elif args.only == "scaling":
            print(scaling.run(sizes, out, service_env, meta(sizes, command, service_env)))
        else:
            print(topics.markdown(run_topics_only(sizes, out, command, service_env)["topics"]))
        log(f"done in {time.monotonic() - t0:.0f}s; results in {out}")
        return 0
    results = run(sizes, out, command, service_env)
    print(report.table(results))
    log(f"done in {time.monotonic() - t0:.0f}s; results in {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
