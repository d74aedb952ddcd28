"""``python -m tracker deck`` / ``report``: the meeting deck (.pptx) and the 通报 (.docx) the meeting page gives."""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path

from tracker import deck, report_doc, store


def _usage_error(args: argparse.Namespace, suffix: str) -> str | None:
    if not 1 <= args.month <= 12:
        return "月份必须在 1 到 12 之间。"
    if Path(args.output).suffix.lower() != suffix:
        return f"输出文件必须以 {suffix} 结尾。"
    return None


def _write_document(args: argparse.Namespace, suffix: str, timed_build) -> int:
    """Build a document for the month with ``timed_build(con, year, month) -> (bytes, seconds)`` and save it."""
    if error := _usage_error(args, suffix):
        print(error, file=sys.stderr)
        return 2
    out = Path(args.output)
    with store.connect() as con:
        data, seconds = timed_build(con, args.year, args.month)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(data)
    print(f"已生成 {out}（{len(data) / 1024:.0f} KB，用时 {seconds:.2f} 秒）")
    return 0


def cmd_deck(args: argparse.Namespace) -> int:
    return _write_document(args, ".pptx", deck.timed_deck_for_month)


def cmd_report(args: argparse.Namespace) -> int:
    try:
        issued = date.fromisoformat(args.date) if args.date else None
    except ValueError:
        print("成文日期格式应为 YYYY-MM-DD，如 2023-07-05。", file=sys.stderr)
        return 2
    return _write_document(args, ".docx", lambda con, year, month: report_doc.timed_report_for_month(con, year, month, issued))


def register(subparsers) -> None:
    p = subparsers.add_parser("deck", help="生成某年某月的月度工作例会 PPT（可编辑图表）")
    p.add_argument("--year", type=int, required=True)
    p.add_argument("--month", type=int, required=True)
    p.add_argument("-o", "--output", required=True, help="输出文件，如 2023-06.pptx")
    p.set_defaults(func=cmd_deck)

    p = subparsers.add_parser("report", help="生成某年某月的目标任务推进情况通报（Word）")
    p.add_argument("--year", type=int, required=True)
    p.add_argument("--month", type=int, required=True)
    p.add_argument("-o", "--output", required=True, help="输出文件，如 2023-06.docx")
    p.add_argument("--date", help="成文日期（落款），如 2023-07-05；默认今天。整改措施的报送期限从这一天起算")
    p.set_defaults(func=cmd_report)
