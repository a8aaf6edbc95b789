"""Restore drill (docs/backups.md). Real articles go through the live pipeline (gold pages, JSON articles, feed
entries), then `make backup`'s code backs the system up. Restored into a fresh Elasticsearch node and an empty
Redis, every article comes back searchable with the same content and version. Restored into the running system,
the alias moves to the backup's contents, an article still queued reaches the restored index, and the feed
queues again the entry the restored index lacks."""

from __future__ import annotations

import dataclasses
import json
import os
import shutil
import subprocess
import threading
import uuid
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
import requests
from elasticsearch import Elasticsearch, helpers

from shared.articles.ids import article_id
from shared.backup.folders import FEEDS, RDB, TOPICS
from shared.backup.restore import restore_folder
from shared.backup.take import backup
from shared.es import snapshots, suggestions
from shared.es.client import make_client
from shared.feeds import backup as feeds_backup
from shared.feeds.store import FeedStore
from shared.redis_client import connect
from shared.settings import Settings
from shared.topics import backup as topics_backup
from shared.topics.store import TopicStore
from tests.chaos.engines import ChaosElasticsearch, ChaosRedis, free_node_port
from tests.integration.test_feeds import FeedServer, rss
from tests.integration.test_ingest_backpressure import side_stack
from tests.stack import Stack, free_port, wait_until

PAGES = Path(__file__).resolve().parents[1] / "fixtures" / "pages"
DRILL_PORTS = range(19400, 19500)  # the fresh node's HTTP port (transport +100), clear of the chaos suite's 19200-19350
FINAL = ("indexed", "duplicate")
NEWS = {  # distinct texts, so that near-duplicate detection leaves them alone
    "Almaty": "Flood barriers went up along the Malaya Almatinka after a week of rain.",
    "Bishkek": "The city council approved a new bus route to the airport.",
    "Tbilisi": "Wine exports rose by a fifth in the third quarter, the statistics office said.",
    "Nairobi": "Marathon runners trained at altitude ahead of the autumn races.",
    "Lima": "Archaeologists opened a newly found tomb to the public on Sunday.",
    "Oslo": "The ferry operator ordered two electric boats for the fjord crossing.",
}
Documents = dict[str, tuple[int, dict[str, Any]]]  # id -> (version, _source)


@dataclasses.dataclass
class Drill:
    side: Stack
    settings: Settings  # the side stack's, with a backup folder of the test's own
    folder: Path
    documents: Documents  # the index as the backup took it
    word: str
    feed_id: str
    feeds: FeedServer


def documents(es: Elasticsearch, alias: str) -> Documents:
    return {h["_id"]: (h["_version"], h["_source"]) for h in helpers.scan(es, index=alias, version=True)}


def backed_up_feeds(drill: Drill) -> list[dict[str, Any]]:
    feeds: list[dict[str, Any]] = json.loads((drill.folder / FEEDS).read_text())["feeds"]
    return feeds


def metric(side: Stack, name: str) -> float:
    lines = requests.get(f"{side.ingest_url}/metrics", timeout=10).text.splitlines()
    return float(next(line.split()[-1] for line in lines if line.startswith(f"{name} ")))


def feed_items(server: FeedServer, word: str, count: int) -> tuple[int, str, bytes]:
    return rss("Drill", [(entry_url(server, word, n), f"Feed story {n} {word}", "Summary.") for n in range(count)])


def entry_url(server: FeedServer, word: str, n: int) -> str:
    return server.url(f"/{word}/{n}")


def wait_final(side: Stack, ids: list[str], timeout: float) -> None:
    for aid in ids:
        wait_until(lambda a=aid: side.status(a).get("status") in FINAL, timeout, what=f"{aid} indexed")


def free_port_pair() -> int:
    return free_node_port(DRILL_PORTS)


@pytest.fixture(scope="module")
def fresh_node() -> Iterator[Future[ChaosElasticsearch]]:
    """A node of its own, with the same path.repo, started while the drill's articles are being indexed."""
    node = ChaosElasticsearch(f"restore-drill-{os.getpid()}", 1, free_port_pair())

    def start() -> ChaosElasticsearch:
        node.start()
        return node

    with ThreadPoolExecutor(1) as pool:
        starting = pool.submit(start)
        try:
            yield starting
        finally:
            starting.exception()  # started (or failed) before it is wiped
            node.wipe()


@pytest.fixture(scope="module")
def drill(stack: Stack, fresh_node: Future[ChaosElasticsearch], tmp_path_factory: pytest.TempPathFactory) -> Iterator[Drill]:
    server = FeedServer()
    threading.Thread(target=server.serve_forever, daemon=True).start()
    with side_stack(stack) as side:
        settings = side.settings.model_copy(update={"backup_dir": str(tmp_path_factory.mktemp("backups"))})
        try:
            yield ingest_and_back_up(side, settings, server)
        finally:
            server.shutdown()
            drop_repository(side.es, settings)


def ingest_and_back_up(side: Stack, settings: Settings, server: FeedServer) -> Drill:
    side.ingest_url = side.start_gunicorn("ingest", free_port(), "services.ingest.wsgi:app")
    side.start_worker()
    side.start_indexer()
    word = f"drill{uuid.uuid4().hex[:8]}"
    ids = [post_page(side, gold) for gold in sorted(PAGES.glob("*.gold.json"))[::4]]
    for n, (city, body) in enumerate(NEWS.items()):
        article = {
            "title": f"{city}: {body[:30]} {word}",
            "body": f"{city}. {body} {word}",
            "url": f"https://example.kz/{word}/{n}",
        }
        ids.append(side.post("/v1/articles", json={**article, "published_at": "2026-11-30T09:00:00+05:00"}).json()["id"])
    server.docs[f"/{word}.xml"] = feed_items(server, word, 2)
    fid = side.post("/v1/feeds", json={"url": server.url(f"/{word}.xml"), "interval_s": 3600}).json()["id"]
    assert side.post(f"/v1/feeds/{fid}/poll").status_code == 202
    ids += [article_id(entry_url(server, word, n), None, None) for n in range(2)]
    match = {"q": word, "filters": {}, "near": None, "within": None, "bbox": None}
    TopicStore(side.redis, settings).create(f"drill {word}", {"q": word}, match, "https://hooks.example.com/drill", None)
    wait_final(side, ids, 120)
    side.refresh()
    assert side.es.count(index=settings.index_alias)["count"] == len(ids) == 20
    assert metric(side, "newsroom_snapshot_last_success_age_seconds") == float("inf")  # never backed up

    folder = backup(side.es, side.redis, settings)

    assert metric(side, "newsroom_snapshots") == 1
    assert metric(side, "newsroom_snapshot_last_success_age_seconds") < 600
    return Drill(side, settings, folder, documents(side.es, settings.index_alias), word, fid, server)


def post_page(side: Stack, gold: Path) -> str:
    page = next(p for p in PAGES.glob(gold.name.replace(".gold.json", ".*")) if p.suffix in (".html", ".txt"))
    kind = "text/html" if page.suffix == ".html" else "text/plain"
    answer = side.post(
        f"/v1/articles/raw?url=https://example.com/{page.stem}", data=page.read_bytes(), headers={"Content-Type": kind}
    )
    assert answer.status_code == 202, answer.text
    return str(answer.json()["id"])


def drop_repository(es: Elasticsearch, settings: Settings) -> None:
    repo = snapshots.repository(settings)
    node = next(iter(es.nodes.info(metric="settings")["nodes"].values()))
    names = [s["snapshot"] for s in snapshots.listed(es, settings)]
    if names:
        es.snapshot.delete(repository=repo, snapshot=",".join(names))
    es.options(ignore_status=404).snapshot.delete_repository(name=repo)
    shutil.rmtree(Path(node["settings"]["path"]["repo"][0]) / repo, ignore_errors=True)


def test_a_fresh_node_and_an_empty_redis_get_every_article_back_identical(
    drill: Drill, fresh_node: Future[ChaosElasticsearch], tmp_path: Path
) -> None:
    node = fresh_node.result()
    empty = ChaosRedis(free_port(), tmp_path / "redis")
    empty.start()
    restored = dataclasses.replace(drill.side, env={**drill.side.env, "ELASTICSEARCH_URL": node.url()}, processes={})
    try:
        settings = drill.settings.model_copy(update={"elasticsearch_url": node.url(), "redis_url": empty.url})
        fresh_es, fresh_redis = make_client(settings), connect(settings)

        restore_folder(fresh_es, fresh_redis, settings, drill.folder)

        assert documents(fresh_es, settings.index_alias) == drill.documents  # every article: same _source, same version
        assert feeds_backup.export(FeedStore(fresh_redis, settings))["feeds"] == backed_up_feeds(drill)
        topics = json.loads((drill.folder / TOPICS).read_text())["topics"]
        assert len(topics) == 1 and topics_backup.export(TopicStore(fresh_redis, settings))["topics"] == topics
        url = restored.start_gunicorn("search-restored", free_port(), "services.search.wsgi:app")
        listed = requests.get(f"{url}/v1/topics", timeout=30).json()["items"]
        assert [t["name"] for t in listed] == [f"drill {drill.word}"]
        every = requests.get(f"{url}/v1/search", params={"size": 100, "include_duplicates": "true"}, timeout=30).json()
        assert {h["id"] for h in every["hits"]} == set(drill.documents)
        by_word = requests.get(
            f"{url}/v1/search", params={"q": drill.word, "size": 100, "include_duplicates": "true"}, timeout=30
        )
        assert len(by_word.json()["hits"]) == len(NEWS) + 2
    finally:
        restored.stop("search-restored")
        empty.stop()


def test_the_redis_rdb_of_a_backup_loads_into_a_fresh_redis(drill: Drill, tmp_path: Path) -> None:
    shutil.copyfile(drill.folder / RDB, tmp_path / "dump.rdb")
    port = free_port()
    # AOF off for this first start: with it on, Redis starts from its (empty) AOF and ignores the RDB.
    argv = [*f"redis-server --bind 127.0.0.1 --port {port} --dir {tmp_path} --appendonly no".split(), "--save", ""]
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL)
    try:
        loaded = connect(drill.settings.model_copy(update={"redis_url": f"redis://127.0.0.1:{port}/0"}))
        wait_until(loaded.ping, 10, what="redis-server on the RDB")
        assert feeds_backup.export(FeedStore(loaded, drill.settings))["feeds"] == backed_up_feeds(drill)
    finally:
        proc.terminate()
        proc.wait(10)


def test_a_restore_into_the_running_system_moves_the_alias_and_keeps_what_is_queued(drill: Drill) -> None:
    side, alias = drill.side, drill.settings.index_alias
    replaced = next(iter(side.es.indices.get_alias(name=alias)))
    # After the backup: one article changed, one new, one new feed entry, all indexed; then one left in the queue.
    changed = {
        "title": "Almaty: rewritten",
        "body": f"Almaty. Rewritten after the backup {drill.word}",
        "url": f"https://example.kz/{drill.word}/0",
    }
    later = [side.post("/v1/articles", json=changed).json()["id"]]
    later.append(side.post("/v1/articles", json={"title": f"After the backup {drill.word}", "body": "Not in it."}).json()["id"])
    drill.feeds.docs[f"/{drill.word}.xml"] = feed_items(drill.feeds, drill.word, 3)
    assert side.post(f"/v1/feeds/{drill.feed_id}/poll").status_code == 202
    later.append(article_id(entry_url(drill.feeds, drill.word, 2), None, None))
    wait_final(side, later, 60)
    side.stop("worker")
    queued = side.post("/v1/articles", json={"title": f"Queued during the restore {drill.word}", "body": "Waiting."}).json()["id"]

    restore_folder(side.es, side.redis, drill.settings, drill.folder)

    restored = next(iter(side.es.indices.get_alias(name=alias)))
    assert restored != replaced
    assert side.es.cat.indices(index=replaced, format="json", expand_wildcards="all")[0]["status"] == "close"
    assert documents(side.es, alias) == drill.documents  # the change and the later articles went with the restore
    # Suggestions are made again from the restored articles: the later ones are not suggested, the restored are.
    suggested = {h["_id"]: h["_version"] for h in helpers.scan(side.es, index=suggestions.index_name(alias), version=True)}
    shown = {
        doc_id: version
        for doc_id, (version, source) in drill.documents.items()
        if (source.get("title") or source.get("location")) and not source.get("duplicate_of")
    }
    assert len(shown) >= len(NEWS)
    assert suggested == shown
    side.start_worker()
    assert side.wait_status(queued, timeout=120)["status"] == "indexed"
    assert side.es.exists(index=restored, id=queued)  # Redis was left alone: its queue reaches the restored index
    assert side.post(f"/v1/feeds/{drill.feed_id}/poll").status_code == 202  # the restored ETag is stale: fetched again
    wait_until(lambda: side.es.exists(index=alias, id=later[2]), 60, what="the lost feed entry queued again")
    assert not side.es.exists(index=alias, id=later[1])  # an article a client sent after the backup: to be sent again


def test_a_feed_keeps_only_the_seen_entries_the_restored_index_holds(stack: Stack) -> None:
    settings = Settings(namespace=f"{stack.namespace}-feedbak")
    store = FeedStore(stack.redis, settings)
    try:
        record, _ = store.add("http://127.0.0.1:9/feed.xml", 600, "Drill", False)
        for seen in ("indexed-before-the-snapshot", "in-flight-at-the-snapshot"):
            store.mark_seen(record["id"], seen)
        exported = json.loads(json.dumps(feeds_backup.export(store)))  # as feeds.json holds it
        store.delete(record["id"])

        feeds, forgotten = feeds_backup.restore(store, exported, lambda ids: {"indexed-before-the-snapshot"} & set(ids))

        assert (feeds, forgotten) == (1, 1)
        assert store.unseen(record["id"], ["indexed-before-the-snapshot", "in-flight-at-the-snapshot"]) == [
            "in-flight-at-the-snapshot"
        ]
        assert store.get(record["id"]) == exported["feeds"][0]["record"]
        assert store.due(now=float("inf")) == [record["id"]]  # polled at the next tick
    finally:
        for key in stack.redis.scan_iter(f"{settings.namespace}:*"):
            stack.redis.delete(key)
