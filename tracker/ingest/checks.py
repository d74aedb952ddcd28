"""Every check of a parsed figures file that needs the database (``validate``): metric, department, period,
place and value of each row, duplicates, then running totals and jumps against the stored figures
(``compare``), then the 情况说明. Reads only; the caller decides whether to write."""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from datetime import date
from typing import Any, NamedTuple

import duckdb
import pandas as pd

from tracker import config, locks
from tracker.auth import User, require_writer
from tracker.indicators import Indicator, registry
from tracker.ingest.cells import norm_text
from tracker.ingest.headers import column_label
from tracker.ingest.model import Explanation, Issue, Parsed, RawExplanation, RawRow, Report

# Running totals that cannot fall (see the package docstring for why only these).
NON_DECREASING = frozenset({"river_interception_pct", "village_sewage_pct", "blackspot_pct", "pretreat_covered"})
PLACE_KINDS = {"village": ("village", "community")}  # a metric's place kind → the place kinds that report it
PREVIEW_COLUMNS = ["idx", "metric", "place", "year", "month", "value", "note", "sheet", "row", "column"]
COMPARED_COLUMNS = ["old_value", "old_note", "prev_value", "prev_ym", "next_value", "next_ym", "change"]


def place_kinds(place_kind: str | None) -> tuple[str, ...]:
    """The place kinds that may report a per-place metric of ``place_kind``: 村 metrics are for 村（社区）."""
    if not place_kind:
        return ()
    return PLACE_KINDS.get(place_kind, (place_kind,))


def period_issue(year: int | None, month: int | None, today: date) -> tuple[str, str] | None:
    """(column key, message) when the period cannot be reported, else None."""
    if year is None or month is None:
        return None
    if not 1 <= month <= 12:
        return "month", f"月份“{month}”不在 1 到 12 之间"
    if not 2000 <= year <= today.year:
        return "year", f"年份“{year}”不合理（应在 2000 到 {today.year} 之间）"
    if (year, month) > (today.year, today.month):
        return "month", f"{year}年{month}月还没有到，不能填报未来月份"
    return None


def _ym(year: int, month: int) -> int:
    """A month as one number (January 2000 is 24000), as the comparison query counts them."""
    return year * 12 + month - 1


def _fmt(value: float | None) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}"


# ---------------------------------------------------------------- what the checks look up


@dataclass(frozen=True)
class _Metric:
    code: str
    name: str
    unit: str
    department: str
    department_name: str
    per_place: bool
    place_kind: str | None
    min_value: float | None
    max_value: float | None


@dataclass(frozen=True)
class _Lookups:
    """The database facts the row checks need, read once per file."""

    user: User
    today: date
    first_tracked_year: int | None  # the first year with targets; figures before it are admin-only
    metrics: dict[str, _Metric]
    metric_by_name: dict[str, str]
    places: dict[str, tuple[str, str]]  # code → (name, kind)
    place_by_name: dict[tuple[str, str], str]  # (name, kind) → code
    departments: dict[str, str]  # code → name
    indicators: dict[str, Indicator]
    gate: locks.Gate  # locked months


def _lookups(con: duckdb.DuckDBPyConnection, user: User, today: date) -> _Lookups:
    metrics = {
        row[0]: _Metric(*row)
        for row in con.execute(
            "select m.code, m.name, m.unit, m.department, d.name, m.per_place, m.place_kind, m.min_value, m.max_value "
            "from metric m join department d on d.code = m.department"
        ).fetchall()
    }
    places = con.execute("select code, name, kind from place").fetchall()
    first = con.execute("select min(year) from target_current").fetchone()
    return _Lookups(
        user=user,
        today=today,
        first_tracked_year=int(first[0]) if first and first[0] is not None else None,
        metrics=metrics,
        metric_by_name={norm_text(m.name): code for code, m in metrics.items()},
        places={code: (name, kind) for code, name, kind in places},
        place_by_name={(norm_text(name), kind): code for code, name, kind in places},
        departments=dict(con.execute("select code, name from department").fetchall()),
        indicators=registry(),
        gate=locks.Gate(con, today),
    )


# ---------------------------------------------------------------- the rows of the file


class _NewFigure(NamedTuple):
    """A row that passed the row checks: one row of the preview before it is compared with the database."""

    idx: int
    metric: str
    place: str | None
    year: int
    month: int
    value: float
    note: str | None
    sheet: str
    row: int
    column: str


def validate(con: duckdb.DuckDBPyConnection, parsed: Parsed, user: User | None, today: date | None = None) -> Report:
    """Every check that needs the database; reads only. The caller decides whether to write."""
    user = require_writer(user)
    today = today or date.today()
    look = _lookups(con, user, today)
    report = Report(parsed=parsed, user=user, issues=list(parsed.issues))
    figures, notes_in_rows = _check_rows(look, parsed.rows, report.issues)
    report.preview = _compare(con, figures, look, config.settings().jump_warning_factor, report.issues)
    report.explanations = _check_explanations(parsed.explanations + notes_in_rows, look, report.issues)
    report.explanations_changed = _explanations_changed(con, report.explanations)
    same = con.execute("select min(id) from batch where sha256 = ? and status = 'committed'", [parsed.sha256]).fetchone()
    report.same_file_as = same[0] if same else None
    # The same bytes as a committed batch are a duplicate only if they change nothing now: an older file uploaded
    # again after its values were corrected restores them.
    report.duplicate_of = report.same_file_as if not report.changes_anything else None
    if not figures and not report.explanations and not report.errors:
        report.issues.append(Issue("error", "文件中没有可写入的数值。"))
    return report


def _check_rows(look: _Lookups, raws: list[RawRow], issues: list[Issue]) -> tuple[list[_NewFigure], list[RawExplanation]]:
    """The rows that pass, and the 情况说明 given in a column of the data rows; an issue for each row that fails."""
    figures: list[_NewFigure] = []
    notes: list[RawExplanation] = []
    seen: dict[tuple[str, str | None, int, int], int] = {}
    for raw in raws:
        code = _metric_code(look, raw.metric)
        if code is None:
            message = f"未知的指标编码“{raw.metric[:40]}”（可在模板或“指标”清单中查看编码）"
            issues.append(_issue(raw, "metric", message))
            continue
        metric = look.metrics[code]
        problem = (
            _department_issue(look, raw, metric) or _period_issue(look, raw) or _tracked_year_issue(look, raw) or _lock_issue(look, raw)
        )
        if problem:
            issues.append(problem)
            continue
        if raw.year is None or raw.month is None:
            continue  # the cell was reported when the file was read
        place, problem = _resolve_place(look, raw, metric)
        problem = problem or _value_issue(raw, metric)
        if problem:
            issues.append(problem)
            continue
        if raw.value is not None:
            key = (code, place, raw.year, raw.month)
            if key in seen:
                issues.append(_issue(raw, "metric", f"与第{seen[key]}行重复：同一指标、地点、月份只能填一次"))
                continue
            seen[key] = raw.row
            column = column_label(raw.cols["value"], "value")
            note = raw.note or None
            figures.append(
                _NewFigure(len(figures), code, place, raw.year, raw.month, float(raw.value), note, raw.sheet or "", raw.row, column)
            )
        elif not raw.explanation:
            continue  # no value (its cell was reported when the file was read) and no 情况说明
        notes += _notes_in_row(look, raw, code)
    return figures, notes


def _issue(raw: RawRow, key: str, message: str) -> Issue:
    return Issue("error", message, raw.sheet, raw.row, column_label(raw.cols[key], key))


def _metric_code(look: _Lookups, text: str) -> str | None:
    """A metric by its code (any case) or its name."""
    code = text.strip().lower()
    return code if code in look.metrics else look.metric_by_name.get(text)


def _department_issue(look: _Lookups, raw: RawRow, metric: _Metric) -> Issue | None:
    user = look.user
    if user.role != "staff" or metric.department == user.department:
        return None
    mine = look.departments.get(user.department or "", user.department)
    return _issue(
        raw,
        "metric",
        f"指标“{metric.name}”（{metric.code}）属于“{metric.department_name}”，账号“{user.name}”属于“{mine}”，不能填报其他部门的指标",
    )


def _period_issue(look: _Lookups, raw: RawRow) -> Issue | None:
    problem = period_issue(raw.year, raw.month, look.today)
    return _issue(raw, problem[0], problem[1]) if problem else None


def _tracked_year_issue(look: _Lookups, raw: RawRow) -> Issue | None:
    """Figures of a year before the first tracked year set targets by rule (不高于上年末): administrators only."""
    first = look.first_tracked_year
    if look.user.is_admin or first is None or raw.year is None or raw.year >= first:
        return None
    return _issue(
        raw,
        "year",
        f"{raw.year}年早于跟踪年度（{first}年起）：往年数值决定按上年确定的目标，只有管理员可以填报或修改，请联系管理员",
    )


def _lock_issue(look: _Lookups, raw: RawRow) -> Issue | None:
    """A month the 督查室 locked (or past its deadline) takes no figures (``tracker.locks``)."""
    if raw.year is None or raw.month is None:
        return None
    problem = look.gate.refusal(raw.year, raw.month, look.user)
    return _issue(raw, "month", problem) if problem else None


def _resolve_place(look: _Lookups, raw: RawRow, metric: _Metric) -> tuple[str | None, Issue | None]:
    """The place code of a row (given by code or by name), or the issue why it has none it may have."""
    if not metric.per_place:
        if raw.place:
            return None, _issue(raw, "place", f"指标“{metric.name}”不分地点，地点应留空")
        return None, None
    if not raw.place:
        column = column_label(raw.cols["place"], "place") if "place" in raw.cols else "地点列"
        return None, Issue("error", f"指标“{metric.name}”按地点填报，地点不能为空", raw.sheet, raw.row, column)
    kinds = place_kinds(metric.place_kind)
    if raw.place in look.places and look.places[raw.place][1] in kinds:
        return raw.place, None
    place = next((look.place_by_name[(raw.place, k)] for k in kinds if (raw.place, k) in look.place_by_name), None)
    if place is None:
        return None, _issue(raw, "place", f"地点“{raw.place[:40]}”不是指标“{metric.name}”可填报的地点")
    return place, None


def _value_issue(raw: RawRow, metric: _Metric) -> Issue | None:
    """A percentage where the unit is not %, or a value outside the metric's bounds."""
    value = raw.value
    if value is None:
        return None
    if raw.percent and metric.unit != "%":
        return _issue(raw, "value", f"指标“{metric.name}”的单位是“{metric.unit}”，不能填写百分数")
    low, high = metric.min_value, metric.max_value
    if low is not None and not pd.isna(low) and value < low:
        message = "不能为负数" if low == 0 else f"不能小于 {_fmt(low)}"
        return _issue(raw, "value", f"“{_fmt(value)}”{message}（{metric.name}）")
    if high is not None and not pd.isna(high) and value > high:
        return _issue(raw, "value", f"“{_fmt(value)}”不能大于 {_fmt(high)}（{metric.name}）")
    return None


def _notes_in_row(look: _Lookups, raw: RawRow, metric: str) -> list[RawExplanation]:
    """A 情况说明 in a data row belongs to every indicator built on the row's metric."""
    if not raw.explanation:
        return []
    cols = {**raw.cols, "indicator": raw.cols["metric"]}  # _check_explanations knows a data row by this
    return [
        RawExplanation(raw.sheet, raw.row, cols, ind.code, raw.year, raw.month, raw.explanation)
        for ind in look.indicators.values()
        if metric in ind.metrics
    ]


# ---------------------------------------------------------------- against the stored figures

_COMPARE_SQL = """
with cur as (
    select metric, place, year, month, value, note from figure_current
    where metric in (select distinct metric from _new)
),
joined as (
    select n.*, c.value as old_value, c.note as old_note
    from _new n left join cur c
      on c.metric = n.metric and c.place is not distinct from n.place
     and c.year = n.year and c.month = n.month
),
timeline as (
    select idx, metric, place, year * 12 + month - 1 as ym, value from _new
    union all
    select null, c.metric, c.place, c.year * 12 + c.month - 1, c.value from cur c
    where not exists (select 1 from _new n where n.metric = c.metric
                      and n.place is not distinct from c.place and n.year = c.year and n.month = c.month)
),
prev as (
    select idx, lag(value) over w as prev_value, lag(ym) over w as prev_ym,
           lead(value) over w as next_value, lead(ym) over w as next_ym
    from timeline
    window w as (partition by metric, place order by ym)
)
select j.*, p.prev_value, p.prev_ym, p.next_value, p.next_ym
from joined j join prev p on p.idx = j.idx
order by j.idx
"""


def _compare(con: duckdb.DuckDBPyConnection, figures: list[_NewFigure], look: _Lookups, factor: float, issues: list[Issue]) -> pd.DataFrame:
    """The preview: old value, previous and next reported values, change kind; running totals and jumps checked."""
    new = pd.DataFrame(figures, columns=PREVIEW_COLUMNS)
    if new.empty:
        return pd.DataFrame(columns=PREVIEW_COLUMNS + COMPARED_COLUMNS)
    new = new.astype({"idx": "int64", "year": "int64", "month": "int64", "value": "float64", "row": "int64"})
    con.register("_new", new)
    try:
        frame = con.execute(_COMPARE_SQL).df()
    finally:
        con.unregister("_new")
    changes = []
    for r in frame.itertuples(index=False):
        changes.append(_change(r))
        issues += _neighbour_issues(r, look.metrics[r.metric], factor)
    frame["change"] = changes
    frame["metric_name"] = [look.metrics[c].name for c in frame["metric"]]
    frame["unit"] = [look.metrics[c].unit for c in frame["metric"]]
    frame["place_name"] = [look.places.get(p, ("", ""))[0] if isinstance(p, str) else "" for p in frame["place"]]
    return frame


def _change(r: Any) -> str:
    old = None if pd.isna(r.old_value) else float(r.old_value)
    note = r.note if isinstance(r.note, str) and r.note else None
    note_changed = note is not None and note != (r.old_note if isinstance(r.old_note, str) else None)
    return "新增" if old is None else ("修改" if old != r.value or note_changed else "不变")


def _neighbour_issues(r: Any, metric: _Metric, factor: float) -> list[Issue]:
    """A running total above the month after it or below the month before it (errors); a value ``factor``
    times last month's or more, or as many times less (a warning)."""
    out = []
    where = (r.sheet or None, int(r.row), r.column)
    after = None if pd.isna(r.next_value) else float(r.next_value)
    if metric.code in NON_DECREASING and after is not None and r.value > after:
        next_year, next_month = divmod(int(r.next_ym), 12)
        message = (
            f"“{metric.name}”是累计数，不能高于之后（{next_year}年{next_month + 1}月为 "
            f"{_fmt(after)}）；如需更正之后的数据，请在同一文件中一并填写更正后的数值"
        )
        out.append(Issue("error", message, *where))
    prev = None if pd.isna(r.prev_value) else float(r.prev_value)
    if prev is None:
        return out
    prev_year, prev_month = divmod(int(r.prev_ym), 12)
    if metric.code in NON_DECREASING and r.value < prev:
        message = (
            f"“{metric.name}”是累计数，不能低于之前（{prev_year}年{prev_month + 1}月为 {_fmt(prev)}）；"
            f"如需更正之前的数据，请在同一文件中一并填写更正后的数值"
        )
        out.append(Issue("error", message, *where))
    elif int(r.prev_ym) == _ym(r.year, r.month) - 1 and prev > 0 and r.value > 0 and factor > 1:
        ratio = max(r.value / prev, prev / r.value)
        if ratio >= factor:
            message = f"“{metric.name}”为 {_fmt(r.value)}，与上月（{_fmt(prev)}）相差 {ratio:.1f} 倍，请核实（不影响提交）"
            out.append(Issue("warning", message, *where))
    return out


# ---------------------------------------------------------------- 情况说明


def _explanations_changed(con: duckdb.DuckDBPyConnection, explanations: list[Explanation]) -> bool:
    """Whether any 情况说明 of the file differs from the current one of its indicator and month."""
    if not explanations:
        return False
    current = {
        (i, y, m): t
        for i, y, m, t in con.execute(
            "select indicator, year, month, text from explanation_current where indicator in (select unnest(?))",
            [sorted({e.indicator for e in explanations})],
        ).fetchall()
    }
    return any(current.get((e.indicator, e.year, e.month)) != e.text for e in explanations)


def _check_explanations(raws: list[RawExplanation], look: _Lookups, issues: list[Issue]) -> list[Explanation]:
    """The 情况说明 the user may give, one per indicator and month (several for one are joined with ；)."""
    indicators = look.indicators
    by_name = {norm_text(i.name): c for c, i in indicators.items()}
    user = look.user
    out: dict[tuple[str, int, int], Explanation] = {}
    for raw in raws:
        col = column_label(raw.cols["indicator"], "indicator") if "indicator" in raw.cols else None
        code = raw.indicator.strip().lower() if raw.indicator.strip().lower() in indicators else by_name.get(raw.indicator)
        if code is None:
            issues.append(Issue("error", f"未知的指标编码“{raw.indicator[:40]}”", raw.sheet, raw.row, col))
            continue
        ind = indicators[code]
        if user.role == "staff" and ind.department != user.department:
            if raw.cols.get("indicator") == raw.cols.get("metric"):
                continue  # a data row's note attaches only to the user's own indicators
            department = look.departments.get(ind.department, ind.department)
            issues.append(Issue("error", f"指标“{ind.name}”属于“{department}”，不能为其他部门的指标填写情况说明", raw.sheet, raw.row, col))
            continue
        problem = period_issue(raw.year, raw.month, look.today)
        if problem:
            issues.append(Issue("error", problem[1], raw.sheet, raw.row, column_label(raw.cols[problem[0]], problem[0])))
            continue
        if raw.year is None or raw.month is None:
            continue
        locked = look.gate.refusal(raw.year, raw.month, user)
        if locked:
            where = column_label(raw.cols["month"], "month") if "month" in raw.cols else col
            issues.append(Issue("error", locked, raw.sheet, raw.row, where))
            continue
        key = (code, raw.year, raw.month)
        if key in out:
            if raw.text not in out[key].text:
                out[key] = replace(out[key], text=out[key].text + "；" + raw.text)
            continue
        out[key] = Explanation(code, ind.name, raw.year, raw.month, raw.text)
    return list(out.values())
