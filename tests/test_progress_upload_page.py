"""AppTest of the 数据填报 page with project and task progress files."""

from __future__ import annotations

from tests.conftest import add_users
from tests.test_upload_pages import all_text, frame_with, page
from tracker import store
from tracker.auth import User

WATER = User("wang", "staff", "water")
NATURE = User("li", "staff", "nature")
CSV = "项目编码,年,月,阶段,形象进度,进展情况\nP_MAOWAN_1,2023,8,在建,66,主体结构施工\n".encode()


def test_water_staff_uploads_project_progress_previews_and_commits(demo_db):
    add_users(demo_db, ("wang", "staff", "water"))
    at = page("upload", WATER)
    at.get("file_uploader")[0].set_value(("p.csv", CSV, "text/csv"))
    at.run()
    assert not at.exception
    preview = frame_with(at, "新阶段/完成情况")
    assert preview["编码"].tolist() == ["P_MAOWAN_1"] and preview["变化"].tolist() == ["修改"]
    at.button(key="commit_progress").click().run()
    assert not at.exception
    assert any("已提交" in s.value for s in at.success)
    with store.connect() as con:
        row = con.execute("select stage, percent, note from project_progress_latest where project = 'P_MAOWAN_1' and month = 8").fetchone()
    assert row == ("在建", 66.0, "主体结构施工")


def test_a_supporting_department_is_refused_the_stage_on_the_page(demo_db):
    add_users(demo_db, ("li", "staff", "nature"))
    at = page("upload", NATURE)
    at.get("file_uploader")[0].set_value(("p.csv", CSV, "text/csv"))
    at.run()
    assert not at.exception
    text = all_text(at) + "".join(str(v) for v in frame_with(at, "说明")["说明"])
    assert "配合单位" in text and "由牵头单位“水务局”填报" in text
    assert len(at.get("button")) == 0 or all(b.key != "commit_progress" for b in at.button)
