"""``python -m tracker``: the same functions the pages call, without a browser.

Each module adds its own sub-commands through ``register(subparsers)``; a handler returns the exit code
(0 ok, 1 refused, 2 usage).

- ``core``: init, status, demo-data
- ``users``: users add / list / disable / enable / reset-password / set-role / unlock
- ``reporting``: metrics, template, import, figures, batches, revert, backup, restore
- ``documents``: deck (.pptx) and report (通报, .docx)
- ``extract``: extract (draft items from a report's text) and targets import (a reviewed draft's targets)
- ``projects``: projects plans / plan (the town's own planned months)
- ``years``: year list / year start (a year started from last year's items, admins)
- ``items``: items (every indicator, project and task with 牵头/配合/责任领导) and items set (admins)
- ``towns``: towns list / towns add (a town from its files; each town has its own store)
- ``city``: every town's own verdicts of a month (table or JSON); city deck (.pptx) and city report (通报, .docx)
- ``review``: review (督查室: accept or return a submission or a 情况说明), lock and unlock a month
- ``actions``: 督办事项 (actions add / list / progress / close)
- ``duban``: duban (督办单), notice (催报通知), ledger (督办台账)
- ``health``: is the store usable (opens, schema current, a read works; PostgreSQL answers in time), exit 0 / 1
- ``guard`` (last): wraps every command: the store's refusals (busy, full disk, damaged file) as a Chinese line,
  audit rows marked as command-line writes by the OS user
- ``output``: strict JSON and Chinese refusals, shared by all
"""

from __future__ import annotations

import argparse
import importlib
import sys

from tracker import config, store
from tracker.towns import TownError, require_known

COMMAND_MODULES = (
    "tracker.cli.core",
    "tracker.cli.users",
    "tracker.cli.reporting",
    "tracker.cli.documents",
    "tracker.cli.extract",
    "tracker.cli.projects",
    "tracker.cli.years",
    "tracker.cli.items",
    "tracker.cli.towns",
    "tracker.cli.city",
    "tracker.cli.review",
    "tracker.cli.actions",
    "tracker.cli.duban",
    "tracker.cli.health",
    "tracker.cli.guard",
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m tracker", description="镇街政府工作报告目标跟踪：命令行工具")
    parser.add_argument(
        "--town", metavar="CODE", help=f"镇街官方代码（默认 {config.home_town()}，即 data/settings.toml 的本镇）；可写在任何命令前后"
    )
    sub = parser.add_subparsers(dest="command", required=True)
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(sub)
    return parser


def take_town(argv: list[str]) -> tuple[str | None, list[str]]:
    """``--town CODE`` (or ``--town=CODE``) wherever it stands on the line, and the line without it."""
    rest: list[str] = []
    town = None
    args = iter(argv)
    for arg in args:
        if arg == "--town":
            town = next(args, "")
        elif arg.startswith("--town="):
            town = arg.partition("=")[2]
        else:
            rest.append(arg)
    return town, rest


def main(argv: list[str] | None = None) -> int:
    town, rest = take_town(list(sys.argv[1:] if argv is None else argv))
    args = build_parser().parse_args(rest)
    try:
        if town is not None:
            require_known(town)
        with config.use_town(town):
            return args.func(args)
    except TownError as exc:
        print(str(exc), file=sys.stderr)
        return 1
    except store.DatabaseBusy as exc:
        print(str(exc), file=sys.stderr)
        return 1
