"""Places on the map: what each one shows for a month, and replacing the geometry with surveyed data.

The colours on the map come from the same figures as the charts: per-place metrics through the
``place_stock_asof`` macro the indicator SQL uses, projects through ``tracker.status.project_status``.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import math
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import duckdb
import pandas as pd

from tracker import config, model, progress, store
from tracker.auth import User, require_admin
from tracker.status import project_status

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
# A sane box around the town (its indicative extent is 113.37–113.50 E, 22.30–22.42 N).
BOX = (113.30, 22.25, 113.60, 22.48)  # lng_min, lat_min, lng_max, lat_max
# Per-place metrics, by the kind of place that reports them.
PLACE_METRICS = {
    "channel": "river_interception_pct",
    "village": "village_sewage_pct",
    "community": "village_sewage_pct",
    "blackspot": "blackspot_pct",
}
STAGE_NOT_STARTED, STAGE_BUILDING, STAGE_DONE = "未开工", "在建", "完工"


def stage_for_percent(percent: float | None) -> str | None:
    """Interception / rectification stage from a reported percent: 0 未开工, 1–99 在建, 100 完工."""
    if percent is None or (isinstance(percent, float) and math.isnan(percent)):
        return None
    if percent >= 100:
        return STAGE_DONE
    if percent <= 0:
        return STAGE_NOT_STARTED
    return STAGE_BUILDING


def status_for_percent(percent: float | None, month: int) -> str:
    """A per-place percent against 序时进度 (100% due by December), by the same rule as the indicators."""
    if percent is None or (isinstance(percent, float) and math.isnan(percent)):
        return model.NO_DATA
    verdict = progress.judge_cumulative(
        float(percent), 100.0, progress.time_progress(month), progress.Rules.from_settings(), final=month >= 12
    )
    return verdict.status


def worst(statuses: list[str]) -> str | None:
    """The most urgent status of several (滞后 before 预警 before 未填报 ...); None for none."""
    known = [s for s in statuses if s]
    return min(known, key=lambda s: model.SEVERITY.get(s, 9)) if known else None


# --------------------------------------------------------------------------------------- reading


def places(con: duckdb.DuckDBPyConnection) -> list[dict]:
    """Every place with its geometry parsed, in a stable order."""
    rows = con.execute(
        "select code, name, kind, parent, geometry, label_lng, label_lat, schematic, note, version from place order by kind, code"
    ).fetchall()
    out = []
    for code, name, kind, parent, geometry, lng, lat, schematic, note, version in rows:
        geom = json.loads(geometry) if geometry else None
        if lng is None or lat is None:
            lng, lat = label_point(geom) if geom else (None, None)
        out.append(
            {
                "code": code,
                "name": name,
                "kind": kind,
                "parent": parent,
                "geometry": geom,
                "label_lng": lng,
                "label_lat": lat,
                "schematic": bool(schematic),
                "note": note,
                "version": version,
            }
        )
    return out


def place_percents(con: duckdb.DuckDBPyConnection, metric: str, year: int, month: int) -> dict[str, float]:
    """Each place's percent as of the month, from the macro the indicator SQL uses; {} when nothing was reported."""
    rows = con.execute("select place, value from place_stock_asof(?, ?) where month = ?", [metric, year, month]).fetchall()
    return {p: float(v) for p, v in rows if v is not None}


def place_states(con: duckdb.DuckDBPyConnection, year: int, month: int) -> dict[str, dict]:
    """For each place code: its status for the month and the facts behind it.

    ``{code: {"status", "stage", "percent", "metric", "projects": [{code, name, stage, percent, status}]}}``.
    A place with neither a per-place metric nor a project is absent.
    """
    kinds = dict(con.execute("select code, kind from place").fetchall())
    out: dict[str, dict] = {}
    for metric in sorted(set(PLACE_METRICS.values())):
        for code, pct in place_percents(con, metric, year, month).items():
            out.setdefault(code, {"projects": []}).update(
                {"metric": metric, "percent": pct, "stage": stage_for_percent(pct), "metric_status": status_for_percent(pct, month)}
            )
    # Places of a per-place metric that did not report are 未填报, not absent.
    for code, kind in kinds.items():
        if kind in PLACE_METRICS and kind != "village" and kind != "community" and code not in out:
            out[code] = {"projects": [], "metric": PLACE_METRICS[kind], "percent": None, "stage": None, "metric_status": model.NO_DATA}
    for proj in project_status(con, year, month):
        if not proj.place:
            continue
        out.setdefault(proj.place, {"projects": []})["projects"].append(
            {
                "code": proj.code,
                "name": proj.name,
                "stage": proj.stage,
                "percent": proj.percent,
                "status": proj.status,
                "target_stage": proj.target_stage,
                "milestone": proj.milestone,
                "project_type": proj.project_type,
                "demo": proj.demo,
            }
        )
    for state in out.values():
        state["status"] = worst([state.get("metric_status")] + [p["status"] for p in state["projects"]])
        if state.get("stage") is None and state["projects"]:
            state["stage"] = state["projects"][0]["stage"]
            state["percent"] = state["projects"][0]["percent"] if state.get("percent") is None else state["percent"]
    return out


def place_figures(con: duckdb.DuckDBPyConnection, code: str, year: int) -> pd.DataFrame:
    """Month by month for one place: every per-place figure and every project at it (stage and percent)."""
    figures = con.execute(
        """
        select f.month, m.name as item, f.value, m.unit, f.note, f.user_name, f.created_at
        from figure_current f join metric m on m.code = f.metric
        where f.place = ? and f.year = ?
        """,
        [code, year],
    ).df()
    projects = con.execute(
        """
        select pp.month, p.name as item, pp.percent as value, '%' as unit,
               pp.stage || coalesce('；' || pp.note, '') as note, pp.user_name, pp.created_at
        from project_progress_latest pp join project p on p.code = pp.project
        where p.place = ? and pp.year = ?
        """,
        [code, year],
    ).df()
    frames = [f for f in (figures, projects) if not f.empty]
    if not frames:
        return pd.DataFrame(columns=["month", "item", "value", "unit", "note", "user_name", "created_at"])
    return pd.concat(frames, ignore_index=True).sort_values(["item", "month"], ignore_index=True)


METRIC_SHORT = {"river_interception_pct": "截污工程", "village_sewage_pct": "生活污水治理", "blackspot_pct": "黑点整治"}


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value:.0f}%"


def describe(state: dict | None) -> str:
    """One line per fact, for tooltips: ``截污工程 60%（在建）``, ``修缮古鹤村日东祠：在建 45%``."""
    if not state:
        return "无跟踪事项"
    lines = []
    if state.get("metric"):
        short = METRIC_SHORT.get(state["metric"], state["metric"])
        if state.get("percent") is None or state.get("metric_status") == model.NO_DATA and "percent" not in state:
            lines.append(f"{short}：未填报")
        else:
            lines.append(f"{short} {_pct(state['percent'])}（{stage_for_percent(state['percent'])}）")
    for proj in state.get("projects", []):
        lines.append(f"{proj['name']}：{proj['stage'] or '未填报'} {_pct(proj['percent'])}".rstrip(" —"))
    return "\n".join(lines) if lines else "无跟踪事项"


def map_places(con: duckdb.DuckDBPyConnection, year: int, month: int) -> list[dict]:
    """Every place with what the map shows for the month: status, stage, percent and a short description."""
    states = place_states(con, year, month)
    out = []
    for place in places(con):
        state = states.get(place["code"])
        out.append(
            {
                **place,
                "kind_name": PLACE_KIND_NAMES.get(place["kind"], place["kind"]),
                "status": state["status"] if state else None,
                "stage": state.get("stage") if state else None,
                "percent": state.get("percent") if state else None,
                "projects": state["projects"] if state else [],
                "detail": describe(state),
            }
        )
    return out


def shows_demo(con: duckdb.DuckDBPyConnection, year: int, month: int) -> bool:
    """Whether the map's colours for the month rest on any demo figure or demo project progress."""
    (demo,) = con.execute(
        """
        select coalesce(bool_or(demo), false) from (
            select demo from figure_current
            where list_contains(?, metric) and year <= ? and year * 100 + month <= ? * 100 + ?
            union all
            select pp.demo from project_progress_latest pp join project p on p.code = pp.project
            where p.place is not null and pp.year = ? and pp.month = ?
        )
        """,
        [sorted(set(PLACE_METRICS.values())), year, year, month, year, month],
    ).fetchone()
    return bool(demo)


def export_geojson(con: duckdb.DuckDBPyConnection) -> str:
    """The place table as a GeoJSON FeatureCollection: the starting point for an administrator's edits."""
    features = [
        {
            "type": "Feature",
            "geometry": p["geometry"],
            "properties": {
                "code": p["code"],
                "name": p["name"],
                "kind": p["kind"],
                "parent": p["parent"] or "",
                "schematic": p["schematic"],
                "label_lng": p["label_lng"],
                "label_lat": p["label_lat"],
            },
        }
        for p in places(con)
    ]
    return json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False, indent=1)


# --------------------------------------------------------------------------------------- geometry


def _points(geometry: dict) -> list[list[float]]:
    kind, coords = geometry.get("type"), geometry.get("coordinates")
    if kind == "Point":
        return [coords]
    if kind in ("LineString", "MultiPoint"):
        return list(coords)
    if kind in ("Polygon", "MultiLineString"):
        return [p for ring in coords for p in ring]
    if kind == "MultiPolygon":
        return [p for poly in coords for ring in poly for p in ring]
    return []


def label_point(geometry: dict) -> tuple[float, float]:
    """Where to put a place's name: the point itself, a line's middle vertex, a polygon's vertex mean."""
    kind = geometry["type"]
    if kind == "Point":
        return float(geometry["coordinates"][0]), float(geometry["coordinates"][1])
    if kind in ("LineString", "MultiLineString"):
        line = geometry["coordinates"] if kind == "LineString" else max(geometry["coordinates"], key=len)
        mid = line[len(line) // 2]
        return float(mid[0]), float(mid[1])
    pts = _points(geometry)
    ring = pts[:-1] if len(pts) > 1 and pts[0] == pts[-1] else pts
    return sum(p[0] for p in ring) / len(ring), sum(p[1] for p in ring) / len(ring)


def bounds(geometries: list[dict]) -> tuple[float, float, float, float]:
    pts = [p for g in geometries if g for p in _points(g)]
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


def _map_coords(coords: Any, fn) -> Any:
    if coords and isinstance(coords[0], (int, float)):
        lng, lat = fn(float(coords[0]), float(coords[1]))
        return [lng, lat, *coords[2:]]
    return [_map_coords(c, fn) for c in coords]


def transform_geometry(geometry: dict, fn) -> dict:
    return {**geometry, "coordinates": _map_coords(geometry["coordinates"], fn)}


def display_transform(settings: config.Settings | None = None):
    """The coordinate shift the configured basemap needs: GCJ-02 only with a GCJ-02 tile server, else none."""
    settings = settings or config.settings()
    if settings.tile_url and settings.tile_datum.lower() == "gcj02":
        return wgs84_to_gcj02
    return None


# --------------------------------------------------------------------------------------- replacing


class PlaceFileError(ValueError):
    """An uploaded place file was refused; ``errors`` lists every problem in Chinese."""

    def __init__(self, errors: list[str]):
        super().__init__("\n".join(errors))
        self.errors = errors


@dataclass
class PlaceUpload:
    features: list[dict]  # GeoJSON features with properties code, name, kind, parent, label_lng, label_lat, schematic
    file_name: str
    sha256: str
    new_codes: list[str] = field(default_factory=list)
    changed_codes: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def _in_box(lng: Any, lat: Any) -> bool:
    return (
        isinstance(lng, (int, float))
        and isinstance(lat, (int, float))
        and not isinstance(lng, bool)
        and BOX[0] <= lng <= BOX[2]
        and BOX[1] <= lat <= BOX[3]
    )


def _coords_ok(geometry: dict) -> str | None:
    """None when the coordinates are well formed and inside the box, else the problem (Chinese)."""
    kind, coords = geometry.get("type"), geometry.get("coordinates")
    if not isinstance(coords, list) or not coords:
        return "缺少坐标"
    try:
        pts = _points(geometry)
    except TypeError:
        return "坐标格式不对"
    if not pts or any(not isinstance(p, list) or len(p) < 2 for p in pts):
        return "坐标格式不对"
    if kind in ("LineString",) and len(pts) < 2:
        return "线至少需要两个点"
    if kind == "Polygon" and any(len(ring) < 4 for ring in coords):
        return "面的每个环至少需要四个点（首尾相同）"
    for p in pts:
        if not _in_box(p[0], p[1]):
            return (
                f"坐标 ({p[0]}, {p[1]}) 不在三乡镇附近（经度 {BOX[0]}–{BOX[2]}，纬度 {BOX[1]}–{BOX[3]}），请确认是 WGS-84 经纬度且经度在前"
            )
    return None


def _check_features(features: list[dict], labels: list[str]) -> tuple[list[dict], list[str]]:
    """Check each feature; ``labels[i]`` says where feature i is in the file (第 3 个要素 / 第 3 行)."""
    errors, clean, seen = [], [], {}
    for feature, at in zip(features, labels, strict=True):
        if not isinstance(feature, dict) or feature.get("type") != "Feature":
            errors.append(f"{at}：不是 GeoJSON Feature")
            continue
        props = feature.get("properties") or {}
        geometry = feature.get("geometry") or {}
        code = str(props.get("code") or "").strip()
        name = str(props.get("name") or "").strip()
        kind = str(props.get("kind") or "").strip()
        if not code:
            errors.append(f"{at}：缺少字段 code（地点编码）")
        elif code in seen:
            errors.append(f"{at}：字段 code 的值“{code}”与{seen[code]}重复")
        else:
            seen[code] = at
        if not name:
            errors.append(f"{at}（{code}）：缺少字段 name（名称）")
        if kind not in KIND_GEOMETRY:
            errors.append(f"{at}（{code}）：字段 kind 的值“{kind}”未知，应为 {'、'.join(KIND_GEOMETRY)} 之一")
            continue
        gtype = geometry.get("type") if isinstance(geometry, dict) else None
        if gtype not in KIND_GEOMETRY[kind]:
            errors.append(
                f"{at}（{code}）：字段 geometry 的类型“{gtype}”不适用于 {kind}（{PLACE_KIND_NAMES[kind]}），"
                f"应为 {'、'.join(KIND_GEOMETRY[kind])}"
            )
            continue
        problem = _coords_ok(geometry)
        if problem:
            errors.append(f"{at}（{code}）：字段 geometry：{problem}")
            continue
        lng, lat = props.get("label_lng"), props.get("label_lat")
        if lng is None or lat is None or lng == "" or lat == "":
            lng, lat = label_point(geometry)
        elif not _in_box(lng, lat):
            errors.append(f"{at}（{code}）：字段 label_lng/label_lat ({lng}, {lat}) 不在三乡镇附近")
            continue
        schematic = props.get("schematic", False)
        if isinstance(schematic, str):
            schematic = schematic.strip().lower() in ("true", "1", "是", "yes")
        clean.append(
            {
                "type": "Feature",
                "geometry": {"type": gtype, "coordinates": geometry["coordinates"]},
                "properties": {
                    "code": code,
                    "name": name,
                    "kind": kind,
                    "parent": str(props.get("parent") or "").strip() or None,
                    "label_lng": float(lng),
                    "label_lat": float(lat),
                    "schematic": bool(schematic),
                    "note": props.get("note") or None,
                },
            }
        )
    return clean, errors


def _parse_geojson(text: str) -> tuple[list[dict], list[str]]:
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        return [], [f"文件不是有效的 JSON：第 {exc.lineno} 行第 {exc.colno} 列附近有错误"]
    if isinstance(doc, dict) and doc.get("type") == "Feature":
        doc = {"type": "FeatureCollection", "features": [doc]}
    if not isinstance(doc, dict) or doc.get("type") != "FeatureCollection" or not isinstance(doc.get("features"), list):
        return [], ["文件不是 GeoJSON FeatureCollection（需要 type 为 FeatureCollection 且含 features 列表）"]
    crs = ((doc.get("crs") or {}).get("properties") or {}).get("name", "")
    if crs and "4326" not in crs and "CRS84" not in crs.upper():
        return [], [f"坐标系为 {crs}，只接受 WGS-84 经纬度（EPSG:4326）"]
    if not doc["features"]:
        return [], ["文件中没有任何地点"]
    return _check_features(doc["features"], [f"第 {i} 个要素" for i in range(1, len(doc["features"]) + 1)])


CSV_COLUMNS = ("code", "name", "kind", "lng", "lat")
CSV_ALIASES = {
    "编码": "code",
    "地点编码": "code",
    "名称": "name",
    "类别": "kind",
    "类型": "kind",
    "经度": "lng",
    "lon": "lng",
    "longitude": "lng",
    "纬度": "lat",
    "latitude": "lat",
    "上级": "parent",
    "所属村居": "parent",
    "示意": "schematic",
    "备注": "note",
}


def _decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise PlaceFileError(["文件编码无法识别，请另存为 UTF-8 或 GBK 编码的 CSV"])


def _parse_csv(text: str) -> tuple[list[dict], list[str]]:
    reader = csv.DictReader(io.StringIO(text))
    header = [
        CSV_ALIASES.get((h or "").strip().lower(), CSV_ALIASES.get((h or "").strip(), (h or "").strip().lower()))
        for h in (reader.fieldnames or [])
    ]
    missing = [c for c in CSV_COLUMNS if c not in header]
    if missing:
        return [], [f"CSV 缺少列：{'、'.join(missing)}（需要 code,name,kind,lng,lat，可选 parent）"]
    features, errors = [], []
    for i, raw in enumerate(reader, start=2):
        row = {header[j]: (v or "").strip() for j, v in enumerate(raw.values()) if j < len(header)}
        try:
            lng, lat = float(row["lng"]), float(row["lat"])
        except ValueError:
            errors.append(f"第 {i} 行（{row.get('code', '')}）：字段 lng/lat 不是数字：“{row['lng']}”, “{row['lat']}”")
            continue
        props = {k: row.get(k) for k in ("code", "name", "kind", "parent", "note")}
        props["schematic"] = row.get("schematic", "false")
        features.append({"type": "Feature", "geometry": {"type": "Point", "coordinates": [lng, lat]}, "properties": props, "_row": i})
    if not features and not errors:
        return [], ["CSV 中没有任何数据行"]
    clean, feature_errors = _check_features(
        [{k: v for k, v in f.items() if k != "_row"} for f in features], [f"第 {f['_row']} 行" for f in features]
    )
    return clean, errors + feature_errors


def parse_place_file(data: bytes, file_name: str, con: duckdb.DuckDBPyConnection | None = None) -> PlaceUpload:
    """Read and check an uploaded GeoJSON (.geojson/.json) or CSV (code,name,kind,lng,lat[,parent]).

    Raises PlaceFileError with every problem found; nothing is written here.
    """
    text = _decode(data)
    if file_name.lower().endswith(".csv"):
        features, errors = _parse_csv(text)
    else:
        features, errors = _parse_geojson(text)
    upload = PlaceUpload(features, file_name, hashlib.sha256(data).hexdigest())
    if con is not None and features:
        existing = {c: (k, n) for c, k, n in con.execute("select code, kind, name from place").fetchall()}
        known = set(existing) | {f["properties"]["code"] for f in features}
        for f in features:
            p = f["properties"]
            if p["code"] in existing:
                old_kind, _ = existing[p["code"]]
                if old_kind != p["kind"]:
                    errors.append(
                        f"地点 {p['code']}（{p['name']}）：字段 kind 原为 {old_kind}，不能改为 {p['kind']}（已有填报数据按类别汇总）"
                    )
                upload.changed_codes.append(p["code"])
            else:
                upload.new_codes.append(p["code"])
            if p["parent"] and p["parent"] not in known:
                upload.warnings.append(f"地点 {p['code']}：上级 {p['parent']} 不在地点表中")
        if upload.new_codes:
            upload.warnings.append(
                f"新增 {len(upload.new_codes)} 个地点：{'、'.join(upload.new_codes[:10])}" + ("……" if len(upload.new_codes) > 10 else "")
            )
    if errors:
        raise PlaceFileError(errors)
    return upload


def replace_places(con: duckdb.DuckDBPyConnection, user: User | None, upload: PlaceUpload, at: datetime | None = None) -> dict:
    """Write the uploaded places, all or nothing: each replaced row goes to ``place_history`` first.

    Places not in the upload stay as they are (figures and projects refer to them by code).
    Only administrators may do this.
    """
    user = require_admin(user)
    at = at or datetime.now()
    codes = [f["properties"]["code"] for f in upload.features]
    with store.transaction(con):
        con.execute(
            "insert into place_history select code, name, kind, parent, geometry, label_lng, label_lat, schematic, "
            "note, version, ?, ? from place where list_contains(?, code)",
            [at, user.name, codes],
        )
        versions = dict(con.execute("select code, version from place where list_contains(?, code)", [codes]).fetchall())
        for f in upload.features:
            p = f["properties"]
            values = [
                p["name"],
                p["kind"],
                p["parent"],
                json.dumps(f["geometry"], ensure_ascii=False),
                p["label_lng"],
                p["label_lat"],
                p["schematic"],
                p["note"],
            ]
            if p["code"] in versions:
                con.execute(
                    "update place set name = ?, kind = ?, parent = ?, geometry = ?, label_lng = ?, label_lat = ?, "
                    "schematic = ?, note = ?, version = ? where code = ?",
                    values + [versions[p["code"]] + 1, p["code"]],
                )
            else:
                con.execute(
                    "insert into place (name, kind, parent, geometry, label_lng, label_lat, schematic, note, "
                    "version, code) values (?, ?, ?, ?, ?, ?, ?, ?, 1, ?)",
                    values + [p["code"]],
                )
        batch_id = store.new_batch(
            con, "places", user.name, created_at=at, file_name=upload.file_name, sha256=upload.sha256, rows=len(codes)
        )
        store.audit(
            con,
            user.name,
            "replace_places",
            {
                "batch": batch_id,
                "file": upload.file_name,
                "sha256": upload.sha256,
                "replaced": len(versions),
                "added": len(codes) - len(versions),
            },
            at=at,
        )
    return {"batch": batch_id, "replaced": len(versions), "added": len(codes) - len(versions)}
