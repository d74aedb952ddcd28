"""tracker.geo: per-place statuses from the same data as the charts, GCJ-02, and replacing the geometry."""

from __future__ import annotations

import copy
import json
import math

import pytest

from tests.conftest import app_page
from tracker import geo, progress, store
from tracker.auth import PermissionDenied, User
from tracker.config import ROOT

ADMIN = User("管理员甲", "admin")
GEOJSON = json.loads((ROOT / "data" / "places.geojson").read_text(encoding="utf-8"))


def _place_table(con) -> list[tuple]:
    return con.execute("select * from place order by code").fetchall()


def _feature(code: str) -> dict:
    return copy.deepcopy(next(f for f in GEOJSON["features"] if f["properties"]["code"] == code))


def _file(*features: dict) -> bytes:
    return json.dumps({"type": "FeatureCollection", "features": list(features)}, ensure_ascii=False).encode()


def _metres(a: tuple[float, float], b: tuple[float, float]) -> float:
    dx = (b[0] - a[0]) * 111_320 * math.cos(math.radians(a[1]))
    dy = (b[1] - a[1]) * 110_574
    return math.hypot(dx, dy)


# ------------------------------------------------------------------ statuses


@pytest.mark.parametrize("percent, stage", [(0, "未开工"), (1, "在建"), (99, "在建"), (100, "完工"), (None, None)])
def test_stage_for_percent(percent, stage):
    assert geo.stage_for_percent(percent) == stage


def test_status_for_percent_follows_time_progress():
    assert geo.status_for_percent(100, 3) == progress.DONE
    assert geo.status_for_percent(50, 6) == progress.ON_TRACK  # 50% at 序时进度 50%
    assert geo.status_for_percent(45, 6) == progress.WARNING
    assert geo.status_for_percent(10, 6) == progress.LAGGING
    assert geo.status_for_percent(None, 6) == progress.NO_DATA


def test_channel_values_come_from_the_indicator_macro(con):
    """The map's channel percents are exactly what place_stock_asof (used by the indicator SQL) returns."""
    expected = dict(con.execute("select place, value from place_stock_asof('river_interception_pct', 2023) where month = 6").fetchall())
    states = geo.place_states(con, 2023, 6)
    assert expected, "demo data should have channel figures"
    for code, value in expected.items():
        assert states[code].percent == value
        assert states[code].stage == geo.stage_for_percent(value)


def test_done_channels_match_the_indicator(con):
    """Channels drawn as 完工 on the map = the river interception indicator's count for the month."""
    from tracker.indicators import registry, run_many

    ind = next(i for i in registry().values() if "river_interception_pct" in i.metrics)
    frame = run_many(con, [ind], [2023])
    value = frame[(frame["code"] == ind.code) & (frame["month"] == 6)]["value"].iloc[0]
    done = [p for p in geo.map_places(con, 2023, 6) if p.kind == "channel" and p.stage == "完工"]
    assert len(done) == value


def test_blackspot_and_project_statuses(con):
    places = {p.code: p for p in geo.map_places(con, 2023, 6)}
    assert all(places[f"BS{i:02d}"].status in progress.STATUSES for i in range(1, 13))
    from tracker.status import project_status

    by_place = {p.place: p for p in project_status(con, 2023, 6) if p.place}
    assert places["H_RIDONG"].status == by_place["H_RIDONG"].status
    assert "修缮古鹤村日东祠" in places["H_RIDONG"].detail
    assert places["R_MAOWAN"].status == by_place["R_MAOWAN"].status


def test_no_figures_means_not_reported(empty_db):

    with store.connect(empty_db) as con:
        places = {p.code: p for p in geo.map_places(con, 2023, 6)}
        assert places["RC01"].status == progress.NO_DATA
        assert places["BS01"].status == progress.NO_DATA
        assert places["RC01"].detail.endswith("未填报")
        assert not geo.shows_demo(con, 2023, 6)


def test_place_figures_month_by_month(con):
    figures = geo.place_figures(con, "RC05", 2023)
    assert list(figures["month"]) == sorted(figures["month"])
    assert set(figures["item"]) == {"重点整治河涌截污工程完成进度"}
    village = geo.place_figures(con, "442000114208", 2023)
    assert "雍陌特色精品村建设" in set(village["item"])


# ------------------------------------------------------------------ GCJ-02


def test_gcj02_shift_is_about_600_metres_here():
    seat = (113.4411, 22.3582)
    shifted = geo.wgs84_to_gcj02(*seat)
    assert 500 <= _metres(seat, shifted) <= 700
    assert geo.wgs84_to_gcj02(2.35, 48.85) == (2.35, 48.85)  # outside China: unchanged


def test_display_transform_only_for_gcj02_tiles():
    from tracker.config import Settings

    assert geo.display_transform(Settings()) is None
    assert geo.display_transform(Settings(tile_url="http://tiles.local/{z}/{x}/{y}.png")) is None
    gcj = Settings(tile_url="http://t/{z}/{x}/{y}.png", tile_datum="gcj02")
    assert geo.display_transform(gcj) is geo.wgs84_to_gcj02


# ------------------------------------------------------------------ validation


@pytest.mark.parametrize(
    "mutate, words",
    [
        (lambda f: f["geometry"].update(type="Point", coordinates=[113.44, 22.36]), ["第 1 个要素", "RC01", "geometry", "Point"]),
        (lambda f: f["geometry"].update(coordinates=[[114.2, 22.3], [114.21, 22.31]]), ["第 1 个要素", "不在三乡镇附近"]),
        (lambda f: f["geometry"].update(coordinates=[[22.36, 113.44], [22.37, 113.45]]), ["经度在前"]),
        (lambda f: f["properties"].update(kind="lake"), ["第 1 个要素", "kind", "lake"]),
        (lambda f: f["properties"].pop("code"), ["第 1 个要素", "code"]),
    ],
)
def test_bad_geojson_is_refused_and_nothing_changes(con, mutate, words):
    before = _place_table(con)
    feature = _feature("RC01")
    mutate(feature)
    with pytest.raises(geo.PlaceFileError) as err:
        geo.parse_place_file(_file(feature), "bad.geojson", con)
    for word in words:
        assert word in str(err.value)
    assert _place_table(con) == before


def test_duplicate_codes_are_refused(con):
    with pytest.raises(geo.PlaceFileError) as err:
        geo.parse_place_file(_file(_feature("BS01"), _feature("BS01")), "dup.geojson", con)
    assert "第 2 个要素" in str(err.value) and "重复" in str(err.value)


def test_kind_change_of_an_existing_code_is_refused(con):
    feature = _feature("BS01")
    feature["properties"]["kind"] = "heritage"
    with pytest.raises(geo.PlaceFileError) as err:
        geo.parse_place_file(_file(feature), "kind.geojson", con)
    assert "BS01" in str(err.value) and "kind" in str(err.value)


def test_not_geojson_at_all(con):
    for data in (b"{not json", b'{"type": "Topology"}', "中文".encode("gbk")):
        with pytest.raises(geo.PlaceFileError):
            geo.parse_place_file(data, "x.geojson", con)


def test_csv_errors_name_the_row_and_field(con):
    data = (
        "code,name,kind,lng,lat\n"
        "BS01,水浸黑点01,blackspot,113.44,22.36\n"
        "BS02,水浸黑点02,blackspot,abc,22.36\n"
        "BS03,水浸黑点03,blackspot,120.0,22.36\n"
        "RC01,重点整治河涌01,channel,113.44,22.36\n"
    ).encode("utf-8-sig")
    with pytest.raises(geo.PlaceFileError) as err:
        geo.parse_place_file(data, "points.csv", con)
    text = str(err.value)
    assert "第 3 行" in text and "lng/lat" in text
    assert "第 4 行" in text and "不在三乡镇附近" in text
    assert "第 5 行" in text and "LineString" in text
    assert "第 2 行" not in text


def test_csv_in_gbk_with_chinese_headers(con):
    data = "编码,名称,类别,经度,纬度,上级\nBS01,水浸黑点01,blackspot,113.445,22.395,442000114203\n".encode("gbk")
    upload = geo.parse_place_file(data, "黑点.csv", con)
    assert upload.features[0]["geometry"] == {"type": "Point", "coordinates": [113.445, 22.395]}
    assert upload.changed_codes == ["BS01"]


# ------------------------------------------------------------------ replacing


def test_good_replacement_bumps_version_and_keeps_history(con):
    feature = _feature("BS01")
    feature["geometry"]["coordinates"] = [113.4460, 22.3960]
    feature["properties"]["schematic"] = False
    new = {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [113.45, 22.37]},
        "properties": {"code": "BS13", "name": "水浸黑点13", "kind": "blackspot"},
    }
    untouched = con.execute("select * from place where code = 'BS02'").fetchone()
    upload = geo.parse_place_file(_file(feature, new), "surveyed.geojson", con)
    assert upload.changed_codes == ["BS01"] and upload.new_codes == ["BS13"]
    result = geo.replace_places(con, ADMIN, upload)
    assert result.replaced == 1 and result.added == 1
    row = con.execute("select geometry, version, schematic, label_lng from place where code = 'BS01'").fetchone()
    assert json.loads(row[0])["coordinates"] == [113.4460, 22.3960]
    assert row[1] == 2 and row[2] is False and row[3] == 113.4460
    old = con.execute("select geometry, version, replaced_by from place_history where code = 'BS01'").fetchone()
    assert json.loads(old[0]) == _feature("BS01")["geometry"] and old[1] == 1 and old[2] == ADMIN.name
    assert con.execute("select version from place where code = 'BS13'").fetchone() == (1,)
    assert con.execute("select * from place where code = 'BS02'").fetchone() == untouched
    audit = con.execute("select user_name, detail from audit where action = 'replace_places'").fetchone()
    assert audit[0] == ADMIN.name and json.loads(audit[1])["file"] == "surveyed.geojson"
    assert con.execute("select kind, rows from batch where kind = 'places'").fetchone() == ("places", 2)


@pytest.mark.parametrize("user", [None, User("张三", "viewer"), User("李四", "staff", "water")])
def test_non_admin_is_refused(con, user):
    before = _place_table(con)
    upload = geo.parse_place_file(_file(_feature("BS01")), "x.geojson", con)
    with pytest.raises(PermissionDenied):
        geo.replace_places(con, user, upload)
    assert _place_table(con) == before
    assert con.execute("select count(*) from place_history").fetchone() == (0,)


def test_replacement_is_all_or_nothing(con, monkeypatch):
    """A failure half way (here: the audit write) leaves place and place_history as they were."""
    before = _place_table(con)
    upload = geo.parse_place_file(_file(_feature("BS01"), _feature("BS02")), "x.geojson", con)

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(store, "audit", broken)
    with pytest.raises(RuntimeError):
        geo.replace_places(con, ADMIN, upload)
    assert _place_table(con) == before
    assert con.execute("select count(*) from place_history").fetchone() == (0,)


def test_whole_shipped_file_round_trips(con):
    """The shipped places.geojson passes validation (and so does its export)."""
    upload = geo.parse_place_file((ROOT / "data" / "places.geojson").read_bytes(), "places.geojson", con)
    assert len(upload.features) == len(GEOJSON["features"]) and not upload.new_codes
    again = geo.parse_place_file(geo.export_geojson(con).encode(), "export.geojson", con)
    assert len(again.features) == len(upload.features)


def test_place_names_from_an_upload_are_shown_escaped_on_the_map_page(demo_db):
    """An admin-uploaded name with markup must be text, never HTML that could load from the internet."""
    with store.connect(demo_db) as con:
        con.execute("update place set name = '<img src=http://evil.example/x.png>' where code = 'BS01'")
    at = app_page("pages/map.py")
    at.selectbox(key="map_place").set_value("BS01").run()
    assert not at.exception
    shown = " ".join(str(element.proto) for element in at.get("html"))
    assert "&lt;img src=http://evil.example/x.png&gt;" in shown
    assert "<img src=http://evil.example" not in shown
