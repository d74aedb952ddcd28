"""What the monthly 通报 says: its formal elements, sections, paragraphs and sentences, as pure functions.

``tracker.report_doc`` lays these strings out in Word; nothing here knows about fonts or pages. The rows are
the meeting outline's (``tracker.meeting.Row``), so the 通报 words an item as the deck and screen do.

The 通报 has four parts: 总体情况 (what is counted and how it stands), 主要进展 (what is done or ahead),
存在问题 (滞后 and 预警 items; at year-end the 未完成 ones; gaps in reporting) and 下一步工作 (what each
department is asked to do, by when: ``tracker.bulletin_next``). December is the year-end verdict: 已完成 or 未完成, no 序时 to catch up.
Counts are ``status_counts`` of the annual items; tracked items (multi-year goals, commitments without a number)
are said apart and never counted.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from tracker import config, progress, towns, wording
from tracker.labels import cn_date, cn_number, fmt_pct
from tracker.meeting import (
    NO_EXPLANATION,
    Row,
    SummarySlide,
    attention_statuses,
    indicator_row,
    period_label,
    project_row,
    status_rule,
    verdicts,
)
from tracker.model import (
    DONE,
    LAGGING,
    NO_DATA,
    NO_TARGET,
    NOT_DONE,
    ON_TRACK,
    TARGET_PENDING,
    UNJUDGED,
    WARNING,
    IndicatorStatus,
    MonthStatus,
    ProjectStatus,
    by_severity,
)

MONTHLY_SECTIONS = ("一、总体情况", "二、主要进展", "三、存在问题", "四、下一步工作")
YEAR_END_SECTIONS = ("一、全年目标完成情况", "二、主要成效", "三、存在问题", "四、下一步工作")
COUNT_WORDS = {DONE: "已完成", ON_TRACK: "进度正常", WARNING: "预警", LAGGING: "滞后", NOT_DONE: "未完成", NO_DATA: "未填报"}
SUBJECT = "政府工作报告目标任务推进情况通报"
NO_INDICATORS = "本年度未设量化指标。"
INDICATOR_NOUN, PROJECT_NOUN = "年度量化指标", "重点项目"
MISSING_NOTE = f"（{NO_EXPLANATION}）"
TABLE_NOTE = (
    "注：进度口径——完成率＝累计完成值（或当前值）÷年度目标；较上年末进度＝（当前值－上年末）÷（目标－上年末），"
    "用于从上年末起算的时点指标；对照目标值＝当前值÷目标值，用于须每月保持的指标{time}；"
    "“（N月数）”为本月未填报、沿用N月的数值。"
)


def table_note(report: MonthStatus) -> str:
    return TABLE_NOTE.format(time="" if report.final else "，不按序时进度考核")


# ---------------------------------------------------------------- formal elements


@dataclass(frozen=True)
class Formal:
    """The 公文 elements around the body: 文号, 主送, 落款 and date, and the deadline for 整改措施."""

    number: str  # 三乡督〔2023〕　　号: the number left blank for the office
    recipients: str  # 各村（社区）、镇属各部门：
    issuer: str  # 三乡镇人民政府督查室
    issued: date
    deadline: date  # 整改措施 due

    @property
    def date_text(self) -> str:
        return cn_date(self.issued)

    @property
    def deadline_text(self) -> str:
        return cn_date(self.deadline)


def formal(issued: date | None = None, settings: config.Settings | None = None) -> Formal:
    """The formal elements for a document dated ``issued`` (default today), from ``data/settings.toml`` [bulletin]."""
    settings = settings or config.settings()
    issued = issued or date.today()
    return Formal(
        number=f"{settings.doc_number_prefix}〔{issued.year}〕　　号",
        recipients=f"{settings.recipients}：",
        issuer=settings.issuer,
        issued=issued,
        deadline=issued + timedelta(days=settings.rectify_days),
    )


# ---------------------------------------------------------------- title and headings


def section_titles(report: MonthStatus) -> tuple[str, ...]:
    return YEAR_END_SECTIONS if report.final else MONTHLY_SECTIONS


def report_title(report: MonthStatus) -> str:
    if report.final:
        return f"{towns.name()}{report.year}年政府工作报告目标任务全年完成情况通报"
    return f"{towns.name()}{report.year}年政府工作报告目标任务推进情况通报（{period_label(report)}）"


def title_lines(report: MonthStatus) -> tuple[str, str]:
    """The title broken where the meaning breaks, not where the line happens to end."""
    title = report_title(report)
    cut = title.index("目标任务") + len("目标任务")
    return title[:cut], title[cut:]


def period_line(report: MonthStatus) -> str:
    if report.final:
        return f"数据期间：{report.year}年1—12月　　年终评定"
    return f"数据月份：{period_label(report)}　　序时进度：{wording.short_pct(report.time_progress)}"


def opening(report: MonthStatus) -> str:
    if report.final:
        return f"现将我镇{report.year}年政府工作报告目标任务全年完成情况通报如下："
    return f"现将截至{report.year}年{report.month}月底我镇{report.year}年政府工作报告目标任务推进情况通报如下："


def table_caption(report: MonthStatus) -> str:
    if report.final:
        return f"表1　{INDICATOR_NOUN}全年完成情况（{report.year}年）"
    return f"表1　各领域{INDICATOR_NOUN}推进情况（{period_label(report)}）"


# ---------------------------------------------------------------- 总体情况


def counts_clause(counts: dict[str, int], total: int, noun: str, measure: str, statuses: Sequence[str], pending: int = 0) -> str:
    """``16项年度量化指标中，已完成1项、进度正常4项、预警6项、滞后4项、未填报1项``; zero counts are left out. ``pending``:
    items whose target is still to be entered (目标待录入), counted apart from 未设目标."""
    parts = [f"{COUNT_WORDS[s]}{counts.get(s, 0)}{measure}" for s in statuses if counts.get(s, 0)]
    if pending:
        parts.append(f"{TARGET_PENDING}{pending}{measure}")
    rest = total - sum(counts.get(s, 0) for s in statuses) - pending
    if rest:
        parts.append(f"{NO_TARGET}{rest}{measure}")
    return f"{total}{measure}{noun}中，" + ("、".join(parts) if parts else "暂无可统计事项")


def tracked_clause(report: MonthStatus, shown: bool = True) -> str:
    """What is kept apart from the counts, and why: ``另有跟踪事项5项（多年目标3项、报告未设量化目标的工作2项）…``."""
    if not report.tracked:
        return ""
    multi_year = sum(i.target is not None for i in report.tracked)
    parts = [f"“三个一百”等多年目标{multi_year}项" if multi_year else "", f"报告未设量化目标的工作{len(report.tracked) - multi_year}项"]
    kinds = "、".join(p for p in parts if not p.endswith("工作0项") and p)
    where = "年终评定" if report.final else "上述统计"
    return f"另有跟踪事项{len(report.tracked)}项（{kinds}），单独跟踪，不计入{where}" + ("，情况见第二部分。" if shown else "。")


def no_targets(report: MonthStatus) -> bool:
    """A year whose targets have not been entered: nothing can be judged (every indicator is 未设目标 or 目标待录入)."""
    return not report.projects and all(i.status in UNJUDGED for i in report.indicators)


def unjudged_word(report: MonthStatus) -> str:
    """目标待录入 when a started year holds blank targets to enter, else 未设目标."""
    return TARGET_PENDING if any(i.status == TARGET_PENDING for i in report.indicators) else NO_TARGET


def unjudged(report: MonthStatus, summary: SummarySlide) -> str | None:
    """The one sentence 主要进展 and 存在问题 say when nothing can be judged; None when something can."""
    if no_targets(report):
        return f"{report.year}年政府工作报告目标尚未录入，各项指标均为“{unjudged_word(report)}”，暂无法研判。"
    if not summary.reported:
        return f"本月各项指标和重点项目均为“{NO_DATA}”，暂无法研判。"
    return None


def overview_paragraphs(report: MonthStatus, summary: SummarySlide) -> list[str]:
    if no_targets(report):
        word = unjudged_word(report)
        return [f"{report.year}年政府工作报告目标尚未录入：{summary.n_indicators}项量化指标均为“{word}”，暂无法评判推进情况。"]
    statuses = verdicts(report.final)
    pending = sum(i.status == TARGET_PENDING for i in report.indicators)
    indicators = counts_clause(summary.indicator_counts, summary.n_indicators, INDICATOR_NOUN, "项", statuses, pending)
    projects = counts_clause(summary.project_counts, summary.n_projects, PROJECT_NOUN, "个", statuses)
    counted = f"纳入统计的是报告确定的{summary.n_indicators}项{INDICATOR_NOUN}和{summary.n_projects}个{PROJECT_NOUN}"
    if report.final:
        first = f"{report.year}年政府工作报告目标任务已到年终，现进行年终评定。{counted}：{indicators}；{projects}。"
    else:
        first = f"截至{report.month}月底，全年序时进度为{wording.short_pct(report.time_progress)}。{counted}：{indicators}；{projects}。"
    paragraphs = [first + tracked_clause(report, shown=unjudged(report, summary) is None)]
    if not summary.reported:
        paragraphs.append(f"本月各责任部门尚未填报数据，各项指标和重点项目状态均为“{NO_DATA}”，暂无法计算完成率。")
    paragraphs.append(f"判定口径：{status_rule(report.final)}各领域{INDICATOR_NOUN}情况见表1。")
    return paragraphs


def table_progress(item: IndicatorStatus) -> tuple[str, str]:
    """The 进度 cell of table 1: the figure and, under it, its measure (``33.3%`` / ``较上年末进度``)."""
    if item.measure in (progress.MEASURE_CHANGE, progress.MEASURE_TREND):
        change = wording.change_text(item)
        return (change.removeprefix("较上年末"), "较上年末") if change != "—" else ("—", "")
    if item.completion is None:
        return "—", ""
    return fmt_pct(item.completion), item.measure


# ---------------------------------------------------------------- 主要进展 / 主要成效


@dataclass(frozen=True)
class Lead:
    """A paragraph that opens with a short lead in 楷体: ``（一）量化指标。`` then its text."""

    lead: str
    text: str


def _brief(item: IndicatorStatus, month: int) -> str:
    """One indicator inside a list: ``新增规模以上工业企业1—6月累计完成19家，完成率54.3%，高于序时进度4.3个百分点``;
    a finished or held item with its target: ``市场主体总量6月底为30,001家（年度目标30,000家），较上年末增加844家``."""
    head = f"{item.name}{wording.reached_phrase(item, month)}"
    if item.basis == "maintain":
        held = "全年各月均达到目标" if item.final else "达到目标"
        parts = [f"{head}，{held}（{wording.target_phrase(item)}）", _change(item)]
    elif item.status == DONE:
        target = f"，{wording.target_phrase(item)}" if head.endswith("）") else f"（{wording.target_phrase(item)}）"
        parts = [head + target, _change(item) if item.kind != "cumulative" else wording.progress_phrase(item)]
    else:
        parts = [head, wording.progress_phrase(item), wording.gap_text(item)]
    parts.append(wording.yoy_text(item, month))
    return "，".join(p for p in parts if p)


def _change(item: IndicatorStatus) -> str:
    change = wording.change_text(item)
    return "" if change == "—" else change


def _listing(label: str, items: Sequence[str], measure: str = "项") -> str:
    return f"{label}{len(items)}{measure}：" + "；".join(items) + "。"


def progress_paragraphs(report: MonthStatus) -> list[Lead]:
    """What is done or ahead (December: what was achieved), then the tracked items, said apart."""
    month, tolerance = report.month, progress.Rules.from_settings().tolerance_pp
    done = [i for i in report.indicators if i.status == DONE]
    on_track = [i for i in report.indicators if i.status == ON_TRACK]
    ahead = [i for i in on_track if i.gap_basis == "time" and i.gap_pp is not None and i.gap_pp < 0]
    near = [i for i in on_track if i.gap_basis == "time" and i not in ahead]
    held = [i for i in on_track if i.gap_basis == "target" and i.basis != "growth"]
    growing = [i for i in on_track if i.basis == "growth"]
    sentences = []
    if report.final:
        if done:
            sentences.append(_listing("完成年度目标", [_brief(i, month) for i in done]))
    else:
        if done:
            sentences.append(_listing("提前完成年度目标", [_brief(i, month) for i in done]))
        if ahead:
            sentences.append(_listing("快于序时进度", [_brief(i, month) for i in by_severity(ahead)[::-1]]))
        if near:
            sentences.append(_listing(f"基本达到序时进度（差距在{tolerance:g}个百分点以内）", [_brief(i, month) for i in near]))
        if held:
            sentences.append(_listing("保持在目标范围内", [_brief(i, month) for i in held]))
        if growing:
            sentences.append(_listing("累计增速达到目标增速", [_brief(i, month) for i in growing]))
    paragraphs = [Lead("（一）量化指标。", "".join(sentences) or _nothing_ahead(report))]
    done_projects = [p for p in report.projects if p.status == DONE]
    on_track_projects = [p for p in report.projects if p.status == ON_TRACK]
    words = []
    if done_projects:
        label = "完成年度目标" if report.final else "已完成年度目标"
        words.append(_listing(label, [_project_brief(p) for p in done_projects], "个"))
    if on_track_projects:
        words.append(f"进度正常{len(on_track_projects)}个。")
    paragraphs.append(Lead("（二）重点项目。", "".join(words) or "暂无已完成或进度正常的重点项目。"))
    if report.tracked:
        lines = [_tracked_brief(i, month) for i in report.tracked]
        paragraphs.append(Lead("（三）跟踪事项（不计入年度统计）。", "；".join(lines) + "。"))
    return paragraphs


def _nothing_ahead(report: MonthStatus) -> str:
    return "全年没有完成年度目标的量化指标。" if report.final else "本月暂无已完成或进度正常的量化指标。"


def _project_brief(item: ProjectStatus) -> str:
    """``“游三乡”智慧小程序升级（投用）``: the stage reached; the year's milestone is in table and deck."""
    return f"{item.name}（{'年末' if item.final else ''}{item.stage}）" if item.stage else item.name


def _tracked_brief(item: IndicatorStatus, month: int) -> str:
    """``亿元以上企业6月底为79家（多年目标100家），较上年末增加1家，同比增长2.6%（上年同期77家）``."""
    reached = f"{item.name}{wording.reached_phrase(item, month)}（{wording.target_phrase(item)}）"
    parts = [reached, _change(item), wording.yoy_text(item, month)]
    return "，".join(p for p in parts if p)


# ---------------------------------------------------------------- 存在问题


@dataclass(frozen=True)
class AttentionItem:
    """A 滞后, 预警 or 未完成 item as 存在问题 words it: the outline's row plus the facts behind its status."""

    row: Row
    gap_pp: float | None
    gap_what: str  # what the gap is measured against: 序时进度, 目标值 or 计划进度
    facts: str
    note_meta: str  # （who, when 提交）after a 情况说明, or ""


@dataclass(frozen=True)
class ItemParagraph:
    """The pieces of one numbered item in 存在问题, each laid out in its own face."""

    lead: str  # ``1. 鱼塘尾水治理``
    status_mark: str  # ``【滞后】``
    body: str  # ``。责任部门：…（领域）。<facts>。``
    note_label: str  # ``情况说明：``
    note: str  # the 情况说明 itself, or （未报送情况说明）
    has_note: bool


@dataclass(frozen=True)
class AttentionGroup:
    heading: str  # ``（一）量化指标（滞后4项、预警6项）``
    items: tuple[AttentionItem, ...]
    empty: str  # the sentence when there are no items
    text: str = ""  # a group said in one paragraph (data reporting) instead of numbered items


def _note_meta(item: IndicatorStatus, row: Row) -> str:
    note = item.explanation
    if not row.has_explanation or not note:
        return ""
    who = "，".join(x for x in (note.user, note.at) if x)
    return f"（{who}提交）" if who else ""


def _indicator_item(item: IndicatorStatus, month: int) -> AttentionItem:
    row = indicator_row(item, month)
    what = "目标值" if item.gap_basis == "target" else "序时进度"
    return AttentionItem(row, item.gap_pp, what, wording.indicator_facts(item, month), _note_meta(item, row))


def _project_item(item: ProjectStatus) -> AttentionItem:
    return AttentionItem(project_row(item), item.gap_pp, "计划进度", wording.project_facts(item), "")


def attention_items(report: MonthStatus) -> tuple[list[AttentionItem], list[AttentionItem]]:
    """Every 滞后 and 预警 (December: 未完成) indicator and project, worst first, then the largest gap."""
    watch = attention_statuses(report.final)
    indicators = [_indicator_item(i, report.month) for i in by_severity(report.indicators) if i.status in watch]
    projects = [_project_item(p) for p in by_severity(report.projects) if p.status in watch]
    return indicators, projects


def tally(items: Sequence[AttentionItem], measure: str) -> str:
    counts = Counter(i.row.status for i in items)
    return "、".join(f"{COUNT_WORDS[s]}{counts[s]}{measure}" for s in (NOT_DONE, LAGGING, WARNING) if counts[s])


def attention_heading(number: int, label: str, items: Sequence[AttentionItem], measure: str, final: bool = False) -> str:
    """``（一）量化指标（滞后4项、预警6项）``; at year-end ``（一）未完成年度目标的量化指标（6项）``."""
    if final:
        return f"（{cn_number(number)}）未完成年度目标的{label}（{len(items)}{measure}）"
    return f"（{cn_number(number)}）{label}（{tally(items, measure) or '无'}）"


def reporting_gaps(report: MonthStatus) -> str:
    """Items not reported this month, and months missed earlier (named, never read as zero); "" when none."""
    unreported = [i for i in report.items if i.status == NO_DATA]
    earlier = [i for i in report.indicators if any(m < report.month for m in i.missing_months) and i.status != NO_DATA]
    parts = []
    if unreported:
        names = "、".join(f"{i.name}（{i.department_name}）" for i in unreported)
        parts.append(f"{report.month}月未填报{len(unreported)}项：{names}")
    if earlier:
        names = "、".join(f"{i.name}（缺{'、'.join(f'{m}月' for m in i.missing_months if m < report.month)}）" for i in earlier)
        parts.append(f"此前月份缺报{len(earlier)}项：{names}，缺报月份不按零计算")
    return "；".join(parts) + "。" if parts else ""


def attention_groups(report: MonthStatus, summary: SummarySlide) -> tuple[str | None, list[AttentionGroup]]:
    """存在问题: an intro sentence when there is nothing to list, else the groups in order."""
    if intro := unjudged(report, summary):
        return intro, []
    indicators, projects = attention_items(report)
    word = "未完成" if report.final else "滞后或预警"
    groups = [
        AttentionGroup(attention_heading(1, "量化指标", indicators, "项", report.final), tuple(indicators), f"没有{word}的量化指标。"),
        AttentionGroup(attention_heading(2, "重点项目", projects, "个", report.final), tuple(projects), f"没有{word}的重点项目。"),
    ]
    number = 3
    gaps = reporting_gaps(report)
    if gaps:
        groups.append(AttentionGroup(f"（{cn_number(number)}）数据报送", (), "", gaps))
        number += 1
    below = [i for i in report.tracked if i.status == WARNING]
    if below:
        text = "；".join(f"{i.name}{wording.reached_phrase(i, report.month)}，{wording.yoy_text(i, report.month)}" for i in below)
        groups.append(AttentionGroup(f"（{cn_number(number)}）跟踪事项低于上年同期", (), "", text + "。"))
    return None, groups


def item_paragraph(index: int, item: AttentionItem) -> ItemParagraph:
    row = item.row
    note = f"{row.explanation.rstrip('。')}。{item.note_meta}" if row.has_explanation else f"{MISSING_NOTE}。"
    return ItemParagraph(
        lead=f"{index}. {row.name}",
        status_mark=f"【{row.status}】",
        body=f"。责任部门：{row.department_name}（{row.area_name}）。{item.facts}。",
        note_label="情况说明：",
        note=note,
        has_note=row.has_explanation,
    )


# ---------------------------------------------------------------- 下一步工作


def item_brief(item: AttentionItem, final: bool = False) -> str:
    """``鱼塘尾水治理（滞后，低于序时进度15.4个百分点）``; at year-end ``鱼塘尾水治理（完成率81.9%）``."""
    row = item.row
    if final:
        return f"{row.name}（{_final_brief(row.item)}）"
    gap = wording.points_text(item.gap_pp, item.gap_what) if row.type_name == "指标" and item.gap_pp is not None else ""
    return f"{row.name}（{row.status}{'，' + gap if gap else ''}）"


def _final_brief(item: IndicatorStatus | ProjectStatus) -> str:
    """How far an unfinished item got, in a few words: ``完成率81.9%``, ``较上年末进度92.3%``, ``年末在建``."""
    if isinstance(item, ProjectStatus):
        return f"年末{item.stage or NO_DATA}"
    if item.basis == "maintain":
        return "未能每月保持目标"
    if item.completion is not None:
        return f"{item.measure}{fmt_pct(item.completion)}"
    return _change(item) or item.status
