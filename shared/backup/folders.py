"""One backup = one folder `<BACKUP_DIR>/<UTC time>/` holding `manifest.json`, `redis.rdb`, `feeds.json` and
`topics.json`.

The manifest is written last, so a folder without one is an unfinished backup and is never restored.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

from shared.settings import Settings

MANIFEST, RDB, FEEDS, TOPICS = "manifest.json", "redis.rdb", "feeds.json", "topics.json"


def new_folder(settings: Settings, at: float) -> Path:
    folder = Path(settings.backup_dir) / time.strftime("%Y%m%dT%H%M%SZ", time.gmtime(at))
    folder.mkdir(parents=True)
    return folder


def complete(settings: Settings) -> list[Path]:
    """Finished backups, oldest first."""
    root = Path(settings.backup_dir)
    return sorted(p.parent for p in root.glob(f"*/{MANIFEST}")) if root.is_dir() else []


def find(settings: Settings, which: str) -> Path:
    """`latest`, a folder name under BACKUP_DIR, or a path to a backup folder."""
    if which == "latest":
        done = complete(settings)
        if not done:
            raise FileNotFoundError(f"no finished backup under {settings.backup_dir}")
        return done[-1]
    folder = Path(which) if Path(which).is_dir() else Path(settings.backup_dir) / which
    if not (folder / MANIFEST).is_file():
        raise FileNotFoundError(f"{folder} holds no {MANIFEST}: not a finished backup")
    return folder


def write_manifest(folder: Path, manifest: dict[str, Any]) -> None:
    (folder / MANIFEST).write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n")


def read_manifest(folder: Path) -> dict[str, Any]:
    manifest: dict[str, Any] = json.loads((folder / MANIFEST).read_text())
    return manifest
