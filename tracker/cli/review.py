"""``review``, ``lock`` and ``unlock``: the 督查室's month (same functions and Chinese words as the 审核与锁定 page)."""

from __future__ import annotations

import argparse

from tracker import locks, review
from tracker.cli.output import err, known_user


def cmd_review(args: argparse.Namespace) -> int:
    user = known_user(args.user)
    if not args.department and not args.item:
        return err("请用 --department 指定部门（审核情况说明时用 --item 指定指标）。", 2)
    done = review.review(
        args.year, args.month, args.department or "", user, accept=args.accept, comment=args.return_comment or "", item=args.item
    )
    what = f"“{done.item_name}”的情况说明" if done.item else "填报"
    comment = f"，意见：{done.comment}" if done.comment else ""
    print(f"{done.department_name}{done.year}年{done.month}月{what}：{done.state}{comment}。")
    return 0


def cmd_lock(args: argparse.Namespace) -> int:
    user = known_user(args.user)
    locks.lock_month(args.year, args.month, user)
    print(f"已锁定{args.year}年{args.month}月：此后该月的数据不能再填报、修改或撤销，如需修改请联系管理员解锁。")
    return 0


def cmd_unlock(args: argparse.Namespace) -> int:
    user = known_user(args.user)
    locks.unlock_month(args.year, args.month, user, args.reason)
    print(f"已解锁{args.year}年{args.month}月（原因：{' '.join(args.reason.split())}）。")
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("review", help="督查室审核某部门某月的填报（或某指标的情况说明）：通过或退回")
    p.add_argument("--year", type=int, required=True)
    p.add_argument("--month", type=int, required=True)
    p.add_argument("--department", help="部门编码")
    p.add_argument("--item", help="指标编码：审核该指标当月的情况说明")
    p.add_argument("--user", required=True)
    how = p.add_mutually_exclusive_group(required=True)
    how.add_argument("--accept", action="store_true", help="审核通过")
    how.add_argument("--return", dest="return_comment", metavar="意见", help="退回，并写明意见")
    p.set_defaults(func=cmd_review)

    p = sub.add_parser("lock", help="锁定某月（督查室或管理员）：此后该月数据不能再写入")
    p.add_argument("--year", type=int, required=True)
    p.add_argument("--month", type=int, required=True)
    p.add_argument("--user", required=True)
    p.set_defaults(func=cmd_lock)

    p = sub.add_parser("unlock", help="解锁某月（管理员，须写明原因）")
    p.add_argument("--year", type=int, required=True)
    p.add_argument("--month", type=int, required=True)
    p.add_argument("--user", required=True)
    p.add_argument("--reason", required=True)
    p.set_defaults(func=cmd_unlock)
