"""The 督办 documents read back as their reader gets them: the 督办单 (python-docx), the 催报通知, the 督办台账
(openpyxl), and the 督办 parts of the June deck (python-pptx) and 通报."""

from __future__ import annotations

import io
from datetime import date

import pytest
from docx import Document
from openpyxl import load_workbook
from pptx import Presentation

from tests.conftest import add_users
from tracker import actions, deck, duban_doc, ledger, report_doc, store
from tracker.auth import User
from tracker.cli import main

SUPERVISOR = User("ducha", "supervisor")


@pytest.fixture
def with_action(demo_db):
    add_users(demo_db, ("ducha", "supervisor", None), ("jianshe", "staff", "build"))
    action_id = actions.create_action("rental_housing", 2023, 6, "7月15日前完成租赁住房项目用地报批", "2023-07-15", SUPERVISOR)
    actions.add_progress(action_id, "已完成用地预审，正在报批", User("jianshe", "staff", "build"))
    return action_id


def _docx_text(data: bytes) -> str:
    doc = Document(io.BytesIO(data))
    cells = [c.text for t in doc.tables for row in t.rows for c in row.cells]
    return "\n".join([p.text for p in doc.paragraphs] + cells)


def test_the_duban_form_names_the_item_its_facts_requirement_deadline_and_recipients(with_action):
    with store.connect() as con:
        text = _docx_text(duban_doc.duban_for_item(con, "rental_housing", 2023, 6, date(2023, 7, 5)))
    for words in ("督　办　单", "提供保障性租赁住房", "住房和城乡建设局", "年度目标150套", "序时进度50%", "已连续5个月滞后",
                  "升级为约谈", "7月15日前完成租赁住房项目用地报批", "2023年7月15日", "未设置", "演示数据"):  # fmt: skip
        assert words in text, words


def test_without_an_action_the_form_asks_for_measures_by_the_settings_deadline(demo_db):
    with store.connect() as con:
        text = _docx_text(duban_doc.duban_for_item(con, "P_MAOWAN_1", 2023, 6, date(2023, 7, 5)))
    assert "请水务局会同配合单位分析滞后原因" in text and "2023年7月15日" in text
    assert "自然资源分局" in text  # 抄送: the supporting department of data/items.csv


def test_an_unknown_item_or_department_is_refused_by_the_cli(demo_db, tmp_path, capsys):
    assert main(["duban", "--item", "NOPE", "--year", "2023", "--month", "6", "-o", str(tmp_path / "a.docx")]) == 1
    assert "没有编码为“NOPE”" in capsys.readouterr().err
    assert main(["notice", "--department", "nope", "--year", "2023", "--month", "6", "-o", str(tmp_path / "b.docx")]) == 1
    assert main(["ledger", "--year", "2023", "--month", "6", "-o", str(tmp_path / "c.docx")]) == 2
    assert not list(tmp_path.glob("*.docx")) and not list(tmp_path.glob("*.xlsx"))


def test_the_notice_lists_what_the_department_owes(with_action, tmp_path):
    out = tmp_path / "催报.docx"
    assert main(["notice", "--department", "build", "--year", "2023", "--month", "6", "-o", str(out)]) == 0
    text = _docx_text(out.read_bytes())
    assert "住房和城乡建设局：" in text and "提供保障性租赁住房（滞后）" in text
    assert "逾期未办结的督办事项（1项）" in text and "7月15日前完成租赁住房项目用地报批" in text
    with store.connect() as con:
        before = _docx_text(duban_doc.notice_for_department(con, "build", 2023, 6, date(2023, 7, 10)))
    assert "逾期未办结的督办事项" not in before  # not yet due on 7-10


def test_the_ledger_has_one_row_per_item_and_shows_closing(with_action, tmp_path):
    out = tmp_path / "台账.xlsx"
    assert main(["ledger", "--year", "2023", "--month", "6", "-o", str(out)]) == 0
    ws = load_workbook(out).active
    rows = list(ws.iter_rows(values_only=True))
    header = rows.index(ledger.HEADER)
    body = rows[header + 1 :]
    with store.connect() as con:
        from tracker import status

        report = status.build_status(con, 2023, 6)
    assert len(body) == len(report.all_items) + len(report.tracked)
    housing = next(r for r in body if "提供保障性租赁住房" in r[1])
    assert (housing[3], housing[7], housing[9]) == ("住房和城乡建设局", "✖ 滞后（连续5个月，约谈）", "未销号")
    assert "用地报批" in housing[8] and "正在报批" in housing[6]
    actions.close_action(with_action, "取得用地批复", SUPERVISOR)
    with store.connect() as con:
        ws = load_workbook(io.BytesIO(ledger.ledger_for_month(con, 2023, 6))).active
    housing = next(r for r in ws.iter_rows(values_only=True) if r[1] and "提供保障性租赁住房" in str(r[1]))
    assert housing[9] == "已销号" and "已销号" in housing[8]


def test_formula_like_action_text_stays_text_in_the_ledger(demo_db):
    actions.create_action("rental_housing", 2023, 6, '=HYPERLINK("http://x")', "2023-07-15", SUPERVISOR)
    with store.connect() as con:
        ws = load_workbook(io.BytesIO(ledger.ledger_for_month(con, 2023, 6))).active
    cell = next(c for row in ws.iter_rows() for c in row if isinstance(c.value, str) and "HYPERLINK" in c.value)
    assert cell.data_type == "s"


def test_the_june_deck_and_bulletin_carry_open_actions_and_escalations(with_action):
    with store.connect() as con:
        pptx = deck.deck_for_month(con, 2023, 6)
        docx = report_doc.report_for_month(con, 2023, 6, date(2023, 7, 5))
    prs = Presentation(io.BytesIO(pptx))
    titles = [s.name for s in prs.slides]
    assert "督办事项" in titles and "连续滞后升级督办" in titles
    slide_text = "\n".join(
        cell.text for s in prs.slides if s.name in ("督办事项", "连续滞后升级督办") for shape in s.shapes if shape.has_table
        for row in shape.table.rows for cell in row.cells
    )  # fmt: skip
    assert "7月15日前完成租赁住房项目用地报批" in slide_text and "约谈" in slide_text and "已完成用地预审" in slide_text
    text = _docx_text(docx)
    assert "2023年6月督办事项及升级督办情况" in text and "用地报批" in text and "连续5个月滞后，升级为约谈" in text
