"""Time to generate the 督办台账 (xlsx) and every department's 催报通知 (docx), printed against a floor.

    python bench/duban.py [--actions 200] [--repeats 5]

A private copy of the demo database (June 2023) gets ``--actions`` open action items spread over the lagging items,
each with a progress note. Measured: the 台账 and the eleven notices with the month's status already in memory (what
a page's second click costs) and from a cold process cache (status rebuilt). The floors write the same cells into a
bare openpyxl workbook and the same lines into a bare python-docx document per department (no styles, no fonts),
so the ratio is what our layout and look-ups cost on top of the libraries themselves.
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from docx import Document  # noqa: E402
from openpyxl import Workbook  # noqa: E402

from tracker import actions, db, duban_doc, ledger, status, store, supervision  # noqa: E402
from tracker.auth import User  # noqa: E402

YEAR, MONTH = 2023, 6
TODAY = date(2023, 7, 10)


def median_ms(work: Callable[[], object], repeats: int) -> float:
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        work()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def seed(count: int) -> None:
    boss = User("bench", "admin")
    with store.connect() as con:
        lagging = [i for i in status.build_status(con, YEAR, MONTH).all_items if i.status in ("滞后", "预警")]
    for n in range(count):
        item = lagging[n % len(lagging)]
        action_id = actions.create_action(
            item.code, YEAR, MONTH, f"督办要求{n}：限期整改并报送进展", TODAY + timedelta(days=n % 40 - 20), boss
        )
        actions.add_progress(action_id, f"第{n}项进展：已制定整改方案", boss)


def floor_ledger(con: store.Connection) -> bytes:
    report = status.build_status(con, YEAR, MONTH)
    rows = ledger.rows(report, actions.list_actions(con, year=YEAR, today=TODAY))
    wb = Workbook()
    ws = wb.active
    ws.append(list(ledger.HEADER))
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def floor_notices(con: store.Connection) -> None:
    report = status.build_status(con, YEAR, MONTH)
    listed = actions.list_actions(con, year=YEAR, today=TODAY)
    for (code,) in con.execute("select code from department").fetchall():
        owed = supervision.overdue_for(report, code, listed, TODAY)
        doc = Document()
        for line in [i.name for i in owed.unreported + owed.unexplained] + [a.text for a in owed.overdue_actions]:
            doc.add_paragraph(line)
        doc.save(io.BytesIO())


def notices(con: store.Connection) -> None:
    for (code,) in con.execute("select code from department").fetchall():
        duban_doc.notice_for_department(con, code, YEAR, MONTH, TODAY)


def cold(work: Callable[[store.Connection], object], repeats: int) -> float:
    def once() -> None:
        status._MONTHS.clear()
        with store.connect() as con:
            work(con)

    return median_ms(once, repeats)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--actions", type=int, default=200)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["TRACKER_DB"] = str(Path(tmp) / "tracker.duckdb")
        db.build(Path(os.environ["TRACKER_DB"]))
        seed(args.actions)
        with store.connect() as con:
            status.build_status(con, YEAR, MONTH)  # warm the month
            results = {
                "台账 (warm status)": (median_ms(lambda: ledger.ledger_for_month(con, YEAR, MONTH, TODAY), args.repeats),
                                     median_ms(lambda: floor_ledger(con), args.repeats)),
                "11 催报通知 (warm status)": (median_ms(lambda: notices(con), args.repeats),
                                          median_ms(lambda: floor_notices(con), args.repeats)),
            }  # fmt: skip
        results["台账 (cold status)"] = (cold(lambda con: ledger.ledger_for_month(con, YEAR, MONTH, TODAY), args.repeats),
                                        cold(floor_ledger, args.repeats))  # fmt: skip
        results["11 催报通知 (cold status)"] = (cold(notices, args.repeats), cold(floor_notices, args.repeats))
    load = os.getloadavg()[0]
    print(f"{YEAR}-{MONTH:02d}, {args.actions} open actions, median of {args.repeats}, load average {load:.1f}")
    print(f"{'document':<28} {'ours ms':>9} {'floor ms':>9} {'ratio':>6}")
    for name, (ours, floor) in results.items():
        print(f"{name:<28} {ours:>9.0f} {floor:>9.0f} {ours / floor:>6.1f}")


if __name__ == "__main__":
    main()
