"""GeoJSON geometry without a GIS library: vertices, label points, bounds, and the WGS-84 → GCJ-02 shift."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from tracker import config

Geometry = dict[str, Any]  # a GeoJSON geometry object: {"type": ..., "coordinates": ...}
Transform = Callable[[float, float], tuple[float, float]]  # (lng, lat) -> (lng, lat)

# A sane box around the home town (三乡镇's indicative extent is 113.37–113.50 E, 22.30–22.42 N); another town sets
# its own ``[map] map_box`` in its settings.toml.
BOX = (113.30, 22.25, 113.60, 22.48)  # lng_min, lat_min, lng_max, lat_max


def town_box() -> tuple[float, float, float, float]:
    """The box around the town being served: its ``[map] map_box`` setting, else ``BOX``."""
    box = config.settings().map_box
    return (box[0], box[1], box[2], box[3]) if box and len(box) == 4 else BOX


def points(geometry: Geometry) -> list[list[float]]:
    """Every vertex of a geometry, flattened."""
    kind, coords = geometry.get("type"), geometry.get("coordinates")
    if coords is None:
        return []
    if kind == "Point":
        return [coords]
    if kind in ("LineString", "MultiPoint"):
        return list(coords)
    if kind in ("Polygon", "MultiLineString"):
        return [p for ring in coords for p in ring]
    if kind == "MultiPolygon":
        return [p for poly in coords for ring in poly for p in ring]
    return []


def in_box(lng: Any, lat: Any) -> bool:
    """Whether (lng, lat) are numbers inside the town's box: near the town, longitude first."""
    box = town_box()
    return (
        isinstance(lng, (int, float))
        and isinstance(lat, (int, float))
        and not isinstance(lng, bool)
        and box[0] <= lng <= box[2]
        and box[1] <= lat <= box[3]
    )


def label_point(geometry: Geometry) -> tuple[float, float]:
    """Where to put a place's name: the point itself, a line's middle vertex, a polygon's vertex mean."""
    kind = geometry["type"]
    if kind == "Point":
        return float(geometry["coordinates"][0]), float(geometry["coordinates"][1])
    if kind in ("LineString", "MultiLineString"):
        line = geometry["coordinates"] if kind == "LineString" else max(geometry["coordinates"], key=len)
        mid = line[len(line) // 2]
        return float(mid[0]), float(mid[1])
    pts = points(geometry)
    ring = pts[:-1] if len(pts) > 1 and pts[0] == pts[-1] else pts
    return sum(p[0] for p in ring) / len(ring), sum(p[1] for p in ring) / len(ring)


def bounds(geometries: list[Geometry]) -> tuple[float, float, float, float]:
    """West, south, east, north over every vertex of the geometries."""
    pts = [p for g in geometries if g for p in points(g)]
    return (min(p[0] for p in pts), min(p[1] for p in pts), max(p[0] for p in pts), max(p[1] for p in pts))


# WGS-84 → GCJ-02, the published formula (Krasovsky 1940 ellipsoid) that Chinese map services apply.
_A = 6378245.0
_EE = 0.00669342162296594323


def _lat_offset(x: float, y: float) -> float:
    ret = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * math.sqrt(abs(x))
    ret += (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2.0 / 3.0
    ret += (20.0 * math.sin(y * math.pi) + 40.0 * math.sin(y / 3.0 * math.pi)) * 2.0 / 3.0
    ret += (160.0 * math.sin(y / 12.0 * math.pi) + 320 * math.sin(y * math.pi / 30.0)) * 2.0 / 3.0
    return ret


def _lng_offset(x: float, y: float) -> float:
    ret = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * math.sqrt(abs(x))
    ret += (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2.0 / 3.0
    ret += (20.0 * math.sin(x * math.pi) + 40.0 * math.sin(x / 3.0 * math.pi)) * 2.0 / 3.0
    ret += (150.0 * math.sin(x / 12.0 * math.pi) + 300.0 * math.sin(x / 30.0 * math.pi)) * 2.0 / 3.0
    return ret


def wgs84_to_gcj02(lng: float, lat: float) -> tuple[float, float]:
    """Shift a WGS-84 position to GCJ-02 (mainland China only; elsewhere unchanged)."""
    if not (72.004 <= lng <= 137.8347 and 0.8293 <= lat <= 55.8271):
        return lng, lat
    dlat = _lat_offset(lng - 105.0, lat - 35.0)
    dlng = _lng_offset(lng - 105.0, lat - 35.0)
    radlat = lat / 180.0 * math.pi
    magic = 1 - _EE * math.sin(radlat) ** 2
    sqrtmagic = math.sqrt(magic)
    dlat = (dlat * 180.0) / ((_A * (1 - _EE)) / (magic * sqrtmagic) * math.pi)
    dlng = (dlng * 180.0) / (_A / sqrtmagic * math.cos(radlat) * math.pi)
    return lng + dlng, lat + dlat


def _map_coords(coords: Any, fn: Transform) -> Any:
    if coords and isinstance(coords[0], (int, float)):
        lng, lat = fn(float(coords[0]), float(coords[1]))
        return [lng, lat, *coords[2:]]
    return [_map_coords(c, fn) for c in coords]


def transform_geometry(geometry: Geometry, fn: Transform) -> Geometry:
    """The geometry with every position passed through ``fn``."""
    return {**geometry, "coordinates": _map_coords(geometry["coordinates"], fn)}


def display_transform(settings: config.Settings | None = None) -> Transform | None:
    """The coordinate shift the configured basemap needs: GCJ-02 only with a GCJ-02 tile server, else none."""
    settings = settings or config.settings()
    if settings.tile_url and settings.tile_datum.lower() == "gcj02":
        return wgs84_to_gcj02
    return None
