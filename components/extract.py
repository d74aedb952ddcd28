"""The 报告提取 page's widgets: the report's text in, the draft in an editable table beside the text (the chosen
item's sentence highlighted), and what accepting writes or offers for download.

Extraction, matching, checks and files are ``tracker.extract``; here is only layout and session state. Report
text is shown through markdown-escaped strings only (never as HTML).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date

import pandas as pd
import streamlit as st

from components.upload import escape_md, too_large, upload_limit_mb
from tracker import ingest
from tracker.extract import accept, draft, folder, match, workbook
from tracker.extract.names import area_names, department_names
from tracker.extract.records import ITEM_KIND_NAMES, QUALIFIERS, DraftItem
from tracker.extract.text import ReportError, detect_year, read_report

ACCEPT_COL = "采纳"
ACCEPT_FLOOR = 0.5  # items below this confidence start unticked: the reviewer opts them in
CONTEXT_LINES = 2  # paragraphs shown before and after the one holding the chosen sentence
# The sentence itself is shown beside the table (highlighted), not as a column.
EDITOR_COLUMNS = (ACCEPT_COL, "序号", "类型", "名称", "目标值", "单位", "比较", "限定词", "领域", "牵头部门", "编码", "节点", "置信度")


@dataclass(frozen=True)
class Report:
    """The text the admin gave, and a digest that keys every widget drawn from it."""

    text: str
    name: str
    digest: str


@st.cache_data(show_spinner=False, max_entries=8)
def cached_draft(text: str, year: int | None) -> list[DraftItem]:
    """The draft of one text and year (pure: the same text gives the same draft)."""
    return match.assign_codes(draft.extract(text, year), match.known_items())


def render_source() -> Report | None:
    """Paste or upload; None until there is some text."""
    paste, upload = st.tabs(["粘贴文本", "上传文件"])
    with paste:
        pasted = st.text_area(
            "报告正文",
            height=180,
            key="extract_text",
            placeholder="把政府工作报告的正文（或其中“今年工作安排”部分）粘贴到这里",
            help="粘贴后按 Ctrl+Enter，或点击输入框以外的地方，开始提取。",
        )
    with upload:
        st.caption(f"支持 .txt（UTF-8 或 GBK 编码）和 .docx，不超过 {upload_limit_mb()} MB。")
        uploaded = st.file_uploader("选择报告文件", type=["txt", "docx"], key="extract_file")
    if uploaded is not None:
        data = uploaded.getvalue()
        message = too_large(len(data))
        if message:
            st.error(message)
            return None
        try:
            text = read_report(data, uploaded.name)
        except ReportError as exc:
            st.error(str(exc))
            return None
        name = uploaded.name
    elif pasted.strip():
        text, name = pasted, "粘贴的文本"
    else:
        st.info("粘贴报告正文（按 Ctrl+Enter 确认）或上传文件后，这里会列出读出的指标、项目和任务。", icon=":material/info:")
        return None
    return Report(text, name, hashlib.sha256(text.encode("utf-8")).hexdigest()[:12])


def render_year(report: Report) -> int:
    found = detect_year(report.text)
    this_year = date.today().year
    default = found if found and 2000 <= found <= this_year + 1 else this_year
    year = st.number_input(
        "目标年度", min_value=2000, max_value=this_year + 1, value=default, step=1, key=f"extract_year_{report.digest}", format="%d"
    )
    if not found:
        st.caption("报告中没有找到“20XX年政府工作报告”字样，请确认目标年度。")
    return int(year)


def editor_frame(items: list[DraftItem]) -> pd.DataFrame:
    rows = workbook.review_rows(items)
    frame = pd.DataFrame(rows, columns=list(workbook.HEADERS))
    frame.insert(0, ACCEPT_COL, [i.confidence >= ACCEPT_FLOOR for i in items])
    for column in ("目标值", "置信度"):
        frame[column] = pd.to_numeric(frame[column], errors="coerce")
    return frame[list(EDITOR_COLUMNS)]


def render_editor(items: list[DraftItem], key: str) -> pd.DataFrame:
    """The draft for editing: change any cell, untick 采纳 or delete a row to drop it, add a row the text missed."""
    kinds = list(ITEM_KIND_NAMES.values())
    return st.data_editor(
        editor_frame(items),
        key=key,
        num_rows="dynamic",
        hide_index=True,
        width="stretch",
        height=520,
        placeholder="",
        column_config={
            ACCEPT_COL: st.column_config.CheckboxColumn(ACCEPT_COL, width="small", default=True, help="不采纳的条目不会写入"),
            "序号": st.column_config.NumberColumn("序号", width="small", disabled=True),
            "类型": st.column_config.SelectboxColumn("类型", options=kinds, required=True, width="small"),
            "编码": st.column_config.TextColumn("编码", help="已有指标的编码会写入目标；新编码进入新事项文件夹"),
            "名称": st.column_config.TextColumn("名称", width=300, required=True),
            "目标值": st.column_config.NumberColumn("目标值", format="%g"),
            "单位": st.column_config.TextColumn("单位", width="small"),
            "比较": st.column_config.SelectboxColumn("比较", options=list(workbook.COMPARATOR_WORDS.values()), width="small"),
            "限定词": st.column_config.SelectboxColumn("限定词", options=list(QUALIFIERS), width="small"),
            "领域": st.column_config.SelectboxColumn("领域", options=list(area_names().values())),
            "牵头部门": st.column_config.SelectboxColumn("牵头部门", options=list(department_names().values())),
            "节点": st.column_config.TextColumn("节点", width="small"),
            "置信度": st.column_config.ProgressColumn("置信度", min_value=0.0, max_value=1.0, format="%.2f", width="small"),
        },
    )


def reviewed_items(edited: pd.DataFrame, items: list[DraftItem], year: int) -> list[DraftItem]:
    """The ticked rows as items (their sentence offsets kept from the draft row they came from)."""
    out = []
    for row in edited.to_dict("records"):
        if not row.get(ACCEPT_COL):
            continue
        index = row.get("序号")
        original = items[int(index) - 1] if isinstance(index, (int, float)) and index == index and 1 <= index <= len(items) else None
        if original is not None:
            row = {**workbook.review_row(int(index), original), **row}
        elif not row.get("年"):
            row = {**row, "年": year}
        if not str(row.get("名称") or "").strip():
            continue
        out.append(workbook.item_from_row(row, original))
    return out


def _label(index: int, item: DraftItem) -> str:
    return f"{index}. 【{ITEM_KIND_NAMES[item.kind]}】{item.name}"


def render_text(report: Report, items: list[DraftItem]) -> None:
    """The paragraphs around the chosen item, its sentence highlighted."""
    if not items:
        st.caption("没有读出条目。")
        return
    choice = st.selectbox(
        "对照原文", list(range(1, len(items) + 1)), format_func=lambda i: _label(i, items[i - 1]), key=f"extract_focus_{report.digest}"
    )
    item = items[choice - 1]
    lines = report.text.splitlines(keepends=True)
    starts, offset = [], 0
    for line in lines:
        starts.append(offset)
        offset += len(line)
    at = max((n for n, s in enumerate(starts) if s <= item.start), default=0)
    first, last = max(0, at - CONTEXT_LINES), min(len(lines), at + CONTEXT_LINES + 1)
    with st.container(height=470, border=True, key="extract_text_panel"):
        for n in range(first, last):
            line = lines[n].rstrip("\r\n")
            if not line.strip():
                continue
            if n == at:
                st.markdown(highlighted(line, item.start - starts[n], item))
            else:
                st.markdown(escape_md(line))
    st.caption(f"第 {at + 1} 段 · 置信度 {item.confidence:.2f} · 分句：{escape_md(item.clause)}")


def highlighted(line: str, at: int, item: DraftItem) -> str:
    """Markdown of one paragraph: the item's sentence on an orange background, its clause in bold."""
    end = at + item.end - item.start
    sentence = line[at:end]
    cut = sentence.find(item.clause) if item.clause else -1
    if cut >= 0:
        inner = f"{escape_md(sentence[:cut])}**{escape_md(item.clause)}**{escape_md(sentence[cut + len(item.clause) :])}"
    else:
        inner = escape_md(sentence)
    return f"{escape_md(line[:at])}:orange-background[{inner}]{escape_md(line[end:])}"


def issues_frame(issues: tuple[ingest.Issue, ...]) -> pd.DataFrame:
    """Issues of the draft's targets by item number (line k + 1 of the file is item k); the same message on many
    items ("2023年已过去…") is one row listing them all."""
    grouped: dict[tuple[str, str], list[int]] = {}
    for issue in issues:
        column = (issue.column or "").split("（")[-1].rstrip("）")
        grouped.setdefault((column, issue.message), []).append(issue.row - 1 if issue.row else 0)
    rows = [
        {"说明": message, "列": column, "条目": "、".join(str(n) for n in numbers if n) or "—"}
        for (column, message), numbers in grouped.items()
    ]
    return pd.DataFrame(rows, columns=["说明", "列", "条目"])


def render_targets(accepted: list[DraftItem], user) -> None:
    """Targets of existing indicators: checked as a targets upload, written on confirmation, once."""
    try:
        check = accept.check_items(accepted, user)
    except accept.NothingToAccept as exc:
        st.caption(str(exc))
        return
    except (ingest.IngestError, PermissionError) as exc:
        st.error(str(exc))
        return
    written = hashlib.sha256(check.data).hexdigest()
    done = st.session_state.get("extract_done")
    if done and done[0] == written:  # the same targets again: no second batch from a second click
        st.success(f"已写入目标（批次 {done[1]}），可在“目标管理”和“上传记录”中查看或撤销。", icon=":material/check_circle:")
        return
    errors = tuple(i for i in check.issues if i.level == "error")
    warnings = tuple(i for i in check.issues if i.level == "warning")
    if errors:
        st.error(f"发现 {len(errors)} 处错误，目标未写入。请在上表中修改对应条目。", icon=":material/error:")
        st.dataframe(issues_frame(errors), hide_index=True, width="stretch", key="extract_errors")
    if warnings:
        st.warning(f"{len(warnings)} 处提醒（不影响写入，请核实）：", icon=":material/warning:")
        st.dataframe(issues_frame(warnings), hide_index=True, width="stretch", key="extract_warnings")
    if check.frame.empty:
        return
    preview = check.frame.rename(columns={"name": "指标", "year": "年", "old_value": "原目标", "value": "新目标", "note": "备注"})
    preview["比较"] = check.frame["comparator"].map(workbook.COMPARATOR_WORDS)
    columns = ["指标", "年", "原目标", "新目标", "比较", "备注"]
    st.dataframe(preview[columns], hide_index=True, width="stretch", key="extract_preview", placeholder="—")
    if check.ok and st.button(f"确认写入 {len(check.frame)} 个目标", type="primary", key="extract_commit"):
        try:
            batch = accept.commit(check, user)
        except ingest.ValidationFailed as exc:
            st.dataframe(issues_frame(tuple(exc.report.issues)), hide_index=True, width="stretch", key="extract_commit_errors")
        except PermissionError as exc:
            st.error(str(exc))
        else:
            st.session_state["extract_done"] = (written, batch)
            st.rerun()


def render_downloads(accepted: list[DraftItem], year: int) -> None:
    """New items as a data/-format folder (zip), and the whole reviewed draft as Excel."""
    known = {k.code for k in match.known_items()}
    new = [i for i in accepted if i.code not in known]
    counts = "，".join(f"{name} {sum(1 for i in new if i.kind == kind)} 条" for kind, name in ITEM_KIND_NAMES.items())
    st.caption(
        f"新事项（编码不在本系统中）：{counts}。文件夹中的 targets.csv、projects.csv、tasks.csv 与系统初始数据格式相同，可用于新增镇街。"
    )
    c1, c2 = st.columns(2)
    c1.download_button(
        "下载新事项文件夹（zip）",
        folder.zip_folder(new, f"报告提取_{year}"),
        file_name=f"报告提取_{year}.zip",
        mime="application/zip",
        disabled=not new,
        key="extract_zip",
        icon=":material/folder_zip:",
    )
    c2.download_button(
        "下载审核草稿（Excel）",
        workbook.write_xlsx(accepted),
        file_name=f"报告提取草稿_{year}.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        disabled=not accepted,
        key="extract_xlsx",
        icon=":material/download:",
    )
