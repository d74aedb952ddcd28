"""Issue 17, point 5: 3 app servers behind nginx on PostgreSQL, staff uploading while viewers load pages, then
kill -9 one app server and the PostgreSQL backend of an upload in the middle of its transaction.

    python bench/failover.py [--servers 3] [--staff 20] [--files 2] [--rows 60] [--viewers 50]

Loopback only, bounded (a hard deadline of 170 s after the servers are up). What runs:

- a throwaway PostgreSQL database (tests/pgserver.py) built by ``python -m tracker init``; ``--servers``
  ``streamlit run serve.py`` on it (tests/conftest.StreamlitServer) behind nginx (deploy/cluster.nginx_config, with
  one extra response header naming the server that answered, so the bench knows where each viewer went);
- ``--staff`` processes, released at the same moment, each committing ``--files`` department files of ``--rows``
  distinct figures through ``tracker.ingest.commit`` (what the upload page calls on 确认提交). A staff member whose
  commit fails sees the error and presses again after 1 s (up to 3 tries): the store must then hold the file
  exactly once (the duplicate-file rule refuses a second copy of a file that did land);
- ``--viewers`` threads, each from its own loopback source address (127.0.N.1, so nginx's ``ip_hash`` spreads
  them over the servers as it spreads browsers), loading the app's page (``GET /``, the HTML a browser loads
  first) and ``/_stcore/health`` through the proxy, 0.5–1.5 s apart. That is what "page load" means here: the
  server's HTTP answer through the proxy, not a script rerun over the websocket;
- 1 s after the release: ``pg_terminate_backend`` on the backend of an upload whose transaction has written
  (``backend_xid`` set); 4 s after: ``kill -9`` of the app server most viewers are on.

Reported and checked against FLOOR: uploads accepted / sent, lost and duplicated (counted in PostgreSQL
afterwards: every file's rows and batches), upload errors seen by staff (the killed one expected), page p50/p95
during the load, viewer errors, recovery times (the killed upload until its retry is stored; the killed server
until each of its viewers loads a page again).
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.load import _csv  # noqa: E402
from bench.upload import TODAY, big_rows  # noqa: E402
from deploy.cluster import nginx_config, wait_for  # noqa: E402
from tests import pgserver  # noqa: E402

# 0 lost, 0 duplicated; the only upload error a staff member sees is the one whose backend was killed (and its
# retry stores it); a page answers within 2 s at p95 while 20 staff upload; no viewer sees an error when a server
# dies (nginx passes the request to another server); every viewer of the dead server loads a page within 10 s.
# A staff member waits <= 10 s for a commit (bench/load.py's floor), also with 20 committing at once.
FLOOR = {
    "lost": 0, "duplicated": 0, "upload_errors_besides_killed": 0, "upload_p95_s": 10.0, "page_p95_s": 2.0, "viewer_errors": 0,
    "recovery_s": 10.0,
}  # fmt: skip
DEADLINE_S = 170
UPSTREAM_HEADER = "add_header X-Upstream $upstream_addr always;"  # which server answered


def worker(spec_file: str) -> None:
    """One staff member: wait for the release, commit each file (retrying a failure after 1 s, up to 3 tries)."""
    from tracker import ingest
    from tracker.auth import User

    spec = json.loads(Path(spec_file).read_text())
    user = User(f"staff{spec['worker']}", "admin", None)
    files = [(Path(f).name, Path(f).read_bytes()) for f in spec["files"]]
    while time.time() < spec["start"]:
        time.sleep(0.005)
    out = []
    for name, data in files:
        record: dict = {"file": name, "errors": [], "batch": None, "duplicate_of": None}
        for _ in range(3):
            started = time.time()
            try:
                result = ingest.commit(data, name, user, today=TODAY)
            except Exception as exc:  # noqa: BLE001 - whatever the staff member would see on the page
                record["errors"].append({"at": started, "failed_at": time.time(), "message": str(exc)[:300]})
                time.sleep(1)
                continue
            record.update(batch=result.batch_id, duplicate_of=result.duplicate_of, seconds=time.time() - started, done_at=time.time())
            break
        out.append(record)
    print(json.dumps(out, ensure_ascii=False))


class Viewers:
    """``count`` threads loading pages through the proxy until stopped; every load recorded."""

    def __init__(self, port: int, count: int) -> None:
        self.port, self.count = port, count
        self.loads: list[dict] = []
        self.stop = threading.Event()
        self.lock = threading.Lock()
        self.threads = [threading.Thread(target=self.run, args=(i,), daemon=True) for i in range(count)]

    def start(self) -> None:
        for t in self.threads:
            t.start()

    def join(self) -> None:
        self.stop.set()
        for t in self.threads:
            t.join(timeout=15)

    def run(self, i: int) -> None:
        source = f"127.0.{i + 1}.1"
        rng = random.Random(i)
        while not self.stop.is_set():
            for path in ("/", "/_stcore/health"):
                started = time.time()
                record = {"viewer": i, "path": path, "at": started, "status": None, "upstream": None, "error": None}
                try:
                    con = http.client.HTTPConnection("127.0.0.1", self.port, timeout=15, source_address=(source, 0))
                    con.request("GET", path)
                    response = con.getresponse()
                    response.read()
                    record["status"] = response.status
                    record["upstream"] = response.getheader("X-Upstream")
                    con.close()
                except OSError as exc:
                    record["error"] = str(exc)[:200]
                record["seconds"] = time.time() - started
                with self.lock:
                    self.loads.append(record)
            self.stop.wait(rng.uniform(0.5, 1.5))


def kill_an_upload_backend(admin: str, database: str, deadline: float) -> dict | None:
    """pg_terminate_backend on the first upload backend found inside a transaction that has written."""
    import psycopg

    with psycopg.connect(admin, autocommit=True) as con:
        while time.time() < deadline:
            row = con.execute(
                "select pid, application_name, state from pg_stat_activity where datname = %s"
                " and application_name like 'bench-upload-%%' and backend_xid is not null limit 1",
                [database],
            ).fetchone()
            if row:
                at = time.time()
                con.execute("select pg_terminate_backend(%s)", [row[0]])
                return {"pid": row[0], "worker": row[1], "state": row[2], "at": at}
            time.sleep(0.01)
    return None


def percentile(values: list[float], q: float) -> float | None:
    if not values:
        return None
    values = sorted(values)
    return values[min(int(len(values) * q), len(values) - 1)]


def run(args: argparse.Namespace) -> dict:
    from tests.conftest import StreamlitServer, free_port

    admin = pgserver.ensure_server()
    database = pgserver.create_database(admin)
    url = pgserver.url_of(database)
    work = Path(tempfile.mkdtemp(prefix="failover-"))
    env = {k: v for k, v in os.environ.items() if k != "TRACKER_DATABASE_URL"}
    env |= {"TRACKER_DATABASE_URL": url, "TRACKER_DB": str(work / "unused.duckdb"), "STREAMLIT_SERVER_COOKIE_SECRET": "bench-shared-secret"}
    servers: list = []
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    run_dir = work / "nginx"
    run_dir.mkdir()
    procs: list[subprocess.Popen] = []
    viewers = None
    try:
        subprocess.run([sys.executable, "-m", "tracker", "init"], cwd=ROOT, env=env, check=True, capture_output=True)
        saved = os.environ.get("TRACKER_DATABASE_URL")
        os.environ["TRACKER_DATABASE_URL"] = url
        try:
            rows = big_rows(args.staff * args.files * args.rows)
        finally:
            os.environ.pop("TRACKER_DATABASE_URL")
            if saved:
                os.environ["TRACKER_DATABASE_URL"] = saved
        started_servers = time.time()
        for i in range(args.servers):
            servers.append(StreamlitServer(work / "unused.duckdb", work / f"server{i}.log", script="serve.py", env=env, timeout=120))
        port = free_port()
        conf = nginx_config(port, [s.port for s in servers], run_dir)
        conf = conf.replace(
            "proxy_pass http://tracker;", "proxy_pass http://tracker;\n            add_header X-Upstream $upstream_addr always;"
        )
        (run_dir / "nginx.conf").write_text(conf)
        subprocess.run([nginx, "-p", str(run_dir), "-c", str(run_dir / "nginx.conf")], check=True)
        wait_for(f"http://127.0.0.1:{port}/_stcore/health")
        servers_up_s = time.time() - started_servers
        hard_deadline = time.time() + DEADLINE_S

        viewers = Viewers(port, args.viewers)
        viewers.start()
        start = time.time() + 4 + args.staff * 0.4  # every staff process imported and waiting
        for w in range(args.staff):
            paths = []
            for f in range(args.files):
                k = (w * args.files + f) * args.rows
                path = work / f"staff{w:02d}_file{f}.csv"
                path.write_bytes(_csv(rows[k : k + args.rows], f"failover-{w}-{f}"))
                paths.append(str(path))
            spec = work / f"w{w}.json"
            spec.write_text(json.dumps({"worker": w, "files": paths, "start": start}))
            code = f"import sys; sys.path.insert(0, {str(ROOT)!r}); from bench.failover import worker; worker({str(spec)!r})"
            worker_env = env | {"TRACKER_DATABASE_URL": f"{url}&application_name=bench-upload-{w}"}
            procs.append(subprocess.Popen([sys.executable, "-c", code], cwd=ROOT, env=worker_env, stdout=subprocess.PIPE, text=True))

        while time.time() < start + 1:
            time.sleep(0.05)
        killed_backend = kill_an_upload_backend(admin, database, start + 30)
        while time.time() < start + 4:
            time.sleep(0.05)
        with viewers.lock:
            on = [r["upstream"] for r in viewers.loads if r["upstream"]]
        by_server = {s.port: sum(1 for u in on if u.endswith(f":{s.port}")) for s in servers}
        victim = max(servers, key=lambda s: by_server[s.port])
        victim_viewers = {r["viewer"] for r in viewers.loads if (r["upstream"] or "").endswith(f":{victim.port}")}
        killed_server_at = time.time()
        os.kill(victim.proc.pid, signal.SIGKILL)

        outs = []
        for p in procs:
            try:
                outs.append(p.communicate(timeout=max(hard_deadline - time.time(), 1))[0])
            except subprocess.TimeoutExpired:
                p.kill()
                outs.append(p.communicate()[0])
        uploads_done = time.time()
        time.sleep(3)  # viewers keep loading a moment after the last upload
        viewers.join()
        return report(
            args,
            url,
            outs,
            procs,
            viewers,
            start,
            uploads_done,
            killed_backend,
            killed_server_at,
            victim,
            victim_viewers,
            by_server,
            servers_up_s,
        )
    finally:
        if viewers:
            viewers.stop.set()
        for p in procs:
            if p.poll() is None:
                p.kill()
        subprocess.run([nginx, "-p", str(run_dir), "-c", str(run_dir / "nginx.conf"), "-s", "quit"], check=False, capture_output=True)
        for s in servers:
            if s.proc.poll() is None:
                s.stop()
        pgserver.drop_database(admin, database)
        shutil.rmtree(work, ignore_errors=True)


def report(
    args, url, outs, procs, viewers, start, uploads_done, killed_backend, killed_server_at, victim, victim_viewers, by_server, servers_up_s
) -> dict:  # noqa: ANN001, PLR0913
    import psycopg

    records = [r for o in outs if o.strip() for r in json.loads(o.strip().splitlines()[-1])]
    sent = args.staff * args.files
    accepted = [r for r in records if r["batch"] is not None or r["duplicate_of"] is not None]
    with psycopg.connect(url) as con:
        stored = dict(con.execute("select note, count(*) from figure where note like 'failover-%' group by note").fetchall())
        batches = dict(
            con.execute("select file_name, count(*) from batch where kind = 'figures' and status = 'committed' group by 1").fetchall()
        )
    lost = duplicated = never_accepted_but_stored = 0
    accepted_names = {r["file"] for r in accepted}
    for w in range(args.staff):
        for f in range(args.files):
            name, note = f"staff{w:02d}_file{f}.csv", f"failover-{w}-{f}"
            rows, n_batches = stored.get(note, 0), batches.get(name, 0)
            if rows > args.rows or n_batches > 1:
                duplicated += 1
            elif name in accepted_names and (rows < args.rows or n_batches == 0):
                lost += 1
            if name not in accepted_names and (rows or n_batches):
                never_accepted_but_stored += 1
    errors = [(r, e) for r in records for e in r["errors"]]
    killed_worker = int(killed_backend["worker"].rsplit("-", 1)[1]) if killed_backend else None
    expected = [
        (r, e)
        for r, e in errors
        if killed_backend and r["file"].startswith(f"staff{killed_worker:02d}") and e["at"] <= killed_backend["at"] <= e["failed_at"]
    ]
    backend_recovery = None
    if expected:
        done = expected[0][0].get("done_at")
        backend_recovery = round(done - killed_backend["at"], 2) if done else None
    loads = [r for r in viewers.loads if start <= r["at"] <= uploads_done]
    pages = [r["seconds"] for r in loads if r["path"] == "/" and r["status"] == 200]
    health = [r["seconds"] for r in loads if r["path"] != "/" and r["status"] == 200]
    viewer_errors = [r for r in viewers.loads if r["error"] or r["status"] != 200]
    recovery = []
    for v in victim_viewers:
        after = [r for r in viewers.loads if r["viewer"] == v and r["at"] >= killed_server_at and r["status"] == 200]
        if after:
            recovery.append(after[0]["at"] + after[0]["seconds"] - killed_server_at)
    times = sorted(r["seconds"] for r in records if "seconds" in r)
    return {
        "servers": args.servers,
        "servers_up_s": round(servers_up_s, 1),
        "staff": args.staff,
        "uploads_sent": sent,
        "uploads_accepted": len(accepted),
        "uploads_stored": sum(1 for w in range(args.staff) for f in range(args.files) if stored.get(f"failover-{w}-{f}") == args.rows),
        "lost": lost,
        "duplicated": duplicated,
        "never_accepted_but_stored": never_accepted_but_stored,
        "failed_processes": sum(p.returncode != 0 for p in procs),
        "upload_errors": len(errors),
        "upload_errors_besides_killed": len(errors) - len(expected),
        "upload_error_messages": sorted({e["message"][:160] for _, e in errors}),
        "upload_errors_detail": [{"file": r["file"], "at": e["at"], "failed_at": e["failed_at"]} for r, e in errors],
        "killed_backend_at": killed_backend and killed_backend["at"],
        "upload_p50_s": round(statistics.median(times), 2) if times else None,
        "upload_p95_s": round(percentile(times, 0.95) or 0, 2),
        "upload_wall_s": round(uploads_done - start, 1),
        "killed_backend": killed_backend and {k: killed_backend[k] for k in ("worker", "state")},
        "backend_recovery_s": backend_recovery,
        "viewers": args.viewers,
        "viewers_by_server_before_kill": {str(k): v for k, v in by_server.items()},
        "killed_server_port": victim.port,
        "viewers_on_killed_server": len(victim_viewers),
        "page_loads": len(pages),
        "page_p50_s": round(percentile(pages, 0.5) or 0, 3),
        "page_p95_s": round(percentile(pages, 0.95) or 0, 3),
        "health_p50_s": round(percentile(health, 0.5) or 0, 3),
        "health_p95_s": round(percentile(health, 0.95) or 0, 3),
        "viewer_errors": len(viewer_errors),
        "viewer_error_examples": sorted({str(r["error"] or r["status"])[:120] for r in viewer_errors})[:5],
        "recovery_s": round(max(recovery), 2) if recovery else None,
        "slowest_load_around_kill_s": round(
            max((r["seconds"] for r in viewers.loads if killed_server_at - 1 <= r["at"] <= killed_server_at + 5), default=0), 3
        ),
        "load_average_after": round(os.getloadavg()[0], 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--servers", type=int, default=3)
    parser.add_argument("--staff", type=int, default=20)
    parser.add_argument("--files", type=int, default=2)
    parser.add_argument("--rows", type=int, default=60)
    parser.add_argument("--viewers", type=int, default=50)
    args = parser.parse_args()
    started, load_before = time.time(), os.getloadavg()[0]
    r = run(args)
    r["load_average_before"] = round(load_before, 2)
    r["total_s"] = round(time.time() - started, 1)
    checks = {
        "lost": r["lost"] <= FLOOR["lost"] and r["never_accepted_but_stored"] == 0 and r["uploads_accepted"] == r["uploads_sent"],
        "duplicated": r["duplicated"] <= FLOOR["duplicated"],
        "upload_errors_besides_killed": r["upload_errors_besides_killed"] <= FLOOR["upload_errors_besides_killed"]
        and r["failed_processes"] == 0,
        "upload_p95_s": r["upload_p95_s"] <= FLOOR["upload_p95_s"],
        "page_p95_s": r["page_p95_s"] <= FLOOR["page_p95_s"],
        "viewer_errors": r["viewer_errors"] <= FLOOR["viewer_errors"],
        "recovery_s": r["recovery_s"] is not None
        and r["recovery_s"] <= FLOOR["recovery_s"]
        and r["backend_recovery_s"] is not None
        and r["backend_recovery_s"] <= FLOOR["recovery_s"],
    }
    failed = [name for name, good in checks.items() if not good]
    verdict = not failed
    print(json.dumps(r, ensure_ascii=False, indent=1))
    print("floor:", json.dumps(FLOOR), "✓" if verdict else f"✗ below the floor: {', '.join(failed)}")
    sys.exit(0 if verdict else 1)


if __name__ == "__main__":
    main()
