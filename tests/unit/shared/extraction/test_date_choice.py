"""A page's publication date settled between its evidence: small handmade news pages through the real pipeline, and
the settling rules on their own (shared/extraction/date_choice.py)."""

from __future__ import annotations

from datetime import UTC, datetime

from shared.extraction.date_choice import Context, settle
from shared.extraction.pipeline import normalize

NOW = datetime(2026, 1, 1, tzinfo=UTC)
PROSE = (
    "<p>The city council voted on Tuesday evening to approve the new budget after a long debate about road repairs,"
    " school buildings and the cost of public transport for the coming years.</p>"
    "<p>Several members said the plan left too little for housing, while others argued that the city could not"
    " afford to borrow more money while interest rates stay high and tax income falls.</p>"
)


def page(head: str = "", byline: str = "", body_start: str = "", after: str = "") -> str:
    return (
        f"<html><head><title>Council approves budget</title>{head}</head><body>"
        f"<article><h1>Council approves budget</h1>{byline}{body_start}{PROSE}</article>{after}</body></html>"
    )


def published(html: str, url: str | None = None) -> str | None:
    payload = {"id": "p", "kind": "raw", "content_type": "text/html", "content": html, "url": url}
    return normalize(payload).published_at


def ld(date: str) -> str:
    return f'<script type="application/ld+json">{{"@type": "NewsArticle", "datePublished": "{date}"}}</script>'


def test_the_date_only_in_the_url_path() -> None:
    assert published(page(), "https://news.example.com/2023/06/08/council-approves-budget/") == "2023-06-08"
    assert published(page(), "https://news.example.com/politics/2023-12-19/council-approves-budget") == "2023-12-19"


def test_the_url_day_wins_over_a_date_years_away() -> None:
    # A template's date in the metadata; the URL's path names the day the story went out.
    url = "https://news.example.com/home/2017/7/12/council-approves-budget"
    assert published(page(ld("2019-06-17T18:28:00+0200")), url) == "2017-07-12"


def test_the_url_day_takes_the_pages_time_for_that_day() -> None:
    html = page(ld("2021-01-01T11:00:00Z"), byline='<p class="byline"><time datetime="2023-12-19T09:30:00+01:00"></time></p>')
    assert published(html, "https://news.example.com/2023-12-19/council-approves-budget") == "2023-12-19T09:30:00+01:00"


def test_a_utc_instant_after_midnight_keeps_the_urls_day() -> None:
    # 22:28 in New York is 03:28 the next day in UTC; without the zone, the URL's day is what readers saw.
    url = "https://news.example.com/2023/11/08/council-approves-budget/"
    assert published(page(ld("2023-11-09T03:28:35Z")), url) == "2023-11-08"


def test_a_day_apart_from_the_url_the_pages_own_time_stands() -> None:
    context = Context("https://news.example.com/2020/07/08/council-approves-budget/", now=NOW)
    assert settle([("json-ld", "2020-07-09T14:04:04+02:00")], context)[0] == "2020-07-09T14:04:04+02:00"


def test_fractions_of_seconds_and_a_zone_word() -> None:
    assert published(page(ld("2023-12-20T13:00:05.766240Z EST"))) == "2023-12-20T08:00:05.766240-05:00"


def test_empty_content_attributes_are_passed_over() -> None:
    head = '<meta property="article:published_time" content=""><meta name="pubdate" content="2023-03-01T10:00:00+01:00">'
    assert published(page(head)) == "2023-03-01T10:00:00+01:00"


def test_a_date_in_a_data_attribute_or_a_time_without_datetime() -> None:
    marked = '<p><time class="published" data-publish-date="2024-03-05T10:00:00+01:00">Tuesday</time></p>'
    assert published(page(byline=marked)) == "2024-03-05T10:00:00+01:00"
    assert published(page(byline="<p><time>March 5, 2024</time></p>")) == "2024-03-05"


def test_sidebar_and_teaser_dates_do_not_count() -> None:
    sidebar = "".join(f'<li><time datetime="2009-04-1{n}">1{n} April 2009</time></li>' for n in range(3))
    html = (
        f'<html><head><title>Council approves budget</title></head><body><div class="sidebar"><ul>{sidebar}</ul></div>'
        f'<article><h1>Council approves budget</h1><time datetime="2019-10-22T08:00:00+02:00"></time>{PROSE}</article>'
        f'<div class="related-articles"><time datetime="2013-09-27">27 September 2013</time></div></body></html>'
    )
    assert published(html) == "2019-10-22T08:00:00+02:00"


def test_the_day_most_sources_give() -> None:
    head = ld("2023-11-03T10:25:56+01:00") + '<meta property="article:published_time" content="2023-11-06T14:25:00+01:00">'
    byline = '<p><time class="updated" datetime="2023-11-06T15:25:00+01:00">6 November 2023</time></p>'
    assert published(page(head, byline)) == "2023-11-06T14:25:00+01:00"
    # htmldate mostly repeats the meta tags: it breaks a tie but cannot outvote a source.
    context = Context(now=NOW)
    assert settle([("meta", "2022-01-21"), ("time", "2022-01-27"), ("htmldate", "2022-01-21")], context)[0] == "2022-01-21"
    evidence = [("meta", "2022-01-21"), ("time", "2022-01-27"), ("byline", "27.01.2022"), ("htmldate", "2022-01-21")]
    assert settle(evidence, context)[0] == "2022-01-27"


def test_a_year_alone_is_not_a_publication_day() -> None:
    head = '<meta itemprop="datePublished" content="1988">'
    byline = '<p><time itemprop="datePublished" datetime="2017-01-30">30 January 2017</time></p>'
    assert published(page(head, byline)) == "2017-01-30"


def test_an_ambiguous_numeric_date_is_read_month_first_when_that_agrees() -> None:
    context = Context(now=NOW)
    assert settle([("meta", "2023-11-08"), ("byline", "11/08/2023 10:46 pm")], context)[0] == "2023-11-08T22:46:00"
    assert settle([("byline", "11/08/2023 10:46 pm")], context)[0] == "2023-08-11T22:46:00"  # day first by default


def test_the_page_writes_the_same_moment_at_its_own_offset() -> None:
    head = ld("2023-11-09T02:11:03+00:00")
    byline = '<p><time itemprop="datePublished" datetime="2023-11-08T21:11:03-05:00">November 8, 2023</time></p>'
    assert published(page(head, byline)) == "2023-11-08T21:11:03-05:00"
    # A local time with the same minutes and seconds as the UTC one: their difference is the offset.
    local = Context(now=NOW)
    evidence = [("json-ld", "2023-11-09T01:49:09Z"), ("json-ld", "2023-11-08 17:49:09")]
    assert settle(evidence, local)[0] == "2023-11-08T17:49:09-08:00"


def test_unusable_candidates_are_noted_and_the_next_is_taken() -> None:
    found, notes = settle([("json-ld", "sometime soon"), ("meta", "2024-02-01T09:00:00+01:00")], Context(now=NOW))
    assert found == "2024-02-01T09:00:00+01:00"
    assert notes == ["published: could not use 'sometime soon' (json-ld)"]


def test_a_utc_instant_gets_the_offset_of_the_dateline_place() -> None:
    opening = "<p>ASTANA, Kazakhstan (Reuters) — The central bank kept its base rate unchanged on Friday.</p>"
    assert published(page(ld("2023-10-17T09:21:00Z"), body_start=opening)) == "2023-10-17T15:21:00+06:00"


def test_a_utc_instant_gets_the_offset_of_the_publishers_country() -> None:
    # An Italian paper writes 23:01 UTC: its readers saw 00:01 the next day.
    assert published(page(ld("2023-11-01T23:01:00Z")), "https://www.giornale.example.it/x") == "2023-11-02T00:01:00+01:00"
    assert published(page(ld("2019-10-18T22:04:00Z")), "https://www.zeitung.example.at/x") == "2019-10-19T00:04:00+02:00"
    # A generic domain, or a country of several times (Australia), says nothing: the instant stays in UTC.
    assert published(page(ld("2023-11-01T23:01:00Z")), "https://www.paper.example.com/x") == "2023-11-01T23:01:00+00:00"
    assert published(page(ld("2023-11-01T23:01:00Z")), "https://www.paper.example.com.au/x") == "2023-11-01T23:01:00+00:00"
    # An offset other than UTC is the publisher's own and is kept.
    assert published(page(ld("2023-11-01T18:01:00-05:00")), "https://www.giornale.example.it/x") == "2023-11-01T18:01:00-05:00"


def test_the_byline_line_of_the_publication_not_of_the_last_change() -> None:
    lines = "<p>Updated: 12 March 2024 16:05</p><p>Published: 5 March 2024 09:00</p>"
    assert published(page(byline=lines)) == "2024-03-05T09:00:00"


def test_a_control_character_in_the_page_does_not_cost_the_byline_line() -> None:
    # lxml refuses to write a control character back into a parsed page (a <p>'s tail here).
    html = page(byline="<p>Published: 5 March 2024 09:00</p>\x01<p>x</p>")
    article = normalize({"id": "p", "kind": "raw", "content_type": "text/html", "content": html})
    assert article.published_at == "2024-03-05T09:00:00"
    assert not [note for note in article.notes if note.startswith("page-dateline")]
