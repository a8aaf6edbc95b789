"""A hang inside normalization must reach the task as Celery's soft time limit, never be noted and swallowed."""

import pytest
from celery.exceptions import SoftTimeLimitExceeded

from shared.extraction.draft import Draft
from shared.extraction.pipeline import normalize
from shared.extraction.rules import Rule, run_rules
from shared.observability import metrics


def _hang(draft: Draft) -> None:
    raise SoftTimeLimitExceeded()


def _broken(draft: Draft) -> None:
    raise ValueError("odd input")


def test_soft_time_limit_in_a_rule_propagates() -> None:
    with pytest.raises(SoftTimeLimitExceeded):
        run_rules(Draft(id="x", body="text"), [Rule("hangs", _hang)])


def test_an_ordinary_rule_failure_is_noted_and_the_rest_run() -> None:
    seen: list[str] = []
    draft = run_rules(Draft(id="x"), [Rule("broken", _broken), Rule("after", lambda d: seen.append("ran"))])
    assert seen == ["ran"]
    assert draft.notes == ["broken: ValueError: odd input"]


def test_parsing_is_timed_as_its_own_stage() -> None:
    def parse_count() -> float:
        for metric in metrics.STAGE_DURATION.collect():
            for sample in metric.samples:
                if sample.name.endswith("_count") and sample.labels.get("stage") == "parse":
                    return sample.value
        return 0.0

    before = parse_count()
    normalize({"id": "t1", "kind": "article", "article": {"title": "Parsed", "body": "Once."}})
    assert parse_count() == before + 1
