"""Building the store from the text files in ``data/``: schema, seed (targets, projects, places) and demo data.

Opening connections and running transactions is ``tracker.store``'s job.
"""

from __future__ import annotations

import csv
import json
import os
from datetime import datetime
from pathlib import Path

import duckdb

from tracker import config, store

SCHEMA_VERSION = 1
SEED_TIME = datetime(2023, 1, 3, 9, 0)
SHARED_SQL = ("figure_current", "target_current", "project_progress_latest", "explanation_current", "place_stock_asof")


def _read_csv(name: str, data_dir: Path) -> list[dict[str, str]]:
    with open(data_dir / name, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _none(value: str | None) -> str | None:
    return value if value not in (None, "") else None


def _num(value: str | None) -> float | None:
    return float(value) if value else None


def _int(value: str | None) -> int | None:
    return int(value) if value else None


def load_places(con: duckdb.DuckDBPyConnection, features: list[dict]) -> int:
    rows = []
    for feature in features:
        props = feature["properties"]
        rows.append(
            [
                props["code"],
                props["name"],
                props["kind"],
                _none(props.get("parent")),
                json.dumps(feature["geometry"], ensure_ascii=False),
                props.get("label_lng"),
                props.get("label_lat"),
                bool(props.get("schematic", True)),
                _none(props.get("note")),
            ]
        )
    store.insert_rows(con, "place", ["code", "name", "kind", "parent", "geometry", "label_lng", "label_lat", "schematic", "note"], rows)
    return len(rows)


# One insert per table (``store.insert_rows``): a statement per row made up most of a fresh clone's first start.
def _load_seed(con: duckdb.DuckDBPyConnection, data_dir: Path) -> None:
    areas = [[r["code"], r["name"], int(r["sort"])] for r in _read_csv("areas.csv", data_dir)]
    store.insert_rows(con, "area", ["code", "name", "sort"], areas)
    departments = [[r["code"], r["name"], _none(r["note"])] for r in _read_csv("departments.csv", data_dir)]
    store.insert_rows(con, "department", ["code", "name", "note"], departments)
    metrics = [
        [
            r["code"],
            r["name"],
            r["unit"],
            r["department"],
            r["kind"],
            r["per_place"] == "true",
            _none(r["place_kind"]),
            _num(r["min_value"]),
            _num(r["max_value"]),
            _none(r["description"]),
        ]
        for r in _read_csv("metrics.csv", data_dir)
    ]
    metric_columns = ["code", "name", "unit", "department", "kind", "per_place", "place_kind", "min_value", "max_value", "description"]
    store.insert_rows(con, "metric", metric_columns, metrics)
    geojson = data_dir / "places.geojson"
    if geojson.exists():
        load_places(con, json.loads(geojson.read_text(encoding="utf-8"))["features"])
    projects = [
        [
            r["code"],
            int(r["year"]),
            r["name"],
            r["area"],
            r["department"],
            _none(r["project_type"]),
            _none(r["place"]),
            _none(r["milestone"]),
            r["target_stage"],
            r.get("ongoing") == "true",
            _int(r["start_month"]),
            _int(r["finish_month"]),
            r["source"],
        ]
        for r in _read_csv("projects.csv", data_dir)
    ]
    project_columns = ["code", "year", "name", "area", "department", "project_type", "place", "milestone", "target_stage", "ongoing",
                       "start_month", "finish_month", "source"]  # fmt: skip
    store.insert_rows(con, "project", project_columns, projects)
    targets = _read_csv("targets.csv", data_dir)
    batch_id = store.new_batch(con, "seed", "system", created_at=SEED_TIME, file_name="targets.csv", rows=len(targets))
    rows = [[r["indicator"], int(r["year"]), _num(r["value"]), r["comparator"], r["rule"] or "fixed", _none(r["note"])] for r in targets]
    columns = ["indicator", "year", "value", "comparator", "rule", "note", "batch_id"]
    store.insert_rows(con, "target", columns, [[*r, batch_id] for r in rows])


def _load_demo(con: duckdb.DuckDBPyConnection, data_dir: Path) -> None:
    """Demo actuals: one batch per department and month, uploaded on the 5th of the following month."""
    demo_dir = data_dir / "demo"
    if not (demo_dir / "figures.csv").exists():
        return
    figures = _read_csv("demo/figures.csv", demo_dir.parent)
    progress = _read_csv("demo/project_progress.csv", demo_dir.parent) if (demo_dir / "project_progress.csv").exists() else []
    departments = dict(con.execute("select code, department from metric").fetchall())
    departments |= {f"project:{c}": d for c, d in con.execute("select code, department from project").fetchall()}
    groups: dict[tuple[str, int, int], list[tuple[str, list]]] = {}
    for r in figures:
        key = (departments[r["metric"]], int(r["year"]), int(r["month"]))
        groups.setdefault(key, []).append(
            ("figure", [r["metric"], int(r["year"]), int(r["month"]), _none(r["place"]), float(r["value"]), _none(r["note"])])
        )
    for r in progress:
        key = (departments[f"project:{r['project']}"], int(r["year"]), int(r["month"]))
        groups.setdefault(key, []).append(
            ("progress", [r["project"], int(r["year"]), int(r["month"]), r["stage"], _num(r["percent"]), _none(r["note"])])
        )
    ordered = sorted(groups.items(), key=lambda kv: (kv[0][1], kv[0][2], kv[0][0]))
    # Every batch id drawn from the sequence in one statement and the batches written in one insert: a row at a
    # time cost half of a fresh clone's database build.
    ids = sorted(int(r[0]) for r in con.execute("select nextval('batch_id_seq') from range(?)", [len(ordered)]).fetchall())
    batch_rows, figure_rows, progress_rows = [], [], []
    for batch_id, ((dept, year, month), rows) in zip(ids, ordered, strict=True):
        uploaded = datetime(year + (month == 12), month % 12 + 1, 5, 10, 0)
        batch_rows.append([batch_id, "figures", f"演示-{dept}", uploaded, "演示数据", len(rows), True])
        figure_rows += [vals + [batch_id] for kind, vals in rows if kind == "figure"]
        progress_rows += [vals + [batch_id] for kind, vals in rows if kind == "progress"]
    store.insert_rows(con, "batch", ["id", "kind", "user_name", "created_at", "file_name", "rows", "demo"], batch_rows)
    store.insert_rows(con, "figure", ["metric", "year", "month", "place", "value", "note", "batch_id"], figure_rows)
    store.insert_rows(con, "project_progress", ["project", "year", "month", "stage", "percent", "note", "batch_id"], progress_rows)


def build(path: Path | None = None, data_dir: Path | None = None, demo: bool = True, force: bool = False) -> Path:
    """Build the database from the text files in ``data/``. Same files, same database.

    Written to a temporary file and moved into place, so a crash never leaves half a database.
    """
    path = Path(path or config.db_path())
    data_dir = Path(data_dir or config.DATA_DIR)
    if path.exists() and not force:
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    for stale in (tmp, tmp.with_name(tmp.name + ".wal")):
        stale.unlink(missing_ok=True)
    con = duckdb.connect(str(tmp))
    try:
        con.execute("begin")
        con.execute(schema_sql())
        _load_seed(con, data_dir)
        if demo:
            _load_demo(con, data_dir)
        con.execute("insert into meta values ('schema_version', ?)", [str(SCHEMA_VERSION)])
        con.execute("commit")
        con.execute("checkpoint")
    finally:
        con.close()
    for old in (path, path.with_name(path.name + ".wal")):
        old.unlink(missing_ok=True)
    os.replace(tmp, path)
    return path


def schema_version(con: duckdb.DuckDBPyConnection) -> int:
    return int(store.one(con, "select value from meta where key = 'schema_version'")[0])


def schema_sql() -> str:
    """The tables (``tracker/sql/schema.sql``), then the shared views and macros (``queries/_shared/``)."""
    here = Path(__file__).resolve().parent
    parts = [(here / "sql" / "schema.sql").read_text(encoding="utf-8")]
    parts += [(config.QUERIES_DIR / "_shared" / f"{name}.sql").read_text(encoding="utf-8") for name in SHARED_SQL]
    return "\n".join(parts)
