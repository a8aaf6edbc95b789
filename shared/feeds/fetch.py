"""Fetching a feed or a linked page over HTTP: conditional GET, a timeout, a size limit, no surprises."""

from __future__ import annotations

import ipaddress
import time
from dataclasses import dataclass
from functools import cache
from urllib.parse import urlsplit

import requests
from requests_hardened import Config, HTTPSession
from requests_hardened.ip_filter import InvalidIPAddress, get_ip_address

from shared.settings import FetchReach as Reach
from shared.text.charset import decode, header_charset

USER_AGENT = "newsroom-search/1.0 (feed poller)"
FEED_ACCEPT = "application/rss+xml, application/atom+xml, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5"


class FetchError(Exception):
    """The resource could not be fetched; the message says why (HTTP status, timeout, size)."""


@dataclass(frozen=True)
class Fetched:
    status: int
    content: bytes = b""
    etag: str | None = None
    last_modified: str | None = None
    content_type: str = ""

    @property
    def not_modified(self) -> bool:
        return self.status == 304

    @property
    def charset(self) -> str | None:
        """The charset its `Content-Type` header declares."""
        return header_charset(self.content_type)

    def text(self) -> str:
        """The body as text, by the system's one charset rule (shared/text/charset.py)."""
        return decode(self.content, self.charset).text


@cache
def _session(reach: Reach) -> requests.Session:
    """One session per policy, so that polls of the same host reuse connections. requests-hardened resolves
    the host once, refuses a forbidden address and connects to the very address it checked (no DNS rebinding
    between check and use), on every redirect as well; a subscribed URL cannot reach Redis, Elasticsearch
    or a cloud metadata service."""
    if reach == "any":
        return requests.Session()
    config = Config(
        ip_filter_enable=True, ip_filter_allow_loopback_ips=reach == "loopback", never_redirect=False, default_timeout=None
    )
    return HTTPSession(config)


def guarded_session(reach: Reach) -> requests.Session:
    """The shared session of `reach`'s address policy, for other fetchers than feeds (webhook deliveries)."""
    return _session(reach)


def refused_address(url: str, reach: Reach) -> str | None:
    """Why a URL whose host is written as an address (or `localhost`) can never be fetched; None otherwise.
    Host names are checked when fetched: resolving them here would block a request on DNS."""
    try:
        host = urlsplit(url).hostname or ""
    except ValueError as exc:  # "http://[::1": an unclosed address
        return f"not a valid URL ({exc})"
    if reach == "any" or not (host == "localhost" or _is_address(host)):
        return None
    try:
        get_ip_address(host, 80, allow_loopback=reach == "loopback")
    except InvalidIPAddress as exc:
        return f"{host} ({exc}) is not an address FEED_FETCH_ADDRESSES={reach} allows"
    except OSError:
        return None
    return None


def _is_address(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def fetch(
    url: str,
    *,
    timeout_s: float,
    max_bytes: int,
    reach: Reach = "public",
    etag: str | None = None,
    last_modified: str | None = None,
    accept: str = FEED_ACCEPT,
) -> Fetched:
    """GET `url`; 304 when the validators still hold. Raises FetchError for HTTP errors, timeouts, oversize,
    and addresses `reach` does not allow (the URL's or a redirect's)."""
    headers = {"User-Agent": USER_AGENT, "Accept": accept}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    deadline = time.monotonic() + timeout_s * 3  # a server that drips bytes cannot hold a poll forever
    try:
        with _session(reach).get(url, headers=headers, timeout=timeout_s, stream=True) as response:
            if response.status_code == 304:
                return Fetched(304, etag=etag, last_modified=last_modified)
            if response.status_code >= 400:
                raise FetchError(f"HTTP {response.status_code} from {url}")
            declared = response.headers.get("Content-Length", "")
            if declared.isascii() and declared.isdigit() and int(declared) > max_bytes:  # int("²") raises
                raise FetchError(f"{url} is {declared} bytes, over the {max_bytes}-byte limit")
            body = bytearray()
            for chunk in response.iter_content(64 * 1024):
                body += chunk
                if len(body) > max_bytes:
                    raise FetchError(f"{url} is over the {max_bytes}-byte limit")
                if time.monotonic() > deadline:
                    raise FetchError(f"{url} took longer than {timeout_s * 3:g}s to download")
            return Fetched(
                response.status_code,
                bytes(body),
                response.headers.get("ETag") or None,
                response.headers.get("Last-Modified") or None,
                response.headers.get("Content-Type", ""),
            )
    except InvalidIPAddress as exc:
        why = f"refused: {url} (or a redirect from it) leads to {exc}, not allowed by FEED_FETCH_ADDRESSES={reach}"
        raise FetchError(why) from exc
    except requests.RequestException as exc:
        raise FetchError(f"{type(exc).__name__}: {exc}"[:500]) from exc
