"""The index's `analysis` settings: one analyzer per Snowball stemmer of shared/analysis/languages.py.

Each is the standard tokenizer, elision where the language elides ("l'inondation" -> "inondation"), lower case and
the language's Snowball stemmer: the same stemmers the search used before the analysis moved into the engine, so the
relevance kept its meaning. The topic candidate index asks these analyzers for its stems (shared/topics/stems.py).
The components come from the full distribution's analysis-common module or, on the minimal one, from our plugin under
the same names (docs/adr/0023).
"""

from __future__ import annotations

from typing import Any

from shared.analysis.languages import LANGUAGES, stemmers

# Articles elided before a vowel. French is the elision filter's default; Italian is Lucene's ItalianAnalyzer list.
ELISIONS: dict[str, list[str] | None] = {
    "french": None,
    "italian": [
        "c",
        "l",
        "all",
        "dall",
        "dell",
        "nell",
        "sull",
        "coll",
        "pell",
        "gl",
        "agl",
        "dagl",
        "degl",
        "negl",
        "sugl",
        "un",
        "m",
        "t",
        "s",
        "v",
        "d",
    ],
}


def analyzer_name(stemmer: str) -> str:
    return f"text_{stemmer}"


def _chain(stemmer: str) -> list[str]:
    elision = [f"elision_{stemmer}"] if stemmer in ELISIONS else []
    return [*elision, "lowercase", f"snowball_{stemmer}"]


def analysis_settings() -> dict[str, Any]:
    names = {LANGUAGES[code].lower(): LANGUAGES[code] for code in LANGUAGES}
    filters: dict[str, Any] = {f"snowball_{s}": {"type": "snowball", "language": names[s]} for s in stemmers()}
    for stemmer, articles in ELISIONS.items():
        filters[f"elision_{stemmer}"] = {"type": "elision", **({"articles": articles} if articles else {})}
    analyzers = {analyzer_name(s): {"type": "custom", "tokenizer": "standard", "filter": _chain(s)} for s in stemmers()}
    return {"filter": filters, "analyzer": analyzers}
