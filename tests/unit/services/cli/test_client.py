"""newsctl waits out what the one transient policy (shared/delivery/retry.py) calls transient, and nothing else."""

from __future__ import annotations

from typing import Any

import pytest
import requests

from services.cli.client import Client, CliError


def answering(client: Client, statuses: list[int]) -> list[int]:
    """The client's session answers these statuses in turn (Retry-After: 0); returns the statuses it was given."""
    given: list[int] = []

    def request(method: str, url: str, **kwargs: Any) -> requests.Response:
        answer = requests.Response()
        answer.status_code = statuses[len(given)]
        answer.headers["Retry-After"] = "0"
        answer._content = b"{}"
        given.append(answer.status_code)
        return answer

    client.session.request = request  # type: ignore[method-assign]
    return given


@pytest.mark.parametrize("transient", [408, 429, 500, 502, 503, 504])
def test_a_transient_status_is_waited_out(transient: int) -> None:
    client = Client("http://ingest.invalid", retries=3)
    given = answering(client, [transient, transient, 202])
    assert client.request("POST", "/v1/articles").status_code == 202 and given == [transient, transient, 202]


@pytest.mark.parametrize("permanent", [501, 505])
def test_another_5xx_fails_at_once(permanent: int) -> None:
    client = Client("http://ingest.invalid", retries=3)
    given = answering(client, [permanent, 202])
    with pytest.raises(CliError, match=str(permanent)):
        client.request("POST", "/v1/articles")
    assert given == [permanent]
