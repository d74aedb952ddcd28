"""Generate ``data/places.geojson``: SCHEMATIC map geometry for 三乡镇 (中山市, code 442000114).

示意位置，非测绘成果 -- every position in this file is schematic.

No surveyed geometry of the town, its 17 villages/communities, its rivers, its
channels or its flood blackspots is publicly available (see
/work/shared/geo/README.md).  What *is* public is a handful of facts: the town
seat (22.3582 N, 113.4411 E), the area (93.61 km²), the neighbours (五桂山 north,
板芙/神湾 west, 坦洲 south, 珠海 east/south-east), that 茅湾涌 runs ~11 km
through the east of the town north to 鸦岗运河, that 白石 lies ~4 km W and 南龙
~3.5 km WSW of the town government, that 雍陌 is in the north-east on the
岐澳古道, and that 乌石 is the town centre by G105.  The anchor tables below
place every feature *plausibly* with respect to those facts and nothing more:
outlines are drawn shapes, lines are drawn lines, and every feature carries
``"schematic": true``.  Do not use them for measurement, routing or legal
boundaries.

How the geometry is built (deterministic, stdlib only, no randomness):
  * All anchors are written as (x, y) offsets in kilometres from the town seat
    (x = east, y = north) and converted to WGS-84 with a local equirectangular
    projection around the seat (error well under 1 m over this small area).
  * The town outline is the polygon ``TOWN_OUTLINE_KM`` (area ≈ 93.6 km²).
  * Each village/community is an irregular hexagon generated from a centre,
    a radius and a rotation in ``UNITS`` (the irregularity is a fixed sine
    pattern, see ``hexagon``).  ``label_lng``/``label_lat`` are the centroids.
  * Rivers, the 岐澳古道 and G105 (used only to place blackspots, not emitted)
    are polylines; channels are short bent lines given by village, offset,
    bearing and length; points are offsets.
  * ``parent`` is *computed*: the village/community polygon that contains the
    point, or that contains more than half of a line's length; "" otherwise
    (and for the town and the villages themselves).
  * ``validate`` refuses to write the file if a feature leaves the town
    outline or the indicative extent, counts/codes are wrong, or a channel's
    computed parent differs from the village it was drawn in.

How an administrator replaces it with real data:
  1. Small corrections: edit the anchor tables below (kilometres from the
     seat) and run ``python data/make_places.py``; the validation re-runs.
  2. Surveyed data (e.g. from the town's natural-resources office): replace
     ``data/places.geojson`` with a WGS-84 FeatureCollection that keeps the
     same ``code``/``name``/``kind``/``parent`` properties and sets
     ``"schematic": false``.  Coordinates copied from AMap/Gaode or Tencent
     maps are GCJ-02 (~600 m off here) and must be converted to WGS-84 first.
     Once the file holds surveyed data, stop running this script (it would
     overwrite it).
"""

import json
import math
from pathlib import Path

OUT = Path(__file__).resolve().parent / "places.geojson"

TOWN_CODE = "442000114"
SEAT_LNG, SEAT_LAT = 113.4411, 22.3582  # town government (en-Wikipedia, WGS-84)
EXTENT = (113.37, 22.30, 113.50, 22.42)  # indicative extent: lng_min, lat_min, lng_max, lat_max
TARGET_AREA_KM2 = 93.61

# Local equirectangular projection around the seat.
KM_PER_DEG_LAT = 111.133 - 0.559 * math.cos(2 * math.radians(SEAT_LAT))
KM_PER_DEG_LNG = 111.320 * math.cos(math.radians(SEAT_LAT))

# ---------------------------------------------------------------------------
# Anchor tables (kilometres from the seat; x = east, y = north)
# ---------------------------------------------------------------------------

# Anchor tables are kept hand-aligned (not reformatted):
# fmt: off
# Town outline, counter-clockwise from the northern tip (五桂山 side).
# Hills in the west/south-west (板芙/神湾 side), lowland in the east/south
# (坦洲/珠海 side).
TOWN_OUTLINE_KM = [
    (-0.60, 5.75),  # N, towards 五桂山
    (-2.20, 5.20),
    (-3.60, 4.70),
    (-4.75, 4.00),
    (-5.35, 2.90),  # NW, towards 板芙
    (-5.15, 1.70),
    (-5.45, 0.45),
    (-5.10, -0.85),  # W, towards 神湾
    (-4.70, -2.00),
    (-4.10, -3.20),  # SW hills
    (-3.10, -4.05),
    (-1.80, -4.50),
    (-0.55, -4.15),  # S, towards 坦洲
    (0.85, -4.50),
    (2.20, -5.45),
    (3.70, -5.00),  # SE, towards 珠海
    (4.60, -3.95),
    (4.85, -2.45),
    (5.05, -1.00),  # E, towards 珠海
    (4.85, 0.55),
    (4.70, 2.00),
    (5.00, 3.40),
    (4.60, 4.75),  # NE
    (3.30, 5.35),
    (1.60, 5.25),
]

# 17 official units (NBS 2022 codes): code -> (display name, kind, centre x, y, radius km, rotation deg)
UNITS = {
    "442000114001": ("圩仔社区", "community", 0.15, 0.15, 0.75, 10),  # town seat area
    "442000114002": ("前陇社区", "community", 0.95, 1.50, 0.70, 25),  # just NE of the seat
    "442000114003": ("南龙社区", "community", -3.20, -1.35, 0.85, 5),  # ~3.5 km WSW of the seat
    "442000114004": ("西山社区", "community", -1.50, -0.65, 0.70, 40),  # just W of the seat
    "442000114005": ("振华社区", "community", 1.35, -0.80, 0.70, 15),  # just SE of the seat
    "442000114201": ("平南村", "village", -0.50, -2.55, 1.00, 20),
    "442000114202": ("平岚东村", "village", 3.20, -4.00, 0.95, 0),  # SE lowland, towards 坦洲/珠海
    "442000114203": ("桥头村", "village", 0.60, 3.60, 1.00, 30),  # north of the centre
    "442000114204": ("乌石村", "village", -1.60, 1.40, 1.00, 0),  # town centre, by G105
    "442000114205": ("白石村", "village", -4.05, 0.80, 1.15, 15),  # ~4 km W of the seat
    "442000114207": ("大布村", "village", 3.00, 1.10, 1.00, 10),  # east
    "442000114208": ("雍陌村", "village", 3.10, 3.55, 1.20, 20),  # NE, 岐澳古道 / 中山温泉
    "442000114209": ("古鹤村", "village", -2.00, 3.90, 1.15, 5),  # NW, under the hills
    "442000114210": ("新圩村", "village", 1.65, -3.05, 0.95, 35),  # south
    "442000114211": ("茅湾村", "village", 3.75, -1.40, 1.05, 0),  # east, along 茅湾涌
    "442000114212": ("岗泉村", "village", -2.45, -3.10, 0.90, 25),  # SW
    "442000114213": ("塘敢村", "village", -4.10, 3.10, 0.85, 10),  # W-NW
}

# Named rivers / flood-interception ditches (polylines, listed in flow/drawing order).
RIVERS = [
    ("R_MAOWAN", "茅湾涌", [  # ~11 km, east side, south -> north into 鸦岗运河
        (2.95, -5.05), (3.60, -4.20), (4.15, -3.20), (3.80, -2.10), (4.30, -0.90),
        (3.90, 0.30), (4.35, 1.50), (3.90, 2.70), (4.25, 3.90), (3.60, 4.95)]),
    ("R_YAGANG", "鸦岗运河", [  # north, roughly W -> E, meets 茅湾涌's north end
        (-0.80, 5.50), (0.60, 5.05), (2.00, 5.05), (3.60, 4.95), (4.35, 4.65)]),
    ("R_GUDU", "谷都截洪沟", [  # along the hill foot, west / north-west
        (-1.20, 5.35), (-2.80, 4.80), (-4.00, 4.15), (-4.85, 3.00), (-4.85, 1.90), (-5.20, 0.60)]),
    ("R_MAKENG", "妈坑水库截洪沟", [  # below a reservoir in the south-west hills
        (-4.20, -2.30), (-3.75, -3.00), (-3.10, -3.60), (-2.30, -4.00)]),
]

# 28 channels under interception works: (village code, dx, dy from the village
# centre km, bearing deg clockwise from north, length km, bend km).
CHANNELS = [
    ("442000114211", -0.35, 0.55, 170, 1.40, 0.12),  # RC01 茅湾
    ("442000114211", -0.55, -0.45, 80, 1.10, -0.10),  # RC02
    ("442000114211", 0.30, 0.10, 20, 1.00, 0.08),  # RC03
    ("442000114211", -0.20, -0.70, 100, 0.80, 0.06),  # RC04
    ("442000114202", -0.50, 0.30, 120, 1.30, 0.10),  # RC05 平岚东
    ("442000114202", 0.10, 0.50, 200, 0.90, -0.08),  # RC06
    ("442000114210", -0.55, 0.35, 110, 1.30, 0.10),  # RC07 新圩
    ("442000114210", 0.30, 0.45, 190, 1.00, -0.08),  # RC08
    ("442000114005", -0.40, 0.30, 130, 0.95, 0.08),  # RC09 振华
    ("442000114005", 0.30, 0.35, 200, 0.70, -0.05),  # RC10
    ("442000114001", -0.45, 0.30, 110, 0.85, 0.07),  # RC11 圩仔
    ("442000114001", 0.05, 0.50, 175, 0.75, -0.06),  # RC12
    ("442000114002", -0.40, -0.20, 70, 0.80, 0.06),  # RC13 前陇
    ("442000114207", -0.55, -0.30, 75, 1.20, 0.10),  # RC14 大布
    ("442000114207", 0.20, 0.55, 170, 1.00, -0.08),  # RC15
    ("442000114208", -0.60, -0.50, 60, 1.40, 0.12),  # RC16 雍陌
    ("442000114208", 0.25, 0.60, 185, 1.10, -0.08),  # RC17
    ("442000114204", -0.50, 0.40, 125, 1.20, 0.10),  # RC18 乌石
    ("442000114204", 0.30, 0.55, 195, 0.95, -0.08),  # RC19
    ("442000114004", -0.35, 0.25, 135, 0.80, 0.06),  # RC20 西山
    ("442000114201", -0.50, 0.35, 120, 1.20, 0.10),  # RC21 平南
    ("442000114201", 0.35, 0.50, 200, 0.95, -0.07),  # RC22
    ("442000114003", -0.40, 0.20, 105, 0.85, 0.07),  # RC23 南龙
    ("442000114203", -0.45, -0.35, 65, 1.00, 0.08),  # RC24 桥头
    ("442000114212", -0.35, 0.40, 140, 0.90, 0.07),  # RC25 岗泉
    ("442000114205", 0.10, 0.60, 165, 1.00, -0.08),  # RC26 白石
    ("442000114209", 0.40, -0.55, 20, 0.90, 0.07),  # RC27 古鹤
    ("442000114213", 0.30, -0.45, 35, 0.65, 0.05),  # RC28 塘敢
]

# Schematic G105 through the town (N from 五桂山 -> SE towards 坦洲/珠海).
# Only used to place blackspots; not emitted as a feature.
G105_KM = [(0.45, 5.60), (0.45, 3.60), (-0.95, 1.75), (-0.20, 0.35), (0.55, -1.00),
           (1.30, -2.70), (2.20, -5.25)]

# 12 flood blackspots: (fraction along G105 or None, dx, dy km, note).
# With a fraction the point is G105 at that fraction plus (dx, dy); with None
# (dx, dy) is an offset from the seat.
BLACKSPOTS = [
    (0.12, 0.00, 0.00, "国道沿线低洼路段"),
    (0.21, 0.00, 0.00, "下穿通道"),
    (0.37, 0.00, 0.00, "桥底涵洞"),
    (0.40, 0.00, 0.00, "国道交叉口低洼处"),
    (0.51, 0.00, 0.00, "下穿通道"),
    (0.55, 0.00, 0.00, "低洼路段"),
    (0.78, 0.00, 0.00, "国道沿线低洼路段"),
    (0.86, 0.00, 0.00, "桥底涵洞"),
    (None, 0.35, 0.30, "低洼路段"),
    (None, -1.10, -0.50, "城中村内街低洼处"),
    (None, 1.15, -0.65, "市场周边低洼街区"),
    (None, 0.80, 1.40, "学校门前路段"),
]

# Heritage and facility points: code -> (name, kind, x, y km).
POINTS = {
    "H_RIDONG": ("古鹤村日东祠", "heritage", -2.10, 4.05),
    "H_ZHENGGONG": ("平南信道郑公祠", "heritage", -0.35, -2.45),
    "H_WUREN": ("雍陌村务仁巷135号", "heritage", 3.00, 3.35),
    "F_WWTP": ("三乡污水处理厂", "facility", 3.55, -2.05),
    "F_FLOOD_LAKE": ("中心蓄洪湖", "facility", 1.05, -0.55),
    "F_ELDERLY": ("三乡镇综合养老服务中心", "facility", -0.25, 0.55),
    "F_PIGEON": ("石岐鸽农业精品产业园", "facility", -4.30, 0.30),
}

# 岐澳古道（三乡段）: from the 五桂山 side south through 雍陌 (~3 km).
QIAO_KM = [(2.45, 5.05), (2.75, 4.40), (3.05, 3.65), (3.25, 2.90), (3.55, 2.25)]

# fmt: on

# ---------------------------------------------------------------------------
# Geometry helpers
# ---------------------------------------------------------------------------


def to_lnglat(x, y):
    return [round(SEAT_LNG + x / KM_PER_DEG_LNG, 5), round(SEAT_LAT + y / KM_PER_DEG_LAT, 5)]


def to_km(lng, lat):
    return ((lng - SEAT_LNG) * KM_PER_DEG_LNG, (lat - SEAT_LAT) * KM_PER_DEG_LAT)


def hexagon(cx, cy, r, rot_deg, seed):
    """Irregular hexagon: radii vary by a fixed sine pattern (±12 %), angles by ±7°."""
    pts = []
    for k in range(6):
        ang = math.radians(rot_deg + 60 * k + 7 * math.sin(1.7 * k + seed))
        rk = r * (1 + 0.12 * math.sin(2.3 * k + 0.9 * seed))
        pts.append((cx + rk * math.cos(ang), cy + rk * math.sin(ang)))
    return pts  # counter-clockwise


def ring_area_km2(ring):
    s = 0.0
    for (x1, y1), (x2, y2) in zip(ring, ring[1:] + ring[:1], strict=True):
        s += x1 * y2 - x2 * y1
    return s / 2


def ring_centroid(ring):
    a = ring_area_km2(ring)
    cx = cy = 0.0
    for (x1, y1), (x2, y2) in zip(ring, ring[1:] + ring[:1], strict=True):
        c = x1 * y2 - x2 * y1
        cx += (x1 + x2) * c
        cy += (y1 + y2) * c
    return cx / (6 * a), cy / (6 * a)


def point_in_ring(x, y, ring):
    inside = False
    for (x1, y1), (x2, y2) in zip(ring, ring[1:] + ring[:1], strict=True):
        if (y1 > y) != (y2 > y) and x < x1 + (y - y1) * (x2 - x1) / (y2 - y1):
            inside = not inside
    return inside


def densify(line, step=0.05):
    """Points every ~step km along a polyline (km)."""
    out = []
    for (x1, y1), (x2, y2) in zip(line, line[1:], strict=False):
        n = max(1, math.ceil(math.hypot(x2 - x1, y2 - y1) / step))
        out += [(x1 + (x2 - x1) * i / n, y1 + (y2 - y1) * i / n) for i in range(n)]
    out.append(line[-1])
    return out


def line_length_km(line):
    return sum(math.hypot(x2 - x1, y2 - y1) for (x1, y1), (x2, y2) in zip(line, line[1:], strict=False))


def point_along(line, frac):
    target = frac * line_length_km(line)
    for (x1, y1), (x2, y2) in zip(line, line[1:], strict=False):
        seg = math.hypot(x2 - x1, y2 - y1)
        if target <= seg:
            t = target / seg
            return (x1 + (x2 - x1) * t, y1 + (y2 - y1) * t)
        target -= seg
    return line[-1]


def channel_line(cx, cy, bearing_deg, length, bend):
    """Three-point line starting at (cx, cy), bent sideways by `bend` km at its middle."""
    b = math.radians(bearing_deg)
    ux, uy = math.sin(b), math.cos(b)  # bearing clockwise from north
    mx, my = cx + ux * length / 2 - uy * bend, cy + uy * length / 2 + ux * bend
    return [(cx, cy), (mx, my), (cx + ux * length, cy + uy * length)]


# ---------------------------------------------------------------------------
# Build
# ---------------------------------------------------------------------------


def unit_rings():
    return {code: hexagon(x, y, r, rot, i) for i, (code, (_, _, x, y, r, rot)) in enumerate(UNITS.items())}


def parent_of(geom_km, rings):
    """Village containing the point, or containing > 50 % of the line; else ""."""
    pts = [geom_km] if isinstance(geom_km, tuple) else densify(geom_km)
    best, best_n = "", 0
    for code, ring in rings.items():
        n = sum(point_in_ring(x, y, ring) for x, y in pts)
        if n > best_n:
            best, best_n = code, n
    return best if best_n * 2 > len(pts) else ""


def feature(code, name, kind, parent, geometry, **extra):
    props = {"code": code, "name": name, "kind": kind, "parent": parent, "schematic": True}
    props.update(extra)
    return {"type": "Feature", "properties": props, "geometry": geometry}


def polygon(ring):
    coords = [to_lnglat(x, y) for x, y in ring]
    return {"type": "Polygon", "coordinates": [coords + [coords[0]]]}


def linestring(line):
    return {"type": "LineString", "coordinates": [to_lnglat(x, y) for x, y in line]}


def point(x, y):
    return {"type": "Point", "coordinates": to_lnglat(x, y)}


def label(ring):
    lng, lat = to_lnglat(*ring_centroid(ring))
    return {"label_lng": lng, "label_lat": lat}


def build():
    rings = unit_rings()
    feats = [
        feature(TOWN_CODE, "三乡镇", "town", "", polygon(TOWN_OUTLINE_KM), **label(TOWN_OUTLINE_KM)),
        feature("SEAT", "三乡镇人民政府", "seat", parent_of((0.0, 0.0), rings), point(0.0, 0.0)),
    ]
    for code, (name, kind, *_rest) in UNITS.items():
        feats.append(feature(code, name, kind, "", polygon(rings[code]), **label(rings[code])))
    for code, name, line in RIVERS:
        feats.append(feature(code, name, "river", parent_of(line, rings), linestring(line)))
    for i, (vcode, dx, dy, bearing, length, bend) in enumerate(CHANNELS, 1):
        _, _, cx, cy, _, _ = UNITS[vcode]
        line = channel_line(cx + dx, cy + dy, bearing, length, bend)
        feats.append(feature(f"RC{i:02d}", f"重点整治河涌{i:02d}", "channel", parent_of(line, rings), linestring(line)))
    for i, (frac, dx, dy, note) in enumerate(BLACKSPOTS, 1):
        bx, by = point_along(G105_KM, frac) if frac is not None else (0.0, 0.0)
        x, y = bx + dx, by + dy
        feats.append(feature(f"BS{i:02d}", f"水浸黑点{i:02d}（示意）", "blackspot", parent_of((x, y), rings), point(x, y), note=note))
    for code in ("H_RIDONG", "H_ZHENGGONG", "H_WUREN"):
        name, kind, x, y = POINTS[code]
        feats.append(feature(code, name, kind, parent_of((x, y), rings), point(x, y)))
    feats.append(feature("H_QIAO", "岐澳古道（三乡段）", "heritage", parent_of(QIAO_KM, rings), linestring(QIAO_KM)))
    for code in ("F_WWTP", "F_FLOOD_LAKE", "F_ELDERLY", "F_PIGEON"):
        name, kind, x, y = POINTS[code]
        feats.append(feature(code, name, kind, parent_of((x, y), rings), point(x, y)))
    return feats


# ---------------------------------------------------------------------------
# Validation
# ---------------------------------------------------------------------------


def _coords(geom):
    if geom["type"] == "Point":
        return [geom["coordinates"]]
    if geom["type"] == "LineString":
        return geom["coordinates"]
    return [c for ring in geom["coordinates"] for c in ring]


def validate(feats):
    codes = [f["properties"]["code"] for f in feats]
    assert len(codes) == len(set(codes)), "duplicate codes"
    kinds = [f["properties"]["kind"] for f in feats]
    assert kinds.count("community") + kinds.count("village") == 17
    assert kinds.count("channel") == 28 and kinds.count("blackspot") == 12
    assert kinds.count("town") == 1 and kinds.count("seat") == 1
    assert abs(ring_area_km2(TOWN_OUTLINE_KM) - TARGET_AREA_KM2) < 1.5, ring_area_km2(TOWN_OUTLINE_KM)
    assert ring_area_km2(TOWN_OUTLINE_KM) > 0, "outline must be counter-clockwise"
    town = [to_km(*c) for c in feats[0]["geometry"]["coordinates"][0][:-1]]
    lng0, lat0, lng1, lat1 = EXTENT
    for f in feats:
        p = f["properties"]
        for lng, lat in _coords(f["geometry"]):
            assert lng0 <= lng <= lng1 and lat0 <= lat <= lat1, (p["code"], lng, lat)
        if p["kind"] != "town":
            pts = _coords(f["geometry"])
            if f["geometry"]["type"] == "LineString":
                pts = [to_lnglat(*q) for q in densify([to_km(*c) for c in pts])]
            for lng, lat in pts:
                assert point_in_ring(*to_km(lng, lat), town), ("outside town outline", p["code"])
        if p["kind"] == "channel":
            length = line_length_km([to_km(*c) for c in f["geometry"]["coordinates"]])
            assert 0.6 <= length <= 2.5, (p["code"], length)
            drawn_in = CHANNELS[int(p["code"][2:]) - 1][0]
            assert p["parent"] == drawn_in, ("channel parent mismatch", p["code"])
        if p["kind"] == "blackspot":
            assert p["parent"], ("blackspot outside every village", p["code"])
    for code in ("H_RIDONG", "H_ZHENGGONG", "H_WUREN"):
        expect = {"H_RIDONG": "442000114209", "H_ZHENGGONG": "442000114201", "H_WUREN": "442000114208"}[code]
        assert next(f for f in feats if f["properties"]["code"] == code)["properties"]["parent"] == expect, code


def main():
    feats = build()
    validate(feats)
    fc = {
        "type": "FeatureCollection",
        "name": "sanxiang_places_schematic",
        "note": "示意位置，非测绘成果 (schematic positions, not survey data); generated by data/make_places.py",
        "features": feats,
    }
    OUT.write_text(json.dumps(fc, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {OUT} ({len(feats)} features)")


if __name__ == "__main__":
    main()
