"""How well the extractor reads the report page this installation was built from: recall and precision per kind,
against today's ``data/`` (the 21 indicators of ``queries/`` with their targets, the works of ``projects.csv``)
and a hand-labelled list of the page's tasks.

Two indicators of ``data/`` are interpretations with no number in their sentence (劣V类河涌数量"有效控制", 水浸
"黑点"全面整治 → 100%); they count as found when an item of any kind reads their sentence and names them.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field

from tracker import config
from tracker.extract.match import same_sentence, similarity
from tracker.extract.numbers import number_phrases
from tracker.extract.records import DraftItem, ItemKind
from tracker.extract.text import fold, words

REPORT_PAGE = config.DATA_DIR / "source" / "work-report-2023-p24.txt"
NAME_FLOOR = 0.2  # below this, an item of the right sentence names something else

# The page's tasks, labelled by hand: checkable commitments without a number — something set up (成立/建立/出台…
# 专班/机制/政策), a level kept (保持/稳定/确保), or a named campaign run. The key is a phrase of the clause.
TASK_GOLD = (
    "建立健全促进项目落地工作机制",
    '建立健全"工改"与招商引资、增资扩产项目落地对接机制',
    "实施全程审批代办制",
    "建立企业诉求快速响应和闭环处理机制",
    '开展"我为企业找市场"行动',
    "制定出台招工补贴政策",
    "配套出台人才优惠政策",
    '分步实施企业培育"三个一百"计划',
    '"个转企、小升规、规改股、股上市"市场主体培育计划',
    "成立拼经济专班",
    '实施拼经济"一业一策、一企一策"机制',
    '打好"五外联动"组合拳',
    "稳定粮食播种面积和产量",
    "打造雍·梦悦享集市",
    "确保做到管理规范、档案齐全、措施到位",
    "深入实施绿美三乡行动",
    '统筹推进"六污同治"',
    "确保全镇水环境质量持续改善",
    "劣V类河涌数量有效控制",
    '做好"三源管控"',
    "保持空气质量全市领先水平",
    '持续开展水浸"黑点"全面整治',
    '深入开展争创全国文明典范城市"十大行动"',
    "高质量开展三乡茶果、三乡木偶戏体验活动",
)


@dataclass(frozen=True)
class Gold:
    """One item the page is known to hold."""

    kind: ItemKind
    code: str
    name: str
    source: str
    value: float | None = None
    unit: str = ""
    area: str = ""
    department: str = ""
    by_sentence: bool = False  # an interpretation: no number of its own in the sentence


@dataclass(frozen=True)
class KindScore:
    kind: str
    gold: int
    found: int
    items: int
    correct_items: int
    missed: tuple[str, ...] = ()
    false_positives: tuple[str, ...] = ()

    @property
    def recall(self) -> float:
        return self.found / self.gold if self.gold else 1.0

    @property
    def precision(self) -> float:
        return self.correct_items / self.items if self.items else 1.0


@dataclass(frozen=True)
class Evaluation:
    scores: dict[str, KindScore]
    area_right: int = 0
    department_right: int = 0
    code_right: int = 0
    compared: int = 0  # matched indicators and projects whose area, department and code were compared
    wrong: tuple[str, ...] = field(default_factory=tuple)  # "name: area x≠y" lines for the README


def _value_in_sentence(value: float | None, source: str) -> bool:
    return value is not None and any(p.value == value for p in number_phrases(fold(source)))


def repository_gold() -> list[Gold]:
    """The indicators, targets and projects of ``data/`` and ``queries/``, and the labelled tasks."""
    from tracker.indicators import registry

    with open(config.DATA_DIR / "targets.csv", encoding="utf-8", newline="") as fh:
        targets = {r["indicator"]: r for r in csv.DictReader(fh) if r["year"] == "2023"}
    gold = []
    for ind in registry().values():
        raw = targets.get(ind.code, {}).get("value") or ""
        value = float(raw) if raw else None
        gold.append(
            Gold(
                "indicator",
                ind.code,
                ind.name,
                ind.source,
                value,
                ind.unit,
                ind.area,
                ind.department,
                by_sentence=not _value_in_sentence(value, ind.source),
            )
        )
    with open(config.DATA_DIR / "projects.csv", encoding="utf-8", newline="") as fh:
        for r in csv.DictReader(fh):
            gold.append(Gold("project", r["code"], r["name"], r["source"], area=r["area"], department=r["department"]))
    page = REPORT_PAGE.read_text(encoding="utf-8")
    for phrase in TASK_GOLD:
        gold.append(Gold("task", "", phrase, _sentence_of(page, phrase)))
    return gold


def _sentence_of(text: str, phrase: str) -> str:
    at = text.find(phrase)
    if at < 0:
        return phrase
    start = max(text.rfind("。", 0, at), text.rfind("\n", 0, at)) + 1
    end = min(i for i in (text.find("。", at), text.find("\n", at), len(text)) if i >= 0)
    return text[start : end + 1]


def _fits(item: DraftItem, gold: Gold) -> float:
    """How well ``item`` stands for ``gold`` (0: not at all)."""
    if gold.kind == "task":
        key = words(gold.name)
        return 1.0 if item.kind == "task" and (key in words(item.clause) or words(item.name) in key) else 0.0
    if not same_sentence(item.sentence, gold.source):
        return 0.0
    name = similarity(item.name, gold.name)
    if gold.by_sentence:
        return name if item.kind in ("task", "indicator") and name >= NAME_FLOOR else 0.0
    if item.kind != gold.kind:
        return 0.0
    if gold.kind == "indicator":
        return (1.0 + name) if item.value == gold.value and item.unit == gold.unit else 0.0
    return name if name >= NAME_FLOOR else 0.0


def pair(items: list[DraftItem], gold: list[Gold]) -> dict[int, int]:
    """Gold index → item index, one item per gold item, best fits first."""
    fits = sorted(
        ((f, g, i) for g, gd in enumerate(gold) for i, item in enumerate(items) if (f := _fits(item, gd)) > 0),
        reverse=True,
    )
    pairs: dict[int, int] = {}
    used: set[int] = set()
    for _, g, i in fits:
        if g not in pairs and i not in used:
            pairs[g] = i
            used.add(i)
    return pairs


def evaluate(items: list[DraftItem], gold: list[Gold]) -> Evaluation:
    """Recall and precision per kind. Tasks are paired apart from indicators and projects, so the task "劣V类河涌
    数量有效控制" can also stand for the indicator data/ reads from the same words."""
    tasks = [g for g, gd in enumerate(gold) if gd.kind == "task"]
    others = [g for g, gd in enumerate(gold) if gd.kind != "task"]
    pairs = {}
    for part in (tasks, others):
        found = pair(items, [gold[g] for g in part])
        pairs.update({part[g]: i for g, i in found.items()})
    matched_items = set(pairs.values())
    scores = {}
    for kind in ("indicator", "project", "task"):
        kind_gold = [g for g, gd in enumerate(gold) if gd.kind == kind]
        kind_items = [i for i, it in enumerate(items) if it.kind == kind]
        scores[kind] = KindScore(
            kind=kind,
            gold=len(kind_gold),
            found=sum(1 for g in kind_gold if g in pairs),
            items=len(kind_items),
            correct_items=sum(1 for i in kind_items if i in matched_items),
            missed=tuple(gold[g].name for g in kind_gold if g not in pairs),
            false_positives=tuple(items[i].name for i in kind_items if i not in matched_items),
        )
    area = department = code = compared = 0
    wrong = []
    for g, i in pairs.items():
        gd, item = gold[g], items[i]
        if gd.kind == "task":
            continue
        compared += 1
        area += item.area == gd.area
        department += item.department == gd.department
        code += item.code == gd.code or gd.by_sentence  # an interpretation is read as a task: no code to share
        if item.area != gd.area or item.department != gd.department:
            wrong.append(f"{gd.name}: {item.area}/{item.department} ≠ {gd.area}/{gd.department}")
    return Evaluation(scores, area, department, code, compared, tuple(wrong))
