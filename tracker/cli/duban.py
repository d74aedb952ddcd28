"""``duban`` (督办单 of one item), ``notice`` (催报通知 of one department) and ``ledger`` (督办台账): the documents the
督办事项 and item pages give, from the same functions."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path

from tracker import duban_doc, ledger, store
from tracker.cli.output import err


def _save(args: argparse.Namespace, data: bytes) -> int:
    out = Path(args.output)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(data)
    print(f"已生成 {out}（{len(data) / 1024:.0f} KB）")
    return 0


def _usage(args: argparse.Namespace, suffix: str) -> str | None:
    if not 1 <= args.month <= 12:
        return "月份必须在 1 到 12 之间。"
    if Path(args.output).suffix.lower() != suffix:
        return f"输出文件必须以 {suffix} 结尾。"
    return None


def _document(args: argparse.Namespace, build: Callable[[store.Connection], bytes]) -> int:
    """A .docx of the month built by ``build``, or the refusal in Chinese."""
    if problem := _usage(args, ".docx"):
        return err(problem, 2)
    with store.connect() as con:
        data = build(con)
    return _save(args, data)


def cmd_duban(args: argparse.Namespace) -> int:
    return _document(args, lambda con: duban_doc.duban_for_item(con, args.item, args.year, args.month))


def cmd_notice(args: argparse.Namespace) -> int:
    return _document(args, lambda con: duban_doc.notice_for_department(con, args.department, args.year, args.month))


def cmd_ledger(args: argparse.Namespace) -> int:
    if problem := _usage(args, ".xlsx"):
        return err(problem, 2)
    with store.connect() as con:
        data = ledger.ledger_for_month(con, args.year, args.month)
    return _save(args, data)


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("duban", help="生成一个事项的督办单（Word）")
    p.add_argument("--item", required=True, help="事项编码")
    p.add_argument("--year", type=int, required=True)
    p.add_argument("--month", type=int, required=True)
    p.add_argument("-o", "--output", required=True, help="输出文件，如 督办单.docx")
    p.set_defaults(func=cmd_duban)
    p = sub.add_parser("notice", help="生成一个部门某月的催报通知（Word）")
    p.add_argument("--department", required=True, help="部门编码")
    p.add_argument("--year", type=int, required=True)
    p.add_argument("--month", type=int, required=True)
    p.add_argument("-o", "--output", required=True, help="输出文件，如 催报通知.docx")
    p.set_defaults(func=cmd_notice)
    p = sub.add_parser("ledger", help="生成某月的督办台账（Excel）")
    p.add_argument("--year", type=int, required=True)
    p.add_argument("--month", type=int, required=True)
    p.add_argument("-o", "--output", required=True, help="输出文件，如 督办台账.xlsx")
    p.set_defaults(func=cmd_ledger)
