"""tracker.export: the xlsx of an indicator table opens, reads right and carries the status colours."""

from __future__ import annotations

from io import BytesIO

import pytest
from openpyxl import load_workbook

from tracker import export, status
from tracker.labels import STATUS_COLORS
from tracker.model import LAGGING, WARNING


@pytest.fixture
def water_june(con) -> dict:
    return status.build_status(con, 2023, 6, "water")


def _sheet(data: bytes):
    return load_workbook(BytesIO(data)).active


def test_title_header_and_one_row_per_indicator(water_june):
    ws = _sheet(export.indicators_xlsx(water_june.indicators, 2023, 6, "水环境治理", demo=True))
    assert "2023年6月" in ws["A1"].value and "水环境治理" in ws["A1"].value and "演示数据" in ws["A1"].value
    assert "演示数据" in ws["A2"].value
    header = [c.value for c in ws[3]]
    assert header[:3] == ["指标", "领域", "全年目标"] and "状态" in header and "报告原文" in header
    assert ws["A3"].font.bold and ws["A3"].fill.fgColor.rgb.endswith("0F4C81")
    names = [ws.cell(row=r, column=1).value for r in range(4, ws.max_row + 1)]
    assert names == [i.name for i in water_june.indicators]
    assert ws.freeze_panes == "B4"
    assert ws.column_dimensions["A"].width >= 30


def test_numbers_stay_numbers_with_formats(water_june):
    ws = _sheet(export.indicators_xlsx(water_june.indicators, 2023, 6, "水环境治理"))
    header = [c.value for c in ws[2]]  # no demo line: header on row 2
    completion = ws.cell(row=3, column=header.index("完成率") + 1)
    assert completion.value == pytest.approx(water_june.indicators[0].completion)
    assert completion.number_format == "0.0%"
    value = ws.cell(row=3, column=header.index("完成值") + 1)
    assert isinstance(value.value, float) and value.number_format == "#,##0.##"
    assert "演示数据" not in ws["A1"].value


def test_status_cells_use_the_shared_palette(water_june):
    ws = _sheet(export.indicators_xlsx(water_june.indicators, 2023, 6, "水环境治理"))
    col = [c.value for c in ws[2]].index("状态") + 1
    seen = {}
    for r in range(3, ws.max_row + 1):
        cell = ws.cell(row=r, column=col)
        seen[cell.value] = (cell.fill.fgColor.rgb, cell.font.color.rgb if cell.font.color else None)
    assert seen["✖ 滞后"][0].endswith(STATUS_COLORS[LAGGING].lstrip("#"))
    assert seen["▲ 预警"][0].endswith(STATUS_COLORS[WARNING].lstrip("#"))
    assert seen["▲ 预警"][1].endswith("1A1A1A")  # dark text on orange


def test_empty_table_and_filename():
    ws = _sheet(export.indicators_xlsx([], 2023, 1, "全部领域"))
    assert ws.max_row == 2
    assert export.export_filename(2023, 6, "水环境治理") == "2023年6月_水环境治理_指标完成情况.xlsx"
