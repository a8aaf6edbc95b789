"""The bridge between spectree and the contract: how a query is read and how a model's refusal is answered."""

from __future__ import annotations

from typing import Annotated

import pytest
from pydantic import Field, model_validator
from werkzeug.datastructures import MultiDict

from shared.web.errors import ApiError
from shared.web.openapi import QueryModel, Says, parse_query, refuse


class Query(QueryModel):
    name: str = ""
    tags: list[str] = Field(default_factory=list)
    size: Annotated[int, Field(ge=1, le=5), Says("size is 1 to 5")] = 1
    low: int = 0
    high: int = 0

    @model_validator(mode="after")
    def _ordered(self) -> Query:
        if self.low > self.high:
            raise refuse("low is above high", "low")
        return self


def refusal(pairs: list[tuple[str, str]]) -> ApiError:
    with pytest.raises(ApiError) as caught:
        parse_query(Query, MultiDict(pairs))
    assert caught.value.status == 400 and caught.value.code == "invalid_parameter"
    return caught.value


def test_first_value_of_a_plain_parameter_every_value_of_a_list() -> None:
    query = parse_query(Query, MultiDict([("name", "a"), ("name", "b"), ("tags", "x"), ("tags", "y"), ("size", "2")]))
    assert (query.name, query.tags, query.size) == ("a", ["x", "y"], 2)


def test_an_unknown_parameter_is_named_before_any_other_mistake() -> None:
    error = refusal([("size", "9"), ("zeta", "1"), ("colour", "red")])
    assert (error.field, error.message) == ("colour", "unknown parameter 'colour'")


def test_the_model_words_the_refusal() -> None:
    assert refusal([("size", "9")]).message == "size is 1 to 5"
    assert (refusal([("low", "3"), ("high", "1")]).field, refusal([("low", "3")]).message) == ("low", "low is above high")
    assert refusal([("high", "x")]).field == "high"  # no words of its own: pydantic's, after the name
