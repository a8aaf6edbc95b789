"""`newsctl status ID...`: where articles stand (queued, processing, indexed, duplicate, failed)."""

from __future__ import annotations

import argparse
import json
import time
from typing import Any

FINAL = ("indexed", "duplicate", "failed")


def run(args: argparse.Namespace) -> int:
    code = 0
    for article_id in args.ids:
        deadline = time.monotonic() + args.wait
        while True:
            status, answer = args.client.json("GET", f"/v1/articles/{article_id}")
            if status != 200 or answer.get("status") in FINAL or time.monotonic() >= deadline:
                break
            time.sleep(0.5)
        print(json.dumps(answer, ensure_ascii=False))
        if status != 200 or answer.get("status") == "failed":
            code = 1
    return code


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("status", help="show where articles stand", description="One JSON line per article id.")
    parser.add_argument("ids", nargs="+", metavar="ID")
    parser.add_argument("--wait", type=float, default=0.0, help="seconds to wait for indexed/duplicate/failed (default 0)")
    parser.set_defaults(run=run)
