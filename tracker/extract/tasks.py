"""Commitments without a number: 成立拼经济专班, 制定出台招工补贴政策, 保持空气质量全市领先水平, 稳定粮食播种面积和
产量, 开展"我为企业找市场"行动.

Nearly every clause of a report is a commitment of some kind ("加强思想道德建设"); a task here is one a 督查室 can
check at the year's end: something set up (成立/建立/出台…专班/机制/政策), a level kept (保持/稳定/确保…), or a
named campaign run ("…"行动/计划, a quoted programme). Everything else is left to the reviewer's eye, not the draft.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from tracker.extract.works import ADVERBS

SETUP_VERBS = ("建立健全", "制定出台", "配套出台", "成立", "设立", "组建", "建立", "出台", "制定", "印发", "编制", "实施")
# What a set-up verb must produce to be checkable ("实施全程审批代办制" yes, "实施项目…跟踪服务" no).
SETUP_OBJECTS = ("专班", "机制", "政策", "制度", "方案", "规划", "平台", "办法", "代办制", "小组", "基金", "专项资金", "细则")
LEVEL_VERBS = ("保持", "稳定", "确保", "维持", "守住", "守牢")
CAMPAIGN_VERBS = ("开展", "实施", "举办", "打好", "推进", "做好")
CAMPAIGN_OBJECTS = ("行动", "计划", "机制", "组合拳", "整治", "治理")
# A clause under an earlier 确保 that states only the result ("…,劣V类河涌数量有效控制").
RESULT_ENDINGS = re.compile(r"(?:有效控制|持续改善|明显改善|稳步提升|只增不减|不反弹|稳中向好|全面达标)$")
CAMPAIGN_NAME_MIN = 4  # "绿化行动" is an activity; "绿美三乡行动" is a named campaign
_QUOTED = re.compile(r'"[^"]+"|“[^”]+”')


@dataclass(frozen=True)
class TaskReading:
    name: str
    confidence: float


# 确保 and 力争 open a task here ("确保做到管理规范…"), so they are not skipped as adverbs.
_ADVERBS = tuple(a for a in ADVERBS if a not in ("确保", "力争", "力促")) + ("不断", "严格", "坚决", "高位", "广泛", "高效", "分步", "深入")


_ADVERB_RUN = re.compile("^(?:" + "|".join(sorted(_ADVERBS, key=len, reverse=True)) + ")+")
_SETUP_VERB = re.compile("^(?:" + "|".join(SETUP_VERBS) + ")")
_CAMPAIGN_VERB = re.compile("^(?:" + "|".join(CAMPAIGN_VERBS) + ")")


def strip_adverbs(text: str) -> str:
    """Without the words of effort in front ("深入", "进一步"), unless nothing would be left."""
    stripped = _ADVERB_RUN.sub("", text)
    return stripped if len(stripped) >= 3 else text


def _setup(body: str) -> TaskReading | None:
    found = _SETUP_VERB.match(body)
    if not found:
        return None
    verb = found.group(0)
    obj = body[len(verb) :]
    if verb == "成立" and len(obj) >= 3 or obj.endswith(SETUP_OBJECTS):
        return TaskReading(body, 0.8)
    return None


def _level(body: str) -> TaskReading | None:
    if body.startswith(LEVEL_VERBS) and len(body) >= 6:
        return TaskReading(body, 0.8)
    return None


def _campaign(body: str) -> TaskReading | None:
    found = _CAMPAIGN_VERB.match(body)
    if not found:
        return None
    obj = strip_adverbs(body[found.end() :])
    quoted, only_a_name = bool(_QUOTED.search(obj)), bool(_QUOTED.fullmatch(obj))
    obj = obj.rstrip('"”')
    if quoted and (obj.endswith(CAMPAIGN_OBJECTS) or only_a_name):
        return TaskReading(body, 0.6)
    for ending in ("行动", "计划"):
        if obj.endswith(ending) and len(obj) - len(ending) >= CAMPAIGN_NAME_MIN:
            return TaskReading(body, 0.55)
    return None


def read_task(clause_text: str, governed_by: str = "") -> TaskReading | None:
    """The clause (width-folded) as a task, or None. ``governed_by`` is an earlier 确保/力争 of the same sentence."""
    body = strip_adverbs(clause_text.strip())
    if len(body) < 4:
        return None
    found = _setup(body) or _level(body) or _campaign(body)
    if found:
        return found
    if governed_by == "确保" and RESULT_ENDINGS.search(body):
        return TaskReading(body, 0.6)
    return None
