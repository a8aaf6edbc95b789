"""Files and folders → units of work, streamed: a unit is one page, or up to `batch_size` articles of one file.

Nothing is read before it is needed and no list of files is kept, so a folder of 100,000 files costs
the memory of one file. Each unit has a key (path, size, mtime, part) the journal remembers.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import Any

from shared.feeds.entries import FeedError, parse_feed

PAGE_TYPES = {".html": "text/html", ".htm": "text/html", ".xhtml": "text/html", ".txt": "text/plain", ".text": "text/plain"}
JSON_SUFFIXES = {".json", ".ninjs"}
LINES_SUFFIXES = {".jsonl", ".ndjson"}
FEED_SUFFIXES = {".xml", ".rss", ".atom"}


@dataclass
class Unit:
    key: str
    label: str  # path (and part) as the user knows it
    page: bytes | None = None  # a whole page, sent to /v1/articles/raw
    content_type: str = ""
    articles: list[Any] = field(default_factory=list)  # article or ninjs objects, sent as a batch
    errors: list[str] = field(default_factory=list)  # what could not even be read, per item

    @property
    def size(self) -> int:
        return 1 if self.page is not None else len(self.articles) + len(self.errors)


def walk(paths: list[Path], skip: Path | None = None) -> Iterator[Path]:
    """Every file under `paths`, depth first, hidden files and folders left out; one directory handle per level."""
    for root in paths:
        if root.is_file():
            yield root
            continue
        stack = [os.scandir(root)]
        while stack:
            entry = next(stack[-1], None)
            if entry is None:
                stack.pop().close()
                continue
            if entry.name.startswith("."):
                continue
            if entry.is_dir(follow_symlinks=False):
                stack.append(os.scandir(entry.path))
            elif entry.is_file() and (skip is None or Path(entry.path) != skip):
                yield Path(entry.path)


def file_key(path: Path) -> str:
    stat = path.stat()
    return f"{os.path.abspath(path)}:{stat.st_size}:{stat.st_mtime_ns}"


def units(path: Path, batch_size: int, key: str | None = None) -> Iterator[Unit]:
    """The units of one file; an unsupported or unreadable file is one unit holding its error."""
    suffix, key = path.suffix.lower(), key or file_key(path)
    if suffix in PAGE_TYPES:
        yield Unit(f"{key}#0", str(path), page=path.read_bytes(), content_type=PAGE_TYPES[suffix])
    elif suffix in LINES_SUFFIXES:
        yield from _json_lines(path, key, batch_size)
    elif suffix in JSON_SUFFIXES:
        yield from _json_file(path, key, batch_size)
    elif suffix in FEED_SUFFIXES:
        yield from _feed_file(path, key, batch_size)
    else:
        yield Unit(f"{key}#0", str(path), errors=[f"unsupported file type {suffix or '(none)'}"])


def _chunks(items: Iterator[Any], key: str, label: str, batch_size: int) -> Iterator[Unit]:
    for n, chunk in enumerate(iter(lambda: list(islice(items, batch_size)), [])):
        unit = Unit(f"{key}#{n}", f"{label}#{n}")
        for item in chunk:
            (unit.errors if isinstance(item, _Bad) else unit.articles).append(str(item) if isinstance(item, _Bad) else item)
        yield unit


class _Bad(str):
    """An item that could not be read, with the reason."""


def _json_lines(path: Path, key: str, batch_size: int) -> Iterator[Unit]:
    def items() -> Iterator[Any]:
        with path.open("rb") as lines:
            for number, line in enumerate(lines, 1):
                if line.strip():
                    try:
                        yield json.loads(line)
                    except ValueError as exc:
                        yield _Bad(f"line {number}: invalid JSON: {exc}")

    yield from _chunks(items(), key, str(path), batch_size)


def _json_file(path: Path, key: str, batch_size: int) -> Iterator[Unit]:
    try:
        data = json.loads(path.read_bytes())
    except ValueError as exc:
        yield Unit(f"{key}#0", str(path), errors=[f"invalid JSON: {exc}"])
        return
    if isinstance(data, dict) and isinstance(data.get("articles"), list):
        data = data["articles"]
    yield from _chunks(iter(data if isinstance(data, list) else [data]), key, str(path), batch_size)


def _feed_file(path: Path, key: str, batch_size: int) -> Iterator[Unit]:
    try:
        entries = parse_feed(path.read_bytes())
    except FeedError as exc:
        yield Unit(f"{key}#0", str(path), errors=[str(exc)])
        return
    yield from _chunks((e["article"] for e in entries), key, str(path), batch_size)
