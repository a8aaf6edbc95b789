"""newsctl's pure parts: files become units, the journal resumes, batches are packed and counted.

The service is a stub here (a pure unit); tests/integration/test_newsctl.py runs the real command."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from services.cli.client import CliError
from services.cli.files import units, walk
from services.cli.ingest import Sender, Summary, send_file
from services.cli.journal import Journal


class StubApi:
    """Answers like the ingest service (id = title); fails with CliError after `fail_after` requests."""

    def __init__(self, fail_after: int | None = None) -> None:
        self.requests: list[Any] = []
        self.fail_after = fail_after

    def json(self, method: str, path: str, **kwargs: Any) -> tuple[int, Any]:
        if self.fail_after is not None and len(self.requests) >= self.fail_after:
            raise CliError("connection lost")
        self.requests.append(kwargs.get("json") or kwargs.get("data"))
        if path == "/v1/articles/raw":
            return 202, {"id": "page", "status": "queued"}
        items = [self.answer(a) for a in kwargs["json"]["articles"]]
        return 202, {"items": items}

    @staticmethod
    def answer(article: dict[str, Any]) -> dict[str, Any]:
        if isinstance(article.get("title"), str):
            return {"id": article["title"], "status": "queued"}
        return {"error": {"code": "invalid_field", "message": "bad title", "field": "title"}}


def make_folder(root: Path) -> None:
    (root / "sub").mkdir(parents=True)
    (root / ".hidden").mkdir()
    (root / ".hidden" / "x.json").write_text('{"title": "hidden"}')
    (root / "a.json").write_text(json.dumps({"title": "a"}))
    (root / "b.json").write_text(json.dumps([{"title": "b1"}, {"title": 5}, {"title": "b2"}]))
    (root / "sub" / "c.jsonl").write_text("\n".join(json.dumps({"title": f"c{n}"}) for n in range(5)) + "\n{oops\n")
    (root / "sub" / "page.html").write_text("<html><body><p>page</p></body></html>")
    (root / "sub" / "notes.doc").write_text("?")


def test_walk_skips_hidden_and_units_split_files(tmp_path: Path) -> None:
    make_folder(tmp_path)
    files = sorted(p.name for p in walk([tmp_path]))
    assert files == ["a.json", "b.json", "c.jsonl", "notes.doc", "page.html"]
    lines = list(units(tmp_path / "sub" / "c.jsonl", batch_size=2))
    assert [len(u.articles) for u in lines] == [2, 2, 1]
    assert [e[:24] for e in lines[-1].errors] == ["line 6: invalid JSON: Ex"]
    assert len({u.key for u in lines}) == 3
    [doc] = units(tmp_path / "sub" / "notes.doc", 2)
    assert doc.errors == ["unsupported file type .doc"]


def send_all(root: Path, journal: Journal, api: StubApi, summary: Summary) -> None:
    sender = Sender(api, journal, summary, batch_size=3, source=None)  # type: ignore[arg-type]
    for path in sorted(walk([root])):
        send_file(path, journal, sender, summary, 3)
    sender.flush()


def test_interrupted_run_resumes_without_resending_answered_units(tmp_path: Path) -> None:
    folder, db = tmp_path / "in", tmp_path / "journal.sqlite"
    make_folder(folder)
    first = Summary()
    with pytest.raises(CliError):
        send_all(folder, Journal(db), StubApi(fail_after=2), first)
    assert (first.accepted, first.rejected) == (
        3,
        2,
    )  # a.json, b.json answered (and c.jsonl line 6 read), then the connection was lost

    api, second = StubApi(), Summary()
    send_all(folder, Journal(db), api, second)
    assert second.resumed == 2  # a.json and b.json: not sent again
    assert [len(r["articles"]) if isinstance(r, dict) else "page" for r in api.requests] == [
        3,
        "page",
        2,
    ]  # pages go at once, articles in batches
    assert (second.accepted, second.duplicates, second.rejected) == (6, 0, 2)


def test_summary_counts_duplicates_and_rejections(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    make_folder(folder)
    (folder / "again.json").write_text(json.dumps({"title": "a"}))
    summary = Summary()
    send_all(folder, Journal(None), StubApi(), summary)
    assert (summary.accepted, summary.duplicates, summary.rejected) == (9, 1, 3)
    assert set(summary.reasons) == {
        "invalid_field: bad title",
        "unsupported file type .doc",
        next(r for r in summary.reasons if "line 6" in r),
    }
