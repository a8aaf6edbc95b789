"""The geographic parameters of `GET /v1/search`: `near`/`within`, `bbox`, and the geo facet's `geo_precision`.

The geo facet (geohash_grid) builds one bucket per cell that holds an article before it keeps the top 200,
so its cost grows with the cells the searched area can hold at the asked precision. That number is
bounded here, always and whatever the data: at most MAX_GEO_CELLS (the whole world at precision 3);
a finer grid needs a `bbox` or `near`/`within` narrow enough (a 50 km circle allows 6, 10 km 7, 1 km 8).
"""

from __future__ import annotations

import math
import re

from services.search.errors import bad
from shared.es.queries import Geo, distance_km
from shared.web.openapi import refuse

MAX_GEO_CELLS = 32768
_DISTANCE = re.compile(r"^\d{1,5}(\.\d{1,3})?(m|km|mi)$")


def _numbers(name: str, value: str, count: int) -> list[float]:
    try:
        numbers = [float(part) for part in value.split(",")]
    except ValueError:
        numbers = []
    if len(numbers) != count or any(n != n or abs(n) == float("inf") for n in numbers):
        raise refuse(f"{name} is {count} comma-separated numbers")
    return numbers


def _lat_lon_ok(lat: float, lon: float) -> bool:
    return -90 <= lat <= 90 and -180 <= lon <= 180


def near_point(value: str) -> tuple[float, float] | None:
    """`near`: lat,lon."""
    if not value:
        return None
    lat, lon = _numbers("near", value, 2)
    if not _lat_lon_ok(lat, lon):
        raise refuse("near is lat,lon with lat in -90..90 and lon in -180..180")
    return lat, lon


def distance(value: str) -> str | None:
    """`within`: a distance above 0 in m, km or mi."""
    if not value:
        return None
    if not _DISTANCE.match(value.strip()) or distance_km(value.strip()) <= 0:
        raise refuse("within is a distance above 0 such as 50km, 800m or 20mi")
    return value.strip()


def box(value: str) -> tuple[float, float, float, float] | None:
    """`bbox`: top,left,bottom,right."""
    if not value:
        return None
    top, left, bottom, right = _numbers("bbox", value, 4)
    if not (_lat_lon_ok(top, left) and _lat_lon_ok(bottom, right)) or top < bottom:
        raise refuse("bbox is top,left,bottom,right (lat,lon,lat,lon) with top >= bottom")
    return top, left, bottom, right


def area(near: tuple[float, float] | None, within: str | None, bbox: tuple[float, float, float, float] | None) -> Geo:
    if within and not near:
        raise bad("within", "within needs near=lat,lon")
    return Geo(near=near, within=within or Geo.within, box=bbox)


def _spans(geo: Geo) -> tuple[float, float]:
    """Degrees of latitude and longitude the geo filters leave at most (the whole world without them)."""
    lat_span, lon_span = 180.0, 360.0
    if geo.box:
        top, left, bottom, right = geo.box
        lat_span, lon_span = top - bottom, (right - left) if right >= left else 360 - (left - right)
    if geo.near:
        lat = min(180.0, 2 * distance_km(geo.within) / 111.2)
        widest = abs(geo.near[0]) + lat / 2  # the circle's latitude farthest from the equator: its widest degrees
        lon = 360.0 if widest >= 89.9 else min(360.0, lat / math.cos(math.radians(widest)))
        lat_span, lon_span = min(lat_span, lat), min(lon_span, lon)
    return lat_span, lon_span


def geo_cells(precision: int, lat_span: float, lon_span: float) -> int:
    """Geohash cells of this precision that an area of these spans can touch."""
    lon_bits, lat_bits = (5 * precision + 1) // 2, 5 * precision // 2
    rows = min(math.ceil(lat_span / (180 / 2**lat_bits)) + 1, 2**lat_bits)
    columns = min(math.ceil(lon_span / (360 / 2**lon_bits)) + 1, 2**lon_bits)
    return rows * columns


def check_precision(precision: int, geo: Geo, facet: bool) -> int:
    """For the facet only as fine as keeps the facet's possible cells at MAX_GEO_CELLS (whatever the data): finer
    grids need a bbox or near/within narrow enough; the whole world allows 3."""
    if not facet:
        return precision
    spans = _spans(geo)
    finest = max(p for p in range(1, 9) if p == 1 or geo_cells(p, *spans) <= MAX_GEO_CELLS)
    if precision > finest:
        message = f"geo_precision {precision} over this area makes more than {MAX_GEO_CELLS} cells: at most {finest} here"
        raise bad("geo_precision", message + " (narrow the area with bbox or near/within for a finer grid)")
    return precision
