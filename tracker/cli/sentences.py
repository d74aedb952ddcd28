"""``items sentence`` (an admin enters the new report's sentence of a copied project or task) and ``items
sentences FILE`` (many at once from a .csv/.xlsx with 编码, 年, 原文): one batch each, revertible, audited."""

from __future__ import annotations

import argparse

from tracker import sentences, store
from tracker.cli.output import existing_file, known_user, print_json


def cmd_sentence(args: argparse.Namespace) -> int:
    user = known_user(args.user)
    batch = sentences.set_sentence(args.code, args.year, args.text, user)
    print(f"已更新 {args.code} 的{args.year}年报告原文（批次 {batch}，可撤销）。")
    return 0


def cmd_sentences(args: argparse.Namespace) -> int:
    user = known_user(args.user)
    path = existing_file(args.file)
    changes = sentences.parse_sentence_file(path.read_bytes(), path.name)
    batch = sentences.set_sentences(user, changes, file_name=path.name)
    print(f"已更新 {len(changes)} 个事项的报告原文（批次 {batch}，可撤销）。")
    return 0


def cmd_pending(args: argparse.Namespace) -> int:
    with store.connect() as con:
        rows = sentences.copied_items(con, args.year)
    if args.json:
        print_json(rows)
        return 0
    for r in rows:
        print(f"{r.code:<28} {r.name[:26]:<28} 沿用{r.source_year}年原文：{r.source}")
    return 0


def register(items_sub: argparse._SubParsersAction) -> None:
    q = items_sub.add_parser("sentence", help="录入一个重点项目或重点工作的新年度报告原文（管理员；一个批次，可撤销）")
    q.add_argument("code")
    q.add_argument("--year", type=int, required=True)
    q.add_argument("--text", required=True, help="新年度政府工作报告中该事项的原文")
    q.add_argument("--user", required=True)
    q.set_defaults(func=cmd_sentence)
    q = items_sub.add_parser("sentences", help="从 .csv/.xlsx（编码、年、原文）批量录入新年度报告原文（管理员；一个批次）")
    q.add_argument("file")
    q.add_argument("--user", required=True)
    q.set_defaults(func=cmd_sentences)
    q = items_sub.add_parser("unchecked", help="列出仍沿用上年报告原文、待核对的重点项目和重点工作")
    q.add_argument("--year", type=int, required=True)
    q.add_argument("--json", action="store_true")
    q.set_defaults(func=cmd_pending)
