"""AppTest of the 报告提取 page: admin only, paste or upload, the draft beside the text, targets through the upload
checks, new items for download; and the component that turns the reviewer's table back into items.

AppTest cannot type into st.data_editor (its ``set_value`` raises), so edits are driven through
``components.extract.reviewed_items`` with the table the page shows, and the page is driven through its other
widgets."""

from __future__ import annotations

import io
import re

import docx
import pytest
from streamlit.testing.v1 import AppTest

from components import extract as component
from tests.conftest import ROOT
from tracker import auth, store
from tracker.auth import User
from tracker.extract import draft, match

PAGE = ROOT / "pages" / "extract.py"
REPORT = ROOT / "data" / "source" / "work-report-2023-p24.txt"
ADMIN = User("admin1", "admin", None)
STAFF = User("econ1", "staff", "econ")
VIEWER = User("view1", "viewer", None)
COUNTS = "草稿：75 条（指标 19 条，项目 34 条，任务 22 条）"


def page(user: User | None = ADMIN) -> AppTest:
    at = AppTest.from_file(str(PAGE), default_timeout=120)
    if user is not None:
        at.session_state["user"] = user
        at.session_state["auth_session"] = auth.start_session(user)
    return at.run()


def pasted(text: str | None = None) -> AppTest:
    at = page()
    at.text_area(key="extract_text").input(text if text is not None else REPORT.read_text(encoding="utf-8")).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def editor(at: AppTest):
    (found,) = [d for d in at.dataframe if d.key and d.key.startswith("extract_editor_")]
    return found


def frame_with(at: AppTest, column: str):
    for element in at.dataframe:
        if column in element.value.columns:
            return element.value
    raise AssertionError(f"no table with column {column}")


def target(code: str, year: int) -> tuple | None:
    with store.connect() as con:
        return con.execute("select value, batch_id from target_current where indicator = ? and year = ?", [code, year]).fetchone()


@pytest.mark.parametrize("user", [None, VIEWER, STAFF], ids=["anonymous", "viewer", "staff"])
def test_only_an_admin_gets_the_page(demo_db, user):
    at = page(user)
    assert not at.exception
    assert any("需要管理员账号" in i.value for i in at.info)
    assert not at.text_area and not at.get("file_uploader")


def test_the_empty_page_says_what_to_do(demo_db):
    at = page()
    assert not at.exception
    assert at.title[0].value == "报告提取"
    assert any("粘贴报告正文" in i.value for i in at.info)
    assert not [d for d in at.dataframe]


def test_pasting_the_report_shows_the_draft_in_an_editable_table(demo_db):
    at = pasted()
    assert COUNTS in [s.value for s in at.subheader]
    table = editor(at)
    assert table.editing_mode == "dynamic", "rows can be deleted (dropped) and added"
    frame = table.value
    assert list(frame.columns) == list(component.EDITOR_COLUMNS)
    market = frame[frame["名称"] == "市场主体总量"].iloc[0]
    assert (market["类型"], market["目标值"], market["单位"], market["比较"], market["编码"]) == (
        "指标",
        30000,
        "家",
        "不低于",
        "market_entities",
    )
    assert (market["领域"], market["牵头部门"]) == ("经济发展", "市场监督管理所")
    assert not frame.loc[frame["置信度"] < component.ACCEPT_FLOOR, component.ACCEPT_COL].any()
    assert frame.loc[frame["置信度"] >= component.ACCEPT_FLOOR, component.ACCEPT_COL].all()
    assert at.number_input[0].value == 2023, "the year is read from 乡镇2023年政府工作报告"


def test_the_chosen_items_sentence_is_highlighted_beside_the_table(demo_db):
    at = pasted()
    focus = at.selectbox[0]
    items = draft.extract(REPORT.read_text(encoding="utf-8"))
    number = next(n for n, i in enumerate(items, start=1) if i.name == "民生实事")
    focus.select(number).run()
    assert not at.exception
    marked = [m.value for m in at.markdown if ":orange-background[" in m.value]
    assert len(marked) == 1
    assert re.search(r":orange-background\[\*\*做好十件民生实事\*\*。\]", marked[0]), marked[0]
    assert any("置信度 0.85" in c.value for c in at.caption)


def test_user_text_is_escaped_in_the_highlight(demo_db):
    at = pasted("2023年政府工作报告\n新增<b>企业</b>35家以上，完成[链接](http://x)改造。\n")
    marked = [m.value for m in at.markdown if ":orange-background[" in m.value][0]
    assert "<b>" not in marked and "\\<b\\>" in marked and "\\[链接\\]" in marked
    for md in at.markdown:
        assert not md.proto.allow_html


@pytest.mark.parametrize("kind", ["gbk", "docx"])
def test_an_uploaded_text_or_word_file_gives_the_same_draft(demo_db, kind):
    text = REPORT.read_text(encoding="utf-8")
    if kind == "gbk":
        name, data, mime = "报告.txt", text.encode("gbk"), "text/plain"
    else:
        document = docx.Document()
        for line in text.splitlines():
            document.add_paragraph(line)
        out = io.BytesIO()
        document.save(out)
        name, data, mime = "报告.docx", out.getvalue(), "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    at = page()
    at.get("file_uploader")[0].set_value((name, data, mime)).run()
    assert not at.exception
    assert COUNTS in [s.value for s in at.subheader]


def test_a_file_that_is_no_report_gets_a_chinese_message(demo_db):
    at = page()
    at.get("file_uploader")[0].set_value(("报告.docx", b"PK\x03\x04not really", "application/octet-stream")).run()
    assert not at.exception
    assert any("无法打开 Word 文件" in e.value for e in at.error)
    assert not [d for d in at.dataframe]


def test_accepting_writes_the_targets_as_a_batch_with_history(demo_db):
    at = pasted()
    at.number_input[0].set_value(2024).run()
    assert not at.exception
    preview = frame_with(at, "新目标")
    assert len(preview) == 15, "the three 三个一百 goals (confidence below 0.5) start unticked"
    assert preview[preview["指标"] == "市场主体总量"].iloc[0]["新目标"] == 30000
    assert target("market_entities", 2024) is None
    at.button(key="extract_commit").click().run()
    assert not at.exception
    (done,) = [s.value for s in at.success]
    batch = int(re.search(r"批次 (\d+)", done).group(1))
    assert target("market_entities", 2024) == (30000.0, batch)
    with store.connect() as con:
        assert con.execute("select kind, user_name, rows from batch where id = ?", [batch]).fetchone() == ("targets", "admin1", 15)
    assert not [b for b in at.button if b.key == "extract_commit"], "a second click must not write a second batch"
    at.run()
    assert [s.value for s in at.success] == [done]


def test_a_target_the_upload_checks_refuse_is_shown_by_its_item_and_nothing_is_written(demo_db):
    at = pasted("2023年政府工作报告\n深入推进生活垃圾分类，确保城乡生活垃圾无害化处理率达120%。\n")
    assert not at.exception
    assert any("目标未写入" in e.value for e in at.error)
    errors = frame_with(at, "说明")
    assert errors.iloc[0].to_dict() == {"说明": "百分比目标不能大于 100", "列": "目标值", "条目": "1"}
    assert not [b for b in at.button if b.key == "extract_commit"]


def test_new_items_are_offered_as_a_folder_and_the_draft_as_excel(demo_db):
    at = pasted()
    buttons = {b.key: b for b in at.get("download_button")}
    assert set(buttons) == {"extract_zip", "extract_xlsx"}
    assert not buttons["extract_zip"].proto.disabled
    assert any("项目 1 条，任务 22 条" in c.value for c in at.caption), "防洪提升工程建设 and the tasks are new here"


def test_the_app_lists_the_page_in_its_navigation(demo_db):
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.session_state["user"] = ADMIN
    at.session_state["auth_session"] = auth.start_session(ADMIN)
    at.run()
    at.switch_page("pages/extract.py")
    at.run()
    assert not at.exception
    assert at.title[0].value == "报告提取"


def test_the_page_holds_no_sql_and_no_rule():
    source = PAGE.read_text(encoding="utf-8")
    assert not re.search(r"\bselect\b.+\bfrom\b|\.execute\(", source, re.IGNORECASE | re.DOTALL)
    assert "import re" not in source and "ingest" not in source


# --- the reviewer's table back into items ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def items():
    return match.assign_codes(draft.extract(REPORT.read_text(encoding="utf-8")), match.known_items())


def test_unticked_and_deleted_rows_are_dropped_and_edits_kept(items):
    frame = component.editor_frame(items)
    frame.loc[0, component.ACCEPT_COL] = False  # untick item 1
    frame = frame.drop(index=1)  # delete item 2
    frame.loc[3, "目标值"] = 32000.0  # item 4: 市场主体总量
    frame.loc[3, "牵头部门"] = "党政办公室"
    frame.loc[len(items)] = {component.ACCEPT_COL: True, "类型": "项目", "名称": "打造雍·梦悦享集市", "领域": "经济发展"}
    reviewed = component.reviewed_items(frame, items, 2023)
    names = [i.name for i in reviewed]
    assert items[0].name not in names and items[1].name not in names
    market = next(i for i in reviewed if i.code == "market_entities")
    assert (market.value, market.department, market.sentence, market.start) == (32000.0, "office", items[3].sentence, items[3].start)
    added = reviewed[-1]
    assert (added.kind, added.name, added.area, added.year, added.sentence) == ("project", "打造雍·梦悦享集市", "economy", 2023, "")
    assert len(reviewed) == int(frame[component.ACCEPT_COL].fillna(False).sum())


def test_a_row_without_a_name_is_no_item(items):
    frame = component.editor_frame(items[:2])
    frame.loc[0, "名称"] = "  "
    assert [i.name for i in component.reviewed_items(frame, items[:2], 2023)] == [items[1].name]
