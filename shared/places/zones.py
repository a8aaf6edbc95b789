"""The time zone of a publisher's country: from its web address's country domain (.de, .co.uk, .com.au), and only
when the country keeps one time at that moment for nearly all its people (Spain's Canaries and Ukraine's Crimea are
small enough; the United States, Russia or Australia are not one zone).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import datetime, timedelta
from functools import lru_cache
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from shared.places.gazetteer import gazetteer

ONE_TIME_SHARE = 0.9  # of the country's people (in cities of 15,000 or more) living at the same UTC offset
# Country domains sold as generic names: they say nothing about where the publisher is.
GENERIC_DOMAINS = frozenset({
    "ac", "ad", "ai", "am", "as", "bz", "cc", "cd", "cf", "co", "cx", "dj", "eu", "fm", "ga", "gg", "gl", "gq", "im", "io",
    "is", "la", "ly", "me", "ml", "ms", "mu", "nu", "pw", "sc", "sh", "so", "st", "su", "sx", "tk", "tl", "to", "tv", "vc",
    "vg", "ws",
})  # fmt: skip
_ALIASES = {"uk": "GB"}


def url_country(url: str | None) -> str | None:
    """The country of a URL's country-code domain, or None (a generic or unknown domain, an address)."""
    try:
        host = (urlsplit((url or "").strip()).hostname or "").rstrip(".")
    except ValueError:
        return None
    label = host.rsplit(".", 1)[-1].lower() if "." in host else ""
    if len(label) != 2 or not label.isalpha() or label in GENERIC_DOMAINS:
        return None
    code = _ALIASES.get(label, label.upper())
    return code if code in gazetteer().countries else None


@lru_cache(maxsize=1)
def _people_by_zone() -> dict[str, Counter[str]]:
    by_country: dict[str, Counter[str]] = defaultdict(Counter)
    seen: set[int] = set()
    for cities in gazetteer().cities.values():
        for city in cities:
            if id(city) not in seen:  # a city is indexed under each of its names
                seen.add(id(city))
                by_country[city.country_code][city.timezone] += city.population
    return dict(by_country)


def country_zone(code: str | None, when: datetime) -> str | None:
    """The zone most of the country's people live in, when nearly all of them keep its UTC offset at `when`."""
    zones = _people_by_zone().get(code or "")
    if not zones:
        return None
    moment = when if when.tzinfo else when.replace(tzinfo=ZoneInfo("UTC"))
    by_offset: Counter[timedelta | None] = Counter()
    for zone, people in zones.items():
        by_offset[moment.astimezone(ZoneInfo(zone)).utcoffset()] += people
    offset, people = by_offset.most_common(1)[0]
    if people < ONE_TIME_SHARE * sum(by_offset.values()):
        return None
    return max((z for z in zones if moment.astimezone(ZoneInfo(z)).utcoffset() == offset), key=lambda z: zones[z])
