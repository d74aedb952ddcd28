"""The one list of what the 督查室 follows: every indicator, project and task of a year, with who answers for it.

An item's lead department (牵头单位) is the department of its definition (an SQL header, ``projects.csv``,
``tasks.csv``). Its supporting departments (配合单位) and leader in charge (责任领导) are set by admins
(``set_assignment``), versioned as batches of kind ``items`` (seeded from ``data/items.csv``; the newest committed
batch wins, a revert brings the previous assignment back) and audited. A leader is never invented: empty until set.

``NOT_TRACKABLE`` lists the sentences of the report page that are no item, each with the reason.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Literal

from tracker import store
from tracker.auth import User, require_admin
from tracker.errors import Refusal
from tracker.indicators import registry
from tracker.ingest.batch import BatchKind
from tracker.ingest.cells import is_blank, read_tables
from tracker.ingest.headers import find_header, read_text
from tracker.ingest.model import IngestError

ItemKind = Literal["indicator", "project", "task"]
ITEM_KIND_NAMES = {"indicator": "指标", "project": "项目", "task": "重点工作"}
QUALIFIERS = ("力争", "确保", "约")
MAX_LEADER = 60

# Sentences of data/source/work-report-2023-p24.txt that are no item (headings are recognised by their form).
NOT_TRACKABLE: dict[str, str] = {
    "乡镇2023年政府工作报告-35篇(第24/65页)": "页眉：文档名和页码，不是工作内容",
    '按照"宜农则农、宜工则工、宜商则商、宜游则游"发展思路,找准乡村高质量发展着力点。': (
        "发展思路：只说明原则，没有可以填报进展或验收的具体工作"
    ),
}
_HEADING = re.compile(r"^(\([一二三四五六七八九十]+\)|\d+\.[^,，;；]{2,24}。$)")


class ItemError(Refusal, ValueError):
    """An assignment that cannot be written; the message is Chinese, for users."""


@dataclass(frozen=True)
class ItemRecord:
    code: str
    kind: ItemKind
    name: str
    area: str
    lead_department: str
    support_departments: list[str] = field(default_factory=list)
    leader: str = ""  # 责任领导: empty until an admin sets it
    deadline: int = 12  # the month the item is due
    source: str = ""  # the report's sentence
    qualifier: str = ""  # 力争 / 确保 / 约, or ""
    year: int = 0


@dataclass(frozen=True)
class Assignment:
    support_departments: list[str]
    leader: str


def fold(text: str) -> str:
    """Width and quote forms folded, so the report's "," and a file's "，" compare equal."""
    text = unicodedata.normalize("NFKC", text)
    return text.replace("“", '"').replace("”", '"').replace("‘", "'").replace("’", "'")


def report_sentences(text: str) -> list[str]:
    """The sentences of a report page, as written: split at 。 and at line ends."""
    return [s for line in text.splitlines() for s in re.findall(r"[^。]+。?", line) if s.strip()]


def is_heading(sentence: str) -> bool:
    """A section title ("(三)坚持…") or a numbered sub-title ("1.加强…。"): a title, not a commitment."""
    return bool(_HEADING.match(sentence.strip()))


def qualifier_in(sentence: str) -> str:
    """The first 力争/确保/约 of a sentence ("" when none): how firmly the report commits."""
    found = [(sentence.find(q), q) for q in ("力争", "确保") if q in sentence]
    return min(found)[1] if found else ""


def assignments(con: store.Connection, year: int) -> dict[str, Assignment]:
    rows = con.execute("select item, support_departments, leader from item_assignment_current where year = ?", [year]).fetchall()
    return {item: Assignment([d for d in (support or "").split(",") if d], leader or "") for item, support, leader in rows}


def list_items(con: store.Connection, year: int) -> list[ItemRecord]:
    """Every item of the year: indicators (in file order), projects, then tasks."""
    who = assignments(con, year)
    out: list[ItemRecord] = []
    for ind in registry().values():
        a = who.get(ind.code, Assignment([], ""))
        out.append(ItemRecord(ind.code, "indicator", ind.name, ind.area, ind.department, a.support_departments, a.leader, 12,
                              ind.source, ind.qualifier, year))  # fmt: skip
    for code, name, area, dept, source in con.execute(
        "select p.code, p.name, p.area, p.department, s.source from project p "
        "join item_source_current s on s.item = p.code and s.year = p.year and s.kind = 'project' where p.year = ? order by p.code",
        [year],
    ).fetchall():
        a = who.get(code, Assignment([], ""))
        out.append(ItemRecord(code, "project", name, area, dept, a.support_departments, a.leader, 12, source, qualifier_in(source), year))
    for code, name, area, dept, deadline, qualifier, source in con.execute(
        "select t.code, t.name, t.area, t.department, t.deadline_month, t.qualifier, s.source from task t "
        "join item_source_current s on s.item = t.code and s.year = t.year and s.kind = 'task' where t.year = ? order by t.code",
        [year],
    ).fetchall():
        a = who.get(code, Assignment([], ""))
        out.append(ItemRecord(code, "task", name, area, dept, a.support_departments, a.leader, int(deadline), source, qualifier, year))
    return out


def item_kind(con: store.Connection, code: str, year: int) -> tuple[ItemKind, str, str] | None:
    """(kind, name, lead department) of an item, or None when the year has no item of that code."""
    for item in list_items(con, year):
        if item.code == code:
            return item.kind, item.name, item.lead_department
    return None


@dataclass(frozen=True)
class AssignmentChange:
    """One item's new 责任领导 and/or 配合单位; ``None`` keeps the current value, "" or [] clears it. ``row`` is the
    row of a table or file the change came from, for messages (None for a single command)."""

    code: str
    leader: str | None = None
    support: list[str] | None = None  # department codes or names
    row: int | None = None
    sheet: str | None = None  # the worksheet of an uploaded workbook

    def where(self) -> str:
        sheet = f"工作表“{self.sheet}”" if self.sheet else ""
        return f"{sheet}第{self.row}行：" if self.row is not None else ""


def set_assignment(
    code: str,
    year: int,
    user: User | None,
    *,
    leader: str | None = None,
    support: list[str] | None = None,
    note: str | None = None,
) -> int:
    """A new 责任领导 and/or 配合单位 for one item, as its own batch (revertible) and audited. Admins only.
    ``None`` keeps the current value; an empty string or list clears it."""
    batch_id = set_assignments(year, user, [AssignmentChange(code, leader, support)], note=note)
    assert batch_id is not None  # one item, and a batch is written even when nothing changes
    return batch_id


def set_assignments(
    year: int,
    user: User | None,
    changes: list[AssignmentChange],
    *,
    note: str | None = None,
    file_name: str = "责任分工调整",
    only_changed: bool = False,
) -> int | None:
    """New 责任领导 and/or 配合单位 for several items in ONE batch and one transaction, audited; admins only. Every
    change is checked first: any bad row refuses them all with every problem named (row, column), nothing written.
    ``only_changed`` leaves out rows equal to the current assignment and writes nothing (returns None) when none
    differs."""
    user = require_admin(user)
    with store.writing() as con:
        known = {i.code: i for i in list_items(con, year)}
        departments = dict(con.execute("select code, name from department").fetchall())
        current = assignments(con, year)
        problems: list[str] = []
        seen: dict[str, int | None] = {}
        for change in changes:
            if change.code.strip() in seen:
                problems.append(f"{change.where()}事项编码：“{change.code}”出现多次，每个事项只能有一行。")
            seen[change.code.strip()] = change.row
        rows: list[tuple[ItemRecord, Assignment, list[str], str]] = []
        for change in changes:
            where = change.where()
            item = known.get(change.code.strip())
            if item is None:
                problems.append(f"{where}事项编码：{year}年没有编码为“{change.code}”的事项（指标、项目或重点工作）。")
                continue
            was = current.get(item.code, Assignment([], ""))
            try:
                support = was.support_departments if change.support is None else _support(change.support, departments)
            except ItemError as exc:
                problems.append(f"{where}配合单位：{exc}")
                continue
            leader = was.leader if change.leader is None else change.leader.strip()
            if only_changed and (support, leader) == (was.support_departments, was.leader):
                continue  # an unchanged row is not judged again (the seed may hold what a change may not)
            if item.lead_department in support and support != was.support_departments:
                lead = departments[item.lead_department]
                problems.append(f"{where}配合单位：“{lead}”是“{item.name}”的牵头单位，不能同时作为配合单位。")
                continue
            if len(leader) > MAX_LEADER:
                problems.append(f"{where}责任领导：不能超过 {MAX_LEADER} 个字（“{item.name}”）。")
                continue
            rows.append((item, was, support, leader))
        if problems:
            raise ItemError("\n".join(problems))
        if not rows and only_changed:
            return None
        batch_id = store.new_batch(con, BatchKind.ITEMS, user.name, file_name=file_name, rows=len(rows))
        store.insert_rows(
            con,
            "item_assignment",
            ["item", "year", "kind", "support_departments", "leader", "note", "batch_id"],
            [[item.code, year, item.kind, ",".join(support), leader, note, batch_id] for item, _, support, leader in rows],
        )
        for item, was, support, leader in rows:
            store.audit(con, user.name, "item.assign", {"batch": batch_id, "item": item.code, "name": item.name, "year": year,
                                                        "leader": [was.leader, leader],
                                                        "support": [was.support_departments, support]})  # fmt: skip
    return batch_id


def _support(values: list[str], departments: dict[str, str]) -> list[str]:
    """Department codes from codes or names (水务局 or water), each once, in the order given."""
    by_name = {name: code for code, name in departments.items()}
    out: list[str] = []
    for value in (v.strip() for v in values):
        if not value:
            continue
        code = value if value in departments else by_name.get(value)
        if code is None:
            raise ItemError(f"部门“{value}”不存在（可选：{'、'.join(departments.values())}）。")
        if code not in out:
            out.append(code)
    return out


ASSIGNMENT_COLUMNS = {
    "code": ("事项编码", "编码", "指标编码", "项目编码", "code", "item"),
    "support": ("配合单位", "support", "supportdepartments"),
    "leader": ("责任领导", "leader"),
}


def parse_assignment_file(data: bytes, file_name: str) -> list[AssignmentChange]:
    """The rows of an uploaded item list (.xlsx or .csv with 事项编码 and 配合单位 and/or 责任领导; other columns such as
    事项 are ignored). A blank cell clears (配合单位 none, 责任领导 未设置); a column left out keeps what is set.
    配合单位 are department names or codes separated by 、，, or ;. Raises ItemError naming the problem in Chinese."""
    try:
        tables = read_tables(data, file_name)
    except IngestError as exc:
        raise ItemError(str(exc)) from exc
    out: list[AssignmentChange] = []
    problems: list[str] = []
    for table in tables:
        problems += [p.text() for p in table.problems]
        found = find_header(table, ASSIGNMENT_COLUMNS, ("code",))
        if not found or ("support" not in found[1] and "leader" not in found[1]):
            continue
        header, cols = found
        for index in range(header + 1, len(table.rows)):
            row = table.rows[index]
            if all(is_blank(c) for c in row):
                continue
            code = read_text(row, cols, "code")
            support = [s for s in re.split(r"[、，,;；\s]+", read_text(row, cols, "support")) if s] if "support" in cols else None
            leader = read_text(row, cols, "leader") if "leader" in cols else None
            where = AssignmentChange("", row=index + 1, sheet=table.sheet).where()
            if not code:
                problems.append(f"{where}事项编码：不能为空。")
                continue
            out.append(
                AssignmentChange(code, leader, [s for s in support or [] if s] if support is not None else None, index + 1, table.sheet)
            )
    if problems:
        raise ItemError("\n".join(problems))
    if not out:
        raise ItemError("没有找到表头：事项清单需要“事项编码”列，以及“配合单位”或“责任领导”列。")
    return out
