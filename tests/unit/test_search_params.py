from datetime import datetime

import pytest
from werkzeug.datastructures import MultiDict

from services.search.params import decode_cursor, encode_cursor, parse_search_args
from shared.web import ApiError


def parse(**kwargs: object) -> object:
    return parse_search_args(MultiDict(kwargs))


@pytest.mark.parametrize(
    ("args", "field"),
    [
        ({"size": "1000"}, "size"),
        ({"size": "-1"}, "size"),
        ({"sort": "random"}, "sort"),
        ({"from": "2023-13-45"}, "from"),
        ({"from": "2023-11-01", "to": "2023-10-01"}, "from"),
        ({"cursor": "!!!"}, "cursor"),
        ({"country": "Atlantis"}, "country"),
        ({"interval": "fortnight"}, "interval"),
    ],
)
def test_bad_parameters_are_400_naming_the_parameter(args: dict[str, str], field: str) -> None:
    with pytest.raises(ApiError) as err:
        parse_search_args(MultiDict(args))
    assert err.value.status == 400
    assert err.value.field == field


def test_a_day_means_the_whole_day() -> None:
    params = parse_search_args(MultiDict({"from": "2023-10-01", "to": "2023-10-31"}))
    assert params.published_from == datetime(2023, 10, 1)
    assert params.published_before == datetime(2023, 11, 1)
    assert params.interval == "day"


def test_country_by_name_or_code() -> None:
    params = parse_search_args(MultiDict([("country", "Kazakhstan"), ("country", "kg")]))
    assert params.filters["country"] == ["KZ", "KG"]


def test_cursor_round_trip() -> None:
    assert decode_cursor(encode_cursor([1.5, "2023-10-17", "abc"])) == [1.5, "2023-10-17", "abc"]
