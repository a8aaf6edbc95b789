"""The geographic parameters of `GET /v1/search`: `near`/`within`, `bbox`, and the geo facet's `geo_precision`.

The geo facet (geohash_grid) builds one bucket per cell that holds an article before it keeps the top 200,
so its cost grows with the cells the searched area can hold at the asked precision. That number is
bounded here, always and whatever the data: at most MAX_GEO_CELLS (the whole world at precision 3);
a finer grid needs a `bbox` or `near`/`within` narrow enough (a 50 km circle allows 6, 10 km 7, 1 km 8).
"""

from __future__ import annotations

import math
import re

from werkzeug.datastructures import MultiDict

from services.search.errors import bad
from shared.es.queries import Geo

MAX_GEO_CELLS = 32768
_DISTANCE = re.compile(r"^\d{1,5}(\.\d{1,3})?(m|km|mi)$")
_KM = {"m": 0.001, "km": 1.0, "mi": 1.609344}


def _numbers(name: str, value: str, count: int) -> list[float]:
    try:
        numbers = [float(part) for part in value.split(",")]
    except ValueError:
        numbers = []
    if len(numbers) != count or any(n != n or abs(n) == float("inf") for n in numbers):
        raise bad(name, f"{name} is {count} comma-separated numbers")
    return numbers


def _lat_lon_ok(lat: float, lon: float) -> bool:
    return -90 <= lat <= 90 and -180 <= lon <= 180


def parse_geo(args: MultiDict[str, str]) -> Geo:
    geo = Geo()
    if args.get("near"):
        lat, lon = _numbers("near", args["near"], 2)
        if not _lat_lon_ok(lat, lon):
            raise bad("near", "near is lat,lon with lat in -90..90 and lon in -180..180")
        geo.near = (lat, lon)
    if args.get("within"):
        if not geo.near:
            raise bad("within", "within needs near=lat,lon")
        if not _DISTANCE.match(args["within"].strip()) or distance_km(args["within"].strip()) <= 0:
            raise bad("within", "within is a distance above 0 such as 50km, 800m or 20mi")
        geo.within = args["within"].strip()
    if args.get("bbox"):
        top, left, bottom, right = _numbers("bbox", args["bbox"], 4)
        if not (_lat_lon_ok(top, left) and _lat_lon_ok(bottom, right)) or top < bottom:
            raise bad("bbox", "bbox is top,left,bottom,right (lat,lon,lat,lon) with top >= bottom")
        geo.box = (top, left, bottom, right)
    return geo


def distance_km(within: str) -> float:
    """A distance `within` takes (checked by _DISTANCE) in kilometres."""
    unit = next(u for u in ("km", "mi", "m") if within.endswith(u))
    return float(within[: -len(unit)]) * _KM[unit]


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


def parse_precision(args: MultiDict[str, str], geo: Geo, facet: bool) -> int:
    """1-8; for the facet only as fine as keeps the facet's possible cells at MAX_GEO_CELLS (whatever the data): finer
    grids need a bbox or near/within narrow enough; the whole world allows 3."""
    raw = args.get("geo_precision", "3").strip()
    if not raw.isdigit() or not raw.isascii() or not 1 <= int(raw) <= 8:
        raise bad("geo_precision", "geo_precision is a geohash length from 1 to 8")
    if not facet:
        return int(raw)
    spans = _spans(geo)
    finest = max(p for p in range(1, 9) if p == 1 or geo_cells(p, *spans) <= MAX_GEO_CELLS)
    if int(raw) > finest:
        message = f"geo_precision {raw} over this area makes more than {MAX_GEO_CELLS} cells: at most {finest} here"
        raise bad("geo_precision", message + " (narrow the area with bbox or near/within for a finer grid)")
    return int(raw)
