"""Whatever is stored, a search that ranks it answers: a body longer than Elasticsearch's highlight limit
(`index.highlight.max_analyzed_offset`, 1,000,000 characters) made every relevance search that ranked it a 400.
Highlighting now searches the first SEARCH_HIGHLIGHT_MAX_CHARS of a body only (`max_analyzed_offset` on the request).
The document is written straight into the test namespace's index, as ingest's own bound would refuse it.
"""

from __future__ import annotations

from shared.es.queries import SearchParams, search_body
from tests.hostile.searching import unique
from tests.stack import Stack

LONG = 1_200_000


def test_the_highlight_request_is_bounded() -> None:
    assert search_body(SearchParams(q="flood"))["highlight"]["max_analyzed_offset"] == 100_000
    assert search_body(SearchParams(q="flood"), highlight_chars=5000)["highlight"]["max_analyzed_offset"] == 5000


def test_a_body_of_1_2_million_characters_never_fails_a_search(stack: Stack) -> None:
    head, deep, source = unique("head"), unique("deep"), unique("src")
    filler = "the long report goes on and on. " * (LONG // 32 + 1)
    body = f"{head} opens the report. {filler}{deep} closes it."
    assert len(body) > LONG
    article_id = unique("long")
    document = {
        "id": article_id,
        "title": f"A very long report {head}",
        "body": body,
        "language": "en",
        "source": source,
        "published_at": "2024-03-01T00:00:00+00:00",
    }
    stack.es.index(index=stack.settings.index_alias, id=article_id, document=document, refresh=True)
    for params in ({"q": head}, {"q": f"{head} report"}, {"q": deep}, {"source": source}, {"q": f"{head} {deep}"}):
        answer = stack.search(**params)
        assert answer.status_code == 200, (params, answer.text[:300])
        [hit] = answer.json()["hits"]
        assert hit["id"] == article_id and hit["snippet"]
    near_start = stack.search(q=head).json()["hits"][0]["snippet"]
    assert f"<mark>{head}</mark>" in near_start
    past_bound = stack.search(q=deep).json()["hits"][0]["snippet"]  # not highlighted: the body's start is shown
    assert past_bound.startswith(head) and "<mark>" not in past_bound
