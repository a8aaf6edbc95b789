"""Comments and docstrings name what they refer to (the concern, a docs page, a decision record), never an issue
number: an issue tracker's numbers mean nothing to a reader of the code. The docs' own check is tests/unit/test_docs.py."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ISSUE_NUMBER = re.compile(r"\bissues?\s?#?\d+", re.IGNORECASE)
SOURCES = [
    *(path for folder in ("shared", "services", "infra", "tests", ".ci") for path in (ROOT / folder).rglob("*")),
    ROOT / "Makefile",
    ROOT / "docker-compose.yml",
    ROOT / "pyproject.toml",
]
SUFFIXES = {".py", ".sh", ".yml", ".yaml", ".toml", ".cfg", ".ini", ""}
RULE_TESTS = {"test_docs.py", "test_code_comments.py"}  # their samples are the rule's own examples


def code_files() -> list[Path]:
    """Source, scripts and configuration; test fixtures are articles and pages, where "issue 3" may be news."""
    fixtures = ROOT / "tests" / "fixtures"
    return [
        p
        for p in SOURCES
        if p.is_file()
        and p.suffix in SUFFIXES
        and fixtures not in p.parents
        and "__pycache__" not in p.parts
        and p.name not in RULE_TESTS
    ]


def test_the_rule_knows_an_issue_number_when_it_sees_one() -> None:
    assert all(ISSUE_NUMBER.search(text) for text in ("ops (issue 7)", "Issues 5 and 6", "see issue #12"))
    assert not any(ISSUE_NUMBER.search(text) for text in ("celery/kombu#582", "Spain issues red alerts", "issued 3 times"))


def test_no_comment_or_docstring_refers_to_an_issue_number() -> None:
    hits = [
        f"{path.relative_to(ROOT)}:{n}: {line.strip()}"
        for path in code_files()
        for n, line in enumerate(path.read_text(errors="replace").splitlines(), 1)
        if ISSUE_NUMBER.search(line)
    ]
    assert not hits, "name the concern, a docs page or a decision record instead:\n" + "\n".join(hits)
