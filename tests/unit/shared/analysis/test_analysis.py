from shared.analysis.document import search_fields, suggestion
from shared.analysis.languages import language_key, stemmer_of, stemmers
from shared.analysis.query import positive_words, sqs_query, term_count


def test_language_tags_name_their_stemmer() -> None:
    assert language_key("en-GB") == "en" and stemmer_of("EN_us") == "english"
    assert stemmer_of("uk") == "russian"  # no Ukrainian stemmer in Lucene: the Russian one is closest
    assert language_key(None) is None and stemmer_of("pl") is None and stemmer_of("xx") is None
    assert stemmers(["en", "ru", "uk", "pl"]) == ["english", "russian"]


def test_query_keeps_operators_and_leaves_words_to_the_engine() -> None:
    q = '"heavy floods" -rains OR snow* (Almaty AND Astana) NOT storms'
    assert sqs_query(q) == '"heavy floods" -rains | snow* ( Almaty + Astana ) -storms'
    assert positive_words(q) == "heavy floods snow almaty astana"
    assert term_count(q) == 7


def test_hostile_query_becomes_phrases_and_terms() -> None:
    # Quoted parts become phrases, the rest plain terms; the REGEXP flag is off (tests/unit/shared/es/test_queries.py).
    assert sqs_query('/.*/ {"script": {"source": "x"}}') == '/.*/ { "script" : { "source" : "x" }}'


def test_document_gets_its_texts_under_its_language_and_completions() -> None:
    doc = {"title": "Floods in Almaty", "body": "Rivers rose", "language": "en-GB", "location": {"city": "Almaty"}}
    assert search_fields(doc) == {"lang": {"english": {"title": "Floods in Almaty", "body": "Rivers rose"}}}
    assert "lang" not in search_fields({**doc, "language": "pl"})
    shown = suggestion(doc)
    assert shown is not None
    assert shown["title_suggest"] == ["Floods in Almaty", "in Almaty", "Almaty"]
    assert shown["place_suggest"] == ["Almaty"]
    assert shown["title"] == "Floods in Almaty" and shown["location"] == {"city": "Almaty", "country_code": None}
    assert suggestion({**doc, "duplicate_of": "x"}) is None
    assert suggestion({"body": "no title, no place"}) is None
