"""Redis' data as one consistent RDB file: BGSAVE, then a copy of the file it wrote (docs/backups.md).

BGSAVE forks: the file holds the data set of one instant, however long it takes to write. The AOF files
are not copied: Redis keeps appending to them while a copy is made, and after an AOF rewrite the
manifest names other files; an RDB loads into any Redis as it is. Needs the Redis data folder on this
machine (CONFIG GET dir), as `make up` runs it.
"""

from __future__ import annotations

import logging
import shutil
import time
from pathlib import Path
from typing import Any

import redis

log = logging.getLogger(__name__)


def bgsave(client: redis.Redis) -> int:
    """Start a BGSAVE; returns the count of finished saves before it, which `copy_rdb` waits to pass. With an
    AOF rewrite running, Redis schedules the save for after it (the fork, hence the contents, comes later)."""
    before = int(client.info("persistence")["rdb_saves"])
    client.bgsave(schedule=True)
    return before


def copy_rdb(client: redis.Redis, saves_before: int, target: Path, poll_s: float = 0.2) -> dict[str, Any]:
    """Wait for that BGSAVE to finish, then copy its file to `target`."""
    while True:
        info = client.info("persistence")
        if int(info["rdb_saves"]) > saves_before and not info["rdb_bgsave_in_progress"]:
            break
        time.sleep(poll_s)
    if info["rdb_last_bgsave_status"] != "ok":
        raise RuntimeError(f"Redis BGSAVE failed ({info['rdb_last_bgsave_status']}); see the Redis log")
    folder, name = str(client.config_get("dir")["dir"]), str(client.config_get("dbfilename")["dbfilename"])
    # Redis writes a temporary file and renames it over the old one, so the copy reads one whole file
    # even if another save lands meanwhile.
    shutil.copyfile(Path(folder) / name, target)
    return {"file": target.name, "method": "BGSAVE", "bytes": target.stat().st_size, "saved_at": int(info["rdb_last_save_time"])}
