"""AppTest of the 用户管理 page (issue 14.7), of the upload page's answer to an older file uploaded again (15.10) and
of the login box's single answer to every failed login (15.8)."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import ROOT, make_csv
from tracker import auth, ingest, store
from tracker.auth import User

ADMIN = User("admin1", "admin", None)


def page(name: str, user: User | None) -> AppTest:
    at = AppTest.from_file(str(ROOT / "pages" / f"{name}.py"), default_timeout=120)
    if user is not None:
        at.session_state["user"] = user
        at.session_state["auth_session"] = auth.start_session(user)
    return at.run()


@pytest.fixture
def accounts(demo_db):
    with store.connect() as con:
        auth.create_user(con, "admin1", "admin", "the-admin-password")
        auth.create_user(con, "water1", "staff", "water-secret-1", department="water")
    return demo_db


def users_table(at: AppTest):
    return next(df.value for df in at.dataframe if "用户名" in df.value.columns)


@pytest.mark.parametrize("user", [None, User("v", "viewer"), User("s", "staff", "water")], ids=["anonymous", "viewer", "staff"])
def test_only_administrators_see_the_users_page(accounts, user):
    at = page("users", user)
    assert not at.exception
    assert any("只有管理员可以管理用户" in i.value for i in at.info)
    assert not at.dataframe and not at.text_input


def test_an_administrator_adds_a_user_and_a_weak_password_is_refused(accounts):
    at = page("users", ADMIN)
    assert not at.exception
    table = users_table(at)
    assert table["用户名"].tolist() == ["admin1", "water1"]
    assert table.set_index("用户名").loc["water1", "部门"] == "水务局"
    at.text_input(key="users_new_name").input("Ｌｉ")
    at.selectbox(key="users_new_role").select("viewer")
    at.text_input(key="users_new_password").input("12345678")
    at.text_input(key="users_new_password2").input("12345678")
    at.button[0].click().run()
    assert any("密码至少" in e.value for e in at.error)
    at.text_input(key="users_new_password").input("li-reads-the-reports")
    at.text_input(key="users_new_password2").input("li-reads-the-reports")
    at.button[0].click().run()
    assert not at.exception
    assert any("已新建用户“li”" in s.value for s in at.success)
    assert "li" in users_table(at)["用户名"].tolist()
    with store.connect() as con:
        assert auth.get_user(con, "LI") == User("li", "viewer", None)
        assert con.execute("select user_name from audit where action = 'user.add' order by id desc limit 1").fetchone() == ("admin1",)


def test_an_administrator_changes_role_resets_password_and_disables_and_enables(accounts):
    at = page("users", ADMIN)
    at.selectbox(key="users_pick").select("water1").run()
    at.selectbox(key="users_edit_role").select("staff")
    at.selectbox(key="users_edit_department").select("env")
    next(b for b in at.button if b.label == "保存角色和部门").click().run()
    assert any("已修改用户“water1”的角色和部门" in s.value for s in at.success)
    at.text_input(key="users_edit_password").input("another-water-secret")
    at.text_input(key="users_edit_password2").input("another-water-secret")
    next(b for b in at.button if b.label == "设置新密码").click().run()
    assert any("已为用户“water1”设置新密码" in s.value for s in at.success)
    at.button(key="users_disable").click().run()
    assert any("已停用用户“water1”" in s.value for s in at.success)
    assert users_table(at).set_index("用户名").loc["water1", "状态"] == "停用"
    at.button(key="users_enable").click().run()
    assert not at.exception
    with store.connect() as con:
        assert auth.authenticate(con, "water1", "another-water-secret", "10.0.0.9") == User("water1", "staff", "env")


def test_the_last_administrator_cannot_be_disabled_on_the_page(accounts):
    at = page("users", ADMIN)
    at.selectbox(key="users_pick").select("admin1").run()
    at.button(key="users_disable").click().run()
    assert not at.exception
    assert any("唯一启用的管理员" in e.value for e in at.error)


def test_the_upload_page_says_an_older_file_restores_its_values(demo_db):
    older = make_csv([["cultural_events", 2024, 1, 30, None, None]])
    ingest.commit(older, "jan.csv", ADMIN)
    ingest.commit(make_csv([["cultural_events", 2024, 1, 35, None, "更正"]]), "fix.csv", ADMIN)
    at = page("upload", ADMIN)
    at.get("file_uploader")[0].set_value(("jan.csv", older, "text/csv"))
    at.run()
    assert not at.exception
    assert any("但其中有数值之后被修改过：提交将恢复为文件中的数值" in i.value for i in at.info)
    assert [b for b in at.button if b.key == "commit"]


LOGIN = """
import streamlit as st
from components.auth import render_login
render_login()
"""


def test_the_login_box_answers_every_failure_the_same(accounts):
    answers = []
    for name, password in (("water1", "not-the-password"), ("nobody", "not-the-password"), ("admin1", "wrong-admin-pass")):
        at = AppTest.from_string(LOGIN, default_timeout=120).run()
        at.text_input(key="login_name").input(name)
        at.text_input(key="login_password").input(password)
        at.sidebar.button[0].click().run()
        answers.append([e.value for e in at.sidebar.error])
    with store.connect() as con:
        auth.create_user(con, "look1", "viewer", "look-secret-1")
        auth.disable_user(con, "look1")
    at = AppTest.from_string(LOGIN, default_timeout=120).run()
    at.text_input(key="login_name").input("look1")
    at.text_input(key="login_password").input("look-secret-1")  # right password, disabled account
    at.sidebar.button[0].click().run()
    answers.append([e.value for e in at.sidebar.error])
    assert answers[0] == answers[1] == answers[2] == answers[3], answers
    assert answers[0][0].startswith(auth.GENERIC_FAILURE)
