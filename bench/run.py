"""Benchmark: speed and memory at 1×, 10× and 100× the demo data, against the floor of raw DuckDB.

    python bench/run.py           # every scale, every figure (several minutes)
    python bench/run.py --quick   # 1× only, fewer repeats, no browser: under a minute (CI smoke test)

Prints a table and writes bench/RESULTS.md (or bench/out/RESULTS-quick.md with --quick). No timing is
asserted anywhere: the numbers are for reading.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import duckdb  # noqa: E402
import psutil  # noqa: E402

from bench import synth  # noqa: E402

GOALS_10X = {"status": "≤ 2× floor", "page": "≤ 300 ms", "upload": "≤ 2 s", "deck": "≤ 3 s", "rss": "≤ 400 MB"}
PAGES = [
    "overview",
    "area_economy",
    "area_rural",
    "area_water",
    "area_ecology",
    "area_culture",
    "area_livelihood",
    "indicator",
    "projects",
    "map",
    "meeting",
    "upload",
    "reporting",
    "history",
    "targets",
]

FLOOR_SQL = """
with current as (
    select f.metric, f.year, f.month, f.place, f.value,
           row_number() over (partition by f.metric, f.year, f.month, f.place order by f.batch_id desc) as rn
    from figure f join batch b on b.id = f.batch_id and b.status = 'committed'
    where f.year in ($year, $year - 1) and f.month <= $month
),
final as (
    select c.metric, c.year,
           case when m.kind = 'flow' then sum(c.value)
                else sum(c.value) filter (where c.month = $month) end as value
    from current c join metric m on m.code = c.metric
    where c.rn = 1
    group by c.metric, c.year, m.kind
)
select * from final
"""


def median_ms(fn: Callable[[], object], repeats: int) -> float:
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        fn()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        model = next(line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name"))
        cpu = model
    except (OSError, StopIteration):
        pass
    mem = psutil.virtual_memory().total / 2**30
    return (
        f"{cpu}, {psutil.cpu_count()} cores, {mem:.0f} GiB RAM; Python {platform.python_version()}, "
        f"DuckDB {duckdb.__version__}, {platform.system()} {platform.release()}"
    )


class Scale:
    def __init__(self, factor: int, work: Path):
        self.factor = factor
        self.data, self.queries = synth.make(factor, work / f"x{factor}")
        self.db = work / f"x{factor}.duckdb"

    def env(self) -> dict[str, str]:
        return {"TRACKER_DB": str(self.db), "TRACKER_QUERIES": str(self.queries)}

    def activate(self) -> None:
        os.environ.update(self.env())


def bench_init(scale: Scale, repeats: int) -> dict:
    from tracker import db

    def build() -> None:
        db.build(scale.db, data_dir=scale.data, force=True)

    ms = median_ms(build, repeats)
    with duckdb.connect(str(scale.db), read_only=True) as con:
        rows = con.execute("select count(*) from figure").fetchone()[0]
        metrics = con.execute("select count(*) from metric").fetchone()[0]
    return {"init_ms": ms, "figure_rows": rows, "metrics": metrics}


def bench_status(scale: Scale, repeats: int) -> dict:
    from tracker import status, store
    from tracker.indicators import registry

    scale.activate()
    year, month = 2023, 6
    with store.connect(scale.db) as con:
        started = time.perf_counter()
        report = status.build_status(con, year, month)
        cold = (time.perf_counter() - started) * 1000
        warm = median_ms(lambda: status.build_status(con, year, month), repeats)
        floor = median_ms(lambda: con.execute(FLOOR_SQL, {"year": year, "month": month}).fetchall(), repeats)
    return {
        "status_cold_ms": cold,
        "status_ms": warm,
        "floor_ms": floor,
        "status_ratio": warm / floor,
        "indicators": len(registry()),
        "projects": len(report.projects),
    }


def bench_pages(scale: Scale, repeats: int) -> dict:
    """Warm server-side render of each page through AppTest (the second and later runs)."""
    from streamlit.testing.v1 import AppTest

    scale.activate()
    out = {}
    for page in PAGES:
        if not (ROOT / "pages" / f"{page}.py").exists():
            continue
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
        at.run()
        at.switch_page(f"pages/{page}.py")
        at.run()
        if at.exception:
            out[page] = float("nan")
            continue
        out[page] = median_ms(at.run, repeats)
    return {"pages_ms": out}


def bench_server(scale: Scale) -> dict:
    """Time to first chart on 总览 in Chromium, and the server's peak RSS while every page is visited."""
    from playwright.sync_api import sync_playwright

    from tests.conftest import CHROMIUM, CHROMIUM_ARGS, StreamlitServer

    if not Path(CHROMIUM).exists():
        return {}
    os.environ.update(scale.env())
    server = StreamlitServer(scale.db, Path(tempfile.gettempdir()) / f"bench-streamlit-{scale.factor}.log")
    proc = psutil.Process(server.proc.pid)
    peak = 0
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
            tab = browser.new_page(viewport={"width": 1920, "height": 1080})
            started = time.perf_counter()
            tab.goto(server.url)
            tab.wait_for_selector(".js-plotly-plot", timeout=120_000)
            first_chart = (time.perf_counter() - started) * 1000
            for page in PAGES:
                tab.goto(f"{server.url}/{page}")
                tab.wait_for_selector("[data-testid='stMain'] [data-testid='stElementContainer']", timeout=120_000)
                tab.wait_for_timeout(1500)
                peak = max(peak, proc.memory_info().rss)
            browser.close()
    finally:
        server.stop()
    return {"first_chart_ms": first_chart, "server_rss_mb": peak / 2**20}


def bench_upload(scale: Scale, repeats: int) -> dict:
    """Validate and commit a 10,000-row .xlsx: parse, check and write timed apart."""
    try:
        from bench.upload import bench_upload_10k
    except ImportError:
        return {}
    scale.activate()
    return bench_upload_10k(scale.db, repeats)


def bench_deck(scale: Scale, repeats: int) -> dict:
    try:
        from tracker import deck
    except ImportError:
        return {}
    from tracker import store

    scale.activate()
    with store.connect(scale.db) as con:
        return {"deck_ms": median_ms(lambda: deck.deck_for_month(con, 2023, 6), repeats)}


def fmt(value, unit: str = "ms") -> str:
    if value is None:
        return "—"
    if isinstance(value, float) and value != value:
        return "error"
    if unit == "ms":
        return f"{value:,.0f} ms" if value >= 10 else f"{value:.1f} ms"
    if unit == "x":
        return f"{value:.1f}×"
    if unit == "MB":
        return f"{value:,.0f} MB"
    return f"{value:,}"


def table(results: dict[int, dict]) -> str:
    scales = sorted(results)
    head = "| figure | " + " | ".join(f"{s}×" for s in scales) + " | goal at 10× |"
    lines = [head, "|" + "---|" * (len(scales) + 2)]

    def row(label: str, key: str, unit: str = "ms", goal: str = "") -> None:
        values = [results[s].get(key) for s in scales]
        if all(v is None for v in values):
            return
        lines.append(f"| {label} | " + " | ".join(fmt(v, unit) for v in values) + f" | {goal} |")

    row("figure rows", "figure_rows", "n")
    row("metrics", "metrics", "n")
    row("indicators (SQL files)", "indicators", "n")
    row("projects", "projects", "n")
    row("`init` (build DB from data/)", "init_ms")
    row("`status` one month, first call (computes indicator values)", "status_cold_ms")
    row("`status` one month, warm (median)", "status_ms", goal=GOALS_10X["status"])
    row("floor: one hand-written DuckDB query", "floor_ms")
    row("ratio `status` / floor", "status_ratio", "x")
    pages = sorted({p for r in results.values() for p in r.get("pages_ms", {})}, key=PAGES.index)
    for page in pages:
        values = [results[s].get("pages_ms", {}).get(page) for s in scales]
        lines.append(f"| page `{page}` warm server render | " + " | ".join(fmt(v) for v in values) + f" | {GOALS_10X['page']} |")
    row("time to first chart on 总览 (Chromium)", "first_chart_ms")
    row("upload 10,000 rows: parse", "upload_parse_ms")
    row("upload 10,000 rows: check", "upload_check_ms")
    row("upload 10,000 rows: write (commit)", "upload_write_ms")
    row("upload 10,000 rows: total", "upload_total_ms", goal=GOALS_10X["upload"])
    row("floor: bare file parse (openpyxl read-only)", "upload_floor_ms")
    row("ratio upload total / bare parse", "upload_ratio", "x")
    row("deck export (PPTX)", "deck_ms", goal=GOALS_10X["deck"])
    row("server peak RSS", "server_rss_mb", "MB", GOALS_10X["rss"])
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="1× only, few repeats, no browser (< 1 minute)")
    parser.add_argument("--scales", default=None, help="comma-separated subset of 1,10,100")
    parser.add_argument("--steps", default=None, help="comma-separated subset of init,status,pages,upload,deck,server")
    args = parser.parse_args(argv)
    scales = [1] if args.quick else [int(s) for s in (args.scales or "1,10,100").split(",")]
    repeats = 3 if args.quick else 7
    results: dict[int, dict] = {}
    with tempfile.TemporaryDirectory(prefix="tracker-bench-") as tmp:
        for factor in scales:
            print(f"[{factor}×] generating data …", flush=True)
            scale = Scale(factor, Path(tmp))
            result: dict = {}
            few = 1 if args.quick else 3
            steps = (
                ("init", bench_init, (1 if factor == 100 else 3,)),
                ("status", bench_status, (repeats,)),
                ("pages", bench_pages, (3 if args.quick else 5,)),
                ("upload", bench_upload, (few,)),
                ("deck", bench_deck, (few,)),
                ("server", bench_server, ()),
            )
            for name, step, step_args in steps:
                if (args.quick and name == "server") or (args.steps and name not in args.steps.split(",")):
                    continue
                print(f"[{factor}×] {name} …", flush=True)
                result.update(step(scale, *step_args))
            results[factor] = result
    text = table(results)
    print()
    print(text)
    out = ROOT / "bench" / ("out/RESULTS-quick.md" if args.quick or args.steps else "RESULTS.md")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(
        "# Benchmark results\n\n"
        f"Machine: {machine()}.\n\n"
        f"Command: `python bench/run.py{' --quick' if args.quick else ''}`; each figure is the median of several "
        "runs; the database is a real DuckDB file; pages are rendered server-side through AppTest with a warm "
        "cache; the browser figures use Debian's Chromium against `streamlit run`.\n\n"
        f"{text}\n",
        encoding="utf-8",
    )
    print(f"\nwritten to {out.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
