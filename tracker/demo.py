"""Deterministic demo actuals for 2022 and 2023: ``python -m tracker demo-data`` rewrites ``data/demo/``.

Every number made here is invented for demonstration. It is shaped to be plausible (seasonality around
the Spring Festival and the flood season, sizes in line with the targets) and chosen so that every status
appears in June 2023: some indicators ahead, some behind, some months not reported.
"""

from __future__ import annotations

import csv
import json
import random
from pathlib import Path

from tracker import config
from tracker.model import STAGES
from tracker.progress import planned_percent, planned_stage

SEED = 20230101
# Share of a year's work done in each month: slow in January and around the Spring Festival (February).
SEASON = (0.6, 0.35, 0.9, 1.0, 1.05, 1.1, 0.95, 0.95, 1.05, 1.1, 1.15, 1.3)

# metric: (2022 annual total, 2023 annual total, integer?) for flows that add up over the year.
FLOWS = {
    "new_industrial_above_scale": (31, 42, True),  # ahead: 正常 in June, 已完成 by December
    "new_service_above_scale": (11, 10, True),  # behind: 滞后
    "four_small_gardens": (12, 16, True),  # near pace: 预警 in June
    "residential_sewer_done": (40, 55, True),  # ahead
    "fishpond_tailwater_mu": (520, 610, False),  # behind
    "afforestation_mu": (760, 826, False),  # spring planting (see its plan curve)
    "forest_tending_mu": (1100, 1150, False),  # June not reported: 未填报
    "cultural_events": (262, 306, True),
    "rental_housing_units": (96, 150, True),  # delivered late in the year; December not reported
    "livelihood_projects_done": (10, 10, True),  # the year's ten 民生实事, one list per year
}
AFFORESTATION_SEASON = (0.13, 0.17, 0.23, 0.15, 0.08, 0.04, 0.02, 0.02, 0.03, 0.03, 0.05, 0.05)
RENTAL_SEASON = (0, 0, 0.05, 0.05, 0.1, 0.05, 0.1, 0.1, 0.15, 0.1, 0.35, 0.0)
MISSING = {("forest_tending_mu", 2023, 6), ("rental_housing_units", 2023, 12), ("heritage_patrolled", 2023, 11)}


def _allocate(total: float, weights: tuple[float, ...], rng: random.Random, integer: bool) -> list[float]:
    noisy = [w * rng.uniform(0.85, 1.15) for w in weights]
    scale = total / sum(noisy)
    shares = [w * scale for w in noisy]
    if not integer:
        return [round(s, 1) for s in shares]
    out, carried, running = [], 0, 0.0
    for s in shares:
        running += s
        out.append(round(running) - carried)
        carried = round(running)
    return [float(v) for v in out]


def _flows(rng: random.Random) -> list[dict]:
    rows = []
    for metric, totals in FLOWS.items():
        for year, total in zip((2022, 2023), totals[:2], strict=False):
            season = {"afforestation_mu": AFFORESTATION_SEASON, "rental_housing_units": RENTAL_SEASON}.get(metric, SEASON)
            for month, value in enumerate(_allocate(total, season, rng, totals[2]), start=1):
                rows.append({"metric": metric, "year": year, "month": month, "place": "", "value": value})
    # Household waste: about 180 t a day, all of it treated harmlessly.
    for year in (2022, 2023):
        for month in range(1, 13):
            month_total = round(180 * 30.4 * rng.uniform(0.93, 1.07) * (1.04 if year == 2023 else 1), 1)
            rows.append({"metric": "waste_total_t", "year": year, "month": month, "place": "", "value": month_total})
            rows.append({"metric": "waste_harmless_t", "year": year, "month": month, "place": "", "value": month_total})
    return rows


def _stocks(rng: random.Random) -> list[dict]:
    rows = []

    def add(metric: str, year: int, month: int, value: float) -> None:
        rows.append({"metric": metric, "year": year, "month": month, "place": "", "value": value})

    for year in (2022, 2023):
        for month in range(1, 13):
            t = (year - 2022) * 12 + month  # months since December 2021
            add("market_entities", year, month, float(27750 + 118 * t + (150 if t > 14 else 0) + rng.randint(-30, 30)))
            add("firms_over_100m", year, month, float(76 + t // 5))
            add("firms_over_10b", year, month, 0.0)
            add("clusters_over_10b", year, month, 0.0)
            add("pretreat_required", year, month, 220.0)
            add("pretreat_covered", year, month, float(min(60 + 2 * t + (4 if t > 12 else 0), 140)))
            add("worse_than_v_rivers", year, month, float(max(8 - t // 6, 3)))
            # 51 sites patrolled each month, but June 2023 missed four.
            add("heritage_patrolled", year, month, 47.0 if (year, month) == (2023, 6) else 51.0)
    return rows


def _ramp(start: int, finish: int, month_index: int) -> float:
    """Percent complete of works running from month index ``start`` to ``finish`` (months since Jan 2022)."""
    if month_index < start:
        return 0.0
    if month_index >= finish:
        return 100.0
    return round(100.0 * (month_index - start + 1) / (finish - start + 1), 1)


def _per_place(rng: random.Random, places: dict[str, list[str]]) -> list[dict]:
    rows = []
    # 28 channels: 2 finished in 2022, most through 2023, two slip into 2024 (so 26 of 28 by December).
    finishes = [10, 12] + sorted(rng.randint(14, 23) for _ in range(24)) + [26, 27]
    jobs = [("river_interception_pct", places["channel"], finishes, 8)]
    # 9 villages' sewage projects (which 9 is demo: the report names only the count).
    jobs.append(("village_sewage_pct", places["village"][:9], [17, 18, 18, 20, 21, 22, 23, 24, 27], 9))
    # 12 flood blackspots: 2 fixed in 2022, most by the flood season, one carried into 2024.
    jobs.append(("blackspot_pct", places["blackspot"], [8, 11, 15, 16, 17, 17, 18, 18, 20, 21, 23, 26], 5))
    for metric, codes, finish_list, length in jobs:
        for code, finish in zip(codes, finish_list, strict=False):
            start = max(finish - length - rng.randint(0, 3), 1)
            for year in (2022, 2023):
                for month in range(1, 13):
                    idx = (year - 2022) * 12 + month
                    rows.append({"metric": metric, "year": year, "month": month, "place": code, "value": _ramp(start, finish, idx)})
    return rows


# project code: months of delay (negative = ahead); None = not reported in June 2023.
DELAYS = {
    "P_WWTP": 0,
    "P_MAOWAN_1": 2,
    "P_FLOOD_LAKE": 1,
    "P_YAGANG": 3,
    "P_GUDU": 0,
    "P_MAKENG": 2,
    "P_PIGEON": 1,
    "P_RIDONG": -2,
    "P_ZHENGGONG": 4,
    "P_WUREN": 0,
    "P_YONGMO_HALL": 3,
    "P_TOUR_APP": -4,
    "P_ELDERLY": -1,
    "P_FOREST_FIRE": 0,
    "P_BRIDGE_NANFENG": 3,
    "P_BRIDGE_XLH": 0,
    "P_FARM_MARKET": 1,
}
UNREPORTED_PROJECTS = {("P_QIAO_ROAD", 6), ("P_CEMETERY", 6), ("P_YOUTH", 12), ("P_RAIN_SEWER", 12)}


def _projects(rng: random.Random, data_dir: Path) -> list[dict]:
    rows = []
    with open(data_dir / "projects.csv", encoding="utf-8", newline="") as fh:
        projects = list(csv.DictReader(fh))
    for p in projects:
        start = int(p["start_month"]) if p["start_month"] else None
        finish = int(p["finish_month"]) if p["finish_month"] else None
        delay = DELAYS.get(p["code"], 0)
        for month in range(1, 13):
            if (p["code"], month) in UNREPORTED_PROJECTS:
                continue
            effective = max(month - delay, 0)
            if effective < 1:
                stage = "前期"
            else:
                stage = planned_stage(min(effective, 12), p["target_stage"], start, finish)
            if finish is not None:
                percent = planned_percent(min(effective, 12), start, finish) if effective >= 1 else 0.0
                percent = min(100.0, max(0.0, round((percent or 0.0) - rng.uniform(0, 4) * (percent or 0) / 100, 1)))
                if stage == p["target_stage"]:
                    percent = 100.0
            else:
                percent = None if stage == "前期" else round(min(100.0, 100.0 * month / 12 * rng.uniform(0.9, 1.05)), 1)
            order = STAGES.index(stage)
            note = "按计划推进" if order >= STAGES.index(planned_stage(month, p["target_stage"], start, finish)) else "进度滞后，正协调解决"
            rows.append(
                {
                    "project": p["code"],
                    "year": 2023,
                    "month": month,
                    "stage": stage,
                    "percent": "" if percent is None else percent,
                    "note": note,
                }
            )
    return rows


def _places_by_kind(data_dir: Path) -> dict[str, list[str]]:
    features = json.loads((data_dir / "places.geojson").read_text(encoding="utf-8"))["features"]
    out: dict[str, list[str]] = {}
    for f in features:
        kind = f["properties"]["kind"]
        out.setdefault("village" if kind in ("village", "community") else kind, []).append(f["properties"]["code"])
    return {k: sorted(v) for k, v in out.items()}


def generate(data_dir: Path | None = None) -> tuple[list[dict], list[dict]]:
    data_dir = Path(data_dir or config.DATA_DIR)
    rng = random.Random(SEED)
    figures = _flows(rng) + _stocks(rng) + _per_place(rng, _places_by_kind(data_dir))
    figures = [r for r in figures if (r["metric"], r["year"], r["month"]) not in MISSING]
    for r in figures:
        r["note"] = "演示数据"
    return figures, _projects(rng, data_dir)


# Tasks whose lead department reports them lagging from May, and months some task goes unreported (demo).
LAGGING_TASKS = {"T_HIRING_SUBSIDY", "T_BUILD_QUALIFY", "T_SCATTERED", "T_THREE_ASSETS"}
DONE_TASKS = {"T_ECON_TASKFORCE": 3, "T_NIGHT_MARKET": 9, "T_INSPECTION": 5, "T_APPROVAL_AGENT": 6}  # task: month done
TASK_GAPS = {("T_SPORTS", 6), ("T_BUS", 6), ("T_DISABLED", 12)}


def task_progress(data_dir: Path | None = None) -> list[dict]:
    """Monthly 进展情况 and 完成情况 of every task for 2023 (demo; a generator of its own, so the figures above stay
    the same). Reported as its lead department would: 正常推进 mostly, a few 滞后 from May, some done, a few gaps."""
    data_dir = Path(data_dir or config.DATA_DIR)
    rng = random.Random(SEED + 12)
    with open(data_dir / "tasks.csv", encoding="utf-8", newline="") as fh:
        tasks = list(csv.DictReader(fh))
    rows = []
    for t in tasks:
        done_at = DONE_TASKS.get(t["code"])
        for month in range(1, 13):
            if (t["code"], month) in TASK_GAPS:
                continue
            if done_at is not None and month >= done_at:
                assessment, text = "已完成", f"{t['name']}已于{done_at}月完成（演示数据）"
            elif t["code"] in LAGGING_TASKS and month >= 5:
                assessment, text = "滞后", "进度滞后，正协调解决（演示数据）"
            else:
                assessment, text = "正常推进", f"按计划推进，本月完成阶段工作{rng.randint(1, 4)}项（演示数据）"
            problem = "部门协调未到位" if assessment == "滞后" else ""
            rows.append(
                {"task": t["code"], "year": 2023, "month": month, "progress": text, "self_assessment": assessment, "problem": problem}
            )
    return rows


def write(data_dir: Path | None = None) -> tuple[Path, ...]:
    data_dir = Path(data_dir or config.DATA_DIR)
    figures, projects = generate(data_dir)
    out = data_dir / "demo"
    out.mkdir(exist_ok=True)
    paths = (out / "figures.csv", out / "project_progress.csv", out / "task_progress.csv")
    for path, rows, fields in (
        (paths[0], figures, ["metric", "year", "month", "place", "value", "note"]),
        (paths[1], projects, ["project", "year", "month", "stage", "percent", "note"]),
        (paths[2], task_progress(data_dir), ["task", "year", "month", "progress", "self_assessment", "problem"]),
    ):
        with open(path, "w", encoding="utf-8", newline="") as fh:
            writer = csv.DictWriter(fh, fieldnames=fields, lineterminator="\n")
            writer.writeheader()
            writer.writerows(rows)
    return paths
