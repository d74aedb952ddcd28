"""Reads never write: the database file's bytes are the same after any read, and a page's second rerun runs no SQL."""

from __future__ import annotations

import hashlib
import subprocess
import sys
from contextlib import contextmanager

import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import ROOT
from tracker import store


def file_digest(path) -> tuple[str, bool]:
    """The file's sha256, and whether a write-ahead log exists beside it."""
    return hashlib.sha256(path.read_bytes()).hexdigest(), path.with_name(path.name + ".wal").exists()


@pytest.mark.parametrize(
    "command",
    [
        ["status", "--year", "2023", "--month", "6", "--json"],
        ["status", "--year", "2023", "--month", "12"],
        ["figures", "--year", "2023", "--month", "6", "--json"],
        ["batches", "--json"],
        ["metrics", "--json"],
    ],
)
def test_read_commands_leave_the_file_unchanged(demo_db, command):
    before = file_digest(demo_db)
    run = subprocess.run([sys.executable, "-m", "tracker", *command], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    assert file_digest(demo_db) == before


PAGES = ["overview", "area_water", "area_economy", "indicator", "projects", "map", "meeting", "reporting"]


@pytest.mark.parametrize("page", PAGES)
def test_page_render_leaves_the_file_unchanged(demo_db, page):
    before = file_digest(demo_db)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.query_params["month"] = "6"
    at.run()
    at.switch_page(f"pages/{page}.py")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert file_digest(demo_db) == before


@contextmanager
def counting_connections(monkeypatch):
    """Counts every connection opened through tracker.store (the only way in), without changing what it does."""
    opened: list[int] = []
    real = store.connect

    @contextmanager
    def counted(*args, **kwargs):
        opened.append(1)
        with real(*args, **kwargs) as con:
            yield con

    monkeypatch.setattr(store, "connect", counted)
    yield opened


@pytest.mark.parametrize("page", ["overview", "area_water", "indicator", "projects", "map"])
def test_second_rerun_of_a_page_opens_no_connection(demo_db, monkeypatch, page):
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.query_params["month"] = "6"
    at.run()
    at.switch_page(f"pages/{page}.py")
    at.run()
    with counting_connections(monkeypatch) as opened:
        at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert opened == [], f"{page}: {len(opened)} connections on a rerun with nothing changed"
