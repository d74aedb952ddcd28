"""Named works: 建成中山市石岐鸽农业精品产业园, 完成茅湾涌防洪排涝整治工程一期项目主体工程, 推进南凤小桥改造、
小琅环农场桥人行便桥建设, 修缮古鹤村日东祠、平南信道郑公祠, 鸦岗运河…整治、谷都截洪沟和妈坑水库截洪沟工程年内动工建设.

A work is a verb of building or its milestone, then an object that ends in the kind of thing one builds (工程,
产业园, 桥, 中心, 祠, 小程序…), possibly followed by what is done to it (改造, 建设, 整治). Lists are cut into one
work each, except a list of named roads or works grouped by 等 ("金凤路、翠山路等城市主干道快速化改造"), which the
report treats as one work; a list of bare village names before 等 ("大布、塘敢…等美丽宜居村建设") is one work per
village.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

ADVERBS = (
    "持续", "全力", "扎实", "协调", "继续", "配合", "大力", "加快", "力争", "高品质", "高标准", "高质量", "深入",
    "积极", "全面", "进一步", "着力", "统筹", "科学", "加速", "努力", "争取", "切实", "尽快", "全速", "有序",
    "稳步", "年内", "确保", "力促", "同步", "重点", "年底前", "上半年", "下半年", "今年", "全年",
)  # fmt: skip
_WHEN = re.compile(r"^(?:\d{1,2}|[一二三四五六七八九十]{1,2})月(?:底|末)?前?")
# Verbs that open a work, and what the work is expected to reach this year.
STRONG_VERBS = (
    "开工建设", "动工建设", "建成投用", "建成投产", "规划建设", "完成", "建成", "动工", "开工", "完工", "竣工", "投用",
    "投产", "成立", "修缮", "新建", "扩建", "改建",
)  # fmt: skip
ACTION_VERBS = ("建设", "推进", "推动", "打造", "提速", "开发", "升级", "改造", "创建", "启动", "做好", "抓好")
WORK_VERBS = tuple(sorted(STRONG_VERBS + ACTION_VERBS, key=len, reverse=True))
# A verb that names the work itself ("修缮古鹤村日东祠" is the work's name in the report).
NAMING_VERBS = ("修缮", "新建", "扩建", "改建")
_MILESTONE_TAIL = re.compile(
    r"(?:年内|年底前|上半年|下半年)?(?:动工建设|开工建设|完工通水|建成投用|建成投产|投入使用|主体完工|动工|开工|完工|竣工|投用|投产|通水|通车|建成|上线)$"
)
_VERSION_TAIL = re.compile(r"(?:\d+(?:\.\d+)?版本?|[一二三四五六七八九十首]期)$")
# What is done to a work, trailing its name: stripped before asking what the work is.
ACTION_TAILS = (
    "建设收尾工作", "快速化改造", "升级改造", "综合整治", "收尾工作", "整治工作", "提升改造",
    "改造", "建设", "整治", "工作", "升级", "扩建", "收尾", "提升", "修缮",
)  # fmt: skip
# The things one builds: a work's name ends in one of these (after its action tail).
HEADS = (
    "工程", "项目", "产业园", "园", "示范带", "试点", "中心", "馆", "堂", "祠", "桥", "度假区", "小程序", "村",
    "遗存", "厂", "站", "市场", "运河", "涌", "沟", "水库", "湖", "路", "道", "路段", "快线", "配套设施",
    "雨污分流", "号", "学校", "医院", "幼儿园", "公园", "广场", "场馆", "管网", "泵站", "码头", "隧道", "段",
    "校区", "中学", "小学", "卫生院", "大桥",
)  # fmt: skip
# Objects that end like a work but are figures of speech or categories ("美丽宜居家园", "优质文化旅游目的地").
GENERIC_ENDINGS = ("家园", "乐园", "品牌", "目的地", "高地", "标杆", "样板", "路径", "体系", "机制", "通道等路网")
GENERIC_STARTS = ("已", "一批", "各类", "各项", "一些", "相关", "一系列", "重大项目", "项目")
# A bare name in a list before 等: short and not itself a work ("大布", "塘敢").
BARE_NAME_MAX = 4


@dataclass(frozen=True)
class WorkReading:
    """One named work read from a clause."""

    name: str
    milestone: str
    confidence: float


_ADVERB_RUN = re.compile("^(?:" + "|".join(sorted(ADVERBS, key=len, reverse=True)) + ")+")
_WORK_VERB = re.compile("^(?:" + "|".join(WORK_VERBS) + ")")
_INNER_VERB = re.compile("^(?:推动|推进|实现)")


def _after_adverbs(text: str) -> str:
    """Without the words of effort and time in front ("继续配合", "年内", "6月底前")."""
    return _ADVERB_RUN.sub("", _WHEN.sub("", text))


def _top_split(text: str, sep: str) -> list[str]:
    """Split on ``sep`` outside brackets and quotes."""
    parts, depth, quoted, begin, i = [], 0, False, 0, 0
    while i < len(text):
        ch = text[i]
        if ch == '"':
            quoted = not quoted
        elif ch in "(（“《":
            depth += 1
        elif ch in ")）”》":
            depth = max(0, depth - 1)
        elif not depth and not quoted and text.startswith(sep, i):
            parts.append(text[begin:i])
            i += len(sep)
            begin = i
            continue
        i += 1
    parts.append(text[begin:])
    return [p for p in parts if p]


def core(name: str) -> str:
    """The name without what is done to it: "南凤小桥改造" → "南凤小桥"."""
    changed = True
    while changed:
        changed = False
        stripped = _VERSION_TAIL.sub("", name)
        if stripped != name and stripped:
            name, changed = stripped, True
        for tail in ACTION_TAILS:
            if name.endswith(tail) and len(name) > len(tail):
                name, changed = name[: -len(tail)], True
    return re.sub(r"[(（][^()（）]*[)）]$", "", name)  # "茅湾涌(三乡段)" ends in 涌


def is_work(name: str) -> bool:
    """Ends in a thing one builds, and is not a figure of speech or a category of works."""
    body = core(name)
    if len(body) < 3 or name.startswith(GENERIC_STARTS) or body.endswith(GENERIC_ENDINGS):
        return False
    return body.endswith(HEADS)


def _action_tail(text: str) -> str:
    for tail in ACTION_TAILS:
        if text.endswith(tail):
            return tail
    return ""


def _expand_list(part: str) -> list[str]:
    """ "大布、塘敢、前陇、西山等美丽宜居村建设" → one work per village; a list of works stays one work."""
    before, sep, category = part.partition("等")
    if not sep or not category:
        return [part]
    names = _top_split(before, "、")
    if len(names) > 1 and all(len(n) <= BARE_NAME_MAX and not core(n).endswith(HEADS) for n in names):
        return [n + category for n in names]
    return [part]


def _split_and(part: str) -> list[str]:
    """ "谷都截洪沟和妈坑水库截洪沟工程" → "谷都截洪沟工程", "妈坑水库截洪沟工程" (the shared 工程 goes to both)."""
    sides = _top_split(part, "和")
    if len(sides) != 2 or not all(core(s).endswith(HEADS) for s in sides):
        return [part]
    left, right = sides
    for shared in ("工程", "项目"):
        if right.endswith(shared) and not left.endswith(shared):
            left += shared
    return [left, right]


def split_works(obj: str) -> list[str]:
    """One object of a verb, cut into the works it names."""
    pieces = _top_split(obj, "以及")
    shared = _action_tail(pieces[-1])
    if len(pieces) > 1 and shared:
        pieces = [p if _action_tail(p) else p + shared for p in pieces[:-1]] + [pieces[-1]]
    works: list[str] = []
    for piece in pieces:
        expanded = _expand_list(piece)
        if len(expanded) > 1 or "等" in piece:
            works.extend(expanded)
            continue
        parts: list[str] = []
        for part in _top_split(piece, "、"):
            if parts and len(part) <= 3:  # "村史馆、名人堂": a short part shares the owner of the one before
                parts[-1] += "、" + part
            else:
                parts.append(part)
        for part in parts:
            works.extend(_split_and(part))
    return works


def read_works(clause_text: str) -> list[WorkReading]:
    """The named works one clause (width-folded, see ``text.fold``) commits to, or none."""
    text = _after_adverbs(clause_text.strip())
    found = _WORK_VERB.match(text)
    if not found:
        return []
    verb = found.group(0)
    obj = _after_adverbs(text[len(verb) :])
    obj = _INNER_VERB.sub("", obj, count=1)
    milestone_match = _MILESTONE_TAIL.search(obj)
    milestone = milestone_match.group(0) if milestone_match else verb
    if milestone_match:
        obj = obj[: milestone_match.start()]
    strong = verb in STRONG_VERBS or bool(milestone_match)
    out = []
    for work in split_works(obj):
        if not is_work(work):
            continue
        name = (verb + work) if verb in NAMING_VERBS else work
        confidence = 0.85 if strong else (0.6 if verb in ("做好", "抓好") else 0.7)
        out.append(WorkReading(name=name, milestone=milestone, confidence=confidence))
    return out
