"""Partner access on a search service started with API keys, a small rate limit and one CORS origin."""

from __future__ import annotations

import hashlib
import subprocess
from collections.abc import Iterator

import pytest
import requests

from tests.stack import ROOT, Stack, free_port, gunicorn_argv, wait_until

KEY_ACME = "acme-secret-0123456789"
KEY_BETA = "beta-secret-9876543210"
ORIGIN = "https://partner.example"
LIMIT = 5


@pytest.fixture(scope="module")
def partner_url(stack: Stack) -> Iterator[str]:
    keys_file = stack.logs / "partner-keys.txt"
    digest = hashlib.sha256(KEY_BETA.encode()).hexdigest()
    keys_file.write_text(f"# partner keys\nbeta:sha256:{digest}\n")  # a file may hold only the digest
    port = free_port()
    env = {
        **stack.env,
        "SEARCH_API_KEYS": f"acme:{KEY_ACME}",
        "SEARCH_API_KEYS_FILE": str(keys_file),
        "SEARCH_RATE_LIMIT": f"{LIMIT}/minute",
        "SEARCH_CORS_ORIGINS": ORIGIN,
    }
    log = stack.logs / "search-partner.log"
    with open(log, "ab") as out:
        argv = gunicorn_argv(port, "services.search.wsgi:app", "--access-logfile", "-")
        proc = subprocess.Popen(argv, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until(lambda: requests.get(f"{url}/readyz", timeout=2).ok, 60, what="partner search service")
        yield url
    finally:
        proc.terminate()
        proc.wait(30)


def test_v1_needs_a_known_key_and_the_page_and_probes_do_not(partner_url: str) -> None:
    missing = requests.get(f"{partner_url}/v1/search", timeout=10)
    assert missing.status_code == 401 and missing.json()["error"]["field"] == "X-API-Key"
    wrong = requests.get(f"{partner_url}/v1/search", headers={"X-API-Key": "nope"}, timeout=10)
    assert wrong.status_code == 401
    assert requests.get(f"{partner_url}/v1/search", headers={"X-API-Key": KEY_BETA}, timeout=10).status_code == 200
    for path in ("/", "/healthz", "/readyz", "/openapi.json"):
        assert requests.get(f"{partner_url}{path}", timeout=10).status_code == 200


def test_each_key_has_its_own_limit_with_429_and_retry_after(partner_url: str) -> None:
    headers = {"X-API-Key": KEY_ACME}
    answers = [
        requests.get(f"{partner_url}/v1/suggest", params={"q": "x"}, headers=headers, timeout=10) for _ in range(LIMIT + 1)
    ]
    assert [a.status_code for a in answers[:LIMIT]] == [200] * LIMIT
    assert answers[0].headers["X-RateLimit-Limit"] == str(LIMIT)
    assert int(answers[0].headers["X-RateLimit-Remaining"]) == LIMIT - 1
    assert "X-RateLimit-Reset" in answers[0].headers
    over = answers[LIMIT]
    assert over.status_code == 429
    assert int(over.headers["Retry-After"]) > 0
    assert over.json()["error"]["code"] == "too_many_requests"
    # Another partner's budget is untouched.
    assert requests.get(f"{partner_url}/v1/suggest", headers={"X-API-Key": KEY_BETA}, timeout=10).status_code == 200


def test_cors_only_for_the_configured_origin(partner_url: str) -> None:
    preflight = requests.options(
        f"{partner_url}/v1/search",
        headers={"Origin": ORIGIN, "Access-Control-Request-Method": "GET", "Access-Control-Request-Headers": "X-API-Key"},
        timeout=10,
    )
    assert preflight.status_code == 204
    assert preflight.headers["Access-Control-Allow-Origin"] == ORIGIN
    assert "X-API-Key" in preflight.headers["Access-Control-Allow-Headers"]
    other = requests.get(f"{partner_url}/v1/search", headers={"Origin": "https://evil.example"}, timeout=10)
    assert "Access-Control-Allow-Origin" not in other.headers


def test_openapi_says_the_key_is_required(partner_url: str) -> None:
    spec = requests.get(f"{partner_url}/openapi.json", timeout=10).json()
    assert spec["paths"]["/v1/search"]["get"]["security"] == [{"apiKey": []}]
    assert spec["components"]["securitySchemes"]["apiKey"]["name"] == "X-API-Key"


def test_no_key_reaches_the_logs(stack: Stack, partner_url: str) -> None:
    requests.get(f"{partner_url}/v1/search", params={"q": "logged"}, headers={"X-API-Key": KEY_ACME}, timeout=10)
    requests.get(f"{partner_url}/v1/search", headers={"X-API-Key": "wrong-" + KEY_BETA}, timeout=10)
    text = (stack.logs / "search-partner.log").read_text(errors="replace")
    assert "GET /v1/search" in text  # the access log is on, and still holds no key
    assert KEY_ACME not in text and KEY_BETA not in text
