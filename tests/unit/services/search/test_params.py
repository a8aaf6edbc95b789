from datetime import UTC, datetime

import pytest
from werkzeug.datastructures import MultiDict

from services.search.cursor import CursorCodec
from services.search.params import parse_search_args
from shared.es.queries import SearchParams
from shared.web.service import ApiError


@pytest.mark.parametrize(
    ("args", "field"),
    [
        ({"size": "1000"}, "size"),
        ({"size": "-1"}, "size"),
        ({"size": "١٢"}, "size"),
        ({"sort": "random"}, "sort"),
        ({"from": "2023-13-45"}, "from"),
        ({"to": "yesterday"}, "to"),
        ({"from": "2023-11-01", "to": "2023-10-01"}, "from"),
        ({"cursor": "!!!"}, "cursor"),
        ({"cursor": "eyJhIjpbXX0"}, "cursor"),
        ({"country": "Atlantis"}, "country"),
        ({"interval": "fortnight"}, "interval"),
        ({"near": "91,10"}, "near"),
        ({"near": "nan,10"}, "near"),
        ({"near": "43,76", "within": "far"}, "within"),
        ({"within": "5km"}, "within"),
        ({"bbox": "1,2,3"}, "bbox"),
        ({"facets": "everything"}, "facets"),
        ({"geo_precision": "12"}, "geo_precision"),
        ({"include_duplicates": "maybe"}, "include_duplicates"),
        ({"include_duplicates": ""}, "include_duplicates"),  # a typed parameter is never blank
        ({"facets": ""}, "facets"),
        ({"size": ""}, "size"),
        ({"q": "x" * 1001}, "q"),
        ({"q": " ".join(["w"] * 65)}, "q"),
        ({"colour": "red"}, "colour"),
    ],
)
def test_bad_parameters_are_400_naming_the_parameter(args: dict[str, str], field: str) -> None:
    with pytest.raises(ApiError) as err:
        parse_search_args(MultiDict(args))
    assert err.value.status == 400
    assert err.value.field == field


def test_a_day_means_the_whole_day() -> None:
    params = parse_search_args(MultiDict({"from": "2023-10-01", "to": "2023-10-31"}))
    assert params.published_from == datetime(2023, 10, 1, tzinfo=UTC)
    assert params.published_before == datetime(2023, 11, 1, tzinfo=UTC)
    assert params.interval == "day"


def test_datetimes_keep_their_offset() -> None:
    params = parse_search_args(MultiDict({"from": "2023-10-17T09:00:00+06:00"}))
    assert params.published_from is not None and params.published_from.utcoffset() is not None
    assert params.published_from.hour == 9


def test_interval_follows_the_range() -> None:
    assert parse_search_args(MultiDict({"from": "2023-01-01", "to": "2023-06-30"})).interval == "week"
    assert parse_search_args(MultiDict({"from": "2020-01-01", "to": "2023-06-30"})).interval == "month"
    assert parse_search_args(MultiDict({"from": "2000-01-01", "to": "2023-06-30"})).interval == "year"


def test_repeatable_filters_and_country_by_name_or_code() -> None:
    params = parse_search_args(MultiDict([("country", "Kazakhstan"), ("country", "kg"), ("source", "A"), ("source", "B")]))
    assert params.filters["country"] == ["KZ", "KG"]
    assert params.filters["source"] == ["A", "B"]


def test_geo_parameters() -> None:
    params = parse_search_args(MultiDict({"near": "43.2,76.9", "within": "20km", "bbox": "60,40,35,90", "facets": "geo"}))
    assert params.geo.near == (43.2, 76.9) and params.geo.within == "20km"
    assert params.geo.box == (60, 40, 35, 90) and params.geo_facet


def test_cursor_round_trip_and_belongs_to_its_query() -> None:
    params, codec = SearchParams(q="flood"), CursorCodec(b"k" * 32)
    cursor = codec.encode([1.5, "2023-10-17", "abc"], params, "pit-id", 10, "owner.slot")
    decoded = codec.decode(cursor, params)
    assert (decoded.after, decoded.pit, decoded.seen, decoded.slot) == ([1.5, "2023-10-17", "abc"], "pit-id", 10, "owner.slot")
    with pytest.raises(ApiError):
        codec.decode(cursor, SearchParams(q="other"))
