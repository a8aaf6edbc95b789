"""(7) Topics: what saved searches cost the pipeline, and how fast their webhooks arrive (docs/benchmarks.md).

Matching cost: end-to-end JSON ingest as (2a) (batches of 100 from 4 clients, first POST to last searchable) with
0, 100, 1,000 and 10,000 topics saved, beside the indexer's own account of matching (`/metrics`: seconds per batch,
share of its batch time, new matches). Delivery latency: 1,000 topics, 10 of them with a webhook to a receiver in
this process; JSON at half the rate measured with those 1,000 topics, open loop; latency = the receiver's arrival
minus the 202 of the article.
Topics are drawn from the generator's vocabulary (tests/bench/articles.py), seeded: topic n is the same in every run.
"""

from __future__ import annotations

import json
import random
import statistics
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import requests
from prometheus_client.parser import text_string_to_metric_families

from services.search.topic_params import checked_query
from shared.delivery.inflight import InFlight
from shared.topics.keys import TopicKeys, WebhookKeys
from shared.topics.matcher import Matcher
from shared.topics.notify import Match, MatchLog
from shared.topics.stems import EngineStems
from shared.topics.store import TopicStore
from tests.bench import ingest
from tests.bench.articles import LANGUAGES, PLACES, SOURCES, WORDS, ArticleGenerator, as_json
from tests.bench.cpu import Meter
from tests.bench.report import plt  # matplotlib, set up without a display
from tests.bench.sizes import Sizes
from tests.bench.stack import StackKnobs, measured_pids, restart_search
from tests.stack import BIN, Stack, free_port, wait_until

SEED = 8
ARTICLES_BASE = 50_000_000  # article numbers no other phase uses: every run posts new articles
# Names no generated article holds: most saved searches are quiet most of the time.
QUIET = ["Tokayev", "Olympics", "OPEC", "Bitcoin", "Eurovision", "Nobel", "Hezbollah", "Baikonur", "Caspian", "NATO", "UNESCO"]
KINDS = [  # (kind, share of the topics)
    ("quiet", 0.20),  # an unknown name, alone or AND a common word: never matches
    ("and_source_country", 0.20),  # two words AND, one source, one country
    ("phrase_country", 0.15),  # a two-word phrase in one country
    ("phrase3", 0.10),  # a three-word phrase, no filter: a candidate for every article of its language
    ("word_source_country", 0.15),
    ("places_or_source", 0.10),  # two datelines OR'ed, one source
    ("near", 0.05),  # a word near a place (50 km), one source
    ("language", 0.05),  # a word of a smaller language with that language's filter, one source
]
RUNS_BUDGET_S = 120  # no further run of a level once its runs took this long
HOOK_SOURCES = SOURCES[3:13]  # mid-ranked sources: each webhook topic matches ~1-3 % of the articles


@dataclass(frozen=True)
class TopicSizes:
    levels: tuple[int, ...]  # topics saved at each matching-cost point
    latency_topics: int  # topics saved during the delivery run, webhook ones included
    webhooks: int
    latency_s: float  # seconds of open-loop load


FULL = TopicSizes((0, 100, 1_000, 10_000), 1_000, 10, 60)
QUICK = TopicSizes((0, 100), 100, 10, 15)


def _word(rng: random.Random, language: str) -> str:
    return rng.choice([w for w in WORDS[language] if len(w) >= 4])


def topic_query(n: int) -> dict[str, Any]:
    """Topic n, as a newsroom would type it into `POST /v1/topics` (its `query`)."""
    rng = random.Random(f"{SEED}:topic:{n}")
    kind = rng.choices([k for k, _ in KINDS], [w for _, w in KINDS])[0]
    lang = rng.choices([c for c, _ in LANGUAGES], [w for _, w in LANGUAGES])[0]
    place, source, country = rng.choice(PLACES), rng.choice(SOURCES), rng.choice(PLACES)[2]
    if kind == "quiet":
        return {"q": rng.choice(QUIET) + (f" {_word(rng, lang)}" if rng.random() < 0.5 else "")}
    if kind == "and_source_country":
        return {"q": f"{_word(rng, lang)} {_word(rng, lang)}", "source": source, "country": country}
    if kind == "phrase_country":
        return {"q": f'"{_word(rng, lang)} {_word(rng, lang)}"', "country": country}
    if kind == "phrase3":
        return {"q": '"' + " ".join(_word(rng, lang) for _ in range(3)) + '"'}
    if kind == "word_source_country":
        return {"q": _word(rng, lang), "source": source, "country": country}
    if kind == "places_or_source":
        first, second = rng.sample(PLACES, 2)
        return {"q": f'"{first[0]}" | "{second[0]}"', "source": source}
    if kind == "near":
        return {"q": _word(rng, lang), "near": f"{place[3]},{place[4]}", "within": "50km", "source": source}
    small = rng.choice([c for c, _ in LANGUAGES[1:]])
    return {"q": _word(rng, small), "language": small, "source": source}


def hook_query(n: int) -> dict[str, Any]:
    """Webhook topic n: a common English word from one mid-ranked source (or a phrase), so deliveries keep coming."""
    rng = random.Random(f"{SEED}:hook:{n}")
    source = HOOK_SOURCES[n % len(HOOK_SOURCES)]
    q = _word(rng, "en") if n % 3 else f'"{_word(rng, "en")} {_word(rng, "en")}"'
    return {"q": q, "source": source} if n % 3 else {"q": q}


class Topics:
    """The bench's topics in the stack's Redis: topic n keeps its id; 100 per owner, as 100 newsrooms' keys would."""

    def __init__(self, stack: Stack) -> None:
        self.stack, self.store = stack, TopicStore(stack.redis, stack.settings)
        self.ids: dict[int, str] = {}

    @staticmethod
    def owner(n: int) -> str | None:
        return None if n == 0 else f"bench-{n // 100}"  # topic 0 is made over HTTP (no API keys in the bench: None)

    def grow_to(self, count: int) -> None:
        for n in range(count):
            if n in self.ids:
                continue
            query = topic_query(n)
            if n == 0:
                self.ids[n] = self.over_http("topic 0", query)["id"]
            else:
                self.ids[n] = self.store.create(f"topic {n}", query, checked_query(query), None, self.owner(n))["id"]

    def drop(self, numbers: range) -> None:
        for n in numbers:
            if n in self.ids:
                self.store.delete(self.ids.pop(n), self.owner(n))

    def over_http(self, name: str, query: dict[str, Any], webhook_url: str | None = None) -> dict[str, Any]:
        """The API path: 201 with the id, and the webhook secret when a webhook is given."""
        body = {"name": name, "query": query} | ({"webhook_url": webhook_url} if webhook_url else {})
        answer = requests.post(f"{self.stack.search_url}/v1/topics", json=body, timeout=30)
        assert answer.status_code == 201, f"{answer.status_code} {answer.text[:300]}"
        record: dict[str, Any] = answer.json()
        assert bool(record.get("webhook_secret")) == bool(webhook_url), record
        return record

    def rebuild_s(self) -> float:
        """Seconds to build the matcher of every saved topic (the indexer does it on its first batch after a change)."""
        started = time.perf_counter()
        Matcher.build(*self.store.everything(), EngineStems(self.stack.es, self.stack.settings.index_alias))
        return round(time.perf_counter() - started, 3)


def breakdown(stack: Stack, store: TopicStore, batch: int) -> dict[str, Any]:
    """Where a batch's matching goes, redone in this process on the last `batch` articles indexed, both ways: the match
    plugin's whole request (it holds the topics and finds the candidates itself), and the msearch way's candidate
    index in Python then its msearch (without the refresh the msearch needs); the rest of the indexer's figure is the
    recording."""
    alias = stack.settings.index_alias
    hits = stack.es.search(index=alias, sort=[{"indexed_at": "desc"}], size=batch)["hits"]["hits"]
    docs = [hit["_source"] | {"id": hit["_id"]} for hit in hits]
    matcher = Matcher.build(*store.everything(), EngineStems(stack.es, alias))
    started = time.perf_counter()
    matcher.index.candidates(docs, matcher.stems)  # the first time, the words' stems are asked of the engine
    cold_s = time.perf_counter() - started
    started = time.perf_counter()
    candidates = matcher.index.candidates(docs, matcher.stems)
    python_s = time.perf_counter() - started
    group = stack.settings.topic_search_group
    started = time.perf_counter()
    pairs = matcher.match(stack.es, alias, docs, group, in_engine=False, refresh=False)
    verify_s = time.perf_counter() - started - python_s
    matcher.match(stack.es, alias, docs, group, in_engine=True)  # registers the topics on the node, if not yet there
    started = time.perf_counter()
    in_engine = matcher.match(stack.es, alias, docs, group, in_engine=True)  # candidates and all, in the engine
    plugin_s = time.perf_counter() - started
    assert {(t["id"], d["id"]) for t, d in in_engine} == {(t["id"], d["id"]) for t, d in pairs}, "the two ways disagree"
    record_s = record_alone(stack, in_engine)
    started = time.perf_counter()
    stack.es.indices.refresh(index=alias)  # nothing new to refresh here: the request's floor, not the indexer's refresh
    return {
        "docs": len(docs),
        "topics_with_candidates": len(candidates),
        "candidate_pairs": sum(len(ids) for ids in candidates.values()),
        "matched_pairs": len(pairs),
        "candidates_ms": round(1000 * python_s, 1),
        "candidates_first_ms": round(1000 * cold_s, 1),
        "msearch_ms": round(1000 * max(0.0, verify_s), 1),
        "plugin_ms": round(1000 * max(0.0, plugin_s), 1),
        "record_ms": round(1000 * record_s, 1),
        "idle_refresh_ms": round(1000 * (time.perf_counter() - started), 1),
    }


def record_alone(stack: Stack, pairs: list[tuple[dict[str, Any], dict[str, Any]]]) -> float:
    """Seconds to record these matches as new ones, the indexer's script in a scratch namespace of the same Redis."""
    scratch = stack.settings.model_copy(update={"namespace": f"{stack.settings.namespace}-scratch"})
    started = time.perf_counter()
    MatchLog(stack.redis, scratch).record([Match(topic, doc, 0) for topic, doc in pairs], "2026-01-01T00:00:00Z")
    took = time.perf_counter() - started
    for key in stack.redis.scan_iter(f"{scratch.redis_key()}:*", count=1000):
        stack.redis.delete(key)
    return took


def scrape(stack: Stack) -> dict[str, float]:
    """The indexer's /metrics, summed over labels: sample name -> value; and a matching step's sum and count under
    `name:step` (newsroom_topic_match_step_seconds_sum:refresh)."""
    text = requests.get(f"http://127.0.0.1:{stack.metrics_ports['indexer']}/metrics", timeout=10).text
    out: dict[str, float] = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            out[sample.name] = out.get(sample.name, 0.0) + sample.value
            for label in ("step", "refreshed"):
                if label in sample.labels:
                    named = f"{sample.name}:{sample.labels[label]}"
                    out[named] = out.get(named, 0.0) + sample.value
    return out


STEPS = ("refresh", "engine", "transport", "record")  # the plugin's way (candidates: the msearch way only)


def steps_ms(delta: dict[str, float], batches: float) -> dict[str, float]:
    """A batch's matching split into its steps, in ms per matched batch; `python` is the rest (the matches turned
    into records, the indexer's own code)."""
    if not batches:
        return {}
    name = "newsroom_topic_match_step_seconds_sum"
    split = {step: round(1000 * delta.get(f"{name}:{step}", 0.0) / batches, 1) for step in (*STEPS, "candidates")}
    total = 1000 * delta.get("newsroom_topic_match_duration_seconds_sum", 0.0) / batches
    return split | {"python": round(total - sum(split.values()), 1)}


def refreshes(stack: Stack) -> tuple[float, float]:
    """(refreshes, their milliseconds) of the namespace's index so far, as Elasticsearch counts them."""
    stats = stack.es.indices.stats(index=stack.settings.index_alias, metric="refresh")["_all"]["primaries"]["refresh"]
    return float(stats["total"]), float(stats["total_time_in_millis"])


def settled_run(stack: Stack, articles: list[Any], clients: int) -> dict[str, Any]:
    """(2a)'s run, timed to the last article settled (matched and acknowledged: out of the in-flight ledger; its
    matches applied: out of the outbox) as well as to the last one searchable: a batch can be searchable before its
    matching ends."""
    ledger, started = InFlight(stack.redis, stack.settings), time.monotonic()
    baseline = ledger.size()  # 0 unless an article of an earlier phase is still being retried
    outbox = TopicKeys(stack.settings).outbox
    run = ingest.end_to_end(stack.es, stack.settings.index_alias, stack.ingest_url, articles, "json", clients)
    ingest._wait(lambda: ledger.size() <= baseline and not stack.redis.xlen(outbox), 600)
    run["settled_articles_per_s"] = round(run["searchable"] / (time.monotonic() - started), 1)
    return run


def cost_level(stack: Stack, gen: ArticleGenerator, sizes: Sizes, topics: int, base: int) -> dict[str, Any]:
    """End-to-end JSON articles/s with `topics` saved, and the indexer's matching seconds over the same runs."""
    settled_run(stack, gen.articles(base, 40), sizes.post_clients)  # warm-up, and the indexer's matcher rebuild
    # 10,000 topics: half the articles (a few batches of 200 were too few to tell two versions apart)
    count = sizes.e2e_json if topics <= 1_000 else max(100, sizes.e2e_json // 2)
    before, refreshed, runs = scrape(stack), refreshes(stack), []
    started = time.monotonic()
    with Meter(measured_pids(stack)) as meter:
        for r in range(sizes.repeats):
            runs.append(settled_run(stack, gen.articles(base + (r + 1) * 100_000, count), sizes.post_clients))
            if time.monotonic() - started > RUNS_BUDGET_S:
                break  # the many-topic levels are slow: fewer runs rather than a bench of an hour
    after, (refresh_n, refresh_ms) = scrape(stack), refreshes(stack)
    refresh_n, refresh_ms = refresh_n - refreshed[0], refresh_ms - refreshed[1]
    delta = {k: after.get(k, 0.0) - before.get(k, 0.0) for k in after}
    matched_batches = delta.get("newsroom_topic_match_duration_seconds_count", 0.0)
    match_s = delta.get("newsroom_topic_match_duration_seconds_sum", 0.0)
    refresh_s = delta.get("newsroom_topic_match_step_seconds_sum:refresh", 0.0)  # the engine's, making the batch readable
    batches = delta.get("newsroom_es_bulk_duration_seconds_count", 0.0)
    articles = sum(run["searchable"] for run in runs)
    rates = [run["settled_articles_per_s"] for run in runs]
    task_s = delta.get("newsroom_task_duration_seconds_sum", 0.0)
    return {
        "topics": topics,
        "runs_articles_per_s": rates,
        "articles_per_s": round(statistics.median(rates), 1),  # to the last one settled
        "searchable_articles_per_s": round(statistics.median(run["articles_per_s"] for run in runs), 1),
        "articles_per_run": count,
        "batches": int(batches),
        "articles_per_batch": round(articles / batches, 1) if batches else None,
        "match_ms_per_batch": round(1000 * match_s / matched_batches, 1) if matched_batches else 0.0,
        "refresh_ms_per_batch": round(1000 * refresh_s / matched_batches, 1) if matched_batches else 0.0,
        "match_steps_ms_per_batch": steps_ms(delta, matched_batches),
        "bulk_ms_per_batch": round(1000 * delta.get("newsroom_es_bulk_duration_seconds_sum", 0.0) / batches, 1)
        if batches
        else None,
        "es_refreshes": int(refresh_n),
        "batches_refreshed": int(delta.get("newsroom_topic_match_refreshes_total:yes", 0.0)),  # by the matching
        "batches_unrefreshed": int(delta.get("newsroom_topic_match_refreshes_total:no", 0.0)),  # readable already
        "es_ms_per_refresh": round(refresh_ms / refresh_n, 1) if refresh_n else None,
        "match_share_of_batch_time": round(match_s / task_s, 3) if task_s else None,
        "match_share_without_refresh": round((match_s - refresh_s) / task_s, 3) if task_s else None,
        "indexer_batch_s": round(task_s, 2),
        "match_s": round(match_s, 2),
        "matches_per_article": round(delta.get("newsroom_topic_matches_total", 0.0) / articles, 3) if articles else 0.0,
        "cpu": meter.summary(),
        "cpu_ms_per_article": round(1000 * sum(s for p, s in meter.used.items() if p != "load client") / articles, 2)
        if articles
        else None,
    }


class Receiver(ThreadingHTTPServer):
    """A webhook endpoint on 127.0.0.1: notes each POST's arrival (epoch s), webhook-id, topic and article; 204."""

    daemon_threads = True

    def __init__(self) -> None:
        self.arrivals: list[tuple[float, str, str, str]] = []
        self.lock = threading.Lock()
        super().__init__(("127.0.0.1", 0), _Hook)
        self.url = f"http://127.0.0.1:{self.server_address[1]}"
        threading.Thread(target=self.serve_forever, daemon=True).start()


class _Hook(BaseHTTPRequestHandler):
    server: Receiver

    def do_POST(self) -> None:
        at = time.time()
        body = json.loads(self.rfile.read(int(self.headers.get("Content-Length") or 0)) or b"{}")
        with self.server.lock:
            record = (at, self.headers.get("webhook-id", ""), body.get("topic_id", ""), body["article"]["id"])
            self.server.arrivals.append(record)
        self.send_response(204)
        self.end_headers()

    def log_message(self, *_: Any) -> None:
        return


def send_open_loop(url: str, articles: list[Any], rate: float, batch: int = 10, clients: int = 8) -> tuple[dict, float]:
    """POSTs of `batch` articles at a steady `rate` (as ingest.freshness sends): article id -> epoch of its 202."""
    accepted: dict[str, float] = {}
    local, chunks = threading.local(), [articles[i : i + batch] for i in range(0, len(articles), batch)]
    t0 = time.monotonic() + 0.2

    def post(n: int) -> None:
        time.sleep(max(0.0, t0 + n * batch / rate - time.monotonic()))
        session = local.__dict__.setdefault("s", requests.Session())
        answer = ingest.post_politely(session, f"{url}/v1/articles", json={"articles": [as_json(a) for a in chunks[n]]})
        at = time.time()
        for item in answer.json()["items"]:
            accepted[item["id"]] = at

    with ThreadPoolExecutor(clients) as pool:
        list(pool.map(post, range(len(chunks))))
    return accepted, round(len(articles) / (time.monotonic() - t0), 1)


def start_deliverer(stack: Stack) -> None:
    port = free_port()
    env = {"WEBHOOK_FETCH_ADDRESSES": "loopback", "WEBHOOKS_METRICS_PORT": str(port)}
    stack.start("webhooks", [str(BIN / "python"), "-m", "services.webhooks"], env)
    wait_until(lambda: requests.get(f"http://127.0.0.1:{port}/readyz", timeout=2).ok, 60, what="webhooks /readyz")


def expected_deliveries(stack: Stack, hooks: list[str], accepted: dict[str, float]) -> dict[tuple[str, str], float]:
    """(topic, article) -> epoch of the match, from the webhook topics' event streams, for the articles sent."""
    keys, out = TopicKeys(stack.settings), {}
    for topic_id in hooks:
        for _id, fields in stack.redis.xrange(keys.events(topic_id)):
            event = json.loads(fields[b"data"])
            if event["article"]["id"] in accepted:
                out[topic_id, event["article"]["id"]] = datetime.fromisoformat(event["matched_at"]).timestamp()
    return out


def delivery_latency(stack: Stack, topics: Topics, gen: ArticleGenerator, sizes: TopicSizes, rate: float) -> dict[str, Any]:
    receiver = Receiver()
    stack.env["WEBHOOK_FETCH_ADDRESSES"] = "loopback"  # the search service checks a webhook_url when a topic is made
    restart_search(stack, StackKnobs())
    topics.drop(range(sizes.latency_topics - sizes.webhooks, sizes.latency_topics))
    hooks = [topics.over_http("webhook 0", hook_query(0), f"{receiver.url}/hook/0")["id"]]  # owner None, as topic 0
    for n in range(1, sizes.webhooks):
        query = hook_query(n)
        record = topics.store.create(f"webhook {n}", query, checked_query(query), f"{receiver.url}/hook/{n}", "bench-hooks")
        hooks.append(record["id"])
    try:
        return _measure_delivery(stack, receiver, hooks, gen, sizes, rate)
    finally:
        receiver.shutdown()
        stack.stop("webhooks")
        for i, topic_id in enumerate(hooks):
            topics.store.delete(topic_id, None if i == 0 else "bench-hooks")
        topics.grow_to(sizes.latency_topics)  # back to plain topics only


def _measure_delivery(
    stack: Stack, receiver: Receiver, hooks: list[str], gen: ArticleGenerator, sizes: TopicSizes, rate: float
) -> dict[str, Any]:
    start_deliverer(stack)
    alias = stack.settings.index_alias
    ingest.end_to_end(stack.es, alias, stack.ingest_url, gen.articles(ARTICLES_BASE + 9_000_000, 40), "json", 4)  # warm-up
    arts = gen.articles(ARTICLES_BASE + 9_100_000, max(10, int(rate * sizes.latency_s)))
    before, metrics = ingest.searchable_count(stack.es, alias), scrape(stack)
    accepted, sent_rate = send_open_loop(stack.ingest_url, arts, rate)
    ingest.wait_searchable(stack.es, alias, before + len(arts), 180)
    ledger = InFlight(stack.redis, stack.settings)
    ingest._wait(lambda: ledger.size() == 0 and not stack.redis.xlen(TopicKeys(stack.settings).outbox), 180)  # recorded
    outbox = WebhookKeys(stack.settings).due

    def settled() -> bool:
        got = {(t, a) for _, _, t, a in receiver.arrivals}
        return not stack.redis.zcard(outbox) and set(expected_deliveries(stack, hooks, accepted)) <= got

    ingest._wait(settled, 120)
    time.sleep(1.0)  # any duplicate still on its way
    expected = expected_deliveries(stack, hooks, accepted)
    return summarize(receiver.arrivals, expected, accepted, rate, sent_rate, len(arts)) | batches(metrics, scrape(stack))


def batches(before: dict[str, float], after: dict[str, float]) -> dict[str, Any]:
    """The indexer's batches over the delivery run: how big, and their matching time."""
    count = after.get("newsroom_es_bulk_duration_seconds_count", 0.0) - before.get("newsroom_es_bulk_duration_seconds_count", 0.0)
    docs = after.get("newsroom_es_bulk_documents_sum", 0.0) - before.get("newsroom_es_bulk_documents_sum", 0.0)
    name = "newsroom_topic_match_duration_seconds"
    matched = after.get(f"{name}_count", 0.0) - before.get(f"{name}_count", 0.0)
    match_s = after.get(f"{name}_sum", 0.0) - before.get(f"{name}_sum", 0.0)
    return {
        "batches": int(count),
        "articles_per_batch": round(docs / count, 1) if count else None,
        "match_ms_per_batch": round(1000 * match_s / matched, 1) if matched else 0.0,
    }


def summarize(
    arrivals: list[tuple[float, str, str, str]],
    expected: dict[tuple[str, str], float],
    accepted: dict[str, float],
    rate: float,
    sent_rate: float,
    articles: int,
) -> dict[str, Any]:
    first: dict[str, tuple[float, str, str]] = {}
    ids = Counter(hook_id for _, hook_id, _, _ in arrivals)
    for at, hook_id, topic, article in sorted(arrivals):
        first.setdefault(hook_id, (at, topic, article))
    mine = [(at, t, a) for at, t, a in first.values() if a in accepted]
    lat = sorted(at - accepted[a] for at, _, a in mine)
    to_match = [expected[t, a] - accepted[a] for _, t, a in mine if (t, a) in expected]
    to_hook = [at - expected[t, a] for at, t, a in mine if (t, a) in expected]
    got = {(t, a) for _, t, a in mine}

    def pct(values: list[float], p: float) -> float:
        return round(ingest.percentile(values, p), 3) if values else 0.0

    return {
        "rate_target": round(rate, 1),
        "rate_sent": sent_rate,
        "articles": articles,
        "expected": len(expected),
        "delivered": len(got & set(expected)),
        "missing": len(set(expected) - got),
        "unexpected": len(got - set(expected)),
        "duplicates": sum(c - 1 for c in ids.values() if c > 1),
        "p50_s": pct(lat, 50),
        "p90_s": pct(lat, 90),
        "p99_s": pct(lat, 99),
        "max_s": round(max(lat), 3) if lat else 0.0,
        "accepted_to_matched_p50_s": pct(to_match, 50),
        "accepted_to_matched_p99_s": pct(to_match, 99),
        "matched_to_arrival_p50_s": pct(to_hook, 50),
        "matched_to_arrival_p99_s": pct(to_hook, 99),
        "latencies": [round(x, 3) for x in lat],
    }


def run(stack: Stack, gen: ArticleGenerator, sizes: Sizes, engine_rate: float, log: Any) -> dict[str, Any]:
    """Every level of the matching cost, the delivery run after the level of `latency_topics`; the results."""
    tsizes = QUICK if sizes.name == "quick" else FULL
    topics, levels = Topics(stack), []
    out: dict[str, Any] = {"sizes": tsizes.__dict__, "engine_docs_per_s": engine_rate}
    for i, count in enumerate(tsizes.levels):
        topics.grow_to(count)
        build_s = topics.rebuild_s() if count else 0.0
        log(f"7a. topics: {count} saved (matcher built in {build_s:.2f}s here); end-to-end JSON")
        level = cost_level(stack, gen, sizes, count, ARTICLES_BASE + i * 1_000_000) | {"matcher_build_s": build_s}
        if count:
            level["breakdown"] = breakdown(stack, topics.store, round(level["articles_per_batch"] or 100))
        level["ratio_to_engine"] = round(level["articles_per_s"] / engine_rate, 3)
        level["ratio_to_no_topics"] = round(level["articles_per_s"] / levels[0]["articles_per_s"], 3) if levels else 1.0
        levels.append(level)
        log(f"{count} topics: {level['articles_per_s']}/s, match {level['match_ms_per_batch']} ms per batch")
        if count:
            log(f"  one batch's matching redone here: {level['breakdown']}")
        if count == tsizes.latency_topics:
            rate = level["articles_per_s"] / 2  # half the most this many topics let through
            log(f"7b. webhook delivery latency: {count} topics, {tsizes.webhooks} with webhooks, {rate:.1f}/s")
            out["latency"] = delivery_latency(stack, topics, gen, tsizes, rate) | {"topics": count}
    out["levels"] = levels
    return out


def markdown(t: dict[str, Any]) -> str:
    meta, eng = t["meta"], t["engine_docs_per_s"]
    lines = [
        "# Topics: matching cost and delivery latency",
        "",
        f"Run {meta['started']} → {meta['finished']} UTC on {meta['cpus']} cores; load average (1 min) "
        f"{meta['load_start']:g} → {meta['load_end']:g}. Command: `{meta['command']}`. Engine bulk limit in the same run: "
        f"{eng:g} docs/s.",
        "",
        "| topics | end-to-end JSON | ratio to 0 topics | ratio to the engine | matching per batch (of it, the refresh) "
        "| bulk per batch | matching share of the indexer's batch time (without the refresh) | new matches per article "
        "| matcher build | indexer CPU |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for lv in t["levels"]:
        cpu = lv["cpu"]["cpu_s"].get("indexer", 0.0)
        share, bare = lv["match_share_of_batch_time"], lv.get("match_share_without_refresh")
        lines.append(
            f"| {lv['topics']:,} | {lv['articles_per_s']:g}/s (runs of {lv['articles_per_run']:,}: {lv['runs_articles_per_s']}) "
            f"| {lv['ratio_to_no_topics']:g} "
            f"| {lv['ratio_to_engine']:g} | {lv['match_ms_per_batch']:g} ms ({lv.get('refresh_ms_per_batch', '—')} ms) "
            f"| {lv['bulk_ms_per_batch']} ms | {'—' if share is None else f'{share:.0%}'} "
            f"({'—' if bare is None else f'{bare:.0%}'}) | {lv['matches_per_article']:g} | {lv['matcher_build_s']:g} s "
            f"| {cpu:g} s ({lv['batches']} batches of ~{lv['articles_per_batch']}) |"
        )
    lines += [
        "",
        "Where a batch's matching goes: Elasticsearch's refreshes of the index during the runs (its 1 s schedule, and "
        "those the matching asked for: a batch is refreshed unless it is readable at its versions already, and with "
        "TOPIC_MATCH_AFTER_REFRESH the bulk write waits for the scheduled refresh instead, ADR 0034), and the matching of "
        "the last batch-sized set of articles redone in the bench process both ways: the match plugin's whole request "
        "(its refresh, its candidates from the batch's terms, its topics run), and, for comparison, the msearch way's "
        "candidate index in Python, then its msearch without its refresh (the Python candidates are the msearch way's); "
        "then its matches recorded as new ones in a scratch namespace of the same Redis. The last column sets what "
        "matching costs alone, an article, against the CPU the whole pipeline spent an article during the runs (ingest, "
        "workers, indexer, search, Elasticsearch and Redis): the work matching adds, where the share of the indexer's "
        "batch time also counts its waiting for two cores shared by everything:",
        "",
        "| topics | ES refreshes (ms each) | batches refreshed by the matching | sample articles "
        "| topics with candidates (Python) | candidate pairs | matches | candidates (Python) | plugin | msearch "
        "| recording | plugin and recording an article, of the pipeline's CPU an article |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for lv in t["levels"]:
        b = lv.get("breakdown") or {}
        lines.append(
            f"| {lv['topics']:,} | {lv.get('es_refreshes')} ({lv.get('es_ms_per_refresh')}) "
            f"| {refreshed_of(lv)} | {b.get('docs', '—')} "
            f"| {b.get('topics_with_candidates', '—')} | {b.get('candidate_pairs', '—')} | {b.get('matched_pairs', '—')} "
            f"| {b.get('candidates_ms', '—')} ms | {b.get('plugin_ms', '—')} ms | {b.get('msearch_ms', '—')} ms "
            f"| {b.get('record_ms', '—')} ms | {work_share(lv)} |"
        )
    lat = t.get("latency")
    if lat:
        verdict = "met" if lat["p50_s"] <= 2 and lat["p99_s"] <= 5 else "NOT met"
        lines += [
            "",
            f"Webhook delivery, {lat['topics']:,} topics ({t['sizes']['webhooks']} with a webhook), {lat['rate_sent']:g} "
            f"articles/s sent (target {lat['rate_target']:g}/s, half the rate measured with these topics) "
            f"for {lat['articles']:,} articles; the indexer wrote {lat.get('batches')} batches "
            f"of ~{lat.get('articles_per_batch')} articles, matching {lat.get('match_ms_per_batch')} ms each:",
            "",
            "| deliveries | p50 | p90 | p99 | max | missing | duplicates | 202 → matched p50 / p99 "
            "| matched → received p50 / p99 | target p50 ≤ 2 s, p99 ≤ 5 s |",
            "|---|---|---|---|---|---|---|---|---|---|",
            f"| {lat['delivered']:,} of {lat['expected']:,} expected | {lat['p50_s']:g} s | {lat['p90_s']:g} s "
            f"| {lat['p99_s']:g} s | {lat['max_s']:g} s | {lat['missing']} | {lat['duplicates']} "
            f"| {lat['accepted_to_matched_p50_s']:g} / {lat['accepted_to_matched_p99_s']:g} s "
            f"| {lat['matched_to_arrival_p50_s']:g} / {lat['matched_to_arrival_p99_s']:g} s | {verdict} |",
        ]
    lines += ["", "![matching cost](topics-cost.png)", "", "![delivery latency](topics-latency.png)", ""]
    return "\n".join(lines)


def work_share(level: dict[str, Any]) -> str:
    """The matching's own work an article (the plugin's request and the recording, each alone on the sample batch),
    against what the whole pipeline spent an article in CPU during the level's runs (every process measured)."""
    b, cpu = level.get("breakdown") or {}, level.get("cpu_ms_per_article")
    if not b.get("docs") or not cpu or "record_ms" not in b:
        return "—"
    alone = (b["plugin_ms"] + b["record_ms"]) / b["docs"]
    return f"{alone:.2f} of {cpu:g} ms ({alone / cpu:.0%})"


def refreshed_of(level: dict[str, Any]) -> str:
    """ "n of m": the batches the matching refreshed the index for, of those it matched ("—" without topics)."""
    yes, no = level.get("batches_refreshed"), level.get("batches_unrefreshed")
    return "—" if yes is None or not (yes or no) else f"{yes} of {yes + no}"


def draw(t: dict[str, Any], out_dir: Path) -> None:
    levels = t["levels"]
    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4.2))
    some = [lv for lv in levels if lv["topics"]]
    left.axhline(levels[0]["articles_per_s"], ls="--", color="grey", label="no topics")
    left.plot([lv["topics"] for lv in some], [lv["articles_per_s"] for lv in some], "o-", label="with topics")
    left.set(title="End-to-end JSON ingest vs topics saved", xlabel="topics (log)", ylabel="articles/s", xscale="log")
    left.set_ylim(bottom=0)
    left.legend()
    draw_steps(right, some)
    fig.tight_layout()
    fig.savefig(out_dir / "topics-cost.png", dpi=90)
    plt.close(fig)
    lat = (t.get("latency") or {}).get("latencies") or [0.0]
    fig, (hist, cdf) = plt.subplots(1, 2, figsize=(11, 4.2))
    hist.hist(lat, bins=40, color="tab:blue")
    hist.set(title="Webhook delivery latency (202 → received)", xlabel="seconds", ylabel="deliveries")
    ordered = sorted(lat)
    cdf.plot(ordered, [(i + 1) / len(ordered) for i in range(len(ordered))])
    for x, y, label in ((2, 0.5, "p50 target"), (5, 0.99, "p99 target")):
        cdf.axvline(x, ls="--", color="grey")
        cdf.text(x, y, f" {label}", color="grey", va="center")
    cdf.set(title="Cumulative", xlabel="seconds", ylabel="share of deliveries")
    fig.tight_layout()
    fig.savefig(out_dir / "topics-latency.png", dpi=90)
    plt.close(fig)


def draw_steps(axes: Any, levels: list[dict[str, Any]]) -> None:
    """A batch's matching at each level, its steps stacked (the refresh at the bottom)."""
    names = [f"{lv['topics']:,}" for lv in levels]
    bottom = [0.0] * len(levels)
    for step in (*STEPS, "candidates", "python"):
        ms = [(lv.get("match_steps_ms_per_batch") or {}).get(step, 0.0) for lv in levels]
        if any(ms):
            axes.bar(names, ms, bottom=bottom, label=step)
            bottom = [b + m for b, m in zip(bottom, ms, strict=True)]
    axes.set(title="Indexer: matching per batch, by step", xlabel="topics", ylabel="ms per batch")
    axes.legend()


def write(t: dict[str, Any], out_dir: Path) -> dict[str, Any]:
    """topics.json (every figure), topics.md and the two plots; returns the summary for results.json."""
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "topics.json").write_text(json.dumps(t, indent=2) + "\n")
    (out_dir / "topics.md").write_text(markdown(t))
    draw(t, out_dir)
    summary = dict(t)
    if "latency" in t:
        summary["latency"] = {k: v for k, v in t["latency"].items() if k != "latencies"}
    return summary
