"""Replacing the geometry with surveyed data: read and check an uploaded file, then write it all or nothing.

``parse_place_file`` reads GeoJSON or a CSV of points and refuses it with every problem in Chinese;
``replace_places`` writes a checked upload in one transaction, the old rows kept in ``place_history``.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import duckdb

from tracker import store, towns
from tracker.auth import User, require_admin
from tracker.geo.geometry import Geometry, in_box, label_point, points, town_box
from tracker.geo.places import KIND_GEOMETRY, PLACE_KIND_NAMES
from tracker.geo.state import MapPlace
from tracker.ingest.cells import decode_text

Feature = dict[str, Any]  # a GeoJSON Feature

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


class PlaceFileError(ValueError):
    """An uploaded place file was refused; ``errors`` lists every problem in Chinese."""

    def __init__(self, errors: list[str]):
        super().__init__("\n".join(errors))
        self.errors = errors


@dataclass
class PlaceUpload:
    features: list[Feature]  # GeoJSON features with properties code, name, kind, parent, label_lng, label_lat, schematic, note
    file_name: str
    sha256: str
    new_codes: list[str] = field(default_factory=list)
    changed_codes: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class ReplaceResult:
    batch: int
    replaced: int
    added: int


# --------------------------------------------------------------------------------------- checking


def _coords_problem(geometry: Geometry) -> str | None:
    """None when the coordinates are well formed and inside the box, else the problem (Chinese)."""
    kind, coords = geometry.get("type"), geometry.get("coordinates")
    if not isinstance(coords, list) or not coords:
        return "缺少坐标"
    try:
        pts = points(geometry)
    except TypeError:
        return "坐标格式不对"
    if not pts or any(not isinstance(p, list) or len(p) < 2 for p in pts):
        return "坐标格式不对"
    if kind in ("LineString",) and len(pts) < 2:
        return "线至少需要两个点"
    if kind == "Polygon" and any(len(ring) < 4 for ring in coords):
        return "面的每个环至少需要四个点（首尾相同）"
    for p in pts:
        if not in_box(p[0], p[1]):
            box = town_box()
            return (
                f"坐标 ({p[0]}, {p[1]}) 不在{towns.name()}附近（经度 {box[0]}–{box[2]}，纬度 {box[1]}–{box[3]}），"
                "请确认是 WGS-84 经纬度且经度在前"
            )
    return None


def _label(props: dict[str, Any], geometry: Geometry) -> tuple[Any, Any] | None:
    """Where the name goes: the given label_lng/label_lat, one computed from the geometry, or None when outside the box."""
    lng, lat = props.get("label_lng"), props.get("label_lat")
    if lng is None or lat is None or lng == "" or lat == "":
        return label_point(geometry)
    return (lng, lat) if in_box(lng, lat) else None


def _schematic(value: Any) -> bool:
    """``schematic`` as a bool; a CSV cell says true/1/是/yes."""
    if isinstance(value, str):
        return value.strip().lower() in ("true", "1", "是", "yes")
    return bool(value)


def _clean_feature(feature: Any, at: str, seen: dict[str, str], errors: list[str]) -> Feature | None:
    """The clean feature, or None with its problems appended to ``errors``; ``seen`` maps codes to where they were."""
    if not isinstance(feature, dict) or feature.get("type") != "Feature":
        errors.append(f"{at}：不是 GeoJSON Feature")
        return None
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
        return None
    gtype = geometry.get("type") if isinstance(geometry, dict) else None
    if gtype not in KIND_GEOMETRY[kind]:
        errors.append(
            f"{at}（{code}）：字段 geometry 的类型“{gtype}”不适用于 {kind}（{PLACE_KIND_NAMES[kind]}），"
            f"应为 {'、'.join(KIND_GEOMETRY[kind])}"
        )
        return None
    problem = _coords_problem(geometry)
    if problem:
        errors.append(f"{at}（{code}）：字段 geometry：{problem}")
        return None
    label = _label(props, geometry)
    if label is None:
        where = f"({props.get('label_lng')}, {props.get('label_lat')})"
        errors.append(f"{at}（{code}）：字段 label_lng/label_lat {where} 不在{towns.name()}附近")
        return None
    lng, lat = label
    return {
        "type": "Feature",
        "geometry": {"type": gtype, "coordinates": geometry["coordinates"]},
        "properties": {
            "code": code,
            "name": name,
            "kind": kind,
            "parent": str(props.get("parent") or "").strip() or None,
            "label_lng": float(lng),
            "label_lat": float(lat),
            "schematic": _schematic(props.get("schematic", False)),
            "note": props.get("note") or None,
        },
    }


def _check_features(features: list[Any], labels: list[str]) -> tuple[list[Feature], list[str]]:
    """Check each feature; ``labels[i]`` says where feature i is in the file (第 3 个要素 / 第 3 行)."""
    errors: list[str] = []
    seen: dict[str, str] = {}
    clean = [_clean_feature(feature, at, seen, errors) for feature, at in zip(features, labels, strict=True)]
    return [f for f in clean if f is not None], errors


# --------------------------------------------------------------------------------------- reading


def _decode(data: bytes) -> str:
    """The uploaded file's text by the one decoder uploads share (UTF-8, UTF-8 with BOM, GBK), in this upload's words."""
    try:
        return decode_text(data)
    except UnicodeDecodeError:
        raise PlaceFileError(["文件编码无法识别，请另存为 UTF-8 或 GBK 编码的 CSV"]) from None


def _parse_geojson(text: str) -> tuple[list[Feature], list[str]]:
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


def _parse_csv(text: str) -> tuple[list[Feature], list[str]]:
    reader = csv.DictReader(io.StringIO(text))
    header = [
        CSV_ALIASES.get((h or "").strip().lower(), CSV_ALIASES.get((h or "").strip(), (h or "").strip().lower()))
        for h in (reader.fieldnames or [])
    ]
    missing = [c for c in CSV_COLUMNS if c not in header]
    if missing:
        return [], [f"CSV 缺少列：{'、'.join(missing)}（需要 code,name,kind,lng,lat，可选 parent）"]
    features, rows, errors = [], [], []
    for i, raw in enumerate(reader, start=2):
        row = {header[j]: (v or "").strip() for j, v in enumerate(raw.values()) if j < len(header)}
        try:
            lng, lat = float(row["lng"]), float(row["lat"])
        except ValueError:
            errors.append(f"第 {i} 行（{row.get('code', '')}）：字段 lng/lat 不是数字：“{row['lng']}”, “{row['lat']}”")
            continue
        props: dict[str, Any] = {k: row.get(k) for k in ("code", "name", "kind", "parent", "note")}
        props["schematic"] = row.get("schematic", "false")
        features.append({"type": "Feature", "geometry": {"type": "Point", "coordinates": [lng, lat]}, "properties": props})
        rows.append(i)
    if not features and not errors:
        return [], ["CSV 中没有任何数据行"]
    clean, feature_errors = _check_features(features, [f"第 {i} 行" for i in rows])
    return clean, errors + feature_errors


def _compare_with_table(upload: PlaceUpload, con: duckdb.DuckDBPyConnection, errors: list[str]) -> None:
    """Which codes are new and which replace a place; a kind may not change (figures are summed by kind)."""
    existing = {c: k for c, k in con.execute("select code, kind from place").fetchall()}
    known = set(existing) | {f["properties"]["code"] for f in upload.features}
    for f in upload.features:
        p = f["properties"]
        if p["code"] in existing:
            old_kind = existing[p["code"]]
            if old_kind != p["kind"]:
                errors.append(f"地点 {p['code']}（{p['name']}）：字段 kind 原为 {old_kind}，不能改为 {p['kind']}（已有填报数据按类别汇总）")
            upload.changed_codes.append(p["code"])
        else:
            upload.new_codes.append(p["code"])
        if p["parent"] and p["parent"] not in known:
            upload.warnings.append(f"地点 {p['code']}：上级 {p['parent']} 不在地点表中")
    if upload.new_codes:
        more = "……" if len(upload.new_codes) > 10 else ""
        upload.warnings.append(f"新增 {len(upload.new_codes)} 个地点：{'、'.join(upload.new_codes[:10])}{more}")


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
        _compare_with_table(upload, con, errors)
    if errors:
        raise PlaceFileError(errors)
    return upload


def preview_places(upload: PlaceUpload) -> list[MapPlace]:
    """The uploaded places as the map draws them, before anything is written (no status: 上传预览)."""
    out = []
    for f in upload.features:
        p = f["properties"]
        out.append(
            MapPlace(
                code=p["code"],
                name=p["name"],
                kind=p["kind"],
                parent=p["parent"],
                geometry=f["geometry"],
                label_lng=p["label_lng"],
                label_lat=p["label_lat"],
                schematic=p["schematic"],
                note=p["note"],
                version=0,
                status=None,
                stage=None,
                percent=None,
                projects=(),
                detail="上传预览",
            )
        )
    return out


# --------------------------------------------------------------------------------------- writing


def _write_place(con: duckdb.DuckDBPyConnection, feature: Feature, version: int | None) -> None:
    """Update the place to the next version, or insert it as version 1 when ``version`` is None (a new code)."""
    p = feature["properties"]
    values = [
        p["name"],
        p["kind"],
        p["parent"],
        json.dumps(feature["geometry"], ensure_ascii=False),
        p["label_lng"],
        p["label_lat"],
        p["schematic"],
        p["note"],
    ]
    if version is not None:
        con.execute(
            "update place set name = ?, kind = ?, parent = ?, geometry = ?, label_lng = ?, label_lat = ?, "
            "schematic = ?, note = ?, version = ? where code = ?",
            values + [version + 1, p["code"]],
        )
    else:
        con.execute(
            "insert into place (name, kind, parent, geometry, label_lng, label_lat, schematic, note, "
            "version, code) values (?, ?, ?, ?, ?, ?, ?, ?, 1, ?)",
            values + [p["code"]],
        )


def replace_places(con: duckdb.DuckDBPyConnection, user: User | None, upload: PlaceUpload, at: datetime | None = None) -> ReplaceResult:
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
            _write_place(con, f, versions.get(f["properties"]["code"]))
        batch_id = store.new_batch(
            con, "places", user.name, created_at=at, file_name=upload.file_name, sha256=upload.sha256, rows=len(codes)
        )
        result = ReplaceResult(batch=batch_id, replaced=len(versions), added=len(codes) - len(versions))
        audit = {"batch": batch_id, "file": upload.file_name, "sha256": upload.sha256, "replaced": result.replaced, "added": result.added}
        store.audit(con, user.name, "replace_places", audit, at=at)
    return result
