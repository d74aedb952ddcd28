"""A real PostgreSQL server for the tests: Debian's cluster, started when it is not running, one database per
test (copied from a template built once per session), dropped afterwards.

Nothing here skips: a machine without PostgreSQL fails these tests (CI installs it, see .ci/run).
"""

from __future__ import annotations

import itertools
import os
import shutil
import subprocess

import psycopg

SOCKET_DIR = "/var/run/postgresql"
_NAMES = itertools.count()


def _as_postgres(sql: str) -> None:
    subprocess.run(["su", "postgres", "-c", f'psql -v ON_ERROR_STOP=1 -qc "{sql}"'], check=True, capture_output=True)


def ensure_server() -> str:
    """Start Debian's cluster if needed and make sure this OS user has a superuser role; the admin URL."""
    if shutil.which("pg_ctlcluster") is None:
        raise RuntimeError("PostgreSQL is not installed: apt-get install -y postgresql (see .ci/run)")
    clusters = [
        line.split() for line in subprocess.run(["pg_lsclusters", "-h"], capture_output=True, text=True, check=True).stdout.splitlines()
    ]
    if not clusters:
        raise RuntimeError("no PostgreSQL cluster: pg_createcluster 15 main (Debian's package creates one)")
    if not any(c[3] == "online" for c in clusters):
        subprocess.run(["pg_ctlcluster", clusters[0][0], clusters[0][1], "start"], check=True)
    user = os.environ.get("USER") or subprocess.run(["id", "-un"], capture_output=True, text=True).stdout.strip()
    url = f"postgresql:///postgres?host={SOCKET_DIR}"
    # Wait for the server itself (pg_isready blocks until it accepts connections or the timeout passes).
    if subprocess.run(["pg_isready", "-q", "-h", SOCKET_DIR, "-t", "60"]).returncode != 0:
        raise RuntimeError("PostgreSQL did not accept connections")
    try:
        psycopg.connect(url, connect_timeout=10).close()
    except psycopg.OperationalError as exc:
        if not ("does not exist" in str(exc) and "role" in str(exc)):
            raise
        _as_postgres(f"create role {user} superuser login")
    return url


def url_of(name: str) -> str:
    return f"postgresql:///{name}?host={SOCKET_DIR}"


def create_database(admin_url: str, template: str | None = None) -> str:
    name = f"tracker_test_{os.getpid()}_{next(_NAMES)}"
    with psycopg.connect(admin_url, autocommit=True) as con:
        con.execute(f"create database {name}" + (f" template {template}" if template else ""))
    return name


def drop_database(admin_url: str, name: str) -> None:
    with psycopg.connect(admin_url, autocommit=True) as con:
        con.execute(f"drop database if exists {name} with (force)")
