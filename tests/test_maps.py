"""components.maps decks (layers, colours, tooltips, offline) and the 地图 page under AppTest."""

from __future__ import annotations

import json

import pytest
from streamlit.testing.v1 import AppTest

from components import maps
from tests.conftest import DOC_MONTH, DOC_YEAR, app_page, make_admin
from tracker import geo, progress, store
from tracker.auth import User
from tracker.config import ROOT, Settings
from tracker.labels import STATUS_COLORS, hex_to_rgb
from tracker.model import STATUSES

ALL_LAYERS = ("town", "villages", "rivers", "channels", "heritage", "facilities", "blackspots", "labels")
OFFLINE = Settings()
TILES = Settings(tile_url="http://tiles.intranet/{z}/{x}/{y}.png", tile_datum="gcj02")


@pytest.fixture
def places(con) -> list[geo.MapPlace]:
    return geo.map_places(con, DOC_YEAR, DOC_MONTH)


def _layers(deck) -> dict:
    return {layer["id"]: layer for layer in json.loads(deck.to_json())["layers"]}


def test_deck_has_the_expected_layers(places):
    deck = maps.build_deck(places, ALL_LAYERS, settings=OFFLINE)
    layers = _layers(deck)
    types = {i: layer["@@type"] for i, layer in layers.items()}
    assert types["town"] == "GeoJsonLayer" and types["villages"] == "GeoJsonLayer"
    assert types["rivers"] == "PathLayer" and types["channels"] == "PathLayer"
    assert types["blackspots"] == "ScatterplotLayer" and types["heritage"] == "ScatterplotLayer"
    assert types["labels"] == "TextLayer"
    assert "tiles" not in layers
    assert len(layers["villages"]["data"]["features"]) == 17
    assert {r["code"] for r in layers["channels"]["data"]} == {f"RC{i:02d}" for i in range(1, 29)}
    assert len(layers["blackspots"]["data"]) == 12
    assert {r["name"] for r in layers["rivers"]["data"]} == {"茅湾涌", "鸦岗运河", "谷都截洪沟", "妈坑水库截洪沟"}


def test_only_the_chosen_layers(places):
    layers = _layers(maps.build_deck(places, ("town", "blackspots"), settings=OFFLINE))
    assert set(layers) == {"town", "blackspots"}


def test_colours_follow_status(places):
    """Every channel, blackspot and village gets the palette colour of its status (grey when not reported)."""
    layers = _layers(maps.build_deck(places, ALL_LAYERS, settings=OFFLINE))
    by_code = {p.code: p for p in places}
    for layer_id in ("channels", "blackspots", "rivers", "heritage"):
        for row in layers[layer_id]["data"]:
            status = by_code[row["code"]].status or progress.NO_DATA
            assert row["color"] == hex_to_rgb(STATUS_COLORS[status]), (layer_id, row["code"])
    statuses = {row["status"] for row in layers["channels"]["data"] + layers["blackspots"]["data"]}
    assert len(statuses) >= 2, "demo data should show more than one status"
    for feature in layers["villages"]["data"]["features"]:
        props = feature["properties"]
        if props["status"]:
            assert props["line"] == hex_to_rgb(STATUS_COLORS[props["status"]])
        else:
            assert props["fill"] == maps.UNTRACKED_FILL


def test_tooltips_in_chinese(places):
    deck = maps.build_deck(places, ALL_LAYERS, settings=OFFLINE)
    spec = json.loads(deck.to_json())
    assert "{name}" in maps.TOOLTIP["html"] and "{status_text}" in maps.TOOLTIP["html"]
    assert deck._tooltip == maps.TOOLTIP
    rc = next(r for r in _layers(deck)["channels"]["data"] if r["code"] == "RC28")
    assert rc["name"] == "重点整治河涌28" and rc["kind_name"] == "重点整治河涌"
    assert "截污工程" in rc["detail"] and rc["status_text"].endswith(rc["status"])
    for layer in spec["layers"]:
        if layer.get("pickable"):
            rows = layer["data"]["features"] if isinstance(layer["data"], dict) else layer["data"]
            for row in rows:
                row = row.get("properties", row)
                assert {"name", "kind_name", "status_text", "detail"} <= set(row), layer["id"]


def test_labels_cover_every_character_and_use_a_local_font(places):
    labels = _layers(maps.build_deck(places, ALL_LAYERS, settings=OFFLINE))["labels"]
    names = {r["label"] for r in labels["data"]}
    assert {"雍陌村", "茅湾涌", "古鹤村日东祠"} <= names
    assert set("".join(names)) <= set(labels["characterSet"])
    assert labels["fontFamily"].startswith("Noto Sans CJK SC")


def test_constants_are_not_turned_into_accessors(places):
    """pydeck turns bare strings into '@@=' expressions; units, font and character set must stay constants."""
    for layer in _layers(maps.build_deck(places, ALL_LAYERS, settings=OFFLINE)).values():
        for key, value in layer.items():
            if key.endswith("Units") or key in ("fontFamily", "characterSet", "getAlignmentBaseline"):
                assert not str(value).startswith("@@="), (layer["id"], key, value)


def test_no_outside_url_by_default(places):
    deck = maps.build_deck(places, ALL_LAYERS, settings=OFFLINE)
    text = deck.to_json()
    assert "http" not in text and "mapbox" not in text.lower() and "carto" not in text.lower()
    spec = json.loads(text)
    # Streamlit swaps a missing mapStyle for a CARTO basemap from the internet; pydeck's sentinel means none.
    assert spec["mapStyle"] == maps.NO_BASEMAP and "mapProvider" not in spec


def test_tile_url_adds_a_tile_layer_and_gcj02_shift(places):
    plain = _layers(maps.build_deck(places, ALL_LAYERS, settings=OFFLINE))
    tiled = maps.build_deck(places, ALL_LAYERS, settings=TILES)
    layers = _layers(tiled)
    assert layers["tiles"]["@@type"] == "TileLayer" and layers["tiles"]["data"] == TILES.tile_url
    assert list(layers)[0] == "tiles"
    before = next(r for r in plain["blackspots"]["data"] if r["code"] == "BS01")
    after = next(r for r in layers["blackspots"]["data"] if r["code"] == "BS01")
    metres = ((after["lng"] - before["lng"]) * 103_000) ** 2 + ((after["lat"] - before["lat"]) * 110_600) ** 2
    assert 500 <= metres**0.5 <= 700
    wgs_tiles = _layers(maps.build_deck(places, ALL_LAYERS, settings=Settings(tile_url=TILES.tile_url)))
    assert next(r for r in wgs_tiles["blackspots"]["data"] if r["code"] == "BS01")["lng"] == before["lng"]


def test_view_fits_the_town(places):
    view = maps.view_for(places, 1300, 680)
    assert 113.40 < view.longitude < 113.48 and 22.33 < view.latitude < 22.39
    assert 11.5 < view.zoom < 13.5


def _town_width_px(places, zoom: float) -> float:
    """How many pixels wide the town outline is drawn at ``zoom`` (web mercator: 512 px for 360° at zoom 0)."""
    west, _, east, _ = geo.bounds([p.geometry for p in places if p.kind == "town"])
    return (east - west) / 360 * 512 * 2**zoom


def test_phone_frame_fits_the_town_in_a_phone_width(places, monkeypatch):
    """On a phone (by its User-Agent) the first view fits the whole town into the 358 px a 390-px screen leaves;
    on a screen the zoom is the one that fits the chart's height (no fixed 1300 px)."""
    monkeypatch.setattr(maps, "is_phone", lambda: True)
    frame = maps.map_frame(680)
    assert frame == maps.PHONE_FRAME
    phone = maps.view_for(places, frame.width, frame.height)
    assert _town_width_px(places, phone.zoom) <= 358
    monkeypatch.setattr(maps, "is_phone", lambda: False)
    frame = maps.map_frame(680)
    assert frame.height == 680 and frame.width <= 700
    screen = maps.view_for(places, frame.width, frame.height)
    assert phone.zoom < screen.zoom and _town_width_px(places, screen.zoom) <= frame.width


def test_selected_code_from_event():
    class Event:
        def __init__(self, objects):
            self.selection = type("S", (), {"objects": objects})()

    assert maps.selected_code(Event({"channels": [{"code": "RC03"}]})) == "RC03"
    assert maps.selected_code(Event({"villages": [{"properties": {"code": "442000114208"}}]})) == "442000114208"
    assert maps.selected_code(Event({})) is None
    assert maps.selected_code(None) is None


def test_legend_uses_the_palette():
    html = maps.legend_html()
    for status in STATUSES:
        assert STATUS_COLORS[status] in html and status in html


# ------------------------------------------------------------------ the page


def _map_page(user: User | None = None) -> AppTest:
    return app_page("pages/map.py", user=user)


def test_map_page_with_demo_data(demo_db):
    at = _map_page()
    assert at.title[0].value == "地图"
    assert any("演示数据" in w.value for w in at.warning)
    assert len(at.get("deck_gl_json_chart")) == 1
    assert "替换地理数据" not in [e.label for e in at.expander], "the replace-geometry section is for admins only"
    spec = json.loads(at.get("deck_gl_json_chart")[0].proto.json)
    assert "http" not in at.get("deck_gl_json_chart")[0].proto.json
    assert {layer["id"] for layer in spec["layers"]} >= {"villages", "channels", "blackspots", "labels"}
    at.toggle(key="map_layer_blackspots").set_value(False).run()
    spec = json.loads(at.get("deck_gl_json_chart")[0].proto.json)
    assert "blackspots" not in {layer["id"] for layer in spec["layers"]}
    at.selectbox(key="map_place").set_value("RC05").run()
    assert not at.exception
    assert any("重点整治河涌05" in str(h.proto) for h in at.get("html"))
    table = at.dataframe[0].value
    assert "重点整治河涌截污工程完成进度" in table.index and "1月" in table.columns


def test_map_page_with_empty_data(empty_db):
    at = _map_page()
    assert not any("演示数据" in w.value for w in at.warning)
    assert len(at.get("deck_gl_json_chart")) == 1
    at.selectbox(key="map_place").set_value("BS01").run()
    assert not at.exception
    assert any("未填报" in str(h.proto) for h in at.get("html")) or any("未填报" in m.value for m in at.markdown)


def test_admin_replaces_geometry_from_the_page(demo_db):
    at = _map_page(make_admin(demo_db))
    assert "替换地理数据" in [e.label for e in at.expander]
    bad = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [113.44, 22.36]},
                "properties": {"code": "RC01", "name": "重点整治河涌01", "kind": "channel"},
            }
        ],
    }
    at.file_uploader(key="place_file").set_value(("bad.geojson", json.dumps(bad).encode(), "application/json")).run()
    assert not at.exception
    assert any("没有做任何修改" in e.value and "RC01" in e.value for e in at.error)
    with store.connect(demo_db) as con:
        assert con.execute("select count(*) from place_history").fetchone() == (0,)

    good = "code,name,kind,lng,lat,parent\nBS01,水浸黑点01,blackspot,113.4460,22.3960,442000114203\n"
    at.file_uploader(key="place_file").set_value(("blackspots.csv", good.encode(), "text/csv")).run()
    assert not at.exception and not at.error
    at.button(key="place_confirm").click().run()
    assert not at.exception
    assert any("已替换 1 个" in s.value for s in at.success)
    with store.connect(demo_db) as con:
        assert con.execute("select version from place where code = 'BS01'").fetchone() == (2,)
        assert con.execute("select count(*) from place_history where code = 'BS01'").fetchone() == (1,)


def test_area_map_sections(demo_db):
    """render_area_map for water, rural and culture runs and draws the layers of its area."""
    script = (
        "import sys\n"
        f"sys.path.insert(0, {str(ROOT)!r})\n"
        "from components.maps import render_area_map\n"
        "for area in ('water', 'rural', 'culture'):\n"
        "    render_area_map(area, 2023, 6)\n"
    )
    at = AppTest.from_string(script, default_timeout=60).run()
    assert not at.exception
    charts = at.get("deck_gl_json_chart")
    assert len(charts) == 3
    ids = [{layer["id"] for layer in json.loads(c.proto.json)["layers"]} for c in charts]
    assert {"channels", "blackspots", "rivers"} <= ids[0] and "heritage" not in ids[0]
    assert "villages" in ids[1] and "channels" not in ids[1]
    assert "heritage" in ids[2] and "blackspots" not in ids[2]
    assert sum("示意位置，非测绘成果" in c.value for c in at.caption) == 3


def test_refused_upload_shows_its_codes_as_text(demo_db):
    """A code in a refused file is markdown-escaped: a markdown image in it must not load from the internet."""
    at = _map_page(make_admin(demo_db))
    feature = {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [113.44, 22.36]},
        "properties": {"code": "![x](http://evil.example/x.png)", "name": "坏点", "kind": "lake"},
    }
    data = json.dumps({"type": "FeatureCollection", "features": [feature]}).encode()
    at.file_uploader(key="place_file").set_value(("![y](http://evil.example/y.png).geojson", data, "application/json")).run()
    assert not at.exception
    (error,) = at.error
    assert "没有做任何修改" in error.value and "lake" in error.value
    assert "](http" not in error.value and "\\]\\(http://evil.example/x.png\\)" in error.value
