"""`newsctl dlq list|replay`: what could not be processed and why, and sending it through again."""

from __future__ import annotations

import argparse
import json
from typing import Any

from services.cli.dead_lists import DeadListActions


def run_list(args: argparse.Namespace) -> int:
    status, answer = args.client.json("GET", f"/v1/dead-letters?limit={args.limit}")
    if status != 200:
        print(json.dumps(answer, ensure_ascii=False))
        return 1
    if args.json:
        print(json.dumps(answer, ensure_ascii=False))
        return 0
    print(f"{answer['total']} dead letter(s)")
    for item in answer["items"]:
        print(f"{item['id']}  {item['failed_at']}  attempts={item['attempts']}  {item['reason']}")
    return 0


def run_replay(args: argparse.Namespace) -> int:
    ids: list[str] = list(args.ids)
    if args.all:
        status, answer = args.client.json("GET", "/v1/dead-letters?limit=1000")
        if status != 200:
            print(json.dumps(answer, ensure_ascii=False))
            return 1
        ids += [item["id"] for item in answer["items"]]
    if not ids:
        print("newsctl dlq replay: give article ids, or --all")
        return 2
    code = 0
    for article_id in ids:
        status, answer = args.client.json("POST", f"/v1/dead-letters/{article_id}/replay")
        print(json.dumps({"id": article_id, "http": status, **(answer or {})}, ensure_ascii=False))
        code = code or (0 if status == 202 else 1)
    return code


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("dlq", help="list and replay dead letters", description=__doc__)
    actions = parser.add_subparsers(dest="dlq_command", required=True, metavar="ACTION")
    DeadListActions(
        listing="list",
        listing_help="the newest dead letters with their reason and attempts",
        limit_help="how many, newest first (1-1000, default 50)",
        json_help="print the API's JSON answer",
        replay_help="send dead letters through again (each keeps its original version)",
        all_help="replay every listed dead letter (up to 1000 per run)",
    ).add_to(actions, run_list, run_replay)
