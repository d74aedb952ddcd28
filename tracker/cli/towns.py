"""``towns`` (the towns this installation serves) and ``towns add`` (a town from its files, with a store of its own)."""

from __future__ import annotations

import argparse
from pathlib import Path

from tracker import towns
from tracker.cli.output import Refused, print_json


def cmd_list(args: argparse.Namespace) -> int:
    rows = [towns.summary(t) for t in towns.installed()]
    if args.json:
        print_json(rows)
        return 0
    for t in rows:
        notes = ("（本镇）" if t["home"] else "") + ("" if t["geometry"] else "（无地图数据）")
        counts = f"事项 {t['items']}  账号 {t['users']}" if t["error"] is None else str(t["error"])
        print(f"{t['code']}  {t['name']}{notes}  {counts}")
    return 0


def cmd_add(args: argparse.Namespace) -> int:
    if args.name and args.name != towns.official().get(args.code, args.name):
        raise Refused(f"镇街代码 {args.code} 在官方名录中是“{towns.official()[args.code]}”，不是“{args.name}”。")
    for folder in (args.data, args.queries):
        if folder and not Path(folder).is_dir():
            raise Refused(f"找不到文件夹：{folder}")
    town = towns.add(
        args.code,
        Path(args.data),
        Path(args.queries) if args.queries else None,
        demo=args.demo,
        year=args.year,
        database_url=args.database_url,
    )
    print(f"已添加 {town.name}（{town.code}）：数据库 {town.database or town.store}。用 --town {town.code} 操作该镇街。")
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("towns", help="本平台的镇街；towns add 按文件添加一个镇街（各镇街数据库相互独立）")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_list)
    ps = p.add_subparsers(dest="towns_command")
    q = ps.add_parser("list", help="列出本平台的镇街（代码、名称、事项数、账号数）")
    q.add_argument("--json", action="store_true")
    q.set_defaults(func=cmd_list)
    q = ps.add_parser("add", help="按 data/ 同格式的文件添加一个镇街（运维命令）")
    q.add_argument("code", help="中山市官方镇街代码，如 442000103")
    q.add_argument("--name", help="镇街名称（须与官方名录一致，用于核对代码）")
    q.add_argument(
        "--data",
        "--from",
        dest="data",
        required=True,
        help="该镇街的 areas.csv、departments.csv、metrics.csv、targets.csv 等所在文件夹，或 extract --out-dir 写出的草稿文件夹",
    )
    q.add_argument("--queries", help="该镇街自有的指标 SQL 文件夹（<领域>/<编码>.sql），可省略")
    q.add_argument(
        "--database-url",
        metavar="URL",
        help="该镇街自己的 PostgreSQL 数据库（postgresql://…，须为新建的空库，不能是本镇或其他镇街的库）；省略则用 DuckDB 文件",
    )
    q.add_argument("--demo", action="store_true", help="同时载入文件夹 demo/ 下的演示数据")
    q.add_argument("--year", type=int, help="--data 为“报告提取”草稿文件夹时，事项所属年度（草稿未写年度时）")
    q.set_defaults(func=cmd_add)
