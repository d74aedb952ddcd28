"""The new report's sentence of a project or task copied into a new year (issue #16, part 5): one job.

``tracker.years`` copies a year's projects and tasks with last year's sentence, marked as last year's report's
(``source_year``; the pages add “沿用2023年报告原文，待按新报告核对”). An admin enters the new report's words here:
a batch of kind ``sentences`` (one transaction, audited), rows in ``item_sentence``. The newest committed batch wins
over the copied sentence and clears the mark; reverting the batch (上传记录, ``revert``) brings the copied sentence and
its mark back. The sentence is read in one place, the view ``item_source_current`` (status, items, pages, deck, 通报,
exports all go through it). The report's words are never edited in place. A sentence is not a month's data: a
locked month does not matter here.
"""

from __future__ import annotations

from dataclasses import dataclass

from tracker import store
from tracker.auth import User, require_admin
from tracker.errors import Refusal
from tracker.ingest.batch import BatchKind
from tracker.ingest.cells import cell_at, column_letter, is_blank, read_tables
from tracker.ingest.headers import find_header, free_text, read_int, read_text
from tracker.ingest.model import IngestError, Issue

MAX_SENTENCE = 500  # characters: a report's sentence on one item is far shorter; more is a pasted page
SENTENCE_COLUMNS = {
    "code": ("编码", "事项编码", "项目编码", "code", "item"),
    "year": ("年", "年份", "年度", "year"),
    "text": ("原文", "报告原文", "新报告原文", "text", "source"),
}


class SentenceError(Refusal, ValueError):
    """A sentence that cannot be written; the message is Chinese and names the row, column, code or year."""


@dataclass(frozen=True)
class SentenceChange:
    code: str
    year: int
    text: str
    row: int | None = None  # the row of a file or table it came from, for messages
    sheet: str | None = None

    def where(self) -> str:
        sheet = f"工作表“{self.sheet}”" if self.sheet else ""
        return f"{sheet}第{self.row}行：" if self.row is not None else ""


@dataclass(frozen=True)
class CopiedItem:
    """A project or task of a year and its current sentence; ``source_year`` set while it is still last year's."""

    code: str
    kind: str  # project | task
    name: str
    source: str
    source_year: int | None  # set while the sentence is still last year's (no new one entered)
    copied_from: int | None = None  # the year the item was copied from (None: the year's own report built it)


def copied_items(con: store.Connection, year: int, *, pending_only: bool = True) -> list[CopiedItem]:
    """The projects and tasks of ``year`` with their current sentence; by default only those still marked."""
    rows = con.execute(
        """
        select s.item, s.kind, coalesce(p.name, t.name), s.source, s.source_year, coalesce(p.source_year, t.source_year)
        from item_source_current s
        left join project p on s.kind = 'project' and p.code = s.item and p.year = s.year
        left join task t on s.kind = 'task' and t.code = s.item and t.year = s.year
        where s.year = ? and (not ? or s.source_year is not null)
        order by s.kind, s.item
        """,
        [year, pending_only],
    ).fetchall()
    return [CopiedItem(code, kind, name, source, None if y is None else int(y), None if c is None else int(c))
            for code, kind, name, source, y, c in rows]  # fmt: skip


def set_sentence(code: str, year: int, text: str, user: User | None) -> int:
    """One item's new-report sentence as its own batch; returns the batch id."""
    return set_sentences(user, [SentenceChange(code, year, text)], file_name=f"{code}的{year}年报告原文")


def set_sentences(user: User | None, changes: list[SentenceChange], *, file_name: str = "报告原文核对") -> int:
    """Several sentences in ONE batch and one transaction, audited; admins only. Every row is checked first: any bad
    row refuses them all, each problem named (row, column, code, year), and nothing is written."""
    user = require_admin(user)
    if not changes:
        raise SentenceError("没有要保存的报告原文。")
    with store.writing() as con:
        years = {c.year for c in changes}
        known: dict[tuple[str, int], CopiedItem] = {}
        for year in years:
            known |= {(i.code, year): i for i in copied_items(con, year, pending_only=False)}
        held = {int(y) for (y,) in con.execute("select distinct year from project union select distinct year from task").fetchall()}
        problems: list[str] = []
        seen: set[tuple[str, int]] = set()
        rows: list[tuple[CopiedItem, int, str]] = []
        for change in changes:
            where, code, text = change.where(), change.code.strip(), change.text.strip()
            key = (code, change.year)
            if key in seen:
                problems.append(f"{where}编码：“{code}”的{change.year}年原文出现多次，每个事项每年只能有一行。")
                continue
            seen.add(key)
            if change.year not in held:
                problems.append(f"{where}年：{change.year}年没有重点项目或重点工作（请先开始该年度）。")
                continue
            item = known.get(key)
            if item is None:
                problems.append(f"{where}编码：{change.year}年没有编码为“{code}”的重点项目或重点工作。")
                continue
            if item.copied_from is None:
                problems.append(f"{where}编码：“{item.name}”的原文就是{change.year}年报告的原文（不是由上一年度沿用的），不在这里修改。")
                continue
            if not text:
                problems.append(f"{where}原文：“{item.name}”的新报告原文不能为空。")
                continue
            if len(text) > MAX_SENTENCE:
                problems.append(
                    f"{where}原文：“{item.name}”的原文有{len(text)}个字，超过上限{MAX_SENTENCE}个字，请只填写报告中该事项的原句。"
                )
                continue
            rows.append((item, change.year, text))
        if problems:
            raise SentenceError("\n".join(problems))
        batch_id = store.new_batch(con, BatchKind.SENTENCES, user.name, file_name=file_name, rows=len(rows))
        store.insert_rows(
            con,
            "item_sentence",
            ["item", "year", "kind", "text", "batch_id"],
            [[item.code, year, item.kind, text, batch_id] for item, year, text in rows],
        )
        for item, year, text in rows:
            store.audit(con, user.name, "item.sentence", {"batch": batch_id, "item": item.code, "name": item.name, "year": year,
                                                          "sentence": [item.source, text]})  # fmt: skip
    return batch_id


def parse_sentence_file(data: bytes, file_name: str) -> list[SentenceChange]:
    """The rows of a .xlsx or .csv with 编码, 年, 原文 (other columns ignored). Raises SentenceError naming every
    problem by row and column; nothing is read into the store here."""
    try:
        tables = read_tables(data, file_name)
    except IngestError as exc:
        raise SentenceError(str(exc)) from exc
    out: list[SentenceChange] = []
    problems: list[str] = []
    for table in tables:
        problems += [p.text() for p in table.problems]
        try:
            found = find_header(table, SENTENCE_COLUMNS, ("code", "year", "text"))
        except IngestError as exc:
            problems.append(str(exc))
            continue
        if not found:
            continue
        header, cols = found
        for index in range(header + 1, len(table.rows)):
            row, line = table.rows[index], index + 1
            if all(is_blank(c) for c in row):
                continue
            issues: list[Issue] = []
            year = read_int(row, cols, "year", "年", issues, table.sheet, line)
            problems += [i.text() for i in issues]
            code = read_text(row, cols, "code")
            if not code:
                problems.append(Issue("error", "编码不能为空", table.sheet, line, _column(cols, "code")).text())
                continue
            if year is not None:
                out.append(SentenceChange(code, year, free_text(cell_at(row, cols["text"]).value), line, table.sheet))
    if problems:
        raise SentenceError("\n".join(problems))
    if not out:
        raise SentenceError("没有找到表头：报告原文清单需要“编码”“年”“原文”三列。")
    return out


def _column(cols: dict[str, int], key: str) -> str:
    names = {"code": "编码", "year": "年", "text": "原文"}
    return f"{column_letter(cols[key])}列（{names[key]}）"
