"""A dateline place ("Astana, Kazakhstan", "PARIS, Texas", "MOSCOW") -> city, region, country, point, zone.

Ambiguity (Paris, Texas vs Paris, France) is settled in this order: the country or US state
written in the dateline, then the country the text mentions most, then population.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

from shared.places.gazetteer import City, fold, gazetteer
from shared.places.mentions import count_mentions

_SPLIT = re.compile(r"\s*[,/(]\s*|\s*\)\s*")


def _country_of(parts: list[str]) -> tuple[str | None, str | None, list[str]]:
    """(country code, region, remaining parts) from the parts of a dateline, last part first."""
    gaz = gazetteer()
    rest = list(parts)
    code: str | None = None
    region: str | None = None
    while len(rest) > 1 or (rest and code is None and not gaz.cities_named(rest[0])):
        last = rest[-1]
        found = gaz.country_code(last)
        state = gaz.us_states.get(fold(last))
        if found and code is None:
            code = found
        elif state and region is None and code in (None, "US"):
            code, region = "US", state
        elif len(rest) > 1 and region is None:
            region = last  # "Astana, Akmola Region, Kazakhstan": keep what the page wrote
        else:
            break
        rest.pop()
    return code, region, rest


def _pick(candidates: list[City], code: str | None, region: str | None, text: str | None, raw_city: str = "") -> City | None:
    state_code = gazetteer().us_state_codes.get(region or "") if code == "US" else None
    if state_code:
        candidates = [c for c in candidates if c.admin1 == state_code] or candidates
    if code:
        candidates = [c for c in candidates if c.country_code == code]
        return candidates[0] if candidates else None
    if text and len({c.country_code for c in candidates}) > 1:
        # The city's own name must not vote for the country of its best-known namesake.
        names = {c.name for c in candidates} | {raw_city}
        for name in sorted(names, key=len, reverse=True):
            text = re.sub(re.escape(name), " ", text, flags=re.IGNORECASE)
        mentioned: Counter[str] = count_mentions(text)
        best = max(candidates, key=lambda c: (mentioned.get(c.country_code, 0), c.population))
        if mentioned.get(best.country_code, 0) > 0:
            return best
    return candidates[0] if candidates else None


def _us_region(city: City) -> str | None:
    return gazetteer().us_states.get(city.admin1.lower()) if city.country_code == "US" else None


def resolve_place(raw: str, text: str | None = None) -> dict[str, Any] | None:
    """The location of a dateline, or None when no part of it is a known place."""
    parts = [p for p in _SPLIT.split(raw.strip().strip(".,:;—–-")) if p]
    if not parts or len(raw) > 120:
        return None
    gaz = gazetteer()
    code, region, rest = _country_of(parts)
    city = _pick(gaz.cities_named(rest[0]), code, region, text, rest[0]) if rest else None
    if city is None and code is None:
        return None
    code = code or (city.country_code if city else None)
    country = gaz.countries.get(code or "")
    if city is None:  # only the country is known: its capital's zone, no point
        capital = gaz.capital(code or "")
        return {
            "city": None,
            "region": region,
            "country": country.name if country else None,
            "country_code": code,
            "timezone": capital.timezone if capital else None,
        }
    return {
        "city": city.name,
        "region": region or _us_region(city),
        "country": country.name if country else None,
        "country_code": city.country_code,
        "lat": city.lat,
        "lon": city.lon,
        "timezone": city.timezone,
    }
