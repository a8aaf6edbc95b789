"""`newsctl webhooks dead|replay`: webhook deliveries given up, and sending them again under their own ids.

These read and write the webhook outbox in Redis directly (REDIS_URL, NAMESPACE), as an operator on the deliverer's
host does; there is no HTTP API for them (docs/webhooks.md, "Dead list and replay").
"""

from __future__ import annotations

import argparse
import json
from datetime import UTC, datetime
from typing import Any

import redis

from services.cli.client import CliError
from services.cli.dead_lists import DeadListActions
from shared.redis_client import connect
from shared.settings import get_settings
from shared.webhooks.schedule import Outbox


def _outbox() -> Outbox:
    settings = get_settings()
    return Outbox(connect(settings), settings)


def _when(ms: Any) -> str:
    return datetime.fromtimestamp(int(ms) / 1000, tz=UTC).isoformat(timespec="seconds") if ms else "-"


def run_dead(args: argparse.Namespace) -> int:
    try:
        outbox = _outbox()
        total, items = outbox.dead_count(), outbox.dead(args.limit)
    except redis.RedisError as exc:
        raise CliError(f"Redis: {exc}") from exc
    if args.json:
        print(json.dumps({"total": total, "items": items}, ensure_ascii=False))
        return 0
    print(f"{total} dead webhook deliveries")
    for item in items:
        print(
            f"{item['delivery_id']}  {_when(item.get('dead_ms'))}  topic={item.get('topic_id')}  "
            f"attempts={item.get('attempts')}  {item.get('reason')}"
        )
    return 0


def run_replay(args: argparse.Namespace) -> int:
    if not args.ids and not args.all:
        print("newsctl webhooks replay: give delivery ids, or --all")
        return 2
    try:
        outbox = _outbox()
        if args.all:
            replayed = outbox.replay_all()
            print(json.dumps({"replayed": len(replayed), "ids": replayed}))
            return 0
        code = 0
        for delivery_id in args.ids:
            done = outbox.replay(delivery_id)
            print(json.dumps({"id": delivery_id, "replayed": done}))
            code = code or (0 if done else 1)
    except redis.RedisError as exc:
        raise CliError(f"Redis: {exc}") from exc
    return code


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("webhooks", help="list and replay dead webhook deliveries", description=__doc__)
    actions = parser.add_subparsers(dest="webhooks_command", required=True, metavar="ACTION")
    DeadListActions(
        listing="dead",
        listing_help="deliveries given up, newest first, with their reason and attempts",
        limit_help="how many, newest first (default 50)",
        json_help="print JSON",
        replay_help="deliver dead deliveries again (same webhook-id, attempts reset)",
        all_help="replay every dead delivery",
    ).add_to(actions, run_dead, run_replay)
