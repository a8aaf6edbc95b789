"""Hypothesis strategies and settings shared by the property tests: untrusted text, pages, JSON, labels."""

from __future__ import annotations

from datetime import timedelta

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st


def bounded(seconds: float = 5, examples: int = 40) -> settings:
    """Any example slower than `seconds` fails the test: a hang is a failure, not a stuck run."""
    return settings(max_examples=examples, deadline=timedelta(seconds=seconds), suppress_health_check=[HealthCheck.too_slow])


PROPERTY = bounded()

TAGS = ["p", "div", "span", "article", "h1", "script", "style", "a", "br", "table", "td", "li", "time", "meta", "title"]
words = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=40)
attribute = st.tuples(st.sampled_from(["class", "id", "datetime", "content", "property", "href"]), words)
TRICKY = ["&amp;", "&lt;b&gt;x&lt;/b&gt;", "<!-- c -->", "&#0;", "]]>", "<", "<![CDATA[x]]>", "&#xD800;", "&bogus;"]


@st.composite
def html_pages(draw: st.DrawFn) -> str:
    parts: list[str] = []
    for _ in range(draw(st.integers(0, 25))):
        tag = draw(st.sampled_from(TAGS))
        attrs = "".join(f' {k}="{v.replace(chr(34), "")}"' for k, v in draw(st.lists(attribute, max_size=2)))
        inner = draw(st.one_of(words, st.sampled_from(TRICKY)))
        parts.append(f"<{tag}{attrs}>{inner}" + (f"</{tag}>" if draw(st.booleans()) else ""))
    return "<html><head>" + "".join(parts[:3]) + "</head><body>" + "".join(parts[3:]) + "</body></html>"


# JSON values of any shape, with the junk types a client may put where a string belongs.
json_scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False, allow_infinity=False), words)
json_values = st.recursive(json_scalars, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(words, inner, max_size=4))


def nested_json(depth: int, opener: str = "[") -> bytes:
    """`depth` levels of arrays or objects around a value, as bytes."""
    closer = {"[": "]", "{": "}"}[opener]
    inner = '{"a":' if opener == "{" else "["
    return (inner * depth + "1" + closer * depth).encode()


# Charset labels: real codec names and aliases, names that are not text codecs, and junk.
REAL_CHARSETS = ["utf-8", "utf-16", "utf-16-be", "utf-32", "latin-1", "cp1251", "koi8-r", "shift_jis", "gb18030", "big5"]
ODD_CHARSETS = [
    "idna",
    "punycode",
    "undefined",
    "rot13",
    "base64",
    "hex",
    "zlib",
    "utf-7",
    "unicode-escape",
    "raw-unicode-escape",
]
charset_labels = st.one_of(st.sampled_from(REAL_CHARSETS + ODD_CHARSETS), st.text(max_size=20))
