"""Benchmark at city scale: the 23 towns and streets of 中山市 on one platform, each a store of its own with 60 items
and 10 years (2014–2023) of monthly figures, all synthetic (``bench/synth.py``'s 10× generator, varied per town).

    python bench/city.py                 # 23 towns; built stores are cached under bench/out (gitignored)
    python bench/city.py --towns 4       # a quick run
    python bench/city.py --no-server     # skip the Streamlit server and Chromium

Prints each figure against the goals of the towns issue (no timing is asserted anywhere):

- the 全市总览 roll-up warm ≤ 500 ms;
- a town's status warm ≤ 2× the floor, the floor being the same status on that town alone (a one-town installation
  of the same store);
- a city deck ≤ 5 s;
- the server's RSS ≤ 500 MB (a real ``streamlit run`` serving the city page and both city downloads in Chromium).

The data are synthetic (every figure's note says 基准测试合成数据, every batch is marked demo): towns differ by a
factor on their figures, and one town has reported nothing for the benchmark month (it is 未填报 in the roll-up).
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import psutil  # noqa: E402

from bench.run import median_ms  # noqa: E402

GENERATOR_VERSION = 1  # bump when the generator changes: the cache under bench/out is keyed by it
CACHE = ROOT / "bench" / "out"
YEAR, MONTH = 2023, 6
ITEMS = 60  # per town: the 16 annual indicators, then projects and tasks to make up 60
GOALS = {"city": "≤ 500 ms", "status": "≤ 2× floor", "deck": "≤ 5 s", "rss": "≤ 500 MB"}
SYNTHETIC_NOTE = "基准测试合成数据"


def _rows(path: Path) -> list[dict]:
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _write(path: Path, rows: list[dict], fields: list[str]) -> None:
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=fields, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def _trim(data: Path, file: str, key: str, keep: set[str]) -> None:
    path = data / file
    if path.exists():
        rows = _rows(path)
        fields = list(rows[0]) if rows else []
        _write(path, [r for r in rows if r[key] in keep], fields)


def town_files(base: Path, out: Path, index: int, silent: bool) -> Path:
    """One town's ``data/``: the 10× files cut to ``ITEMS`` items, its figures scaled by its own factor; ``silent``
    drops everything reported for the benchmark month and after."""
    data = out / "data"
    shutil.copytree(base, data)
    rng = random.Random(1000 + index)
    projects = [r["code"] for r in _rows(data / "projects.csv")]
    tasks = [r["code"] for r in _rows(data / "tasks.csv")]
    indicators = [r["code"] for r in _rows(data / "items.csv") if r["kind"] == "indicator"]
    room = ITEMS - 16
    keep_projects, keep_tasks = set(projects[: room // 2]), set(tasks[: room - room // 2])
    _trim(data, "projects.csv", "code", keep_projects)
    _trim(data, "tasks.csv", "code", keep_tasks)
    _trim(data, "items.csv", "code", keep_projects | keep_tasks | set(indicators))
    _trim(data, "demo/project_progress.csv", "project", keep_projects)
    _trim(data, "demo/task_progress.csv", "task", keep_tasks)
    factor = rng.uniform(0.75, 1.15)
    figures = _rows(data / "demo" / "figures.csv")
    for r in figures:
        if r["year"] == str(YEAR) and not r["metric"].endswith("_pct"):
            r["value"] = str(round(float(r["value"]) * factor, 1))
        r["note"] = SYNTHETIC_NOTE
    if silent:
        figures = [r for r in figures if (int(r["year"]), int(r["month"])) < (YEAR, MONTH)]
        for file in ("demo/project_progress.csv", "demo/task_progress.csv"):
            rows = _rows(data / file)
            _write(data / file, [r for r in rows if (int(r["year"]), int(r["month"])) < (YEAR, MONTH)], list(rows[0]))
    _write(data / "demo" / "figures.csv", figures, list(figures[0]))
    return data


def build(count: int) -> tuple[Path, float, bool]:
    """The home store and ``count - 1`` towns, built in a temporary folder and kept under bench/out by generator
    version and town count; returns the folder, the seconds the build took (0 when cached) and whether it was."""
    from bench import synth
    from tracker import config, db, towns

    folder = CACHE / f"city-g{GENERATOR_VERSION}-t{count}"
    if (folder / "complete").exists():
        return folder, 0.0, True
    started = time.perf_counter()
    CACHE.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=CACHE) as tmp:
        work = Path(tmp) / "city"
        base, _ = synth.make(10, Path(tmp) / "synth")
        codes = [config.home_town(), *[c for c in towns.official() if c != config.home_town()][: count - 1]]
        for index, code in enumerate(codes):
            town = work if index == 0 else work / "towns" / code
            data = town_files(base, Path(tmp) / "files" / code, index, silent=index == count - 1 and count > 1)
            if index:
                shutil.copytree(data, town / "data")
            db.build(town / "tracker.duckdb", data_dir=data, demo=True)
            print(f"  built {towns.official()[code]} ({index + 1}/{count})", file=sys.stderr)
        (work / "complete").write_text(f"generator {GENERATOR_VERSION}, {count} towns\n", encoding="utf-8")
        shutil.rmtree(folder, ignore_errors=True)
        os.replace(work, folder)
    return folder, time.perf_counter() - started, False


def use(folder: Path, alone: bool = False) -> None:
    """Serve the stores in ``folder``: every town, or (``alone``) the home town as a one-town installation."""
    os.environ["TRACKER_DB"] = str(folder / "tracker.duckdb")
    os.environ["TRACKER_TOWNS"] = str(folder / ("no-towns" if alone else "towns"))
    os.environ.pop("TRACKER_DATABASE_URL", None)


def bench_server(folder: Path) -> dict:
    """A real server on every town's store: the 全市总览 page in Chromium, then both city downloads; peak RSS."""
    from playwright.sync_api import sync_playwright

    from tests.conftest import CHROMIUM, CHROMIUM_ARGS, StreamlitServer

    log = Path(tempfile.gettempdir()) / "bench-city-streamlit.log"
    server = StreamlitServer(folder / "tracker.duckdb", log, env={"TRACKER_TOWNS": str(folder / "towns")}, timeout=120)
    proc = psutil.Process(server.proc.pid)
    out: dict = {}
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
            tab = browser.new_page(viewport={"width": 1920, "height": 1080}, accept_downloads=True)
            for label in ("first", "warm"):
                started = time.perf_counter()
                tab.goto(f"{server.url}/city?year={YEAR}&month={MONTH}")
                tab.get_by_text("各镇街事项状态").first.wait_for(timeout=300_000)
                tab.locator("[data-testid='stDataFrame']").first.wait_for(timeout=300_000)
                out[f"page_{label}_ms"] = (time.perf_counter() - started) * 1000
            for key, label in (("deck", "下载全市汇报PPT"), ("report", "下载全市通报")):
                started = time.perf_counter()
                with tab.expect_download(timeout=300_000) as download:
                    tab.get_by_role("button", name=label).click()
                size = Path(download.value.path()).stat().st_size
                out[f"{key}_download_s"] = time.perf_counter() - started
                out[f"{key}_kb"] = size / 1024
            out["rss_mb"] = proc.memory_info().rss / 2**20
            browser.close()
    finally:
        server.stop()
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--towns", type=int, default=23)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--no-server", action="store_true")
    args = parser.parse_args(argv)

    folder, built_s, cached = build(args.towns)
    from tracker import city, city_deck, city_outline, config, status, store, towns

    use(folder, alone=True)  # the floor: the home town's status on an installation of that town alone
    with store.connect() as con:
        status.build_status(con, YEAR, MONTH)
        floor = median_ms(lambda: status.build_status(con, YEAR, MONTH), args.repeats)

    use(folder)
    codes = [t.code for t in towns.installed()]
    started = time.perf_counter()
    reports = city.town_statuses(YEAR, MONTH)
    cold = (time.perf_counter() - started) * 1000

    def city_page() -> None:
        reports = city.town_statuses(YEAR, MONTH)
        city.rollup(reports)
        city.shared_indicators(reports)

    warm = median_ms(city_page, args.repeats)
    actions_ms = median_ms(lambda: city.open_actions(YEAR, MONTH), args.repeats)
    with store.connect() as con:  # the home town, now one of 23
        in_city = median_ms(lambda: status.build_status(con, YEAR, MONTH), args.repeats)
    started = time.perf_counter()
    deck = city_deck.build_city_deck(city_outline.city_month(YEAR, MONTH))
    deck_s = time.perf_counter() - started
    rss = psutil.Process().memory_info().rss / 2**20
    rows_ = city.rollup(reports)
    items = sum(r.items for r in rows_)
    with config.use_town(codes[-1]), store.connect() as con:
        figures = con.execute("select count(*), min(year), max(year) from figure").fetchone()
    server = {} if args.no_server else bench_server(folder)

    def fmt_s(key: str) -> str:
        return "—" if key not in server else f"{server[key]:.2f} s"

    rows = [
        ("towns on the platform", f"{len(codes)}", ""),
        ("items per town / across the city (2023-06)", f"{items // len(codes)} / {items:,}", ""),
        ("figures in one town's store (years)", f"{figures[0]:,} ({figures[1]}–{figures[2]})", ""),
        ("build every town's store (cached: 0)", "cached" if cached else f"{built_s:.1f} s", ""),
        ("city roll-up, first call (every town's status computed)", f"{cold:,.0f} ms", ""),
        ("city roll-up, warm (全市总览's data, median)", f"{warm:,.1f} ms", GOALS["city"]),
        (f"open 督办事项 of every town (opens {len(codes)} stores; the page caches it)", f"{actions_ms:,.0f} ms", ""),
        ("floor: the home town's status warm, that town alone", f"{floor:,.2f} ms", ""),
        ("the home town's status warm, one of the city's towns", f"{in_city:,.2f} ms", ""),
        ("ratio in the city / alone", f"{in_city / floor:.2f}×", GOALS["status"]),
        ("city deck (PPTX, statuses warm)", f"{deck_s:.2f} s ({len(deck) / 1024:.0f} KB)", GOALS["deck"]),
        ("bench process RSS after roll-up and deck", f"{rss:,.0f} MB", ""),
        ("server: 全市总览 in Chromium, first load", "—" if not server else f"{server['page_first_ms'] / 1000:.2f} s", ""),
        ("server: 全市总览 in Chromium, reload", "—" if not server else f"{server['page_warm_ms'] / 1000:.2f} s", ""),
        ("server: 下载全市汇报PPT click to file", fmt_s("deck_download_s"), GOALS["deck"]),
        ("server: 下载全市通报 click to file", fmt_s("report_download_s"), ""),
        ("server RSS after the page and both downloads", "—" if not server else f"{server['rss_mb']:,.0f} MB", GOALS["rss"]),
    ]
    width = max(len(r[0]) for r in rows)
    print(f"{'figure':<{width}}  {'value':>22}  goal")
    for label, value, goal in rows:
        print(f"{label:<{width}}  {value:>22}  {goal}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
