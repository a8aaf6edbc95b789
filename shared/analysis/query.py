"""The user's `q` rewritten for `simple_query_string`: operators kept, words left to Elasticsearch to analyse.

Users write `"a phrase"`, `-excluded`, `word*`, `a OR b`, `a AND b`, `NOT a` and parentheses.
`simple_query_string` spells OR as `|`, AND as `+` and NOT as `-`, so the words are translated; each field then
analyses the words with its own analyzer (the language fields stem them).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from shared.analysis.languages import words

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


def _render(tokens: list[Token]) -> str:
    out: list[str] = []
    pending_neg = False
    for t in tokens:
        if t.kind == "neg":
            pending_neg = True
            continue
        if t.kind == "op":
            out.append(t.text)
        elif t.kind == "phrase":
            inner = t.text.replace("\\", " ")
            if inner.strip():
                out.append(("-" if pending_neg else "") + f'"{inner}"{t.slop}')
        else:
            out.append(("-" if pending_neg else "") + t.text)
        pending_neg = False
    return " ".join(out)


def sqs_query(q: str) -> str:
    """The query in `simple_query_string`'s syntax: only the operator words translated."""
    return _render(tokenize(q))


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
