"""Two app servers behind nginx (``ip_hash``) on one PostgreSQL database, as deploy/ runs them: a login through
the proxy holds on both servers (the session lives in the database, the cookie secret is shared), and a figure
uploaded through the proxy, by whichever server the proxy picked, shows on both servers."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from types import SimpleNamespace

import pytest

from deploy.cluster import nginx_config, wait_for
from tests.conftest import ARTIFACTS, StreamlitServer, assert_no_exception, free_port, goto, login_in_sidebar, make_csv, screenshot
from tracker import auth, store

pytestmark = pytest.mark.browser
NOTE = "双服务器测试备注"
METRIC = "cultural_events"


@pytest.fixture
def cluster(pg_db, tmp_path):
    with store.connect() as con:
        auth.create_user(con, "culture_web", "staff", "culture-web-password", department="culture")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    env = {"TRACKER_DATABASE_URL": pg_db, "STREAMLIT_SERVER_COOKIE_SECRET": "test-secret-shared-by-both-servers"}
    servers = [StreamlitServer(tmp_path / "unused.duckdb", ARTIFACTS / f"deploy_server{i}.log", script="serve.py", env=env) for i in (1, 2)]
    run = tmp_path / "nginx"
    run.mkdir()
    port = free_port()
    (run / "nginx.conf").write_text(nginx_config(port, [s.port for s in servers], run))
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    subprocess.run([nginx, "-p", str(run), "-c", str(run / "nginx.conf")], check=True)
    proxy = SimpleNamespace(url=f"http://127.0.0.1:{port}")
    try:
        wait_for(f"{proxy.url}/_stcore/health")
        yield proxy, servers
    finally:
        subprocess.run([nginx, "-p", str(run), "-c", str(run / "nginx.conf"), "-s", "quit"], check=False)
        for s in servers:
            s.stop()


def test_login_and_a_write_through_the_proxy_hold_on_every_server(cluster, page, tmp_path):
    proxy, servers = cluster
    goto(page, proxy)
    login_in_sidebar(page, "culture_web", "culture-web-password")
    goto(page, proxy, "upload")
    assert_no_exception(page)
    file = tmp_path / "文化_2024年1月.csv"
    file.write_bytes(make_csv([[METRIC, 2024, 1, 31, None, NOTE]]))
    page.locator("[data-testid='stFileUploader'] input[type='file']").set_input_files(str(file))
    page.get_by_text("提交前预览：原数值 → 新数值").wait_for(timeout=60_000)
    page.get_by_role("button", name="确认提交").click()
    page.get_by_text("已提交：批次").wait_for(timeout=60_000)
    screenshot(page, "deploy_proxy_committed")

    for i, server in enumerate(servers, 1):
        # the same browser (cookies are per host, not per port) straight at each server
        goto(page, server, "indicator", f"indicator={METRIC}&year=2024&month=1")
        assert_no_exception(page)
        page.get_by_text("已登录：culture_web").first.wait_for(timeout=30_000)
        page.locator("table").filter(has_text=NOTE).first.wait_for(state="attached", timeout=30_000)
        assert NOTE in page.content()
        screenshot(page, f"deploy_server{i}_sees_the_write")
    logs = [Path(s.log_path).read_text() for s in servers]
    assert all("Traceback" not in log for log in logs)
