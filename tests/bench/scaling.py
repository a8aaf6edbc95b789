"""Where the work outgrows one machine: end-to-end JSON articles/s against Celery worker processes, Elasticsearch
alone on core 0 and everything else on core 1 (`taskset`), next to Elasticsearch's own bulk rate on that one core.

    .venv/bin/python -m tests.bench --only scaling [--quick] [--set e2e_json=N] [--out DIR]

In order: the raw bulk rate straight to Elasticsearch (the one good configuration of scale.py) and the end-to-end
rate of run 2a with 2 worker processes, nothing pinned; then Elasticsearch (every thread) pinned to core 0, Redis and
this load-generating process to core 1, the raw bulk rate again, and for 1-4 worker processes (`--concurrency`) a
fresh bench stack whose processes and their children are pinned to core 1: the end-to-end rate as run 2a measures
it, the CPU per article of each process tree and how busy each core was. With nothing pinned, also the Redis memory
an article holds while it waits for a worker, for the indexer and once indexed (each stage's consumer stopped with
SIGSTOP). The affinity of Elasticsearch and Redis goes back to every core at the end, whatever happened; after a
SIGKILL, by hand: `taskset -a -p -c 0-1 $(cat .run/elasticsearch.pid)` (and the same for .run/redis.pid).
Writes scaling.json, scaling.md and scaling.png; docs/scaling.md turns them into a plan.
"""

from __future__ import annotations

import os
import signal
import statistics
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import orjson
import requests

from shared.es.client import make_client
from shared.settings import Settings
from tests.bench import engine, ingest, pipeline_cpu
from tests.bench.articles import ArticleGenerator, as_json, documents
from tests.bench.cpu import Meter, find_process, pid_file
from tests.bench.report import plt  # matplotlib, set up without a display
from tests.bench.scale import BEST
from tests.bench.sizes import Sizes
from tests.bench.stack import ES_MAIN_CLASS, StackKnobs, bench_stack, measured_pids
from tests.stack import ROOT, Stack, wait_until

SEED = 8
ES_CORE, PYTHON_CORE = "0", "1"
LEVELS = (1, 2, 3, 4)  # worker processes (Celery --concurrency) with everything pinned
REFERENCE = 2  # worker processes with nothing pinned: the default of make up
ARTICLES = 60_000_000  # article numbers no other phase uses; every point posts the same articles into its own namespace
STOPPED_S = 2.5  # after a SIGSTOP: a consumer's last BRPOP (1 s) has timed out in Redis, so nothing is in flight


def log(message: str) -> None:
    print(f"[bench {datetime.now(UTC):%H:%M:%S}] {message}", file=sys.stderr, flush=True)


def process_tree(root: int) -> list[int]:
    """`root` and every live descendant."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        try:
            raw = (entry / "stat").read_text() if entry.name.isdigit() else ""
        except OSError:
            continue
        if raw:
            children.setdefault(int(raw[raw.rindex(")") + 2 :].split()[1]), []).append(int(entry.name))
    found, todo = [], [root]
    while todo:
        found.append(pid := todo.pop())
        todo.extend(children.get(pid, []))
    return found


def pin(root: int, cores: str) -> None:
    """`taskset -a -p -c cores` on `root` and its descendants: every thread now; what they start later inherits it."""
    for pid in process_tree(root):
        subprocess.run(["taskset", "-a", "-p", "-c", cores, str(pid)], check=False, capture_output=True)


def affinity(root: int) -> list[str]:
    """Every distinct `Cpus_allowed_list` among the threads of `root`'s tree: one entry when the pin took."""
    found: set[str] = set()
    for pid in process_tree(root):
        for task in Path(f"/proc/{pid}/task").glob("*"):
            try:
                lines = (task / "status").read_text().splitlines()
            except OSError:
                continue
            found.update(line.split(":", 1)[1].strip() for line in lines if line.startswith("Cpus_allowed_list:"))
    return sorted(found)


def core_ticks() -> dict[str, tuple[int, int]]:
    """Per core, (busy, total) clock ticks since boot, from /proc/stat."""
    ticks = {}
    for line in Path("/proc/stat").read_text().splitlines():
        name, *values = line.split()
        if name.startswith("cpu") and name != "cpu":
            v = [int(x) for x in values[:8]]  # user nice system idle iowait irq softirq steal (guest is inside user)
            ticks[name[3:]] = (sum(v) - v[3] - v[4], sum(v))
    return ticks


def busy_share(before: dict[str, tuple[int, int]], after: dict[str, tuple[int, int]]) -> dict[str, float]:
    """How busy each core was between two `core_ticks()` readings, 0-1."""
    return {core: round((after[core][0] - before[core][0]) / max(1, after[core][1] - before[core][1]), 3) for core in before}


def engine_pids() -> dict[str, int]:
    found = {
        "elasticsearch": pid_file(ROOT / ".run" / "elasticsearch.pid") or find_process(ES_MAIN_CLASS),
        "redis": pid_file(ROOT / ".run" / "redis.pid") or find_process("redis-server", ":6379"),
    }
    missing = [name for name, pid in found.items() if not pid]
    if missing:
        raise RuntimeError(f"no running {', '.join(missing)}: `make test` or `make up` starts them")
    return {name: int(pid) for name, pid in found.items() if pid}


def raw_bulk(sizes: Sizes) -> dict[str, Any]:
    """The engine's bulk rate with one configuration (bulk 500, 2 clients, refresh off): the line the curve is read against."""
    settings = Settings(namespace=f"bench-{uuid.uuid4().hex[:8]}")
    docs = documents(ArticleGenerator(SEED).articles(1_000_000, sizes.engine_docs), "e", exact_bands=True)
    es = make_client(settings)
    with Meter({"elasticsearch (shared)": engine_pids()["elasticsearch"]}) as meter:
        result = engine.engine_limit(es, settings.elasticsearch_url, f"{settings.namespace}-raw", docs, [BEST], sizes.repeats)
    return result | {"cpu": meter.summary()}


def end_to_end(stack: Stack, sizes: Sizes) -> dict[str, Any]:
    """Run 2a: JSON in batches of 100, first POST to last searchable, `repeats` runs after a warm-up; medians."""
    gen, alias, url = ArticleGenerator(SEED), stack.settings.index_alias, stack.ingest_url
    ingest.end_to_end(stack.es, alias, url, gen.articles(ARTICLES, max(20, sizes.e2e_json // 10)), "json", sizes.post_clients)
    runs, before = [], core_ticks()
    with Meter(measured_pids(stack)) as meter:
        for r in range(sizes.repeats):
            articles = gen.articles(ARTICLES + (r + 1) * 100_000, sizes.e2e_json)
            runs.append(ingest.end_to_end(stack.es, alias, url, articles, "json", sizes.post_clients))
    rates = [run["articles_per_s"] for run in runs]
    phase = {"runs": runs, "runs_articles_per_s": rates, "articles_per_s": round(statistics.median(rates), 1)}
    phase |= {"cpu": meter.summary(), "core_busy": busy_share(before, core_ticks())}
    return phase | {"cpu_ms_per_article": pipeline_cpu.per_article_ms(phase)}


def key_kind(key: str, namespace: str) -> str:
    """`status`, `inflight` (the ledger), `queues` (kombu's lists, under its prefix `<ns>:`) or `other`."""
    rest = key.removeprefix(f"{namespace}:")
    if rest.startswith(f"{namespace}."):
        return "queues"
    head = rest.split(":", 1)[0]
    return head if head in ("status", "inflight") else "other"


def redis_bytes(stack: Stack) -> dict[str, int]:
    """Bytes Redis holds under the stack's namespace, every element counted (MEMORY USAGE … SAMPLES 0), by kind of key."""
    keys = [k.decode() if isinstance(k, bytes) else k for k in stack.redis.scan_iter(f"{stack.namespace}:*", count=1000)]
    pipe = stack.redis.pipeline(transaction=False)
    for key in keys:
        pipe.memory_usage(key, samples=0)
    held: dict[str, int] = {"queues": 0, "inflight": 0, "status": 0, "other": 0}
    for key, size in zip(keys, pipe.execute(), strict=True):
        held[key_kind(key, stack.namespace)] += int(size or 0)
    return held


def per_article(now: dict[str, int], base: dict[str, int], count: int) -> dict[str, int]:
    """Bytes per article of each kind, and in all, between two `redis_bytes` readings."""
    grown = {kind: round((now[kind] - base[kind]) / count) for kind in now}
    return grown | {"all": sum(grown.values())}


@contextmanager
def stopped(*roots: int) -> Iterator[None]:
    """The process trees stopped (SIGSTOP) for the block, always continued after it."""
    for root in roots:
        for pid in process_tree(root):
            os.kill(pid, signal.SIGSTOP)
    try:
        time.sleep(STOPPED_S)
        yield
    finally:
        for root in roots:
            for pid in process_tree(root):
                os.kill(pid, signal.SIGCONT)


def settled_length(stack: Stack, queue: str, emptied: str | None = None, timeout: float = 120) -> int:
    """The length of `queue` once it has not changed for 2 s (and the queue `emptied` is empty)."""
    seen: list[int] = []

    def settled() -> bool:
        seen.append(int(stack.redis.llen(queue)))
        drained = emptied is None or int(stack.redis.llen(emptied)) == 0
        return drained and len(seen) > 8 and len(set(seen[-9:])) == 1

    wait_until(settled, timeout, 0.25, what=f"{queue} to settle")
    return seen[-1]


def held_in_redis(stack: Stack, sizes: Sizes) -> dict[str, Any]:
    """Redis bytes per article while it waits for a worker, while it waits for the indexer, and once indexed."""
    worker, indexer = stack.processes["worker"].pid, stack.processes["indexer"].pid
    count, settings, session = sizes.e2e_json, stack.settings, requests.Session()
    to_worker, to_indexer = settings.redis_key(settings.queue_name), settings.redis_key(settings.index_queue_name)
    articles = ArticleGenerator(SEED).articles(ARTICLES + 900_000, count)
    base, target = redis_bytes(stack), ingest.searchable_count(stack.es, settings.index_alias) + count
    with stopped(indexer):
        with stopped(worker):
            for start in range(0, count, 100):
                body = {"articles": [as_json(a) for a in articles[start : start + 100]]}
                ingest.post_politely(session, f"{stack.ingest_url}/v1/articles", json=body)
            messages = {"to_worker": settled_length(stack, to_worker)}
            stages = {"waiting_for_worker": per_article(redis_bytes(stack), base, count)}
        messages["to_indexer"] = settled_length(stack, to_indexer, to_worker)
        stages["waiting_for_indexer"] = per_article(redis_bytes(stack), base, count)
    ingest.wait_searchable(stack.es, settings.index_alias, target, 120)
    time.sleep(1)  # the indexer's ledger and status writes follow its refresh
    stages["kept_indexed"] = per_article(redis_bytes(stack), base, count)
    return {"articles": count, "queued_messages": messages, "bytes_per_article": stages}


def point(sizes: Sizes, service_env: dict[str, str], concurrency: int, pinned: bool, engines: dict[str, int]) -> dict[str, Any]:
    with bench_stack(StackKnobs(worker_concurrency=concurrency), service_env) as stack:
        roots = {name: proc.pid for name, proc in stack.processes.items()}
        if pinned:
            for pid in roots.values():
                pin(pid, PYTHON_CORE)
        result = {"concurrency": concurrency, "pinned": pinned} | end_to_end(stack, sizes)
        result["affinity"] = {name: affinity(pid) for name, pid in (roots | engines).items()}
        if not pinned:
            result["redis_memory"] = held_in_redis(stack, sizes)
    return result


def _interrupted(signum: int, frame: object) -> None:
    raise KeyboardInterrupt(f"signal {signum}")


def measure(sizes: Sizes, service_env: dict[str, str], results: dict[str, Any], save: Callable[[dict[str, Any]], None]) -> None:
    """Every phase; Elasticsearch, Redis and this process get every core back at the end, whatever happened."""
    engines, everything = engine_pids(), f"0-{(os.cpu_count() or 1) - 1}"
    log(f"affinity before: { ({name: affinity(pid) for name, pid in engines.items()}) }; 1. raw bulk, nothing pinned")
    previous = signal.signal(signal.SIGTERM, _interrupted)
    try:
        results["engine_all_cores"] = raw_bulk(sizes)
        log(f"raw bulk {results['engine_all_cores']['docs_per_s']} docs/s; 2. end to end, nothing pinned, {REFERENCE} workers")
        results["reference"] = point(sizes, service_env, REFERENCE, False, engines)
        save(results)
        pin(engines["elasticsearch"], ES_CORE)
        for pid in (engines["redis"], os.getpid()):
            pin(pid, PYTHON_CORE)
        log(f"{results['reference']['articles_per_s']}/s; pinned: ES on core {ES_CORE}, Redis and the rest on {PYTHON_CORE}")
        results["engine_core0"] = raw_bulk(sizes)
        log(f"raw bulk, ES on one core: {results['engine_core0']['docs_per_s']} docs/s")
        results["points"] = []
        for concurrency in LEVELS:
            results["points"].append(point(sizes, service_env, concurrency, True, engines))
            save(results)
            log(f"{concurrency} worker process(es), pinned: {results['points'][-1]['articles_per_s']}/s")
    finally:
        for pid in (*engines.values(), os.getpid()):
            pin(pid, everything)
        signal.signal(signal.SIGTERM, previous)
        log(f"affinity restored: { ({name: affinity(pid) for name, pid in engines.items()}) }")


def plan(r: dict[str, Any], queue_max_depth: int) -> dict[str, Any]:
    """The figures docs/scaling.md plans with, from the fastest pinned point and the Redis memory of the reference."""
    best = max(r["points"], key=lambda p: p["articles_per_s"])
    ms = best["cpu_ms_per_article"]
    python = sum(ms.get(name, 0.0) for name in pipeline_cpu.PYTHON_SIDE)
    es, redis_ms = ms["elasticsearch"], ms["redis"]
    core1 = python + redis_ms + ms.get("load client", 0.0)
    held = r["reference"]["redis_memory"]["bytes_per_article"]
    return {
        "best_concurrency": best["concurrency"],
        "fewest_processes_within_5pct": min(
            p["concurrency"] for p in r["points"] if p["articles_per_s"] >= 0.95 * best["articles_per_s"]
        ),
        "python_ms": round(python, 3),
        "elasticsearch_ms": es,
        "redis_ms": redis_ms,
        "python_cores_per_es_core": round(python / es, 2),
        "worker_cores_per_es_core": round(ms["worker"] / es, 2),
        "es_core_articles_per_s": round(1000 / es),
        "python_core_articles_per_s": round(1000 / python),
        "core1_articles_per_s_from_cpu": round(1000 / core1),
        "redis_core_articles_per_s": round(1000 / redis_ms),
        "raw_bulk_core0_ms_per_doc": round(1000 / r["engine_core0"]["docs_per_s"], 3),
        "backlog_mb_at_queue_max_depth": round(queue_max_depth * max(v["all"] for v in held.values()) / 1e6, 1),
        "kept_mb_per_million_indexed": held["kept_indexed"]["all"],  # bytes per article = MB per million
    }


CPU_COLUMNS = ("elasticsearch", "worker", "indexer", "ingest", "redis", "load client")


def cores_used(x: dict[str, Any]) -> tuple[float, float]:
    """Cores' worth of CPU the Elasticsearch tree used over a point's runs, and everything else measured (core 1 when pinned)."""
    used, wall = x["cpu"]["cpu_s"], max(x["cpu"]["wall_s"], 1e-9)
    es = used.get("elasticsearch (shared)", 0)
    return es / wall, (sum(used.values()) - es) / wall


def table_row(x: dict[str, Any], engine_core0: float) -> str:
    ms, busy = x["cpu_ms_per_article"], x["core_busy"]
    runs = ", ".join(f"{v:g}" for v in x["runs_articles_per_s"])
    where = f"ES core {ES_CORE}, the rest core {PYTHON_CORE}" if x["pinned"] else "nothing"
    cpu = " / ".join(f"{ms.get(name, 0):g}" for name in CPU_COLUMNS)
    es, rest = cores_used(x)
    return (
        f"| {x['concurrency']} | {where} | {x['articles_per_s']:g} ({runs}) | {x['articles_per_s'] / engine_core0:.3f} "
        f"| {busy.get(ES_CORE, 0):.2f} / {busy.get(PYTHON_CORE, 0):.2f} | {es:.2f} / {rest:.2f} | {cpu} |"
    )


def markdown(r: dict[str, Any]) -> str:
    meta, p, core0 = r["meta"], r["plan"], r["engine_core0"]["docs_per_s"]
    memory = r["reference"]["redis_memory"]
    held = [
        f"| {stage.replace('_', ' ')} | " + " | ".join(f"{v:,}" for v in kinds.values()) + " |"
        for stage, kinds in memory["bytes_per_article"].items()
    ]
    return "\n".join(
        [
            f"# Scaling ({meta['mode']} run)\n",
            f"Run {meta['started']} → {meta['finished']} UTC on {meta['cpus']} cores, load average (1 min) "
            f"{meta['load_start']:g} → {meta['load_end']:g}. Command: `{meta['command']}`\n",
            f"Raw bulk straight to Elasticsearch ({BEST.label()}): {r['engine_all_cores']['docs_per_s']:g} docs/s on every "
            f"core, {core0:g} docs/s alone on core {ES_CORE}.\n",
            "| worker processes | pinned | end to end, articles/s (runs) | of raw bulk on core 0 | busy, core 0 / core 1 "
            "| cores used, ES / the rest | CPU ms per article: ES / worker / indexer / ingest / Redis / load client |",
            "|---|---|---|---|---|---|---|",
            *(table_row(x, core0) for x in [r["reference"], *r["points"]]),
            f"\nRedis bytes per article ({memory['articles']} articles, nothing pinned; each stage's consumer stopped):\n",
            "| article | queues | in-flight ledger | status | other | all |",
            "|---|---|---|---|---|---|",
            *held,
            "",
            f"At the fastest pinned point ({p['best_concurrency']} worker processes): Python side {p['python_ms']:g} ms, "
            f"Elasticsearch {p['elasticsearch_ms']:g} ms, Redis {p['redis_ms']:g} ms of CPU per article; "
            f"{p['python_cores_per_es_core']:g} Python cores per Elasticsearch core.\n",
            "![articles/s against worker processes](scaling.png)\n",
        ]
    )


def draw(r: dict[str, Any], path: Path) -> None:
    pts, ref, core0 = r["points"], r["reference"], r["engine_core0"]["docs_per_s"]
    x, rates = [p["concurrency"] for p in pts], [p["articles_per_s"] for p in pts]
    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4.2))
    left.axhline(core0, color="tab:red", linestyle="--", label=f"raw bulk, Elasticsearch alone on core {ES_CORE}")
    left.plot(x, rates, marker="o", label=f"end to end, Elasticsearch on core {ES_CORE}, the rest on core {PYTHON_CORE}")
    left.plot([ref["concurrency"]], [ref["articles_per_s"]], "s", color="tab:green", label="end to end, nothing pinned")
    for n, rate in zip(x, rates, strict=True):
        left.annotate(f"{rate / core0:.2f}", (n, rate), textcoords="offset points", xytext=(0, 6), ha="center", fontsize=8)
    left.set(title="End-to-end JSON (ratio to the raw bulk line)", xlabel="worker processes", ylabel="articles/s")
    for n, (core, colour, who) in enumerate(((ES_CORE, "tab:red", "Elasticsearch"), (PYTHON_CORE, "tab:blue", "the rest"))):
        right.plot(x, [cores_used(p)[n] for p in pts], marker="o", color=colour, label=f"{who} (core {core})")
        right.plot(x, [p["core_busy"].get(core, 0) for p in pts], ":", color=colour, label=f"core {core} busy, any process")
    right.set(title="Cores used, pinned runs", xlabel="worker processes", ylabel="cores", ylim=(0, 1.05))
    left.set_ylim(bottom=0)
    for ax in (left, right):
        ax.set_xticks(x)
        ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=90)
    plt.close(fig)


def run(sizes: Sizes, out_dir: Path, service_env: dict[str, str], meta: dict[str, Any]) -> str:
    out_dir.mkdir(parents=True, exist_ok=True)
    results: dict[str, Any] = {"meta": meta, "levels": list(LEVELS)}

    def save(partial: dict[str, Any]) -> None:
        (out_dir / "scaling.json").write_bytes(orjson.dumps(partial, option=orjson.OPT_INDENT_2))

    measure(sizes, service_env, results, save)
    results["meta"] |= {"finished": f"{datetime.now(UTC):%Y-%m-%d %H:%M}", "load_end": round(os.getloadavg()[0], 2)}
    results["plan"] = plan(results, Settings().queue_max_depth)
    save(results)
    draw(results, out_dir / "scaling.png")
    text = markdown(results)
    (out_dir / "scaling.md").write_text(text)
    return text
