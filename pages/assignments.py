"""责任分工: every indicator, project and task of a year with its 牵头单位, 配合单位 and 责任领导; an admin edits the
last two and saves every changed row as one batch (audited, revertible on 上传记录)."""

from __future__ import annotations

from datetime import date

import streamlit as st

from components import assignments
from components.auth import current_user
from components.data import load_periods
from tracker import auth, items, store


@st.cache_data(show_spinner=False, max_entries=8)
def _load(year: int, version: tuple) -> tuple[list[items.ItemRecord], dict[str, str]]:
    with store.connect() as con:
        return items.list_items(con, year), dict(con.execute("select code, name from department order by code").fetchall())


def main() -> None:
    st.title("责任分工")
    st.caption("报告中每个事项（指标、重点项目、重点工作）的牵头单位、配合单位和责任领导。责任领导由管理员设置，未设置的不自动填写。")
    filters = st.session_state.get("_filters")  # absent when the page runs on its own (AppTest)
    year = filters.year if filters else max(load_periods()["years"] or [date.today().year])
    records, departments = _load(year, store.data_version())
    table = assignments.frame(records, departments)
    user = current_user()
    if user is None or not user.is_admin:
        st.info("只有管理员可以修改配合单位和责任领导，请用管理员账号登录（左侧“登录”）。", icon=":material/lock:")
        assignments.show(table)
        return
    st.caption(f"{year}年共 {len(table)} 项。修改配合单位或责任领导后点“保存修改”：所有改动作为一个批次保存，可在“上传记录”页撤销。")
    edited = assignments.edit(table, list(departments.values()))
    if st.button("保存修改", type="primary", key="assignments_save"):
        changed = assignments.changes(table, edited)
        if not changed:
            st.info("没有修改。")
        else:
            try:
                batch = items.set_assignments(year, user, changed, file_name="责任分工表", only_changed=True)
            except (items.ItemError, auth.PermissionDenied, store.StoreError) as exc:
                st.error("未保存，请修改后重试：\n\n" + "\n".join(f"- {line}" for line in str(exc).splitlines()))
            else:
                st.success(f"已保存 {len(changed)} 项的责任分工（批次 {batch}，可在“上传记录”页撤销）。")
    assignments.render_upload(table, year, user)


main()
