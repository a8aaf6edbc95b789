from shared.es.queries import SearchParams, search_body


def test_each_facet_counts_without_its_own_filter() -> None:
    params = SearchParams(filters={"country": ["KZ"], "source": ["QazMonitor"]})
    body = search_body(params)
    country_filters = body["aggs"]["country"]["filter"]["bool"]["filter"]
    assert {"terms": {"source.keyword": ["QazMonitor"]}} in country_filters
    assert {"terms": {"location.country_code": ["KZ"]}} not in country_filters
    assert len(body["post_filter"]["bool"]["filter"]) == 2


def test_user_text_only_reaches_simple_query_string() -> None:
    body = search_body(SearchParams(q='/.*/ OR {"script": 1}', recency_decay=False))
    must = body["query"]["bool"]["must"][0]["bool"]["must"][0]
    assert must["simple_query_string"]["query"] == '/.*/ OR {"script": 1}'
    assert "REGEXP" not in must["simple_query_string"]["flags"]


def test_empty_query_lists_newest_first_and_hides_duplicates() -> None:
    body = search_body(SearchParams())
    assert body["sort"][0] == {"published_at": {"order": "desc", "missing": "_last"}}
    assert {"exists": {"field": "duplicate_of"}} in body["query"]["bool"]["must_not"]
