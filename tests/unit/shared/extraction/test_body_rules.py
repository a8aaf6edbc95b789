"""Rules on the body: the headline repeated further down (a video card of the story itself) is not text."""

from __future__ import annotations

from shared.extraction.body_rules import RULES
from shared.extraction.draft import Draft
from shared.extraction.pipeline import normalize
from shared.extraction.rules import run_rules

TITLE = "Investors don't seem to know what to make of the trade war"
FIRST = "Hong Kong (Business) A muddled view of the trade talks once again seems to be weighing on investors."
SECOND = "The major Asian market indexes were mixed in early trading on Tuesday after a report on the talks."


def test_the_headline_repeated_under_the_first_paragraph_comes_out() -> None:
    draft = Draft(id="a", title=TITLE, body=f"{FIRST}\n\n{TITLE}\n\n{SECOND}")
    run_rules(draft, RULES)
    assert draft.body == f"{FIRST}\n\n{SECOND}"


def test_a_paragraph_that_only_mentions_the_headline_stays() -> None:
    quoted = f"The column, '{TITLE}', was read widely."
    draft = Draft(id="a", title=TITLE, body=f"{FIRST}\n\n{quoted}\n\n{SECOND}")
    run_rules(draft, RULES)
    assert quoted in draft.body


def test_a_page_whose_video_card_repeats_the_headline() -> None:
    story = " ".join([SECOND] * 4)
    html = (
        f"<html><head><title>{TITLE}</title></head><body><article><h1>{TITLE}</h1><p>{FIRST} {SECOND}</p>"
        f"<div class='video'><h2>{TITLE}</h2></div><p>{story}</p><p>{story}</p></article></body></html>"
    )
    body = normalize({"id": "v", "kind": "raw", "content_type": "text/html", "content": html}).body
    assert body.startswith(FIRST)
    assert TITLE not in body
