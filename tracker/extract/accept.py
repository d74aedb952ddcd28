"""Accepting a draft's indicator targets through the targets upload path, so a target read from a report gets
the same checks, Chinese messages, batch and history as one uploaded on 目标管理.

Only ``ingest.parse_targets``, ``check_targets`` and ``commit_targets`` are called (the public names of the
upload path). The rows go over as a file whose line numbers are the draft's: line 1 is the header and item k is
line k + 1, with a blank line for every item that is not an accepted indicator, so a message "第5行" points at
the draft's 4th item and a reviewed Excel draft keeps its own row and column letters.
"""

from __future__ import annotations

import csv
import hashlib
import io
from dataclasses import dataclass

import pandas as pd

from tracker import ingest, store
from tracker.auth import User
from tracker.errors import Refusal
from tracker.extract.records import DraftItem
from tracker.extract.workbook import COMPARATOR_WORDS, SHEET, target_note

TARGET_HEADER = ("指标编码", "年", "目标值", "比较", "备注")


class NothingToAccept(Refusal, ValueError):
    """No item is an indicator with an existing code and a value. The message is Chinese."""


@dataclass(frozen=True)
class TargetCheck:
    """What committing would write (``frame``: old → new per indicator), every issue, and the parsed rows."""

    frame: pd.DataFrame
    issues: tuple[ingest.Issue, ...]
    rows: tuple[ingest.TargetRow, ...]
    data: bytes
    file_name: str
    skipped: int  # items that are not indicators with an existing code

    @property
    def ok(self) -> bool:
        return not any(i.level == "error" for i in self.issues) and not self.frame.empty


def existing_indicators() -> set[str]:
    from tracker.indicators import registry

    return set(registry())


def is_target(item: DraftItem, codes: set[str]) -> bool:
    """An indicator whose code this installation tracks: its target can be written today."""
    return item.kind == "indicator" and item.code.strip().lower() in codes


def targets_file(items: list[DraftItem], codes: set[str]) -> bytes:
    """A UTF-8 CSV targets file, one line per item (blank unless it is a target)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(TARGET_HEADER)
    for item in items:
        if is_target(item, codes):
            value = "" if item.value is None else item.value
            writer.writerow([item.code, item.year or "", value, COMPARATOR_WORDS.get(item.comparator, item.comparator), target_note(item)])
        else:
            out.write("\n")
    return out.getvalue().encode("utf-8")


def _check(data: bytes, file_name: str, user: User | None, skipped: int) -> TargetCheck:
    rows, issues = ingest.parse_targets(data, file_name)
    with store.connect() as con:
        frame, issues = ingest.check_targets(con, rows, user, issues)
    return TargetCheck(frame, tuple(issues), tuple(rows), data, file_name, skipped)


def check_items(items: list[DraftItem], user: User | None, file_name: str = "报告提取草稿.csv") -> TargetCheck:
    """The page's preview: the accepted items' targets checked as an upload would be (nothing is written)."""
    codes = existing_indicators()
    chosen = sum(1 for i in items if is_target(i, codes))
    if not chosen:
        raise NothingToAccept("没有可写入的指标目标：只有类型为“指标”且编码已存在的条目才能写入目标。")
    return _check(targets_file(items, codes), file_name, user, len(items) - chosen)


def check_workbook(data: bytes, file_name: str, user: User | None) -> TargetCheck:
    """A reviewed Excel draft: rows that are not indicators with an existing code are blanked (their line numbers
    stay), then the workbook is read as a targets file."""
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data))
    except Exception as exc:  # zip or xml errors: not a workbook
        raise ingest.IngestError("无法打开 Excel 文件：文件可能已损坏，或不是 .xlsx 格式。") from exc
    sheet = book[SHEET] if SHEET in book.sheetnames else book.worksheets[0]
    header = [str(c.value).strip() if c.value is not None else "" for c in sheet[1]]
    if "类型" not in header or "编码" not in header:
        raise ingest.IngestError("第1行缺少“类型”“编码”列：请使用 extract -o 生成的草稿文件。")
    kind_col, code_col = header.index("类型"), header.index("编码")
    codes = existing_indicators()
    kept = skipped = 0
    for row in sheet.iter_rows(min_row=2):
        kind = str(row[kind_col].value or "").strip()
        code = str(row[code_col].value or "").strip().lower()
        if all(c.value is None for c in row):
            continue
        if kind in ("指标", "indicator") and code in codes:
            kept += 1
            continue
        skipped += 1
        for cell in row:
            cell.value = None
    for other in [s for s in book.worksheets if s is not sheet]:
        book.remove(other)
    if not kept:
        raise NothingToAccept("草稿中没有可导入的指标目标：只有“类型”为“指标”且“编码”为已有指标编码的行才会导入。")
    out = io.BytesIO()
    book.save(out)
    return _check(out.getvalue(), file_name, user, skipped)


def commit(check: TargetCheck, user: User | None) -> int:
    """Write the checked targets as one batch (all or nothing; ingest checks again inside its transaction)."""
    sha = hashlib.sha256(check.data).hexdigest()
    return ingest.commit_targets(list(check.rows), user, list(check.issues), check.file_name, sha)
