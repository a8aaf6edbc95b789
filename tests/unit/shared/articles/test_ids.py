from shared.articles.ids import article_id, canonical_url


def test_canonical_url_folds_case_tracking_and_trailing_slash() -> None:
    assert canonical_url("HTTPS://Example.COM/a/b/?utm_source=x&utm_medium=y#top") == "https://example.com/a/b"


def test_same_url_spelled_differently_gets_same_id() -> None:
    assert article_id("https://example.com/a/", None, None) == article_id("https://EXAMPLE.com/a?utm_campaign=z", "t", "b")


def test_without_url_id_follows_folded_content() -> None:
    assert article_id(None, "Title", "Body  text") == article_id(None, " title", "body text\n")
    assert article_id(None, "Title", "Body") != article_id(None, "Title", "Other body")
