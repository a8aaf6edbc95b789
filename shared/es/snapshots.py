"""Snapshots of the index behind the alias, in a filesystem repository (docs/backups.md).

The minimal distribution has the snapshot API and the `fs` repository type (both in the server core) but
no snapshot lifecycle management (`_slm` is an x-pack module it lacks), so Celery beat drives the schedule
(`tick`, services/worker/snapshots.py) and retention is ours (`prune`). The repository is a folder of the
same name under the node's `path.repo`; a relative location is resolved there by Elasticsearch itself, so
the same settings work on the local nodes and in docker-compose.

Snapshot names are `<alias>-<kind>-<UTC time to the ms>`: `scheduled` ones are pruned to the newest SNAPSHOT_KEEP,
`backup` ones (`make backup`) belong to a backup folder and are kept until that folder is deleted.
"""

from __future__ import annotations

import logging
import time
from datetime import UTC, datetime
from typing import Any

from elasticsearch import Elasticsearch, NotFoundError

from shared.es import suggestions
from shared.es.index import current_index, next_version, swap_alias, template_body, versioned_name
from shared.settings import Settings

log = logging.getLogger(__name__)

SCHEDULED, BACKUP = "scheduled", "backup"
RUNNING = ("IN_PROGRESS", "STARTED")
# Taking or restoring a large index takes minutes; the client's usual timeout is for single requests.
LONG_REQUEST_S = 3600


def repository(settings: Settings) -> str:
    return settings.snapshot_repository or f"{settings.namespace}-backups"


def ensure_repository(client: Elasticsearch, settings: Settings, readonly: bool = False) -> str:
    """Register the repository unless it already is. A cluster that only restores registers it read-only,
    because only one cluster may write to a repository; the first snapshot it takes makes it writable."""
    name = repository(settings)
    try:
        current = client.snapshot.get_repository(name=name)[name]["settings"]
    except NotFoundError:
        current = None
    if current is not None and (readonly or str(current.get("readonly", "false")).lower() != "true"):
        return name
    body = {"type": "fs", "settings": {"location": name, "readonly": readonly}}
    client.snapshot.create_repository(name=name, repository=body)
    log.info("snapshot repository %s registered (fs, %s)", name, "read-only" if readonly else "writable")
    return name


def snapshot_name(settings: Settings, kind: str, at: float) -> str:
    moment = datetime.fromtimestamp(at, UTC)  # to the millisecond: two backups in one second are two snapshots
    return f"{settings.index_alias}-{kind}-{moment:%Y%m%d-%H%M%S}-{moment.microsecond // 1000:03d}"


def start(client: Elasticsearch, settings: Settings, kind: str, wait: bool) -> dict[str, Any]:
    """Snapshot the index behind the alias (not the cluster state: templates are recreated from the code)."""
    repo = ensure_repository(client, settings)
    index = current_index(client, settings.index_alias)
    name = snapshot_name(settings, kind, time.time())
    answer = client.options(request_timeout=LONG_REQUEST_S).snapshot.create(
        repository=repo,
        snapshot=name,
        indices=index,
        include_global_state=False,
        metadata={"alias": settings.index_alias, "index": index, "kind": kind},
        wait_for_completion=wait,
    )
    info: dict[str, Any] = answer["snapshot"] if wait else {"snapshot": name, "state": "IN_PROGRESS", "indices": [index]}
    if wait and info["state"] != "SUCCESS":
        raise RuntimeError(f"snapshot {name} ended {info['state']}: {info.get('failures')}")
    return info


def listed(client: Elasticsearch, settings: Settings) -> list[dict[str, Any]]:
    """Every snapshot of this namespace's alias in the repository, oldest first; none if it is not registered."""
    try:
        answer = client.snapshot.get(repository=repository(settings), snapshot=f"{settings.index_alias}-*", sort="start_time")
    except NotFoundError:
        return []
    return list(answer["snapshots"])


def newest_success(client: Elasticsearch, settings: Settings) -> tuple[dict[str, Any] | None, int]:
    """The newest successful snapshot and how many successful ones the repository holds (a single small
    request, for the metrics scrape)."""
    answer = client.snapshot.get(
        repository=repository(settings),
        snapshot=f"{settings.index_alias}-*",
        state="SUCCESS",
        sort="start_time",
        order="desc",
        size=1,
        index_names=False,
    )
    snapshots = answer["snapshots"]
    return (snapshots[0] if snapshots else None), int(answer["total"])


def prune(client: Elasticsearch, settings: Settings, snapshots: list[dict[str, Any]]) -> list[str]:
    """Delete scheduled snapshots older than the newest SNAPSHOT_KEEP successful ones (failed ones too).
    A snapshot shares unchanged segment files with the others, so deleting one frees only what it alone held."""
    scheduled = [s for s in snapshots if f"-{SCHEDULED}-" in s["snapshot"] and s["state"] not in RUNNING]
    kept = [s for s in scheduled if s["state"] == "SUCCESS"][-max(settings.snapshot_keep, 1) :]
    oldest_kept = kept[0]["start_time_in_millis"] if kept else float("inf")
    doomed = [s["snapshot"] for s in scheduled if s not in kept and s["start_time_in_millis"] < oldest_kept]
    if doomed:
        client.snapshot.delete(repository=repository(settings), snapshot=",".join(doomed), wait_for_completion=False)
    return doomed


def tick(client: Elasticsearch, settings: Settings, now: float) -> str:
    """One beat of the schedule: prune, then start a snapshot when the newest good one is SNAPSHOT_INTERVAL_S
    old. Due-ness comes from the repository, not from beat's schedule file, so a restarted beat or a
    `make backup` in between moves the next snapshot accordingly."""
    ensure_repository(client, settings)
    snapshots = listed(client, settings)
    if any(s["state"] in RUNNING for s in snapshots):
        log.info("scheduled snapshot: one is still running")
        return "running"
    deleted = prune(client, settings, snapshots)
    if deleted:
        log.info("scheduled snapshot: deleted %d past retention (%s)", len(deleted), ", ".join(deleted))
    good = [s for s in snapshots if s["state"] == "SUCCESS"]
    if good and now - good[-1]["start_time_in_millis"] / 1000 < settings.snapshot_interval_s:
        return "not due"
    info = start(client, settings, SCHEDULED, wait=False)
    log.info("scheduled snapshot %s of %s started", info["snapshot"], info["indices"][0])
    return "started"


def restore(client: Elasticsearch, settings: Settings, snapshot: str) -> str:
    """Restore the snapshot's index as the next versioned index, point the alias at it in one atomic call, close the
    index it replaces (closed, not deleted: it can be opened again) and make the suggestions again from the restored
    articles. Returns the new index."""
    alias, repo = settings.index_alias, ensure_repository(client, settings, readonly=True)
    info = client.snapshot.get(repository=repo, snapshot=snapshot)["snapshots"][0]
    source = info.get("metadata", {}).get("index") or next(i for i in info["indices"] if i.startswith(f"{alias}-v"))
    # A fresh cluster needs the template too, for the next mapping rollout (shared/es/migrate.py).
    client.indices.put_index_template(name=alias, **template_body(alias))
    target = versioned_name(alias, next_version(client, alias))
    answer = client.options(request_timeout=LONG_REQUEST_S).snapshot.restore(
        repository=repo,
        snapshot=snapshot,
        indices=source,
        rename_pattern=".+",
        rename_replacement=target,
        include_aliases=False,
        include_global_state=False,
        wait_for_completion=True,
    )
    shards = answer["snapshot"]["shards"]
    if shards["failed"]:
        raise RuntimeError(f"restore of {snapshot} into {target}: {shards['failed']} of {shards['total']} shards failed")
    replaced = list(client.indices.get_alias(name=alias)) if client.indices.exists_alias(name=alias) else []
    swap_alias(client, alias, target)
    for old in replaced:
        client.indices.close(index=old)
        log.info("closed %s, which %s pointed at before (DELETE /%s once the restore is accepted)", old, alias, old)
    suggestions.rebuild(client, alias)  # derived from the articles: made again from the restored ones
    return target
