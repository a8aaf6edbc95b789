import pytest

from shared.analysis.document import search_fields
from shared.analysis.query import neutral_query, positive_words, stemmed_query, term_count
from shared.analysis.stemming import language_key, stem_text


@pytest.mark.parametrize(
    ("language", "text", "stems"),
    [
        ("en", "Floods flooded", "flood flood"),
        ("ru", "Наводнения наводнение", "наводнен наводнен"),
        ("de", "Überschwemmungen Überschwemmung", "uberschwemm uberschwemm"),
        ("fr", "Inondations inondation", "inond inond"),
        ("es", "Inundaciones inundación", "inund inund"),
    ],
)
def test_each_language_stems_its_own_word_forms_alike(language: str, text: str, stems: str) -> None:
    got = stem_text(text, language).split()
    assert got[0] == got[1]
    assert got[0].replace("ü", "u") == stems.split()[0]


def test_unknown_language_keeps_lower_cased_words() -> None:
    assert stem_text("Floods, IN Almaty!", "xx") == "floods in almaty"
    assert language_key("en-GB") == "en"
    assert language_key(None) is None


def test_query_keeps_operators_and_stems_words() -> None:
    q = '"heavy floods" -rains OR snow* (Almaty AND Astana) NOT storms'
    assert stemmed_query(q, "en") == '"heavi flood" -rain | snow* ( almati + astana ) -storm'
    assert neutral_query(q) == '"heavy floods" -rains | snow* ( Almaty + Astana ) -storms'
    assert positive_words(q) == "heavy floods snow almaty astana"
    assert term_count(q) == 7


def test_hostile_query_becomes_plain_terms() -> None:
    assert stemmed_query('/.*/ {"script": {"source": "x"}} \\\\', "en") == '"script" "sourc" "x"'


def test_document_gets_stems_in_its_language_and_completions() -> None:
    doc = {"title": "Floods in Almaty", "body": "Rivers rose", "language": "en", "location": {"city": "Almaty"}}
    extra = search_fields(doc)
    assert extra["title_stem"] == "flood in almati"
    assert extra["title_suggest"] == ["Floods in Almaty", "in Almaty", "Almaty"]
    assert extra["place_suggest"] == ["Almaty"]
    assert "title_suggest" not in search_fields({**doc, "duplicate_of": "x"})


def test_stemming_is_safe_from_many_threads() -> None:
    from concurrent.futures import ThreadPoolExecutor

    text = "Наводнения затопили города и деревни " * 20
    expected = stem_text(text, "ru")
    with ThreadPoolExecutor(8) as pool:
        assert set(pool.map(lambda _: stem_text(text, "ru"), range(120))) == {expected}
