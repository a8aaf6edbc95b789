"""The README stays a front door and the docs stay linked: every relative link of README.md and docs/ points to a file
(and a heading) that exists, the README keeps to 150-250 lines, and no page refers to an issue number."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import unquote

import pytest

ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "README.md"
PAGES = sorted([README, *(ROOT / "docs").rglob("*.md")])

FENCE = re.compile(r"^(```|~~~).*?^\1", re.MULTILINE | re.DOTALL)
CODE_SPAN = re.compile(r"`[^`\n]*`")
LINK = re.compile(r"!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
HEADING = re.compile(r"^#{1,6}\s+(.+?)\s*#*\s*$", re.MULTILINE)
ISSUE_NUMBER = re.compile(r"\bissues?\s?#?\d+|(?:^|[\s(\[,;])#\d+\b", re.IGNORECASE | re.MULTILINE)


def prose(text: str) -> str:
    """The text without fenced code blocks and code spans, where a link or a heading is only an example."""
    return CODE_SPAN.sub("", FENCE.sub("", text))


def slug(heading: str) -> str:
    """GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens."""
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", heading).strip().lower()
    return re.sub(r"[^\w\- ]", "", text).replace(" ", "-")


def anchors(page: Path) -> set[str]:
    found: set[str] = set()
    for heading in HEADING.findall(FENCE.sub("", page.read_text())):
        base = slug(heading)
        name, n = base, 0
        while name in found:
            n += 1
            name = f"{base}-{n}"
        found.add(name)
    return found


def relative_links(page: Path) -> list[str]:
    return [t for t in LINK.findall(prose(page.read_text())) if not re.match(r"^[a-z][a-z0-9+.-]*:", t, re.IGNORECASE)]


def shown(path: Path) -> str:
    return str(path.relative_to(ROOT)) if ROOT in path.parents else str(path)


def broken_links(page: Path) -> list[str]:
    broken = []
    for target in relative_links(page):
        path_part, _, anchor = target.partition("#")
        resolved = (page.parent / unquote(path_part)).resolve() if path_part else page
        if not resolved.exists():
            broken.append(f"{target} (no file {shown(resolved)})")
        elif anchor and resolved.suffix == ".md" and anchor.lower() not in anchors(resolved):
            broken.append(f"{target} (no heading #{anchor} in {shown(resolved)})")
    return broken


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_relative_link_points_to_an_existing_file_and_heading(page: Path) -> None:
    broken = broken_links(page)
    assert not broken, "broken links:\n" + "\n".join(broken)


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_page_refers_to_an_issue_number(page: Path) -> None:
    hits = [m.group(0).strip() for m in ISSUE_NUMBER.finditer(page.read_text())]
    assert not hits, f"{hits}: name the concern instead of the issue"


def test_the_readme_is_a_front_door_of_150_to_250_lines() -> None:
    lines = len(README.read_text().splitlines())
    assert 150 <= lines <= 250, f"README.md has {lines} lines: move detail to a page under docs/"


def test_the_readme_gives_the_two_commands_and_links_every_docs_page() -> None:
    text = README.read_text()
    assert "make up" in text and "make test" in text
    linked = {(README.parent / t.partition("#")[0]).resolve() for t in relative_links(README)}
    top_level_pages = {p.resolve() for p in (ROOT / "docs").glob("*.md")} | {(ROOT / "docs" / "adr" / "README.md").resolve()}
    assert sorted(str(p.relative_to(ROOT)) for p in top_level_pages - linked) == []


def test_the_decision_records_index_lists_every_record() -> None:
    index = ROOT / "docs" / "adr" / "README.md"
    linked = {t.partition("#")[0] for t in relative_links(index)}
    records = {p.name for p in index.parent.glob("[0-9][0-9][0-9][0-9]-*.md")}
    assert sorted(records - linked) == []


def test_the_checks_catch_what_they_are_for(tmp_path: Path) -> None:
    (tmp_path / "b.md").write_text("# Other page\n\n## A heading, with `code`\n")
    page = tmp_path / "a.md"
    page.write_text(
        "# Page\n\n[ok](b.md#a-heading-with-code) [web](https://example.com) [self](#page)\n"
        "[gone](missing.md) [bad anchor](b.md#nowhere)\n\n```\n[in code](nowhere.md)\n```\n"
    )
    assert [b.split(" ")[0] for b in broken_links(page)] == ["missing.md", "b.md#nowhere"]
    assert ISSUE_NUMBER.search("as issue 6 said") and ISSUE_NUMBER.search("fixed by #108")
    assert not ISSUE_NUMBER.search("a NUL written as &#0; or the issue of speed")
