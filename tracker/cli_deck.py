"""``python -m tracker deck``: the monthly meeting deck as a .pptx file, the same one the meeting page gives."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from tracker import db, deck


def cmd_deck(args: argparse.Namespace) -> int:
    if not 1 <= args.month <= 12:
        print("月份必须在 1 到 12 之间。", file=sys.stderr)
        return 2
    out = Path(args.output)
    if out.suffix.lower() != ".pptx":
        print("输出文件必须以 .pptx 结尾。", file=sys.stderr)
        return 2
    with db.connect(read_only=True) as con:
        data, seconds = deck.timed_deck_for_month(con, args.year, args.month)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(data)
    print(f"已生成 {out}（{len(data) / 1024:.0f} KB，用时 {seconds:.2f} 秒）")
    return 0


def register(subparsers) -> None:
    p = subparsers.add_parser("deck", help="生成某年某月的月度工作例会 PPT（可编辑图表）")
    p.add_argument("--year", type=int, required=True)
    p.add_argument("--month", type=int, required=True)
    p.add_argument("-o", "--output", required=True, help="输出文件，如 2023-06.pptx")
    p.set_defaults(func=cmd_deck)
