"""Synthetic, reproducible data sets at larger scales, written as a data/ and queries/ folder pair.

1×: the demo data as shipped. 10×: ten years (2014–2023) of every metric and place. 100×: also ten times
the metrics, indicators and projects (clones named ``<code>__k``), as a merged district would have.
"""

from __future__ import annotations

import csv
import random
import shutil
from pathlib import Path

from tracker import config

FIRST_YEAR_10X = 2014


def _rows(path: Path) -> list[dict]:
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _write(path: Path, rows: list[dict]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def make(scale: int, out: Path) -> tuple[Path, Path]:
    """Write ``out/data`` and ``out/queries`` for ``scale`` in (1, 10, 100); return both folders."""
    data, queries = out / "data", out / "queries"
    if data.exists():
        shutil.rmtree(out)
    shutil.copytree(config.DATA_DIR, data, ignore=shutil.ignore_patterns("*.duckdb*", ".*", "backups", "__pycache__"))
    shutil.copytree(config.QUERIES_DIR, queries)
    if scale == 1:
        return data, queries
    clones = 10 if scale >= 100 else 1
    rng = random.Random(scale)
    base_figures = _rows(config.DATA_DIR / "demo" / "figures.csv")
    template = [r for r in base_figures if r["year"] == "2023"]
    last_year = {(r["metric"], r["month"], r["place"]): r for r in base_figures if r["year"] == "2022"}
    figures = []
    for k in range(clones):
        suffix = "" if k == 0 else f"__{k}"
        for year in range(FIRST_YEAR_10X, 2024):
            growth = 1 + 0.04 * (year - 2023)
            for r in template:
                value = float(r["value"])
                if r["place"] or r["metric"].endswith("_pct"):
                    # Per-place progress: earlier years are the 2022 state, shifted back.
                    value = float(last_year.get((r["metric"], r["month"], r["place"]), r)["value"]) * min(growth, 1)
                else:
                    value = round(value * growth * rng.uniform(0.95, 1.05), 1)
                figures.append(
                    {
                        "metric": r["metric"] + suffix,
                        "year": year,
                        "month": r["month"],
                        "place": r["place"],
                        "value": value,
                        "note": "基准测试合成数据",
                    }
                )
    _write(data / "demo" / "figures.csv", figures)
    if clones > 1:
        _clone_definitions(data, queries, clones)
    return data, queries


def _clone_definitions(data: Path, queries: Path, clones: int) -> None:
    metrics = _rows(data / "metrics.csv")
    _write(data / "metrics.csv", [{**m, "code": m["code"] + ("" if k == 0 else f"__{k}")} for k in range(clones) for m in metrics])
    targets = _rows(data / "targets.csv")
    _write(
        data / "targets.csv", [{**t, "indicator": t["indicator"] + ("" if k == 0 else f"__{k}")} for k in range(clones) for t in targets]
    )
    projects = _rows(data / "projects.csv")
    _write(data / "projects.csv", [{**p, "code": p["code"] + ("" if k == 0 else f"__{k}")} for k in range(clones) for p in projects])
    progress = _rows(data / "demo" / "project_progress.csv")
    _write(
        data / "demo" / "project_progress.csv",
        [{**p, "project": p["project"] + ("" if k == 0 else f"__{k}")} for k in range(clones) for p in progress],
    )
    metric_codes = sorted((m["code"] for m in metrics), key=len, reverse=True)
    for sql in list(queries.glob("*/*.sql")):
        text = sql.read_text(encoding="utf-8")
        for k in range(1, clones):
            clone = text
            for code in metric_codes:
                clone = clone.replace(f"'{code}'", f"'{code}__{k}'")
                clone = clone.replace(f"-- metrics: {code}", f"-- metrics: {code}__{k}")
                clone = clone.replace(f", {code}\n", f", {code}__{k}\n")
            (sql.parent / f"{sql.stem}__{k}.sql").write_text(clone, encoding="utf-8")
