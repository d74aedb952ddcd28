"""``users``: add, list, disable, enable, reset-password, set-role, unlock. The first admin is created here;
passwords come from the terminal (twice, without echo) or the first line of standard input, never from arguments."""

from __future__ import annotations

import argparse
import getpass
import sys

from tracker import auth, store
from tracker.cli.output import err, print_json


def _read_password() -> str:
    """From the terminal without echo, or the first line of standard input when piped."""
    if sys.stdin.isatty():
        first = getpass.getpass("密码：")
        if getpass.getpass("再输入一次：") != first:
            raise auth.UserError("两次输入的密码不一致。")
        return first
    return sys.stdin.readline().rstrip("\r\n")


def _describe(user: auth.User) -> str:
    dept = f"，{user.department}" if user.department else ""
    return f"“{user.name}”（{auth.ROLE_NAMES[user.role]}{dept}）"


def cmd_users_add(args: argparse.Namespace) -> int:
    try:
        password = _read_password()
        with store.connect() as con:
            user = auth.create_user(con, args.name, args.role, password, args.department)
    except auth.UserError as exc:
        return err(str(exc))
    print(f"已创建用户{_describe(user)}。")
    return 0


def cmd_users_list(args: argparse.Namespace) -> int:
    with store.connect() as con:
        users = auth.list_users(con)
    if args.json:
        print_json(users)
        return 0
    for u in users:
        state = "停用" if u["disabled"] else ("暂停登录" if u["locked"] else "正常")
        print(f"{u['name']:<16} {auth.ROLE_NAMES[u['role']]:<4} {u['department'] or '—':<8} {state:<4} 在线 {u['sessions']}")
    return 0


def _simple(action, done: str):
    def run(args: argparse.Namespace) -> int:
        try:
            with store.connect() as con:
                action(con, args.name)
        except auth.UserError as exc:
            return err(str(exc))
        print(done.format(name=auth.normalize_name(args.name)))
        return 0

    return run


def cmd_users_reset_password(args: argparse.Namespace) -> int:
    try:
        password = _read_password()
        with store.connect() as con:
            auth.reset_password(con, args.name, password)
    except auth.UserError as exc:
        return err(str(exc))
    print(f"已为用户“{auth.normalize_name(args.name)}”设置新密码，该用户已登录的浏览器需重新登录。")
    return 0


def cmd_users_set_role(args: argparse.Namespace) -> int:
    try:
        with store.connect() as con:
            user = auth.set_role(con, args.name, args.role, args.department)
    except auth.UserError as exc:
        return err(str(exc))
    print(f"已将用户改为{_describe(user)}，下次刷新页面时生效。")
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("users", help="用户管理：add / list / disable / enable / reset-password / set-role / unlock")
    us = p.add_subparsers(dest="users_command", required=True)
    q = us.add_parser("add", help="新建用户（密码从标准输入读取）")
    q.add_argument("name")
    q.add_argument("--role", required=True, choices=auth.ROLES)
    q.add_argument("--department", help="部门编码（填报员必填）")
    q.set_defaults(func=cmd_users_add)
    q = us.add_parser("list", help="列出用户")
    q.add_argument("--json", action="store_true")
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
    q.add_argument("--role", required=True, choices=auth.ROLES)
    q.add_argument("--department", help="部门编码（填报员必填）")
    q.set_defaults(func=cmd_users_set_role)
    q = us.add_parser("unlock", help="解除该用户因多次输错密码而暂停的登录")
    q.add_argument("name")
    q.set_defaults(func=_simple(auth.unlock_user, "已解除用户“{name}”的登录等待。"))
