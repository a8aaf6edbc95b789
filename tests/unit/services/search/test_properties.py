"""Whatever query string a client sends, `GET /v1/search` gets its parameters or a 400 naming the one at fault."""

from __future__ import annotations

import base64
import json
from typing import Any

from hypothesis import example, given
from hypothesis import strategies as st
from werkzeug.datastructures import MultiDict

from services.search.cursor import Cursor, CursorCodec, fingerprint
from services.search.params import KNOWN, parse_search_args
from shared.es.queries import SearchParams
from shared.web.service import ApiError
from tests.unit.strategies import PROPERTY, json_values, words

PLAIN = parse_search_args(MultiDict())  # q="" by relevance: the search a cursor below belongs to
CODEC = CursorCodec(b"test-secret-0123456789")


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


# Values near what each parameter takes, and anything else.
LIKELY = {
    "from": ["2023-10-17", "2023-10-17T10:00:00Z", "0001-01-01", "9999-12-31", "2023-02-30", "+2023-01-01"],
    "to": ["2023-10-18", "2023-10-17T10:00:00+23:59", "9999-12-31T23:59:59.999999", "1-1-1"],
    "size": ["1", "100", "0", "١٢", "²", " 7 ", "1e2"],
    "country": ["KZ", "Kazakhstan", "zz", "Côte d'Ivoire", "", "*"],
    "near": ["43.2,76.9", "nan,1", "inf,0", "1e400,1", "90,180", "1,2,3", "1_0,2"],
    "within": ["50km", "99999.999mi", "1 km", "km"],
    "bbox": ["50,0,40,10", "40,0,50,10", "1,2,3,4,5", "-90,-180,-90,-180"],
    "interval": ["day", "week", "fortnight"],
    "sort": ["newest", "oldest", "relevance", "random"],
    "geo_precision": ["1", "8", "9", "٣"],
    "facets": ["geo", "geo,x", ",,"],
    "include_duplicates": ["true", "no", "maybe", "TRUE "],
    "q": ['"an unclosed phrase', "a* OR -b", "\x00", "(" * 50],
    "cursor": [b64(b"[" * 3000), b64(b'{"a":[1],"f":"' + fingerprint(PLAIN).encode() + b'","t":"yesterday"}'), "!!!"],
}
names = st.sampled_from([*sorted(KNOWN), "colour"])  # an unknown name now and then: it is checked first


@st.composite
def search_args(draw: st.DrawFn) -> MultiDict[str, str]:
    pairs = []
    for name in draw(st.lists(names, max_size=6)):
        value = draw(st.one_of(words, st.sampled_from(LIKELY.get(name, [""]))))
        pairs.append((name, value))
    return MultiDict(pairs)


@PROPERTY
@given(search_args())
@example(MultiDict([("cursor", LIKELY["cursor"][0])]))  # 3000 nested arrays: was a RecursionError (a 500)
def test_search_args_are_params_or_a_400_naming_one(args: MultiDict[str, str]) -> None:
    try:
        params = parse_search_args(args, cursors=CODEC)
    except ApiError as exc:
        assert exc.status == 400 and exc.field in args, (exc.status, exc.field)
        return
    assert isinstance(params, SearchParams) and 1 <= params.size <= 100


def check_cursor(text: str, params: SearchParams) -> None:
    try:
        assert isinstance(CODEC.decode(text, params), Cursor)
    except ApiError as exc:
        assert exc.status == 400 and exc.field == "cursor"


@PROPERTY
@given(st.one_of(words, st.binary(max_size=300).map(b64)))
@example(b64(b"[" * 3000))  # was a RecursionError
def test_arbitrary_cursors(text: str) -> None:
    check_cursor(text, PLAIN)


@PROPERTY
@given(st.dictionaries(st.sampled_from(["a", "p", "s", "n", "t", "f", "e"]), json_values), st.booleans(), words)
def test_cursors_of_any_shape(payload: dict[str, Any], ours: bool, mac: str) -> None:
    """Whatever a client writes into a cursor, signed with a guess, is a 400 on `cursor`."""
    if ours:
        payload["f"] = fingerprint(PLAIN)
    check_cursor(b64(json.dumps(payload).encode()) + "." + mac, PLAIN)


@PROPERTY
@given(st.lists(st.one_of(st.integers(), st.floats(allow_nan=False), words), min_size=1, max_size=3), words)
def test_cursors_round_trip(after: list[Any], q: str) -> None:
    try:
        params = parse_search_args(MultiDict([("q", q), ("sort", "newest")]))
    except ApiError:
        return
    assert CODEC.decode(CODEC.encode(after, params), params).after == after
