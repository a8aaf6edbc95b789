"""Every format a newsroom sends reaches search: ninjs (by media type or by its fields), pages in any charset."""

from __future__ import annotations

import uuid

import requests

from tests.stack import Stack, wait_until


def found(stack: Stack, word: str) -> list[dict[str, object]]:
    hits: list[dict[str, object]] = wait_until(lambda: stack.search(q=word).json()["hits"], 30, what=f"{word} in search")
    return hits


def test_ninjs_by_media_type_and_by_fields(stack: Stack) -> None:
    word = f"ninjs{uuid.uuid4().hex[:8]}"
    ninjs_2 = {
        "uri": f"urn:newsml:example.com:{word}",
        "headlines": [{"value": f"Wheat harvest record {word}", "role": "main"}],
        "bodies": [{"value": "<p>Farmers in Kostanay gathered more wheat than ever.</p>", "contenttype": "text/html"}],
        "firstcreated": "2023-10-17T08:00:00Z",
        "infosources": [{"name": "Agency"}],
    }
    by_type = stack.post("/v1/articles", json=ninjs_2, headers={"Content-Type": "application/ninjs+json"})
    assert by_type.status_code == 202
    ninjs_1 = {"uri": f"https://example.com/{word}", "headline": f"Grain exports {word}", "body_text": "Exports rose."}
    by_fields = stack.post("/v1/articles", json=ninjs_1)
    assert by_fields.status_code == 202
    for answer in (by_type, by_fields):
        assert stack.wait_status(answer.json()["id"])["status"] == "indexed"
    stack.refresh()
    hits = {h["id"]: h for h in found(stack, word)}
    assert hits[by_type.json()["id"]]["title"] == f"Wheat harvest record {word}"
    assert hits[by_type.json()["id"]]["source"] == "Agency"
    assert hits[by_fields.json()["id"]]["url"] == f"https://example.com/{word}"
    article = requests.get(f"{stack.search_url}/v1/articles/{by_type.json()['id']}", timeout=10).json()
    assert article["body"] == "Farmers in Kostanay gathered more wheat than ever."
    again = stack.post("/v1/articles", json=ninjs_2, headers={"Content-Type": "application/ninjs+json"})
    assert again.json()["id"] == by_type.json()["id"]  # same ninjs uri, same article
    assert again.json()["previous_status"] in ("queued", "processing", "indexed", "duplicate")


def test_ninjs_without_headline_or_body_names_the_problem(stack: Stack) -> None:
    answer = stack.post("/v1/articles", json={"uri": "urn:x"}, headers={"Content-Type": "application/ninjs+json"})
    assert answer.status_code == 400
    assert "title or a body" in answer.json()["error"]["message"]


def test_pages_in_declared_meta_and_detected_charsets(stack: Stack) -> None:
    word = f"charset{uuid.uuid4().hex[:8]}"
    text = f"Сильный дождь в Алматы {word}\n\nРеки вышли из берегов, жителей прибрежных районов эвакуировали ночью."  # noqa: RUF001
    html = f'<html><head><meta charset="koi8-r"><title>Паводок {word}</title></head><body><p>{text}</p></body></html>'
    pages = [
        (text.encode("cp1251"), "text/plain; charset=windows-1251"),
        (text.replace("Алматы", "Астане").encode("cp1251"), "text/plain"),  # undeclared: detected
        (html.encode("koi8-r"), "text/html"),  # declared in <meta>
    ]
    ids = []
    for n, (data, content_type) in enumerate(pages):
        answer = stack.post(
            f"/v1/articles/raw?url=https://example.kz/{word}/{n}", data=data, headers={"Content-Type": content_type}
        )
        assert answer.status_code == 202, answer.text
        ids.append(answer.json()["id"])
    for article_id in ids:
        assert stack.wait_status(article_id)["status"] == "indexed"
    for article_id in ids:
        article = requests.get(f"{stack.search_url}/v1/articles/{article_id}", timeout=10).json()
        text = " ".join(article.get(f) or "" for f in ("title", "subtitle", "body"))
        assert "эвакуировали" in text, article  # decoded right, wherever extraction put the sentence
