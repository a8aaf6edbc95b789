from shared.extraction.text_rules import clean_body, clean_line_text


def test_html_body_becomes_paragraphs_without_markup() -> None:
    body = clean_body("<p>One <b>bold</b> line.</p><script>alert(1)</script><p>Two&nbsp;lines</p>")
    assert body == "One bold line.\n\nTwo lines"


def test_text_is_nfc() -> None:
    assert clean_line_text("Cafe\u0301") == "Caf\u00e9"
