"""The hand-written gold pages (tests/fixtures/pages): every page keeps its title, date, place and body.

`make bench-quality` prints the same scores beside plain trafilatura's; this test keeps them from slipping. The
expectations are the gold files' data (docs/normalization.md#the-gold-corpus): no code under test computes one.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.quality.bench_quality import ours, payload_of, same_place, same_time
from tests.quality.corpus import GoldPage, fold, gold_pages
from tests.quality.scoring import f1_of, precision_recall

PAGES = list(gold_pages())
ROOT = Path(__file__).resolve().parents[4]
# The harness may run the system (normalize, on the page's bytes), never another part of it to make an expectation.
ALLOWED = {("shared.extraction.pipeline", "normalize")}


def test_the_corpus_is_at_least_40_pages_in_4_languages_html_and_text() -> None:
    assert len(PAGES) >= 40
    assert len({p.name.split("-")[1] for p in PAGES}) >= 4
    assert {p.kind for p in PAGES} == {"html", "text"}


@pytest.mark.parametrize("page", PAGES, ids=[p.name for p in PAGES])
def test_gold_page(page: GoldPage) -> None:
    got = ours(page)
    gold = page.gold
    assert fold(got["title"] or "") == fold(gold["title"])
    assert same_time(got["published_at"], gold["published_at"]), got["published_at"]
    assert same_place(got["place"], gold["place"]), got["place"]
    assert f1_of([precision_recall(got["body"], page.body)])[2] >= 0.9  # the corpus as a whole: 0.99 (bench-quality)
    assert payload_of(page)["id"] == page.name


@pytest.mark.parametrize("page", PAGES, ids=[p.name for p in PAGES])
def test_the_frozen_body_runs_from_its_start_to_its_end_without_its_excludes(page: GoldPage) -> None:
    lines = page.body.splitlines()
    assert lines and all(line == fold(line) for line in lines), "one paragraph a line, no blank line"
    assert lines[0].startswith(page.gold["body_start"])
    assert lines[-1].endswith(page.gold["body_end"])
    assert not set(page.gold.get("body_excludes", [])) & set(lines)


def imports_of(path: Path) -> set[tuple[str, str]]:
    """(module, name) of every import in the file, at any depth; a plain `import x.y` is (x.y, "")."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {(alias.name, "") for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found |= {(node.module, alias.name) for alias in node.names}
    return found


def harness_modules() -> list[Path]:
    return [*sorted((ROOT / "tests" / "quality").glob("*.py")), Path(__file__)]


@pytest.mark.parametrize("path", harness_modules(), ids=lambda p: p.name)
def test_the_expectations_come_from_no_code_under_test(path: Path) -> None:
    under_test = {
        (module, name)
        for module, name in imports_of(path)
        if module.split(".")[0] in {"shared", "services"} and (module, name) not in ALLOWED
    }
    assert not under_test, f"{path.name} imports code under test: {sorted(under_test)}"
