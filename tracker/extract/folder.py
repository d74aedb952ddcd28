"""Accepted new items as a folder in the formats of ``data/``: what a later "add a town from files" command loads.

- ``targets.csv``: indicator,year,value,comparator,rule,note (as ``data/targets.csv``)
- ``indicators.csv``: code,name,unit,area,department,direction,source,qualifier,upper — what the header of a
  ``queries/<area>/<code>.sql`` file holds; the query itself needs the town's metrics, so no SQL is guessed here
- ``projects.csv``: the columns of ``data/projects.csv``, the stage to reach read from the milestone verb
- ``tasks.csv``: code,name,area,department,source,qualifier
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Mapping, Sequence
from pathlib import Path

from tracker.extract.records import DraftItem
from tracker.extract.workbook import target_note

TARGET_COLUMNS = ("indicator", "year", "value", "comparator", "rule", "note")
INDICATOR_COLUMNS = ("code", "name", "unit", "area", "department", "direction", "source", "qualifier", "upper")
PROJECT_COLUMNS = (
    "code", "year", "name", "area", "department", "project_type", "place", "milestone", "target_stage", "ongoing",
    "start_month", "finish_month", "source",
)  # fmt: skip
TASK_COLUMNS = ("code", "name", "area", "department", "source", "qualifier")

# The stage a project should reach this year, from the words of its milestone (longest first).
STAGE_WORDS = (
    ("完工通水", "投用"), ("建成投用", "投用"), ("建成投产", "投用"), ("投入使用", "投用"), ("规划建设", "前期"),
    ("动工建设", "在建"), ("开工建设", "在建"), ("投用", "投用"), ("投产", "投用"), ("通水", "投用"), ("通车", "投用"),
    ("上线", "投用"), ("成立", "投用"), ("升级", "投用"), ("建成", "完工"), ("完工", "完工"), ("竣工", "完工"),
    ("完成", "完工"), ("修缮", "完工"), ("新建", "完工"), ("扩建", "完工"), ("改建", "完工"), ("动工", "在建"),
    ("开工", "在建"),
)  # fmt: skip
ONGOING_STAGE = "在建"  # 推进, 推动, 打造…: work goes on all year, no finish this year


def target_stage(milestone: str) -> tuple[str, bool]:
    """(stage to reach, ongoing) from a milestone such as "年内动工建设" or "推进"."""
    for word, stage in STAGE_WORDS:
        if word in milestone:
            return stage, False
    return ONGOING_STAGE, True


def _num(value: float | None) -> str:
    if value is None:
        return ""
    return str(int(value)) if float(value).is_integer() else str(value)


def _csv(columns: tuple[str, ...], rows: Sequence[Mapping[str, object]]) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def folder_files(items: list[DraftItem]) -> dict[str, bytes]:
    """File name → UTF-8 CSV bytes, one file per kind (a file with only its header when the kind has no item)."""
    indicators = [i for i in items if i.kind == "indicator"]
    projects = [i for i in items if i.kind == "project"]
    tasks = [i for i in items if i.kind == "task"]
    targets = [
        {
            "indicator": i.code,
            "year": i.year or "",
            "value": _num(i.value),
            "comparator": i.comparator or ">=",
            "rule": "fixed" if i.value is not None else "last_year",
            "note": target_note(i),
        }
        for i in indicators
    ]
    meta = [
        {
            "code": i.code,
            "name": i.name,
            "unit": i.unit,
            "area": i.area,
            "department": i.department,
            "direction": "down" if i.comparator == "<=" else "up",
            "source": i.sentence,
            "qualifier": i.qualifier,
            "upper": _num(i.upper),
        }
        for i in indicators
    ]
    project_rows = []
    for i in projects:
        stage, ongoing = target_stage(i.milestone)
        project_rows.append(
            {
                "code": i.code,
                "year": i.year or "",
                "name": i.name,
                "area": i.area,
                "department": i.department,
                "project_type": "",
                "place": "",
                "milestone": i.milestone,
                "target_stage": stage,
                "ongoing": "true" if ongoing else "false",
                "start_month": "",
                "finish_month": "",
                "source": i.sentence,
            }
        )
    task_rows = [
        {"code": i.code, "name": i.name, "area": i.area, "department": i.department, "source": i.sentence, "qualifier": i.qualifier}
        for i in tasks
    ]
    return {
        "targets.csv": _csv(TARGET_COLUMNS, targets),
        "indicators.csv": _csv(INDICATOR_COLUMNS, meta),
        "projects.csv": _csv(PROJECT_COLUMNS, project_rows),
        "tasks.csv": _csv(TASK_COLUMNS, task_rows),
    }


def write_folder(items: list[DraftItem], directory: Path) -> list[Path]:
    directory.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, data in folder_files(items).items():
        path = directory / name
        path.write_bytes(data)
        paths.append(path)
    return paths


def zip_folder(items: list[DraftItem], folder: str) -> bytes:
    """The same files in one zip, under ``folder/`` (a download from the review page)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in folder_files(items).items():
            archive.writestr(f"{folder}/{name}", data)
    return out.getvalue()
