"""The chaos census's pure part (tests/chaos/census.py): each check counts what it names, and only that;
and the chaos load's schedule sends each second version after its first."""

from __future__ import annotations

from pathlib import Path

from shared.articles.ids import canonical_url, content_hash
from tests.chaos.census import Accepted, Census, Stored, count, writes_in_logs
from tests.chaos.load import EDIT_LAG, schedule


def stored(doc_id: str, url: str | None, title: str, body: str) -> Stored:
    return Stored(doc_id, canonical_url(url) if url else None, content_hash(title, body))


def accepted_of(*articles: tuple[str, str, str]) -> Accepted:
    accepted = Accepted()
    for doc_id, title, body in articles:
        accepted.record(doc_id, title, body)
    return accepted


def census_of(docs: list[Stored], accepted: Accepted, dead: dict[str, str | None] | None = None) -> Census:
    return count(docs, accepted, dead or {})


def test_a_clean_index_holds() -> None:
    accepted = accepted_of(("a", "A", "Body a."), ("b", "B", "Body b."))
    census = census_of([stored("a", "https://x.org/a", "A", "Body a."), stored("b", "https://x.org/b", "B", "Body b.")], accepted)
    assert census.held and census.line() == (
        "searchable=2 dead=0 missing=0 dup_ids=0 dup_content=0 stale=0 rewrites=0 rewrites_max=0"
    )


def test_the_same_url_under_another_id_is_a_duplicate_story() -> None:
    accepted = accepted_of(("a", "A", "Body a."))
    docs = [stored("a", "https://x.org/a", "A", "Body a."), stored("z", "HTTPS://X.ORG/a/#top", "Other", "Other body.")]
    census = census_of(docs, accepted)
    assert (census.dup_ids, census.dup_id_groups, census.dup_content, census.stray_ids) == (1, (("a", "z"),), 0, {"z"})
    assert not census.held


def test_the_same_title_and_body_under_another_id_is_duplicate_content() -> None:
    accepted = accepted_of(("a", "A", "Body a."))
    docs = [stored("a", "https://x.org/a", "A", "Body a."), stored("z", "https://y.org/copy", "a", "  body  A. ")]
    census = census_of(docs, accepted)
    assert (census.dup_content, census.dup_content_groups, census.dup_ids) == (1, (("a", "z"),), 0)


def test_the_first_version_stored_after_a_second_was_accepted_is_stale() -> None:
    accepted = accepted_of(("a", "A", "First."), ("b", "B", "Only."), ("a", "A", "Second."))
    docs = [stored("a", None, "A", "First."), stored("b", None, "B", "Only.")]
    census = census_of(docs, accepted)
    assert census.stale_ids == {"a"} and not census.settled
    assert census_of([stored("a", None, "A", "Second."), docs[1]], accepted).held


def test_a_stale_copy_is_accounted_for_when_the_last_version_is_dead_lettered() -> None:
    accepted = accepted_of(("a", "A", "First."), ("a", "A", "Second."))
    docs = [stored("a", None, "A", "First.")]
    assert census_of(docs, accepted, {"a": content_hash("A", "Second.")}).stale == 0
    assert census_of(docs, accepted, {"a": content_hash("A", "First.")}).stale == 1


def test_a_version_sent_without_an_answer_may_be_the_stored_one_until_a_later_202() -> None:
    accepted = accepted_of(("a", "A", "First."))
    accepted.unsure("a", "A", "Second.")
    assert census_of([stored("a", None, "A", "Second.")], accepted).stale == 0
    accepted.record("a", "A", "Third.")
    assert census_of([stored("a", None, "A", "Second.")], accepted).stale == 1


def test_missing_is_accepted_neither_stored_nor_dead() -> None:
    accepted = accepted_of(("a", "A", "1."), ("b", "B", "2."), ("c", "C", "3."))
    census = census_of([stored("a", None, "A", "1.")], accepted, {"b": None})
    assert (census.missing_ids, census.searchable, census.dead) == ({"c"}, 1, 1)


def test_rewrites_are_writes_beyond_one_per_accepted_version() -> None:
    accepted = accepted_of(("a", "A", "1."), ("b", "B", "2."), ("b", "B", "2 corrected."), ("c", "C", "3."))
    docs = [stored("a", None, "A", "1."), stored("b", None, "B", "2 corrected."), stored("c", None, "C", "3.")]
    census = count(docs, accepted, {}, {"a": 3, "b": 2, "c": 1})
    assert (census.writes, census.rewrites, census.rewrites_max, census.held) == (6, 2, 2, True)


def test_writes_are_counted_from_the_indexers_article_lines(tmp_path: Path) -> None:
    line = '{"event": "article %s indexed", "article_id": "%s", "level": "info"}\n'
    (tmp_path / "indexer.log").write_text(line % ("abc1", "abc1") + "batch of 2: 2 indexed\n" + line % ("abc1", "abc1"))
    (tmp_path / "indexer-2.log").write_text(line % ("def2", "def2"))
    assert writes_in_logs(sorted(tmp_path.glob("indexer*.log"))) == {"abc1": 2, "def2": 1}


def test_each_second_version_is_scheduled_after_its_first() -> None:
    jobs = schedule(total=200, batch=20, edit_every=10)
    firsts = {n: i for i, job in enumerate(jobs) if not job.second_version for n in job.numbers}
    seconds = {n: i for i, job in enumerate(jobs) if job.second_version for n in job.numbers}
    assert sorted(firsts) == list(range(200)) and sorted(seconds) == list(range(0, 200, 10))
    assert all(seconds[n] > firsts[n] for n in seconds)
    jobs = schedule(total=2000, batch=20, edit_every=10)
    first_edit = next(i for i, job in enumerate(jobs) if job.second_version)
    assert first_edit == 190 // 20 + EDIT_LAG + 1  # right after the original batch EDIT_LAG batches on
    assert not any(job.second_version for job in schedule(total=200, batch=20, edit_every=0))
