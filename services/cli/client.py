"""The HTTP client of `newsctl`: one session, retries on transient statuses (shared/delivery/retry.py) and lost
connections, honouring Retry-After."""

from __future__ import annotations

import time
from typing import Any

import requests

from shared.delivery.retry import is_transient_status


class CliError(Exception):
    """A problem the user must see (service unreachable, unexpected answer); newsctl exits with status 2."""


class Client:
    def __init__(self, base_url: str, timeout_s: float = 60.0, retries: int = 10, api_key: str | None = None) -> None:
        self.base_url = base_url.rstrip("/")
        self.timeout_s = timeout_s
        self.retries = retries
        self.session = requests.Session()
        self.session.headers["User-Agent"] = "newsctl/1.0"
        if api_key:
            self.session.headers["X-API-Key"] = api_key  # an ingest API key (docs/partner-access.md)

    def request(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        """The answer, after waiting out transient statuses (Retry-After) and connection errors up to `retries` times."""
        for attempt in range(self.retries + 1):
            last = attempt == self.retries
            try:
                answer = self.session.request(method, self.base_url + path, timeout=self.timeout_s, **kwargs)
            except requests.RequestException as exc:
                if last:
                    raise CliError(f"cannot reach {self.base_url}: {exc}") from exc
                time.sleep(min(30.0, 0.5 * 2**attempt))
                continue
            if is_transient_status(answer.status_code) and not last:
                time.sleep(_retry_after(answer, attempt))
                continue
            if answer.status_code >= 500 or is_transient_status(answer.status_code):
                raise CliError(f"{method} {path}: {answer.status_code} {answer.text[:300]}")
            return answer
        raise CliError(f"{method} {path}: no answer")  # pragma: no cover - the loop always returns or raises

    def json(self, method: str, path: str, **kwargs: Any) -> tuple[int, Any]:
        answer = self.request(method, path, **kwargs)
        try:
            return answer.status_code, answer.json() if answer.content else None
        except ValueError as exc:
            raise CliError(f"{method} {path}: {answer.status_code}, not JSON: {answer.text[:200]}") from exc


def _retry_after(answer: requests.Response, attempt: int) -> float:
    value = answer.headers.get("Retry-After", "")
    return min(60.0, float(value)) if value.isdigit() else min(30.0, 0.5 * 2**attempt)
