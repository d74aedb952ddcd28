"""``items`` (every indicator, project and task of a year, with who answers for it) and ``items set`` (admins set
责任领导 and 配合单位: a batch of its own, revertible, audited)."""

from __future__ import annotations

import argparse
import dataclasses

from tracker import items, store
from tracker.cli import sentences as sentences_cli
from tracker.cli.output import known_user, print_json
from tracker.wording import NO_LEADER

JSON_FIELDS = ("code", "kind", "name", "area", "lead_department", "support_departments", "leader", "deadline", "source", "qualifier")


def cmd_items(args: argparse.Namespace) -> int:
    with store.connect() as con:
        rows = items.list_items(con, args.year)
    if args.json:
        print_json([{k: v for k, v in dataclasses.asdict(r).items() if k in JSON_FIELDS} for r in rows])
        return 0
    for r in rows:
        support = "、".join(r.support_departments) or "—"
        print(f"{items.ITEM_KIND_NAMES[r.kind]:<4} {r.code:<28} {r.name[:26]:<28} 牵头 {r.lead_department:<8} 配合 {support:<12} "
              f"责任领导 {r.leader or NO_LEADER}")  # fmt: skip
    return 0


def cmd_set(args: argparse.Namespace) -> int:
    user = known_user(args.user)
    support = None if args.support is None else [s for s in args.support.replace("；", ",").replace(";", ",").split(",")]
    batch = items.set_assignment(args.code, args.year, user, leader=args.leader, support=support, note=args.note)
    print(f"已更新 {args.code} 的责任分工（批次 {batch}，可撤销）。")
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("items", help="全部事项（指标、项目、重点工作）及牵头单位、配合单位、责任领导；items set 修改分工")
    p.add_argument("--year", type=int, default=2023)
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_items)
    ps = p.add_subparsers(dest="items_command")
    q = ps.add_parser("set", help="设置一个事项的责任领导和配合单位（管理员）")
    q.add_argument("code")
    q.add_argument("--year", type=int, default=2023)
    q.add_argument("--leader", help="责任领导（姓名或职务；传空字符串清除）")
    q.add_argument("--support", help="配合单位的部门编码，逗号分隔，如 water,env（传空字符串清除）")
    q.add_argument("--note", help="调整原因")
    q.add_argument("--user", required=True)
    q.set_defaults(func=cmd_set)
    sentences_cli.register(ps)
