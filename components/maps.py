"""pydeck map builders: villages, rivers and channels, flood blackspots and heritage sites, offline.

Every builder returns a ``pdk.Deck`` or a ``pdk.Layer`` from ``tracker.geo.MapPlace`` records
(``tracker.geo.map_places``), so tests inspect the deck without a browser. No basemap unless ``[map] tile_url`` is configured.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import pydeck as pdk
import streamlit as st

from components.data import load_map_places
from components.styles import is_phone
from tracker import config, geo, towns
from tracker.fonts import MAP_FONTS
from tracker.geo import Geometry, MapPlace, Transform
from tracker.labels import SCHEMATIC_NOTICE, STATUS_COLORS, hex_to_rgb, status_color, status_label
from tracker.model import STATUSES

FONT_FAMILY = MAP_FONTS
# Streamlit reads a missing/None mapStyle as "use the CARTO basemap" (fetched from the internet);
# pydeck's own sentinel is the one value its frontend drops without substituting a basemap.
NO_BASEMAP = "__MAP_STYLE__"
UNTRACKED_FILL = [236, 236, 228, 150]
UNTRACKED_LINE = [140, 140, 140, 255]
OUTLINE = [60, 60, 60, 255]
TEXT = [25, 25, 25, 255]
LABEL_BACKGROUND = [255, 255, 255, 190]

# Layer ids, in drawing order (bottom first); the page's toggles use the same names.
LAYER_NAMES = {
    "tiles": "底图",
    "town": "镇域轮廓",
    "villages": "村（社区）",
    "rivers": "河涌",
    "channels": "重点整治河涌",
    "heritage": "文物古迹",
    "facilities": "项目设施",
    "blackspots": "水浸黑点",
    "labels": "名称",
}
AREA_LAYERS = {
    "water": ("town", "villages", "rivers", "channels", "blackspots", "labels"),
    "rural": ("town", "villages", "facilities", "labels"),
    "culture": ("town", "villages", "heritage", "labels"),
}
# Which layer shows status colours for villages: only where village work is the subject.
VILLAGE_STATUS_AREAS = {"rural", "all"}
TOOLTIP = {
    # Streamlit escapes the values put into the template, so line breaks come from pre-line, not <br/>.
    "html": "<b>{name}</b>（{kind_name}）<br/>{status_text}<div style='white-space:pre-line'>{detail}</div>",
    "style": {
        "backgroundColor": "#ffffff",
        "color": "#1a1a1a",
        "fontSize": "15px",
        "fontFamily": FONT_FAMILY,
        "border": "1px solid #888",
        "maxWidth": "380px",
    },
}

Row = dict[str, Any]  # one pydeck data row (serialised to the browser)
PIXELS = "'pixels'"  # pydeck turns a bare string into an accessor expression; a quoted one stays a constant


def const(text: str) -> str:
    """A string constant for a pydeck layer property (bare strings become ``@@=`` accessor expressions)."""
    return f"'{text}'"


def status_rgb(status: str | None, alpha: int = 255) -> list[int]:
    """The palette colour of a status as RGBA (grey for 未填报 and for places with nothing tracked)."""
    return hex_to_rgb(status_color(status), alpha)


def _row(place: MapPlace, display: Transform | None) -> Row:
    lng, lat = place.label_lng, place.label_lat
    if display and lng is not None and lat is not None:
        lng, lat = display(lng, lat)
    status = place.status
    return {
        "code": place.code,
        "name": place.name,
        "kind": place.kind,
        "kind_name": place.kind_name,
        "status": status,
        "status_text": status_label(status) if status else "无跟踪事项",
        "stage": place.stage,
        "percent": place.percent,
        "detail": place.detail or "无跟踪事项",
        "lng": lng,
        "lat": lat,
        "schematic": place.schematic,
    }


def _geometry(place: MapPlace, display: Transform | None) -> Geometry | None:
    return geo.transform_geometry(place.geometry, display) if display and place.geometry else place.geometry


def _paths(geometry: Geometry | None) -> list[list[list[float]]]:
    if geometry is None:
        return []
    if geometry["type"] == "LineString":
        return [geometry["coordinates"]]
    if geometry["type"] == "MultiLineString":
        return list(geometry["coordinates"])
    return []


def outline_layer(places: Iterable[MapPlace], display: Transform | None = None) -> pdk.Layer:
    """The town outline: a pale fill and a dark border, under everything else."""
    features = [{"type": "Feature", "geometry": _geometry(p, display), "properties": _row(p, display)} for p in places if p.kind == "town"]
    return pdk.Layer(
        "GeoJsonLayer",
        {"type": "FeatureCollection", "features": features},
        id="town",
        stroked=True,
        filled=True,
        get_fill_color=[250, 250, 246, 255],
        get_line_color=OUTLINE,
        line_width_units=PIXELS,
        get_line_width=3,
        pickable=False,
    )


def village_layer(places: Iterable[MapPlace], display: Transform | None = None, coloured: bool = True) -> pdk.Layer:
    """Village and community areas (points become small areas' stand-ins: drawn as circles by GeoJsonLayer).

    ``coloured``: fill by the village's worst status (美丽宜居村, 生活污水治理); otherwise a neutral fill.
    """
    features = []
    for p in places:
        if p.kind not in ("village", "community"):
            continue
        props = _row(p, display)
        tracked = coloured and p.status
        props["fill"] = status_rgb(p.status, 70) if tracked else UNTRACKED_FILL
        props["line"] = status_rgb(p.status) if tracked else UNTRACKED_LINE
        features.append({"type": "Feature", "geometry": _geometry(p, display), "properties": props})
    return pdk.Layer(
        "GeoJsonLayer",
        {"type": "FeatureCollection", "features": features},
        id="villages",
        stroked=True,
        filled=True,
        get_fill_color="properties.fill",
        get_line_color="properties.line",
        line_width_units=PIXELS,
        get_line_width=3,
        point_radius_units=PIXELS,
        get_point_radius=10,
        pickable=True,
        auto_highlight=True,
        highlight_color=[255, 255, 255, 90],
    )


def path_layer(
    places: Iterable[MapPlace], kinds: tuple[str, ...], layer_id: str, width: int, display: Transform | None = None, casing: bool = False
) -> pdk.Layer:
    """Lines (rivers, channels, the 岐澳古道) coloured by their status; one row per line part.

    ``casing``: a wider white line to draw underneath, so a coloured line stands out on a coloured area.
    """
    rows = []
    for p in places:
        if p.kind not in kinds:
            continue
        for path in _paths(_geometry(p, display)):
            color = [255, 255, 255, 255] if casing else status_rgb(p.status)
            rows.append({**_row(p, display), "path": path, "color": color})
    return pdk.Layer(
        "PathLayer",
        rows,
        id=f"{layer_id}-casing" if casing else layer_id,
        get_path="path",
        get_color="color",
        get_width=width + 4 if casing else width,
        width_units=PIXELS,
        width_min_pixels=2,
        cap_rounded=True,
        joint_rounded=True,
        pickable=not casing,
        auto_highlight=not casing,
        highlight_color=[255, 255, 0, 160],
    )


def point_layer(
    places: Iterable[MapPlace],
    kinds: tuple[str, ...],
    layer_id: str,
    radius: int,
    display: Transform | None = None,
    line: list[int] | None = None,
) -> pdk.Layer:
    """Points (blackspots, heritage, facilities) as status-coloured dots with a contrasting ring."""
    rows = [{**_row(p, display), "color": status_rgb(p.status)} for p in places if p.kind in kinds and p.label_lng is not None]
    return pdk.Layer(
        "ScatterplotLayer",
        rows,
        id=layer_id,
        get_position=["lng", "lat"],
        get_fill_color="color",
        get_line_color=line or [255, 255, 255, 255],
        stroked=True,
        filled=True,
        radius_units=PIXELS,
        get_radius=radius,
        line_width_units=PIXELS,
        get_line_width=2,
        pickable=True,
        auto_highlight=True,
        highlight_color=[255, 255, 0, 200],
    )


LABEL_SIZES = {
    "town": 0,
    "village": 17,
    "community": 17,
    "river": 15,
    "heritage": 14,
    "seat": 14,
    "facility": 13,
    "channel": 0,
    "blackspot": 0,
}


def label_layer(places: Iterable[MapPlace], kinds: tuple[str, ...], display: Transform | None = None) -> pdk.Layer:
    """Chinese names. TextLayer draws only the characters in ``character_set``, so pass the ones used."""
    rows = []
    for p in places:
        size = LABEL_SIZES.get(p.kind, 0)
        if p.kind not in kinds or not size or p.label_lng is None or not p.geometry:
            continue
        row = _row(p, display)
        if p.kind == "river" and p.geometry["type"] == "LineString":
            # A river's middle often falls inside a village and its label; a quarter of the way along reads better.
            coords = p.geometry["coordinates"]
            lng, lat = coords[max(len(coords) // 4, 0)][:2]
            row["lng"], row["lat"] = display(lng, lat) if display else (lng, lat)
        point = p.kind in ("heritage", "seat", "facility") and p.geometry["type"] == "Point"
        # Names of points sit to the right of the dot, so the dot itself stays visible.
        rows.append(
            {**row, "label": p.name, "size": size, "offset": [15, 0] if point else [0, 0], "anchor": "start" if point else "middle"}
        )
    chars = "".join(sorted({ch for r in rows for ch in r["label"]} - {"'", '"', "`"}))
    return pdk.Layer(
        "TextLayer",
        rows,
        id="labels",
        get_position=["lng", "lat"],
        get_text="label",
        get_size="size",
        size_units=PIXELS,
        get_color=TEXT,
        get_pixel_offset="offset",
        get_text_anchor="anchor",
        get_alignment_baseline="'center'",
        font_family=const(FONT_FAMILY),
        font_weight=600,
        character_set=const(chars),
        background=True,
        get_background_color=LABEL_BACKGROUND,
        background_padding=[4, 2, 4, 2],
        pickable=False,
    )


def tile_layer(url: str) -> pdk.Layer:
    """A raster basemap from the configured tile server (only when one is configured)."""
    return pdk.Layer(
        "TileLayer",
        data=url,
        id="tiles",
        min_zoom=0,
        max_zoom=19,
        tile_size=256,
        render_sub_layers=pdk.types.Function("BitmapLayer", image="@@=data", bounds="@@=[bbox.west, bbox.south, bbox.east, bbox.north]"),
    )


def view_for(places: list[MapPlace], width: int = 1100, height: int = 620, display: Transform | None = None) -> pdk.ViewState:
    """A view that fits the town outline (or every place) into ``width`` × ``height`` pixels."""
    town = [p.geometry for p in places if p.kind == "town" and p.geometry]
    geoms = town or [p.geometry for p in places if p.geometry]
    if not geoms:
        return pdk.ViewState(longitude=113.44, latitude=22.36, zoom=12)
    west, south, east, north = geo.bounds(geoms)
    lng, lat = (west + east) / 2, (south + north) / 2
    if display:
        lng, lat = display(lng, lat)

    def merc(y: float) -> float:
        return math.log(math.tan(math.pi / 4 + math.radians(y) / 2))

    span_x = max(east - west, 1e-4) / 360
    span_y = max(merc(north) - merc(south), 1e-4) / (2 * math.pi)
    zoom = math.log2(min(width * 0.92 / (512 * span_x), height * 0.92 / (512 * span_y)))
    return pdk.ViewState(longitude=lng, latitude=lat, zoom=round(zoom, 2), min_zoom=9, max_zoom=17, pitch=0, bearing=0)


@dataclass(frozen=True)
class MapFrame:
    """The box (px) a map's first view fits the town into, and the chart's height; the chart stretches to its column.

    deck.gl keeps the zoom it is given whatever its width, so the box must not be wider than the narrowest
    column the map gets: 640 on a screen (the map page's left column on a 1366-px laptop), a phone's width on a phone.
    """

    width: int
    height: int


SCREEN_FIT_WIDTH = 640
PHONE_FRAME = MapFrame(width=340, height=420)  # 390-px phone: 358 px inside the page padding


def map_frame(height: int) -> MapFrame:
    """The frame for this browser: ``height`` on a screen, a phone-sized frame on a phone."""
    return PHONE_FRAME if is_phone() else MapFrame(SCREEN_FIT_WIDTH, height)


def build_deck(
    places: list[MapPlace],
    layers: Iterable[str] = ("town", "villages", "rivers", "channels", "heritage", "facilities", "blackspots", "labels"),
    *,
    village_status: bool = True,
    settings: config.Settings | None = None,
    width: int = 1100,
    height: int = 620,
) -> pdk.Deck:
    """The deck for the chosen layers. A TileLayer (and the GCJ-02 shift it may need) only with a tile_url."""
    settings = settings or config.settings()
    display = geo.display_transform(settings)
    wanted = set(layers)
    label_kinds = {
        "villages": ("village", "community"),
        "rivers": ("river",),
        "heritage": ("heritage",),
        "facilities": ("facility", "seat"),
    }
    built: list[pdk.Layer] = []
    if settings.tile_url:
        built.append(tile_layer(settings.tile_url))
    if "town" in wanted:
        built.append(outline_layer(places, display))
    if "villages" in wanted:
        built.append(village_layer(places, display, coloured=village_status))
    if "rivers" in wanted:
        built.append(path_layer(places, ("river",), "rivers", 9, display, casing=True))
        built.append(path_layer(places, ("river",), "rivers", 9, display))
    if "channels" in wanted:
        built.append(path_layer(places, ("channel",), "channels", 6, display, casing=True))
        built.append(path_layer(places, ("channel",), "channels", 6, display))
    if "heritage" in wanted:
        built.append(path_layer(places, ("heritage",), "heritage-lines", 5, display, casing=True))
        built.append(path_layer(places, ("heritage",), "heritage-lines", 5, display))
        built.append(point_layer(places, ("heritage",), "heritage", 11, display))
    if "facilities" in wanted:
        built.append(point_layer(places, ("facility", "seat"), "facilities", 8, display, line=[30, 30, 30, 255]))
    if "blackspots" in wanted:
        built.append(point_layer(places, ("blackspot",), "blackspots", 10, display, line=[25, 25, 25, 255]))
    if "labels" in wanted:
        kinds = tuple(k for layer, ks in label_kinds.items() if layer in wanted for k in ks)
        built.append(label_layer(places, kinds, display))
    return pdk.Deck(
        layers=built,
        initial_view_state=view_for(places, width, height, display),
        map_style=NO_BASEMAP,
        map_provider=None,
        tooltip=TOOLTIP,
        views=[pdk.View("MapView", controller=True)],
    )


def selected_code(event: Any) -> str | None:
    """The code of the feature picked in ``st.pydeck_chart(..., on_select="rerun")``, if any."""
    try:
        objects = event.selection.objects
    except (AttributeError, KeyError):
        return None
    for picked in (objects or {}).values():
        for obj in picked or []:
            code = obj.get("code") or (obj.get("properties") or {}).get("code")
            if code:
                return code
    return None


# --------------------------------------------------------------------------------------- streamlit


def legend_html(statuses: Iterable[str] = STATUSES, untracked: bool = True) -> str:
    """A one-line legend in the status palette, each with its symbol so it never relies on colour alone."""
    items = [
        f'<span style="display:inline-block;margin-right:1.2em;white-space:nowrap">'
        f'<span style="display:inline-block;width:1.6em;height:0.9em;background:{STATUS_COLORS[s]};'
        f'border-radius:3px;vertical-align:middle;margin-right:0.35em"></span>{status_label(s)}</span>'
        for s in statuses
    ]
    if untracked:
        items.append(
            '<span style="display:inline-block;white-space:nowrap"><span style="display:inline-block;'
            "width:1.6em;height:0.9em;background:#ECECE4;border:1px solid #8C8C8C;border-radius:3px;"
            'vertical-align:middle;margin-right:0.35em"></span>无跟踪事项</span>'
        )
    return '<div style="font-size:1rem;line-height:1.9">' + "".join(items) + "</div>"


def render_legend(note: str | None = None) -> None:
    st.html(legend_html())
    st.caption(f"{SCHEMATIC_NOTICE}。{note or ''}")


def render_area_map(area: str, year: int, month: int) -> None:
    """The map section of an area page (water, rural, culture), built from the same data as the charts."""
    layers = AREA_LAYERS.get(area)
    if layers is None:
        return
    places = load_map_places(year, month)
    notes = {
        "water": "河涌线按截污工程进度着色（100% 为完工），圆点为水浸黑点，按整治进度对照序时进度着色。",
        "rural": "村（社区）按美丽宜居村建设、农村生活污水治理的最差状态着色。",
        "culture": "圆点为文物古迹，按修缮、开发项目状态着色。",
    }
    st.subheader("地图")
    frame = map_frame(600)
    deck = build_deck(places, layers, village_status=area in VILLAGE_STATUS_AREAS, width=frame.width, height=frame.height)
    st.pydeck_chart(deck, height=frame.height, key=f"area_map_{area}", alt=f"{towns.name()}{LAYER_NAMES.get(area, '')}示意地图")
    render_legend(notes.get(area))
