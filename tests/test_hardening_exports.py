"""Issue 15, point 2: no export writes a cell a spreadsheet would run as a formula. Tables are shown neutralised, so
Streamlit's own "Download as CSV" (anonymous visitors too) writes text, and the .xlsx export keeps such text as text.
Numbers stay numbers."""

from __future__ import annotations

import csv
import io
import tomllib

import pandas as pd
from openpyxl import load_workbook
from streamlit.testing.v1 import AppTest

from tests.conftest import ROOT, indicator_status_record
from tracker import export, store

HOSTILE = ["=cmd|' /C calc'!A0", "@SUM(1+1)*cmd|' /C calc'!A0", '=HYPERLINK("http://evil.example/","点击")', "+1+1", "-2+3", "\tx", "\rx"]


def test_csv_cells_that_start_like_a_formula_get_an_apostrophe_and_numbers_stay_numbers():
    frame = pd.DataFrame({"备注": HOSTILE + ["正常说明", "-较上月下降"], "数值": [-5.5] * 7 + [12.0, 3.0]})
    rows = list(csv.reader(io.StringIO(export.csv_bytes(frame).decode("utf-8-sig"), newline="")))
    assert rows[0] == ["备注", "数值"]
    notes = [r[0] for r in rows[1:]]
    assert notes[:7] == ["'" + h for h in HOSTILE]
    assert notes[7:] == ["正常说明", "'-较上月下降"]
    assert [r[1] for r in rows[1:]] == ["-5.5"] * 7 + ["12.0", "3.0"]  # a negative number is a number, not text


def test_the_xlsx_export_stores_formula_like_text_as_text():
    items = [indicator_status_record(name=h, source=h, department_name="=1+1") for h in HOSTILE[:3]]
    ws = load_workbook(io.BytesIO(export.indicators_xlsx(items, 2023, 6))).active
    names = [ws.cell(row=r, column=1) for r in range(3, 6)]
    assert [c.value for c in names] == HOSTILE[:3]
    assert all(c.data_type == "s" and c.quotePrefix for c in names)
    value = ws.cell(row=3, column=4)
    assert isinstance(value.value, (int, float)) and value.data_type == "n"


def test_streamlits_table_export_stays_on_for_screen_readers():
    """The grid's accessible copy goes with Streamlit's export; the export is made safe instead of turned off."""
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["client"].get("disableDataExport", False) is False


def test_the_lineage_table_holds_the_note_neutralised_and_numbers_as_numbers(demo_db):
    """指标详情 · 数据来源: the grid (and so its CSV download and copy) holds '=cmd|..., never =cmd|..."""
    code = "new_service_above_scale"
    with store.connect(demo_db) as con:
        con.execute("update figure set note = ? where metric = ? and month = 3", [HOSTILE[0], code])
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.query_params["month"] = "6"
    at.query_params["indicator"] = code
    at.run()
    at.switch_page("pages/indicator.py").run()
    assert not at.exception
    lineage = next(df.value for df in at.dataframe if "备注" in df.value.columns)
    assert "'" + HOSTILE[0] in set(lineage["备注"]) and HOSTILE[0] not in set(lineage["备注"])
    assert pd.api.types.is_numeric_dtype(lineage["数值"])


def _show_a_table() -> None:
    import pandas as pd

    from components import tables

    tables.show(pd.DataFrame({"指标": ["@SUM(1+1)", "正常"], "完成率": [-1.5, 2.0]}), {}, key="t")


def test_every_table_shown_through_components_tables_is_neutralised():
    at = AppTest.from_function(_show_a_table).run()
    shown = at.dataframe[0].value
    assert shown["指标"].tolist() == ["'@SUM(1+1)", "正常"] and shown["完成率"].tolist() == [-1.5, 2.0]
