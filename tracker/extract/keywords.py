"""Which area and department an item most likely belongs to, from ``data/extract_keywords.csv``.

The table is text so a town can adjust it to its own departments without touching code. The item's own name
decides when it holds a keyword; only then its clause, then the headings above it or the whole sentence: "鱼塘尾水治理"
under "推进生态环境建设" belongs to water (and agriculture), not ecology, and "…污水预处理设施覆盖率" in a sentence
full of 污水 still goes to the department of 预处理.
"""

from __future__ import annotations

import csv
import io
import re
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from tracker import config

KEYWORDS_FILE = "extract_keywords.csv"


@dataclass(frozen=True)
class Keyword:
    word: str
    area: str  # "" when the word says nothing about the area
    department: str  # "" when the word says nothing about the department
    weight: float


@dataclass(frozen=True)
class KeywordTable:
    keywords: tuple[Keyword, ...]
    pattern: re.Pattern[str]  # every keyword, longest first, in one alternation (one scan per text)
    by_word: dict[str, Keyword]

    @classmethod
    def from_rows(cls, rows: list[Keyword]) -> KeywordTable:
        ordered = tuple(sorted(rows, key=lambda k: len(k.word), reverse=True))
        pattern = re.compile("|".join(re.escape(k.word) for k in ordered) or r"(?!)")
        return cls(ordered, pattern, {k.word: k for k in ordered})


@dataclass(frozen=True)
class Suggestion:
    area: str
    department: str
    score: float  # how much keyword evidence there was (0 when none)


def parse_keywords(text: str) -> KeywordTable:
    rows = []
    for record in csv.DictReader(io.StringIO(text)):
        word = (record.get("keyword") or "").strip()
        if word:
            rows.append(
                Keyword(
                    word, (record.get("area") or "").strip(), (record.get("department") or "").strip(), float(record.get("weight") or 1)
                )
            )
    return KeywordTable.from_rows(rows)


@lru_cache(maxsize=4)
def load_keywords(path: Path | None = None) -> KeywordTable:
    path = path or config.DATA_DIR / KEYWORDS_FILE
    return parse_keywords(path.read_text(encoding="utf-8"))


def _scores(text: str, table: KeywordTable) -> tuple[dict[str, float], dict[str, float]]:
    areas: dict[str, float] = defaultdict(float)
    departments: dict[str, float] = defaultdict(float)
    for match in table.pattern.finditer(text):
        keyword = table.by_word[match.group(0)]
        if keyword.area:
            areas[keyword.area] += keyword.weight
        if keyword.department:
            departments[keyword.department] += keyword.weight
    return areas, departments


def _best(scores: dict[str, float]) -> tuple[str, float]:
    return max(scores.items(), key=lambda kv: (kv[1], kv[0]), default=("", 0.0))


def suggest(name: str, clause: str, sentence: str, section: str, table: KeywordTable) -> Suggestion:
    """The best area and department from the most specific text that names one; "" when none does.

    Headings speak for the area before the sentence does (a sentence lists works of several areas), but a heading
    names no office, so the sentence speaks for the department first."""
    area, area_score = _first((name, clause, section, sentence), table, 0)
    department, department_score = _first((name, clause, sentence, section), table, 1)
    return Suggestion(area, department, area_score + department_score)


def _first(texts: tuple[str, ...], table: KeywordTable, which: int) -> tuple[str, float]:
    for level, text in enumerate(texts):
        scores = _scores(text, table)[which]
        if scores:
            best, found = _best(scores)
            return best, found / (level + 1)
    return "", 0.0
