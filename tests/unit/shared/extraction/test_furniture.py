"""Furniture rules on small handmade pages: what a news page's own text looks like is not furniture."""

from __future__ import annotations

from shared.extraction.furniture import furniture_kind
from shared.extraction.htmlbody import extract_body

INTRO = " ".join(f"Paragraph sentence {n} of the season report, long enough to be the article's own text." for n in range(6))
STANDINGS = """<table>
<tr><th>Pos.</th><th>Driver</th><th>Points</th><th>Wins</th></tr>
<tr><td>1</td><td>Kyle Busch</td><td>5040</td><td>5</td></tr>
<tr><td>2</td><td>Martin Truex Jr.</td><td>5035</td><td>7</td></tr>
<tr><td>3</td><td>Kevin Harvick</td><td>5033</td><td>4</td></tr>
</table>"""


def _page(article: str) -> str:
    menu = "<nav><ul><li><a href='/'>Home</a></li><li><a href='/news'>News</a></li></ul></nav>"
    return f"<html><body>{menu}<article><h1>Season report</h1><p>{INTRO}</p>{article}<p>{INTRO}</p></article></body></html>"


def test_a_table_row_is_not_a_menu() -> None:
    assert furniture_kind("| 2 | Martin Truex Jr. | 5035 | 7 |") is None
    assert furniture_kind("Home | News | Sport") == "nav"


def test_the_rows_of_a_standings_table_stay_in_the_body() -> None:
    text = extract_body(_page(STANDINGS)).text
    assert "Kyle Busch" in text and "Martin Truex Jr." in text and "5033" in text


def test_a_written_out_address_is_one_item_not_a_menu() -> None:
    assert furniture_kind("http://amzn.to/2iJFhRj") is None
    assert furniture_kind("Source: https://www.example.org/reports/2019/flood.pdf") is None
    assert furniture_kind("Home / News / Sport") == "nav"


def test_addresses_listed_under_a_deal_stay_in_the_body() -> None:
    deals = "".join(f"<p>Deal {n}: the console bundle at half price.</p><p>http://amzn.to/2iJF{n}Rj</p>" for n in range(4))
    text = extract_body(_page(deals)).text
    assert "http://amzn.to/2iJF3Rj" in text


def test_a_reported_sentence_about_signing_up_is_text() -> None:
    sentence = (
        "The tech teams isolated the problem, Mayer said, and patched the software as the company continued to"
        " sign up additional subscribers throughout the week."
    )
    assert furniture_kind(sentence) is None
    assert furniture_kind("Sign up for our morning briefing and get the day's news before breakfast, every weekday.")
    assert furniture_kind("Subscribe now") == "newsletter"
    assert furniture_kind("You can also get the best of the week in our free newsletter, delivered on Sundays to you.")


def test_a_menu_laid_out_in_a_table_is_still_a_menu() -> None:
    assert furniture_kind("| | Main Page \\| News \\| Contacts |") == "nav"
    assert furniture_kind("| Home | News | Sport |") == "nav"
