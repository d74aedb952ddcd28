"""The draft as rows with Chinese headers: an Excel file to review offline (and read back), and the table the
review page edits. The same headers serve both, so a reviewed file and the page speak one language.

The Excel file is also a targets file: its 编码, 年, 目标值, 比较 and 备注 columns are the ones the targets upload
reads (``tracker.ingest``), so ``targets import`` can hand it over with row and column numbers intact.
"""

from __future__ import annotations

import io
import math
from dataclasses import replace

from tracker.extract.names import area_names, department_names, to_code
from tracker.extract.records import COMPARATORS, ITEM_KIND_NAMES, QUALIFIERS, DraftItem, ItemKind

COMPARATOR_WORDS = {">=": "不低于", "<=": "不高于", "=": "等于"}
# Chinese header → DraftItem field ("index" and "note" are the row's own).
COLUMNS: tuple[tuple[str, str], ...] = (
    ("序号", "index"),
    ("类型", "kind"),
    ("编码", "code"),
    ("名称", "name"),
    ("目标值", "value"),
    ("上限", "upper"),
    ("单位", "unit"),
    ("比较", "comparator"),
    ("限定词", "qualifier"),
    ("领域", "area"),
    ("牵头部门", "department"),
    ("年", "year"),
    ("节点", "milestone"),
    ("置信度", "confidence"),
    ("原文", "sentence"),
    ("分句", "clause"),
    ("备注", "note"),
)
HEADERS = tuple(h for h, _ in COLUMNS)
WIDTHS = {"序号": 6, "类型": 7, "编码": 22, "名称": 34, "目标值": 10, "上限": 8, "单位": 7, "比较": 8, "限定词": 8}
WIDTHS |= {"领域": 12, "牵头部门": 18, "年": 7, "节点": 12, "置信度": 8, "原文": 70, "分句": 36, "备注": 36}
SHEET = "草稿"


def target_note(item: DraftItem) -> str:
    """The note a target keeps, as data/targets.csv words it: 原文“…”."""
    return f"原文“{item.clause or item.sentence}”" if item.kind == "indicator" else ""


def review_row(index: int, item: DraftItem) -> dict[str, object]:
    """One item as the reviewer sees it: Chinese words for kind, comparator, area and department."""
    return {
        "序号": index,
        "类型": ITEM_KIND_NAMES.get(item.kind, item.kind),
        "编码": item.code,
        "名称": item.name,
        "目标值": item.value,
        "上限": item.upper,
        "单位": item.unit,
        "比较": COMPARATOR_WORDS.get(item.comparator, item.comparator),
        "限定词": item.qualifier,
        "领域": area_names().get(item.area, item.area),
        "牵头部门": department_names().get(item.department, item.department),
        "年": item.year,
        "节点": item.milestone,
        "置信度": item.confidence,
        "原文": item.sentence,
        "分句": item.clause,
        "备注": target_note(item),
    }


def review_rows(items: list[DraftItem]) -> list[dict[str, object]]:
    return [review_row(i, item) for i, item in enumerate(items, start=1)]


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value)) or (isinstance(value, str) and not value.strip())


def _number(value: object) -> float | None:
    if _blank(value):
        return None
    try:
        return float(str(value).replace(",", "").replace("，", ""))
    except ValueError:
        return None


def _text(value: object) -> str:
    if _blank(value):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def item_from_row(row: dict[str, object], original: DraftItem | None = None) -> DraftItem:
    """The reviewer's row back as an item; offsets (for highlighting) come from the item it was drawn from."""
    kinds: dict[str, ItemKind] = {name: kind for kind, name in ITEM_KIND_NAMES.items()} | {k: k for k in ITEM_KIND_NAMES}
    comparators = {word: c for c, word in COMPARATOR_WORDS.items()} | {c: c for c in COMPARATORS}
    year = _number(row.get("年"))
    qualifier = _text(row.get("限定词"))
    item = DraftItem(
        sentence=_text(row.get("原文")),
        name=_text(row.get("名称")),
        kind=kinds.get(_text(row.get("类型")), "task"),
        value=_number(row.get("目标值")),
        unit=_text(row.get("单位")),
        comparator=comparators.get(_text(row.get("比较")), ""),
        qualifier=qualifier if qualifier in QUALIFIERS else "",
        area=to_code(row.get("领域"), area_names()),
        department=to_code(row.get("牵头部门"), department_names()),
        confidence=_number(row.get("置信度")) or 0.0,
        clause=_text(row.get("分句")),
        upper=_number(row.get("上限")),
        code=_text(row.get("编码")),
        year=int(year) if year is not None else None,
        milestone=_text(row.get("节点")),
    )
    if original is not None:
        item = replace(item, start=original.start, end=original.end)
    return item


# ---------------------------------------------------------------- Excel


def write_xlsx(items: list[DraftItem]) -> bytes:
    """The draft for review in Excel: frozen header, widths, the sentence wrapped, lists for the coded columns."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    book = Workbook()
    sheet = book.active
    sheet.title = SHEET
    sheet.append(list(HEADERS))
    for row in review_rows(items):
        sheet.append([row[h] for h in HEADERS])
    header_fill = PatternFill("solid", fgColor="DDE7F0")
    wrap = Alignment(wrap_text=True, vertical="top")
    for col, header in enumerate(HEADERS, start=1):
        letter = get_column_letter(col)
        cell = sheet.cell(row=1, column=col)
        cell.font = Font(bold=True)
        cell.fill = header_fill
        sheet.column_dimensions[letter].width = WIDTHS.get(header, 12)
        if header in ("原文", "分句", "名称", "备注"):
            for (body,) in sheet.iter_rows(min_row=2, min_col=col, max_col=col):
                body.alignment = wrap
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = sheet.dimensions
    last = max(2, len(items) + 1)
    lists = {
        "类型": list(ITEM_KIND_NAMES.values()),
        "比较": list(COMPARATOR_WORDS.values()),
        "限定词": list(QUALIFIERS),
        "领域": list(area_names().values()),
        "牵头部门": list(department_names().values()),
    }
    for header, choices in lists.items():
        if not choices:
            continue
        letter = get_column_letter(HEADERS.index(header) + 1)
        check = DataValidation(type="list", formula1='"' + ",".join(choices) + '"', allow_blank=True)
        check.error, check.errorTitle = "请从下拉列表中选择", "取值无效"
        sheet.add_data_validation(check)
        check.add(f"{letter}2:{letter}{last}")
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


class DraftFileError(ValueError):
    """A file that is not a draft written by ``extract -o``. The message is Chinese."""


def read_xlsx(data: bytes) -> list[DraftItem]:
    """A reviewed draft back as items (rows with neither a name nor a sentence are skipped)."""
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # zip or xml errors: not a workbook
        raise DraftFileError("无法打开 Excel 文件：文件可能已损坏，或不是 .xlsx 格式。") from exc
    try:
        sheet = book[SHEET] if SHEET in book.sheetnames else book.worksheets[0]
        rows = sheet.iter_rows(values_only=True)
        header = [_text(v) for v in next(rows, ())]
        if "类型" not in header or "名称" not in header:
            raise DraftFileError("第1行缺少“类型”“名称”列：请使用 extract -o 生成的草稿文件。")
        items = []
        for values in rows:
            row = dict(zip(header, values, strict=False))
            if _blank(row.get("名称")) and _blank(row.get("原文")):
                continue
            items.append(item_from_row(row))
        return items
    finally:
        book.close()
