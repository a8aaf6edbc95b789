"""`newsctl`: the command line of the newsroom search platform.

Each subcommand lives in a module named in `COMMANDS`, which defines `register(subparsers)`: it adds
its parser and `set_defaults(run=...)`, a function `run(args) -> int` (the exit status) that reaches
the API through `args.client`. Adding a command is one line here.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence

from services.cli.client import Client, CliError
from shared.settings import get_settings

COMMANDS = [
    "services.cli.ingest",
    "services.cli.status",
    "services.cli.feeds",
    "services.cli.dlq",  # dead letters: list and replay (docs/ingest.md, "Dead letters")
    "services.cli.webhooks",  # dead webhook deliveries: list and replay (docs/webhooks.md)
    "services.cli.matches",  # dead batches of topic matches: list and replay (docs/topics.md)
]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="newsctl", description="Load, follow and inspect news in the newsroom search platform.")
    default_api = os.environ.get("NEWSCTL_API") or f"http://127.0.0.1:{get_settings().ingest_port}"
    parser.add_argument("--api", default=default_api, help=f"ingest service address (env NEWSCTL_API; default {default_api})")
    parser.add_argument(
        "--api-key",
        default=os.environ.get("NEWSCTL_API_KEY"),
        help="ingest API key sent as X-API-Key, when the service has keys (env NEWSCTL_API_KEY; `dlq` needs an operator key)",
    )
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds to wait for one answer (default 60)")
    parser.add_argument("--retries", type=int, default=10, help="retries on 429/503/connection errors, honouring Retry-After")
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name in COMMANDS:
        importlib.import_module(name).register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    args.client = Client(args.api, timeout_s=args.timeout, retries=args.retries, api_key=args.api_key)
    try:
        return int(args.run(args) or 0)
    except CliError as exc:
        print(f"newsctl: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("newsctl: interrupted; run the same command again to resume", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
