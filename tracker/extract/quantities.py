"""Commitments with a number: 新增规模以上工业企业35家以上, 市场主体总量突破3万家, 新增绿化、造林面积约800亩,
地区生产总值增长8%左右, 覆盖率达到60%, 完成51个小区污水管网改造, 做好十件民生实事, 控制在3%以内, 增长6%-8%.

Two word orders carry a count: the thing, then the number ("…企业35家以上", post-noun), or the number, then the
thing ("完成51个小区…改造", pre-noun). A money or rate amount followed by a noun ("百亿元以上企业", "超百亿元产业
集群") describes the noun and is no target of its own.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from tracker.extract.numbers import COUNT_UNITS, MEASURE_UNITS, NumberPhrase, number_phrases
from tracker.extract.records import Quantity

_SUFFIX = re.compile(r"^(?:及以上|以上|以下|以内|左右|多)")
_SUFFIX_COMPARATOR = {"及以上": ">=", "以上": ">=", "多": ">=", "以下": "<=", "以内": "<="}
# Words right before a number that set its comparator, longest first.
_BEFORE_COMPARATOR = (
    ("不超过", "<="), ("不高于", "<="), ("不多于", "<="), ("控制在", "<="), ("压减至", "<="), ("压降至", "<="),
    ("降至", "<="), ("降低到", "<="), ("下降到", "<="), ("低于", "<="), ("少于", "<="),
    ("保持在", "="), ("稳定在", "="), ("维持在", "="),
    ("不低于", ">="), ("不少于", ">="), ("至少", ">="), ("超过", ">="), ("突破", ">="), ("达到", ">="), ("达", ">="),
)  # fmt: skip
_APPROXIMATE_BEFORE = ("大约", "接近", "约", "近")
QUALIFIER_WORDS = (("力争", "力争"), ("力促", "力争"), ("争取", "力争"), ("确保", "确保"), ("保证", "确保"))
# Leading words of a post-noun name that say how hard, not what ("力争全年新增…" → "新增…").
_LEADING = (
    "力争", "力促", "争取", "努力", "确保", "保证", "全年", "年内", "今年", "全镇", "推动", "实现", "完成", "做好",
    "全面", "加快", "持续", "进一步", "积极", "大力", "着力", "深入", "扎实", "开展", "推进", "提供", "做到",
    "预计", "计划", "围绕", "引进或培育", "引进", "培育", "将", "使", "其中", "以及", "和", "及", "、",
)  # fmt: skip
_TRAILING = (
    "突破", "达到", "达", "超过", "不低于", "不少于", "不超过", "不高于", "低于", "控制在", "保持在", "稳定在",
    "维持在", "大约", "接近", "约", "近", "为", "在", "至", "到", "总计", "累计", "完成", "实现", "均超", "超",
)  # fmt: skip
# What a list's first item starts with and the items after "、" leave out ("新开工A项目2个、B项目3个").
_LIST_VERB = re.compile(r"^(?:新增|新建|新签约|新开工|新竣工|新引进|新培育|新认定|完成|引进|培育|建成|改造|提供)")
_GROWTH_TAIL = re.compile(r"(?:增长|增幅|增速|提高|下降)$")
_BASELINE = re.compile(r"比上年|较上年|同比|比去年")
# A pre-noun count keeps the verb that says what is delivered ("提供150套…" → "提供保障性租赁住房").
_DELIVERY_VERBS = ("新增", "新建", "建成", "完成", "提供", "改造", "培育", "引进", "创建", "打造")
_GENERIC_TAIL = re.compile(r"(?:的工作目标|的目标|的任务|等)$")
# Words in a sentence that make its numbers a multi-year goal, not this year's target.
MULTI_YEAR = re.compile(r"工作目标|分步实施|到20\d\d年|十四五|三年行动|五年|远景")


@dataclass(frozen=True)
class QuantityReading:
    """One quantified commitment read from a clause (area and department are suggested later)."""

    name: str
    quantity: Quantity
    qualifier: str
    confidence: float


def qualifier_in(text: str) -> str:
    """力争 / 确保 from the words of a clause ("力促" reads as 力争), or ""."""
    for word, qualifier in QUALIFIER_WORDS:
        if word in text:
            return qualifier
    return ""


def _strip(name: str, words: tuple[str, ...], leading: bool) -> str:
    words = tuple(sorted(words, key=len, reverse=True))  # "不超过" before "超过"
    changed = True
    while changed and name:
        changed = False
        for word in words:
            if leading and name.startswith(word):
                name, changed = name[len(word) :], True
            elif not leading and name.endswith(word) and len(name) > len(word):
                name, changed = name[: -len(word)], True
    return name


def clean_name(name: str) -> str:
    """The thing counted, without the verbs of effort around it ("推动市场主体总量突破" → "市场主体总量"); a subject
    before 力争/确保 goes too ("安宜镇将确保…收入增长" → "…收入增长")."""
    name = _BASELINE.sub("", name.strip(" 、,"))
    for word, _ in QUALIFIER_WORDS:
        at = name.rfind(word)
        if at > 0:
            name = name[at:]
    name = _strip(name, _LEADING, leading=True)
    return _strip(name, _TRAILING, leading=False).strip(" 、,")


def _comparator_before(text: str) -> tuple[str | None, bool]:
    tail = text[-4:]
    approximate = any(tail.endswith(w) for w in _APPROXIMATE_BEFORE)
    if approximate:
        text = text[: -max(len(w) for w in _APPROXIMATE_BEFORE if tail.endswith(w))]
    for word, comparator in sorted(_BEFORE_COMPARATOR, key=lambda wc: len(wc[0]), reverse=True):
        if text.endswith(word):  # longest first: "不少于" is not "少于"
            return comparator, approximate
    return None, approximate


def _pre_noun_ok(phrase: NumberPhrase) -> bool:
    return phrase.unit in COUNT_UNITS or phrase.unit in MEASURE_UNITS


def is_multi_year(sentence: str) -> bool:
    """ "围绕…的工作目标，分步实施…": the numbers of this sentence are a goal over several years."""
    return bool(MULTI_YEAR.search(sentence))


def read_quantities(text: str, multi_year: bool = False, inherited: str = "") -> list[QuantityReading]:
    """The quantified commitments of one clause (width-folded, see ``text.fold``), in reading order."""
    phrases = number_phrases(text)
    readings: list[QuantityReading] = []
    segment_start = 0
    for i, phrase in enumerate(phrases):
        if phrase.start < segment_start:
            continue  # inside the noun of the previous count ("一家百亿元以上企业")
        suffix = _SUFFIX.match(text[phrase.end :])
        after_start = phrase.end + (suffix.end() if suffix else 0)
        after = text[after_start:]
        comparator, approximate = _comparator_before(text[segment_start : phrase.start])
        if suffix:
            word = suffix.group(0)
            approximate = approximate or word == "左右"
            comparator = _SUFFIX_COMPARATOR.get(word, comparator)
        post_noun = not after.strip() or after.startswith("、") or bool(_GENERIC_TAIL.fullmatch(after.strip()))
        in_list = bool(readings) and text[segment_start - 1 : segment_start] == "、"
        if post_noun:
            name = clean_name(text[segment_start : phrase.start])
            if not name and readings:  # "收入增长10%、力争完成65亿元": the same subject, a second figure
                name = _GROWTH_TAIL.sub("", readings[-1].name)
            segment_start = after_start + (1 if after.startswith("、") else 0)
        elif _pre_noun_ok(phrase):
            stop = _noun_end(text, after_start, phrases[i + 1 :])
            noun = _GENERIC_TAIL.sub("", text[after_start:stop]).strip(" 、")
            verb = next((v for v in _DELIVERY_VERBS if text[: phrase.start].rstrip().endswith(v)), "")
            name = verb + noun
            segment_start = stop + (1 if text[stop : stop + 1] == "、" else 0)
        else:
            continue  # a money or rate amount describing a noun
        if in_list and not _LIST_VERB.match(name):
            shared = _LIST_VERB.match(readings[0].name)
            name = (shared.group(0) if shared else "") + name
        if not name:
            continue
        qualifier = qualifier_in(text[: phrase.start]) or inherited or ("约" if approximate else "")
        confidence = 0.85 + (0.05 if comparator or qualifier else 0.0)
        if multi_year:
            confidence -= 0.4
        if phrase.value == 1 and not post_noun:
            confidence -= 0.1
        if len(name) < 3:
            confidence -= 0.2
        readings.append(
            QuantityReading(
                name=name,
                quantity=Quantity(
                    value=phrase.value,
                    unit=phrase.unit,
                    comparator=comparator or ">=",
                    upper=phrase.upper,
                    approximate=approximate,
                ),
                qualifier=qualifier,
                confidence=round(max(0.05, min(0.99, confidence)), 2),
            )
        )
    return readings


def _noun_end(text: str, start: int, later: list[NumberPhrase]) -> int:
    """A pre-noun count's noun runs to the clause end or to "、" before the next count."""
    for phrase in later:
        if phrase.start <= start:
            continue
        gap = text[start : phrase.start]
        cut = gap.rfind("、")
        if cut >= 0 and _pre_noun_ok(phrase) and not text[phrase.end : phrase.end + 2].startswith(("以上企", "元")):
            return start + cut
    return len(text)
