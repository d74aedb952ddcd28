"""Benchmark at city scale: all 23 towns and streets of 中山市 on one platform, each with its own store built from
the demo files (三乡镇's report and demo figures), against the floor of one town's warm status.

    python bench/city.py            # 23 towns (about a minute to build them)
    python bench/city.py --towns 4  # a quick run

Prints a table against the goals of the towns issue; no timing is asserted anywhere.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import psutil  # noqa: E402

from bench.run import median_ms  # noqa: E402

GOALS = {"city": "≤ 500 ms", "status": "≤ 2× floor", "deck": "≤ 5 s", "rss": "≤ 500 MB"}


def build(work: Path, count: int) -> list[str]:
    """The home town's store, then ``count - 1`` more towns added from the same files (with their demo data)."""
    from tracker import config, db, towns

    os.environ["TRACKER_DB"] = str(work / "tracker.duckdb")
    os.environ.pop("TRACKER_TOWNS", None)
    db.build(work / "tracker.duckdb")
    others = [c for c in towns.official() if c != config.home_town()][: count - 1]
    for code in others:
        towns.add(code, config.DATA_DIR, demo=True)
    return [config.home_town(), *others]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--towns", type=int, default=23)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args(argv)
    from tracker import city, config, status, store

    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        codes = build(Path(tmp), args.towns)
        built_s = time.perf_counter() - started

        started = time.perf_counter()
        reports = city.town_statuses(2023, 6)
        cold = (time.perf_counter() - started) * 1000

        def city_page() -> None:
            reports = city.town_statuses(2023, 6)
            city.rollup(reports)
            city.shared_indicators(reports)

        warm = median_ms(city_page, args.repeats)
        with store.connect() as con:
            one_town = median_ms(lambda: status.build_status(con, 2023, 6), args.repeats)
            from bench.run import FLOOR_SQL

            floor = median_ms(lambda: con.execute(FLOOR_SQL, {"year": 2023, "month": 6}).fetchall(), args.repeats)
        deck_s = None
        try:
            from tracker import deck

            with config.use_town(codes[-1]), store.connect() as con:
                deck_s = median_ms(lambda: deck.deck_for_month(con, 2023, 6), 1) / 1000
        except ImportError:
            pass
        rss = psutil.Process().memory_info().rss / 2**20
        items = sum(len(r.all_items) for r in reports.values())

    rows = [
        ("towns on the platform", f"{len(codes)}", ""),
        ("items judged across the city (2023-06)", f"{items:,}", ""),
        ("build every town's store from files", f"{built_s:.1f} s", ""),
        ("city roll-up, first call (every town's status computed)", f"{cold:,.0f} ms", ""),
        ("city roll-up, warm (the 全市总览 page's data, median)", f"{warm:,.0f} ms", GOALS["city"]),
        ("one town's status, warm (median)", f"{one_town:,.1f} ms", ""),
        ("floor: one hand-written DuckDB query", f"{floor:,.1f} ms", ""),
        ("ratio one town's status / floor", f"{one_town / floor:.1f}×", GOALS["status"]),
        ("one town's deck (PPTX)", "—" if deck_s is None else f"{deck_s:.2f} s", GOALS["deck"]),
        ("process RSS after the roll-up", f"{rss:,.0f} MB", GOALS["rss"]),
    ]
    width = max(len(r[0]) for r in rows)
    print(f"{'figure':<{width}}  {'value':>12}  goal")
    for label, value, goal in rows:
        print(f"{label:<{width}}  {value:>12}  {goal}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
