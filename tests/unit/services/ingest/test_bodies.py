"""Reading untrusted bodies: every bad one is a 4xx ApiError, never an exception that would be a 5xx."""

from __future__ import annotations

import pytest

from services.ingest.bodies import json_depth, looks_like_markup, page_text, parse_json
from shared.web.service import ApiError


def code_of(call: object, *args: object) -> tuple[int, str]:
    with pytest.raises(ApiError) as caught:
        call(*args)  # type: ignore[operator]
    return caught.value.status, caught.value.code


def test_json_depth_counts_containers() -> None:
    assert json_depth(1) == 0
    assert json_depth({}) == 1
    assert json_depth({"a": [1, {"b": []}]}) == 4


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        (b'{"title": "\xff"}', "invalid_encoding"),
        (b'{"title": NaN}', "invalid_json"),
        (b'{"title": Infinity}', "invalid_json"),
        (b'{"title": ', "invalid_json"),
        (b"1" * 5000, "invalid_json"),  # an integer too long to read
        (b"[" * 33 + b"]" * 33, "too_deep"),
        (b"[" * 200_000, "too_deep"),  # deeper than the parser's own recursion limit
    ],
)
def test_bad_json_is_a_400(raw: bytes, code: str) -> None:
    assert code_of(parse_json, raw, 32) == (400, code)


def test_good_json_with_bom_and_unicode() -> None:
    assert parse_json('\ufeff{"title": "Астана"}'.encode(), 32) == {"title": "Астана"}


def test_page_in_declared_charset() -> None:
    assert page_text("Алматы".encode("cp1251"), "windows-1251", False) == "Алматы"


def test_page_charset_from_meta() -> None:
    page = '<html><head><meta charset="koi8-r"></head><body>Новости</body></html>'
    assert "Новости" in page_text(page.encode("koi8-r"), None, True)


def test_page_charset_detected_when_undeclared() -> None:
    text = "Сегодня в Алматы прошёл сильный дождь, реки вышли из берегов, жителей эвакуировали."
    assert page_text(text.encode("cp1251"), None, False) == text


def test_a_declaration_the_rule_passes_over_is_the_senders_to_fix() -> None:
    """Where the shared rule would guess past a wrong declaration, the ingest service answers 400 instead."""
    assert code_of(page_text, b"caf\xe9", "utf-8", False) == (400, "invalid_encoding")
    assert code_of(page_text, b"abc", "no-such-charset", False) == (400, "invalid_encoding")
    assert code_of(page_text, b'<meta charset="utf-8"><p>caf\xe9', None, True) == (400, "invalid_encoding")
    assert code_of(page_text, bytes(range(256)) * 4, None, False) == (400, "invalid_encoding")  # nothing reads it


def test_a_byte_order_mark_decides_as_everywhere() -> None:
    assert page_text(b"\xff\xfe" + "Алматы".encode("utf-16-le"), "utf-8", False) == "Алматы"


def test_short_cyrillic_page_is_not_taken_for_a_mac_code_page() -> None:
    text = "Снег в Астане\n\nСнегопад парализовал движение в столице, сообщили в акимате."  # noqa: RUF001
    assert page_text(text.encode("cp1251"), None, False) == text


@pytest.mark.parametrize(
    ("raw", "markup"),
    [
        (b"<!DOCTYPE html><html><body>x</body></html>", True),
        (b"\xef\xbb\xbf\n  <html>", True),
        ("\ufeff<html>".encode("utf-16-le"), True),
        (b"Astana, 17 October. The ministry said <b> is a tag.", False),
        (b"", False),
    ],
)
def test_bytes_sent_as_a_page_are_html_when_they_start_like_markup(raw: bytes, markup: bool) -> None:
    assert looks_like_markup(raw) is markup
