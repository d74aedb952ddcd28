"""tracker.ingest and tracker.template: reading files, every check, preview, commit, duplicates, revert, notes,
targets and the reporting status. Real DuckDB files (the demo database), no mocks."""

from __future__ import annotations

import io
import re
import zipfile
from datetime import date, datetime

import openpyxl
import pytest

from tests.conftest import TODAY, counts, current, make_csv
from tracker import ingest, store, template
from tracker.auth import PermissionDenied, User
from tracker.model import IndicatorStatus

STAFF_ECON = User("econ_staff", "staff", "econ")
STAFF_WATER = User("water_staff", "staff", "water")
STAFF_ENV = User("env_staff", "staff", "env")
ADMIN = User("boss", "admin", None)
VIEWER = User("look", "viewer", None)


def make_xlsx(
    rows: list[list], header=("指标编码", "年", "月", "数值", "地点", "备注"), title_rows=0, sheet="数据", notes: list[list] | None = None
) -> bytes:
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = sheet
    for i in range(title_rows):
        ws.append([f"标题行 {i + 1}"])
    ws.append(list(header))
    for r in rows:
        ws.append(list(r))
    if notes is not None:
        ns = book.create_sheet("情况说明")
        ns.append(["指标编码", "年", "月", "情况说明"])
        for r in notes:
            ns.append(r)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def texts(report: ingest.Report, level: str = "error") -> list[str]:
    return [i.text() for i in report.issues if i.level == level]


# ------------------------------------------------------------------ template


def test_template_has_every_metric_and_place_row_locked_codes_and_number_validation(demo_db):
    """The water template: one row per channel/village/blackspot for per-place metrics, last month's value,
    the target, only value/note unlocked, the sheet protected and the value column limited to numbers."""
    with store.connect() as con:
        data = template.build_template(con, "water", 2023, 6)
        n_places = dict(con.execute("select kind, count(*) from place group by kind").fetchall())
    book = openpyxl.load_workbook(io.BytesIO(data))
    ws = book["填报"]
    assert [c.value for c in ws[template.HEADER_ROW]] == template.HEADERS
    rows = [r for r in ws.iter_rows(min_row=template.HEADER_ROW + 1) if r[0].value]
    by_metric: dict[str, int] = {}
    for r in rows:
        by_metric[r[0].value] = by_metric.get(r[0].value, 0) + 1
    assert by_metric["river_interception_pct"] == n_places["channel"]
    assert by_metric["village_sewage_pct"] == n_places["village"] + n_places["community"]  # 9个村(社区)
    assert by_metric["residential_sewer_done"] == 1
    assert ws.protection.sheet
    first = rows[0]
    assert first[0].protection.locked and first[1].protection.locked  # code and name locked
    assert not first[9].protection.locked and not first[10].protection.locked  # value and note unlocked
    assert first[7].value is not None  # last month's value
    assert any(r[8].value for r in rows)  # a target
    assert any("J" in str(dv.sqref) and dv.type == "decimal" for dv in ws.data_validations.dataValidation)
    assert book["情况说明"]["A4"].value  # the department's indicators for notes


def test_template_unknown_department_is_refused(demo_db):
    with store.connect() as con, pytest.raises(template.TemplateError, match="不存在"):
        template.build_template(con, "nope", 2023, 1)


def test_filled_template_round_trip_commits_a_batch(demo_db):
    """Download, fill, upload: the values become current, the batch has the file's hash, an audit row exists."""
    with store.connect() as con:
        data = template.build_template(con, "econ", 2024, 1)
    book = openpyxl.load_workbook(io.BytesIO(data))
    ws = book["填报"]
    for r in ws.iter_rows(min_row=template.HEADER_ROW + 1):
        if r[0].value:
            r[9].value = 3
            r[10].value = "一月 <b>备注</b>"
    out = io.BytesIO()
    book.save(out)
    report = ingest.prepare(out.getvalue(), "econ.xlsx", STAFF_ECON, today=TODAY)
    assert report.ok, texts(report)
    assert set(report.preview["change"]) == {"新增"}
    result = ingest.commit(out.getvalue(), "econ.xlsx", STAFF_ECON, today=TODAY)
    assert result.batch_id and result.rows == len(report.preview)
    assert current("new_industrial_above_scale", 2024, 1) == 3
    with store.connect() as con:
        batch = con.execute("select user_name, file_name, sha256, rows, status from batch where id = ?", [result.batch_id]).fetchone()
        audit = con.execute("select count(*) from audit where action = 'figures.commit'").fetchone()[0]
    assert batch[0] == "econ_staff" and batch[1] == "econ.xlsx" and len(batch[2]) == 64 and batch[4] == "committed"
    assert audit == 1


# ------------------------------------------------------------------ reading messy files


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk"])
def test_csv_encodings_title_rows_blank_rows_and_number_forms(demo_db, encoding):
    """UTF-8, UTF-8 with BOM and GBK; a title row above the header; blank rows; full-width digits, thousands
    separators and trailing spaces are all read."""
    text = (
        "三乡镇 2024年1月 填报\n"
        "\n"
        "指标编码 , 年 ,月份,数值（必填）,地点,备注\n"
        'market_entities  ,2024,1,"２９，８００",,全角数字\n'
        ",,,,,\n"
        "new_industrial_above_scale,２０２４年,1月, 4 ,,尾随空格   \n"
        'waste_total_t,2024,1,"1,234.5",,千位分隔符\n'
    )
    data = text.encode(encoding)
    parsed = ingest.parse(data, "f.csv")
    assert [r.value for r in parsed.rows] == [29800.0, 4.0, 1234.5]
    assert parsed.rows[1].year == 2024 and parsed.rows[1].month == 1
    assert parsed.rows[1].note == "尾随空格"
    assert parsed.rows[0].row == 4  # the row number Excel shows
    report = ingest.prepare(data, "f.csv", ADMIN, today=TODAY)
    assert report.ok, texts(report)


def test_english_headers_and_xlsx_title_rows(demo_db):
    data = make_xlsx(
        [["cultural_events", 2024, 1, 30, None, "ok"]], header=("metric", "year", "month", "value", "place", "note"), title_rows=2
    )
    report = ingest.prepare(data, "e.xlsx", User("c", "staff", "culture"), today=TODAY)
    assert report.ok and report.preview["value"].tolist() == [30.0]


def test_percent_strings_and_percent_cells(demo_db):
    """'85%' is 85 for a metric measured in %; a percent-formatted Excel cell 0.85 is 85 too; a percent for a
    metric in another unit is an error."""
    book = openpyxl.Workbook()
    ws = book.active
    ws.append(["指标编码", "年", "月", "地点", "数值"])
    ws.append(["blackspot_pct", 2024, 1, "BS01", "100%"])
    ws.append(["blackspot_pct", 2024, 1, "BS02", 1.0])
    ws["E3"].number_format = "0%"
    ws.append(["residential_sewer_done", 2024, 1, None, "5%"])
    out = io.BytesIO()
    book.save(out)
    report = ingest.prepare(out.getvalue(), "p.xlsx", STAFF_WATER, today=TODAY)
    assert report.preview.set_index("place")["value"].to_dict() == {"BS01": 100.0, "BS02": 100.0}
    assert texts(report) == ["工作表“Sheet”第4行E列（数值）：指标“当月完成污水管网改造小区”的单位是“个”，不能填写百分数"]


def test_formula_cells_count_by_stored_value_and_unsaved_formulas_are_explained(demo_db):
    data = make_xlsx(
        [["cultural_events", 2024, 1, "=10+20"], ["cultural_events", 2024, 2, "=1+1"]], header=("指标编码", "年", "月", "数值")
    )
    # Excel stores the result next to the formula; openpyxl cannot compute, so write the stored value ourselves
    # for the first formula only, as Excel would have after opening and saving.
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as dst:
        for item in src.infolist():
            body = src.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                body = re.sub(rb"<f>10\+20</f><v\s*/?>(</v>)?", b"<f>10+20</f><v>30</v>", body)
            dst.writestr(item, body)
    user = User("c", "staff", "culture")
    report = ingest.prepare(out.getvalue(), "f.xlsx", user, today=TODAY)
    assert texts(report) == ["工作表“数据”第3行D列（数值）：公式没有保存的计算结果，请在 Excel 中打开文件、保存后再上传"]
    assert report.preview["value"].tolist() == [30.0]


def test_decode_text_reads_utf8_with_or_without_bom_and_gbk():
    """The one bytes → text decoder (CSV uploads here, place files in tracker.geo): the caller words the refusal."""
    text = "指标编码,年,月,数值\n三乡镇,2024,1,１２\n"
    for data in (text.encode("utf-8"), text.encode("utf-8-sig"), text.encode("gbk")):
        assert ingest.decode_text(data) == text
    with pytest.raises(UnicodeDecodeError):
        ingest.decode_text(b"\xff\xfe\x00\x00\xff")


def test_unreadable_files_raise_ingest_error_in_chinese(demo_db):
    for data, name, words in [
        (b"", "a.csv", "空"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1rest", "a.xls", ".xls"),
        (b"PK\x03\x04garbage", "a.xlsx", "无法打开"),
        (b"a,b\n1,2\n", "a.csv", "表头"),
        (b"\xff\xfe\x00\x00\xff", "x.csv", "编码"),
        ("指标编码,年\nx,2024\n".encode(), "a.csv", "缺少列"),
    ]:
        with pytest.raises(ingest.IngestError, match=re.escape(words)):
            ingest.parse(data, name)


# ------------------------------------------------------------------ checks


def test_every_error_names_sheet_row_and_column_and_nothing_is_written(demo_db):
    """One file with each kind of error: the whole file is refused, nothing changes, each message says where."""
    before = counts()
    rows = [
        ["no_such_metric", 2024, 1, 1, None, None],  # 3 unknown metric
        ["market_entities", 2024, 1, 100, None, None],  # 4 another department's metric
        ["new_industrial_above_scale", 2024, 13, 1, None, None],  # 5 month out of range
        ["new_industrial_above_scale", 2024, 5, 1, None, None],  # 6 future month (today 2024-03-20)
        ["new_industrial_above_scale", 2024, 1, "三家", None, None],  # 7 non-numeric
        ["new_service_above_scale", 2024, 1, -2, None, None],  # 8 negative
        ["firms_over_100m", 2024, 1, 50, None, None],  # 9 ok
        ["firms_over_100m", 2024, 1, 51, None, None],  # 10 duplicate of row 9
        ["new_industrial_above_scale", 2024, 2, 1, "VILLAGE1", None],  # 11 place on a non-place metric
    ]
    data = make_xlsx(rows)
    with pytest.raises(ingest.ValidationFailed) as info:
        ingest.commit(data, "bad.xlsx", STAFF_ECON, today=TODAY)
    errors = texts(info.value.report)
    expected = [
        "工作表“数据”第2行A列（指标编码）：未知的指标编码“no_such_metric”",
        "工作表“数据”第3行A列（指标编码）：指标“市场主体总量”（market_entities）属于“市场监督管理所”",
        "工作表“数据”第4行C列（月）：月份“13”不在 1 到 12 之间",
        "工作表“数据”第5行C列（月）：2024年5月还没有到，不能填报未来月份",
        "工作表“数据”第6行D列（数值）：“三家”不是数字",
        "工作表“数据”第7行D列（数值）：“-2”不能为负数",
        "工作表“数据”第9行A列（指标编码）：与第8行重复",
        "工作表“数据”第10行E列（地点）：指标“当月新增规模以上工业企业”不分地点，地点应留空",
    ]
    for want in expected:
        assert any(e.startswith(want) for e in errors), (want, errors)
    assert len(errors) == len(expected)
    assert counts() == before


def test_running_total_may_not_fall_but_other_stocks_may(demo_db):
    """A completion percentage below last month's is refused; 劣V类河涌 (a stock that should fall) is fine;
    correcting the earlier month in the same file is allowed."""
    prev = current("river_interception_pct", 2023, 11, "RC27")
    assert prev is not None and prev > 0
    bad = make_csv([["river_interception_pct", 2023, 12, prev - 1, "RC27", None]])
    report = ingest.prepare(bad, "b.csv", STAFF_WATER, today=TODAY)
    assert any("累计数，不能低于之前（2023年11月" in e and "第2行D列（数值）" in e for e in texts(report))
    fixed = make_csv(
        [["river_interception_pct", 2023, 11, prev - 2, "RC27", "更正"], ["river_interception_pct", 2023, 12, prev - 1, "RC27", None]]
    )
    assert ingest.prepare(fixed, "f.csv", STAFF_WATER, today=TODAY).ok
    worse = current("worse_than_v_rivers", 2023, 12)
    fall = make_csv([["worse_than_v_rivers", 2024, 1, max(worse - 1, 0), None, None]])
    assert ingest.prepare(fall, "w.csv", STAFF_ENV, today=TODAY).ok


def test_value_far_from_last_month_is_a_warning_not_an_error(demo_db):
    last = current("waste_total_t", 2023, 12)
    data = make_csv([["waste_total_t", 2024, 1, last * 10, None, None]])
    report = ingest.prepare(data, "j.csv", User("u", "staff", "urban"), today=TODAY)
    assert report.ok
    assert any("与上月" in w and "请核实" in w for w in texts(report, "warning"))
    assert ingest.commit(data, "j.csv", User("u", "staff", "urban"), today=TODAY).batch_id


def test_place_by_code_or_name_and_wrong_kind(demo_db):
    with store.connect() as con:
        code, name = con.execute("select code, name from place where kind = 'village' order by code").fetchone()
        channel = con.execute("select code from place where kind = 'channel' limit 1").fetchone()[0]
    data = make_csv(
        [
            ["village_sewage_pct", 2024, 1, 100, name, None],
            ["village_sewage_pct", 2024, 1, 100, channel, None],
            ["village_sewage_pct", 2024, 1, 100, None, None],
        ]
    )
    report = ingest.prepare(data, "v.csv", STAFF_WATER, today=TODAY)
    assert report.preview["place"].tolist() == [code]
    errs = texts(report)
    assert any("第3行E列（地点）：地点" in e for e in errs) and any("第4行" in e and "地点不能为空" in e for e in errs)


# ------------------------------------------------------------------ commit, duplicates, corrections, revert


def test_preview_old_to_new_and_a_file_that_changes_something_writes_only_the_changed_rows(demo_db):
    old = current("new_industrial_above_scale", 2023, 12)
    data = make_csv(
        [
            ["new_industrial_above_scale", 2023, 12, old, None, None],
            ["new_service_above_scale", 2023, 12, 99, None, "更正"],
            ["clusters_over_10b", 2024, 1, 1, None, None],
        ]
    )
    report = ingest.prepare(data, "c.csv", STAFF_ECON, today=TODAY)
    assert report.preview["change"].tolist() == ["不变", "修改", "新增"]
    assert report.preview["old_value"].iloc[0] == old
    before = counts()
    result = ingest.commit(data, "c.csv", STAFF_ECON, today=TODAY)
    assert result.rows == 2 and result.unchanged == 1
    assert counts()[0] == before[0] + 2  # the row equal to the current value is no new version


def test_same_file_twice_changes_nothing_the_second_time(demo_db):
    data = make_csv([["cultural_events", 2024, 1, 25, None, None]])
    user = User("c", "staff", "culture")
    first = ingest.commit(data, "a.csv", user, today=TODAY)
    after_first = counts()
    assert ingest.prepare(data, "a.csv", user, today=TODAY).duplicate_of == first.batch_id
    second = ingest.commit(data, "a-copy.csv", user, today=TODAY)
    assert second.batch_id is None and second.duplicate_of == first.batch_id
    assert "没有任何改动" in second.message()
    assert counts() == after_first


def test_correction_is_a_new_version_and_revert_restores_the_previous_value(demo_db):
    user = User("c", "staff", "culture")
    ingest.commit(make_csv([["cultural_events", 2024, 1, 25, None, None]]), "a.csv", user, today=TODAY)
    fix = ingest.commit(make_csv([["cultural_events", 2024, 1, 27, None, "更正"]]), "b.csv", user, today=TODAY)
    assert current("cultural_events", 2024, 1) == 27
    n_before = counts()[0]
    ingest.revert(fix.batch_id, user, now=datetime.now())
    assert current("cultural_events", 2024, 1) == 25
    assert counts()[0] == n_before  # nothing deleted
    with store.connect() as con:
        status, by = con.execute("select status, reverted_by from batch where id = ?", [fix.batch_id]).fetchone()
        audited = con.execute("select count(*) from audit where action = 'batch.revert'").fetchone()[0]
    assert (status, by, audited) == ("reverted", "c", 1)
    with pytest.raises(ingest.IngestError, match="已经撤销"):
        ingest.revert(fix.batch_id, ADMIN)


def test_who_may_revert(demo_db):
    user = User("c", "staff", "culture")
    res = ingest.commit(make_csv([["cultural_events", 2024, 1, 25, None, None]]), "a.csv", user, today=TODAY)
    with pytest.raises(PermissionDenied, match="上传人"):
        ingest.revert(res.batch_id, User("c2", "staff", "culture"))
    next_month = datetime.now().replace(day=1) + __import__("datetime").timedelta(days=40)
    with pytest.raises(PermissionDenied, match="当月"):
        ingest.revert(res.batch_id, user, now=next_month)
    with pytest.raises(PermissionDenied):
        ingest.revert(res.batch_id, VIEWER)
    with pytest.raises(PermissionDenied, match="初始数据"):
        ingest.revert(1, ADMIN)
    ingest.revert(res.batch_id, ADMIN, now=next_month)


def test_viewer_anonymous_and_other_department_cannot_write(demo_db):
    data = make_csv([["market_entities", 2024, 1, 30000, None, None]])
    before = counts()
    for user in (None, VIEWER):
        with pytest.raises(PermissionDenied):
            ingest.commit(data, "m.csv", user, today=TODAY)
        with pytest.raises(PermissionDenied):
            ingest.prepare(data, "m.csv", user, today=TODAY)
    with pytest.raises(ingest.ValidationFailed, match="未写入"):
        ingest.commit(data, "m.csv", STAFF_ECON, today=TODAY)
    with pytest.raises(PermissionDenied):
        ingest.add_explanation("market_entities", 2023, 12, "原因", STAFF_ECON)
    assert counts() == before
    assert ingest.commit(data, "m.csv", ADMIN, today=TODAY).batch_id  # admin may write any department


# ------------------------------------------------------------------ notes (情况说明)


def _lagging_indicator(year: int = 2023, month: int = 12) -> IndicatorStatus:
    """An indicator at 滞后/预警 in the month that reads a single metric (so a file can move it)."""
    from tracker import status
    from tracker.indicators import registry

    with store.connect() as con:
        items = status.indicator_status(con, year, month)
    return next(i for i in items if i.status in ingest.NOTE_STATUSES and len(registry()[i.code].metrics) == 1)


def test_preview_lists_lagging_indicators_without_a_note_and_notes_never_block(demo_db):
    from tracker.indicators import registry

    item = _lagging_indicator()
    ind = registry()[item.code]
    metric = ind.metrics[0]
    user = User("s", "staff", ind.department)
    with store.connect() as con:
        rows = con.execute("select place, value from figure_current where metric = ? and year = 2023 and month = 12", [metric]).fetchall()
    data = make_xlsx([[metric, 2023, 12, v, p, "重报"] for p, v in rows])
    report = ingest.prepare(data, "n.xlsx", user, today=TODAY)
    assert report.ok
    assert item.code in {n.indicator for n in report.notes_needed}
    result = ingest.commit(data, "n.xlsx", user, today=TODAY)  # missing note does not block
    assert result.batch_id
    with store.connect() as con:
        assert item.code in {m.indicator for m in ingest.missing_explanations(con, 2023, 12)}
    ingest.add_explanation(item.code, 2023, 12, "原因：<script>x</script>；下一步：加快", user)
    with store.connect() as con:
        assert item.code not in {m.indicator for m in ingest.missing_explanations(con, 2023, 12)}
        text = con.execute("select text from explanation_current where indicator = ?", [item.code]).fetchone()[0]
    assert text.startswith("原因：<script>")  # stored as written; pages show it escaped


def test_note_in_the_same_file_second_sheet_and_column(demo_db):
    from tracker.indicators import registry

    item = _lagging_indicator()
    ind = registry()[item.code]
    metric = ind.metrics[0]
    user = User("s", "staff", ind.department)
    with store.connect() as con:
        rows = con.execute("select place, value from figure_current where metric = ? and year = 2023 and month = 12", [metric]).fetchall()
    data = make_xlsx([[metric, 2023, 12, v, p, "重报"] for p, v in rows], notes=[[item.code, 2023, 12, "原因和措施"]])
    report = ingest.prepare(data, "n.xlsx", user, today=TODAY)
    assert report.ok and not report.notes_needed and report.explanations[0].text == "原因和措施"
    ingest.commit(data, "n.xlsx", user, today=TODAY)
    with store.connect() as con:
        assert item.code not in {m.indicator for m in ingest.missing_explanations(con, 2023, 12)}
    # as a column of the long form
    csv_data = make_csv(
        [[metric, 2024, 1, rows[0][1], rows[0][0], None, "一月说明"]], header=("指标编码", "年", "月", "数值", "地点", "备注", "情况说明")
    )
    report = ingest.prepare(csv_data, "c.csv", user, today=TODAY)
    assert report.ok and report.explanations[0].indicator == item.code


# ------------------------------------------------------------------ targets


def test_targets_upload_same_checks_and_admin_only(demo_db):
    data = make_csv(
        [
            ["cultural_events", 2025, 300, ">=", "明年"],
            ["no_such", 2025, 1, "", ""],
            ["cultural_events", 2025, 310, "", ""],
            ["pretreat_coverage", 2025, 120, "", ""],
            ["rental_housing", 2025, -1, "", ""],
            ["rental_housing", 2099, 1, "", ""],
        ],
        header=("指标编码", "年", "目标值", "比较", "备注"),
    )
    rows, issues = ingest.parse_targets(data, "t.csv")
    with store.connect() as con:
        _, found = ingest.check_targets(con, rows, ADMIN, issues, today=TODAY)
    errs = [i.text() for i in found if i.level == "error"]
    assert any("第3行A列（指标编码）：未知的指标编码" in e for e in errs)
    assert any("第4行A列（指标编码）：与第2行重复" in e for e in errs)
    assert any("第5行C列（目标值）：百分比目标不能大于 100" in e for e in errs)
    assert any("第6行C列（目标值）：目标值不能为负数" in e for e in errs)
    assert any("第7行B列（年）" in e for e in errs)
    before = counts()
    with pytest.raises(ingest.ValidationFailed):
        ingest.commit_targets(rows, ADMIN, issues)
    assert counts() == before
    good = make_csv([["cultural_events", TODAY.year + 1, 300, "不低于", "明年"]], header=("指标编码", "年", "目标值", "比较", "备注"))
    rows, issues = ingest.parse_targets(good, "t.csv")
    with pytest.raises(PermissionDenied):
        ingest.commit_targets(rows, STAFF_ECON, issues)
    batch = ingest.commit_targets(rows, ADMIN, issues, "t.csv")
    with store.connect() as con:
        assert con.execute(
            "select value, comparator, batch_id from target_current where indicator = 'cultural_events' and year = ?", [TODAY.year + 1]
        ).fetchone() == (300.0, ">=", batch)


# ------------------------------------------------------------------ reporting status


def test_reporting_rate_and_overdue(demo_db):
    with store.connect() as con:
        table = ingest.reporting_status(con, 2023, today=date(2024, 3, 1))
        next_year = ingest.reporting_status(con, 2024, today=date(2024, 3, 1))
    assert len(table) == 12 * table["department"].nunique()
    assert table["rate"].max() <= 1.0
    econ = table[(table["department"] == "econ")]
    assert econ["rate"].min() == 1.0 and not econ["overdue"].any()
    jan = next_year[next_year["month"] == 1]
    assert jan["overdue"].all() and (jan["rate"] == 0).all()  # January 2024 was due 10 February
    assert not next_year[next_year["month"] == 3]["overdue"].any()  # not yet due


# ------------------------------------------------------------------ review findings


def test_revert_of_an_earlier_batch_takes_back_a_value_a_later_batch_only_repeated(demo_db):
    """w1 uploads 7 (batch A); w2 uploads 7 again with another change (batch B, the 7 unchanged: no new version of
    it, as a prefilled template repeats every current value); reverting A takes the 7 back, B's 9 stays."""
    w1, w2 = User("c1", "staff", "culture"), User("c2", "staff", "culture")
    before = current("cultural_events", 2024, 1)
    assert before != 7
    a = ingest.commit(make_csv([["cultural_events", 2024, 1, 7, None, None]]), "a.csv", w1, today=TODAY)
    b = ingest.commit(
        make_csv([["cultural_events", 2024, 1, 7, None, None], ["cultural_events", 2024, 2, 9, None, None]]), "b.csv", w2, today=TODAY
    )
    assert b.batch_id and b.rows == 1 and b.unchanged == 1
    ingest.revert(a.batch_id, ADMIN)
    assert current("cultural_events", 2024, 1) == before
    assert current("cultural_events", 2024, 2) == 9
    ingest.revert(b.batch_id, ADMIN)
    assert current("cultural_events", 2024, 2) != 9


def test_unchanged_rows_keep_their_note_and_a_no_change_file_makes_no_batch(demo_db):
    user = User("c", "staff", "culture")
    ingest.commit(make_csv([["cultural_events", 2024, 1, 7, None, "原备注"]]), "a.csv", user, today=TODAY)
    ingest.commit(
        make_csv([["cultural_events", 2024, 1, 7, None, None], ["cultural_events", 2024, 2, 9, None, None]]), "b.csv", user, today=TODAY
    )
    with store.connect() as con:
        assert con.execute("select note from figure_current where metric = 'cultural_events' and year = 2024 and month = 1").fetchone() == (
            "原备注",
        )
    before = counts()
    same = ingest.commit(make_csv([["cultural_events", 2024, 1, 7, None, None]]), "c.csv", user, today=TODAY)
    assert same.batch_id is None and same.duplicate_of is None and counts() == before


@pytest.mark.parametrize("kind", ["places", "projects", "seed"])
def test_revert_refuses_batches_it_cannot_undo(demo_db, kind):
    with store.connect() as con:
        batch_id = store.new_batch(con, kind, "boss", file_name="x.geojson")
    with pytest.raises((ingest.IngestError, PermissionDenied), match="不能撤销"):
        ingest.revert(batch_id, ADMIN)
    with store.connect() as con:
        assert con.execute("select status from batch where id = ?", [batch_id]).fetchone() == ("committed",)


def test_target_comparator_must_match_the_indicator_direction(demo_db):
    """劣V类河涌 should fall: '>=' would make more rivers look better; '<=' on an 'up' indicator likewise.
    A blank comparator follows the indicator's direction."""
    data = make_csv(
        [["worse_than_v_rivers", 2025, 3, ">=", ""], ["cultural_events", 2025, 300, "<=", ""], ["forest_tending", 2025, 100, "=", ""]],
        header=("指标编码", "年", "目标值", "比较", "备注"),
    )
    rows, issues = ingest.parse_targets(data, "t.csv")
    with store.connect() as con:
        frame, found = ingest.check_targets(con, rows, ADMIN, issues, today=TODAY)
    errs = [i.text() for i in found if i.level == "error"]
    assert any(e.startswith("第2行D列（比较）：") and "越少越好" in e and "“>=”" in e for e in errs), errs
    assert any(e.startswith("第3行D列（比较）：") and "越多越好" in e and "“<=”" in e for e in errs), errs
    assert len(errs) == 2 and frame["indicator"].tolist() == ["forest_tending"]
    blank = make_csv([["worse_than_v_rivers", 2025, 3, "", ""]], header=("指标编码", "年", "目标值", "比较", "备注"))
    rows, issues = ingest.parse_targets(blank, "t.csv")
    with store.connect() as con:
        frame, found = ingest.check_targets(con, rows, ADMIN, issues, today=TODAY)
    assert not found and frame["comparator"].tolist() == ["<="]
    assert ingest.default_comparator("worse_than_v_rivers") == "<="
    assert ingest.default_comparator("cultural_events") == ">="


def test_running_total_may_not_exceed_the_following_month(demo_db):
    """RC14 was 50 in Feb 2023 and 70 in April: March 95 would make the running total fall in April."""
    assert (current("river_interception_pct", 2023, 2, "RC14"), current("river_interception_pct", 2023, 4, "RC14")) == (50, 70)
    bad = make_csv([["river_interception_pct", 2023, 3, 95, "RC14", "更正"]])
    errs = texts(ingest.prepare(bad, "b.csv", STAFF_WATER, today=TODAY))
    assert any(e.startswith("第2行D列（数值）：") and "累计数" in e and "2023年4月为 70" in e for e in errs), errs
    assert ingest.prepare(make_csv([["river_interception_pct", 2023, 3, 65, "RC14", None]]), "o.csv", STAFF_WATER, today=TODAY).ok
    # correcting the later months in the same file is allowed
    fixed = make_csv([["river_interception_pct", 2023, m, 95, "RC14", "更正"] for m in (3, 4, 5, 6)])
    assert ingest.prepare(fixed, "f.csv", STAFF_WATER, today=TODAY).ok


def test_village_sewage_accepts_communities(demo_db):
    """The report's 9个村(社区): a community (code 4420001140xx) reports village_sewage_pct like a village."""
    with store.connect() as con:
        code, name = con.execute("select code, name from place where kind = 'community' order by code").fetchone()
    last = current("village_sewage_pct", 2023, 12, code)
    data = make_csv([["village_sewage_pct", 2024, 1, last, code, None]])
    report = ingest.prepare(data, "v.csv", STAFF_WATER, today=TODAY)
    assert report.ok, texts(report)
    by_name = ingest.prepare(make_csv([["village_sewage_pct", 2024, 1, last, name, None]]), "n.csv", STAFF_WATER, today=TODAY)
    assert by_name.ok and by_name.preview["place"].tolist() == [code]
    assert ingest.place_kinds("village") == ("village", "community")
    assert ingest.place_kinds("channel") == ("channel",)


def test_reporting_status_expects_the_places_that_report_the_metric(demo_db):
    """水务局 reports village_sewage_pct for the 9 places of the project (villages and communities), not for every
    village: a month with all of them reported is complete and not overdue."""
    with store.connect() as con:
        table = ingest.reporting_status(con, 2023, today=date(2024, 3, 1))
        reporting = con.execute("select count(distinct place) from figure_current where metric = 'village_sewage_pct'").fetchone()[0]
    water = table[table["department"] == "water"]
    assert (water["reported_figures"] == water["expected_figures"]).all()
    assert all(row.unreported for row in water[water["overdue"]].itertuples())  # overdue only for a project or task
    assert reporting == 9 and water["expected_figures"].iloc[0] == 28 + 12 + 9 + 1


def test_reporting_status_on_an_empty_database_expects_every_village_and_community(empty_db):
    with store.connect() as con:
        table = ingest.reporting_status(con, 2024, today=date(2024, 3, 1))
        kinds = dict(con.execute("select kind, count(*) from place group by kind").fetchall())
    water = table[table["department"] == "water"]
    assert water["expected_figures"].iloc[0] == kinds["channel"] + kinds["blackspot"] + kinds["village"] + kinds["community"] + 1


def test_targets_for_year(demo_db):
    with store.connect() as con:
        frame = ingest.targets_for_year(con, 2023)
    assert list(frame.columns) == ["indicator", "value", "comparator", "rule", "note", "batch_id"]
    row = frame.set_index("indicator").loc["worse_than_v_rivers"]
    assert row["comparator"] == "<="
