"""``users``: add, list and disable accounts. The first admin is created here; passwords come from stdin."""

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


def cmd_users_add(args) -> int:
    try:
        password = _read_password()
        with store.connect() as con:
            user = auth.create_user(con, args.name, args.role, password, args.department)
    except auth.UserError as exc:
        return err(str(exc))
    dept = f"，{user.department}" if user.department else ""
    print(f"已创建用户“{user.name}”（{auth.ROLE_NAMES[user.role]}{dept}）。")
    return 0


def cmd_users_list(args) -> int:
    with store.connect() as con:
        users = auth.list_users(con)
    if args.json:
        print_json(users)
        return 0
    for u in users:
        state = "停用" if u["disabled"] else "正常"
        print(f"{u['name']:<16} {auth.ROLE_NAMES[u['role']]:<4} {u['department'] or '—':<8} {state}")
    return 0


def cmd_users_disable(args) -> int:
    try:
        with store.connect() as con:
            auth.disable_user(con, args.name)
    except auth.UserError as exc:
        return err(str(exc))
    print(f"已停用用户“{args.name}”。")
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("users", help="用户管理：add / list / disable")
    us = p.add_subparsers(dest="users_command", required=True)
    q = us.add_parser("add", help="新建用户（密码从标准输入读取）")
    q.add_argument("name")
    q.add_argument("--role", required=True, choices=auth.ROLES)
    q.add_argument("--department", help="部门编码（填报员必填）")
    q.set_defaults(func=cmd_users_add)
    q = us.add_parser("list", help="列出用户")
    q.add_argument("--json", action="store_true")
    q.set_defaults(func=cmd_users_list)
    q = us.add_parser("disable", help="停用用户")
    q.add_argument("name")
    q.set_defaults(func=cmd_users_disable)
