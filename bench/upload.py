"""A 10,000-row upload: the file generator (shared with tests/test_concurrency.py) and its benchmark."""

from __future__ import annotations

import os
import statistics
import tempfile
import time
from datetime import date
from io import BytesIO
from pathlib import Path

import openpyxl

from tracker import ingest, store
from tracker.auth import User

ADMIN = User("bench", "admin", None)
TODAY = date(2024, 1, 20)
FLOWS = [
    "new_industrial_above_scale",
    "new_service_above_scale",
    "four_small_gardens",
    "residential_sewer_done",
    "fishpond_tailwater_mu",
    "afforestation_mu",
    "forest_tending_mu",
    "waste_total_t",
    "waste_harmless_t",
    "cultural_events",
    "rental_housing_units",
    "livelihood_projects_done",
]


def big_rows(n: int = 10_000, db_path: Path | None = None) -> list[list]:
    """n distinct (metric, place, year, month) rows over 2000-2023 that pass every check: flows, and per-place
    percentages at 0 (a running total that may not fall)."""
    with store.connect(db_path) as con:
        places = con.execute(
            "select m.code, p.code from metric m join place p on p.kind = m.place_kind where m.per_place order by 1, 2"
        ).fetchall()
    rows = []
    for year in range(2000, 2024):
        for month in range(1, 13):
            rows += [[m, year, month, 5 + month % 3, None, None] for m in FLOWS]
            # Per-place completion percentages may never fall; 0 in 2000-2013 stays below any later value.
            rows += [[m, year, month, 0.0, p, None] for m, p in places]
    assert len(rows) >= n
    return rows[:n]


def big_xlsx(rows: list[list]) -> bytes:
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("数据")
    sheet.append(["指标编码", "年", "月", "数值", "地点", "备注"])
    for row in rows:
        sheet.append(row)
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def bench_upload_10k(db_path: Path, repeats: int) -> dict:
    """Median parse / check / write of a 10,000-row .xlsx into a fresh copy of the database each run."""
    data = big_xlsx(big_rows(db_path=db_path))
    parse, check, write, total, floor = [], [], [], [], []
    for _ in range(repeats):
        with tempfile.TemporaryDirectory() as tmp:
            copy = Path(tmp) / "upload.duckdb"
            copy.write_bytes(db_path.read_bytes())
            started = time.perf_counter()
            book = openpyxl.load_workbook(BytesIO(data), read_only=True, data_only=True)
            rows = list(book["数据"].iter_rows(values_only=True))
            floor.append((time.perf_counter() - started) * 1000)
            assert len(rows) == 10_001
            started = time.perf_counter()
            parsed = ingest.parse(data, "big.xlsx")
            parse.append((time.perf_counter() - started) * 1000)
            with store.connect(copy) as con:
                started = time.perf_counter()
                ingest.validate(con, parsed, ADMIN, TODAY)
                check.append((time.perf_counter() - started) * 1000)
            os.environ["TRACKER_DB"] = str(copy)  # ingest.commit opens the configured database
            started = time.perf_counter()
            result = ingest.commit(data, "big.xlsx", ADMIN, today=TODAY)
            total.append((time.perf_counter() - started) * 1000)
            assert result.rows + result.unchanged == 10_000, result.message()
            write.append(total[-1] - parse[-1] - check[-1])
            os.environ["TRACKER_DB"] = str(db_path)
    med = statistics.median
    return {
        "upload_parse_ms": med(parse),
        "upload_check_ms": med(check),
        "upload_write_ms": med(write),
        "upload_total_ms": med(total),
        "upload_floor_ms": med(floor),
        "upload_ratio": med(total) / med(floor),
    }
