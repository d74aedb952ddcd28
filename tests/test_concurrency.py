"""Several sessions at once, and a process killed mid-commit: nothing lost, nothing half-written.

Threads share one DuckDB instance (writes serialised by tracker.store's write lock); processes wait for DuckDB's
file lock through tracker.store.connect. Also measures a 10,000-row file (parse / check / write apart).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from bench.upload import FLOWS, big_rows
from bench.upload import big_xlsx as make_xlsx
from tests.conftest import ARTIFACTS, ROOT, TODAY, counts, current, make_csv
from tracker import ingest, store
from tracker.auth import User

ADMIN = User("boss", "admin", None)


def big_xlsx(path: Path, rows: list[list]) -> bytes:
    path.write_bytes(make_xlsx(rows))
    return path.read_bytes()


def test_threads_committing_at_once_lose_nothing(demo_db):
    """Eight sessions commit different files at the same moment: eight batches, every value present."""
    before = counts()
    files = [make_csv([[FLOWS[i], 2024, 1, 10 + i, None, f"线程{i}"]]) for i in range(8)]
    errors: list[BaseException] = []
    barrier = threading.Barrier(len(files))

    def work(i: int) -> None:
        try:
            barrier.wait()
            ingest.commit(files[i], f"t{i}.csv", ADMIN, today=TODAY)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(len(files))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    assert counts()[0] == before[0] + 8 and counts()[1] == before[1] + 8
    assert [current(FLOWS[i], 2024, 1) for i in range(8)] == [10 + i for i in range(8)]


def test_same_file_from_two_threads_is_written_once(demo_db):
    data = make_csv([["cultural_events", 2024, 1, 44, None, None]])
    before = counts()
    results = []
    threads = [threading.Thread(target=lambda: results.append(ingest.commit(data, "x.csv", ADMIN, today=TODAY))) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sum(1 for r in results if r.batch_id) == 1 and sum(1 for r in results if r.duplicate_of) == 3
    assert counts()[1] == before[1] + 1


def test_processes_importing_at_once_lose_nothing(demo_db, tmp_path):
    """Four CLI processes import four files into one database file at the same time."""
    with store.connect() as con:
        from tracker import auth

        auth.create_user(con, "boss", "admin", "the-importer-password")
    paths = []
    for i in range(4):
        path = tmp_path / f"p{i}.csv"
        path.write_bytes(make_csv([[FLOWS[i], 2024, 2, 20 + i, None, None]]))
        paths.append(path)
    env = {**os.environ, "TRACKER_DB": str(demo_db)}
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "tracker", "import", str(p), "--user", "boss"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for p in paths
    ]
    outs = [p.communicate(timeout=180) for p in procs]
    assert [p.returncode for p in procs] == [0, 0, 0, 0], outs
    assert [current(FLOWS[i], 2024, 2) for i in range(4)] == [20 + i for i in range(4)]


KILLER = """
import sys, threading
from datetime import date
from tracker import ingest, store
from tracker.auth import User

real = store.insert_rows
def slow(con, table, columns, rows):
    real(con, table, columns, rows)
    if table == "figure":
        print("INSERTED", flush=True)
        threading.Event().wait()   # killed here: rows inserted, transaction not committed
store.insert_rows = slow
data = open(sys.argv[1], "rb").read()
ingest.commit(data, "big.xlsx", User("boss", "admin", None), today=date(2024, 3, 20))
"""


def test_process_killed_mid_commit_leaves_the_database_as_before(demo_db, tmp_path):
    """SIGKILL after the 10,000 rows are inserted but before the commit: the database opens and is unchanged."""
    data_path = tmp_path / "big.xlsx"
    big_xlsx(data_path, big_rows())
    before = counts()
    with store.connect() as con:
        before_max = con.execute("select max(id) from batch").fetchone()[0]
    env = {**os.environ, "TRACKER_DB": str(demo_db)}
    proc = subprocess.Popen(
        [sys.executable, "-c", KILLER, str(data_path)], cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        line = proc.stdout.readline()
        assert line.strip() == "INSERTED", proc.stderr.read()
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == -signal.SIGKILL
    assert counts() == before
    with store.connect() as con:
        assert con.execute("select max(id) from batch").fetchone()[0] == before_max
    # and the same file then goes in completely
    result = ingest.commit(data_path.read_bytes(), "big.xlsx", ADMIN, today=TODAY)
    assert result.rows + result.unchanged == 10_000


@pytest.mark.timeout(600)
def test_ten_thousand_rows_timing(empty_db, tmp_path):
    """Validate and commit a 10,000-row .xlsx; times are written to tests/artifacts/ingest_timing.json."""
    data = big_xlsx(tmp_path / "big.xlsx", big_rows())
    started = time.perf_counter()
    report = ingest.prepare(data, "big.xlsx", ADMIN, today=TODAY)
    prepare_total = time.perf_counter() - started
    assert report.ok, [i.text() for i in report.errors][:5]
    started = time.perf_counter()
    result = ingest.commit(data, "big.xlsx", ADMIN, today=TODAY)
    commit_total = time.perf_counter() - started
    assert result.rows == 10_000
    started = time.perf_counter()
    parsed = ingest.parse(data, "big.xlsx")
    parse_only = time.perf_counter() - started
    with store.connect() as con:
        started = time.perf_counter()
        ingest.validate(con, parsed, ADMIN, TODAY)
        check_only = time.perf_counter() - started
    timing = {
        "rows": 10_000,
        "file_kb": round(len(data) / 1024),
        "preview_total_s": round(prepare_total, 2),
        "preview_parts_s": {k: round(v, 2) for k, v in report.timings.items()},
        "commit_total_s": round(commit_total, 2),
        "parse_s": round(parse_only, 2),
        "check_s": round(check_only, 2),
        "write_s": round(commit_total - parse_only - check_only, 2),
    }
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "ingest_timing.json").write_text(json.dumps(timing, indent=2))
    print(timing)
    assert commit_total < 120
