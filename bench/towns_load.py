"""Writers of several towns at once, each town on a PostgreSQL database of its own, against all of them on one.

    python bench/towns_load.py [--towns 1,2,4] [--processes 8] [--files 5] [--rows 200]

Every write takes the store's advisory lock, and an advisory lock is per database: the writers of one town queue on
it, the writers of two towns on two databases do not wait on each other. For each number of towns T the same
``--processes`` writers (the same files, the same rows) are spread over T towns added with ``towns add
--database-url`` (三乡镇's files and demo data; the home town stays on its DuckDB file and is not written), all
released at the same moment; T = 1 is the one-database figure. Each town's database is then counted: every file one
batch, every row stored once (0 lost, 0 duplicated). Loopback only; the databases are throwaway
(tests/pgserver.py) and dropped afterwards.
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

from bench.load import FLOOR, _csv  # noqa: E402
from bench.upload import big_rows  # noqa: E402
from tests import pgserver  # noqa: E402
from tracker import config, db, pgstore, store, towns  # noqa: E402

# Towns from the official list (data/source/zhongshan_towns_official_2022.csv), none of them the home town.
CODES = ("442000101", "442000103", "442000105", "442000106", "442000107", "442000108", "442000109", "442000110")


def _count(code: str) -> tuple[int, int, dict[str, int]]:
    """Figures, batches and rows per uploaded file (by its note) in the town's own store."""
    with config.use_town(code), store.connect() as con:
        figures, batches = (int(store.one(con, f"select count(*) from {t}")[0]) for t in ("figure", "batch"))
        per_file = dict(con.execute("select note, count(*) from figure where note like 'load-%' group by note").fetchall())
    return figures, batches, per_file


def run(town_count: int, processes: int, files: int, rows: int, admin: str) -> dict:
    work = Path(tempfile.mkdtemp(prefix=f"towns-load-{town_count}-"))
    saved = dict(os.environ)
    os.environ.pop("TRACKER_DATABASE_URL", None)
    os.environ["TRACKER_DB"] = str(work / "home.duckdb")
    os.environ["TRACKER_TOWNS"] = str(work / "towns")
    names = [pgserver.create_database(admin) for _ in range(town_count)]
    codes = list(CODES[:town_count])
    try:
        db.build()
        started_setup = time.perf_counter()
        for code, name in zip(codes, names, strict=True):
            towns.add(code, config.DATA_DIR, demo=True, database_url=pgserver.url_of(name), user="bench")
        setup_s = time.perf_counter() - started_setup
        all_rows = big_rows(processes * files * rows)
        before = {code: _count(code) for code in codes}
        start = time.time() + 3 + processes * 0.5  # every process imported and waiting
        procs, town_of = [], {}
        for w in range(processes):
            code = codes[w % town_count]
            town_of[w] = code
            paths = []
            for f in range(files):
                k = (w * files + f) * rows
                path = work / f"w{w}-f{f}.csv"
                path.write_bytes(_csv(all_rows[k : k + rows], f"load-{w}-{f}"))
                paths.append(str(path))
            spec = work / f"w{w}.json"
            spec.write_text(json.dumps({"worker": w, "files": paths, "start": start, "town": code}))
            line = f"import sys; sys.path.insert(0, {str(ROOT)!r}); from bench.load import worker; worker({str(spec)!r})"
            procs.append(subprocess.Popen([sys.executable, "-c", line], cwd=ROOT, env=dict(os.environ), stdout=subprocess.PIPE, text=True))
        outs = [p.communicate(timeout=1800)[0] for p in procs]
        wall = time.time() - start
        results = [json.loads(o.strip().splitlines()[-1]) for o in outs if o.strip()]
        times = sorted(t for r in results for t in r["times"])
        begins = sorted(t for r in results for t in r.get("begin_s", []))
        after = {code: _count(code) for code in codes}
        stored = sum(after[c][0] - before[c][0] for c in codes)
        expected = processes * files * rows
        incomplete = sum(1 for w in range(processes) for f in range(files) if after[town_of[w]][2].get(f"load-{w}-{f}", 0) != rows)
        elsewhere = sum(  # a file found in a town it was not sent to
            1 for w in range(processes) for f in range(files) for c in codes if c != town_of[w] and f"load-{w}-{f}" in after[c][2]
        )
        return {
            "towns": town_count,
            "processes": processes,
            "files": processes * files,
            "rows": expected,
            "failed_processes": sum(p.returncode != 0 for p in procs),
            "batches_added": sum(after[c][1] - before[c][1] for c in codes),
            "lost": max(expected - stored, 0),
            "duplicated": max(stored - expected, 0),
            "files_incomplete": incomplete,
            "files_in_another_town": elsewhere,
            "wall_s": round(wall, 2),
            "rows_per_s": round(expected / wall, 1),
            "p50_s": round(statistics.median(times), 3) if times else None,
            "p95_s": round(times[max(int(len(times) * 0.95) - 1, 0)], 3) if times else None,
            "max_s": round(times[-1], 3) if times else None,
            "begin_p50_s": round(statistics.median(begins), 3) if begins else None,
            "begin_p95_s": round(begins[max(int(len(begins) * 0.95) - 1, 0)], 3) if begins else None,
            "setup_s": round(setup_s, 1),
            "load_average": round(os.getloadavg()[0], 1),
        }
    finally:
        for name in names:
            pgstore.close_all(pgserver.url_of(name))
        os.environ.clear()
        os.environ.update(saved)
        for name in names:
            pgserver.drop_database(admin, name)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--towns", default="1,2,4", help="numbers of towns to spread the writers over; 1: one database")
    parser.add_argument("--processes", type=int, default=8)
    parser.add_argument("--files", type=int, default=5)
    parser.add_argument("--rows", type=int, default=200)
    args = parser.parse_args()
    admin = pgserver.ensure_server()
    ok, first = True, None
    for count in (int(t) for t in args.towns.split(",")):
        r = run(count, args.processes, args.files, args.rows, admin)
        first = first or r
        verdict = (
            r["lost"] == 0 and r["duplicated"] == 0 and r["failed_processes"] == 0 and r["files_incomplete"] == 0
            and r["files_in_another_town"] == 0 and r["batches_added"] == r["files"] and (r["p95_s"] or 0) <= FLOOR["p95_s"]
        )  # fmt: skip
        ok &= verdict
        against = f"p95 {r['p95_s']} s against {first['p95_s']} s on {first['towns']} database(s)"
        print(json.dumps(r, ensure_ascii=False), against, "✓" if verdict else "✗")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
