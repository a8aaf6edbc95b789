"""`newsctl webhooks dead|replay`: webhook deliveries given up, and sending them again under their own ids.

These read and write the webhook outbox in Redis directly (REDIS_URL, NAMESPACE), as an operator on the deliverer's
host does; there is no HTTP API for them (docs/webhooks.md, "Dead list and replay").
"""

from __future__ import annotations

import argparse
from typing import Any

from services.cli.dead_lists import DeadListActions, list_in_redis, replay_in_redis, when
from shared.redis_client import connect
from shared.settings import get_settings
from shared.webhooks.schedule import Outbox


def _outbox() -> Outbox:
    settings = get_settings()
    return Outbox(connect(settings), settings)


def run_dead(args: argparse.Namespace) -> int:
    outbox = _outbox()
    return list_in_redis(args, lambda limit: (outbox.dead_count(), outbox.dead(limit)), "dead webhook deliveries", _line)


def _line(item: dict[str, Any]) -> str:
    return (
        f"{item['delivery_id']}  {when(item.get('dead_ms'))}  topic={item.get('topic_id')}  "
        f"attempts={item.get('attempts')}  {item.get('reason')}"
    )


def run_replay(args: argparse.Namespace) -> int:
    outbox = _outbox()
    return replay_in_redis(args, "newsctl webhooks replay: give delivery ids, or --all", outbox.replay, outbox.replay_all)


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
