"""Write the gold corpus's expected bodies, `tests/fixtures/pages/NAME.body.txt`. A one-off: it was run once,
on 2026-12-02, and its output was then read and corrected by hand (docs/normalization.md#the-gold-corpus).

Do not run it again to "fix" a page our extractor fails: a frozen body is the expectation, changed only by hand,
after reading the page, in a commit that changes no extraction rule. It never overwrites a body file; it writes
only those missing, so it can draft the body of a newly added page, which is then read and corrected by hand too.

It shares nothing with the code under test (lxml, trafilatura, `shared/`): an HTML page's bytes are parsed by
html5lib (the WHATWG parsing algorithm, pure Python) through BeautifulSoup; html5lib also finds the page's charset
itself, as browsers do (page 21: windows-1252, 39: windows-1251). The visible text is BeautifulSoup's `get_text()`
of the `<body>` without `<script>`, `<style>`, `<template>` and `<noscript>`, with a line break around each block
element and at `<br>`. A text page is its lines, read as UTF-8. Then, from the page's `.gold.json`: the text from
the first line holding `body_start` (cut there) to the end of `body_end`, each of `body_excludes` taken out (the
line, or the words inside a line), whitespace folded within a line, one paragraph a line, Unicode NFC.

Not a project dependency; run it from a virtual environment of its own, from the repository's root:

    python3 -m venv /tmp/freeze && /tmp/freeze/bin/pip install beautifulsoup4==4.15.0 html5lib==1.1
    /tmp/freeze/bin/python tests/quality/freeze_gold.py
"""

from __future__ import annotations

import json
import sys
import unicodedata
from pathlib import Path

from bs4 import BeautifulSoup  # type: ignore[import-not-found]

PAGES = Path(__file__).resolve().parents[2] / "tests" / "fixtures" / "pages"
HIDDEN = ("script", "style", "template", "noscript")
BLOCKS = (  # noqa: SIM905 (read as one list of names)
    "address article aside blockquote dd details div dl dt fieldset figcaption figure footer form h1 h2 h3 h4 h5 h6 "
    "header hr li main nav ol p pre section summary table tbody td tfoot th thead tr ul"
).split()


def visible_lines(page: Path) -> list[str]:
    if page.suffix == ".txt":
        text = page.read_bytes().decode("utf-8")
    else:
        soup = BeautifulSoup(page.read_bytes(), "html5lib")
        for element in soup.find_all(HIDDEN):
            element.decompose()
        for element in soup.find_all(BLOCKS):
            element.insert_before("\n")
            element.append("\n")
        for element in soup.find_all("br"):
            element.replace_with("\n")
        text = soup.body.get_text() if soup.body else ""
    folded = (" ".join(line.split()) for line in unicodedata.normalize("NFC", text).splitlines())
    return [line for line in folded if line]


def frozen_body(lines: list[str], gold: dict, report: list[str]) -> list[str]:
    start = next(i for i, line in enumerate(lines) if gold["body_start"] in line)
    end = next(i for i, line in enumerate(lines) if i >= start and gold["body_end"] in line)
    body = lines[start : end + 1]
    body[0] = body[0][body[0].index(gold["body_start"]) :]
    body[-1] = body[-1][: body[-1].index(gold["body_end"]) + len(gold["body_end"])]
    for furniture in gold.get("body_excludes", []):
        kept = []
        for line in body:
            if furniture in line and line != furniture:
                report.append(f"  excluded inside a line: {furniture!r} in {line[:80]!r}")
                line = " ".join(line.replace(furniture, " ").split())
            elif line == furniture:
                report.append(f"  excluded line: {furniture!r}")
                continue
            if line:
                kept.append(line)
        body = kept
    return body


def main() -> None:
    for gold_path in sorted(PAGES.glob("*.gold.json")):
        stem = gold_path.name.removesuffix(".gold.json")
        target = PAGES / f"{stem}.body.txt"
        if target.exists():
            continue
        page = next(p for p in (PAGES / f"{stem}.html", PAGES / f"{stem}.txt") if p.exists())
        report: list[str] = []
        body = frozen_body(visible_lines(page), json.loads(gold_path.read_text(encoding="utf-8")), report)
        target.write_text("\n".join(body) + "\n", encoding="utf-8")
        print(f"{target.name}: {len(body)} lines", *report, sep="\n", file=sys.stdout)


if __name__ == "__main__":
    main()
