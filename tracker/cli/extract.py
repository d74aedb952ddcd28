"""``extract`` (draft items from a report's text) and ``targets import`` (a reviewed draft's indicator targets).

Same functions as the 报告提取 page; exit 0 ok, 1 refused, 2 usage.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from tracker import ingest
from tracker.cli.output import err, existing_file, known_user, print_json
from tracker.extract import accept, draft, folder, match, workbook
from tracker.extract.records import ITEM_KIND_NAMES
from tracker.extract.text import detect_year, read_report


def _draft(path: Path, year: int | None, min_confidence: float) -> tuple[list, int | None]:
    text = read_report(path.read_bytes(), path.name)
    year = year or detect_year(text)
    items = match.assign_codes(draft.extract(text, year), match.known_items())
    return [i for i in items if i.confidence >= min_confidence], year


def _print_table(items: list) -> None:
    print(f"{'类型':<4} {'置信度':>5}  {'编码':<28} {'名称':<30} {'目标':>12}  领域/部门")
    for item in items:
        target = ""
        if item.value is not None:
            target = f"{workbook.COMPARATOR_WORDS.get(item.comparator, '')}{item.value:g}{item.unit}"
        print(
            f"{ITEM_KIND_NAMES[item.kind]:<4} {item.confidence:>5.2f}  {item.code:<28} {item.name[:28]:<30} {target:>12}  "
            f"{item.area or '—'}/{item.department or '—'}"
        )
    counts = "，".join(f"{ITEM_KIND_NAMES[k]} {sum(1 for i in items if i.kind == k)} 条" for k in ITEM_KIND_NAMES)
    print(f"\n共 {len(items)} 条：{counts}。")


def cmd_extract(args: argparse.Namespace) -> int:
    path = existing_file(args.file)
    if args.year is not None and not 2000 <= args.year <= 2100:
        return err("年份应在 2000 到 2100 之间。", 2)
    items, year = _draft(path, args.year, args.min_confidence)
    if year is None and (args.output or args.out_dir):
        return err("报告中没有找到年份（如“2023年政府工作报告”），请用 --year 指定。", 2)
    if args.output:
        Path(args.output).write_bytes(workbook.write_xlsx(items))
        print(f"已生成草稿：{args.output}（{len(items)} 条，请在 Excel 中核对后用 targets import 导入指标目标）", file=sys.stderr)
    if args.out_dir:
        for written in folder.write_folder(items, Path(args.out_dir)):
            print(f"已写入 {written}", file=sys.stderr)
    if args.json:
        print_json(items)
    elif not args.output and not args.out_dir:
        _print_table(items)
    return 0


def _print_issues(issues, errors: bool = True) -> None:
    for issue in issues:
        if issue.level == "error" and errors:
            print(f"错误  {issue.text()}", file=sys.stderr)
        elif issue.level == "warning":
            print(f"提醒  {issue.text()}")


def cmd_targets_import(args: argparse.Namespace) -> int:
    path = existing_file(args.file)
    user = known_user(args.user)
    try:
        check = accept.check_workbook(path.read_bytes(), path.name, user)
        if not check.ok:
            _print_issues(check.issues)
            errors = sum(1 for i in check.issues if i.level == "error")
            return err(f"草稿有 {errors} 处错误，未写入任何目标。" if errors else "没有可写入的目标。")
        _print_issues(check.issues, errors=False)
        for row in check.frame.itertuples(index=False):
            old = "—" if row.old_value is None or row.old_value != row.old_value else f"{row.old_value:g}"
            print(f"{row.name}（{row.indicator}）{row.year}年：{old} → {workbook.COMPARATOR_WORDS[row.comparator]}{row.value:g}{row.unit}")
        if args.dry_run:
            print(f"检查通过（未写入）：{len(check.frame)} 个目标，跳过 {check.skipped} 行（不是已有指标）。")
            return 0
        batch = accept.commit(check, user)
    except ingest.ValidationFailed as exc:
        _print_issues(exc.report.issues)
        return err(str(exc))
    print(f"已写入 {len(check.frame)} 个目标（批次 {batch}），跳过 {check.skipped} 行（不是已有指标）。")
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("extract", help="从政府工作报告（.txt/.docx）提取指标、项目、任务草稿")
    p.add_argument("file", help="报告文件：.txt（UTF-8 或 GBK）或 .docx")
    p.add_argument("--year", type=int, help="目标年度（默认取报告中的“20XX年政府工作报告”）")
    p.add_argument("--json", action="store_true", help="输出 JSON")
    p.add_argument("-o", "--output", help="写出供 Excel 审核的草稿 .xlsx")
    p.add_argument("--out-dir", help="按 data/ 的格式写出文件夹（targets.csv、indicators.csv、projects.csv、tasks.csv）")
    p.add_argument("--min-confidence", type=float, default=0.0, help="只保留置信度不低于此值的条目（0 到 1）")
    p.set_defaults(func=cmd_extract)

    p = sub.add_parser("targets", help="目标：导入审核后的草稿中的指标目标")
    targets = p.add_subparsers(dest="targets_command", required=True)
    q = targets.add_parser("import", help="导入草稿 .xlsx 中类型为“指标”且编码已存在的目标（与目标上传相同的检查和记录）")
    q.add_argument("file")
    q.add_argument("--user", required=True)
    q.add_argument("--dry-run", action="store_true", help="只检查和预览，不写入")
    q.set_defaults(func=cmd_targets_import)
