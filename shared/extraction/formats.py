"""Input formats: each a parser with a name, `can_parse` and `parse`, in one registry."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from shared.extraction.draft import Draft

Payload = dict[str, Any]


@dataclass(frozen=True)
class Parser:
    name: str
    can_parse: Callable[[Payload], bool]
    parse: Callable[[Payload], Draft]


_REGISTRY: dict[str, Parser] = {}


def register(parser: Parser) -> Parser:
    if parser.name in _REGISTRY:
        raise ValueError(f"a parser named {parser.name!r} is already registered")
    _REGISTRY[parser.name] = parser
    return parser


def parser_for(payload: Payload) -> Parser:
    for parser in _REGISTRY.values():
        if parser.can_parse(payload):
            return parser
    raise ValueError(f"no parser takes an input of kind {payload.get('kind')!r}")
