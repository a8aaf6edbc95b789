"""Where a page states its publication date: the URL's path, meta tags in their order of trust, the article's own
<time> (not the sidebar's), `data-` attributes and <time> elements without `datetime`."""

from __future__ import annotations

from datetime import date

import lxml.html

from shared.extraction.date_evidence import meta_dates, time_dates, url_day, url_month


def test_a_day_in_the_url_path() -> None:
    assert url_day("https://example.com/2023/06/08/council-votes/") == date(2023, 6, 8)
    assert url_day("https://example.com/home/2017/7/12/unter-uns") == date(2017, 7, 12)
    assert url_day("https://example.com/politics/2023-12-19/budget-deal") == date(2023, 12, 19)
    assert url_day("https://example.com/news/20200413/second-suspect?rss=true") == date(2020, 4, 13)
    assert url_day("https://example.com/2023-11-08-storm-hits-coast.html") == date(2023, 11, 8)


def test_what_is_not_a_day_in_the_url() -> None:
    assert url_day("https://example.com/news/120200622120908039/story") is None  # an id
    assert url_day("https://example.com/2021/22/weekly-report-14-20-january.html") is None  # no month 22
    assert url_day("https://example.com/story?date=2023-06-08") is None  # the query is not the path
    assert url_day("https://example.com/2023/02/30/x") is None
    assert url_day(None) is None and url_day("not a url at all") is None


def test_an_archived_copy_is_dated_by_the_page_not_by_the_crawl() -> None:
    archived = "https://web.archive.org/web/20160218174457/http://example.de/2010/05/animated-typography/"
    assert url_day(archived) is None
    assert url_month(archived) == (2010, 5)


def test_a_year_and_month_path() -> None:
    assert url_month("https://example.de/news/2011/12/no-cyberterrorism/") == (2011, 12)
    assert url_month("https://example.com/2023/06/08/slug") is None  # it has a day
    assert url_month("https://example.com/2019/res158-guest/") is None


def _root(html: str) -> lxml.html.HtmlElement:
    return lxml.html.document_fromstring(html)


def test_meta_dates_most_trusted_name_first_and_empty_values_skipped() -> None:
    page = _root(
        "<html><head><meta name='date' content='2022-02-04 15:33'><meta property='article:published_time' content=''>"
        "<meta name='PubDate' content='2021-12-14T15:41:07+01:00'><meta itemprop='datePublished' content='1988'>"
        "<meta property='article:published_time' content='2021-12-14T15:41:07+01:00'></head><body></body></html>"
    )
    assert meta_dates(page) == ["2021-12-14T15:41:07+01:00", "1988", "2021-12-14T15:41:07+01:00", "2022-02-04 15:33"]


def test_the_articles_time_not_the_sidebars() -> None:
    page = _root(
        "<html><body><div class='sidebar'><time datetime='2009-04-11'>11 April 2009</time></div>"
        "<article><h1>Headline</h1><p class='byline'><time datetime='2019-10-22T08:00:00+02:00'>22 October 2019</time></p>"
        "<div class='related-articles'><time datetime='2013-09-27'>27 September 2013</time></div></article></body></html>"
    )
    assert time_dates(page) == ["2019-10-22T08:00:00+02:00"]


def test_a_marked_time_first_and_times_without_datetime() -> None:
    page = _root(
        "<html><body><main><time class='updated'>| 18 de Febrero 2020</time>"
        "<span itemprop='datePublished'>17 de Febrero 2020</span>"
        "<time data-timeutc='Tue Aug 25 2020 00:23:33 GMT+0000'>00 h 23</time><time>15h14</time></main></body></html>"
    )
    assert time_dates(page) == ["17 de Febrero 2020", "| 18 de Febrero 2020", "Tue Aug 25 2020 00:23:33 GMT+0000"]


def test_a_publishing_data_attribute_on_any_element() -> None:
    page = _root(
        "<html><body><article><h1>Headline</h1><div class='meta' data-id='7' data-published-at='1699482515'>"
        "Yesterday</div><span data-publish-date='2023-12-19T09:30:00+01:00'>Tuesday</span></article></body></html>"
    )
    assert time_dates(page) == ["2023-11-08T22:28:35+00:00", "2023-12-19T09:30:00+01:00"]
    milliseconds = _root("<html><body><main><span data-date-published='1699482515000'>now</span></main></body></html>")
    assert time_dates(milliseconds) == ["2023-11-08T22:28:35+00:00"]
