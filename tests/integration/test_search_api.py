"""`GET /v1/search`, `/v1/articles/<id>` and `/v1/suggest` on the live search service.

Articles are written with the workers' own bulk writer (`bulk_index`, which fills the stems and
completions) so each test controls every field; `test_thin_path.py` covers the way in through
ingest. Each test uses its own source name and words, since the session shares one index.
"""

from __future__ import annotations

import uuid
from typing import Any

import pytest
import requests

from shared.articles.model import Location, NormalizedArticle
from shared.es.indexer import bulk_index
from tests.stack import Stack

PLACES = {
    "Almaty": Location(city="Almaty", country="Kazakhstan", country_code="KZ", lat=43.25, lon=76.95),
    "Astana": Location(city="Astana", country="Kazakhstan", country_code="KZ", lat=51.17, lon=71.45),
    "Bishkek": Location(city="Bishkek", country="Kyrgyzstan", country_code="KG", lat=42.87, lon=74.59),
    "Berlin": Location(city="Berlin", country="Germany", country_code="DE", lat=52.52, lon=13.40),
}


def unique(prefix: str = "w") -> str:
    return f"{prefix}{uuid.uuid4().hex[:10]}"


def put(stack: Stack, *articles: dict[str, Any]) -> list[str]:
    """Index the articles (fields as the normalized article has them, `place` a key of PLACES) and refresh."""
    docs = []
    for fields in articles:
        fields = dict(fields)
        place = fields.pop("place", None)
        docs.append(NormalizedArticle(id=fields.pop("id", unique("id")), location=PLACES.get(place or ""), **fields))
    outcome = bulk_index(stack.es, stack.settings.index_alias, docs)
    assert not outcome.rejected and not outcome.retryable
    stack.refresh()
    return [d.id for d in docs]


def search(stack: Stack, params: Any) -> dict[str, Any]:
    answer = requests.get(f"{stack.search_url}/v1/search", params=params, timeout=30)
    assert answer.status_code == 200, answer.text
    body: dict[str, Any] = answer.json()
    return body


def ids(answer: dict[str, Any]) -> list[str]:
    return [h["id"] for h in answer["hits"]]


@pytest.mark.parametrize(
    ("language", "stored", "asked"),
    [
        ("en", "Floods swept the valley", "flooding"),
        ("ru", "Наводнения в долине", "наводнениями"),
        ("de", "Überschwemmungen im Tal", "Überschwemmung"),
        ("fr", "Les inondations dans la vallée", "inondation"),
        ("es", "Inundaciones en el valle", "inundación"),
    ],
)
def test_other_forms_of_a_word_find_the_article_in_its_language(stack: Stack, language: str, stored: str, asked: str) -> None:
    tag = unique("stem")
    [article] = put(stack, {"title": stored, "body": f"Report {tag}.", "language": language})
    assert ids(search(stack, {"q": f"{asked} {tag}"})) == [article]


def test_title_counts_more_than_subtitle_more_than_body_and_phrases_rank_first(stack: Stack) -> None:
    tag, source = unique("rank"), unique("src")
    base = {"language": "en", "source": source, "published_at": "2024-01-10T10:00:00+00:00"}
    body_only, subtitle, title = put(
        stack,
        {**base, "title": "Weather", "body": f"The harvest {tag} failed."},
        {**base, "title": "Weather", "subtitle": f"Harvest {tag}", "body": "Rain."},
        {**base, "title": f"Harvest {tag}", "body": "Rain."},
    )
    assert ids(search(stack, {"q": f"harvest {tag}", "source": source})) == [title, subtitle, body_only]
    apart, phrase = put(
        stack,
        {**base, "title": f"Grain {tag} prices and export", "body": "x"},
        {**base, "title": f"Export grain {tag} prices", "body": "x"},
    )
    assert ids(search(stack, {"q": f"grain {tag}", "source": source}))[0] in (apart, phrase)
    assert ids(search(stack, {"q": f"export grain {tag}", "source": source}))[0] == phrase


def test_query_syntax_phrase_exclusion_or_prefix(stack: Stack) -> None:
    tag, source = unique("syn"), unique("src")
    base = {"language": "en", "source": source}
    a, b, c = put(
        stack,
        {**base, "title": f"Wheat harvest {tag}", "body": "Good year."},
        {**base, "title": f"Harvest of wheat {tag}", "body": "Bad year."},
        {**base, "title": f"Barley harvest {tag}", "body": "Good year."},
    )
    assert ids(search(stack, {"q": f'"wheat harvest" {tag}'})) == [a]
    assert set(ids(search(stack, {"q": f"harvest -barley {tag}"}))) == {a, b}
    assert set(ids(search(stack, {"q": f"(wheat OR barley) {tag}"}))) == {a, b, c}
    assert set(ids(search(stack, {"q": f"barl* {tag}"}))) == {c}
    assert set(ids(search(stack, {"q": f"NOT good {tag}"}))) == {b}


def test_empty_query_lists_everything_filtered_newest_first(stack: Stack) -> None:
    source = unique("src")
    old, new, undated = put(
        stack,
        {"title": "Old", "source": source, "published_at": "2020-01-01T00:00:00+00:00"},
        {"title": "New", "source": source, "published_at": "2024-01-01T00:00:00+00:00"},
        {"title": "Undated", "source": source},
    )
    assert ids(search(stack, {"source": source})) == [new, old, undated]
    assert ids(search(stack, {"source": source, "sort": "oldest"}))[:2] == [old, new]


def test_filters_and_across_or_within_and_facets_without_their_own_filter(stack: Stack) -> None:
    source, other_source, tag = unique("src"), unique("src"), unique("flt")
    almaty, astana, bishkek, berlin_ru, _other = put(
        stack,
        {"title": f"A {tag}", "source": source, "language": "en", "place": "Almaty"},
        {"title": f"B {tag}", "source": source, "language": "ru", "place": "Astana"},
        {"title": f"C {tag}", "source": source, "language": "en", "place": "Bishkek"},
        {"title": f"D {tag}", "source": source, "language": "ru", "place": "Berlin"},
        {"title": f"E {tag}", "source": other_source, "language": "en", "place": "Almaty"},
    )
    kz = search(stack, {"q": tag, "source": source, "country": "Kazakhstan"})
    assert set(ids(kz)) == {almaty, astana}
    by_code = {f["value"]: f for f in kz["facets"]["country"]}
    assert by_code["KG"]["count"] == 1 and by_code["KG"]["label"] == "Kyrgyzstan"  # the user can widen
    assert by_code["KZ"]["count"] == 2
    assert {f["value"]: f["count"] for f in kz["facets"]["source"]} == {source: 2, other_source: 1}
    either = search(stack, [("q", tag), ("source", source), ("country", "kz"), ("country", "DE"), ("language", "ru")])
    assert set(ids(either)) == {astana, berlin_ru}
    assert {f["value"]: f["count"] for f in either["facets"]["language"]} == {"ru": 2, "en": 1}
    assert set(ids(search(stack, [("q", tag), ("location", "Almaty"), ("location", "Bishkek"), ("source", source)]))) == {
        almaty,
        bishkek,
    }


def test_dates_are_inclusive_whole_days_with_offsets_and_a_histogram(stack: Stack) -> None:
    source = unique("src")
    before, first, last, after = put(
        stack,
        {"title": "before", "source": source, "published_at": "2023-10-16T23:59:00+00:00"},
        {"title": "first", "source": source, "published_at": "2023-10-17T00:00:00+00:00"},
        {"title": "last", "source": source, "published_at": "2023-10-18T23:59:59+00:00"},
        {"title": "after", "source": source, "published_at": "2023-10-19T00:00:00+00:00"},
    )
    answer = search(stack, {"source": source, "from": "2023-10-17", "to": "2023-10-18"})
    assert set(ids(answer)) == {first, last}
    narrow = search(stack, {"source": source, "from": "2023-10-17T05:00:00+06:00", "to": "2023-10-17T06:00:00+06:00"})
    assert set(ids(narrow)) == {before, first}  # 05:00+06:00 is 23:00 UTC the day before
    bars = search(stack, {"source": source, "from": "2023-10-01", "to": "2023-10-31"})["facets"]["published"]
    # The histogram counts without the date filter, by day since the range is a month.
    assert [(b["key"], b["count"]) for b in bars] == [("2023-10-16", 1), ("2023-10-17", 1), ("2023-10-18", 1), ("2023-10-19", 1)]
    assert bars[0]["from"] == bars[0]["to"] == "2023-10-16"
    assert {before, after}.isdisjoint(ids(answer))


def test_duplicates_are_hidden_unless_asked_for(stack: Stack) -> None:
    source = unique("src")
    original, duplicate = put(
        stack, {"title": "Original", "source": source}, {"title": "Copy", "source": source, "duplicate_of": "x"}
    )
    assert ids(search(stack, {"source": source})) == [original]
    assert set(ids(search(stack, {"source": source, "include_duplicates": "true"}))) == {original, duplicate}


def test_snippet_marks_matches_and_escapes_everything_else(stack: Stack) -> None:
    tag = unique("xss")
    body = f'Officials said <script>alert("x")</script> the {tag} dam & bridge held. Second sentence.'
    [article] = put(stack, {"title": "<b>Bold</b> title", "body": body, "language": "en"})
    hit = search(stack, {"q": tag})["hits"][0]
    assert hit["id"] == article
    assert f"<mark>{tag}</mark>" in hit["snippet"]
    assert "<script>" not in hit["snippet"] and "&lt;script&gt;" in hit["snippet"]
    assert "&amp; bridge" in hit["snippet"]
    assert hit["title"] == "<b>Bold</b> title"  # raw in JSON: the page sets it as text


def test_snippet_marks_every_form_of_a_stemmed_match(stack: Stack) -> None:
    tag = unique("st")
    body = f"Rain kept falling in {tag}. The floods reached the old town, and flooded roads closed the bridge."
    english, russian = put(
        stack,
        {"title": f"Rivers rise in {tag}", "body": body, "language": "en"},
        {"title": f"Паводок {tag}", "body": f"Здесь {tag} наводнения затопили дороги.", "language": "ru"},
    )
    hit = search(stack, {"q": f"flooding {tag}"})["hits"][0]
    assert hit["id"] == english
    assert "<mark>floods</mark>" in hit["snippet"] and "<mark>flooded</mark>" in hit["snippet"]
    hit = search(stack, {"q": f"наводнение {tag}"})["hits"][0]
    assert hit["id"] == russian and "<mark>наводнения</mark>" in hit["snippet"]


def test_snippet_falls_back_to_the_start_of_the_body(stack: Stack) -> None:
    tag = unique("fb")
    put(stack, {"title": f"Title {tag}", "body": "First sentence here. Second one <i>too</i>.", "language": "en"})
    snippet = search(stack, {"q": tag})["hits"][0]["snippet"]
    assert snippet.startswith("First sentence here.")
    assert "<mark>" not in snippet and "&lt;i&gt;" in snippet


def _page_through(stack: Stack, params: dict[str, Any], during: Any = None) -> list[str]:
    seen: list[str] = []
    answer = search(stack, params)
    while True:
        seen += ids(answer)
        if not answer["next_cursor"]:
            return seen
        if during:
            during()
        answer = search(stack, {**params, "cursor": answer["next_cursor"]})


@pytest.mark.parametrize("sort", ["newest", "relevance", "oldest"])
def test_cursor_pages_never_repeat_or_skip_while_articles_arrive(stack: Stack, sort: str) -> None:
    tag, source = unique("page"), unique("src")
    articles = [
        {"title": f"Story {tag} {'extra ' * (i % 3)}", "body": f"{tag} " * (1 + i % 4), "source": source, "language": "en"}
        | ({"published_at": f"2024-02-{1 + i % 5:02d}T10:00:00+00:00"} if i % 6 else {})
        for i in range(23)
    ]
    original = put(stack, *articles)

    def arrive() -> None:  # new articles, newer, older and as relevant as the rest, land between pages
        put(
            stack,
            {"title": f"Late {tag} {tag}", "body": f"{tag}", "source": source, "language": "en", "published_at": "2024-03-01"},
            {"title": f"Early {tag}", "body": tag, "source": source, "language": "en", "published_at": "2024-01-01T00:00:00Z"},
        )

    seen = _page_through(stack, {"q": tag, "source": source, "sort": sort, "size": 5}, during=arrive)
    assert len(seen) == len(set(seen))  # never repeated
    assert set(original) <= set(seen)  # never skipped


def test_bad_or_foreign_cursor_is_a_400(stack: Stack) -> None:
    first = search(stack, {"size": 1})
    assert first["next_cursor"]
    for params in ({"cursor": "nonsense"}, {"cursor": first["next_cursor"], "sort": "oldest"}):
        answer = requests.get(f"{stack.search_url}/v1/search", params={"size": 1, **params}, timeout=10)
        assert answer.status_code == 400
        assert answer.json()["error"]["field"] == "cursor"


def test_geo_near_box_and_grid(stack: Stack) -> None:
    source = unique("src")
    almaty, astana, berlin = put(
        stack,
        {"title": "a", "source": source, "place": "Almaty"},
        {"title": "b", "source": source, "place": "Astana"},
        {"title": "c", "source": source, "place": "Berlin"},
    )
    assert ids(search(stack, {"source": source, "near": "43.2,76.9", "within": "50km"})) == [almaty]
    assert set(ids(search(stack, {"source": source, "near": "43.2,76.9", "within": "1000km"}))) == {almaty, astana}
    assert set(ids(search(stack, {"source": source, "bbox": "60,40,35,90"}))) == {almaty, astana}
    grid = search(stack, {"source": source, "facets": "geo", "geo_precision": "2"})["facets"]["geo"]
    assert sum(cell["count"] for cell in grid) == 3
    assert all({"value", "count", "lat", "lon"} <= set(cell) for cell in grid)
    assert berlin


def test_article_view_and_suggest(stack: Stack) -> None:
    word = unique("Sugg")
    [article] = put(stack, {"title": f"{word} opens new bridge", "body": "Text.", "place": "Bishkek"})
    whole = requests.get(f"{stack.search_url}/v1/articles/{article}", timeout=10).json()
    assert whole["title"] == f"{word} opens new bridge" and whole["location"]["country_code"] == "KG"
    assert not any(key == "lang" or key.endswith("_suggest") for key in whole)
    for missing in ("nope", "x" * 600):
        assert requests.get(f"{stack.search_url}/v1/articles/{missing}", timeout=10).status_code == 404
    titles = requests.get(f"{stack.search_url}/v1/suggest", params={"q": word[:8].lower()}, timeout=10).json()
    assert {"kind": "title", "text": f"{word} opens new bridge", "id": article} in titles["suggestions"]
    places = requests.get(f"{stack.search_url}/v1/suggest", params={"q": "bishk"}, timeout=10).json()["suggestions"]
    assert {"kind": "place", "text": "Bishkek", "id": None, "filter": {"location": "Bishkek"}} in places


HOSTILE = [
    "/.*.*.*.*.*.*.*.*.*.*.*.*.*.*.*.*.*.*.*.*.*.*.*.*.*.*.*.*.*.*.*.*.*.*.*.*.*.*.*.*.*.*.*.*.*.*.*.*.*.*.*.*.*.*.*.*.*(a|aa)+$/",
    "*" * 900,
    "a* " * 60,
    '{"query": {"script": {"script": "System.exit(0)"}}}',
    "title:foo AND _exists_:body OR body:/.*/",
    '"""""((((((----||||++++~~~~',
    "\\" * 999,
    "\U0001d573\U0001d58a\U0001d591 \U0001f30a \u202e \ufeff",
    "a~999999999",
    "x" * 1000,
    "-",
    "*",
]


@pytest.mark.parametrize("q", HOSTILE)
def test_hostile_queries_never_fail_the_service(stack: Stack, q: str) -> None:
    answer = requests.get(f"{stack.search_url}/v1/search", params={"q": q, "facets": "geo"}, timeout=30)
    assert answer.status_code in (200, 400), answer.text
    if answer.status_code == 400:
        assert answer.json()["error"]["field"] == "q"


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("size=1000", "size"),
        ("sort=random", "sort"),
        ("from=2023-11-01&to=2023-10-01", "from"),
        ("from=not-a-date", "from"),
        ("cursor=%7B%7D", "cursor"),
        ("near=100,100", "near"),
        ("country=Narnia", "country"),
        ("q=" + "x" * 1001, "q"),
    ],
)
def test_bad_parameters_answer_400_naming_them(stack: Stack, query: str, field: str) -> None:
    answer = stack.search(query)
    assert answer.status_code == 400
    assert answer.json()["error"]["field"] == field
