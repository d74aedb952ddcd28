"""One indicator up close: month by month against 序时进度 and last year, and where each figure came from."""

from __future__ import annotations

import duckdb
import pandas as pd

from tracker import progress
from tracker.indicators import registry, series_by_code, value_at, values


def indicator_history(con: duckdb.DuckDBPyConnection, code: str, year: int) -> pd.DataFrame:
    """Month by month for one indicator: the month's value, the value to date, last year's, and 序时进度."""
    ind = registry()[code]
    series = series_by_code(values(con, [year, year - 1], [code]))
    this_year, last_year = series.get((code, year), {}), series.get((code, year - 1), {})
    rows = []
    for month in range(1, 13):
        to_date, _ = value_at(ind, this_year, month)
        last_to_date, _ = value_at(ind, last_year, month)
        rows.append(
            {
                "month": month,
                "value": this_year.get(month),
                "to_date": to_date if month in this_year else None,
                "last_year_value": last_year.get(month),
                "last_year_to_date": last_to_date if month in last_year else None,
                "time_progress": progress.time_progress(month, ind.plan),
                # 累计增速 (%) of a growth-rate indicator, None elsewhere and where it cannot be computed
                "growth": progress.growth_reading(ind.kind, this_year, last_year, month).rate if ind.basis == "growth" else None,
            }
        )
    return pd.DataFrame(rows)


def indicator_lineage(con: duckdb.DuckDBPyConnection, code: str, year: int) -> pd.DataFrame:
    """Where each month's figures came from: metric, place, value, note, batch, who and when."""
    ind = registry()[code]
    return con.execute(
        """
        select f.month, f.metric, m.name as metric_name, f.place, pl.name as place_name, f.value, f.note,
               f.batch_id, f.user_name, f.created_at, f.demo
        from figure_current f
        join metric m on m.code = f.metric
        left join place pl on pl.code = f.place
        where f.year = ? and list_contains(?, f.metric)
        order by f.month, f.metric, f.place
        """,
        [year, list(ind.metrics)],
    ).df()
