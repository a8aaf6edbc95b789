"""Every error of the search API is ours: a 400 naming the parameter at fault in our words, never a 500 and never an
Elasticsearch exception's name. Found by hand: a control character in `/v1/suggest?q=` (500), an offset past ±18:00
in `from`/`to` and `within=0m` (a 400 blaming `q` with Elasticsearch's exception text). Then a little fuzzing of
parameter combinations against the live service, and schemathesis on `/v1/suggest` with more examples.
"""

from __future__ import annotations

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode

from tests.integration.test_search_schema import CHECKS
from tests.stack import Stack

ENGINE_WORDS = ("exception", "x_content", "search_phase", "elasticsearch", "lucene")
CONTROLS = ["a\x1eb", "a\x1fb", "\x00", "ab\x07", "x\x7f", "\x9fy", "\x1e"]


def assert_ours(answer: requests.Response, sent: set[str]) -> None:
    """200, or a 400 that names one of the parameters sent, in words of ours."""
    assert answer.status_code in (200, 400), answer.text[:300]
    if answer.status_code == 400:
        error = answer.json()["error"]
        assert error["field"] in sent, error
        assert not any(word in error["message"].lower() for word in ENGINE_WORDS), error


@pytest.mark.parametrize("q", CONTROLS)
def test_suggest_answers_a_control_character_with_a_400_on_q(stack: Stack, q: str) -> None:
    answer = requests.get(f"{stack.search_url}/v1/suggest", params={"q": q}, timeout=10)
    assert answer.status_code == 400, answer.text[:300]
    assert answer.json()["error"]["field"] == "q"


def test_suggest_takes_tabs_and_newlines_as_spaces(stack: Stack) -> None:
    answer = requests.get(f"{stack.search_url}/v1/suggest", params={"q": "bish\tkek\n"}, timeout=10)
    assert answer.status_code == 200 and "suggestions" in answer.json()
    assert_ours(requests.get(f"{stack.search_url}/v1/suggest", params={"q": "a\x1eb"}, timeout=10), {"q"})


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"from": "2023-01-01T00:00:00+23:59"}, "from"),
        ({"from": "2023-01-01T00:00:00-18:01"}, "from"),
        ({"to": "2023-01-01T00:00:00+19:00"}, "to"),
        ({"q": "flood", "to": "2023-06-01T12:00:00-23:00"}, "to"),
        ({"near": "0,0", "within": "0m"}, "within"),
        ({"near": "0,0", "within": "0.000km"}, "within"),
        ({"q": "flood", "near": "43.2,76.9", "within": "0mi"}, "within"),
    ],
)
def test_values_elasticsearch_cannot_take_are_a_400_naming_them(stack: Stack, params: dict[str, str], field: str) -> None:
    answer = stack.search(**params)
    assert answer.status_code == 400, answer.text[:300]
    error = answer.json()["error"]
    assert error["field"] == field
    assert not any(word in error["message"].lower() for word in ENGINE_WORDS), error


def test_offsets_of_18_hours_still_run(stack: Stack) -> None:
    answer = stack.search(**{"from": "2023-01-01T00:00:00+18:00", "to": "2023-01-02T00:00:00-18:00"})
    assert answer.status_code == 200 and answer.json()["partial"] is False


# A little fuzzing: parameter combinations near the edges of what each one takes.

latitude = st.one_of(st.sampled_from([-90.0, 90.0, 0.0]), st.floats(-90, 90))
longitude = st.one_of(st.sampled_from([-180.0, 180.0, 0.0]), st.floats(-180, 180))
offset = st.builds(
    lambda sign, hours, minutes: f"{sign}{hours:02d}:{minutes:02d}", st.sampled_from("+-"), st.integers(0, 24), st.integers(0, 59)
)
moment = st.one_of(
    st.builds(lambda day, tz: f"{day.isoformat()}T00:00:00{tz}", st.dates(), offset),
    st.sampled_from(["0002-01-01", "9998-12-31", "9998-12-31T23:59:59-18:00", "2023-01-01T00:00:00+05:30:15", "2023-01-01"]),
)
VALUES = {
    "q": st.one_of(st.text(max_size=20), st.sampled_from(['"a b"~99999999999', "ab* OR cd*", "-x", "(((a", "NOT", "a\x1eb"])),
    "from": moment,
    "to": moment,
    "near": st.builds(lambda lat, lon: f"{lat},{lon}", latitude, longitude),
    "within": st.sampled_from(["0m", "0km", "0.000mi", "0.001m", "99999.999mi", "1km", "50km", "12345km"]),
    "bbox": st.builds(lambda a, b, c, d: f"{max(a, c)},{b},{min(a, c)},{d}", latitude, longitude, latitude, longitude),
    "facets": st.just("geo"),
    "geo_precision": st.integers(1, 8).map(str),
    "interval": st.sampled_from(["day", "week", "month", "year"]),
    "sort": st.sampled_from(["relevance", "newest", "oldest"]),
    "size": st.integers(1, 100).map(str),
    "include_duplicates": st.sampled_from(["true", "false"]),
    "country": st.sampled_from(["KZ", "kz", "Kazakhstan", "DE"]),
    "location": st.text(max_size=10),
    "source": st.text(max_size=10),
    "language": st.text(max_size=4),
}


@st.composite
def combinations(draw: st.DrawFn) -> dict[str, str]:
    names = draw(st.lists(st.sampled_from(sorted(VALUES)), min_size=1, max_size=6, unique=True))
    return {name: draw(VALUES[name]) for name in names}


def test_parameter_combinations_never_reach_an_engine_error(stack: Stack) -> None:
    @given(params=combinations())
    @settings(max_examples=200, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
    def answers_in_our_words(params: dict[str, str]) -> None:
        assert_ours(stack.search(**params), set(params))

    answers_in_our_words()


# schemathesis on /v1/suggest: more examples than test_search_schema's, and the characters found by hand.


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_suggest_answers_as_its_spec_says(stack: Stack, mode: GenerationMode) -> None:
    schema = schemathesis.openapi.from_url(f"{stack.search_url}/openapi.json")
    [operation] = [op for op in (result.ok() for result in schema.get_all_operations()) if op.path == "/v1/suggest"]
    for q in CONTROLS:
        operation.Case(query={"q": q}).call_and_validate(base_url=stack.search_url, checks=CHECKS)

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
    def answers_as_specified(case: schemathesis.Case) -> None:
        case.call_and_validate(base_url=stack.search_url, checks=CHECKS)

    answers_as_specified()
