"""Plain-text pages: title, standfirst, dateline, byline and body among the site's furniture."""

from __future__ import annotations

from shared.extraction.furniture import furniture_kind, strip_furniture
from shared.extraction.textpage import dateline_parts, find_title, read_text_page

PAGE = """Daily Planet
Daily Planet Logo
Home | News | Sport | Weather
News › World › Floods close schools across the region
Floods close schools across the region
Metropolis, Kansas | 4 June 2024, 08:15
By Lois Lane
Heavy rain overnight flooded roads and closed more than forty schools across the region on Tuesday, officials said.
Rivers are expected to crest on Wednesday afternoon, and residents of low-lying streets were told to move their cars.
Read more
Storm season starts early
© 2024 Daily Planet. All rights reserved.
"""


def test_the_title_is_the_line_the_breadcrumb_repeats() -> None:
    page = read_text_page(PAGE)
    assert page.title == "Floods close schools across the region"


def test_dateline_byline_and_source_are_read_and_kept_out_of_the_body() -> None:
    page = read_text_page(PAGE)
    assert page.date_raw == "4 June 2024 08:15"
    assert page.place_raw == "Metropolis, Kansas"
    assert page.authors == ["Lois Lane"]
    assert page.source == "Daily Planet"
    assert page.paragraphs[0].startswith("Heavy rain overnight")
    assert page.paragraphs[-1].endswith("move their cars.")


def test_related_links_and_copyright_end_the_article() -> None:
    body = " ".join(read_text_page(PAGE).paragraphs)
    assert "Storm season" not in body and "rights reserved" not in body and "Home" not in body


def test_first_line_of_a_page_is_the_site_name_not_the_title() -> None:
    lines = ["The Capital Report", "Menu", "Senate passes the budget bill", "A" + " word" * 30]
    assert find_title(lines) == 2


def test_dateline_lines_in_several_languages() -> None:
    assert dateline_parts("Astana, Kazakhstan • 17 October, 2023 | 15:21") == ("Astana, Kazakhstan", "17 October, 2023 15:21")
    assert dateline_parts("Wien, 17.07.2024, 10:05") == ("Wien", "17.07.2024 10:05")
    assert dateline_parts("Montréal, le 9 janvier 2024, 14 h 05") == ("Montréal", "9 janvier 2024 14:05")
    assert dateline_parts("17 октября 2023, 15:21 | Москва") == ("Москва", "17 октября 2023 15:21")
    assert dateline_parts("The minister spoke for an hour about the budget and the economy of the country") is None


def test_furniture_kinds() -> None:
    assert furniture_kind("QazMonitor Logo") == "logo"
    assert furniture_kind("Facebook iconInstagram iconTwitter icon") == "social"
    assert furniture_kind("1. Main Page") == "nav"
    assert furniture_kind("Startseite | Politik | Wirtschaft") == "nav"
    assert furniture_kind("Alle Rechte vorbehalten. Nachdruck nur mit Genehmigung.") == "copyright"
    assert furniture_kind("Wir verwenden Cookies. Alle akzeptieren") == "cookies"
    assert furniture_kind("Читайте также") == "related"
    assert furniture_kind("The court heard that the cookies were sold without a licence for years.") is None


def test_a_long_paragraph_about_copyright_is_article_text() -> None:
    text = "The copyright case " + "went on for years and the judges heard many witnesses " * 10
    assert strip_furniture([text]) == ([text], [])
