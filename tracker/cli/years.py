"""``year start`` (an admin starts a year from last year's items) and ``year list`` (years with their counts)."""

from __future__ import annotations

import argparse

from tracker import auth, store, years
from tracker.cli.output import err, known_user, print_json


def cmd_list(args: argparse.Namespace) -> int:
    with store.connect() as con:
        rows = years.list_years(con)
    if args.json:
        print_json(rows)
        return 0
    for y in rows:
        pending = f"，目标待录入 {y.targets_pending} 项" if y.targets_pending else ""
        print(f"{y.year}年：指标目标 {y.indicators} 项、重点项目 {y.projects} 个、重点工作 {y.tasks} 项{pending}")
    return 0


def cmd_start(args: argparse.Namespace) -> int:
    user = known_user(args.user)
    try:
        started = years.start_year(args.year, user, source=args.source)
    except (auth.PermissionDenied, years.YearError) as exc:
        return err(str(exc))
    c = started.counts
    print(
        f"已由{started.source}年开始{started.year}年（批次 {started.batch_id}，可撤销）：重点项目 {c.projects} 个、重点工作 {c.tasks} 项、"
        f"责任分工 {c.assignments} 项；指标目标 {c.indicators} 项，其中 {c.targets_pending} 项待按{started.year}年报告录入目标值。"
    )
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("year", help="年度：list（各年度事项数）/ start（由上一年度的事项开始新年度，管理员）")
    ps = p.add_subparsers(dest="year_command", required=True)
    q = ps.add_parser("list", help="列出各年度的指标、项目、任务数和待录入目标数")
    q.add_argument("--json", action="store_true")
    q.set_defaults(func=cmd_list)
    q = ps.add_parser("start", help="由上一年度的事项开始新年度：复制项目、任务和分工，指标目标留空待录入（管理员）")
    q.add_argument("year", type=int)
    q.add_argument("--from", dest="source", type=int, help="来源年度（默认为上一年）")
    q.add_argument("--user", required=True)
    q.set_defaults(func=cmd_start)
