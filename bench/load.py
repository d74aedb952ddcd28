"""Uploads at once from several processes, on PostgreSQL and on the DuckDB file, and the read path's figures.

    python bench/load.py [--processes 8] [--files 5] [--rows 200] [--stores postgres,duckdb] [--reads]

Each process commits ``--files`` department files of ``--rows`` distinct figures, all processes released at the
same moment; then the store is counted: every file one batch, every row stored once (0 lost, 0 duplicated).
Printed against the floor below; ``--reads`` also times the read path of PostgreSQL (the in-memory copy: fill,
first and warm status) at 1× and 100× the demo data. Loopback only; a local PostgreSQL is started and a
throwaway database created (tests/pgserver.py) and dropped afterwards.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.upload import TODAY, big_rows  # noqa: E402
from tests import pgserver  # noqa: E402
from tracker import db, pgstore, store  # noqa: E402

# The floor: 23 towns x ~20 departments send ~460 files of ~60 rows in the first days of a month; all of them in one
# hour is ~8 rows/s, so 50 rows/s while 8 processes upload at once is 6x that peak. A staff member waits <= 10 s.
FLOOR = {"lost": 0, "duplicated": 0, "p95_s": 10.0, "rows_per_s": 50.0}


def _csv(rows: list[list], note: str) -> bytes:
    lines = ["指标编码,年,月,数值,地点,备注"] + [f"{m},{y},{mo},{v},{p or ''},{note}" for m, y, mo, v, p, _ in rows]
    return ("\n".join(lines) + "\n").encode()


def worker(spec_file: str) -> None:
    """One process: wait for the start time, commit its files one after the other (to the spec's town, if it names
    one: bench/towns_load.py), print the times as JSON."""
    from tracker import config, ingest
    from tracker.auth import User

    spec = json.loads(Path(spec_file).read_text())
    config.set_town(spec.get("town"))
    waited = _time_lock_waits()
    user = User("bench", "admin", None)
    files = [Path(f).read_bytes() for f in spec["files"]]
    while time.time() < spec["start"]:
        time.sleep(0.005)
    times, ids = [], []
    for i, data in enumerate(files):
        started = time.perf_counter()
        result = ingest.commit(data, f"load-{spec['worker']}-{i}.csv", user, today=TODAY)
        times.append(time.perf_counter() - started)
        ids.append(result.batch_id)
    print(json.dumps({"times": times, "ids": ids, "begin_s": waited}))


def _time_lock_waits() -> list[float]:
    """The seconds each PostgreSQL write transaction spent in ``begin``: waiting for the store's advisory lock, then
    refilling this process's copy when another writer moved the data stamp meanwhile."""
    waited: list[float] = []
    begin = pgstore.PgConnection.begin

    def timed(self: pgstore.PgConnection) -> None:
        started = time.perf_counter()
        begin(self)
        waited.append(time.perf_counter() - started)

    pgstore.PgConnection.begin = timed  # type: ignore[method-assign]
    return waited


def _store_env(kind: str, work: Path, admin: str | None) -> tuple[dict[str, str], str | None]:
    env = {k: v for k, v in os.environ.items() if k != "TRACKER_DATABASE_URL"}
    if kind == "duckdb":
        env["TRACKER_DB"] = str(work / "tracker.duckdb")
        return env, None
    assert admin is not None
    name = pgserver.create_database(admin)
    env["TRACKER_DATABASE_URL"] = pgserver.url_of(name)
    env["TRACKER_DB"] = str(work / "unused.duckdb")
    return env, name


def _with_env(env: dict[str, str]):
    saved = dict(os.environ)
    os.environ.clear()
    os.environ.update(env)
    return saved


def run_uploads(kind: str, processes: int, files: int, rows: int, admin: str | None) -> dict:
    work = Path(tempfile.mkdtemp(prefix=f"load-{kind}-"))
    env, name = _store_env(kind, work, admin)
    saved = _with_env(env)
    try:
        db.build()
        all_rows = big_rows(processes * files * rows)
        with store.connect() as con:
            figures_before, batches_before = (con.execute(f"select count(*) from {t}").fetchone()[0] for t in ("figure", "batch"))
        start = time.time() + 3 + processes * 0.5  # every process imported and waiting
        procs = []
        for w in range(processes):
            paths = []
            for f in range(files):
                k = (w * files + f) * rows
                path = work / f"w{w}-f{f}.csv"
                path.write_bytes(_csv(all_rows[k : k + rows], f"load-{w}-{f}"))
                paths.append(str(path))
            spec = work / f"w{w}.json"
            spec.write_text(json.dumps({"worker": w, "files": paths, "start": start}))
            code = f"import sys; sys.path.insert(0, {str(ROOT)!r}); from bench.load import worker; worker({str(spec)!r})"
            procs.append(subprocess.Popen([sys.executable, "-c", code], cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True))
        outs = [p.communicate(timeout=1800)[0] for p in procs]
        wall = time.time() - start
        failed = sum(p.returncode != 0 for p in procs)
        results = [json.loads(o.strip().splitlines()[-1]) for o in outs if o.strip()]
        times = sorted(t for r in results for t in r["times"])
        with store.connect() as con:
            figures_after, batches_after = (con.execute(f"select count(*) from {t}").fetchone()[0] for t in ("figure", "batch"))
            per_file = dict(
                con.execute("select note, count(*) from figure where note like 'load-%' group by note").fetchall()  # noqa: S608
            )
        expected_rows = processes * files * rows
        stored = figures_after - figures_before
        missing_files = sum(1 for w in range(processes) for f in range(files) if per_file.get(f"load-{w}-{f}", 0) != rows)
        return {
            "store": kind,
            "processes": processes,
            "files": processes * files,
            "rows": expected_rows,
            "failed_processes": failed,
            "batches_added": batches_after - batches_before,
            "lost": max(expected_rows - stored, 0),
            "duplicated": max(stored - expected_rows, 0),
            "files_incomplete": missing_files,
            "wall_s": round(wall, 2),
            "rows_per_s": round(expected_rows / wall, 1),
            "p50_s": round(statistics.median(times), 3) if times else None,
            "p95_s": round(times[max(int(len(times) * 0.95) - 1, 0)], 3) if times else None,
            "max_s": round(times[-1], 3) if times else None,
        }
    finally:
        if name:
            pgstore.close_all(os.environ.get("TRACKER_DATABASE_URL"))
        os.environ.clear()
        os.environ.update(saved)
        if name and admin:
            pgserver.drop_database(admin, name)


def run_reads(admin: str, scale: int) -> dict:
    """The PostgreSQL read path at ``scale``: a fresh process's first connect (fills the in-memory copy), the
    first status (computes every indicator), a warm status, one stamp round trip; the same status on DuckDB."""
    from bench import synth

    work = Path(tempfile.mkdtemp(prefix=f"reads-{scale}-"))
    data, queries = synth.make(scale, work / f"x{scale}")
    name = pgserver.create_database(admin)
    url = pgserver.url_of(name)
    code = """
import json, sys, time
sys.path.insert(0, ROOT)
from tracker import store
from tracker.status import build_status
t0 = time.perf_counter()
with store.connect() as con:
    t1 = time.perf_counter()
    rows = con.execute("select count(*) from figure").fetchone()[0]
    build_status(con, 2023, 6)
    t2 = time.perf_counter()
    warm = []
    for _ in range(5):
        s = time.perf_counter(); build_status(con, 2023, 6); warm.append(time.perf_counter() - s)
stamp = []
for _ in range(20):
    s = time.perf_counter(); store.data_version(); stamp.append(time.perf_counter() - s)
print(json.dumps({"rows": rows, "connect_s": t1 - t0, "first_status_s": t2 - t1, "warm_status_s": sorted(warm)[2],
                  "stamp_s": sorted(stamp)[10]}))
""".replace("ROOT", repr(str(ROOT)))
    out: dict = {"scale": scale}
    try:
        for kind in ("postgres", "duckdb"):
            env = {k: v for k, v in os.environ.items() if k != "TRACKER_DATABASE_URL"} | {"TRACKER_QUERIES": str(queries)}
            env |= {"TRACKER_DATABASE_URL": url} if kind == "postgres" else {"TRACKER_DB": str(work / "r.duckdb")}
            build = f"import sys; sys.path.insert(0, {str(ROOT)!r})\nfrom tracker import db; from pathlib import Path\n"
            build += f"db.build(data_dir=Path({str(data)!r}), force=True)"
            subprocess.run([sys.executable, "-c", build], cwd=ROOT, env=env, check=True)
            result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, check=True, capture_output=True, text=True)
            out[kind] = json.loads(result.stdout.strip().splitlines()[-1])
        pg_direct = _pg_direct(url)
        out["postgres_query_s"] = pg_direct
    finally:
        pgstore.close_all(url)
        pgserver.drop_database(admin, name)
    return out


def _pg_direct(url: str) -> float:
    """figure_current written portably and summed per metric, run in PostgreSQL itself (median of 5)."""
    import psycopg

    sql = """select metric, year, month, sum(value) from (
        select f.*, row_number() over (partition by f.metric, f.year, f.month, f.place order by f.batch_id desc) as rn
        from figure f join batch b on b.id = f.batch_id where b.status = 'committed') x
        where rn = 1 group by metric, year, month"""
    times = []
    with psycopg.connect(url) as con:
        for _ in range(5):
            s = time.perf_counter()
            con.execute(sql).fetchall()
            times.append(time.perf_counter() - s)
    return sorted(times)[2]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--processes", type=int, default=8)
    parser.add_argument("--files", type=int, default=5)
    parser.add_argument("--rows", type=int, default=200)
    parser.add_argument("--stores", default="postgres,duckdb")
    parser.add_argument("--reads", action="store_true")
    args = parser.parse_args()
    admin = pgserver.ensure_server()
    ok = True
    for kind in args.stores.split(","):
        r = run_uploads(kind, args.processes, args.files, args.rows, admin)
        verdict = (
            r["lost"] <= FLOOR["lost"] and r["duplicated"] <= FLOOR["duplicated"] and r["failed_processes"] == 0
            and r["files_incomplete"] == 0 and r["batches_added"] == r["files"]
            and (r["p95_s"] or 0) <= FLOOR["p95_s"] and r["rows_per_s"] >= FLOOR["rows_per_s"]
        )  # fmt: skip
        ok &= verdict
        print(json.dumps(r, ensure_ascii=False), "floor:", json.dumps(FLOOR), "✓" if verdict else "✗ below the floor")
    if args.reads:
        for scale in (1, 100):
            print(json.dumps(run_reads(admin, scale)))
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
