"""Numbers as a report writes them: 35, 3万, 1,200, 2.5亿元, 十件, 一百, 百家, 60%, 6%-8%.

A number is only a commitment when a unit follows it; many numbers in a report are names instead (务仁巷135号,
105国道, S268, 2.0版本, 第二轮, 2023年, 6月), and those are told apart here, by what stands right around them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_CN_SMALL = {"十": 10, "百": 100, "千": 1000}
_CN_LARGE = {"万": 10_000, "亿": 100_000_000}


def chinese_number(text: str) -> float | None:
    """十 → 10, 二十五 → 25, 一百 → 100, 百 → 100, 一千二百 → 1200, 三万 → 30000; None when it is not a number."""
    if not text or any(ch not in _CN_DIGITS and ch not in _CN_SMALL and ch not in _CN_LARGE for ch in text):
        return None
    if text[0] in _CN_LARGE:
        return None
    total, section, digit = 0, 0, None
    for ch in text:
        if ch in _CN_DIGITS:
            if digit is not None and digit != 0:  # "一二" is not a number in a report
                return None
            digit = _CN_DIGITS[ch]
        elif ch in _CN_SMALL:
            section += (1 if digit is None else digit) * _CN_SMALL[ch]
            digit = None
        else:
            section += digit or 0
            total += section * _CN_LARGE[ch]
            section, digit = 0, None
    return float(total + section + (digit or 0))


# Units a commitment is counted in, longest first so 场次 wins over 场 and 个百分点 over 个.
COUNT_UNITS = (
    "场次", "人次", "户次", "家", "个", "条", "套", "处", "件", "场", "项", "所", "座", "宗", "名", "人", "户",
    "间", "栋", "幢", "辆", "台", "张", "次", "棵", "株", "盏", "艘", "支", "批次", "床",
)  # fmt: skip
MEASURE_UNITS = (
    "平方公里", "平方千米", "平方米", "立方米", "公顷", "公里", "千米", "千瓦", "兆瓦", "公斤", "亩", "吨", "米",
)  # fmt: skip
MONEY_UNITS = ("美元", "元")
RATE_UNITS = ("个百分点", "百分点", "%", "‰")
UNITS = tuple(sorted(COUNT_UNITS + MEASURE_UNITS + MONEY_UNITS + RATE_UNITS, key=len, reverse=True))

_ARABIC = r"\d+(?:,\d{3})*(?:\.\d+)?"
_CN = r"[一二两三四五六七八九十百千][零〇一二两三四五六七八九十百千万亿]*"
_MAGNITUDE = r"[万亿千]?"
_UNIT = "|".join(re.escape(u) for u in UNITS)
_RANGE = r"\s*[-—–~～至到]\s*"
NUMBER = re.compile(
    rf"(?P<low>{_ARABIC}|{_CN})(?P<low_mag>{_MAGNITUDE})(?P<low_unit>{_UNIT})?"
    rf"(?:{_RANGE}(?P<high>{_ARABIC}|{_CN})(?P<high_mag>{_MAGNITUDE}))?"
    rf"(?P<unit>{_UNIT})?"
)

# What may stand right before a number that is a name, not an amount.
_NAME_BEFORE = re.compile(r"(?:第|[A-Za-z]|[A-Za-z]-)$")
# What may follow a number that is a name, a date or a version.
_NAME_AFTER = re.compile(r"^(?:号|国道|省道|县道|乡道|高速|路|线|大道|巷|街|版|版本|代|年|月|日|周年|届|期|岁|楼|层|室|号楼|[A-Za-z]|\.\d)")
# Idioms that look like counts ("一条龙", "一次性"): never a target.
IDIOMS = ("一条龙", "一次性", "一张图", "一张网", "一件事", "一站式", "一盘棋", "一张蓝图", "一批", "一揽子", "一系列")


@dataclass(frozen=True)
class NumberPhrase:
    """A number with its unit as written, and where it sits in the clause."""

    value: float
    unit: str
    upper: float | None
    start: int
    end: int


def _value(digits: str, magnitude: str) -> float | None:
    number: float | None = float(digits.replace(",", "")) if digits[0].isdigit() else chinese_number(digits)
    if number is None:
        return None
    return number * {"": 1, "千": 1_000, "万": 10_000, "亿": 100_000_000}[magnitude]


def _unit_and_scale(unit: str, magnitude: str) -> tuple[str, str]:
    """Money keeps its magnitude in the unit (50亿元 stays 50, 亿元), as reports and budgets write it."""
    if unit in MONEY_UNITS and magnitude in ("万", "亿"):
        return magnitude + unit, ""
    return unit, magnitude


def _in_quotes(text: str, index: int) -> bool:
    """Inside "…" or “…”: a quoted number is the name of a plan ("三个一百", "十大行动")."""
    before = text[:index]
    if before.count('"') % 2 == 1 and text.count('"') % 2 == 0:
        return True
    return before.count("“") > before.count("”") or before.count("《") > before.count("》")


_NUMERAL_RUN = re.compile(r"[零〇一二两三四五六七八九十百千万亿]+")


def _names_a_plan(text: str, end: int) -> bool:
    """A count followed by a bare Chinese numeral ("三个一百计划"); "一家百亿元以上企业" is a count of firms."""
    run = _NUMERAL_RUN.match(text, end)
    if not run:
        return False
    return not any(text.startswith(u, run.end()) for u in UNITS) and not text.startswith(("万", "亿"), run.end())


def number_phrases(text: str) -> list[NumberPhrase]:
    """Every amount with a unit in ``text`` (width-folded), leaving out numbers that are names or dates."""
    out: list[NumberPhrase] = []
    for match in NUMBER.finditer(text):
        start, end = match.start(), match.end()
        if match.group("low_unit") and not match.group("high"):
            unit, end = match.group("low_unit"), match.end("low_unit")  # "3000万美元项目": 美元, not 项
        else:
            unit = match.group("unit") or match.group("low_unit")
        if not unit:
            continue
        if _NAME_BEFORE.search(text[:start]) or _NAME_AFTER.match(text[end:]) or _in_quotes(text, start):
            continue
        if match.group("low_unit") and match.group("high") and match.group("unit") != match.group("low_unit"):
            continue  # "3个-5万" is two things, not a range
        if any(text.startswith(idiom, start) for idiom in IDIOMS):
            continue
        if not match.group("low")[0].isdigit() and _names_a_plan(text, end):
            continue  # "三个一百": a count of numbers is the name of a plan
        if match.group("low")[0].isdigit() and start > 0 and (text[start - 1].isdigit() or text[start - 1] == "."):
            continue
        digits, magnitude = match.group("low"), match.group("low_mag")
        if unit in MONEY_UNITS and not magnitude and digits[-1] in "万亿" and len(digits) > 1:
            digits, magnitude = digits[:-1], digits[-1]  # 百亿元: 百 of 亿元
        low_unit, low_mag = _unit_and_scale(unit, magnitude)
        value = _value(digits, low_mag)
        if value is None:
            continue
        upper = None
        if match.group("high"):
            _, high_mag = _unit_and_scale(unit, match.group("high_mag") or match.group("low_mag"))
            upper = _value(match.group("high"), high_mag)
            if upper is None or upper < value:
                continue
        out.append(NumberPhrase(value, low_unit, upper, start, end))
    return out
