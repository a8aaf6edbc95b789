"""Rules on the text fields: markup out, Unicode NFC, whitespace folded, paragraphs kept."""

from __future__ import annotations

import html
import re
import unicodedata

import lxml.html

from shared.extraction.draft import Draft
from shared.extraction.rules import Rule

# Markup is HTML's own elements, comments and declarations; "<The Palace: Tale of Jang Noksu>" in text is a title.
HTML_ELEMENTS = (
    "a|abbr|address|area|article|aside|audio|b|base|bdi|bdo|blockquote|body|br|button|canvas|caption|cite|code|col|colgroup"
    "|data|datalist|dd|del|details|dfn|dialog|div|dl|dt|em|embed|fieldset|figcaption|figure|font|footer|form|frame|frameset"
    "|h[1-6]|head|header|hr|html|i|iframe|img|input|ins|kbd|label|legend|li|link|main|map|mark|meta|meter|nav|noscript"
    "|object|ol|optgroup|option|output|p|param|picture|pre|progress|q|s|samp|script|section|select|small|source|span"
    "|strike|strong|style|sub|summary|sup|svg|table|tbody|td|template|textarea|tfoot|th|thead|time|title|tr|track|tt|u|ul"
    "|var|video|wbr|center|big|marquee|math|center"
)
_TAG = re.compile(
    rf"<(?:/?(?:{HTML_ELEMENTS})(?=[\s/>])[^>]*>|!--.*?(?:-->|$)|![a-zA-Z][^>]*>|\?[^>]*>)", re.IGNORECASE | re.DOTALL
)
_BLANKS = re.compile(r"[ \t\u00a0]+")
_PARAGRAPH_BREAK = re.compile(r"\n\s*\n+")


def looks_like_html(text: str) -> bool:
    return bool(_TAG.search(text))


def html_to_text(fragment: str) -> str:
    """Paragraph and line breaks survive; every tag, script and style goes."""
    root = lxml.html.fragment_fromstring(fragment, create_parent="div")
    for bad in root.xpath("//script|//style|//noscript|//template"):
        bad.drop_tree()
    for block in root.xpath("//p|//div|//br|//li|//h1|//h2|//h3|//h4|//h5|//h6|//blockquote|//tr"):
        block.tail = "\n\n" + (block.tail or "")
    return str(root.text_content())


def clean_line_text(text: str | None) -> str | None:
    if text is None:
        return None
    text = _TAG.sub(" ", html.unescape(_TAG.sub(" ", text)))  # escaped markup, once unescaped, is markup too
    return collapse_blanks(unicodedata.normalize("NFC", text)) or None


def collapse_blanks(text: str) -> str:
    """Runs of spaces, tabs and no-break spaces as one space, the ends stripped. Most lines hold single spaces only:
    they skip the regex, whose replacing of every single space was a tenth of a JSON article's normalization."""
    if "  " in text or "\t" in text or "\u00a0" in text:
        text = _BLANKS.sub(" ", text)
    return text.strip()


def strip_markup(text: str) -> str:
    """Text without markup, whatever the input: parsed when lxml can, tags cut out when it cannot."""
    for _ in range(2):  # escaped markup (&lt;b&gt;) turns into markup once unescaped: take it out too
        if not looks_like_html(text):
            return text
        try:
            text = html_to_text(text)
        except Exception:  # noqa: BLE001 - lxml raises ValueError, ParserError, even AssertionError on odd markup
            text = html.unescape(_TAG.sub(" ", text))
    return _TAG.sub(" ", text)


def clean_body(text: str) -> str:
    text = strip_markup(text)
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))
    paragraphs = (collapse_blanks(p.replace("\n", " ")) for p in _PARAGRAPH_BREAK.split(text))
    return "\n\n".join(p for p in paragraphs if p)


def _clean_fields(draft: Draft) -> None:
    draft.body = clean_body(draft.body)
    draft.title = clean_line_text(draft.title)
    draft.subtitle = clean_line_text(draft.subtitle)
    draft.source = clean_line_text(draft.source)
    draft.authors = [a for a in (clean_line_text(x) for x in draft.authors) if a]
    draft.tags = [t for t in (clean_line_text(x) for x in draft.tags) if t]


RULES = [Rule("clean-text", _clean_fields)]
