"""`newsctl feeds list|add|remove|poll`: RSS/Atom subscriptions."""

from __future__ import annotations

import argparse
import json
from typing import Any

COLUMNS = ("id", "url", "interval_s", "last_status", "last_poll_at", "items_seen", "failing", "last_error")


def _print(answer: Any) -> None:
    print(json.dumps(answer, ensure_ascii=False))


def run_list(args: argparse.Namespace) -> int:
    _, answer = args.client.json("GET", "/v1/feeds")
    if args.json:
        _print(answer)
        return 0
    print("\t".join(COLUMNS))
    for feed in answer["items"]:
        print("\t".join(str(feed.get(c) if feed.get(c) is not None else "-") for c in COLUMNS))
    return 0


def run_add(args: argparse.Namespace) -> int:
    body: dict[str, Any] = {"url": args.url}
    if args.interval is not None:
        body["interval_s"] = args.interval
    if args.source:
        body["source"] = args.source
    if args.fetch_pages:
        body["fetch_pages"] = True
    status, answer = args.client.json("POST", "/v1/feeds", json=body)
    _print(answer)
    return 0 if status in (200, 201) else 1


def run_remove(args: argparse.Namespace) -> int:
    status, answer = args.client.json("DELETE", f"/v1/feeds/{args.id}")
    if answer:
        _print(answer)
    return 0 if status == 204 else 1


def run_poll(args: argparse.Namespace) -> int:
    status, answer = args.client.json("POST", f"/v1/feeds/{args.id}/poll")
    _print(answer)
    return 0 if status == 202 else 1


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("feeds", help="list, add, remove or poll RSS/Atom subscriptions")
    commands = parser.add_subparsers(dest="feeds_command", required=True, metavar="ACTION")
    listing = commands.add_parser("list", help="every feed with its last poll, last error, items seen, failing flag")
    listing.add_argument("--json", action="store_true", help="the API's JSON instead of a table")
    listing.set_defaults(run=run_list)
    add = commands.add_parser("add", help="subscribe to a feed")
    add.add_argument("url")
    add.add_argument("--interval", type=int, help="seconds between polls (default: the service's FEED_DEFAULT_INTERVAL_S)")
    add.add_argument("--source", help="source name for its articles (default: the feed's title)")
    add.add_argument("--fetch-pages", action="store_true", help="fetch the linked page of entries that only carry a summary")
    add.set_defaults(run=run_add)
    remove = commands.add_parser("remove", help="unsubscribe")
    remove.add_argument("id")
    remove.set_defaults(run=run_remove)
    poll = commands.add_parser("poll", help="poll a feed now")
    poll.add_argument("id")
    poll.set_defaults(run=run_poll)
