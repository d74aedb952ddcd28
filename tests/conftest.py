"""Shared fixtures: real DuckDB files built from data/, a real streamlit server, a real Chromium."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import threading
from datetime import date
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "tests" / "artifacts"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
TODAY = date(2024, 3, 20)  # "today" for upload tests: 2024-01 and 2024-02 may be reported, 2024-04 not yet

sys.path.insert(0, str(ROOT))

from tests import pgserver  # noqa: E402
from tracker import db, pgstore, store  # noqa: E402
from tracker.model import IndicatorStatus  # noqa: E402

SLOW_MODULES = {"test_concurrency.py", "test_bench.py"}


def pytest_collection_modifyitems(items) -> None:
    """Browser tests, the multi-process stress tests and the benchmark smoke run are slow: ``pytest -m "not slow"``
    is the fast set a developer runs while working."""
    for item in items:
        if item.get_closest_marker("browser") or item.path.name in SLOW_MODULES:
            item.add_marker(pytest.mark.slow)


@pytest.fixture(scope="session")
def demo_db_template(tmp_path_factory) -> Path:
    """The demo database, built once per test session; copy it before writing."""
    return db.build(tmp_path_factory.mktemp("demo") / "tracker.duckdb")


@pytest.fixture(scope="session")
def empty_db_template(tmp_path_factory) -> Path:
    """Targets, projects and places from the report, but no figures at all."""
    return db.build(tmp_path_factory.mktemp("empty") / "tracker.duckdb", demo=False)


@pytest.fixture
def demo_db(demo_db_template, tmp_path, monkeypatch) -> Path:
    """A private copy of the demo database, and TRACKER_DB pointing at it."""
    path = tmp_path / "tracker.duckdb"
    shutil.copy(demo_db_template, path)
    monkeypatch.setenv("TRACKER_DB", str(path))
    monkeypatch.delenv("TRACKER_DATABASE_URL", raising=False)
    return path


@pytest.fixture
def empty_db(empty_db_template, tmp_path, monkeypatch) -> Path:
    path = tmp_path / "tracker.duckdb"
    shutil.copy(empty_db_template, path)
    monkeypatch.setenv("TRACKER_DB", str(path))
    monkeypatch.delenv("TRACKER_DATABASE_URL", raising=False)
    return path


@pytest.fixture(scope="session")
def pg_admin() -> str:
    """The admin URL of a running PostgreSQL (started here when it is not running)."""
    return pgserver.ensure_server()


@pytest.fixture(scope="session")
def pg_demo_template(pg_admin):
    """A PostgreSQL database holding the demo store, built once per session; tests copy it."""
    name = pgserver.create_database(pg_admin)
    url = pgserver.url_of(name)
    saved = os.environ.get("TRACKER_DATABASE_URL")
    os.environ["TRACKER_DATABASE_URL"] = url
    try:
        db.build()
    finally:
        os.environ.pop("TRACKER_DATABASE_URL")
        if saved is not None:
            os.environ["TRACKER_DATABASE_URL"] = saved
        pgstore.close_all(url)
    yield name
    pgserver.drop_database(pg_admin, name)


@pytest.fixture
def pg_db(pg_admin, pg_demo_template, tmp_path, monkeypatch) -> str:
    """A fresh PostgreSQL copy of the demo store, and TRACKER_DATABASE_URL pointing at it (TRACKER_DB at an
    unused path, so nothing falls back to a file by accident)."""
    name = pgserver.create_database(pg_admin, template=pg_demo_template)
    url = pgserver.url_of(name)
    monkeypatch.setenv("TRACKER_DATABASE_URL", url)
    monkeypatch.setenv("TRACKER_DB", str(tmp_path / "unused.duckdb"))
    yield url
    pgstore.close_all(url)
    pgserver.drop_database(pg_admin, name)


@pytest.fixture(params=["duckdb", "postgres"])
def any_store(request) -> str:
    """The demo store on each backend in turn: the DuckDB file, then PostgreSQL."""
    if request.param == "duckdb":
        request.getfixturevalue("demo_db")
    else:
        request.getfixturevalue("pg_db")
    return request.param


@pytest.fixture
def con(demo_db):
    with store.connect(demo_db) as connection:
        yield connection


def make_csv(
    rows: list[list], header=("指标编码", "年", "月", "数值", "地点", "备注"), encoding="utf-8", title: str | None = None
) -> bytes:
    """An upload as a CSV file: one header row (a title row above it if given), then ``rows``."""
    lines = []
    if title:
        lines.append(title)
    lines.append(",".join(header))
    for r in rows:
        lines.append(",".join("" if v is None else (f'"{v}"' if "," in str(v) else str(v)) for v in r))
    return ("\n".join(lines) + "\n").encode(encoding)


def counts(path=None) -> tuple[int, int, int, int]:
    """Rows in figure, batch, explanation and target: unchanged means nothing was written."""
    with store.connect(path) as con:
        return tuple(con.execute(f"select count(*) from {t}").fetchone()[0] for t in ("figure", "batch", "explanation", "target"))


def current(metric: str, year: int, month: int, place: str | None = None) -> float | None:
    """The current value of a figure in the configured database (None when not reported)."""
    with store.connect() as con:
        row = con.execute(
            "select value from figure_current where metric = ? and year = ? and month = ? and place is not distinct from ?",
            [metric, year, month, place],
        ).fetchone()
    return row[0] if row else None


# (navigation title, url path, screenshot name) of the pages the browser tests walk, in navigation order; the
# first ten are the leader pages.
PAGES = [
    ("总览", "", "overview"),
    ("经济发展", "area_economy", "area_economy"),
    ("乡村振兴", "area_rural", "area_rural"),
    ("水环境治理", "area_water", "area_water"),
    ("生态绿美", "area_ecology", "area_ecology"),
    ("文化建设", "area_culture", "area_culture"),
    ("民生保障", "area_livelihood", "area_livelihood"),
    ("指标详情", "indicator", "indicator"),
    ("重点项目", "projects", "projects"),
    ("重点工作", "tasks", "tasks"),
    ("地图", "map", "map"),
    ("会议模式", "meeting", "meeting"),
    ("督办事项", "actions", "actions"),
    ("数据填报", "upload", "upload"),
    ("填报情况", "reporting", "reporting"),
    ("审核与锁定", "review", "review"),
    ("上传记录", "history", "history"),
    ("目标管理", "targets", "targets"),
    ("责任分工", "assignments", "assignments"),
    ("报告提取", "extract", "extract"),
    ("用户管理", "users", "users"),
    ("镇街管理", "towns", "towns"),
]
LEADER_PAGES = PAGES[:10]


def run(capsys, *args: str) -> tuple[int, str, str]:
    """``python -m tracker ARGS`` in this process: (exit code, stdout, stderr)."""
    from tracker.cli import main

    code = main(list(args))
    out = capsys.readouterr()
    return code, out.out, out.err


def write(tmp_path, name: str, header: str, *rows: str) -> str:
    """A small text file (a CSV upload) of a header and rows; its path."""
    path = tmp_path / name
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return str(path)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class StreamlitServer:
    """``streamlit run SCRIPT`` on a free localhost port against ``db_path``; ready when it prints its URL.

    The server's output is read line by line as it comes (and copied to ``log``), so start-up is waited for by the
    line that says the server listens, never by polling the port with sleeps."""

    def __init__(
        self,
        db_path: Path,
        log: Path,
        script: str = "app.py",
        env: dict[str, str] | None = None,
        config_only: bool = False,
        timeout: float = 60,
    ):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.db_path = db_path
        self.log_path = log
        command = [sys.executable, "-m", "streamlit", "run", str(ROOT / script), "--server.port", str(self.port)]
        if not config_only:  # else only .streamlit/config.toml decides (a test of that file)
            command += ["--server.address", "127.0.0.1", "--server.headless", "true", "--browser.gatherUsageStats", "false"]
            command += ["--server.fileWatcherType", "none"]
        self.proc = subprocess.Popen(
            command,
            cwd=ROOT,
            env={**os.environ, "TRACKER_DB": str(db_path), **(env or {})},
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        self._log = open(log, "w")
        self._ready = threading.Event()
        self._copier = threading.Thread(target=self._copy_output, daemon=True)
        self._copier.start()
        if not self._ready.wait(timeout):
            self.stop()
            raise RuntimeError(f"streamlit did not start within {timeout:.0f} s, see {log}")
        if self.proc.poll() is not None:
            raise RuntimeError(f"streamlit exited early, see {log}")

    def _copy_output(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self._log.write(line)
            self._log.flush()
            if "URL: http" in line:
                self._ready.set()
        self._ready.set()  # the process ended: the constructor reports it

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        self._copier.join(timeout=15)
        self._log.close()


@pytest.fixture(scope="session")
def browser_db(tmp_path_factory, demo_db_template) -> Path:
    path = tmp_path_factory.mktemp("browser") / "tracker.duckdb"
    shutil.copy(demo_db_template, path)
    return path


@pytest.fixture(scope="session")
def server(browser_db):
    """``streamlit run app.py`` on a free localhost port, against a copy of the demo database."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    srv = StreamlitServer(browser_db, ARTIFACTS / "streamlit.log")
    yield srv
    srv.stop()


@pytest.fixture(scope="session")
def browser():
    playwright_api = pytest.importorskip("playwright.sync_api")
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: apt-get install -y chromium fonts-noto-cjk")
    with playwright_api.sync_playwright() as pw:
        instance = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


@pytest.fixture
def page(browser):
    """A fresh browser tab at projector size (1920×1080)."""
    context = browser.new_context(viewport={"width": 1920, "height": 1080}, locale="zh-CN", accept_downloads=True)
    tab = context.new_page()
    yield tab
    context.close()


def wait_for_app(tab, timeout: float = 60_000) -> None:
    """Wait until the streamlit script run finished (the status widget is gone and the app is rendered)."""
    tab.wait_for_selector("[data-testid='stMain'] [data-testid='stElementContainer']", timeout=timeout)
    tab.wait_for_function(
        "() => !document.querySelector(\"[data-testid='stStatusWidget']\") && !document.querySelector(\"[data-testid='stSkeleton']\")"
        " && !document.querySelector(\"[data-stale='true']\")",
        timeout=timeout,
    )
    next_frames(tab)  # what the last script run sent is painted before the test reads or screenshots it


def next_frames(tab, frames: int = 2) -> None:
    """Until the browser has painted ``frames`` more frames (a condition, not a fixed time)."""
    tab.evaluate("n => new Promise(r => { const step = k => k ? requestAnimationFrame(() => step(k - 1)) : r(); step(n); })", frames)


def wait_until_quiet(tab, quiet_ms: int = 400, timeout_ms: int = 30_000) -> None:
    """Until the page has not changed for ``quiet_ms`` (a MutationObserver sees every change): a slow run that has
    not yet shown its status widget is waited for, a finished page returns after one quiet spell."""
    tab.evaluate(
        """([quiet, limit]) => new Promise(resolve => {
            let timer;
            const done = () => { observer.disconnect(); clearTimeout(cap); resolve(); };
            const observer = new MutationObserver(() => { clearTimeout(timer); timer = setTimeout(done, quiet); });
            observer.observe(document.body, {subtree: true, childList: true, attributes: true, characterData: true});
            timer = setTimeout(done, quiet);
            const cap = setTimeout(done, limit);
        })""",
        [quiet_ms, timeout_ms],
    )


def goto(tab, server, path: str = "", query: str = "") -> None:
    tab.goto(f"{server.url}/{path}{('?' + query) if query else ''}")
    wait_for_app(tab)


def screenshot(tab, name: str) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    out = ARTIFACTS / f"{name}.png"
    tab.screenshot(path=str(out), full_page=True)
    return out


def assert_no_exception(tab) -> None:
    errors = tab.locator("[data-testid='stException']")
    assert errors.count() == 0, errors.first.inner_text()


def indicator_status_record(**fields) -> IndicatorStatus:
    """An indicator's status as ``tracker.status`` builds it, with plain defaults, for chart and export tests."""
    defaults = dict(
        code="x", name="指标x", area="water", area_name="水环境治理", unit="个", kind="cumulative", direction="up",
        basis="reach", department="water", department_name="水务局", target=20.0, comparator=">=", target_note=None,
        value=10.0, value_month=6, missing_months=[], completion=0.5, time_progress=0.5, gap_pp=0.0, gap_basis="time",
        status="正常", forecast=1.0, last_year=None, source="", description="", explanation=None, last_update=None,
        demo=False,
    )  # fmt: skip
    return IndicatorStatus(**(defaults | fields))


# ---------------------------------------------------------------- shared by the page, map and document tests

DOC_YEAR, DOC_MONTH = 2023, 6  # the demo month the deck, 通报, chart and map tests read


@pytest.fixture
def june_status(con):
    """``build_status`` for the demo month (a ``MonthStatus``)."""
    from tracker import status

    return status.build_status(con, DOC_YEAR, DOC_MONTH)


@pytest.fixture
def area_list(con):
    """The areas in their display order (``tracker.model.Area`` records)."""
    from tracker import status

    return status.areas(con)


def make_admin(db_path: Path, name: str = "mapadmin"):
    """An administrator account in the database at ``db_path``."""
    from tracker.auth import create_user

    with store.connect(db_path) as connection:
        return create_user(connection, name, "admin", "a-long-enough-password-1")


def app_page(path: str, *, user=None, query: dict[str, str] | None = None, timeout: float = 120):
    """``app.py`` under AppTest, signed in as ``user`` if given, with URL ``query``, switched to ``path``.

    ``path`` is relative to the app, e.g. ``"pages/map.py"``; the run must end without an exception.
    """
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=timeout)
    if user is not None:
        from tracker.auth import start_session

        at.session_state["user"] = user
        at.session_state["auth_session"] = start_session(user)
    for key, value in (query or {}).items():
        at.query_params[key] = value
    at.run()
    at.switch_page(path).run()
    assert not at.exception, at.exception
    return at


def add_users(db_path: Path, *users: tuple[str, str, str | None]) -> None:
    """Users (name, role, department) with a throwaway password, straight into the store."""
    from tracker import auth

    with store.connect(db_path) as connection:
        for name, role, department in users:
            auth.create_user(connection, name, role, "a-long-password-1", department)


class LoginServer(StreamlitServer):
    """``streamlit run serve.py``: the app with the routes that set and clear the HttpOnly login cookie (browser
    tests that log in use this one; ``StreamlitServer`` runs app.py, where logging in says to start serve.py)."""

    def __init__(self, db_path: Path, log: Path):
        super().__init__(db_path, log, script="serve.py")


def login_in_sidebar(tab, name: str, password: str) -> None:
    """Log in through the sidebar box; the page reloads with the session cookie and says who is logged in."""
    sidebar = tab.locator("[data-testid='stSidebar']")
    sidebar.get_by_text("登录（填报需要登录）").click()
    sidebar.get_by_label("用户名").fill(name)
    sidebar.get_by_label("密码").fill(password)
    sidebar.get_by_role("button", name="登录").click()
    tab.get_by_text(f"已登录：{name}").wait_for(timeout=30_000)
    wait_for_app(tab)


@pytest.fixture(autouse=True)
def fast_password_hashing(monkeypatch):
    """argon2id at its lowest cost in this process: tests check what is hashed and compared, not how slowly
    (the production cost, 64 MiB per hash, still runs in every subprocess the tests start)."""
    from argon2 import PasswordHasher

    from tracker import auth

    monkeypatch.setattr(auth, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))
