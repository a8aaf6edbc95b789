"""The shape both dead lists' commands share (`newsctl dlq`, `newsctl webhooks`): a listing action with `--limit` and
`--json`, and `replay ID... | --all`. Each command keeps its own backend and wording."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

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
