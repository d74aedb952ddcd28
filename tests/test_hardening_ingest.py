"""Issue 15, points 4, 5, 9 and 10, and guarantees kept: a target moved by an upload, a revert that breaks a rule
uploads enforce, a specific Chinese message for every malformed cell, an older file uploaded again, nobody
without the right writes anything by any path, and notes shown as text."""

from __future__ import annotations

import io
import json
import warnings
import zipfile

import openpyxl
import pytest

from tests.conftest import TODAY, counts, current, make_csv
from tracker import ingest, status, store
from tracker.auth import PermissionDenied, User
from tracker.ingest.model import UNEXPECTED_PARSE_ERROR

ADMIN = User("boss", "admin", None)
ENV = User("env1", "staff", "env")
ECON = User("econ1", "staff", "econ")


def texts(report: ingest.Report, level: str = "error") -> list[str]:
    return [i.text() for i in report.issues if i.level == level]


def target_2023(code: str) -> float | None:
    with store.connect() as con:
        return next(i.target for i in status.indicator_status(con, 2023, 6) if i.code == code)


def audit(action: str) -> list[dict]:
    with store.connect() as con:
        return [json.loads(d) for (d,) in con.execute("select detail from audit where action = ? order by id", [action]).fetchall()]


# ---------------------------------------------------------------- 4. a target moved by an upload


def test_staff_may_not_upload_figures_of_a_year_before_the_tracked_year(demo_db):
    """worse_than_v_rivers' 2023 target is 2022's December value: staff uploading 2022-12 = 40 would move it."""
    before_target, before = target_2023("worse_than_v_rivers"), counts()
    data = make_csv([["worse_than_v_rivers", 2022, 12, 40, None, None]])
    report = ingest.prepare(data, "old.csv", ENV, today=TODAY)
    assert texts(report) == [
        "第2行B列（年）：2022年早于跟踪年度（2023年起）：往年数值决定按上年确定的目标，只有管理员可以填报或修改，请联系管理员"
    ]
    with pytest.raises(ingest.ValidationFailed):
        ingest.commit(data, "old.csv", ENV, today=TODAY)
    assert counts() == before and target_2023("worse_than_v_rivers") == before_target == 6


def test_an_admin_change_that_moves_a_target_is_named_in_the_preview_and_audited(demo_db):
    data = make_csv([["worse_than_v_rivers", 2022, 12, 40, None, "更正"]])
    report = ingest.prepare(data, "old.csv", ADMIN, today=TODAY)
    assert report.ok
    assert texts(report, "warning")[-1] == "“劣V类河涌数量”2023年的目标（按上年末数值确定）将从 6 变为 40（提交后记入审计日志）"
    assert target_2023("worse_than_v_rivers") == 6  # the preview wrote nothing
    result = ingest.commit(data, "old.csv", ADMIN, today=TODAY)
    assert "目标（按上年末数值确定）已从 6 变为 40" in result.message()
    assert target_2023("worse_than_v_rivers") == 40
    moved = audit("target.change")
    change = {"indicator": "worse_than_v_rivers", "year": 2023, "old": 6.0, "new": 40.0, "rule": "last_year"}
    assert moved == [change | {"batch": result.batch_id, "by": "upload"}]
    ingest.revert(result.batch_id, ADMIN)
    assert target_2023("worse_than_v_rivers") == 6
    assert audit("target.change")[-1] == moved[0] | {"by": "revert", "old": 40.0, "new": 6.0}


def test_a_file_that_moves_no_target_has_no_such_warning(demo_db):
    report = ingest.prepare(make_csv([["worse_than_v_rivers", 2024, 1, 5, None, None]]), "new.csv", ENV, today=TODAY)
    assert report.ok and not report.target_moves and not texts(report, "warning")


# ---------------------------------------------------------------- 5. a revert runs the upload's checks


def test_a_revert_that_makes_a_running_total_fall_is_refused(demo_db):
    """January 132, corrected to 120, February 122; reverting the correction would leave January 132 > February 122."""
    first = ingest.commit(make_csv([["pretreat_covered", 2024, 1, 132, None, None]]), "jan.csv", ENV, today=TODAY)
    correction = ingest.commit(make_csv([["pretreat_covered", 2024, 1, 120, None, "更正"]]), "fix.csv", ENV, today=TODAY)
    ingest.commit(make_csv([["pretreat_covered", 2024, 2, 122, None, None]]), "feb.csv", ENV, today=TODAY)
    # uploading that pair is refused ...
    refused = ingest.prepare(make_csv([["pretreat_covered", 2024, 1, 132, None, None]]), "again.csv", ENV, today=TODAY)
    assert any("累计数" in t for t in texts(refused))
    # ... and so is the revert that would make it
    with pytest.raises(ingest.IngestError) as caught:
        ingest.revert(correction.batch_id, ENV)
    message = str(caught.value)
    assert message.startswith(f"不能撤销批次 {correction.batch_id}：撤销后")
    assert "2024年2月将为 122，低于2024年1月的 132" in message and "累计数不能下降" in message
    assert current("pretreat_covered", 2024, 1) == 120 and current("pretreat_covered", 2024, 2) == 122
    with store.connect() as con:
        assert con.execute("select status from batch where id = ?", [correction.batch_id]).fetchone() == ("committed",)
    assert first.batch_id < correction.batch_id


def test_a_revert_that_keeps_running_totals_rising_goes_through(demo_db):
    ingest.commit(make_csv([["pretreat_covered", 2024, 1, 120, None, None]]), "jan.csv", ENV, today=TODAY)
    raised = ingest.commit(make_csv([["pretreat_covered", 2024, 1, 125, None, None]]), "fix.csv", ENV, today=TODAY)
    ingest.revert(raised.batch_id, ENV)
    assert current("pretreat_covered", 2024, 1) == 120


# ---------------------------------------------------------------- 10. an older file uploaded again


def test_uploading_an_older_file_again_restores_its_values(demo_db):
    older = make_csv([["cultural_events", 2024, 1, 30, None, None]])
    ingest.commit(older, "jan.csv", ADMIN, today=TODAY)
    ingest.commit(make_csv([["cultural_events", 2024, 1, 35, None, "更正"]]), "fix.csv", ADMIN, today=TODAY)
    report = ingest.prepare(older, "jan.csv", ADMIN, today=TODAY)
    assert report.duplicate_of is None and report.same_file_as is not None
    assert report.changed["value"].tolist() == [30.0]
    result = ingest.commit(older, "jan.csv", ADMIN, today=TODAY)
    assert result.batch_id is not None and "之后改过的数值已恢复为文件中的数值" in result.message()
    assert current("cultural_events", 2024, 1) == 30
    again = ingest.commit(older, "jan.csv", ADMIN, today=TODAY)  # now it changes nothing: a duplicate
    assert again.duplicate_of is not None and again.batch_id is None


def test_a_file_whose_figures_and_notes_are_already_there_writes_nothing(demo_db):
    header = ("指标编码", "年", "月", "数值", "地点", "情况说明")
    first = ingest.commit(make_csv([["cultural_events", 2024, 1, 30, None, "演出场地维修"]], header=header), "a.csv", ADMIN, today=TODAY)
    assert first.batch_id is not None and first.explanations == 1
    before = counts()
    other_bytes = make_csv([["cultural_events", 2024, 1, "30.0", None, "演出场地维修"]], header=header)
    assert ingest.commit(other_bytes, "b.csv", ADMIN, today=TODAY).batch_id is None
    assert counts() == before


# ---------------------------------------------------------------- 9. one specific message per malformed cell


def _xlsx_with_cell(cell_xml: str, date_style: bool = False, sheet_tail: str = "") -> bytes:
    """The tiny workbook openpyxl writes, with one cell of the data row replaced by ``cell_xml`` (D2); with
    ``date_style`` a date format is added as the last cell style ("{date}" in ``cell_xml`` is its index)."""
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "数据"
    ws.append(["指标编码", "年", "月", "数值"])
    ws.append(["cultural_events", 2024, 1, 12345])
    raw = io.BytesIO()
    book.save(raw)
    out = io.BytesIO()
    with zipfile.ZipFile(raw) as src:
        styles = src.read("xl/styles.xml").decode()
        index = styles[styles.index("<cellXfs") : styles.index("</cellXfs>")].count("<xf ")
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
            for item in src.infolist():
                body = src.read(item.filename)
                if item.filename == "xl/worksheets/sheet1.xml":
                    text = body.decode()
                    start = text.index('<c r="D2"')
                    end = text.index("</c>", start) + 4
                    text = text[:start] + cell_xml.replace("{date}", str(index)) + text[end:]
                    body = text.replace("</worksheet>", sheet_tail + "</worksheet>").encode()
                if item.filename == "xl/styles.xml" and date_style:
                    body = styles.replace("</cellXfs>", '<xf numFmtId="14" applyNumberFormat="1"/></cellXfs>').encode()
                dst.writestr(item, body)
    return out.getvalue()


@pytest.mark.parametrize(
    "cell, words",
    [
        ('<c r="D2"><v>NaN</v></c>', "第2行D列（数值）：不是有效数字（NaN 或无穷大）"),
        ('<c r="D2"><v>INF</v></c>', "第2行D列（数值）：不是有效数字（NaN 或无穷大）"),
        ('<c r="D2"><v>12abc</v></c>', "第2行D列：数值“12abc”无法识别"),
        ('<c r="D2" t="s"><v>99999</v></c>', "第2行D列：单元格引用了不存在的共享字符串（编号“99999”）"),
        ('<c r="D2" t="d"><v>2024-13-45</v></c>', "第2行D列：日期“2024-13-45”无效"),
        ('<c r="D2" t="b"><v>maybe</v></c>', "第2行D列：逻辑值“maybe”无法识别"),
        ('<c r="D2" t="e"><v>#DIV/0!</v></c>', "第2行D列（数值）：“#DIV/0!”是 Excel 公式错误"),
    ],
)
def test_malformed_xlsx_cells_get_a_message_with_their_address(demo_db, cell, words):
    report = ingest.prepare(_xlsx_with_cell(cell), "bad.xlsx", ADMIN, today=TODAY)
    assert any(words in t for t in texts(report)), texts(report)
    assert not any(UNEXPECTED_PARSE_ERROR.split("（")[0] in t for t in texts(report))


def test_date_formatted_cells_read_as_dates_or_as_bad_dates(demo_db):
    good = ingest.prepare(_xlsx_with_cell('<c r="D2" s="{date}"><v>45000</v></c>', date_style=True), "d.xlsx", ADMIN, today=TODAY)
    assert texts(good) == ["工作表“数据”第2行D列（数值）：应为数字，这里是日期或时间"]
    bad = ingest.prepare(_xlsx_with_cell('<c r="D2" s="{date}"><v>99999999</v></c>', date_style=True), "d.xlsx", ADMIN, today=TODAY)
    assert any("第2行D列：日期无效" in t for t in texts(bad)), texts(bad)


def test_a_csv_field_over_128_kib_is_named(demo_db):
    data = ('指标编码,年,月,数值\ncultural_events,2024,1,"' + "x" * 200_000 + "\n").encode()
    with pytest.raises(ingest.IngestError, match="CSV 文件第2行起有一个单元格超过 131,072 个字符：多半是某个引号"):
        ingest.parse(data, "quote.csv")


X14_VALIDATION = (
    '<extLst><ext uri="{CCE6A557-97BC-4b89-ADB6-D9C93CAAB3DF}" '
    'xmlns:x14="http://schemas.microsoft.com/office/spreadsheetml/2009/9/main"><x14:dataValidations count="0"/></ext></extLst>'
)


def test_reading_never_writes_english_warnings_to_stderr(demo_db, capfd):
    """openpyxl warns in English on stderr for an Excel data-validation extension; it no longer reads uploads."""
    data = _xlsx_with_cell('<c r="D2"><v>7</v></c>', sheet_tail=X14_VALIDATION)
    with warnings.catch_warnings(record=True) as openpyxl_warned:
        warnings.simplefilter("always")
        openpyxl.load_workbook(io.BytesIO(data))
    assert openpyxl_warned, "the file should make openpyxl warn, or this test shows nothing"
    capfd.readouterr()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        parsed = ingest.parse(data, "x.xlsx")
    assert not caught and capfd.readouterr().err == ""
    assert [r.value for r in parsed.rows] == [7.0]


# ---------------------------------------------------------------- guarantees kept


def test_anonymous_viewer_and_other_departments_write_nothing_by_any_path(demo_db):
    before = counts()
    data = make_csv([["market_entities", 2024, 1, 30000, None, None]])
    for user in (None, User("v", "viewer")):
        with pytest.raises(PermissionDenied):
            ingest.commit(data, "x.csv", user, today=TODAY)
        with pytest.raises(PermissionDenied):
            ingest.prepare(data, "x.csv", user, today=TODAY)
        with pytest.raises(PermissionDenied):
            ingest.add_explanation("market_entities", 2024, 1, "说明", user, today=TODAY)
        with pytest.raises(PermissionDenied):
            ingest.commit_targets([ingest.TargetRow("market_entities", 2024, 1.0, ">=", "")], user)
    with pytest.raises(ingest.ValidationFailed):
        ingest.commit(data, "x.csv", ECON, today=TODAY)
    with pytest.raises(PermissionDenied):
        ingest.add_explanation("market_entities", 2024, 1, "说明", ECON, today=TODAY)
    with pytest.raises(PermissionDenied):
        ingest.commit_targets([ingest.TargetRow("market_entities", 2024, 1.0, ">=", "")], ECON)
    mine = ingest.commit(make_csv([["cultural_events", 2024, 1, 3, None, None]]), "c.csv", ADMIN, today=TODAY)
    with pytest.raises(PermissionDenied):
        ingest.revert(mine.batch_id, ECON)
    assert counts()[0] == before[0] + 1  # only the admin's row
