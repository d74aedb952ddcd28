"""``python -m tracker``: the same functions the pages call, without a browser.

Each module adds its own sub-commands through ``register(subparsers)``; a handler returns the exit code
(0 ok, 1 refused, 2 usage).

- ``core``: init, status, demo-data
- ``users``: users add / list / disable / enable / reset-password / set-role / unlock
- ``reporting``: metrics, template, import, figures, batches, revert, backup, restore
- ``documents``: deck (.pptx) and report (通报, .docx)
- ``extract``: extract (draft items from a report's text) and targets import (a reviewed draft's targets)
- ``projects``: projects plans / plan (the town's own planned months)
- ``items``: items (every indicator, project and task with 牵头/配合/责任领导) and items set (admins)
- ``actions``: 督办事项 (actions add / list / progress / close)
- ``duban``: duban (督办单), notice (催报通知), ledger (督办台账)
- ``guard`` (last): wraps every command: the store's refusals (busy, full disk, damaged file) as a Chinese line,
  audit rows marked as command-line writes by the OS user
- ``output``: strict JSON and Chinese refusals, shared by all
"""

from __future__ import annotations

import argparse
import importlib
import sys

from tracker import store

COMMAND_MODULES = (
    "tracker.cli.core",
    "tracker.cli.users",
    "tracker.cli.reporting",
    "tracker.cli.documents",
    "tracker.cli.extract",
    "tracker.cli.projects",
    "tracker.cli.items",
    "tracker.cli.actions",
    "tracker.cli.duban",
    "tracker.cli.guard",
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m tracker", description="三乡镇政府工作报告目标跟踪：命令行工具")
    sub = parser.add_subparsers(dest="command", required=True)
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except store.DatabaseBusy as exc:
        print(str(exc), file=sys.stderr)
        return 1
