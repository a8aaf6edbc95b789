import json
from pathlib import Path

from shared.es.index import template_body

TEMPLATE = Path(__file__).resolve().parents[4] / "infra" / "elasticsearch" / "articles-template.json"


def test_infra_template_is_the_one_the_field_table_generates() -> None:
    # `make template` rewrites the file; this fails when the field table changed and the file did not.
    assert json.loads(TEMPLATE.read_text()) == template_body("news-articles")


def test_mapping_is_strict_with_keyword_subfields_dates_and_geo() -> None:
    props = template_body("x")["template"]["mappings"]["properties"]
    assert props["title"]["fields"]["keyword"]["type"] == "keyword"
    assert props["published_at"]["type"] == "date"
    assert props["location"]["properties"]["geo"]["type"] == "geo_point"
    assert template_body("x")["template"]["mappings"]["dynamic"] == "strict"
