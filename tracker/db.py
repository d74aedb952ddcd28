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

SCHEMA_VERSION = 5  # 3: role supervisor (督查室), month_lock, review_event, action_item, action_progress
# 4: project and task keyed by (code, year); their progress and plans reference (code, year)
# 5: item_sentence (the new report's sentence of a copied project or task) and the view item_source_current
SEED_TIME = datetime(2023, 1, 3, 9, 0)
SHARED_SQL = (
    "figure_current",
    "target_current",
    "project_progress_latest",
    "project_plan_current",
    "explanation_current",
    "place_stock_asof",
    "task_progress_latest",
    "item_assignment_current",
    "item_source_current",
)


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
    con.executemany(
        "insert into place (code, name, kind, parent, geometry, label_lng, label_lat, schematic, note) values (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        rows,
    )
    return len(rows)


def _load_seed(con: duckdb.DuckDBPyConnection, data_dir: Path) -> None:
    for row in _read_csv("areas.csv", data_dir):
        con.execute("insert into area values (?, ?, ?)", [row["code"], row["name"], int(row["sort"])])
    for row in _read_csv("departments.csv", data_dir):
        con.execute("insert into department values (?, ?, ?)", [row["code"], row["name"], _none(row["note"])])
    for row in _read_csv("metrics.csv", data_dir):
        con.execute(
            "insert into metric values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                row["code"],
                row["name"],
                row["unit"],
                row["department"],
                row["kind"],
                row["per_place"] == "true",
                _none(row["place_kind"]),
                _num(row["min_value"]),
                _num(row["max_value"]),
                _none(row["description"]),
            ],
        )
    geojson = data_dir / "places.geojson"
    if geojson.exists():
        load_places(con, json.loads(geojson.read_text(encoding="utf-8"))["features"])
    for row in _read_csv("projects.csv", data_dir) if (data_dir / "projects.csv").exists() else []:
        con.execute(
            "insert into project (code, year, name, area, department, project_type, place, milestone, target_stage, ongoing, "
            "start_month, finish_month, source) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                row["code"],
                int(row["year"]),
                row["name"],
                row["area"],
                row["department"],
                _none(row["project_type"]),
                _none(row["place"]),
                _none(row["milestone"]),
                row["target_stage"],
                row.get("ongoing") == "true",
                _int(row["start_month"]),
                _int(row["finish_month"]),
                row["source"],
            ],
        )
    _load_tasks_and_items(con, data_dir)
    targets = _read_csv("targets.csv", data_dir)
    batch_id = store.new_batch(con, "seed", "system", created_at=SEED_TIME, file_name="targets.csv", rows=len(targets))
    con.executemany(
        "insert into target values (?, ?, ?, ?, ?, ?, ?)",
        [
            [r["indicator"], int(r["year"]), _num(r["value"]), r["comparator"], r["rule"] or "fixed", _none(r["note"]), batch_id]
            for r in targets
        ],
    )


def _load_tasks_and_items(con: duckdb.DuckDBPyConnection, data_dir: Path) -> None:
    """The report's tasks (``tasks.csv``) and who answers for every item (``items.csv``: 配合单位, 责任领导)."""
    if (data_dir / "tasks.csv").exists():
        tasks = _read_csv("tasks.csv", data_dir)
        store.insert_rows(
            con,
            "task",
            ["code", "year", "name", "area", "department", "deadline_month", "qualifier", "ongoing", "source"],
            [[r["code"], int(r["year"]), r["name"], r["area"], r["department"], int(r["deadline_month"] or 12), r["qualifier"],
              r["ongoing"] == "true", r["source"]] for r in tasks],
        )  # fmt: skip
    if (data_dir / "items.csv").exists():
        items = _read_csv("items.csv", data_dir)
        batch_id = store.new_batch(con, "seed", "system", created_at=SEED_TIME, file_name="items.csv", rows=len(items))
        store.insert_rows(
            con,
            "item_assignment",
            ["item", "year", "kind", "support_departments", "leader", "batch_id"],
            [[r["code"], int(r["year"]), r["kind"], r["support_departments"].replace(";", ","), r["leader"], batch_id] for r in items],
        )


def _load_demo(con: duckdb.DuckDBPyConnection, data_dir: Path) -> None:
    """Demo actuals: one batch per department and month, uploaded on the 5th of the following month."""
    demo_dir = data_dir / "demo"
    if not (demo_dir / "figures.csv").exists():
        return
    figures = _read_csv("demo/figures.csv", demo_dir.parent)
    progress = _read_csv("demo/project_progress.csv", demo_dir.parent) if (demo_dir / "project_progress.csv").exists() else []
    departments = dict(con.execute("select code, department from metric").fetchall())
    departments |= {f"project:{c}": d for c, d in con.execute("select code, department from project").fetchall()}
    departments |= {f"task:{c}": d for c, d in con.execute("select code, department from task").fetchall()}
    tasks = _read_csv("demo/task_progress.csv", data_dir) if (demo_dir / "task_progress.csv").exists() else []
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
    for r in tasks:
        key = (departments[f"task:{r['task']}"], int(r["year"]), int(r["month"]))
        groups.setdefault(key, []).append(
            ("task", [r["task"], int(r["year"]), int(r["month"]), _none(r["progress"]), r["self_assessment"], _none(r["problem"])])
        )
    figure_rows, progress_rows, task_rows = [], [], []
    for (dept, year, month), rows in sorted(groups.items(), key=lambda kv: (kv[0][1], kv[0][2], kv[0][0])):
        uploaded = datetime(year + (month == 12), month % 12 + 1, 5, 10, 0)
        batch_id = store.new_batch(con, "figures", f"演示-{dept}", created_at=uploaded, file_name="演示数据", rows=len(rows), demo=True)
        figure_rows += [vals + [batch_id] for kind, vals in rows if kind == "figure"]
        progress_rows += [vals + [batch_id] for kind, vals in rows if kind == "progress"]
        task_rows += [vals + [batch_id] for kind, vals in rows if kind == "task"]
    store.insert_rows(con, "figure", ["metric", "year", "month", "place", "value", "note", "batch_id"], figure_rows)
    store.insert_rows(con, "project_progress", ["project", "year", "month", "stage", "percent", "note", "batch_id"], progress_rows)
    store.insert_rows(con, "task_progress", ["task", "year", "month", "progress", "self_assessment", "problem", "batch_id"], task_rows)


def build(path: Path | None = None, data_dir: Path | None = None, demo: bool = True, force: bool = False) -> Path:
    """Build the database from the text files in ``data/``. Same files, same database.

    Written to a temporary file and moved into place, so a crash never leaves half a database.
    """
    path = Path(path or config.db_path())
    data_dir = Path(data_dir or config.data_dir())
    if config.database_url():  # PostgreSQL: the same statements through tracker.store, in one locked transaction
        from tracker import pgadmin

        pgadmin.build(lambda con: _fill(con, data_dir, demo), force)
        return path
    if path.exists() and not force:
        _add_items(path, data_dir)
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    for stale in (tmp, tmp.with_name(tmp.name + ".wal")):
        stale.unlink(missing_ok=True)
    con = duckdb.connect(str(tmp))
    try:
        con.execute("begin")
        _fill(con, data_dir, demo)
        con.execute("commit")
        con.execute("checkpoint")
    finally:
        con.close()
    for old in (path, path.with_name(path.name + ".wal")):
        old.unlink(missing_ok=True)
    os.replace(tmp, path)
    return path


def _fill(con: duckdb.DuckDBPyConnection, data_dir: Path, demo: bool) -> None:
    con.execute(schema_sql())
    if not config.is_city():  # the city's store holds its accounts and logins, no items
        _load_seed(con, data_dir)
        if demo:
            _load_demo(con, data_dir)
    con.execute("insert into meta values ('schema_version', ?)", [str(SCHEMA_VERSION)])


_ITEMS_CHECKED: set[str] = set()


def _add_items(path: Path, data_dir: Path) -> None:
    """A database built before tasks and item assignments existed gets their tables, views and seed (once per
    process and file; nothing else changes)."""
    key = str(path.resolve())
    if key in _ITEMS_CHECKED:
        return
    with store.writing(path) as con:
        has_tasks = con.execute("select count(*) from information_schema.tables where table_name = 'task'").fetchone()
        if not has_tasks or not has_tasks[0]:
            con.execute("alter table project_progress add column if not exists problem varchar")
            con.execute(schema_sql())
            _load_tasks_and_items(con, data_dir)
    _ITEMS_CHECKED.add(key)


def schema_version(con: duckdb.DuckDBPyConnection) -> int:
    return int(store.one(con, "select value from meta where key = 'schema_version'")[0])


def upgrade(con: duckdb.DuckDBPyConnection) -> None:
    """Bring an older file's tables up to ``schema_sql`` (inside the caller's transaction). New tables come from their
    "if not exists"; the users table of schema 2 allows no supervisor role in its check, and a check cannot be
    altered, so it is rebuilt with the same rows."""
    row = con.execute("select sql from duckdb_tables() where table_name = 'users' and database_name = current_database()").fetchone()
    rebuild = row is not None and "supervisor" not in str(row[0])
    if rebuild:
        con.execute("alter table users rename to users_schema2")
    keyed = _keyed_by_code_alone(con)
    for table in keyed:  # a key cannot be altered either: copied aside, dropped (children first), rebuilt below
        con.execute(f"create temp table {table}_schema3 as select * from {table}")
    for table in keyed:
        con.execute(f"drop table {table}")
    con.execute(schema_sql())
    if rebuild:
        con.execute("insert into users select * from users_schema2")
        con.execute("drop table users_schema2")
    for table in reversed(keyed):  # parents first
        con.execute(f"insert into {table} by name select * from {table}_schema3")
        con.execute(f"drop table {table}_schema3")


# Schema 3's tables keyed by a project's or task's code alone, children before parents.
YEAR_KEYED = ("project_progress", "project_plan", "task_progress", "project", "task")


def _keyed_by_code_alone(con: duckdb.DuckDBPyConnection) -> list[str]:
    """The tables of ``YEAR_KEYED`` to rebuild: all of them when project or task still has the one-column key of
    schema 3, none otherwise (or before those tables existed: schema.sql creates them)."""
    rows = con.execute(
        "select table_name from duckdb_constraints() where database_name = current_database() and constraint_type = 'PRIMARY KEY' "
        "and table_name in ('project', 'task') and len(constraint_column_names) = 1"
    ).fetchall()
    if not rows:
        return []
    present = {r[0] for r in con.execute("select table_name from duckdb_tables() where database_name = current_database()").fetchall()}
    return [t for t in YEAR_KEYED if t in present]


def schema_sql() -> str:
    """The tables (``tracker/sql/schema.sql``), then the shared views and macros (``queries/_shared/``)."""
    here = Path(__file__).resolve().parent
    parts = [(here / "sql" / "schema.sql").read_text(encoding="utf-8")]
    parts += [(config.QUERIES_DIR / "_shared" / f"{name}.sql").read_text(encoding="utf-8") for name in SHARED_SQL]
    return "\n".join(parts)
