"""Wraps every command (registered last): the database file is checked first (as the server does at start-up: a
damaged file is named with the fix, not half read), the store's refusals are one Chinese line instead of a
traceback, and every audit row a command writes is marked as a command-line write by the OS user who ran it.

``--user`` names whose permissions a command uses (``import``, ``revert``); whoever can run commands on the
server owns the database file anyway, so the name is taken as typed, and the audit row says it came from the
command line and which OS account ran it.
"""

from __future__ import annotations

import argparse
import functools
import getpass
import sys
from collections.abc import Callable

import duckdb

from tracker import store
from tracker.cli.output import err
from tracker.errors import Refusal


def os_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


# Commands that make or replace the file, or never open it: no check of the current file first. ``health`` checks
# the store itself and must not build a missing one.
UNCHECKED = frozenset({"init", "restore", "demo-data", "health"})


def guarded(func: Callable[[argparse.Namespace], int], check: bool = True) -> Callable[[argparse.Namespace], int]:
    @functools.wraps(func)
    def run(args: argparse.Namespace) -> int:
        try:
            if check:
                store.check()
            with store.audit_origin(via="cli", os_user=os_user()):
                return func(args)
        except (store.StoreError, Refusal) as exc:  # every Chinese refusal (a permission, a bad file, a locked month…)
            return err(str(exc))
        except duckdb.Error as exc:
            found = store.diagnose(exc)
            if found is None:
                raise
            print(str(found), file=sys.stderr)
            return 1

    return run


def _wrap(parser: argparse.ArgumentParser, check: bool) -> None:
    func = parser.get_default("func")
    if func is not None and not hasattr(func, "__wrapped__"):
        parser.set_defaults(func=guarded(func, check))
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for child in action.choices.values():
                _wrap(child, check)


def register(sub: argparse._SubParsersAction) -> None:
    for name, parser in sub.choices.items():
        _wrap(parser, name not in UNCHECKED)
