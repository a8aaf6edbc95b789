"""`newsctl`, run as the installed command against the live services: every file format, a summary that
names rejections and duplicates, a second run that resends nothing, status and feeds subcommands."""

from __future__ import annotations

import json
import subprocess
import uuid
from pathlib import Path
from typing import Any

from tests.stack import BIN, Stack, wait_until


def newsctl(stack: Stack, *args: str) -> subprocess.CompletedProcess[str]:
    argv = [str(BIN / "newsctl"), "--api", stack.ingest_url, *args]
    return subprocess.run(argv, capture_output=True, text=True, timeout=300, env=stack.env, check=False)


def ingest(stack: Stack, folder: Path, journal: Path) -> dict[str, Any]:
    done = newsctl(stack, "ingest", str(folder), "--json", "--quiet", "--journal", str(journal), "--batch-size", "3")
    assert done.returncode in (0, 1), done.stderr
    summary: dict[str, Any] = json.loads(done.stdout)
    return summary


def archive(folder: Path, word: str) -> None:
    """One file of each kind: 11 good articles, 1 repeated, 3 bad items, 1 unsupported file."""
    (folder / "pages").mkdir(parents=True)
    (folder / "pages" / "flood.html").write_text(
        f"<html><head><title>Flood in Almaty {word}</title></head><body><article><h1>Flood in Almaty {word}</h1>"
        "<p>Rivers rose overnight across the city and hundreds of homes were evacuated.</p></article></body></html>"
    )
    text = (
        f"Снегопад в Астане\n\nСнегопад парализовал движение в столице {word}, сообщили в акимате.\n\n"  # noqa: RUF001
        "Коммунальные службы вывели на улицы всю технику."
    )
    (folder / "pages" / "snow.txt").write_bytes(text.encode("cp1251"))
    (folder / "one.json").write_text(json.dumps({"url": f"https://ex.kz/{word}/1", "title": f"One {word}", "body": "Body."}))
    (folder / "again.json").write_text(json.dumps({"url": f"https://ex.kz/{word}/1", "title": f"One {word}", "body": "Body."}))
    batch = {"articles": [{"title": f"Batch a {word}"}, {"title": 5}, {"body": f"Batch b {word}"}]}
    (folder / "batch.json").write_text(json.dumps(batch))
    lines = [json.dumps({"title": f"Line {n} {word}", "body": "From a JSON Lines file."}) for n in range(3)]
    (folder / "lines.jsonl").write_text("\n".join([*lines[:2], "{not json", lines[2]]) + "\n")
    ninjs = {"uri": f"urn:newsml:{word}", "headline": f"Ninjs {word}", "body_text": "From a ninjs file."}
    (folder / "story.ninjs.json").write_text(json.dumps(ninjs))
    items = "".join(
        f"<item><title>Feed {n} {word}</title><link>https://ex.kz/{word}/feed/{n}</link><description>Entry.</description></item>"
        for n in range(2)
    )
    (folder / "saved.rss").write_text(f'<?xml version="1.0"?><rss version="2.0"><channel><title>T</title>{items}</channel></rss>')
    (folder / "scan.pdf").write_bytes(b"%PDF-1.4")
    (folder / "broken.json").write_text("{")


def test_ingest_every_format_then_resume_without_resending(stack: Stack, tmp_path: Path) -> None:
    word = f"archive{uuid.uuid4().hex[:8]}"
    folder, journal = tmp_path / "archive", tmp_path / "journal.sqlite"
    archive(folder, word)
    first = ingest(stack, folder, journal)
    assert first["files"] == 10
    assert (first["accepted"], first["duplicates"], first["rejected"]) == (11, 1, 4)
    reasons = " | ".join(r["reason"] for r in first["rejections"])
    for expected in ("unsupported file type .pdf", "invalid JSON", "line 3: invalid JSON", "Input should be a valid string"):
        assert expected in reasons, reasons

    (folder / "later.json").write_text(json.dumps({"title": f"Later {word}", "body": "Added after the first run."}))
    second = ingest(stack, folder, journal)
    assert (second["accepted"], second["duplicates"], second["rejected"]) == (1, 0, 0)
    assert second["resumed_units"] >= 10

    stack.refresh()
    hits = wait_until(lambda: len(h := stack.search(q=word, size=50).json()["hits"]) >= 12 and h, 120, what="the archive")
    assert len(hits) == 12  # 11 + 1 later, the repeated article stored once
    assert len({h["id"] for h in hits}) == 12


def test_status_and_feeds_subcommands(stack: Stack) -> None:
    accepted = stack.post("/v1/articles", json={"title": f"Status {uuid.uuid4().hex[:8]}"}).json()
    shown = newsctl(stack, "status", accepted["id"], "--wait", "60")
    assert shown.returncode == 0, shown.stderr
    assert json.loads(shown.stdout)["status"] == "indexed"
    assert newsctl(stack, "status", "no-such-id").returncode == 1

    url = f"https://feeds.example/{uuid.uuid4().hex[:8]}.xml"
    added = newsctl(stack, "feeds", "add", url, "--interval", "600", "--source", "Example")
    assert added.returncode == 0, added.stderr
    fid = json.loads(added.stdout)["id"]
    listed = newsctl(stack, "feeds", "list")
    assert fid in listed.stdout and url in listed.stdout
    assert newsctl(stack, "feeds", "remove", fid).returncode == 0
    assert fid not in newsctl(stack, "feeds", "list").stdout
    assert newsctl(stack, "feeds", "remove", fid).returncode == 1


def test_unreachable_service_is_reported_not_a_traceback(stack: Stack, tmp_path: Path) -> None:
    (tmp_path / "a.json").write_text('{"title": "x"}')
    argv = [
        str(BIN / "newsctl"),
        "--api",
        "http://127.0.0.1:9",
        "--retries",
        "1",
        "ingest",
        str(tmp_path),
        "--quiet",
        "--no-journal",
    ]
    done = subprocess.run(argv, capture_output=True, text=True, timeout=60, env=stack.env, check=False)
    assert done.returncode == 2
    assert "cannot reach" in done.stderr and "Traceback" not in done.stderr
