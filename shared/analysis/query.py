"""The user's `q` rewritten for `simple_query_string`: operators kept, words stemmed per language.

Users write `"a phrase"`, `-excluded`, `word*`, `a OR b`, `a AND b`, `NOT a` and parentheses.
`simple_query_string` spells OR as `|`, AND as `+` and NOT as `-`, so the words are translated.
Stemmed variants: every word outside a prefix becomes its stem in the given language, phrases
become phrases of stems (positions are kept, so they still match as phrases).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from shared.analysis.stemming import stem_words, words

_TOKEN = re.compile(r'"(?P<phrase>[^"]*)"?(?P<slop>~\d+)?|(?P<op>[()|+])|(?P<neg>-)(?=\S)|(?P<word>[^\s()"|+]+)|\s+')
_KEYWORDS = {"OR": "|", "AND": "+", "NOT": "-"}
MAX_TERMS = 64


@dataclass(frozen=True)
class Token:
    kind: str  # phrase | op | neg | word
    text: str
    slop: str = ""


def tokenize(q: str) -> list[Token]:
    tokens: list[Token] = []
    for m in _TOKEN.finditer(q):
        if m.group("phrase") is not None:
            tokens.append(Token("phrase", m.group("phrase"), m.group("slop") or ""))
        elif m.group("op"):
            tokens.append(Token("op", m.group("op")))
        elif m.group("neg"):
            tokens.append(Token("neg", "-"))
        elif m.group("word"):
            word = m.group("word")
            keyword = _KEYWORDS.get(word)
            tokens.append(Token("neg" if keyword == "-" else "op", keyword) if keyword else Token("word", word))
    return tokens


def term_count(q: str) -> int:
    return sum(len(words(t.text)) or 1 for t in tokenize(q) if t.kind in ("word", "phrase"))


def _word(text: str, language: str | None, stem: bool) -> str:
    prefix = text.endswith("*")
    if not stem:
        return text
    parts = words(text)
    if not parts:
        return ""
    if prefix:
        return " ".join(parts) + "*"
    return " ".join(stem_words(parts, language))


def _render(tokens: list[Token], language: str | None, stem: bool) -> str:
    out: list[str] = []
    pending_neg = False
    for t in tokens:
        if t.kind == "neg":
            pending_neg = True
            continue
        if t.kind == "op":
            out.append(t.text)
        elif t.kind == "phrase":
            inner = " ".join(stem_words(words(t.text), language)) if stem else t.text.replace("\\", " ")
            if inner.strip():
                out.append(("-" if pending_neg else "") + f'"{inner}"{t.slop}')
        else:
            text = _word(t.text, language, stem)
            if text:
                out.append(("-" if pending_neg else "") + (f"({text})" if pending_neg and " " in text else text))
        pending_neg = False
    return " ".join(out)


def neutral_query(q: str) -> str:
    """The query for the language-neutral fields: only the operator words translated."""
    return _render(tokenize(q), None, stem=False)


def stemmed_query(q: str, language: str | None) -> str:
    """The query for the `*_stem` fields of articles in `language` (None: lower-cased, unstemmed)."""
    return _render(tokenize(q), language, stem=True)


def positive_words(q: str) -> str:
    """The words the user wants (not excluded, no operators): what a phrase match is looked for with."""
    kept: list[str] = []
    pending_neg = False
    for t in tokenize(q):
        if t.kind == "neg":
            pending_neg = True
            continue
        if t.kind in ("word", "phrase") and not pending_neg:
            kept.extend(words(t.text.rstrip("*")))
        pending_neg = False
    return " ".join(kept)
