"""Every ``--json`` output of every command is strict JSON: no NaN, no Infinity, whatever the data holds."""

from __future__ import annotations

import argparse
import json
import subprocess
import sys

import pytest

from tests.conftest import ROOT
from tracker.cli import build_parser

REPORT = str(ROOT / "data" / "source" / "work-report-2023-p24.txt")
# The arguments each JSON command is run with, beside --json; a new --json command must be added here.
ARGUMENTS = {
    ("status",): [["--year", "2023", "--month", "6"], ["--year", "2023", "--month", "12"], ["--year", "2024", "--month", "1"]],
    ("figures",): [["--year", "2023", "--month", "6"], ["--year", "2023", "--month", "11"]],
    ("batches",): [[]],
    ("metrics",): [[]],
    ("users", "list"): [[], ["--city"]],
    ("extract",): [[REPORT]],
    ("projects", "plans"): [["--year", "2023"]],
    ("items",): [["--year", "2023"], ["--year", "2024"]],
    ("towns",): [[]],
    ("towns", "list"): [[]],
    ("actions", "list"): [[], ["--open", "--year", "2023"]],
    ("health",): [[]],
    ("year", "list"): [[]],
    ("items", "unchecked"): [["--year", "2023"], ["--year", "2024"]],
    ("city",): [["--year", "2023", "--month", "6"], ["--year", "2023", "--month", "12"]],
}


def json_commands(parser: argparse.ArgumentParser, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    """Every (sub)command path whose parser has a --json flag, found by walking the real parser."""
    found = []
    if any("--json" in action.option_strings for action in parser._actions):
        found.append(prefix)
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                found += json_commands(sub, (*prefix, name))
    return found


def strict(text: str):
    def refuse(constant: str):
        raise ValueError(f"not strict JSON: {constant}")

    return json.loads(text, parse_constant=refuse)


def test_every_json_command_is_covered_here():
    assert set(json_commands(build_parser())) == set(ARGUMENTS)


@pytest.mark.parametrize("command", sorted(ARGUMENTS))
def test_json_output_is_strict(demo_db, command):
    for extra in ARGUMENTS[command]:
        run = subprocess.run(
            [sys.executable, "-m", "tracker", *command, *extra, "--json"], cwd=ROOT, capture_output=True, text=True, timeout=120
        )
        assert run.returncode == 0, run.stderr
        strict(run.stdout)


def test_the_strict_check_refuses_nan_and_infinity():
    for text in ('{"a": NaN}', '{"a": Infinity}', "[-Infinity]"):
        with pytest.raises(ValueError):
            strict(text)


def test_a_year_without_targets_reads_no_target_and_december_has_no_monthly_verdicts(demo_db):
    def status(year: int, month: int) -> dict:
        run = subprocess.run(
            [sys.executable, "-m", "tracker", "status", "--year", str(year), "--month", str(month), "--json"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=120,
        )
        return strict(run.stdout)

    assert {i["status"] for i in status(2024, 6)["indicators"]} == {"未设目标"}
    december = status(2023, 12)
    assert december["final"] is True
    annual = december["indicators"] + december["projects"]
    assert {i["status"] for i in annual} <= {"已完成", "未完成", "未填报"}
