"""Places on the map: what each one shows for a month, and replacing the geometry with surveyed data.

- ``geometry``: GeoJSON vertices, label points and bounds; the WGS-84 → GCJ-02 shift a basemap may need.
- ``places``: the place table as ``Place`` records, the kinds of place, the GeoJSON export.
- ``state``: a month's ``PlaceState`` per place and the ``MapPlace`` records the map draws.
- ``upload``: an administrator's GeoJSON/CSV upload: parse and check, then replace all or nothing.

The public names of all four are importable from ``tracker.geo`` itself.
"""

from tracker.geo.geometry import BOX, Geometry, Transform, bounds, display_transform, label_point, transform_geometry, wgs84_to_gcj02
from tracker.geo.places import KIND_GEOMETRY, PLACE_KIND_NAMES, Place, export_geojson, places
from tracker.geo.state import (
    METRIC_SHORT,
    PLACE_METRICS,
    MapPlace,
    PlaceState,
    describe,
    map_places,
    place_figures,
    place_percents,
    place_states,
    shows_demo,
    stage_for_percent,
    status_for_percent,
    worst,
)
from tracker.geo.upload import PlaceFileError, PlaceUpload, ReplaceResult, parse_place_file, preview_places, replace_places

__all__ = [
    "BOX",
    "KIND_GEOMETRY",
    "METRIC_SHORT",
    "PLACE_KIND_NAMES",
    "PLACE_METRICS",
    "Geometry",
    "MapPlace",
    "Place",
    "PlaceFileError",
    "PlaceState",
    "PlaceUpload",
    "ReplaceResult",
    "Transform",
    "bounds",
    "describe",
    "display_transform",
    "export_geojson",
    "label_point",
    "map_places",
    "parse_place_file",
    "place_figures",
    "place_percents",
    "place_states",
    "places",
    "preview_places",
    "replace_places",
    "shows_demo",
    "stage_for_percent",
    "status_for_percent",
    "transform_geometry",
    "wgs84_to_gcj02",
    "worst",
]
