"""The new report's sentence of a project or task copied into a started year (tracker.sentences, item_sentence)."""

from __future__ import annotations

import json

import openpyxl
import pytest

from tests.conftest import add_users, run, write
from tracker import sentences, status, store, wording, years
from tracker.auth import PermissionDenied, User

ADMIN = User("admin", "admin")
PROJECT = "P_BRIDGE_NANFENG"
MARK = "（沿用2023年报告原文，待按新报告核对）"
NEW = "推进南凤小桥改造二期，年内建成通车。"


@pytest.fixture
def started(demo_db):
    add_users(demo_db, ("admin", "admin", None), ("wang", "staff", "water"))
    years.start_year(2024, ADMIN)
    return demo_db


def status_json(year: int, month: int) -> str:
    with store.connect() as con:
        return json.dumps(status.build_status(con, year, month).to_json(), ensure_ascii=False, sort_keys=True, default=str)


def project(year: int, code: str = PROJECT) -> dict:
    return next(p for p in json.loads(status_json(year, 3))["projects"] if p["code"] == code)


def first_task(year: int) -> dict:
    return json.loads(status_json(year, 3))["tasks"][0]


def stored() -> tuple[int, int, int]:
    """(batches, sentence rows, audit rows): what a refusal must leave as it was."""
    with store.connect() as con:
        return store.one(con, "select (select count(*) from batch), (select count(*) from item_sentence), (select count(*) from audit)")


def unchecked(year: int) -> list[str]:
    with store.connect() as con:
        return [i.code for i in sentences.copied_items(con, year)]


def test_a_new_sentence_shows_everywhere_unmarked_leaves_2023_alone_and_a_revert_brings_the_mark_back(started, capsys):
    old = project(2023)["source"]
    assert project(2024)["source"] == old and project(2024)["source_year"] == 2023
    with store.connect() as con:
        marked = next(p for p in status.build_status(con, 2024, 3).projects if p.code == PROJECT)
    assert wording.source_text(marked) == old + MARK
    before_2023 = status_json(2023, 6)
    _, items_2023, _ = run(capsys, "items", "--year", "2023", "--json")

    code, out, err = run(capsys, "items", "sentence", PROJECT, "--year", "2024", "--text", NEW, "--user", "admin")
    assert code == 0, err
    batch = int(out.split("批次 ")[1].split("，")[0])
    assert project(2024)["source"] == NEW and project(2024)["source_year"] is None
    with store.connect() as con:
        shown = next(p for p in status.build_status(con, 2024, 3).projects if p.code == PROJECT)
    assert wording.source_text(shown) == NEW
    _, items_2024, _ = run(capsys, "items", "--year", "2024", "--json")
    assert next(i for i in json.loads(items_2024) if i["code"] == PROJECT)["source"] == NEW
    assert PROJECT not in unchecked(2024) and len(unchecked(2024)) == 86
    assert status_json(2023, 6) == before_2023  # byte-identical
    assert run(capsys, "items", "--year", "2023", "--json")[1] == items_2023
    with store.connect() as con:
        audit = store.one(con, "select user_name, detail from audit where action = 'item.sentence'")
    assert audit[0] == "admin" and json.loads(audit[1])["sentence"] == [old, NEW]

    code, _, err = run(capsys, "revert", str(batch), "--user", "admin")
    assert code == 0, err
    assert project(2024)["source"] == old and project(2024)["source_year"] == 2023
    assert PROJECT in unchecked(2024) and len(unchecked(2024)) == 87
    assert status_json(2023, 6) == before_2023


def test_the_newest_sentence_wins_and_a_task_takes_one_too(started):
    task = first_task(2024)
    assert task["source_year"] == 2023
    sentences.set_sentence(PROJECT, 2024, "第一稿。", ADMIN)
    both = [sentences.SentenceChange(PROJECT, 2024, NEW), sentences.SentenceChange(task["code"], 2024, "任务新原文。")]
    sentences.set_sentences(ADMIN, both)
    assert project(2024)["source"] == NEW
    assert first_task(2024)["source"] == "任务新原文。" and first_task(2024)["source_year"] is None
    assert first_task(2023)["source"] == task["source"] and first_task(2023)["source_year"] is None


@pytest.mark.parametrize(
    ("change", "said"),
    [
        (sentences.SentenceChange("P_NOPE", 2024, NEW, row=3), "第3行：编码：2024年没有编码为“P_NOPE”"),
        (sentences.SentenceChange(PROJECT, 2031, NEW, row=4), "第4行：年：2031年没有重点项目或重点工作"),
        (sentences.SentenceChange(PROJECT, 2024, "  ", row=5), "第5行：原文：“南凤小桥改造”的新报告原文不能为空"),
        (sentences.SentenceChange(PROJECT, 2024, "字" * 501), "原文有501个字，超过上限500个字"),
        (sentences.SentenceChange(PROJECT, 2023, NEW), "就是2023年报告的原文"),
    ],
)
def test_refusals_name_the_problem_and_change_nothing(started, change, said):
    before = stored()
    with pytest.raises(sentences.SentenceError, match=said):
        sentences.set_sentences(ADMIN, [sentences.SentenceChange(first_task(2024)["code"], 2024, "任务新原文。", row=2), change])
    assert stored() == before
    assert project(2024)["source_year"] == 2023


def test_a_staff_user_is_refused(started, capsys):
    before = stored()
    with pytest.raises(PermissionDenied):
        sentences.set_sentence(PROJECT, 2024, NEW, User("wang", "staff", "water"))
    code, _, err = run(capsys, "items", "sentence", PROJECT, "--year", "2024", "--text", NEW, "--user", "wang")
    assert code == 1 and "只有管理员" in err
    assert stored() == before


def test_a_file_loads_many_in_one_batch_and_a_bad_row_loads_none(started, tmp_path, capsys):
    task = first_task(2024)["code"]
    bad = write(tmp_path, "bad.csv", "编码,年,原文", f"{PROJECT},2024,{NEW}", f"{task},,任务新原文。", "P_NOPE,2024,x")
    before = stored()
    code, _, err = run(capsys, "items", "sentences", bad, "--user", "admin")
    assert code == 1 and "第3行B列（年）：年不能为空" in err, err
    unknown = write(tmp_path, "unknown.csv", "编码,年,原文", f"{PROJECT},2024,{NEW}", "P_NOPE,2024,x", f"{task},2024,")
    code, _, err = run(capsys, "items", "sentences", unknown, "--user", "admin")
    assert code == 1 and "第3行：编码：2024年没有编码为“P_NOPE”" in err and "第4行：原文：" in err, err
    assert stored() == before
    assert project(2024)["source_year"] == 2023

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "原文"
    for row in (["编码", "年", "原文"], [PROJECT, 2024, NEW], [task, "2024年", "任务新原文。"]):
        sheet.append(row)
    good = tmp_path / "good.xlsx"
    book.save(good)
    code, out, err = run(capsys, "items", "sentences", str(good), "--user", "admin")
    assert code == 0, err
    with store.connect() as con:
        assert store.one(con, "select count(distinct batch_id), count(*) from item_sentence") == (1, 2)
    assert project(2024)["source"] == NEW and first_task(2024)["source"] == "任务新原文。"
    code, out, _ = run(capsys, "items", "unchecked", "--year", "2024", "--json")
    assert code == 0 and {PROJECT, task}.isdisjoint(r["code"] for r in json.loads(out)) and len(json.loads(out)) == 85


def test_the_same_on_both_stores(any_store, monkeypatch):
    years.start_year(2024, ADMIN)
    batch = sentences.set_sentence(PROJECT, 2024, NEW, ADMIN)
    assert project(2024)["source"] == NEW and project(2024)["source_year"] is None
    from tracker.ingest import batch as batches

    batches.revert(batch, ADMIN)
    assert project(2024)["source_year"] == 2023


def test_the_targets_page_lists_the_marked_items_and_the_projects_page_shows_the_new_sentence(started):
    from tests.test_pages import open_page
    from tests.test_upload_pages import ADMIN as PAGE_ADMIN
    from tests.test_upload_pages import STAFF, all_text, frame_with, page

    assert "核对新年度报告原文" not in [s.value for s in page("targets", STAFF).subheader]
    at = page("targets", PAGE_ADMIN)
    at.selectbox(key="targets_year").set_value(2024).run()
    assert "核对新年度报告原文" in [s.value for s in at.subheader]
    assert "2024年有87个重点项目和重点工作仍沿用2023年报告原文" in all_text(at)
    shown = frame_with(open_page("projects", month=3, year="2024"), "报告原文")
    assert any(MARK in str(s) for s in shown["报告原文"])
    sentences.set_sentence(PROJECT, 2024, NEW, ADMIN)
    shown = frame_with(open_page("projects", month=3, year="2024"), "报告原文")
    assert NEW in list(shown["报告原文"]) and not any(NEW in str(s) and MARK in str(s) for s in shown["报告原文"])
    at = page("targets", PAGE_ADMIN)
    at.selectbox(key="targets_year").set_value(2024).run()
    assert "2024年有86个重点项目和重点工作仍沿用2023年报告原文" in all_text(at)


def test_the_command_honours_the_town(demo_db, tmp_path):
    """横栏镇 (added from files, no projects or tasks) started 2024 too: 三乡镇's project code is unknown there, and
    三乡镇's copied sentence is left as it was."""
    from tests.test_towns import HENGLAN, cli, write_town_files

    data, queries = write_town_files(tmp_path / "henglan-files")
    assert cli(demo_db, "towns", "add", HENGLAN, "--data", str(data), "--queries", str(queries)).returncode == 0
    added = cli(demo_db, "--town", HENGLAN, "users", "add", "hl_admin", "--role", "admin", stdin="a-long-password\na-long-password\n")
    assert added.returncode == 0, added.stderr
    assert cli(demo_db, "--town", HENGLAN, "year", "start", "2024", "--user", "hl_admin").returncode == 0
    years.start_year(2024, ADMIN)
    refused = cli(demo_db, "--town", HENGLAN, "items", "sentence", PROJECT, "--year", "2024", "--text", NEW, "--user", "hl_admin")
    assert refused.returncode == 1 and "2024年没有重点项目或重点工作" in refused.stderr, refused.stderr
    assert project(2024)["source_year"] == 2023


def test_a_schema_4_file_gets_the_table_and_the_view_on_first_open(demo_db):
    import duckdb

    from tracker import db

    con = duckdb.connect(str(demo_db))
    con.execute("drop view item_source_current; drop table item_sentence")
    con.execute("update meta set value = '4' where key = 'schema_version'")
    con.close()
    store._READY.clear()
    with store.connect() as con:
        assert db.schema_version(con) == 5
        assert store.one(con, "select count(*) from item_sentence") == (0,)
    assert project(2023)["source"] and project(2023)["source_year"] is None


def test_a_started_year_with_new_sentences_is_not_reverted_until_they_are(started):
    """Else a year started again would show the sentences entered for the removed copies."""
    from tracker.ingest import batch as batches

    with store.connect() as con:
        year_batch = store.one(con, "select max(id) from batch where kind = 'year'")[0]
    entered = sentences.set_sentence(PROJECT, 2024, NEW, ADMIN)
    with pytest.raises(years.YearError, match="新报告原文1条"):
        batches.revert(year_batch, ADMIN)
    assert project(2024)["source"] == NEW
    batches.revert(entered, ADMIN)
    batches.revert(year_batch, ADMIN)
    years.start_year(2024, ADMIN)
    assert project(2024)["source_year"] == 2023


def test_the_duban_form_marks_a_copied_sentence_and_shows_the_new_one_unmarked(started):
    from tests.test_report_doc import body_text, open_doc
    from tracker import duban_doc

    def form() -> str:
        with store.connect() as con:
            return body_text(open_doc(duban_doc.duban_for_item(con, PROJECT, 2024, 3)))

    assert project(2023)["source"] + MARK in form()
    sentences.set_sentence(PROJECT, 2024, NEW, ADMIN)
    assert NEW in form() and MARK not in form()
