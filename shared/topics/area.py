"""Whether an article's dateline point could pass a topic's `near`/`within` circle and `bbox`: the candidate index's
copy of Elasticsearch's two geo filters, loosened by a margin so that it never leaves out a point the engine keeps.

Elasticsearch measures `geo_distance` by haversine on a sphere of the Earth's mean radius, on points it stores
rounded to about a centimetre; we measure the same way and keep every point within the distance plus half a percent
and a kilometre, and every point within a hundred-thousandth of a degree of a box. What the margin lets through,
Elasticsearch still decides.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from shared.es.queries import Geo, distance_km

EARTH_KM = 6371.0088  # the mean radius Lucene's haversine takes
SLACK_SHARE, SLACK_KM = 0.005, 1.0  # on a circle's radius
SLACK_DEG = 1e-5  # on a box's edges

Point = tuple[float, float]  # lat, lon


def haversine_km(a: Point, b: Point) -> float:
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * EARTH_KM * math.asin(min(1.0, math.sqrt(h)))


def _between(lon: float, left: float, right: float) -> bool:
    """A longitude inside [left, right]; the box crosses the antimeridian when left > right."""
    if left <= right:
        return left - SLACK_DEG <= lon <= right + SLACK_DEG
    return lon >= left - SLACK_DEG or lon <= right + SLACK_DEG


@dataclass(frozen=True)
class Area:
    circle: tuple[float, float, float] | None = None  # lat, lon, radius in km
    box: tuple[float, float, float, float] | None = None  # top, left, bottom, right

    def could_hold(self, point: Point | None) -> bool:
        """False only when the engine's filters would leave this point out (None: a point we could not read)."""
        if point is None:
            return True
        if self.circle:
            lat, lon, km = self.circle
            if haversine_km(point, (lat, lon)) > km * (1 + SLACK_SHARE) + SLACK_KM:
                return False
        if self.box:
            top, left, bottom, right = self.box
            if not bottom - SLACK_DEG <= point[0] <= top + SLACK_DEG or not _between(point[1], left, right):
                return False
        return True


def area_of(geo: Geo) -> Area | None:
    """The area a topic's geo filters (`topic_geo`) keep articles in (None: it has none)."""
    if not geo.near and not geo.box:
        return None
    circle = (geo.near[0], geo.near[1], distance_km(geo.within)) if geo.near else None
    return Area(circle, geo.box)


def point_of(location: dict[str, Any]) -> Point | None:
    """The dateline point of an indexed article, when it has one we can read."""
    geo = location.get("geo")
    try:
        return (float(geo["lat"]), float(geo["lon"])) if isinstance(geo, dict) else None
    except (KeyError, TypeError, ValueError):
        return None
