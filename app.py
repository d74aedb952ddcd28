"""The town's 政府工作报告目标跟踪: the router and the shared sidebar, plus the page-wide CSS and Chinese for Streamlit's chrome."""

from pathlib import Path

import streamlit as st

from components import i18n, styles
from components.auth import current_user, render_login
from components.sidebar import render_filters, render_town
from tracker import city_users, store, towns

HERE = Path(__file__).parent
PAGES = HERE / "pages"
# A local file, not a :material/…: icon: those favicons are fetched from the internet.
FAVICON = HERE / "components" / "static" / "favicon.png"


def navigation(city: bool) -> st.navigation:
    def page(name: str, title: str, icon: str, default: bool = False) -> st.Page:
        return st.Page(PAGES / f"{name}.py", title=title, icon=f":material/{icon}:", default=default)

    return st.navigation(
        {
            "看进度": [
                page("overview", "总览", "dashboard", default=True),
                page("area_economy", "经济发展", "factory"),
                page("area_rural", "乡村振兴", "agriculture"),
                page("area_water", "水环境治理", "water_drop"),
                page("area_ecology", "生态绿美", "forest"),
                page("area_culture", "文化建设", "account_balance"),
                page("area_livelihood", "民生保障", "diversity_3"),
                page("indicator", "指标详情", "query_stats"),
                page("projects", "重点项目", "construction"),
                page("tasks", "重点工作", "task_alt"),
                page("map", "地图", "map"),
            ],
            "开会": [page("meeting", "会议模式", "co_present"), page("actions", "督办事项", "assignment_late")],
            **({"全市": [page("city", "全市总览", "location_city")]} if city else {}),
            "填报": [
                page("upload", "数据填报", "upload_file"),
                page("reporting", "填报情况", "fact_check"),
                page("review", "审核与锁定", "verified"),
                page("history", "上传记录", "history"),
                page("targets", "目标管理", "flag"),
                page("assignments", "责任分工", "assignment_ind"),
                page("extract", "报告提取", "document_scanner"),
                page("users", "用户管理", "manage_accounts"),
                page("towns", "镇街管理", "holiday_village"),
            ],
        },
        # Every page listed: a collapsed menu hides pages behind Streamlit's English "View 6 more".
        expanded=True,
    )


def main() -> None:
    served = render_town()
    st.set_page_config(page_title=f"{towns.name()}工作报告目标跟踪", page_icon=str(FAVICON), layout="wide")
    styles.inject()
    i18n.inject()
    try:  # builds data/tracker.duckdb from data/ on a fresh machine; a damaged or foreign file stops here, in Chinese
        store.check()
    except store.StoreError as exc:
        st.error(str(exc), icon=":material/database:")
        st.stop()
    nav = navigation(city=len(served) > 1 and city_users.can_view_city(current_user()))
    st.session_state["_filters"] = render_filters()
    render_login()
    nav.run()


main()
