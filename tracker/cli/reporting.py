"""``metrics``, ``template``, ``import``, ``figures``, ``batches``, ``revert``, ``backup`` and ``restore``.

Same functions as the pages, same Chinese messages; exit 0 ok, 1 refused, 2 usage.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from tracker import auth, backups, ingest, store, template
from tracker.cli.output import err, existing_file, known_user, print_json
from tracker.ingest import submit


def cmd_metrics(args) -> int:
    with store.connect() as con:
        metrics = ingest.metrics_list(con)
    if args.json:
        print_json(metrics)
    else:
        for m in metrics:
            print(f"{m.code:<28} {m.name:<28} {m.unit:<4} {m.department:<8} {m.kind}{'  按地点' if m.places else ''}")
    return 0


def cmd_template(args) -> int:
    year = args.year if args.year is not None else ingest.period_due()[0]
    month = args.month if args.month is not None else ingest.month_due(year)
    with store.connect() as con:
        data = template.build_template(con, args.department, year, month)
    Path(args.output).write_bytes(data)
    print(f"已生成模板：{args.output}（{year}年{month}月）")
    return 0


def cmd_import(args) -> int:
    path = existing_file(args.file)
    user = known_user(args.user)
    data = path.read_bytes()
    if submit.has_progress(data, path.name):
        return _import_progress(data, path.name, user, args.dry_run)
    try:
        if args.dry_run:
            report = ingest.prepare(data, path.name, user)
            _print_report(report)
            if not report.ok:
                return 1
            same = len(report.preview) - len(report.changed)
            dup = f"此文件与批次 {report.duplicate_of} 相同，提交不会有改动。" if report.duplicate_of else ""
            if report.same_file_as is not None and report.duplicate_of is None:
                dup = f"此文件与批次 {report.same_file_as} 相同，但有数值之后被修改过，提交将恢复为文件中的数值。"
            print(f"检查通过（未写入）：{len(report.changed)} 个数值将被写入，{same} 个与现有数值相同。{dup}")
            return 0
        result = ingest.commit(data, path.name, user)
    except ingest.ValidationFailed as exc:
        _print_report(exc.report)
        return err(str(exc))
    _print_report(result.report, errors=False)
    print(result.message())
    return 0


def _import_progress(data: bytes, name: str, user: auth.User, dry_run: bool) -> int:
    """A file with project or task progress (and perhaps figures): all or nothing, like figures."""
    try:
        if dry_run:
            report = submit.prepare_file(data, name, user)
            _print_issues(report.issues)
            if not report.ok:
                return err(f"文件有 {sum(1 for i in report.issues if i.level == 'error')} 处错误，未写入任何数据。")
            figures = len(report.figures.changed) if report.figures is not None else 0
            print(f"检查通过（未写入）：{len(report.progress.changed)} 条进展、{figures} 个数值将被写入。")
            return 0
        result = submit.commit_file(data, name, user)
    except submit.ProgressRefused as exc:
        _print_issues(exc.issues)
        return err(str(exc))
    _print_issues([i for i in result.report.issues if i.level == "warning"])
    print(result.message())
    return 0


def _print_issues(issues: list[ingest.Issue]) -> None:
    for issue in issues:
        if issue.level == "error":
            print(f"错误  {issue.text()}", file=sys.stderr)
        else:
            print(f"提醒  {issue.text()}")


def _print_report(report: ingest.Report, errors: bool = True) -> None:
    for issue in report.issues:
        if issue.level == "error" and errors:
            print(f"错误  {issue.text()}", file=sys.stderr)
        elif issue.level == "warning":
            print(f"提醒  {issue.text()}")
    for note in report.notes_needed:
        print(f"需补情况说明  {note.name}（{note.indicator}）{note.year}年{note.month}月：{note.status}")


def cmd_figures(args) -> int:
    with store.connect() as con:
        rows = ingest.current_figures(con, args.year, args.month)
    if args.json:
        print_json(rows)
    else:
        for r in rows:
            print(f"{r.metric:<28} {r.place or '':<14} {r.value:>12g}  批次 {r.batch}")
    return 0


def cmd_batches(args) -> int:
    with store.connect() as con:
        frame = ingest.batches(con, args.limit)
    records = frame.to_dict("records")
    for r in records:
        for k, v in r.items():
            if v is not None and not isinstance(v, (str, int, float, bool)):
                r[k] = None if str(v) in ("NaT", "nan", "None") else str(v)
    if args.json:
        print_json(records)
    else:
        for r in records:
            print(
                f"{r['id']:>5} {r['kind']:<12} {r['user_name']:<14} {r['created_at']}  {r['status']:<9} "
                f"{r['rows']:>6} 行  {r['file_name'] or ''}"
            )
    return 0


def cmd_revert(args) -> int:
    user = known_user(args.user)
    ingest.revert(args.batch, user)
    print(f"已撤销批次 {args.batch}，之前的数值已恢复显示。")
    return 0


def cmd_backup(args) -> int:
    print(f"已备份到：{backups.backup(Path(args.dir) if args.dir else None)}")
    return 0


def cmd_migrate_to(args) -> int:
    """The DuckDB file (a backup of it) restored into the PostgreSQL database at URL; row counts compared."""
    import os

    from tracker import pgadmin

    os.environ.pop("TRACKER_DATABASE_URL", None)
    copy = backups.backup()
    before = pgadmin.row_counts()
    os.environ["TRACKER_DATABASE_URL"] = args.url
    backups.restore(copy)
    after = pgadmin.row_counts()
    # audit and meta gain their own rows on the way (the restore's audit row, PostgreSQL's data stamp)
    differ = {t: (before[t], after.get(t)) for t in before if after.get(t) != before[t] and t not in ("audit", "meta")}
    if differ:
        print(f"行数不一致：{differ}", file=sys.stderr)
        return 1
    print(f"已迁移到 {store.location()}：{sum(before.values())} 行，各表行数一致（备份 {copy}）。")
    return 0


def cmd_restore(args) -> int:
    """Check the backup, move the current file (and its .wal) aside, put the backup in place."""
    done = backups.restore(Path(args.backup))
    print(f"已从 {done.backup} 恢复数据库 {done.database}。")
    for kept in done.kept_aside:
        print(f"原文件已移到：{kept}")
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("metrics", help="填报指标清单")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_metrics)

    p = sub.add_parser("template", help="生成某部门某月的填报模板 (.xlsx)")
    p.add_argument("--department", required=True)
    p.add_argument("--year", type=int, help="默认：最近一个已结束月份所在的年份")
    p.add_argument("--month", type=int, help="默认：该年现在应填报的月份（今天之前最近一个已结束的月份）")
    p.add_argument("-o", "--output", required=True)
    p.set_defaults(func=cmd_template)

    p = sub.add_parser("import", help="导入填报文件（按 --user 的权限检查）")
    p.add_argument("file")
    p.add_argument("--user", required=True)
    p.add_argument("--dry-run", action="store_true", help="只检查和预览，不写入")
    p.set_defaults(func=cmd_import)

    p = sub.add_parser("figures", help="某月各指标的当前数值")
    p.add_argument("--year", type=int, required=True)
    p.add_argument("--month", type=int, required=True)
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_figures)

    p = sub.add_parser("batches", help="上传批次记录")
    p.add_argument("--json", action="store_true")
    p.add_argument("--limit", type=int)
    p.set_defaults(func=cmd_batches)

    p = sub.add_parser("revert", help="撤销一个批次")
    p.add_argument("batch", type=int)
    p.add_argument("--user", required=True)
    p.set_defaults(func=cmd_revert)

    p = sub.add_parser("backup", help="备份数据库到 data/backups/")
    p.add_argument("--dir", help="备份目录（默认：数据库所在目录下的 backups/）")
    p.set_defaults(func=cmd_backup)

    p = sub.add_parser("migrate-to", help="把本机 DuckDB 数据库迁移到 PostgreSQL（先备份，再导入，逐表核对行数）")
    p.add_argument("url", help="postgresql://用户:密码@主机/数据库")
    p.set_defaults(func=cmd_migrate_to)

    p = sub.add_parser("restore", help="从备份恢复数据库（先检查备份；原文件移到 data/replaced/ 保留）")
    p.add_argument("backup", help="备份文件，如 data/backups/tracker-20240101-120000-000000.duckdb")
    p.set_defaults(func=cmd_restore)
