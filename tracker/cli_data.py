"""CLI commands for users, templates, imports, figures, batches, revert and backup.

Same functions as the pages, same Chinese messages; exit 0 ok, 1 refused, 2 usage.
"""

from __future__ import annotations

import argparse
import getpass
import json
import shutil
import sys
from pathlib import Path

from tracker import auth, config, ingest, store, template


def _print_json(obj) -> None:
    print(json.dumps(obj, ensure_ascii=False, indent=2, default=str))


def _err(message: str) -> int:
    print(message, file=sys.stderr)
    return 1


def _read_password() -> str:
    """From the terminal without echo, or the first line of standard input when piped."""
    if sys.stdin.isatty():
        first = getpass.getpass("密码：")
        if getpass.getpass("再输入一次：") != first:
            raise auth.UserError("两次输入的密码不一致。")
        return first
    return sys.stdin.readline().rstrip("\r\n")


def _user(name: str) -> auth.User | None:
    with store.connect() as con:
        return auth.get_user(con, name)


def cmd_users_add(args) -> int:
    try:
        password = _read_password()
        with store.connect() as con:
            user = auth.create_user(con, args.name, args.role, password, args.department)
    except auth.UserError as exc:
        return _err(str(exc))
    dept = f"，{user.department}" if user.department else ""
    print(f"已创建用户“{user.name}”（{auth.ROLE_NAMES[user.role]}{dept}）。")
    return 0


def cmd_users_list(args) -> int:
    with store.connect() as con:
        users = auth.list_users(con)
    if args.json:
        _print_json(users)
        return 0
    for u in users:
        state = "停用" if u["disabled"] else "正常"
        print(f"{u['name']:<16} {auth.ROLE_NAMES[u['role']]:<4} {u['department'] or '—':<8} {state}")
    return 0


def cmd_users_disable(args) -> int:
    try:
        with store.connect() as con:
            auth.disable_user(con, args.name)
    except auth.UserError as exc:
        return _err(str(exc))
    print(f"已停用用户“{args.name}”。")
    return 0


def cmd_metrics(args) -> int:
    with store.connect() as con:
        metrics = ingest.metrics_list(con)
    if args.json:
        _print_json(metrics)
    else:
        for m in metrics:
            print(f"{m['code']:<28} {m['name']:<28} {m['unit']:<4} {m['department']:<8} {m['kind']}{'  按地点' if m['places'] else ''}")
    return 0


def cmd_template(args) -> int:
    try:
        with store.connect() as con:
            data = template.build_template(con, args.department, args.year, args.month)
    except template.TemplateError as exc:
        return _err(str(exc))
    Path(args.output).write_bytes(data)
    print(f"已生成模板：{args.output}")
    return 0


def cmd_import(args) -> int:
    path = Path(args.file)
    if not path.is_file():
        return _err(f"找不到文件：{path}")
    user = _user(args.user)
    if user is None:
        return _err(f"用户“{args.user}”不存在或已停用。")
    data = path.read_bytes()
    try:
        if args.dry_run:
            report = ingest.prepare(data, path.name, user)
            _print_report(report)
            if not report.ok:
                return 1
            same = len(report.preview) - len(report.changed)
            dup = f"此文件与批次 {report.duplicate_of} 相同，提交不会有改动。" if report.duplicate_of else ""
            print(f"检查通过（未写入）：{len(report.changed)} 个数值将被写入，{same} 个与现有数值相同。{dup}")
            return 0
        result = ingest.commit(data, path.name, user)
    except (auth.PermissionDenied, ingest.IngestError) as exc:
        return _err(str(exc))
    except ingest.ValidationFailed as exc:
        _print_report(exc.report)
        return _err(str(exc))
    _print_report(result.report, errors=False)
    print(result.message())
    return 0


def _print_report(report: ingest.Report, errors: bool = True) -> None:
    for issue in report.issues:
        if issue.level == "error" and errors:
            print(f"错误  {issue.text()}", file=sys.stderr)
        elif issue.level == "warning":
            print(f"提醒  {issue.text()}")
    for note in report.notes_needed:
        print(f"需补情况说明  {note['name']}（{note['indicator']}）{note['year']}年{note['month']}月：{note['status']}")


def cmd_figures(args) -> int:
    with store.connect() as con:
        rows = ingest.current_figures(con, args.year, args.month)
    if args.json:
        _print_json(rows)
    else:
        for r in rows:
            print(f"{r['metric']:<28} {r['place'] or '':<14} {r['value']:>12g}  批次 {r['batch']}")
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
        _print_json(records)
    else:
        for r in records:
            print(
                f"{r['id']:>5} {r['kind']:<12} {r['user_name']:<14} {r['created_at']}  {r['status']:<9} "
                f"{r['rows']:>6} 行  {r['file_name'] or ''}"
            )
    return 0


def cmd_revert(args) -> int:
    user = _user(args.user)
    if user is None:
        return _err(f"用户“{args.user}”不存在或已停用。")
    try:
        ingest.revert(args.batch, user)
    except (auth.PermissionDenied, ingest.IngestError) as exc:
        return _err(str(exc))
    print(f"已撤销批次 {args.batch}，之前的数值已恢复显示。")
    return 0


def backup(dest_dir: Path | None = None) -> Path:
    """A consistent copy: checkpoint, then copy the file while we hold it (no process can write meanwhile)."""
    source = config.db_path()
    dest_dir = Path(dest_dir or source.parent / "backups")
    dest_dir.mkdir(parents=True, exist_ok=True)
    target = dest_dir / f"{source.stem}-{ingest.utc_stamp()}.duckdb"
    with ingest._WRITE_LOCK, store.connect() as con:
        con.execute("checkpoint")
        shutil.copy2(source, target)
        store.audit(con, "cli", "backup", {"file": str(target)})
    return target


def cmd_backup(args) -> int:
    print(f"已备份到：{backup(args.dir)}")
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("users", help="用户管理：add / list / disable")
    us = p.add_subparsers(dest="users_command", required=True)
    q = us.add_parser("add", help="新建用户（密码从标准输入读取）")
    q.add_argument("name")
    q.add_argument("--role", required=True, choices=auth.ROLES)
    q.add_argument("--department", help="部门编码（填报员必填）")
    q.set_defaults(func=cmd_users_add)
    q = us.add_parser("list", help="列出用户")
    q.add_argument("--json", action="store_true")
    q.set_defaults(func=cmd_users_list)
    q = us.add_parser("disable", help="停用用户")
    q.add_argument("name")
    q.set_defaults(func=cmd_users_disable)

    p = sub.add_parser("metrics", help="填报指标清单")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_metrics)

    p = sub.add_parser("template", help="生成某部门某月的填报模板 (.xlsx)")
    p.add_argument("--department", required=True)
    p.add_argument("--year", type=int, required=True)
    p.add_argument("--month", type=int, required=True)
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
