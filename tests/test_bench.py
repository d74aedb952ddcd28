"""The benchmark script runs end to end (a smoke test: no timing is asserted, by design)."""

import subprocess
import sys

import pytest

from tests.conftest import ROOT


@pytest.mark.timeout(600)
def test_quick_benchmark_prints_every_section():
    result = subprocess.run([sys.executable, "bench/run.py", "--quick"], cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr[-2000:]
    for row in (
        "`init`",
        "`status` one month, warm",
        "floor: one hand-written DuckDB query",
        "page `overview`",
        "upload 10,000 rows: total",
        "deck export (PPTX)",
    ):
        assert row in result.stdout, row
    assert "error" not in result.stdout.split("| figure |")[1]
    assert (ROOT / "bench" / "out" / "RESULTS-quick.md").exists()
