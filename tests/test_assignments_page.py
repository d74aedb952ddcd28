"""责任分工: admins set 配合单位 and 责任领导 of every item in one table; every changed row is saved in one batch,
audited, shown on 上传记录 and revertible there; anyone else sees the table read-only."""

from __future__ import annotations

import pandas as pd
import pytest

from components import assignments
from tests.conftest import add_users, app_page, make_admin
from tracker import auth, ingest, items, store

YEAR = 2023


def current(code: str) -> items.Assignment:
    with store.connect() as con:
        return items.assignments(con, YEAR).get(code, items.Assignment([], ""))


def table() -> tuple[pd.DataFrame, dict[str, str]]:
    with store.connect() as con:
        departments = dict(con.execute("select code, name from department").fetchall())
        return assignments.frame(items.list_items(con, YEAR), departments), departments


def edited(frame: pd.DataFrame, code: str, **cells) -> pd.DataFrame:
    out = frame.copy()
    index = out.index[out["code"] == code][0]
    for column, value in cells.items():
        out.at[index, column] = value
    return out


def test_changed_rows_are_saved_in_one_batch_audited_and_revertible(demo_db):
    admin = make_admin(demo_db)
    before, departments = table()
    after = edited(before, "T_AIR_QUALITY", 责任领导="分管副镇长", 配合单位=[departments["water"], departments["urban"]])
    after = edited(after, "P_MAOWAN_1", 责任领导="镇长")
    changes = assignments.changes(before, after)
    assert {c.code for c in changes} == {"P_MAOWAN_1", "T_AIR_QUALITY"}
    was = current("P_MAOWAN_1")
    batch = items.set_assignments(YEAR, admin, changes, file_name="责任分工表", only_changed=True)
    assert current("T_AIR_QUALITY") == items.Assignment(["water", "urban"], "分管副镇长")
    assert current("P_MAOWAN_1").leader == "镇长" and current("P_MAOWAN_1").support_departments == was.support_departments
    with store.connect() as con:
        assert con.execute("select kind, rows, file_name from batch where id = ?", [batch]).fetchone() == ("items", 2, "责任分工表")
        audit = "select count(*) from audit where action = 'item.assign' and detail like ?"
        assert con.execute(audit, [f'%"batch": {batch}%']).fetchone()[0] == 2
    history = app_page("pages/history.py", user=admin)
    shown = history.dataframe[0].value
    assert batch in shown["批次"].tolist() and "责任分工" in shown["类型"].tolist()
    ingest.revert(batch, admin)
    assert current("T_AIR_QUALITY") == items.Assignment([], "") and current("P_MAOWAN_1") == was


def test_a_bad_row_refuses_all_with_row_and_column_and_writes_nothing(demo_db):
    admin = make_admin(demo_db)
    before, _ = table()
    lead_row = before[before["code"] == "P_MAOWAN_1"].iloc[0]
    after = edited(before, "T_AIR_QUALITY", 责任领导="分管副镇长")
    after = edited(after, "P_MAOWAN_1", 配合单位=["水务局"])  # its own lead department
    after = edited(after, "T_SPORTS", 责任领导="长" * 61)
    with store.connect() as con:
        batches = con.execute("select count(*) from batch").fetchone()[0]
    with pytest.raises(items.ItemError) as refused:
        items.set_assignments(YEAR, admin, assignments.changes(before, after), only_changed=True)
    message = str(refused.value)
    assert f"第{lead_row['序号']}行：配合单位：“水务局”是“茅湾涌防洪排涝整治工程一期”的牵头单位" in message
    assert "行：责任领导：不能超过 60 个字" in message
    with store.connect() as con:
        assert con.execute("select count(*) from batch").fetchone()[0] == batches
    assert current("T_AIR_QUALITY").leader == ""


def test_unknown_code_duplicate_and_unknown_department_are_named(demo_db):
    admin = make_admin(demo_db)
    changes = [
        items.AssignmentChange("X_NONE", leader="某", row=2),
        items.AssignmentChange("T_BUS", support=["不存在局"], row=3),
        items.AssignmentChange("T_BUS", leader="某", row=4),
    ]
    with pytest.raises(items.ItemError) as refused:
        items.set_assignments(YEAR, admin, changes)
    message = str(refused.value)
    assert "第2行：事项编码：2023年没有编码为“X_NONE”的事项" in message
    assert "第3行：配合单位：部门“不存在局”不存在" in message
    assert "第4行：事项编码：“T_BUS”出现多次" in message


def test_only_admins_write(demo_db):
    add_users(demo_db, ("wang", "staff", "water"))
    with store.connect() as con:
        staff = auth.get_user(con, "wang")
    with pytest.raises(auth.PermissionDenied):
        items.set_assignments(YEAR, staff, [items.AssignmentChange("T_BUS", leader="某")])


def test_page_is_read_only_for_others_and_an_editor_for_admins(demo_db):
    add_users(demo_db, ("wang", "staff", "water"))
    with store.connect() as con:
        staff = auth.get_user(con, "wang")
    at = app_page("pages/assignments.py", user=staff)
    assert at.title[0].value == "责任分工"
    assert any("只有管理员可以修改配合单位和责任领导" in i.value for i in at.info)
    shown = at.dataframe[0].value
    assert len(shown) == 21 + 33 + 54
    row = shown[shown["code"] == "T_AIR_QUALITY"].iloc[0]
    assert (row["类型"], row["牵头单位"], row["责任领导"]) == ("重点工作", "生态环境分局", "未设置")
    assert not at.button
    admin = make_admin(demo_db)
    at = app_page("pages/assignments.py", user=admin)
    assert not at.info and at.button(key="assignments_save")
    at.button(key="assignments_save").click().run()
    assert any("没有修改" in i.value for i in at.info)


def test_the_downloaded_list_edited_and_uploaded_is_one_batch(demo_db):
    """The page's CSV, edited as in Excel (names with 、, a leader typed), goes back through the same function."""
    admin = make_admin(demo_db)
    before, departments = table()
    text = assignments.list_csv(before).decode("utf-8-sig").splitlines()
    header, rows = text[0], text[1:]
    assert header == "事项编码,事项,类型,牵头单位,配合单位,责任领导"
    edited_rows = []
    for line in rows:
        if line.startswith("T_AIR_QUALITY,"):
            cells = line.split(",")
            cells[4], cells[5] = f"{departments['water']}、{departments['urban']}", "分管副镇长"
            line = ",".join(cells)
        edited_rows.append(line)
    data = "\n".join([header, *edited_rows]).encode("gbk")  # as Excel in China saves a CSV
    changes = items.parse_assignment_file(data, "事项清单.csv")
    assert len(changes) == len(before)
    batch = items.set_assignments(YEAR, admin, changes, file_name="事项清单.csv", only_changed=True)
    assert current("T_AIR_QUALITY") == items.Assignment(["water", "urban"], "分管副镇长")
    with store.connect() as con:
        assert con.execute("select rows, file_name from batch where id = ?", [batch]).fetchone() == (1, "事项清单.csv")
    assert items.set_assignments(YEAR, admin, changes, only_changed=True) is None  # the same file again: nothing to write


def test_an_uploaded_workbook_with_bad_rows_names_sheet_row_and_column(demo_db, tmp_path):
    import io

    import openpyxl

    admin = make_admin(demo_db)
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "分工"
    ws.append(["事项清单（2023年）"])
    ws.append(["事项编码", "配合单位", "责任领导"])
    ws.append(["T_BUS", "水务局", "副镇长甲"])
    ws.append(["X_NONE", "", "某"])
    ws.append(["T_AIR_QUALITY", "生态环境分局", ""])  # its own lead
    ws.append([None, "水务局", ""])
    out = io.BytesIO()
    book.save(out)
    with pytest.raises(items.ItemError) as refused:
        changes = items.parse_assignment_file(out.getvalue(), "分工.xlsx")
    assert "工作表“分工”第6行：事项编码：不能为空" in str(refused.value)
    ws.delete_rows(6)
    out = io.BytesIO()
    book.save(out)
    changes = items.parse_assignment_file(out.getvalue(), "分工.xlsx")
    with pytest.raises(items.ItemError) as refused:
        items.set_assignments(YEAR, admin, changes, only_changed=True)
    message = str(refused.value)
    assert "工作表“分工”第4行：事项编码：2023年没有编码为“X_NONE”的事项" in message
    assert "工作表“分工”第5行：配合单位：“生态环境分局”是" in message
    assert current("T_BUS").leader == ""  # nothing written
    with pytest.raises(items.ItemError, match="事项编码"):
        items.parse_assignment_file("名称,备注\n甲,乙\n".encode(), "x.csv")
