"""Benchmark of the report extractor: how well it reads the report page, and how fast it reads a whole report.

    python bench/extract.py

1. Recall and precision per kind on ``data/source/work-report-2023-p24.txt`` against today's ``data/``: the 21
   indicators of ``queries/`` with their 2023 targets (value and unit must match), the 33 works of
   ``data/projects.csv``, and the page's tasks as labelled in ``tracker.extract.evaluate.TASK_GOLD``.
2. Time to extract a synthetic 65-page report (the page 65 times, each copy with its own page number and its
   numbers shifted, so no two pages are alike), with and without matching codes; goal: under 2 s.

Nothing is asserted here; ``tests/test_extract.py`` holds the floors.
"""

from __future__ import annotations

import re
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tracker.extract import draft, evaluate, match, workbook  # noqa: E402

PAGES = 65
GOAL_SECONDS = 2.0
REPEATS = 3


def synthetic_report(page: str, pages: int = PAGES) -> str:
    """The page ``pages`` times: page k says 第k/65页 and every counted number is raised by k - 1."""
    out = []
    for k in range(1, pages + 1):
        text = page.replace("第24/65页", f"第{k}/{pages}页")
        text = re.sub(r"(?<![\d.])(\d+)(?=[家个条亩处场套%])", lambda m, k=k: str(int(m.group(1)) + k - 1), text)
        out.append(text)
    return "\n".join(out)


def timed(fn, repeats: int = REPEATS) -> tuple[float, float]:
    """(first run, median of the runs) in seconds."""
    runs = []
    for _ in range(repeats):
        started = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - started)
    return runs[0], statistics.median(runs)


def quality() -> None:
    page = evaluate.REPORT_PAGE.read_text(encoding="utf-8")
    items = match.assign_codes(draft.extract(page), match.known_items())
    result = evaluate.evaluate(items, evaluate.repository_gold())
    print(f"## Quality on {evaluate.REPORT_PAGE.relative_to(ROOT)}\n")
    print("| kind | in data/ | found | recall | draft items | correct | precision |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for kind, score in result.scores.items():
        found = f"{score.gold} | {score.found} | {score.recall:.3f}"
        print(f"| {kind} | {found} | {score.items} | {score.correct_items} | {score.precision:.3f} |")
    n = result.compared
    print(
        f"\nSuggested area right {result.area_right}/{n}, department right {result.department_right}/{n}, "
        f"code of the existing item {result.code_right}/{n} (matched indicators and works)."
    )
    for kind, score in result.scores.items():
        if score.missed:
            print(f"- {kind} missed: {'; '.join(score.missed)}")
        if score.false_positives:
            print(f"- {kind} false positives: {'; '.join(score.false_positives)}")
    for line in result.wrong:
        print(f"- wrong suggestion: {line}")


def speed() -> None:
    page = evaluate.REPORT_PAGE.read_text(encoding="utf-8")
    report = synthetic_report(page)
    known = match.known_items()
    items = draft.extract(report)
    first, median = timed(lambda: draft.extract(report))
    first_codes, median_codes = timed(lambda: match.assign_codes(draft.extract(report), known))
    coded = match.assign_codes(items, known)
    _, median_xlsx = timed(lambda: workbook.write_xlsx(coded), repeats=1)
    print(f"\n## Speed: synthetic {PAGES}-page report ({len(report):,} characters, {len(items):,} draft items)\n")
    print("| step | first run | median of 3 | goal |")
    print("|---|---:|---:|---:|")
    print(f"| extract | {first:.2f} s | {median:.2f} s | < {GOAL_SECONDS:.0f} s |")
    print(f"| extract + codes of existing items | {first_codes:.2f} s | {median_codes:.2f} s | < {GOAL_SECONDS:.0f} s |")
    print(f"| review workbook (.xlsx) | {median_xlsx:.2f} s | | |")


if __name__ == "__main__":
    quality()
    speed()
