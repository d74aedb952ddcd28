"""The records the extractor hands to the page, the CLI and the writers.

Every record is frozen: a draft item is a suggestion read from the text, and a reviewer's edit makes a new one
(``dataclasses.replace``), so the extractor's own reading stays available for comparison.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Literal

ItemKind = Literal["indicator", "project", "task"]
ITEM_KINDS: tuple[ItemKind, ...] = ("indicator", "project", "task")
ITEM_KIND_NAMES: dict[ItemKind, str] = {"indicator": "指标", "project": "项目", "task": "任务"}
COMPARATORS = (">=", "<=", "=")
QUALIFIERS = ("力争", "确保", "约")

# The fields ``extract --json`` prints, in this order (the draft's public shape).
JSON_FIELDS = ("sentence", "name", "kind", "value", "unit", "comparator", "qualifier", "area", "department", "confidence")


@dataclass(frozen=True)
class Sentence:
    """One sentence of the report, verbatim, with where it sits (offsets into the decoded text)."""

    text: str
    start: int
    end: int
    section: str  # the nearest heading above it, for the area a clause does not name itself
    past: bool  # a review of an earlier year (2022年…完成…): nothing in it is a commitment for this year
    title: bool  # a numbered sub-heading ("1.加强基本民生保障。"): a topic, not a commitment


@dataclass(frozen=True)
class Clause:
    """A stretch of a sentence between commas or semicolons; quotes are never split."""

    text: str
    start: int  # offset into the decoded text
    opens: str = ""  # the mark before it ("，" or "；"): a semicolon ends the reach of an earlier 力争/确保


@dataclass(frozen=True)
class Quantity:
    """A number the report commits to, read from one clause."""

    value: float
    unit: str
    comparator: str
    upper: float | None  # the top of a range ("6%-8%"), else None
    approximate: bool  # 约 / 左右


@dataclass(frozen=True)
class DraftItem:
    """One item of the draft: what the report commits to, and where it says so."""

    sentence: str
    name: str
    kind: ItemKind
    value: float | None
    unit: str
    comparator: str  # ">=", "<=", "=" for indicators; "" for projects and tasks
    qualifier: str  # 力争 / 确保 / 约, or ""
    area: str
    department: str
    confidence: float
    start: int = 0  # the sentence's offsets in the decoded text (for highlighting it)
    end: int = 0
    clause: str = ""
    upper: float | None = None
    code: str = ""  # an existing indicator or project this item restates, else a suggested new code
    year: int | None = None
    milestone: str = ""  # a project's milestone as the report words it (建成, 年内动工, 完工通水)

    def to_json(self) -> dict:
        """The draft's public fields first, then what review and acceptance also need."""
        data = asdict(self)
        first = {k: data.pop(k) for k in JSON_FIELDS}
        return {**first, "code": data["code"], "year": data["year"], "upper": data["upper"], "clause": data["clause"]}
