"""Feed documents become articles; what is not a feed is an error with a reason."""

from __future__ import annotations

import pytest

from shared.feeds.entries import FeedError, parse_feed
from shared.feeds.poller import backoff_s

RSS = b"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Steppe News</title><language>en-us</language>
<item><title>Second</title><link>https://news.example/2</link><description>Only a summary.</description>
<pubDate>Tue, 17 Oct 2023 10:00:00 +0600</pubDate><category>weather</category></item>
<item><title>First</title><link>https://news.example/1</link>
<content:encoded xmlns:content="http://purl.org/rss/1.0/modules/content/"><![CDATA[<p>Full text.</p>]]></content:encoded>
<author>ed@news.example (Ed Itor)</author></item>
</channel></rss>"""
ATOM = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Atom Desk</title>
<entry><title>Atom story</title><link href="https://atom.example/a"/><id>urn:uuid:1</id>
<updated>2023-10-17T08:00:00Z</updated><content type="html">&lt;p&gt;Body&lt;/p&gt;</content>
<author><name>Ann</name></author></entry></feed>"""


def test_rss_entries_oldest_first_with_link_as_url() -> None:
    first, second = parse_feed(RSS)
    assert first["article"]["url"] == "https://news.example/1"
    assert first["full_content"] and "Full text." in first["article"]["body"]
    assert second["article"] == {
        "url": "https://news.example/2",
        "title": "Second",
        "body": "Only a summary.",
        "published_at": "Tue, 17 Oct 2023 10:00:00 +0600",
        "tags": ["weather"],
        "source": "Steppe News",
        "language": "en",
    }
    assert not second["full_content"]


def test_atom_entry_and_source_override() -> None:
    [entry] = parse_feed(ATOM, source="Desk")
    assert entry["article"]["url"] == "https://atom.example/a"
    assert entry["article"]["authors"] == ["Ann"]
    assert entry["article"]["source"] == "Desk"
    assert entry["full_content"]


@pytest.mark.parametrize("content", [b"<html><body>not a feed</body></html>", b"", b"\x00\x01garbage", b"/etc/passwd"])
def test_not_a_feed(content: bytes) -> None:
    with pytest.raises(FeedError):
        parse_feed(content)


def test_backoff_doubles_from_the_interval_and_is_capped() -> None:
    assert [backoff_s(60, n, 3600) for n in range(0, 8)] == [60, 120, 240, 480, 960, 1920, 3600, 3600]
    assert backoff_s(7200, 3, 3600) == 7200  # never sooner than the feed's own interval
