"""``users``: add, list, disable, enable, reset-password, set-role, unlock. The first admin is created here;
passwords come from the terminal (twice, without echo) or the first line of standard input, never from arguments.

City accounts (``--role city-viewer|city-supervisor|city-admin``, ``--city``, or a name written "中山市·张三") are
kept in the city's own store (``tracker.city_users``); every other account in the store of the town served
(``--town``)."""

from __future__ import annotations

import argparse
import getpass
import sys
from contextlib import AbstractContextManager, nullcontext

from tracker import auth, city_users, store
from tracker.cli.output import print_json


def _city(args: argparse.Namespace) -> bool:
    role = getattr(args, "role", None)
    return bool(getattr(args, "city", False) or (role and role in auth.CITY_ROLES) or city_users.raw_name(getattr(args, "name", "") or ""))


def _scope(args: argparse.Namespace, creating: bool = False) -> tuple[AbstractContextManager, str]:
    """Where the account lives (the city's store or the town's) and its name there. The city's store is made with
    its first account, never by another command."""
    if not _city(args):
        return nullcontext(), getattr(args, "name", "")
    if not creating and not city_users.exists():
        raise auth.UserError("本平台还没有市级账号：先用 users add 名称 --role city-admin（或 city-supervisor、city-viewer）新建。")
    name = getattr(args, "name", "") or ""
    return city_users.serving(), city_users.raw_name(name) or name


def _role(args: argparse.Namespace) -> str:
    """The role as stored: a city role is kept in the city's store as the town role it stands for."""
    if _city(args):
        if args.role not in auth.CITY_ROLES:
            raise auth.UserError(f"市级账号的角色只能是 {' / '.join(auth.CITY_ROLES)}。")
        if args.department:
            raise auth.UserError("市级账号不属于任何部门，请去掉 --department。")
        return city_users.town_role(args.role)
    return args.role


def _read_password() -> str:
    """From the terminal without echo, or the first line of standard input when piped."""
    if sys.stdin.isatty():
        first = getpass.getpass("密码：")
        if getpass.getpass("再输入一次：") != first:
            raise auth.UserError("两次输入的密码不一致。")
        return first
    return sys.stdin.readline().rstrip("\r\n")


def _describe(user: auth.User, city: bool = False) -> str:
    if city:
        user = city_users.served_as(user)
    dept = f"，{user.department}" if user.department else ""
    return f"“{user.name}”（{auth.ROLE_NAMES[user.role]}{dept}）"


def cmd_users_add(args: argparse.Namespace) -> int:
    role = _role(args)
    password = _read_password()
    scope, name = _scope(args, creating=True)
    with scope, store.connect() as con:
        user = auth.create_user(con, name, role, password, args.department)
    print(f"已创建用户{_describe(user, _city(args))}。")
    return 0


def cmd_users_list(args: argparse.Namespace) -> int:
    if _city(args) and not city_users.exists():
        users = []  # a listing makes no store: the city's is made with its first account
    else:
        scope, _ = _scope(args)
        with scope, store.connect() as con:
            users = auth.list_users(con)
    if _city(args):
        users = [u | {"name": city_users.qualified(u["name"]), "role": "city-" + u["role"]} for u in users]
    if args.json:
        print_json(users)
        return 0
    for u in users:
        state = "停用" if u["disabled"] else ("暂停登录" if u["locked"] else "正常")
        print(f"{u['name']:<16} {auth.ROLE_NAMES[u['role']]:<4} {u['department'] or '—':<8} {state:<4} 在线 {u['sessions']}")
    return 0


def _simple(action, done: str):
    def run(args: argparse.Namespace) -> int:
        scope, name = _scope(args)
        with scope, store.connect() as con:
            action(con, name)
        print(done.format(name=auth.normalize_name(args.name)))
        return 0

    return run


def cmd_users_reset_password(args: argparse.Namespace) -> int:
    password = _read_password()
    scope, name = _scope(args)
    with scope, store.connect() as con:
        auth.reset_password(con, name, password)
    print(f"已为用户“{auth.normalize_name(args.name)}”设置新密码，该用户已登录的浏览器需重新登录。")
    return 0


def cmd_users_set_role(args: argparse.Namespace) -> int:
    role = _role(args)
    scope, name = _scope(args)
    with scope, store.connect() as con:
        user = auth.set_role(con, name, role, args.department)
    print(f"已将用户改为{_describe(user, _city(args))}，下次刷新页面时生效。")
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("users", help="用户管理：add / list / disable / enable / reset-password / set-role / unlock")
    us = p.add_subparsers(dest="users_command", required=True)
    q = us.add_parser("add", help="新建用户（密码从标准输入读取）")
    q.add_argument("name")
    q.add_argument("--role", required=True, choices=auth.ROLES + auth.CITY_ROLES, help="city-* 为市级账号（各镇街可查看，市督查室可审核）")
    q.add_argument("--department", help="部门编码（填报员必填）")
    q.set_defaults(func=cmd_users_add)
    q = us.add_parser("list", help="列出用户")
    q.add_argument("--json", action="store_true")
    q.add_argument("--city", action="store_true", help="列出市级账号")
    q.set_defaults(func=cmd_users_list)
    q = us.add_parser("disable", help="停用用户（其已登录的浏览器立即退出）")
    q.add_argument("name")
    q.set_defaults(func=_simple(auth.disable_user, "已停用用户“{name}”，其已登录的浏览器在下次刷新时退出。"))
    q = us.add_parser("enable", help="重新启用用户")
    q.add_argument("name")
    q.set_defaults(func=_simple(auth.enable_user, "已启用用户“{name}”。"))
    q = us.add_parser("reset-password", help="重设密码（新密码从标准输入读取）")
    q.add_argument("name")
    q.set_defaults(func=cmd_users_reset_password)
    q = us.add_parser("set-role", help="修改角色和部门")
    q.add_argument("name")
    q.add_argument("--role", required=True, choices=auth.ROLES + auth.CITY_ROLES)
    q.add_argument("--department", help="部门编码（填报员必填）")
    q.set_defaults(func=cmd_users_set_role)
    q = us.add_parser("unlock", help="解除该用户因多次输错密码而暂停的登录")
    q.add_argument("name")
    q.set_defaults(func=_simple(auth.unlock_user, "已解除用户“{name}”的登录等待。"))
