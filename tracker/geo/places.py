"""The place table: its kinds of place, reading it as typed records, and exporting it as GeoJSON."""

from __future__ import annotations

import json
from dataclasses import dataclass

import duckdb

from tracker.geo.geometry import Geometry, label_point

# Which geometry each kind of place may have.
KIND_GEOMETRY: dict[str, tuple[str, ...]] = {
    "town": ("Polygon", "MultiPolygon"),
    "seat": ("Point",),
    "community": ("Polygon", "MultiPolygon", "Point"),
    "village": ("Polygon", "MultiPolygon", "Point"),
    "river": ("LineString", "MultiLineString"),
    "channel": ("LineString", "MultiLineString"),
    "blackspot": ("Point",),
    "heritage": ("Point", "LineString", "MultiLineString", "Polygon"),
    "facility": ("Point", "Polygon"),
}
PLACE_KIND_NAMES = {
    "town": "镇域",
    "seat": "镇政府",
    "community": "社区",
    "village": "村",
    "river": "河涌",
    "channel": "重点整治河涌",
    "blackspot": "水浸黑点",
    "heritage": "文物古迹",
    "facility": "设施",
}


@dataclass(frozen=True)
class Place:
    """One row of the place table, its geometry parsed; the label point falls back to one computed from it."""

    code: str
    name: str
    kind: str  # a key of PLACE_KIND_NAMES
    parent: str | None
    geometry: Geometry | None
    label_lng: float | None
    label_lat: float | None
    schematic: bool
    note: str | None
    version: int

    @property
    def kind_name(self) -> str:
        return PLACE_KIND_NAMES.get(self.kind, self.kind)


def places(con: duckdb.DuckDBPyConnection) -> list[Place]:
    """Every place with its geometry parsed, in a stable order."""
    rows = con.execute(
        "select code, name, kind, parent, geometry, label_lng, label_lat, schematic, note, version from place order by kind, code"
    ).fetchall()
    out = []
    for code, name, kind, parent, geometry, lng, lat, schematic, note, version in rows:
        geom = json.loads(geometry) if geometry else None
        if lng is None or lat is None:
            lng, lat = label_point(geom) if geom else (None, None)
        out.append(Place(code, name, kind, parent, geom, lng, lat, bool(schematic), note, version))
    return out


def export_geojson(con: duckdb.DuckDBPyConnection) -> str:
    """The place table as a GeoJSON FeatureCollection: the starting point for an administrator's edits."""
    features = [
        {
            "type": "Feature",
            "geometry": p.geometry,
            "properties": {
                "code": p.code,
                "name": p.name,
                "kind": p.kind,
                "parent": p.parent or "",
                "schematic": p.schematic,
                "label_lng": p.label_lng,
                "label_lat": p.label_lat,
            },
        }
        for p in places(con)
    ]
    return json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False, indent=1)
