"""`python -m shared.backup backup | restore [FOLDER|latest] [--snapshot NAME|latest] | list` (docs/backups.md)."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence

from elasticsearch import NotFoundError

from shared.backup import folders
from shared.backup.restore import restore_folder, restore_snapshot
from shared.backup.take import backup
from shared.es import snapshots
from shared.es.client import make_client
from shared.redis_client import connect
from shared.settings import get_settings


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m shared.backup", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("backup", help="snapshot, Redis RDB and feed subscriptions into a new folder under BACKUP_DIR")
    restore = commands.add_parser("restore", help="a backup's index and feed subscriptions into the running system")
    restore.add_argument("folder", nargs="?", default="latest", help="folder under BACKUP_DIR or a path (default: latest)")
    restore.add_argument(
        "--snapshot", help="restore the index alone from this repository snapshot (`latest`: the newest good one)"
    )
    commands.add_parser("list", help="finished backups and the repository's snapshots")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(level="INFO", format="%(asctime)s %(message)s", datefmt="%H:%M:%S")
    logging.getLogger("elastic_transport.transport").setLevel(logging.WARNING)
    settings = get_settings()
    es = make_client(settings)
    client = connect(settings)  # a BGSAVE returns at once and is then polled: no request needs a longer wait
    try:
        if args.command == "backup":
            print(backup(es, client, settings))
        elif args.command == "restore" and args.snapshot:
            print(restore_snapshot(es, client, settings, args.snapshot))
        elif args.command == "restore":
            print(restore_folder(es, client, settings, folders.find(settings, args.folder)))
        else:
            for folder in folders.complete(settings):
                print(f"backup   {folder}")
            for snap in snapshots.listed(es, settings):
                print(f"snapshot {snap['snapshot']}  {snap['state']}  {snap['start_time']}")
    except (
        FileNotFoundError,
        LookupError,
        RuntimeError,
        NotFoundError,
    ) as exc:  # what an operator can act on, without a traceback
        logging.getLogger("shared.backup").error("%s failed: %s", args.command, exc)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
