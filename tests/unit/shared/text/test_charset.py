"""The one charset rule: a byte-order mark, then the declared charsets, then detection, then UTF-8; undecodable
bytes become U+FFFD; names mean what browsers take them to mean."""

from __future__ import annotations

import codecs

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from shared.text.charset import codec_of, decode, detect, header_charset, in_document
from tests.unit.strategies import PROPERTY, charset_labels, words

RUSSIAN = "Сегодня в Алматы прошёл сильный дождь, реки вышли из берегов, жителей эвакуировали."
SPANISH = (
    "El Gobierno aprobó el miércoles en Madrid una reforma de las pensiones que amplía la cotización de los "
    "trabajadores. «Es un día histórico para España», afirmó la ministra, que defendió el acuerdo con los sindicatos."
)
CHINESE = (
    "<html><head><title>新闻</title></head><body><p>国务院总理朱镕基今天在北京主持召开国务院常务会议、"
    "研究部署下一阶段的经济工作。会议指出、当前经济形势总体良好。</p></body></html>"
)
JAPANESE = "<html><body><p>東京都は今日、新しい防災計画を発表しました。地震や台風への備えを強化する内容です。</p></body></html>"


def page(body: str, head: str = "") -> str:
    return f"<html><head>{head}<title>News</title></head><body><p>{body}</p></body></html>"


@pytest.mark.parametrize(
    ("bom", "codec"), [(codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be")]
)
def test_a_byte_order_mark_decides_over_any_declaration(bom: bytes, codec: str) -> None:
    text = page(RUSSIAN, '<meta charset="windows-1251">')
    decoded = decode(bom + text.encode(codec), "iso-8859-1")
    assert (decoded.text, decoded.step, decoded.passed_over) == (text, "bom", ())


def test_utf16_without_its_bytes_complete_keeps_what_it_read() -> None:
    decoded = decode(codecs.BOM_UTF16_LE + "Алматы".encode("utf-16-le") + b"\x41")  # an odd last byte
    assert decoded.text == "Алматы\ufffd"


def test_the_header_then_the_documents_own_declaration() -> None:
    text = page(RUSSIAN, '<meta charset="koi8-r">')
    assert decode(text.encode("koi8-r")).encoding == "koi8_r"  # the <meta>
    assert decode(text.encode("cp1251"), "windows-1251").text == text  # the header first
    xml = f'<?xml version="1.0" encoding="koi8-r"?><rss><title>{RUSSIAN}</title></rss>'
    assert decode(xml.encode("koi8-r"), sniff="xml").text == xml


def test_a_wrong_declared_charset_is_passed_over_with_its_reason() -> None:
    text = page(RUSSIAN)
    decoded = decode(text.encode("cp1251"), "utf-8")
    assert (decoded.text, decoded.encoding, decoded.step) == (text, "cp1251", "detected")
    [passed] = decoded.passed_over
    assert passed.label == "utf-8" and passed.known and "can't decode" in passed.why


def test_an_unknown_or_refused_name_is_passed_over_as_unknown() -> None:
    for label in ("klingon", "utf-7", "punycode", "undefined", "unicode-escape", "utf-8\x00"):
        decoded = decode(b"plain news", label)
        assert decoded.text == "plain news" and [p.known for p in decoded.passed_over] == [False], label


def test_without_a_declaration_utf8_then_detection() -> None:
    assert decode(page(RUSSIAN).encode()).encoding == "utf_8"
    assert decode(RUSSIAN.encode("cp1251"), sniff=None).text == RUSSIAN


def test_windows_1252_undeclared_and_declared_as_latin1() -> None:
    assert decode(SPANISH.encode("cp1252"), sniff=None).text == SPANISH  # ñ is not read as windows-1250's ń
    quoted = "“Le président” a parlé — à Paris."
    assert decode(quoted.encode("cp1252"), "iso-8859-1").text == quoted  # latin1 means windows-1252
    assert decode(b"\x81\x8d\x8f\x90\x9d", "iso-8859-1").text == "\x81\x8d\x8f\x90\x9d"  # its five holes, as browsers


def test_a_cjk_page_declared_by_a_subset_and_undeclared() -> None:
    # 镕 is in GBK, not in GB2312: a page labelled gb2312 is read as the superset browsers use.
    declared = CHINESE.replace("<head>", '<head><meta charset="gb2312">')
    assert decode(declared.encode("gbk")).text == declared
    assert decode(CHINESE.encode("gbk")).text == CHINESE
    assert decode(JAPANESE.encode("shift_jis")).text == JAPANESE


def test_bytes_no_charset_reads_fall_back_to_utf8_with_replacement() -> None:
    raw = bytes(range(256)) * 4
    decoded = decode(raw)
    assert decoded.step == "fallback" and decoded.encoding == "utf_8"
    assert decoded.text == raw.decode("utf-8", "replace") and "\ufffd" in decoded.text


def test_names_mean_what_browsers_take_them_to_mean() -> None:
    assert [codec_of(n) for n in ("UTF8", "latin1", "ISO-8859-1", "gb2312", "Shift_JIS", "euc-kr", '"koi8-r"')] == [
        "utf_8",
        "cp1252",
        "cp1252",
        "gb18030",
        "cp932",
        "cp949",
        "koi8_r",
    ]
    assert [codec_of(n) for n in ("utf-7", "rot13", "base64", "idna", "", "x" * 40)] == [None] * 6


def test_where_declarations_are_found() -> None:
    assert header_charset('text/html; charset="Windows-1251"') == "Windows-1251"
    assert header_charset("text/html") is None and header_charset(None) is None
    assert in_document(b"<?xml version='1.0' encoding='koi8-r'?><rss/>", "xml") == "koi8-r"
    assert in_document(b'<html><meta http-equiv="Content-Type" content="text/html; charset=cp1251">', "html") == "cp1251"
    assert in_document(b'<html><meta charset="cp1251">', "xml") is None  # a feed's CDATA is not its declaration
    assert in_document(b'<html><meta charset="cp1251">', None) is None  # a text/plain body has none


@PROPERTY
@given(st.binary(max_size=3000), st.one_of(st.none(), charset_labels), st.sampled_from(["html", "xml", None]))
@example(b"abc", "undefined", None)  # a codec that only fails: was UnicodeError
@example(b"abc", "utf-8\x00", None)  # a NUL in the label: was ValueError
@example(b'<meta charset="punycode"><p>', None, "html")  # a <meta> naming a codec that fails with UnicodeError
@example(b"+2AA-", "utf-7", None)  # UTF-7 spells a lone surrogate
def test_any_bytes_and_label_give_text_that_is_valid_unicode(raw: bytes, declared: str | None, sniff: str | None) -> None:
    decoded = decode(raw, declared, sniff=sniff)  # type: ignore[arg-type]
    decoded.text.encode("utf-8")  # no lone surrogate: Elasticsearch and feedparser take it as it is
    assert codecs.lookup(decoded.encoding)


@PROPERTY
@given(st.binary(max_size=200), words, st.binary(max_size=200))
def test_any_meta_charset_is_read_or_passed_over(head: bytes, label: str, rest: bytes) -> None:
    raw = head + b'<meta charset="' + label.encode("utf-8", "replace") + b'">' + rest
    decoded = decode(raw)
    assert decoded.step != "declared" or codec_of(in_document(raw, "html") or "") == decoded.encoding


@PROPERTY
@given(st.binary(max_size=3000))
def test_detected_charsets_are_codecs(raw: bytes) -> None:
    found = detect(raw)
    assert found is None or codecs.lookup(found)
