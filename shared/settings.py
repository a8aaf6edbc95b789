"""Every setting of the system, read once from the environment.

Each field has a default and a description; the settings table of docs/settings.md is
generated from this class (`python -m shared.settings`, `make settings-doc`), so the two never drift.
"""

from __future__ import annotations

import math
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

FetchReach = Literal["public", "loopback", "any"]  # addresses feed fetches may reach (FEED_FETCH_ADDRESSES)


# A batch that waits for the scheduled refresh lives up to about this long: the 1 s refresh interval, its bulk write
# and its matching. A new batch is flushed every INDEX_BATCH_WAIT_S, so that many threads keep them all moving.
WAITING_BATCH_S = 1.5


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="", case_sensitive=False, extra="ignore")

    redis_url: str = Field("redis://127.0.0.1:6379/0", description="Redis: Celery broker, status store, rate limits.")
    # Every Redis client waits this long (shared/redis_client.py, docs/operations.md): there is one set of timeouts.
    redis_timeout_s: float = Field(
        5.0,
        gt=0,
        description="Longest wait for Redis to answer one command, for every client (services, workers, the broker, rate "
        "limits, backups); then the caller treats Redis as away (a 503, a requeue, a limit counted in memory).",
    )
    redis_connect_timeout_s: float = Field(2.0, gt=0, description="Longest wait to open a connection to Redis, for every client.")
    elasticsearch_url: str = Field(
        "http://127.0.0.1:9200", description="Elasticsearch node, or nodes of one cluster comma-separated."
    )
    elasticsearch_timeout_s: float = Field(10.0, description="Client timeout for one Elasticsearch request.")
    namespace: str = Field(
        "news",
        description="Prefix of every index, alias, queue and Redis key; tests use their own so they never touch a user's data.",
    )
    ingest_port: int = Field(8081, description="Port of the ingest service.")
    search_port: int = Field(8082, description="Port of the search service and newsroom page.")
    flower_port: int = Field(5555, description="Port of the Flower queue dashboard.")
    # How the ingest and search services are served (shared/web/serving.py, docs/adr/0005-serving-slow-clients.md).
    gunicorn_workers: int = Field(2, description="gunicorn worker processes of the ingest service and of the search service.")
    http_worker_connections: int = Field(
        1000, description="Connections one service worker process holds at once (a greenlet each, so idle ones cost no thread)."
    )
    http_keepalive_s: int = Field(
        5,
        description="Seconds a client may take to send a request's line and headers, the first request's too, and may "
        "leave a connection idle between requests; then it is closed.",
    )
    http_read_timeout_s: float = Field(
        30.0,
        description="Longest pause while a service reads a request body or writes an answer; then the connection closes "
        "(a stalled ingest body: 408).",
    )
    http_worker_timeout_s: int = Field(
        60, description="A service worker process that does not check in for this long (a request holding its CPU) is replaced."
    )
    worker_concurrency: int = Field(2, description="Celery worker processes.")
    # Indexing in bulk (docs/adr/0013-two-stage-pipeline.md): the indexer writes normalized articles in one bulk request.
    articles_per_task: int = Field(
        20, description="Most articles of one batch request carried by one Celery message (to the worker, then the indexer)."
    )
    index_batch_max_docs: int = Field(500, description="Most articles the indexer writes in one bulk request.")
    index_batch_wait_s: float = Field(
        0.2, description="Longest an article waits for its batch to fill before the indexer writes it anyway."
    )
    task_events: bool = Field(
        False, description="Workers publish Celery task events from the start (Flower turns them on while it runs)."
    )
    indexer_concurrency: int = Field(2, description="Bulk requests one indexer process may have in flight at once.")
    index_outage_hold_s: float = Field(
        60.0,
        description="While Elasticsearch cannot be reached, how long the indexer holds a batch waiting for it before "
        "putting it back on the queue (no retry attempt is spent on an outage); keep it below VISIBILITY_TIMEOUT_S.",
    )
    index_probe_interval_s: float = Field(1.0, description="How often the indexer asks an unreachable Elasticsearch again.")
    visibility_timeout_s: int = Field(
        300,
        description="Seconds before Redis redelivers a task whose worker died without acknowledging it; "
        "keep it above TASK_TIME_LIMIT_S + RETRY_BACKOFF_MAX_S.",
    )
    # Reliability (docs/guarantees.md): time limits, retries with backoff, poison bounds.
    task_soft_time_limit_s: float = Field(30.0, description="Normalization past this raises in the task (then retried, bounded).")
    task_time_limit_s: float = Field(
        60.0, description="Hard limit: the child is killed, the article retried; poison after MAX_WORKER_LOSSES."
    )
    task_max_retries: int = Field(
        8,
        description="Retries of an article Elasticsearch failed transiently (a transient status or no answer: "
        "docs/guarantees.md) before it is dead-lettered; Redis errors requeue.",
    )
    retry_backoff_base_s: float = Field(1.0, description="First retry delay; doubled each retry, with jitter.")
    retry_backoff_max_s: float = Field(60.0, description="Longest retry delay.")
    max_worker_losses: int = Field(
        3, description="Deliveries of one article that killed or hung its worker before it is dead-lettered as poison."
    )
    broker_reconnect_max_s: float = Field(
        2.0, description="Longest wait between a worker's attempts to reach a lost broker again (Celery's own: 30 s)."
    )
    publish_timeout_s: float = Field(3.0, description="How long the ingest service tries to queue before answering 503.")
    status_ttl_s: int = Field(7 * 24 * 3600, description="How long an article's processing status stays readable.")
    max_body_bytes: int = Field(
        5 * 1024 * 1024, description="Largest request body the ingest service accepts, Content-Length or chunked (413 beyond)."
    )
    max_discard_bytes: int = Field(
        32 * 1024 * 1024,
        description="Most bytes of a refused body the ingest service reads and drops after answering, so that clients "
        "which send it all before reading get the 413; a longer rest is not read, the connection closes.",
    )
    max_batch_items: int = Field(1000, description="Most articles in one batch request.")
    # Ingest limits and backpressure (docs/ingest-limits.md).
    max_json_depth: int = Field(32, description="Deepest nesting of objects and arrays a JSON body may have (400 beyond).")
    # One size policy from ingest to index (shared/articles/limits.py, docs/ingest-limits.md).
    max_text_chars: int = Field(
        1_000_000,
        description="Longest article body, in characters as Elasticsearch counts them (UTF-16: an emoji counts 2): a JSON "
        "body over it is a 400, a longer extracted one (a page) is cut at a paragraph with a note; at most the index's "
        "highlight.max_analyzed_offset (1000000).",
    )
    max_short_chars: int = Field(
        2_000,
        description="Longest `url`, `title`, author or tag, in characters (400 beyond; a longer title, author or tag taken "
        "from a page is cut with a note).",
    )
    queue_max_depth: int = Field(
        10_000,
        description="Accepted articles not yet indexed or dead-lettered beyond which the ingest service answers 429 "
        "with Retry-After (feeds wait too).",
    )
    retry_after_s: int = Field(5, description="Seconds the ingest service asks clients to wait in Retry-After (429 and 503).")
    # The in-flight ledger and its sweeper (shared/delivery/inflight.py, services/worker/sweeper.py).
    sweep_interval_s: float = Field(60.0, description="How often Celery beat runs the sweep of the in-flight ledger.")
    sweep_after_s: float = Field(
        0.0,
        description="An accepted article with no sign of progress for this long (not started by a worker since "
        "it was accepted or last re-sent) is sent again by the sweeper; 0: VISIBILITY_TIMEOUT_S + TASK_TIME_LIMIT_S "
        "+ 300 s (660 s), past a worker's redelivery, so an article merely waiting in a long queue is rarely re-sent.",
    )
    sweep_max_resends: int = Field(
        5, description="Re-sends of one article by the sweeper before it is dead-lettered as lost in the pipeline."
    )
    sweep_batch: int = Field(1000, description="Most ledger entries one sweep re-sends or dead-letters.")
    # Backups (docs/backups.md): Elasticsearch snapshots scheduled by Celery beat, `make backup` folders.
    snapshot_interval_s: float = Field(
        3600.0, description="Age of the newest good snapshot at which Celery beat takes the next one (0: no scheduled snapshots)."
    )
    snapshot_keep: int = Field(
        24, description="Scheduled snapshots kept; older ones are deleted once newer ones succeeded (`make backup`'s are kept)."
    )
    snapshot_repository: str = Field(
        "",
        description="Elasticsearch snapshot repository (type fs; its folder, of the same name, under the node's path.repo); "
        "empty: `<NAMESPACE>-backups`.",
    )
    backup_dir: str = Field(
        "/var/lib/newsroom-search/backups",
        description="Where `make backup` writes one folder per backup: manifest, Redis RDB, feed subscriptions as JSON.",
    )
    # RSS/Atom feeds (docs/ingest.md, "Feeds").
    feed_tick_s: float = Field(10.0, description="How often Celery beat looks for feeds due to be polled.")
    feed_default_interval_s: int = Field(300, description="Poll interval of a feed subscribed without `interval_s`.")
    feed_min_interval_s: int = Field(
        60,
        description="Shortest poll interval a subscription may ask for (400 below it); a feed stored with a shorter one is "
        "polled at this interval.",
    )
    feed_timeout_s: float = Field(10.0, description="Connect and read timeout of one feed or linked-page fetch.")
    feed_max_bytes: int = Field(5 * 1024 * 1024, description="Largest feed or linked page fetched; larger ones fail the poll.")
    feed_backoff_max_s: int = Field(6 * 3600, description="Longest wait before retrying a feed that keeps failing.")
    feed_failing_after: int = Field(3, description="Consecutive failed polls after which a feed is marked `failing`.")
    feed_fetch_pages: bool = Field(
        False, description="Fetch and extract the linked page of an entry that carries only a summary (per feed overridable)."
    )
    feed_fetch_addresses: FetchReach = Field(
        "public",
        description="Addresses feed and linked-page fetches may reach, redirects included: `public` (the internet only), "
        "`loopback` (also this machine), `any` (also private networks, e.g. an intranet CMS).",
    )
    feed_seen_max: int = Field(10_000, description="Entry URLs remembered per feed so that re-polls add nothing.")
    search_recency_decay: bool = Field(True, description="Rank recent articles a little higher in relevance order.")
    # Search (docs/search-api.md, docs/partner-access.md): paging, partner API keys, rate limits, CORS.
    search_pit_keep_alive: str = Field(
        "3m", description="How long a relevance-ordered result list stays pageable (point in time) between two pages."
    )
    search_api_keys: str = Field(
        "",
        description="Partner API keys, comma-separated, each `name:key` (or a bare key); when any is set, /v1/* needs X-API-Key.",
    )
    search_api_keys_file: str = Field(
        "", description="File with more partner keys, one `name:key` or `name:sha256:<hex digest>` a line (# comments)."
    )
    search_rate_limit: str = Field(
        "600/minute", description="Requests one API key may make (flask-limiter syntax, e.g. `10/second`)."
    )
    search_cors_origins: str = Field(
        "", description="Origins allowed to call /v1/* from a browser, comma-separated (`*` for any)."
    )
    # Hostile or careless clients (docs/search-limits.md, docs/adr/ on cursors): what one client may cost the others.
    search_address_rate_limit: str = Field(
        "600/minute",
        description="Requests one client address may make to /v1/* when no API keys are configured (flask-limiter "
        "syntax; empty: unlimited).",
    )
    search_trusted_proxies: int = Field(
        0,
        description="Reverse proxies in front of the search service: the client address is then read from "
        "X-Forwarded-For, that many hops from the right (0: the connecting address).",
    )
    search_cursor_secret: str = Field(
        "",
        description="Key signing every `next_cursor` (HMAC-SHA256, at least 16 characters); empty: one is generated "
        "once and kept in Redis (`<NAMESPACE>:search:cursor-secret`), shared by every worker and restart.",
    )
    search_cursor_ttl_s: int = Field(
        3600,
        description="How long a `next_cursor` stays usable; one inside a point in time no longer than SEARCH_PIT_KEEP_ALIVE.",
    )
    search_pit_max_per_client: int = Field(
        10,
        description="Points in time one API key (without keys: one client address) may hold open; past it a relevance "
        "order pages without one (`paging: live`).",
    )
    search_timeout: str = Field(
        "2s",
        description="Elasticsearch's time budget for one search; past it the answer holds what was found by then, "
        "flagged `partial: true`.",
    )
    search_max_prefix_terms: int = Field(
        8, description="Most `word*` prefix terms in one `q` (400 beyond); each needs 2 characters or more before the `*`."
    )
    search_highlight_max_chars: int = Field(
        100_000,
        description="Characters of a body searched for the snippet's match; a match past them is not highlighted "
        "(the body's start is shown).",
    )
    # Ingest access (docs/partner-access.md): the key model of search (shared/web/api_keys.py), feeds owned by a key.
    ingest_api_keys: str = Field(
        "",
        description="Ingest API keys, comma-separated, each `name:key` (or a bare key); when any is set, the ingest /v1/* "
        "needs X-API-Key and each key sees only its own feeds.",
    )
    ingest_api_keys_file: str = Field(
        "", description="File with more ingest keys, one `name:key` or `name:sha256:<hex digest>` a line (# comments)."
    )
    ingest_operator_keys: str = Field(
        "",
        description="Names of ingest keys that are operators, comma-separated: they list and replay dead letters and "
        "see every feed (with keys set, no other key may).",
    )
    ingest_rate_limit: str = Field(
        "6000/minute", description="Requests one ingest API key may make (flask-limiter syntax, e.g. `100/second`)."
    )
    ingest_address_rate_limit: str = Field(
        "6000/minute",
        description="Requests one client address may make to the ingest /v1/* when no ingest keys are configured "
        "(empty: unlimited).",
    )
    # Topics (docs/topics.md): saved searches matched as articles are indexed, pushed by SSE and webhooks.
    topics_per_key: int = Field(
        100, description="Topics one search API key may hold (without keys: the whole service); past it POST /v1/topics is a 409."
    )
    topic_events_backlog: int = Field(
        1000, description="Match events kept per topic for SSE clients resuming with Last-Event-ID (older ones are dropped)."
    )
    topic_matched_max: int = Field(
        100_000,
        description="Articles remembered per topic as already matched, so a redelivery or a near-duplicate never notifies twice.",
    )
    topic_stream_max_s: float = Field(
        300.0,
        description="Longest one SSE connection stays open; the browser reconnects with Last-Event-ID and misses nothing.",
    )
    topic_streams_per_client: int = Field(
        5, description="SSE connections one API key (without keys: one client address) may hold open at once; past it a 429."
    )
    topic_search_group: int = Field(
        50,
        description="Topics verified by one search (each a named clause) when the indexer checks a batch's candidates; "
        "a batch's groups go in one msearch. Larger groups mean fewer searches, but more clauses in one query.",
    )
    topic_batch_wait_s: float = Field(
        0.5,
        ge=0,
        description="With topics saved, the longest an article waits for its batch to fill before the indexer writes it "
        "(INDEX_BATCH_WAIT_S without topics; never shorter than it): a batch's matching has costs of its own whatever its "
        "size (the refresh that makes it readable, each candidate topic's clause), shared by more articles in a larger "
        "batch (docs/adr/0036-larger-batches-with-topics.md).",
    )
    topic_match_after_refresh: bool = Field(
        False,
        description="With topics saved, the indexer's bulk write waits for the index's scheduled refresh (refresh=wait_for) "
        "and matching reads the batch as that refresh left it, instead of refreshing the index once more for each batch: "
        "about a fifth of the refreshes, for up to 1 s more before a match is known. Needs INDEXER_CONCURRENCY of at least "
        f"{WAITING_BATCH_S:g} s / INDEX_BATCH_WAIT_S (8 at 0.2 s), the threads that keep batches moving while each waits "
        "(docs/adr/0034-matching-after-the-scheduled-refresh.md).",
    )
    topic_verify: Literal["auto", "plugin", "msearch"] = Field(
        "auto",
        description="How Elasticsearch matches a batch against the topics: `plugin` (our match plugin holds the topics and "
        "matches the batch where the bulk write put it; docs/topics.md), `msearch` (candidates in Python, then searches "
        "of the refreshed index: a node without the plugin, such as the official Docker image), `auto` (the plugin when "
        "every node has it).",
    )
    webhook_timeout_s: float = Field(10.0, description="Connect and read timeout of one webhook delivery.")
    webhook_concurrency: int = Field(8, description="Webhook deliveries the deliverer process sends at once.")
    webhook_backoff_base_s: float = Field(
        5.0, description="Wait before the second attempt of a failed delivery; doubles each time."
    )
    webhook_backoff_max_s: float = Field(3600.0, description="Longest wait between two attempts of one delivery.")
    webhook_give_up_after_s: float = Field(
        26 * 3600.0,
        description="A delivery still failing this long after its first attempt goes to the webhook dead-letter list.",
    )
    webhook_pause_after: int = Field(
        5, description="Consecutive failures of one endpoint after which its deliveries pause (no attempts) for a while."
    )
    webhook_pause_max_s: float = Field(
        1800.0, description="Longest pause of a failing endpoint; one probe delivery is sent when a pause ends."
    )
    webhook_fetch_addresses: FetchReach = Field(
        "public",
        description="Addresses a webhook_url may reach: `public` (default), `loopback` (tests, a local receiver) or `any`; "
        "the guard of feed fetches.",
    )
    webhooks_metrics_port: int = Field(
        9810, description="Port of the webhook deliverer's own /metrics, /healthz and /readyz (0: none)."
    )
    log_level: str = Field("INFO", description="Log level of every service.")
    # Operations (docs/operations.md): worker metrics and readiness, Flower access.
    worker_metrics_port: int = Field(
        9808, description="Port of a Celery worker's own /metrics, /healthz and /readyz (0: none); one per worker host."
    )
    indexer_metrics_port: int = Field(9809, description="Port of the indexer's own /metrics, /healthz and /readyz (0: none).")
    worker_heartbeat_s: float = Field(
        10.0, description="How often a worker refreshes its heartbeat key in Redis; it expires after three missed beats."
    )
    worker_metrics_host: str = Field(
        "127.0.0.1", description="Address the worker's and indexer's metrics ports bind to (compose: 0.0.0.0, for Prometheus)."
    )
    # Progress (shared/consumer/progress.py, health.py, watchdog.py): a consumer that holds work and finishes none.
    stall_after_s: float = Field(
        120.0,
        description="A worker or indexer holding a message due this long without finishing it is not ready (stalled); "
        "keep it above 2 x TASK_TIME_LIMIT_S.",
    )
    watchdog_restart_after_s: float = Field(
        120.0,
        description="A stall lasting this long while Redis and Elasticsearch answer ends the process (warm shutdown) so "
        "its supervisor restarts it; 0: never.",
    )
    watchdog_exit_grace_s: float = Field(
        60.0, description="How long the watchdog's warm shutdown may take before the process exits hard."
    )
    flower_basic_auth: str = Field(
        "",
        description="`user:password[,user:password]` protecting Flower's pages and HTTP API; unset (and FLOWER_OPEN off): "
        "a generated password (`make up` prints it; docs/operations.md).",
    )
    flower_open: bool = Field(
        False,
        description="Serve Flower's pages without credentials when FLOWER_BASIC_AUTH is unset (never by default); its HTTP "
        "API, control endpoints included, then answers no one (docs/adr/0009-flower-access.md).",
    )

    @property
    def index_alias(self) -> str:
        """The alias every reader and writer uses; it points at a versioned index."""
        return f"{self.namespace}-articles"

    @property
    def queue_name(self) -> str:
        return f"{self.namespace}.articles"

    @property
    def index_queue_name(self) -> str:
        """Normalized articles waiting for the indexer's next bulk request."""
        return f"{self.namespace}.index"

    @property
    def sweep_after(self) -> float:
        """SWEEP_AFTER_S, or its default derived from the visibility timeout and the hard time limit."""
        return self.sweep_after_s or self.visibility_timeout_s + self.task_time_limit_s + 300

    @model_validator(mode="after")
    def _threads_for_waiting_batches(self) -> Settings:
        """Refused at start, not found in production: with two threads each waiting for the refresh, the rate with
        topics fell by a third and webhook deliveries queued to a p50 of 12.6 s (ADR 0034)."""
        needed = math.ceil(WAITING_BATCH_S / self.index_batch_wait_s)
        if self.topic_match_after_refresh and self.indexer_concurrency < needed:
            raise ValueError(
                f"TOPIC_MATCH_AFTER_REFRESH needs INDEXER_CONCURRENCY of at least {needed} "
                f"({WAITING_BATCH_S} s / INDEX_BATCH_WAIT_S {self.index_batch_wait_s:g}), not {self.indexer_concurrency}"
            )
        return self

    def redis_key(self, *parts: str) -> str:
        return ":".join((self.namespace, *parts))


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()


SETTINGS_DOC = Path(__file__).resolve().parents[1] / "docs" / "settings.md"
TABLE_BEGIN = "<!-- settings table: generated by `python -m shared.settings` from shared/settings.py; do not edit -->"
TABLE_END = "<!-- end of settings table -->"


def settings_table() -> str:
    """Markdown table of every setting, for docs/settings.md."""
    rows = ["| variable | default | meaning |", "|---|---|---|"]
    for name, field in Settings.model_fields.items():
        rows.append(f"| `{name.upper()}` | `{field.default}` | {field.description} |")
    return "\n".join(rows)


def with_settings_table(page: str) -> str:
    """The page with the text between its two table markers replaced by the current table."""
    head, found, rest = page.partition(TABLE_BEGIN)
    _, found_end, tail = rest.partition(TABLE_END)
    if not (found and found_end):
        raise ValueError(f"the page lacks the markers {TABLE_BEGIN!r} ... {TABLE_END!r}")
    return f"{head}{TABLE_BEGIN}\n{settings_table()}\n{TABLE_END}{tail}"


if __name__ == "__main__":
    SETTINGS_DOC.write_text(with_settings_table(SETTINGS_DOC.read_text()))
    print(f"wrote the settings table into {SETTINGS_DOC}")
