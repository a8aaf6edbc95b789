"""The candidate index's geo check against the engine's own filters: no point Elasticsearch keeps for a topic's
`near`/`within` or `bbox` is left out, right at the edges (circles by every bearing, a box across the antimeridian),
and points well outside are left out (so the check does narrow)."""

from __future__ import annotations

import math
import uuid
from collections.abc import Iterator
from typing import Any

import pytest

from shared.es.client import make_client
from shared.es.index import drop_namespace, ensure_index
from shared.es.queries import distance_km, topic_geo, topic_match_body, topic_params
from shared.settings import Settings
from shared.topics.area import EARTH_KM, Point, area_of, point_of

CIRCLES = [([51.17, 71.43], "50km"), ([64.1, -21.9], "800m"), ([-33.87, 151.21], "20mi"), ([0.0, 179.9], "30km")]
# top, left, bottom, right: across the antimeridian, and two with an edge on it
BOXES = [[10.0, 170.0, -10.0, -170.0], [10.0, -180.0, -10.0, -170.0], [10.0, 170.0, -10.0, 180.0]]


def destination(start: list[float], km: float, bearing: float) -> Point:
    """The point `km` away from `start` on this bearing (degrees), on the sphere the engine measures on."""
    lat, lon, theta, d = math.radians(start[0]), math.radians(start[1]), math.radians(bearing), km / EARTH_KM
    lat2 = math.asin(math.sin(lat) * math.cos(d) + math.cos(lat) * math.sin(d) * math.cos(theta))
    lon2 = lon + math.atan2(math.sin(theta) * math.sin(d) * math.cos(lat), math.cos(d) - math.sin(lat) * math.sin(lat2))
    return math.degrees(lat2), (math.degrees(lon2) + 540) % 360 - 180


def places() -> list[Point]:
    points = []
    for near, within in CIRCLES:
        r = distance_km(within)
        for bearing in range(0, 360, 20):
            points += [destination(near, r * share, bearing) for share in (0.98, 0.999, 0.9999, 1.0, 1.0001, 1.02, 1.5, 3)]
    for lat in (10.0, 10.00001, 9.99999, -10.0, -10.0001, 0.0, 25.0):
        points += [(lat, lon) for lon in (170.0, 169.99999, 169.9, 179.99999, 180.0, -180.0, -170.0, -169.99999, -169.9, 0.0)]
    return points


@pytest.fixture(scope="module")
def placed() -> Iterator[tuple[Any, str, list[str]]]:
    settings = Settings(namespace=f"test-area-{uuid.uuid4().hex[:6]}")
    es = make_client(settings)
    alias = ensure_index(es, settings)
    ids = []
    for n, (lat, lon) in enumerate(places()):
        es.index(index=alias, id=f"p{n}", document={"id": f"p{n}", "title": "x", "location": {"geo": {"lat": lat, "lon": lon}}})
        ids.append(f"p{n}")
    es.indices.refresh(index=alias)
    yield es, alias, ids
    drop_namespace(es, alias)


def kept_by_engine(es: Any, alias: str, match: dict[str, Any], ids: list[str]) -> set[str]:
    return {hit["_id"] for hit in es.search(index=alias, body=topic_match_body(topic_params(match), ids))["hits"]["hits"]}


def kept_by_check(es: Any, alias: str, match: dict[str, Any], ids: list[str]) -> set[str]:
    area = area_of(topic_geo(match))
    assert area is not None
    sources = {hit["_id"]: hit["_source"] for hit in es.search(index=alias, size=len(ids))["hits"]["hits"]}
    return {i for i in ids if area.could_hold(point_of(sources[i]["location"]))}


@pytest.mark.parametrize(("near", "within"), CIRCLES)
def test_no_point_the_engine_keeps_in_a_circle_is_left_out(
    placed: tuple[Any, str, list[str]], near: list[float], within: str
) -> None:
    es, alias, ids = placed
    match = {"q": "", "filters": {}, "near": near, "within": within}
    engine, check = kept_by_engine(es, alias, match, ids), kept_by_check(es, alias, match, ids)
    assert len(engine) >= 18 * 3  # every bearing's points up to the radius itself
    assert engine <= check
    assert len(check) < len(ids) / 4  # the check narrows: points 1.5 and 3 radii away are left out


@pytest.mark.parametrize("box", BOXES)
def test_no_point_the_engine_keeps_in_a_box_is_left_out(placed: tuple[Any, str, list[str]], box: list[float]) -> None:
    es, alias, ids = placed
    match = {"q": "", "filters": {}, "bbox": box}
    engine, check = kept_by_engine(es, alias, match, ids), kept_by_check(es, alias, match, ids)
    assert len(engine) >= 8
    assert engine <= check
    far = {f"p{n}" for n, (lat, lon) in enumerate(places()) if abs(lon) < 100 or abs(lat) > 11}
    assert far and check.isdisjoint(far)  # the check narrows: far meridians and latitudes are left out
