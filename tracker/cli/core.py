"""``init``, ``status`` and ``demo-data``."""

from __future__ import annotations

import argparse
import sys
import time

from tracker import actions, config, db, demo, status, store, wording
from tracker.cli.output import print_json


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


def _num(value: float | None) -> str:
    if value is None:
        return "—"
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"


def cmd_init(args: argparse.Namespace) -> int:
    started = time.perf_counter()
    db.build(config.db_path(), force=args.force, demo=not args.no_demo)
    print(f"数据库已就绪：{store.location()}（{time.perf_counter() - started:.2f} 秒）")
    return 0


def cmd_status(args: argparse.Namespace) -> int:
    if not 1 <= args.month <= 12:
        print("月份必须在 1 到 12 之间。", file=sys.stderr)
        return 2
    with store.connect() as con:
        report = status.build_status(con, args.year, args.month, args.area)
        open_actions = actions.open_counts(actions.list_actions(con, year=args.year, open_only=True))
    if args.json:
        print_json(actions.with_open_actions(report.to_json(), open_actions))
        return 0
    heading = f"{args.year}年{args.month}月  序时进度 {_pct(report.time_progress)}" + ("（年终评定）" if report.final else "")
    print(heading + ("  【演示数据】" if report.demo else ""))
    print()
    print(f"{'状态':<4} {'指标':<24} {'目标':>12} {'完成值':>12}  {'进度':<28} 责任部门")
    for item in report.indicators:
        print(
            f"{item.status:<4} {item.name[:22]:<24} {wording.target_text(item):>12} {wording.value_text(item, args.month):>12}  "
            f"{wording.progress_text(item):<28} {item.department_name}"
        )
    if report.tracked:
        print()
        print("跟踪事项（多年目标或报告未设量化目标，不计入年度统计）")
        for item in report.tracked:
            print(
                f"{item.status:<4} {item.name[:22]:<24} {wording.target_text(item):>12} {wording.value_text(item, args.month):>12}  "
                f"上年同期 {_num(item.last_year)}  {item.department_name}"
            )
    print()
    print(f"{'状态':<4} {'重点项目':<28} {'计划节点':<6} {'实际节点':<6} {'完成':>6}  责任部门")
    for project in report.projects:
        pct = "—" if project.percent is None else f"{project.percent:.0f}%"
        print(
            f"{project.status or '—':<4} {project.name[:26]:<28} {project.planned_stage:<6} {project.stage or '—':<6} "
            f"{pct:>6}  {project.department_name}"
        )
    return 0


def cmd_demo_data(args: argparse.Namespace) -> int:
    for path in demo.write():
        print(f"已生成 {path}")
    return 0


def register(sub: argparse._SubParsersAction) -> None:

    p = sub.add_parser("init", help="从 data/ 建立数据库（已存在则保留，--force 重建）")
    p.add_argument("--force", action="store_true", help="删除并重建数据库")
    p.add_argument("--no-demo", action="store_true", help="不载入演示数据（只有目标，没有实际值）")
    p.set_defaults(func=cmd_init)

    p = sub.add_parser("status", help="某年某月各指标和项目的进度与状态")
    p.add_argument("--year", type=int, required=True)
    p.add_argument("--month", type=int, required=True)
    p.add_argument("--area", help="只看一个领域：economy rural water ecology culture livelihood")
    p.add_argument("--json", action="store_true", help="输出 JSON")
    p.set_defaults(func=cmd_status)

    p = sub.add_parser("demo-data", help="重新生成 data/demo/ 下的演示数据（确定性）")
    p.set_defaults(func=cmd_demo_data)
