"""`newsctl matches dead|replay`: batches of topic matches the record script refused, and staging them again.

They read and write the matches outbox in Redis directly (REDIS_URL, NAMESPACE), as an operator on an indexer's host
does (docs/topics.md, "The matches outbox"). Replay once whatever refused an entry is fixed: it is applied again,
and a match it already recorded is not recorded twice.
"""

from __future__ import annotations

import argparse
from typing import Any

from services.cli.dead_lists import DeadListActions, list_in_redis, replay_in_redis, when
from shared.redis_client import connect
from shared.settings import get_settings
from shared.topics.outbox import DeadEntries


def _dead() -> DeadEntries:
    settings = get_settings()
    return DeadEntries(connect(settings), settings)


def run_dead(args: argparse.Namespace) -> int:
    dead = _dead()
    return list_in_redis(args, lambda limit: (dead.count(), dead.listing(limit)), "dead batches of topic matches", _line)


def _line(item: dict[str, Any]) -> str:
    return f"{item['id']}  {when(item.get('dead_ms'))}  matches={item.get('matches')}  {item.get('reason')}"


def run_replay(args: argparse.Namespace) -> int:
    dead = _dead()
    return replay_in_redis(args, "newsctl matches replay: give entry ids, or --all", dead.replay, dead.replay_all)


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("matches", help="list and replay dead batches of topic matches", description=__doc__)
    actions = parser.add_subparsers(dest="matches_command", required=True, metavar="ACTION")
    DeadListActions(
        listing="dead",
        listing_help="batches of matches the record script refused, newest first, with the reason",
        limit_help="how many, newest first (default 50)",
        json_help="print JSON",
        replay_help="stage dead batches again, for the indexers' fan-out to apply",
        all_help="replay every dead batch",
    ).add_to(actions, run_dead, run_replay)
