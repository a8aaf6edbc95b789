"""The languages the index analyses, and the word splitter the search service counts query terms with.

Each language code maps to the Snowball stemmer Elasticsearch stems it with (shared/es/analysis.py builds one analyzer
per stemmer); several codes may share one. Lucene has no Polish stemmer in analysis-common: Polish articles are
matched by their exact words only.
"""

from __future__ import annotations

import re

LANGUAGES: dict[str, str] = {
    "en": "English",
    "ru": "Russian",
    "de": "German",
    "fr": "French",
    "es": "Spanish",
    "it": "Italian",
    "pt": "Portuguese",
    "nl": "Dutch",
    "sv": "Swedish",
    "no": "Norwegian",
    "nb": "Norwegian",
    "da": "Danish",
    "fi": "Finnish",
    "tr": "Turkish",
    "ro": "Romanian",
    "hu": "Hungarian",
    "uk": "Russian",  # close enough for suffixes; better than no stemming
}
WORD = re.compile(r"\w+")


def language_key(language: str | None) -> str | None:
    """The code `LANGUAGES` knows for a tag such as `en`, `en-GB` or `EN_us`; None when it has no stemmer."""
    if not language:
        return None
    code = re.split(r"[-_]", language.strip().lower(), maxsplit=1)[0]
    return code if code in LANGUAGES else None


def stemmer_of(language: str | None) -> str | None:
    """The analysed fields' name for an article's language (`english` for `en-GB`), None when it has none."""
    code = language_key(language)
    return LANGUAGES[code].lower() if code else None


def stemmers(codes: list[str] | None = None) -> list[str]:
    """The analysed fields' names for these language codes (None: every language the index analyses)."""
    wanted = LANGUAGES if codes is None else [c for c in codes if c in LANGUAGES]
    return sorted({LANGUAGES[c].lower() for c in wanted})


def words(text: str) -> list[str]:
    """Lower-cased word tokens: what the search service counts as a query's terms."""
    return WORD.findall(text.lower())
