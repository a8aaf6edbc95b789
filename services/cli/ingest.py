"""`newsctl ingest PATH...`: send files and folders through the ingest API, with progress, a summary, resume."""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tqdm import tqdm

from services.cli.client import Client
from services.cli.files import Unit, file_key, units, walk
from services.cli.journal import Journal

MAX_REASONS = 50


@dataclass
class Summary:
    files: int = 0
    resumed: int = 0  # files (or parts of files) already answered in an earlier run
    accepted: int = 0
    duplicates: int = 0
    rejected: int = 0
    reasons: Counter[str] = field(default_factory=Counter)
    examples: dict[str, str] = field(default_factory=dict)

    def reject(self, reason: str, where: str) -> None:
        self.rejected += 1
        reason = reason if reason in self.reasons or len(self.reasons) < MAX_REASONS else "other reasons"
        self.reasons[reason] += 1
        self.examples.setdefault(reason, where)

    def as_dict(self) -> dict[str, Any]:
        rejected = [{"reason": r, "count": n, "example": self.examples[r]} for r, n in self.reasons.most_common()]
        return {
            "files": self.files,
            "resumed_units": self.resumed,
            "accepted": self.accepted,
            "duplicates": self.duplicates,
            "rejected": self.rejected,
            "rejections": rejected,
        }

    def text(self) -> str:
        lines = [
            f"files: {self.files}"
            + (f" ({self.resumed} files or parts already sent in an earlier run, skipped)" if self.resumed else ""),
            f"accepted: {self.accepted}",
            f"duplicates: {self.duplicates}",
            f"rejected: {self.rejected}",
        ]
        lines += [f"  {n} x {r}  (e.g. {self.examples[r]})" for r, n in self.reasons.most_common()]
        return "\n".join(lines)


class Sender:
    """Packs article units into batches of up to `batch_size`, sends pages one by one, records each answer."""

    def __init__(self, client: Client, journal: Journal, summary: Summary, batch_size: int, source: str | None) -> None:
        self.client, self.journal, self.summary = client, journal, summary
        self.batch_size, self.source = batch_size, source
        self.pending: list[Unit] = []
        self.pending_articles = 0
        self.finished_files: list[str] = []  # recorded with the batch that holds their last articles

    def add(self, unit: Unit) -> None:
        for reason in unit.errors:
            self.summary.reject(reason, unit.label)
        if unit.page is not None:
            self._send_page(unit)
        elif not unit.articles:
            self.journal.record(unit.key, 0, 0, len(unit.errors))
        else:
            if self.pending_articles + len(unit.articles) > self.batch_size:
                self.flush()
            self.pending.append(unit)
            self.pending_articles += len(unit.articles)

    def _count(self, answer: dict[str, Any], where: str) -> tuple[int, int, int]:
        if "id" not in answer:
            error = answer.get("error") or {}
            field_ = error.get("field") or ""
            self.summary.reject(f"{error.get('code', 'error')}: {error.get('message', answer)}", f"{where} {field_}".strip())
            return 0, 0, 1
        if self.journal.seen_before(answer["id"]) or answer.get("previous_status"):
            self.summary.duplicates += 1
            return 0, 1, 0
        self.summary.accepted += 1
        return 1, 0, 0

    def _send_page(self, unit: Unit) -> None:
        params = {"source": self.source} if self.source else {}
        _, answer = self.client.json(
            "POST", "/v1/articles/raw", data=unit.page, headers={"Content-Type": unit.content_type}, params=params
        )
        counts = self._count(answer if isinstance(answer, dict) else {"error": {"message": str(answer)}}, unit.label)
        self.journal.record(unit.key, *counts)
        self.journal.commit()

    def flush(self) -> None:
        if not self.pending:
            return
        batch = [(u, a) for u in self.pending for a in u.articles]
        articles = [self._with_source(a) for _, a in batch]
        status, answer = self.client.json("POST", "/v1/articles", json={"articles": articles})
        items = answer.get("items") if isinstance(answer, dict) else None
        if not isinstance(items, list) or len(items) != len(batch):  # the whole request was refused (413, 415, ...)
            items = [answer if isinstance(answer, dict) else {"error": {"message": f"HTTP {status}"}}] * len(batch)
        totals: dict[str, list[int]] = {u.key: [0, 0, len(u.errors)] for u in self.pending}
        offsets: Counter[str] = Counter()
        for (unit, _), item in zip(batch, items, strict=True):
            where = f"{unit.label} item {offsets[unit.key]}"
            offsets[unit.key] += 1
            for n, value in enumerate(self._count(item, where)):
                totals[unit.key][n] += value
        for key, (accepted, duplicates, rejected) in totals.items():
            self.journal.record(key, accepted, duplicates, rejected)
        for key in self.finished_files:
            self.journal.record(key, 0, 0, 0)
        self.journal.commit()
        self.pending, self.pending_articles, self.finished_files = [], 0, []

    def file_done(self, key: str) -> None:
        """Every unit of this file is sent or pending: once they are answered, a rerun skips it unread."""
        if self.pending:
            self.finished_files.append(key)
        else:
            self.journal.record(key, 0, 0, 0)

    def _with_source(self, article: Any) -> Any:
        if self.source and isinstance(article, dict) and not article.get("source"):
            return {**article, "source": self.source}
        return article


def send_file(path: Path, journal: Journal, sender: Sender, summary: Summary, batch_size: int) -> None:
    key = file_key(path)
    if journal.done(key):
        summary.resumed += 1
        return
    for unit in units(path, batch_size, key):
        if journal.done(unit.key):
            summary.resumed += 1
        else:
            sender.add(unit)
    sender.file_done(key)


def run(args: argparse.Namespace) -> int:
    paths = [Path(p) for p in args.paths]
    missing = [str(p) for p in paths if not p.exists()]
    if missing:
        print(f"newsctl ingest: no such file or folder: {', '.join(missing)}", file=sys.stderr)
        return 1
    journal_path = None if args.no_journal else Path(args.journal)
    journal = Journal(journal_path)
    summary = Summary()
    sender = Sender(args.client, journal, summary, args.batch_size, args.source)
    skip = journal_path.resolve() if journal_path else None
    total = None if args.no_count else sum(1 for _ in walk(paths, skip))
    progress = tqdm(total=total, unit="file", disable=args.quiet or None, file=sys.stderr, dynamic_ncols=True)
    try:
        for path in walk(paths, skip):
            send_file(path, journal, sender, summary, args.batch_size)
            summary.files += 1
            progress.update()
            if summary.files % 100 == 0:
                progress.set_postfix(accepted=summary.accepted, dup=summary.duplicates, rejected=summary.rejected, refresh=False)
        sender.flush()
    finally:  # interrupted or not, what was done is journaled and summed up
        progress.close()
        journal.close()
        print(json.dumps(summary.as_dict(), ensure_ascii=False) if args.json else summary.text(), flush=True)
    return 0 if summary.rejected == 0 else 1


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "ingest",
        help="send files and folders (HTML, text, JSON, JSON Lines, ninjs, RSS/Atom) to the ingest API",
        description="Streams every file under PATH... to the ingest API. Interrupted? Run it again: the journal "
        "skips what was already answered, and the service stores an article sent twice only once.",
    )
    parser.add_argument("paths", nargs="+", metavar="PATH", help="files or folders (searched recursively, hidden ones skipped)")
    parser.add_argument("--batch-size", type=int, default=200, help="articles per request (1-1000, default 200)")
    parser.add_argument("--source", help="source name given to articles that carry none")
    parser.add_argument("--journal", default=".newsctl-journal.sqlite", help="resume journal (default ./.newsctl-journal.sqlite)")
    parser.add_argument("--no-journal", action="store_true", help="keep no journal (no resume)")
    parser.add_argument("--no-count", action="store_true", help="do not count the files first (the progress bar has no total)")
    parser.add_argument("--json", action="store_true", help="print the summary as JSON")
    parser.add_argument("--quiet", action="store_true", help="no progress bar")
    parser.set_defaults(run=run)
