"""Several app servers on one machine for a try-out: PostgreSQL, N Streamlit servers, nginx in front.

    python -m deploy.cluster start [--servers 3] [--port 8500] [--database-url URL]
    python -m deploy.cluster stop

``start`` starts Debian's PostgreSQL cluster when no URL is given (database ``tracker``, built from ``data/`` on
first start), writes one cookie secret shared by every server (``data/cookie_secret``, mode 0600), starts N
``streamlit run serve.py`` on the ports after ``--port`` and nginx on ``--port`` with ``ip_hash`` (a browser keeps
talking to one server: Streamlit's sessions live in one process), and waits until the proxy answers.
Everything it starts is recorded in ``deploy/run/`` (pids, logs, nginx.conf); ``stop`` ends exactly those.
The same nginx block and one systemd unit per server are what a production machine uses (deploy/README.md).
"""

from __future__ import annotations

import argparse
import os
import secrets
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RUN = ROOT / "deploy" / "run"
SECRET_FILE = ROOT / "data" / "cookie_secret"
LOCAL_URL = "postgresql:///tracker?host=/var/run/postgresql"


def nginx_config(listen_port: int, upstream_ports: list[int], run_dir: Path) -> str:
    """An nginx.conf for the try-out (and the ``upstream``/``server`` blocks an operator copies)."""
    servers = "\n".join(f"        server 127.0.0.1:{p};" for p in upstream_ports)
    user = "user root;\n" if os.geteuid() == 0 else ""
    temp = "\n".join(f"    {kind}_temp_path {run_dir}/tmp-{kind};" for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    return f"""{user}worker_processes 1;
pid {run_dir}/nginx.pid;
error_log {run_dir}/nginx-error.log;
events {{ worker_connections 1024; }}
http {{
    access_log {run_dir}/nginx-access.log;
{temp}
    client_max_body_size 12m;  # Streamlit refuses uploads over 10 MB itself (server.maxUploadSize)
    map $http_upgrade $connection_upgrade {{ default upgrade; '' close; }}
    upstream tracker {{
        ip_hash;  # one browser, one server: a Streamlit session (and its uploads) lives in one process
{servers}
    }}
    server {{
        listen 127.0.0.1:{listen_port};
        location / {{
            proxy_pass http://tracker;
            proxy_http_version 1.1;
            proxy_set_header Upgrade $http_upgrade;  # Streamlit's websocket (/_stcore/stream)
            proxy_set_header Connection $connection_upgrade;
            proxy_set_header Host $http_host;  # the origin check of the websocket compares with it
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_read_timeout 1d;
            proxy_buffering off;
        }}
    }}
}}
"""


def cookie_secret() -> str:
    """One secret for every server (Streamlit signs its cookies with it), created once, private to this user."""
    if not SECRET_FILE.exists():
        SECRET_FILE.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(SECRET_FILE, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(secrets.token_urlsafe(32))
    return SECRET_FILE.read_text().strip()


def local_postgres() -> str:
    """Debian's cluster started, a role for this OS user and a database ``tracker``; its URL."""
    sys.path.insert(0, str(ROOT))
    from tests import pgserver

    admin = pgserver.ensure_server()
    import psycopg

    with psycopg.connect(admin, autocommit=True) as con:
        if not con.execute("select 1 from pg_database where datname = 'tracker'").fetchone():
            con.execute("create database tracker")
    return LOCAL_URL


def server_command(port: int) -> list[str]:
    """One app server; its cookie secret comes from ``STREAMLIT_SERVER_COOKIE_SECRET`` (Streamlit refuses it as
    a command-line flag, where other users could read it)."""
    return [sys.executable, "-m", "streamlit", "run", str(ROOT / "serve.py"), "--server.port", str(port),
            "--server.address", "127.0.0.1", "--server.headless", "true", "--server.fileWatcherType", "none"]  # fmt: skip


def wait_for(url: str, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if response.status == 200:
                    return
        except OSError:
            if time.monotonic() > deadline:
                raise RuntimeError(f"{url} did not answer within {timeout:.0f} s") from None
        time.sleep(0.3)


def start(servers: int, port: int, database_url: str | None) -> None:
    if (RUN / "pids").exists():
        raise SystemExit("已有一组服务在运行：请先运行 python -m deploy.cluster stop")
    url = database_url or local_postgres()
    env = {**os.environ, "TRACKER_DATABASE_URL": url, "STREAMLIT_SERVER_COOKIE_SECRET": cookie_secret()}
    subprocess.run([sys.executable, "-m", "tracker", "init"], cwd=ROOT, env=env, check=True)
    RUN.mkdir(parents=True, exist_ok=True)
    ports = [port + 1 + i for i in range(servers)]
    pids = []
    for p in ports:
        log = open(RUN / f"server-{p}.log", "w")
        proc = subprocess.Popen(server_command(p), cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        pids.append(proc.pid)
    (RUN / "pids").write_text("\n".join(map(str, pids)) + "\n")
    for p in ports:
        wait_for(f"http://127.0.0.1:{p}/_stcore/health")
    (RUN / "nginx.conf").write_text(nginx_config(port, ports, RUN))
    subprocess.run([shutil.which("nginx") or "/usr/sbin/nginx", "-p", str(RUN), "-c", str(RUN / "nginx.conf")], check=True)
    wait_for(f"http://127.0.0.1:{port}/_stcore/health")
    print(f"{servers} 个服务已启动：http://127.0.0.1:{port}/ （数据库 {url.split('@')[-1]}）")


def stop() -> None:
    pid_file = RUN / "nginx.pid"
    if pid_file.exists():
        os.kill(int(pid_file.read_text().split()[0]), signal.SIGQUIT)
    servers = RUN / "pids"
    if servers.exists():
        for pid in map(int, servers.read_text().split()):
            try:
                os.killpg(pid, signal.SIGTERM)  # each server was started in its own session: its group is its own
            except ProcessLookupError:
                pass
        servers.unlink()
    print("已停止。")


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m deploy.cluster", description="PostgreSQL + N Streamlit servers + nginx")
    sub = parser.add_subparsers(dest="command", required=True)
    go = sub.add_parser("start")
    go.add_argument("--servers", type=int, default=3)
    go.add_argument("--port", type=int, default=8500, help="nginx; the servers take the next ports")
    go.add_argument("--database-url", default=os.environ.get("TRACKER_DATABASE_URL"))
    sub.add_parser("stop")
    args = parser.parse_args()
    if args.command == "start":
        start(args.servers, args.port, args.database_url)
    else:
        stop()


if __name__ == "__main__":
    main()
