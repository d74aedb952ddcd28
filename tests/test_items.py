"""The item list against the report page: every task's sentence is the page's own, every sentence of the page is an
item or a documented exception, and data/items.csv names every item once."""

from __future__ import annotations

import csv
import re

from tracker import config, items
from tracker.indicators import registry

PAGE = (config.DATA_DIR / "source" / "work-report-2023-p24.txt").read_text(encoding="utf-8")


def _csv(name: str) -> list[dict[str, str]]:
    with open(config.DATA_DIR / name, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _sources() -> list[str]:
    found = [ind.source for ind in registry().values()]
    found += [r["source"] for r in _csv("projects.csv")]
    found += [r["source"] for r in _csv("tasks.csv")]
    return [items.fold(s) for s in found]


def test_every_task_sentence_is_the_pages_own() -> None:
    """A task keeps its sentence verbatim: the page holds it character for character."""
    sentences = items.report_sentences(PAGE)
    for task in _csv("tasks.csv"):
        assert task["source"] in sentences, task["code"]


def test_every_sentence_of_the_page_is_an_item_or_a_documented_exception() -> None:
    """Leave none out: a sentence is a heading, listed as not trackable (with a reason), or read by some item."""
    sources = _sources()
    uncovered = []
    for sentence in items.report_sentences(PAGE):
        if items.is_heading(sentence) or sentence in items.NOT_TRACKABLE:
            continue
        folded = items.fold(sentence)
        if not any(folded in src or src.rstrip("。") in folded for src in sources):
            uncovered.append(sentence)
    assert not uncovered
    assert all(reason for reason in items.NOT_TRACKABLE.values())
    assert all(s in items.report_sentences(PAGE) for s in items.NOT_TRACKABLE)


def test_tasks_are_well_formed() -> None:
    """Codes unique; area and lead department exist; deadline a month; qualifier from the report's words; the
    numbers that are names (135号, 2.0版本, 105国道, 第二轮) never become a target."""
    tasks = _csv("tasks.csv")
    codes = [t["code"] for t in tasks]
    assert len(codes) == len(set(codes)) and len(tasks) >= 50
    areas = {r["code"] for r in _csv("areas.csv")}
    departments = {r["code"] for r in _csv("departments.csv")}
    for t in tasks:
        assert t["area"] in areas and t["department"] in departments, t["code"]
        assert 1 <= int(t["deadline_month"]) <= 12
        assert t["qualifier"] in ("", *items.QUALIFIERS)
        assert not t["qualifier"] or t["qualifier"] in t["source"]
        assert t["ongoing"] in ("true", "false")
    for name_number in ("135", "2.0", "105", "二轮"):
        assert not any(name_number in t["name"] and re.search(r"\d", t["name"]) and "目标" in t["name"] for t in tasks)
    assert {r["value"] for r in _csv("targets.csv")}.isdisjoint({"135", "2", "2.0", "105"})


def test_items_csv_names_every_item_once_and_invents_no_leader() -> None:
    rows = _csv("items.csv")
    codes = [r["code"] for r in rows]
    assert len(codes) == len(set(codes))
    expected = set(registry())
    expected |= {r["code"] for r in _csv("projects.csv")} | {r["code"] for r in _csv("tasks.csv")}
    assert set(codes) == expected
    assert all(r["leader"] == "" for r in rows)
    departments = {r["code"] for r in _csv("departments.csv")}
    assert all(d in departments for r in rows for d in r["support_departments"].split(";") if d)
    # A lead department does not support its own item.
    lead = {code: ind.department for code, ind in registry().items()}
    lead |= {r["code"]: r["department"] for r in _csv("projects.csv") + _csv("tasks.csv")}
    assert [r["code"] for r in rows if lead[r["code"]] in r["support_departments"].split(";")] == []


def test_the_page_counts() -> None:
    """What the final note reports: 21 indicators, 33 projects, 54 tasks."""
    assert len(_csv("projects.csv")) == 33
    assert len(_csv("tasks.csv")) == 54
