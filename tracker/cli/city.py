"""``city`` (every town's own verdicts of a month, one row each), ``city deck`` (.pptx) and ``city report`` (通报, .docx).

The numbers are the towns' own (``tracker.city``, through ``tracker.city_outline``), never recomputed here.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from tracker import city_deck, city_outline, city_report
from tracker.cli.output import err, print_json


def _month_error(year: int | None, month: int | None) -> str | None:
    if year is None or month is None:
        return "请给出 --year 和 --month。"
    if not 1 <= month <= 12:
        return "月份必须在 1 到 12 之间。"
    return None


def _table(facts: city_outline.CityMonth) -> None:
    header = ["镇街", "代码", "事项", *facts.statuses, "填报率", "升级督办", "督办事项"]
    lines = [header]
    for r in facts.rows:
        judged = [str(city_outline.count(r.counts[s])) for s in facts.statuses]
        lines.append(
            [
                facts.town_label(r),
                r.code,
                str(r.items),
                *judged,
                city_outline.rate_text(r),
                str(r.escalated),
                str(r.open_actions),
            ]
        )
    total = [str(facts.totals[s]) for s in facts.statuses]
    rate = "—" if facts.report_rate is None else f"{facts.report_rate * 100:.1f}%"
    lines.append(
        [
            "全市合计",
            "",
            str(facts.items),
            *total,
            rate,
            str(facts.escalated),
            str(facts.open_actions),
        ]
    )

    def width(text: str) -> int:
        return sum(2 if ord(ch) > 0x2E7F else 1 for ch in text)

    widths = [max(width(line[i]) for line in lines) for i in range(len(header))]
    print(f"{facts.period} 各镇街推进情况（按薄弱程度排序；各镇街按本镇街目标自行评定）")
    for line in lines:
        print("  ".join(cell + " " * (w - width(cell)) for cell, w in zip(line, widths, strict=True)).rstrip())
    if facts.unreported:
        print("本月未填报：" + "、".join(r.name for r in facts.unreported))
    if facts.unreachable:
        print(facts.unreachable_text)
    if facts.demo:
        print(f"演示数据：{facts.demo_who}的月度实际值为系统生成，并非真实填报。")


def cmd_city(args: argparse.Namespace) -> int:
    if error := _month_error(args.year, args.month):
        return err(error, 2)
    facts = city_outline.city_month(args.year, args.month)
    if args.json:
        print_json([city_outline.town_json(r) for r in (*facts.rows, *facts.unreachable)])
        return 0
    _table(facts)
    return 0


def _write(args: argparse.Namespace, suffix: str, build) -> int:
    if error := _month_error(args.year, args.month):
        return err(error, 2)
    out = Path(args.out)
    if out.suffix.lower() != suffix:
        return err(f"输出文件必须以 {suffix} 结尾。", 2)
    started = time.perf_counter()
    data = build(city_outline.city_month(args.year, args.month))
    seconds = time.perf_counter() - started
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(data)
    print(f"已生成 {out}（{len(data) / 1024:.0f} KB，用时 {seconds:.2f} 秒）")
    return 0


def cmd_deck(args: argparse.Namespace) -> int:
    return _write(args, ".pptx", city_deck.build_city_deck)


def cmd_report(args: argparse.Namespace) -> int:
    return _write(args, ".docx", city_report.build_city_report)


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "city", help="全市各镇街本月推进情况（各镇街自行评定，按薄弱程度排序）；city deck / city report 生成全市汇报 PPT 和通报"
    )
    p.add_argument("--year", type=int)
    p.add_argument("--month", type=int)
    p.add_argument("--json", action="store_true", help="每个镇街一个对象：code, name, counts, reporting_rate, escalated, open_actions")
    p.set_defaults(func=cmd_city)
    ps = p.add_subparsers(dest="city_command")
    for name, help_text, suffix, func in (
        ("deck", "生成全市汇报 PPT（可编辑图表）", ".pptx", cmd_deck),
        ("report", "生成全市推进情况通报（Word）", ".docx", cmd_report),
    ):
        q = ps.add_parser(name, help=help_text)
        q.add_argument("--year", type=int, required=True)
        q.add_argument("--month", type=int, required=True)
        q.add_argument("--out", "-o", required=True, help=f"输出文件，以 {suffix} 结尾")
        q.set_defaults(func=func)
