import json

from shared.es.queries import Geo, SearchParams, search_body, suggest_body


def test_each_facet_counts_without_its_own_filter() -> None:
    params = SearchParams(filters={"country": ["KZ"], "source": ["QazMonitor"]})
    body = search_body(params)
    country_filters = body["aggs"]["country"]["filter"]["bool"]["filter"]
    assert {"terms": {"source.keyword": ["QazMonitor"]}} in country_filters
    assert {"terms": {"location.country_code": ["KZ"]}} not in country_filters
    assert len(body["post_filter"]["bool"]["filter"]) == 2


def test_user_text_only_reaches_simple_query_string_without_regexes() -> None:
    body = search_body(SearchParams(q='/.*/ OR {"script": 1}', recency_decay=False))
    text = json.dumps(body)
    for forbidden in ('"regexp"', '"script"', '"query_string"', '"wildcard"', '"fuzzy"'):
        assert forbidden not in text.replace('\\"script\\"', "")
    [matching] = body["query"]["bool"]["must"][0]["function_score"]["query"]["bool"]["filter"]
    assert "REGEXP" not in matching["simple_query_string"]["flags"]
    assert "FUZZY" not in matching["simple_query_string"]["flags"]


def test_words_are_searched_as_written_and_in_the_wanted_languages_fields() -> None:
    body = search_body(SearchParams(q="floods", filters={"language": ["en", "uk"]}, recency_decay=False))
    text_query = body["query"]["bool"]["must"][0]["bool"]
    fields = text_query["filter"][0]["simple_query_string"]["fields"]
    assert {"title^3", "lang.english.title^3", "lang.russian.body^1"} <= set(fields)
    assert not any(f.startswith("lang.german.") for f in fields)
    ranked = [c["combined_fields"]["fields"] for c in text_query["should"] if "combined_fields" in c]
    unfiltered = search_body(SearchParams(q="floods", filters={"language": []}, recency_decay=False))
    assert "lang.german.body^1" in unfiltered["query"]["bool"]["must"][0]["bool"]["filter"][0]["simple_query_string"]["fields"]
    boosted = ("title^3", "subtitle^2", "body^1")
    assert ranked == [list(boosted), *[[f"lang.{s}.{n}" for n in boosted] for s in ("english", "russian")]]


def test_empty_query_lists_newest_first_and_hides_duplicates() -> None:
    body = search_body(SearchParams())
    assert body["sort"][0] == {"published_at": {"order": "desc", "missing": "_last"}}
    assert {"exists": {"field": "duplicate_of"}} in body["query"]["bool"]["must_not"]
    assert "must_not" not in json.dumps(search_body(SearchParams(include_duplicates=True))["query"]["bool"]["must_not"])


def test_recency_decay_is_gentle_and_switchable() -> None:
    decayed = search_body(SearchParams(q="x"))["query"]["function_score"]
    assert decayed["boost_mode"] == "multiply"
    assert sum(f["weight"] for f in decayed["functions"]) <= 1.5
    assert "function_score" not in search_body(SearchParams(q="x", recency_decay=False))["query"]


def test_geo_filters_and_grid() -> None:
    params = SearchParams(geo=Geo(near=(43.2, 76.9), within="20km", box=(60, 40, 35, 90)), geo_facet=True, geo_precision=4)
    body = search_body(params)
    filters = body["query"]["bool"]["filter"]
    assert filters[0]["geo_distance"]["distance"] == "20km"
    assert filters[1]["geo_bounding_box"]["location.geo"]["top_left"] == {"lat": 60, "lon": 40}
    assert body["aggs"]["geo"]["aggs"]["values"]["geohash_grid"]["precision"] == 4


def test_highlight_escapes_and_falls_back_to_the_start_of_the_body() -> None:
    highlight = search_body(SearchParams(q="x"))["highlight"]
    assert highlight["encoder"] == "html"
    assert highlight["fields"]["body"]["no_match_size"] > 0
    assert "no_match_size" not in highlight["fields"]["lang.*.body"]  # only a fragment that matched marks stems


def test_point_in_time_replaces_the_index() -> None:
    body = search_body(SearchParams(q="x", pit_id="abc", search_after=[1.0, 2, "id"]), "1m")
    assert body["pit"] == {"id": "abc", "keep_alive": "1m"}
    assert body["search_after"] == [1.0, 2, "id"]


def test_suggest_asks_titles_and_places() -> None:
    assert set(suggest_body("ast")["suggest"]) == {"title", "place"}


def test_the_dateline_place_is_matched_and_scored_but_not_part_of_bm25f() -> None:
    body = search_body(SearchParams(q="flood astana", recency_decay=False))
    text_query = body["query"]["bool"]["must"][0]["function_score"]["query"]["bool"]
    matching = text_query["filter"][0]["simple_query_string"]
    assert {"location.city", "location.country"} <= set(matching["fields"])
    scoring = text_query["should"]
    assert scoring[-1] == {
        "multi_match": {"query": "flood astana", "fields": ["location.city", "location.country"], "type": "best_fields"}
    }
    assert all("location" not in f for f in scoring[0]["combined_fields"]["fields"])
