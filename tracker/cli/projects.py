"""``projects plans`` and ``projects plan``: the town's own planned months for the named works (admins change them)."""

from __future__ import annotations

import argparse

from tracker import plans, store
from tracker.cli.output import known_user, print_json


def cmd_plans(args: argparse.Namespace) -> int:
    with store.connect() as con:
        rows = plans.current_plans(con, args.year)
    if args.json:
        print_json(rows)
        return 0
    for p in rows:
        start = f"{p.start_month}月" if p.start_month else "—"
        finish = f"{p.finish_month}月" if p.finish_month else "—"
        print(f"{p.project:<16} {p.name[:26]:<28} 计划开工 {start:<4} 计划完工 {finish:<4}（镇计划，非报告原文）")
    return 0


def cmd_plan(args: argparse.Namespace) -> int:
    user = known_user(args.user)
    batch = plans.set_plan(args.code, args.year, args.start, args.finish, user, args.note)
    print(f"已更新 {args.code} 的镇计划（批次 {batch}，可撤销）。")
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("projects", help="重点项目的镇计划（计划开工、完工月份）：plans / plan")
    ps = p.add_subparsers(dest="projects_command", required=True)
    q = ps.add_parser("plans", help="列出某年各项目的计划月份")
    q.add_argument("--year", type=int, required=True)
    q.add_argument("--json", action="store_true")
    q.set_defaults(func=cmd_plans)
    q = ps.add_parser("plan", help="修改一个项目的计划月份（管理员）")
    q.add_argument("code")
    q.add_argument("--year", type=int, required=True)
    q.add_argument("--start", type=int, help="计划开工月份（1-12，留空表示年初已在建）")
    q.add_argument("--finish", type=int, help="计划完工月份（1-12）")
    q.add_argument("--note", help="调整原因")
    q.add_argument("--user", required=True)
    q.set_defaults(func=cmd_plan)
