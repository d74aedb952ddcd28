"""What the monthly 通报 says: its title, paragraphs and sentences, as pure functions of the status and outline.

``tracker.report_doc`` lays these strings out in Word; nothing here knows about fonts or pages. The rows
are the meeting outline's (``tracker.meeting.Row``), so the 通报 words an item as the deck and screen do.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from tracker.labels import fmt_number, fmt_pct, fmt_target
from tracker.meeting import NO_EXPLANATION, TOWN, Row, SummarySlide, indicator_row, period_label, project_row
from tracker.model import DONE, LAGGING, NO_DATA, ON_TRACK, STATUSES, WARNING, IndicatorStatus, MonthStatus, ProjectStatus, by_severity

SECTION_TITLES = ("一、总体情况", "二、进度滞后事项", "三、下一步工作")
COUNT_ORDER = (DONE, ON_TRACK, WARNING, LAGGING, NO_DATA)
COUNT_WORDS = {DONE: "已完成", ON_TRACK: "进度正常", WARNING: "预警", LAGGING: "滞后", NO_DATA: "未填报"}
CN_NUMBERS = "一二三四五六七八九十"
SUBJECT = "政府工作报告目标任务推进情况通报"
NOTHING_TO_DO = "本月各项目标任务均按序时推进，请各责任部门保持工作力度，确保完成全年目标。"
NO_INDICATORS = "本年度未设量化指标。"


@dataclass(frozen=True)
class AttentionItem:
    """A 滞后 or 预警 item as section two words it: the outline's row plus the facts behind its status."""

    row: Row
    gap_pp: float | None
    gap_what: str  # what the gap is measured against: 序时进度, 目标值 or 计划进度
    facts: str  # 目标…，完成值…，完成率…，低于序时进度…个百分点
    note_meta: str  # （who, when 提交）after a 情况说明, or ""


@dataclass(frozen=True)
class ItemParagraph:
    """The pieces of one numbered item in section two, each laid out in its own face."""

    lead: str  # ``1. 鱼塘尾水治理``
    status_mark: str  # ``【滞后】``
    body: str  # ``。所属领域：…；责任部门：…。<facts>。``
    note_label: str  # ``情况说明：``
    note: str  # the 情况说明 itself, or NO_EXPLANATION
    has_note: bool


def report_title(report: MonthStatus) -> str:
    return f"{TOWN}{report.year}年政府工作报告目标任务推进情况通报（{period_label(report)}）"


def title_lines(report: MonthStatus) -> tuple[str, str]:
    """The title broken where the meaning breaks, not where the line happens to end."""
    title = report_title(report)
    cut = title.index("推进情况通报")
    return title[:cut], title[cut:]


def period_line(report: MonthStatus) -> str:
    return f"数据月份：{period_label(report)}　　序时进度：{fmt_pct(report.time_progress)}"


def table_caption(report: MonthStatus) -> str:
    return f"表1　各领域量化指标推进情况（{period_label(report)}）"


def cn_number(n: int) -> str:
    """1 → 一 … 10 → 十, 11 → 十一 … 99; enough for sub-heading numbers."""
    if n <= 10:
        return CN_NUMBERS[n - 1]
    tens, ones = divmod(n, 10)
    return f"{'' if tens == 1 else CN_NUMBERS[tens - 1]}十{CN_NUMBERS[ones - 1] if ones else ''}"


def counts_clause(counts: dict[str, int], total: int, noun: str, measure: str) -> str:
    """``21项量化指标中，已完成1项、进度正常8项、预警6项、滞后5项、未填报1项``; zero counts are left out."""
    parts = [f"{COUNT_WORDS[s]}{counts.get(s, 0)}{measure}" for s in COUNT_ORDER if counts.get(s, 0)]
    rest = total - sum(counts.get(s, 0) for s in STATUSES)
    if rest:
        parts.append(f"未设目标{rest}{measure}")
    return f"{total}{measure}{noun}中，" + ("、".join(parts) if parts else "暂无可统计事项")


def gap_text(gap_pp: float | None, what: str = "序时进度") -> str:
    """``低于序时进度15.4个百分点`` (always one decimal: a percentage-point gap); "" for no gap."""
    if gap_pp is None:
        return ""
    if abs(gap_pp) < 0.05:
        return f"与{what}持平"
    side = "低于" if gap_pp > 0 else "高于"
    return f"{side}{what}{abs(gap_pp):.1f}个百分点"


def overview_paragraphs(report: MonthStatus, summary: SummarySlide) -> list[str]:
    first = (
        f"截至{period_label(report)}，全年序时进度为{fmt_pct(report.time_progress)}。"
        f"{TOWN}{report.year}年政府工作报告确定的"
        f"{counts_clause(summary.indicator_counts, summary.n_indicators, '量化指标', '项')}；"
        f"{counts_clause(summary.project_counts, summary.n_projects, '重点项目', '个')}。"
    )
    paragraphs = [first]
    if not summary.reported:
        paragraphs.append(f"本月各责任部门尚未填报数据，各项指标和重点项目状态均为“{NO_DATA}”，暂无法计算完成率。")
    paragraphs.append(
        "完成率不低于序时进度的为进度正常；低于序时进度但在预警幅度内的为预警，超出预警幅度的为滞后。各领域量化指标推进情况见表1。"
    )
    return paragraphs


def _note_meta(item: IndicatorStatus) -> str:
    note = item.explanation
    if not note or not note.text:
        return ""
    who = "，".join(x for x in (note.user, note.at) if x)
    return f"（{who}提交）" if who else ""


def _indicator_item(item: IndicatorStatus) -> AttentionItem:
    facts = [
        f"目标{fmt_target(item.target, item.comparator, item.unit)}",
        f"完成值{fmt_number(item.value, item.unit)}",
        f"完成率{fmt_pct(item.completion)}",
    ]
    gap_what = "目标值" if item.gap_basis == "target" else "序时进度"
    gap = gap_text(item.gap_pp, gap_what)
    if gap:
        facts.append(gap)
    return AttentionItem(indicator_row(item), item.gap_pp, gap_what, "，".join(facts), _note_meta(item))


def _project_item(item: ProjectStatus) -> AttentionItem:
    facts = [f"年度目标“{item.milestone}”"] if item.milestone else []
    facts.append(f"按计划本月应处于“{item.planned_stage}”阶段，实际为“{item.stage or NO_DATA}”")
    if item.percent is not None:
        facts.append(f"形象进度{fmt_number(item.percent, '%', digits=0)}")
    gap = gap_text(item.gap_pp, "计划进度")
    if gap:
        facts.append(gap)
    return AttentionItem(project_row(item), item.gap_pp, "计划进度", "，".join(facts), "")


def attention_items(report: MonthStatus) -> tuple[list[AttentionItem], list[AttentionItem]]:
    """Every 滞后 and 预警 indicator and project, 滞后 first, then in area order (the report's order)."""
    watch = (LAGGING, WARNING)
    indicators = [_indicator_item(i) for i in by_severity(report.indicators) if i.status in watch]
    projects = [_project_item(p) for p in by_severity(report.projects) if p.status in watch]
    return indicators, projects


def attention_intro(summary: SummarySlide, indicators: Sequence[AttentionItem], projects: Sequence[AttentionItem]) -> str | None:
    """The one sentence section two says instead of a list, or None when there is a list."""
    if not summary.reported:
        return f"本月各项指标和重点项目均为“{NO_DATA}”，暂无法研判进度滞后事项。"
    if not indicators and not projects:
        return "本月没有滞后或预警事项。"
    return None


def attention_heading(number: int, label: str, items: Sequence[AttentionItem], measure: str) -> str:
    """``（一）量化指标（滞后5项、预警6项）``."""
    counts = Counter(i.row.status for i in items)
    tally = "、".join(f"{COUNT_WORDS[s]}{counts[s]}{measure}" for s in (LAGGING, WARNING) if counts[s])
    return f"（{cn_number(number)}）{label}（{tally or '无'}）"


def attention_none(label: str) -> str:
    return f"本月{label}没有滞后或预警事项。"


def item_paragraph(index: int, item: AttentionItem) -> ItemParagraph:
    row = item.row
    if row.has_explanation:
        note = f"{row.explanation.rstrip('。')}。{item.note_meta}"
    else:
        note = f"{NO_EXPLANATION}。"
    return ItemParagraph(
        lead=f"{index}. {row.name}",
        status_mark=f"【{row.status}】",
        body=f"。所属领域：{row.area_name}；责任部门：{row.department_name}。{item.facts}。",
        note_label="情况说明：",
        note=note,
        has_note=row.has_explanation,
    )


def item_brief(item: AttentionItem) -> str:
    """``鱼塘尾水治理（滞后，低于序时进度15.4个百分点）``; projects carry their status only."""
    row = item.row
    gap = gap_text(item.gap_pp, item.gap_what) if row.type_name == "指标" else ""
    return f"{row.name}（{row.status}{'，' + gap if gap else ''}）"


def _department_sentence(dept: str, items: list[AttentionItem]) -> str:
    listed = "、".join(item_brief(i) for i in items)
    counts = Counter(i.row.status for i in items)
    tally = "、".join(f"{s}{counts[s]}项" for s in (LAGGING, WARNING) if counts[s])
    missing = sum(not i.row.has_explanation for i in items)
    which = "分别为" if len(items) > 1 else "为"
    sentence = f"{dept}：本月{tally}，{which}{listed}。请{dept}对照年度目标查找原因、明确措施，加快推进，力争尽快达到序时进度"
    return sentence + (f"；其中{missing}项尚未提交情况说明，请尽快补报。" if missing else "。")


def _unreported_sentence(report: MonthStatus, reported: bool) -> str | None:
    unreported: dict[str, int] = {}
    for item in report.items:
        if item.status == NO_DATA:
            unreported[item.department_name] = unreported.get(item.department_name, 0) + 1
    if not unreported:
        return None
    names = "、".join(f"{d}（{n}项）" for d, n in unreported.items())
    if reported:
        return f"本月尚有事项未填报的部门：{names}。请相关部门按时报送数据。"
    return f"本月各责任部门均未填报数据：{names}。请各部门按时报送本月数据，以便研判推进情况。"


def next_steps(report: MonthStatus, reported: bool) -> list[str]:
    """One sentence per department with lagging items, most lagging first; then who has yet to report."""
    indicators, projects = attention_items(report)
    by_dept: dict[str, list[AttentionItem]] = {}
    for item in [*indicators, *projects]:
        by_dept.setdefault(item.row.department_name, []).append(item)

    def weight(dept: str) -> tuple[int, int]:
        items = by_dept[dept]
        return (-sum(i.row.status == LAGGING for i in items), -sum(i.row.status == WARNING for i in items))

    sentences = [_department_sentence(dept, by_dept[dept]) for dept in sorted(by_dept, key=weight)]
    unreported = _unreported_sentence(report, reported)
    if unreported:
        sentences.append(unreported)
    return sentences
