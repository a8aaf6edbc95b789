"""The shape the dead lists' commands share (`newsctl dlq`, `newsctl webhooks`, `newsctl matches`): a listing action
with `--limit` and `--json`, and `replay ID... | --all`. Each command keeps its own backend and wording; the two that
read Redis directly share the replay below."""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import redis

from services.cli.client import CliError

Run = Callable[[argparse.Namespace], int]


@dataclass(frozen=True)
class DeadListActions:
    listing: str  # the listing action's name
    listing_help: str
    limit_help: str
    json_help: str
    replay_help: str
    all_help: str

    def add_to(self, actions: Any, run_list: Run, run_replay: Run) -> None:
        listing = actions.add_parser(self.listing, help=self.listing_help)
        listing.add_argument("--limit", type=int, default=50, help=self.limit_help)
        listing.add_argument("--json", action="store_true", help=self.json_help)
        listing.set_defaults(run=run_list)
        replay = actions.add_parser("replay", help=self.replay_help)
        replay.add_argument("ids", nargs="*", metavar="ID")
        replay.add_argument("--all", action="store_true", help=self.all_help)
        replay.set_defaults(run=run_replay)


def when(ms: Any) -> str:
    """A dead record's epoch milliseconds as an ISO time ("-" without)."""
    return datetime.fromtimestamp(int(ms) / 1000, tz=UTC).isoformat(timespec="seconds") if ms else "-"


Items = list[dict[str, Any]]


def list_in_redis(
    args: argparse.Namespace, read: Callable[[int], tuple[int, Items]], title: str, line: Callable[[dict[str, Any]], str]
) -> int:
    """The listing action against a dead list in Redis: `read(limit)` gives (total, items); JSON or one line each."""
    try:
        total, items = read(args.limit)
    except redis.RedisError as exc:
        raise CliError(f"Redis: {exc}") from exc
    if args.json:
        print(json.dumps({"total": total, "items": items}, ensure_ascii=False))
        return 0
    print(f"{total} {title}")
    for item in items:
        print(line(item))
    return 0


def replay_in_redis(
    args: argparse.Namespace, usage: str, replay_one: Callable[[str], bool], replay_all: Callable[[], list[str]]
) -> int:
    """`replay ID... | --all` against a dead list in Redis: one JSON line per id (exit 1 if any was not dead), or the
    ids `--all` replayed."""
    if not args.ids and not args.all:
        print(usage)
        return 2
    try:
        if args.all:
            replayed = replay_all()
            print(json.dumps({"replayed": len(replayed), "ids": replayed}))
            return 0
        code = 0
        for entry_id in args.ids:
            done = replay_one(entry_id)
            print(json.dumps({"id": entry_id, "replayed": done}))
            code = code or (0 if done else 1)
    except redis.RedisError as exc:
        raise CliError(f"Redis: {exc}") from exc
    return code
