"""``actions add / list / progress / close``: 督办事项, the same functions and words as the 督办事项 page."""

from __future__ import annotations

import argparse
from datetime import date

from tracker import actions, store
from tracker.cli.output import err, known_user, print_json


def cmd_add(args: argparse.Namespace) -> int:
    user = known_user(args.user)
    action_id = actions.create_action(
        args.item, args.year, args.month, args.text, args.due, user, department=args.department, leader=args.leader
    )
    print(action_id)
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    try:
        today = date.fromisoformat(args.today) if args.today else None
    except ValueError:
        return err("--today 格式应为 YYYY-MM-DD。", 2)
    with store.connect() as con:
        rows = actions.list_actions(con, year=args.year, open_only=args.open, today=today)
    if args.json:
        print_json([a.to_json() for a in rows])
        return 0
    if not rows:
        print("没有督办事项。")
    for a in rows:
        flag = f"【{actions.OVERDUE}】" if a.overdue else ""
        print(f"{a.id:>4} {a.status}{flag} {a.item_name[:20]:<20} {a.text[:30]:<30} 责任单位 {a.department_name} "
              f"责任领导 {a.leader or '—'} 时限 {a.due.isoformat()}")  # fmt: skip
    return 0


def cmd_progress(args: argparse.Namespace) -> int:
    user = known_user(args.user)
    actions.add_progress(args.id, args.text, user)
    print(f"已报送督办事项 {args.id} 的进展。")
    return 0


def cmd_close(args: argparse.Namespace) -> int:
    user = known_user(args.user)
    actions.close_action(args.id, args.evidence, user)
    print(f"督办事项 {args.id} 已销号。")
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("actions", help="督办事项：发起（督查室）、进展（责任单位）、销号（督查室）、列表")
    ps = p.add_subparsers(dest="actions_command", required=True)
    q = ps.add_parser("add", help="对一个事项发起督办（督查室或管理员），输出督办事项编号")
    q.add_argument("--item", required=True, help="事项编码（指标、项目或重点工作）")
    q.add_argument("--year", type=int, required=True)
    q.add_argument("--month", type=int, required=True, help="督办事项产生的月份")
    q.add_argument("--due", required=True, help="办结时限，如 2023-07-31")
    q.add_argument("--text", required=True, help="督办要求：要做什么")
    q.add_argument("--department", help="责任单位的部门编码（默认：事项的牵头单位）")
    q.add_argument("--leader", help="责任领导（默认：事项的责任领导；未设置则留空）")
    q.add_argument("--user", required=True)
    q.set_defaults(func=cmd_add)
    q = ps.add_parser("list", help="督办事项列表（办理中在前，逾期标出）")
    q.add_argument("--open", action="store_true", help="只列办理中的")
    q.add_argument("--year", type=int)
    q.add_argument("--today", help="判断逾期所用的日期（默认今天），如 2023-08-01")
    q.add_argument("--json", action="store_true")
    q.set_defaults(func=cmd_list)
    q = ps.add_parser("progress", help="报送督办事项进展（责任单位的填报员）")
    q.add_argument("id", type=int)
    q.add_argument("--text", required=True)
    q.add_argument("--user", required=True)
    q.set_defaults(func=cmd_progress)
    q = ps.add_parser("close", help="销号（督查室或管理员），须写明销号依据")
    q.add_argument("id", type=int)
    q.add_argument("--evidence", required=True)
    q.add_argument("--user", required=True)
    q.set_defaults(func=cmd_close)
