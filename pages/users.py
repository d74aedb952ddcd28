"""用户管理: administrators add accounts, disable or enable them, set a new password, change role and department,
and lift the wait after failed logins. The same functions as ``python -m tracker users``. A city administrator
manages the city's accounts here (kept in the city's own store, ``tracker.city_users``), not a town's."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from components.auth import current_user
from components.data import load_periods
from tracker import auth, city_users, config, store
from tracker.auth import ROLE_NAMES, User
from tracker.export import safe_frame

_FLASH = "users_flash"
NO_DEPARTMENT = ""


def _users() -> list[dict]:
    with store.connect() as con:
        return auth.list_users(con)


def _role_name(role: str, city: bool | None = None) -> str:
    """A role as the people it is about call it: in the city's store, the city role it stands for."""
    return ROLE_NAMES["city-" + role] if (config.is_city() if city is None else city) else ROLE_NAMES[role]


def _table(users: list[dict], departments: dict[str, str]) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "用户名": u["name"],
                "状态": "停用" if u["disabled"] else ("暂停登录" if u["locked"] else "正常"),
                "角色": _role_name(u["role"]),
                "部门": departments.get(u["department"], u["department"]) if u["department"] else "—",
                "已登录的浏览器": u["sessions"],
                "创建时间": u["created_at"],
            }
            for u in users
        ],
        columns=["用户名", "状态", "角色", "部门", "已登录的浏览器", "创建时间"],  # status first: visible on a phone
    )


def _done(message: str) -> None:
    st.session_state[_FLASH] = message
    st.rerun()


def _attempt(action, message: str) -> None:
    """Run one account change; a refusal is shown in place, a success after the rerun that shows its effect."""
    try:
        with store.connect() as con:
            action(con)
    except (auth.UserError, store.StoreError) as exc:
        st.error(str(exc), icon=":material/error:")
        return
    _done(message)


def _role_fields(prefix: str, departments: dict[str, str], role: str = "staff", department: str | None = None) -> tuple[str, str | None]:
    city = config.is_city()
    roles = [r for r in auth.ROLES if not (city and r == "staff")]
    role = role if role in roles else roles[0]
    chosen = st.selectbox("角色", roles, index=roles.index(role), format_func=lambda r: _role_name(r, city), key=f"{prefix}_role")
    if city:
        return chosen, None  # city accounts belong to no department
    codes = [NO_DEPARTMENT, *departments]
    dept = st.selectbox(
        "部门",
        codes,
        index=codes.index(department) if department in codes else 0,
        format_func=lambda c: departments.get(c, "（不属于部门）"),
        key=f"{prefix}_department",
        help="填报员必须选择部门，只能填报本部门的数据；查看、督查室和管理员可以不选。",
    )
    return chosen, dept or None


def _passwords(prefix: str) -> tuple[str, str]:
    first = st.text_input("密码", type="password", key=f"{prefix}_password", autocomplete="new-password")
    second = st.text_input("再输入一次密码", type="password", key=f"{prefix}_password2", autocomplete="new-password")
    st.caption(f"至少 {auth.MIN_PASSWORD} 个字符，不能是常见密码，不能包含用户名。")
    return first, second


def _add_section(admin: User, departments: dict[str, str]) -> None:
    with st.form("users_add", clear_on_submit=False):
        name = st.text_input("用户名", key="users_new_name", help="中文、字母、数字、下划线、点和减号；大小写和全角半角视为同一个名字。")
        role, dept = _role_fields("users_new", departments)
        first, second = _passwords("users_new")
        submitted = st.form_submit_button("新建用户", type="primary")
    if submitted:
        if first != second:
            st.error("两次输入的密码不一致。")
            return
        _attempt(lambda con: auth.create_user(con, name, role, first, dept, actor=admin.name), f"已新建用户“{auth.normalize_name(name)}”。")


def _change_section(admin: User, users: list[dict], departments: dict[str, str]) -> None:
    if not users:
        st.caption("还没有用户。")
        return
    by_name = {u["name"]: u for u in users}
    name = st.selectbox("选择用户", list(by_name), key="users_pick")
    chosen = by_name[name]
    with st.form("users_role_form"):
        role, dept = _role_fields("users_edit", departments, chosen["role"], chosen["department"])
        if st.form_submit_button("保存角色和部门"):
            _attempt(lambda con: auth.set_role(con, name, role, dept, actor=admin.name), f"已修改用户“{name}”的角色和部门。")
    with st.form("users_password_form", clear_on_submit=True):
        first, second = _passwords("users_edit")
        if st.form_submit_button("设置新密码"):
            if first != second:
                st.error("两次输入的密码不一致。")
            else:
                _attempt(
                    lambda con: auth.reset_password(con, name, first, actor=admin.name),
                    f"已为用户“{name}”设置新密码，其已登录的浏览器需重新登录。",
                )
    left, right = st.columns(2)
    if chosen["disabled"]:
        if left.button("启用账号", key="users_enable", icon=":material/person_check:"):
            _attempt(lambda con: auth.enable_user(con, name, actor=admin.name), f"已启用用户“{name}”。")
    elif left.button("停用账号", key="users_disable", icon=":material/person_off:"):
        _attempt(lambda con: auth.disable_user(con, name, actor=admin.name), f"已停用用户“{name}”，其已登录的浏览器已退出。")
    if chosen["locked"] and right.button("解除登录等待", key="users_unlock", icon=":material/lock_open:"):
        _attempt(lambda con: auth.unlock_user(con, name, actor=admin.name), f"已解除用户“{name}”的登录等待。")


def main() -> None:
    st.title("用户管理")
    st.caption("新建账号、停用或启用、重设密码、修改角色和部门。每次改动都记入审计日志；停用或重设密码后，该账号已登录的浏览器立即退出。")
    admin = current_user()
    if admin is not None and admin.role == "city-admin":
        st.caption(
            f"您是{config.city_name()}的市级管理员：这里管理的是市级账号（各镇街可查看；市督查室可审核、锁定、督办），不是镇街账号。"
        )
        with city_users.serving():
            _manage(admin, {})
        return
    if admin is None or not admin.is_admin:
        st.info("只有管理员可以管理用户，请用管理员账号登录（左侧“登录”）。", icon=":material/lock:")
        return
    _manage(admin, load_periods()["departments"])


def _manage(admin: User, departments: dict[str, str]) -> None:
    flash = st.session_state.pop(_FLASH, None)
    if flash:
        st.success(flash, icon=":material/check_circle:")
    users = _users()
    st.dataframe(safe_frame(_table(users, departments)), hide_index=True, width="stretch", key="users_table")
    add, change = st.tabs(["新建用户", "修改用户"])
    with add:
        _add_section(admin, departments)
    with change:
        _change_section(admin, users, departments)


main()
