"""The one size and character policy of an article, from ingest to index (docs/ingest-limits.md).

Size. Elasticsearch highlights a field only up to `index.highlight.max_analyzed_offset` characters (1,000,000 by
default), counted as Java counts them: UTF-16 code units, so a character beyond U+FFFF (an emoji) counts twice. One
longer body made every relevance search that ranked it a 400. So a body is at most MAX_TEXT_CHARS such characters:
the ingest service refuses a longer JSON body (400 on `body`); the normalizer cuts a longer extracted body (a page,
a feed's linked page, text that Unicode normalization made longer) at a paragraph boundary and notes the cut. The
short fields are held to the ingest service's own limits the same way.

Characters. U+0000 cannot be stored: the title's completion field refuses it as reserved, and with it the whole
article. Lone surrogates (JSON's `\\ud800` escapes make them) are not Unicode text: nothing encodes them as UTF-8.
The ingest service refuses both (400 naming the field). The other C0 controls and DEL are stored without complaint
but are not text either: the normalizer removes them, and NUL or surrogates reaching it another way (a page's
JSON-LD), and notes it; vertical tab and form feed, a word processor's line breaks, become line breaks.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from shared.settings import get_settings

MAX_BODY = get_settings().max_text_chars  # in UTF-16 code units, as Elasticsearch counts
MAX_SHORT = get_settings().max_short_chars  # url, title, an author, a tag
MAX_SUBTITLE = MAX_SHORT * 5
MAX_NAME = 500  # source, location

UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
NOT_TEXT = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")
LINE_BREAKS = "\x0b\x0c"


def es_length(text: str) -> int:
    """The length Elasticsearch sees: UTF-16 code units (a character beyond U+FFFF counts twice)."""
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def unstorable(text: str) -> str | None:
    """Why `text` cannot be stored, or None when it can."""
    found = UNSTORABLE.search(text)
    if found is None:
        return None
    char = found.group()
    what = "U+0000 (NUL)" if char == "\x00" else f"U+{ord(char):04X} (half of a UTF-16 surrogate pair)"
    return f"holds {what} at character {found.start()}, which cannot be stored"


def without_unstorable(text: str) -> str:
    return UNSTORABLE.sub("", text)


def text_only(text: str, line_break: str = " ") -> tuple[str, list[str]]:
    """`text` without the characters that are not text (NOT_TEXT), and the code points taken out (U+0007, …).
    Vertical tab and form feed become `line_break`; the others are removed."""
    found: list[str] = []

    def replace(match: re.Match[str]) -> str:
        found.append(f"U+{ord(match.group()):04X}")
        return line_break if match.group() in LINE_BREAKS else ""

    return NOT_TEXT.sub(replace, text), found


def cut_text(text: str, limit: int, length: Callable[[str], int] = len) -> str:
    """The longest head of `text` within `limit` (as `length` measures), ending at a paragraph break, else a line
    break, else a space (as long as that keeps half of what would fit), else anywhere."""
    if length(text) <= limit:
        return text
    head = text[:limit]
    head = head[: limit - (length(head) - len(head))]  # each character counted more than once takes room
    for boundary in ("\n\n", "\n", " "):
        at = (head + text[len(head) : len(head) + len(boundary)]).rfind(boundary)  # one right after the head counts
        if at >= len(head) // 2:
            return head[:at].rstrip()
    return head
