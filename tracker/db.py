"""The DuckDB store: schema, building it from ``data/``, and opening it safely.

Connections are short-lived (one per operation) rather than one per process: DuckDB lets only one
process hold a file open for writing, and the Streamlit server must not lock out the CLI importer.
Every connection is read-write: inside one process DuckDB refuses a read-only connection to a file that
is open read-write (and the reverse), which would fail a page while an upload is being committed.
"""

from __future__ import annotations

import csv
import json
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

import duckdb
import pandas as pd

from tracker import config

SCHEMA_VERSION = 1
STAGES = ("未开工", "前期", "在建", "完工", "投用")
SEED_TIME = datetime(2023, 1, 3, 9, 0)

SCHEMA = """
create table if not exists meta (key varchar primary key, value varchar);
create table if not exists area (code varchar primary key, name varchar not null, sort integer not null);
create table if not exists department (code varchar primary key, name varchar not null, note varchar);
create table if not exists metric (
    code varchar primary key, name varchar not null, unit varchar not null,
    department varchar not null references department (code),
    kind varchar not null check (kind in ('flow', 'stock')),
    per_place boolean not null, place_kind varchar,
    min_value double, max_value double, description varchar
);
create table if not exists place (
    code varchar primary key, name varchar not null, kind varchar not null, parent varchar,
    geometry varchar, label_lng double, label_lat double, schematic boolean not null default true,
    note varchar, version integer not null default 1
);
create table if not exists place_history (
    code varchar, name varchar, kind varchar, parent varchar, geometry varchar, label_lng double,
    label_lat double, schematic boolean, note varchar, version integer, replaced_at timestamp,
    replaced_by varchar
);
create sequence if not exists batch_id_seq start 1;
create table if not exists batch (
    id integer primary key default nextval('batch_id_seq'),
    kind varchar not null,            -- figures | targets | projects | places | seed
    user_name varchar not null, created_at timestamp not null,
    file_name varchar, sha256 varchar, rows integer not null default 0,
    status varchar not null default 'committed' check (status in ('committed', 'reverted')),
    demo boolean not null default false, reverted_at timestamp, reverted_by varchar
);
create table if not exists figure (
    metric varchar not null references metric (code), year integer not null,
    month integer not null check (month between 1 and 12), place varchar,
    value double, note varchar, batch_id integer not null references batch (id)
);
create table if not exists target (
    indicator varchar not null, year integer not null, value double,
    comparator varchar not null check (comparator in ('>=', '<=', '=')),
    rule varchar not null default 'fixed' check (rule in ('fixed', 'last_year')),
    note varchar, batch_id integer not null references batch (id)
);
create table if not exists project (
    code varchar primary key, year integer not null, name varchar not null,
    area varchar not null references area (code), department varchar not null references department (code),
    project_type varchar, place varchar, milestone varchar,
    target_stage varchar not null,
    ongoing boolean not null default false,  -- 持续推进: no completion this year, so never 已完成
    start_month integer, finish_month integer, source varchar not null
);
create table if not exists project_progress (
    project varchar not null references project (code), year integer not null,
    month integer not null check (month between 1 and 12),
    stage varchar not null, percent double, note varchar, batch_id integer not null references batch (id)
);
create table if not exists explanation (
    indicator varchar not null, year integer not null, month integer not null,
    text varchar not null, batch_id integer not null references batch (id)
);
create table if not exists users (
    name varchar primary key, department varchar, role varchar not null check (role in ('viewer', 'staff', 'admin')),
    password_hash varchar not null, disabled boolean not null default false,
    failed_logins integer not null default 0, locked_until timestamp, created_at timestamp not null
);
-- Pre-aggregated indicator values, recomputed lazily when the data stamp changes (see tracker.indicators).
create table if not exists indicator_value (stamp varchar not null, code varchar not null, year integer not null,
                                            month integer not null, value double);
create table if not exists indicator_value_year (stamp varchar not null, year integer not null);
create sequence if not exists audit_id_seq start 1;
create table if not exists audit (
    id integer primary key default nextval('audit_id_seq'), created_at timestamp not null,
    user_name varchar not null, action varchar not null, detail varchar
);

-- The newest committed batch wins; a reverted batch drops out and the previous value shows again.
create or replace view figure_current as
select f.metric, f.year, f.month, f.place, f.value, f.note, f.batch_id,
       b.user_name, b.created_at, b.demo
from figure f join batch b on b.id = f.batch_id
where b.status = 'committed'
qualify row_number() over (partition by f.metric, f.year, f.month, f.place order by f.batch_id desc) = 1;

create or replace view target_current as
select t.* from target t join batch b on b.id = t.batch_id
where b.status = 'committed'
qualify row_number() over (partition by t.indicator, t.year order by t.batch_id desc) = 1;

create or replace view project_progress_latest as
select p.project, p.year, p.month, p.stage, p.percent, p.note, p.batch_id,
       b.user_name, b.created_at, b.demo
from project_progress p join batch b on b.id = p.batch_id
where b.status = 'committed'
qualify row_number() over (partition by p.project, p.year, p.month order by p.batch_id desc) = 1;

-- A per-place stock as of each month that has any report in the year: each place keeps its latest
-- value (from this year or earlier) until it reports again. Shared by the per-place indicators.
create or replace macro place_stock_asof(metric_code, for_year) as table
with months as (
    select distinct month from figure_current where metric = metric_code and year = for_year
),
reports as (
    select year * 100 + month as ym, place, value from figure_current
    where metric = metric_code and year <= for_year and place is not null
)
select for_year as year, m.month, r.place, arg_max(r.value, r.ym) as value
from months m join reports r on r.ym <= for_year * 100 + m.month
group by m.month, r.place;

create or replace view explanation_current as
select e.*, b.user_name, b.created_at
from explanation e join batch b on b.id = e.batch_id
where b.status = 'committed'
qualify row_number() over (partition by e.indicator, e.year, e.month order by e.batch_id desc) = 1;
"""


class DatabaseBusy(RuntimeError):
    """Another process held the database file for longer than we were willing to wait."""


def _open(path: Path, wait_seconds: float) -> duckdb.DuckDBPyConnection:
    deadline = time.monotonic() + wait_seconds
    delay = 0.02
    while True:
        try:
            return duckdb.connect(str(path))
        except duckdb.IOException as exc:
            if "lock" not in str(exc).lower() or time.monotonic() > deadline:
                if "lock" in str(exc).lower():
                    raise DatabaseBusy("数据库正被其他程序占用，请稍后再试。") from exc
                raise
            time.sleep(delay)
            delay = min(delay * 2, 0.5)


@contextmanager
def connect(path: Path | None = None, wait_seconds: float = 30.0) -> Iterator[duckdb.DuckDBPyConnection]:
    """Open the database for one operation; build it from ``data/`` first if the file is missing."""
    path = Path(path or config.db_path())
    if not path.exists():
        build(path)
    con = _open(path, wait_seconds)
    try:
        yield con
    finally:
        con.close()


def data_version(path: Path | None = None) -> tuple[str, float, int]:
    """A cheap fingerprint of the database file, for cache keys: changes whenever a write lands."""
    path = Path(path or config.db_path())
    stats = [p.stat() for p in (path, path.with_name(path.name + ".wal")) if p.exists()]
    return (str(path), max((s.st_mtime_ns for s in stats), default=0), sum(s.st_size for s in stats))


def _read_csv(name: str, data_dir: Path) -> list[dict[str, str]]:
    with open(data_dir / name, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _none(value: str | None) -> str | None:
    return value if value not in (None, "") else None


def _num(value: str | None) -> float | None:
    return float(value) if value not in (None, "") else None


def _int(value: str | None) -> int | None:
    return int(value) if value not in (None, "") else None


def new_batch(
    con: duckdb.DuckDBPyConnection,
    kind: str,
    user: str,
    *,
    created_at: datetime | None = None,
    file_name: str | None = None,
    sha256: str | None = None,
    rows: int = 0,
    demo: bool = False,
) -> int:
    (batch_id,) = con.execute(
        "insert into batch (kind, user_name, created_at, file_name, sha256, rows, demo) values (?, ?, ?, ?, ?, ?, ?) returning id",
        [kind, user, created_at or datetime.now(), file_name, sha256, rows, demo],
    ).fetchone()
    return batch_id


def audit(con: duckdb.DuckDBPyConnection, user: str, action: str, detail: dict | None = None, at: datetime | None = None) -> None:
    con.execute(
        "insert into audit (created_at, user_name, action, detail) values (?, ?, ?, ?)",
        [at or datetime.now(), user, action, json.dumps(detail or {}, ensure_ascii=False, sort_keys=True)],
    )


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
    for row in _read_csv("projects.csv", data_dir):
        con.execute(
            "insert into project values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
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
    targets = _read_csv("targets.csv", data_dir)
    batch_id = new_batch(con, "seed", "system", created_at=SEED_TIME, file_name="targets.csv", rows=len(targets))
    con.executemany(
        "insert into target values (?, ?, ?, ?, ?, ?, ?)",
        [
            [r["indicator"], int(r["year"]), _num(r["value"]), r["comparator"], r["rule"] or "fixed", _none(r["note"]), batch_id]
            for r in targets
        ],
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
    figure_rows, progress_rows = [], []
    for (dept, year, month), rows in sorted(groups.items(), key=lambda kv: (kv[0][1], kv[0][2], kv[0][0])):
        uploaded = datetime(year + (month == 12), month % 12 + 1, 5, 10, 0)
        batch_id = new_batch(con, "figures", f"演示-{dept}", created_at=uploaded, file_name="演示数据", rows=len(rows), demo=True)
        figure_rows += [vals + [batch_id] for kind, vals in rows if kind == "figure"]
        progress_rows += [vals + [batch_id] for kind, vals in rows if kind == "progress"]
    insert_rows(con, "figure", ["metric", "year", "month", "place", "value", "note", "batch_id"], figure_rows)
    insert_rows(con, "project_progress", ["project", "year", "month", "stage", "percent", "note", "batch_id"], progress_rows)


def insert_rows(con: duckdb.DuckDBPyConnection, table: str, columns: list[str], rows: list[list]) -> None:
    """Bulk insert through a DataFrame: one statement instead of one per row."""
    if not rows:
        return
    frame = pd.DataFrame(rows, columns=columns)
    con.register("_rows", frame)
    try:
        con.execute(f"insert into {table} ({', '.join(columns)}) select {', '.join(columns)} from _rows")
    finally:
        con.unregister("_rows")


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
        con.execute(SCHEMA)
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
    return int(con.execute("select value from meta where key = 'schema_version'").fetchone()[0])
