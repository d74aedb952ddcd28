"""A reviewed draft folder (``extract --out-dir``) made into a town's files: what ``towns add`` builds a store from.

The draft says what the report commits to; it cannot say how a department will report it. So each new indicator
gets the simplest honest reporting: one metric of its own, reported monthly by its lead department, and a query
file that returns it as reported. Whether it is a sum over months (新增…, 完成…) or a level (总量…, …率) is read
from its name, and the query file says it was generated and should be checked (``description``). A growth-rate
target (增长8%) is reported as the published 累计增速. Areas come from the installation's list; departments from
its list where the code is known (a code it does not know keeps the code as its name, for the admin to rename).
"""

from __future__ import annotations

import csv
import re
from collections.abc import Mapping, Sequence
from pathlib import Path

from tracker import config

GENERATED = "由报告提取生成：每月按报告口径填报一个数，口径请牵头单位核对"
# Words that make an indicator a sum of monthly amounts (新增规模以上工业企业35家); anything else is a level.
FLOW_WORDS = ("新增", "新建", "新培育", "培育", "引进", "完成", "改造", "建设", "整治", "举办", "开展", "植树", "造林")
_GROWTH = re.compile(r"增长|增速")


def _read(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def _write(path: Path, columns: tuple[str, ...], rows: Sequence[Mapping[str, object]]) -> None:
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=columns, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def is_draft_folder(folder: Path) -> bool:
    """A folder written by ``extract --out-dir`` (it has ``indicators.csv`` and no ``metrics.csv``)."""
    return (folder / "indicators.csv").is_file() and not (folder / "metrics.csv").is_file()


def draft_year(folder: Path) -> int | None:
    """The report's year as the draft's targets and projects give it (the most common), or None."""
    years: list[str] = []
    for name in ("targets.csv", "projects.csv"):
        if (folder / name).is_file():
            years += [r["year"] for r in _read(folder / name) if r.get("year")]
    return int(max(set(years), key=years.count)) if years else None


def indicator_shape(name: str, unit: str, source: str) -> tuple[str, str, str]:
    """(kind, metric kind, basis) of a new indicator: a growth rate, a sum over months or a level."""
    if unit == "%" and _GROWTH.search(name + source):
        return "ratio", "stock", "growth"
    if unit != "%" and name.startswith(FLOW_WORDS):
        return "cumulative", "flow", "reach"
    return ("ratio" if unit == "%" else "level"), "stock", "reach"


def _query(row: dict[str, str], kind: str, basis: str) -> str:
    header = {
        "name": row["name"],
        "unit": row["unit"],
        "kind": kind,
        "direction": row["direction"] or "up",
        "department": row["department"],
        "metrics": row["code"],
        "basis": basis,
        "qualifier": row.get("qualifier", ""),
        "description": GENERATED,
        "source": " ".join(row["source"].split()),
    }
    lines = [f"-- {k}: {v}" for k, v in header.items() if v]
    lines.append(f"select year, month, value from figure_current where metric = '{row['code']}' and year = $year and place is null")
    return "\n".join(lines) + "\n"


def town_files(draft: Path, out: Path, year: int) -> tuple[Path, Path]:
    """Write ``out/data`` (the formats of ``data/``) and ``out/queries`` from the draft folder; returns both."""
    data, queries = out / "data", out / "queries"
    data.mkdir(parents=True, exist_ok=True)
    indicators = _read(draft / "indicators.csv")
    projects = _read(draft / "projects.csv") if (draft / "projects.csv").is_file() else []
    tasks = _read(draft / "tasks.csv") if (draft / "tasks.csv").is_file() else []
    targets = _read(draft / "targets.csv") if (draft / "targets.csv").is_file() else []

    areas = _read(config.DATA_DIR / "areas.csv")
    _write(data / "areas.csv", ("code", "name", "sort"), areas)
    known = {d["code"]: d for d in _read(config.DATA_DIR / "departments.csv")}
    used = sorted({r["department"] for r in (*indicators, *projects, *tasks) if r["department"]})
    _write(data / "departments.csv", ("code", "name", "note"), [known.get(c, {"code": c, "name": c, "note": "待改名"}) for c in used])

    metrics: list[dict[str, str]] = []
    for row in indicators:
        kind, metric_kind, basis = indicator_shape(row["name"], row["unit"], row["source"])
        percent = row["unit"] == "%"
        metrics.append(
            {
                "code": row["code"], "name": row["name"], "unit": row["unit"], "department": row["department"],
                "kind": metric_kind, "per_place": "false", "place_kind": "",
                "min_value": "" if basis == "growth" else "0", "max_value": "100" if percent and basis != "growth" else "",
                "description": GENERATED,
            }
        )  # fmt: skip
        folder = queries / row["area"]
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{row['code']}.sql").write_text(_query(row, kind, basis), encoding="utf-8")
    _write(
        data / "metrics.csv",
        ("code", "name", "unit", "department", "kind", "per_place", "place_kind", "min_value", "max_value", "description"),
        metrics,
    )
    _write(
        data / "targets.csv",
        ("indicator", "year", "value", "comparator", "rule", "note"),
        [{**t, "year": t["year"] or year} for t in targets],
    )
    _write(
        data / "projects.csv",
        tuple(projects[0]) if projects else ("code", "year", "name", "area", "department", "project_type", "place", "milestone",
                                              "target_stage", "ongoing", "start_month", "finish_month", "source"),
        [{**p, "year": p["year"] or year} for p in projects],
    )  # fmt: skip
    _write(
        data / "tasks.csv",
        ("code", "year", "name", "area", "department", "deadline_month", "qualifier", "ongoing", "source"),
        [{"code": t["code"], "year": year, "name": t["name"], "area": t["area"], "department": t["department"],
          "deadline_month": 12, "qualifier": t.get("qualifier", ""), "ongoing": "true", "source": t["source"]} for t in tasks],
    )  # fmt: skip
    return data, queries
