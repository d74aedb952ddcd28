"""The text files in data/ and queries/ agree with each other and with the report."""

import csv
import json
import re

import pytest

from tests.conftest import ROOT
from tracker.indicators import registry
from tracker.model import STAGES

DATA = ROOT / "data"
REPORT = DATA / "source" / "work-report-2023-p24.txt"


def rows(name):
    with open(DATA / name, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def normalise(text: str) -> str:
    """The report mixes full- and half-width punctuation; compare on the words."""
    return re.sub(r"[\s,，。、;；:：()（）“”\"'‘’]", "", text)


def test_every_annual_indicator_has_a_2023_target_and_no_made_up_number_for_the_rest():
    targets = {r["indicator"] for r in rows("targets.csv") if r["year"] == "2023"}
    annual = {code for code, i in registry().items() if i.basis != "track"}
    assert annual <= targets
    # 水浸黑点 (持续开展…全面整治) and 9个村 (加快推进…建设): the report gives no number, so neither has a target.
    assert not {"flood_blackspots", "village_sewage"} & targets


def test_every_indicator_and_metric_names_a_known_department():
    departments = {r["code"] for r in rows("departments.csv")}
    for indicator in registry().values():
        assert indicator.department in departments, indicator.code
    for metric in rows("metrics.csv"):
        assert metric["department"] in departments, metric["code"]


def test_every_indicator_reads_known_metrics():
    metrics = {r["code"] for r in rows("metrics.csv")}
    for indicator in registry().values():
        assert set(indicator.metrics) <= metrics, indicator.code
        for metric in indicator.metrics:
            assert f"'{metric}'" in indicator.sql, f"{indicator.code} declares {metric} but does not read it"


def test_every_metric_feeds_an_indicator():
    used = {m for ind in registry().values() for m in ind.metrics}
    assert {r["code"] for r in rows("metrics.csv")} == used


def test_every_source_sentence_is_quoted_from_the_report():
    report = normalise(REPORT.read_text(encoding="utf-8"))
    sources = [(i.code, i.source) for i in registry().values()] + [(p["code"], p["source"]) for p in rows("projects.csv")]
    for code, source in sources:
        assert normalise(source) in report, f"{code}: source sentence not found in the report"


@pytest.mark.parametrize(
    "number",
    [
        "3万",
        "35家",
        "12家",
        "15个",
        "800亩",
        "1200亩",
        "100%",
        "28条",
        "51个小区",
        "745亩",
        "60%",
        "51处",
        "290场次",
        "150套",
        "十件",
        "9个村",
    ],
)
def test_every_quantified_target_of_the_report_is_tracked(number):
    sources = " ".join(i.source for i in registry().values())
    assert number in sources
    assert number in REPORT.read_text(encoding="utf-8")


def test_targets_carry_the_reports_numbers():
    targets = {r["indicator"]: r for r in rows("targets.csv")}
    expected = {
        "market_entities": 30000,
        "new_industrial_above_scale": 35,
        "new_service_above_scale": 12,
        "four_small_gardens": 15,
        "afforestation": 800,
        "forest_tending": 1200,
        "waste_harmless_rate": 100,
        "river_interception": 28,
        "residential_sewer": 51,
        "fishpond_tailwater": 745,
        "pretreat_coverage": 60,
        "heritage_patrol": 51,
        "cultural_events": 290,
        "rental_housing": 150,
        "livelihood_projects": 10,
    }
    for code, value in expected.items():
        assert float(targets[code]["value"]) == value, code


def test_every_project_has_a_planned_stage_and_known_area_and_department():
    stages = set(STAGES)  # one vocabulary: 前期 covers a work not yet started
    areas = {r["code"] for r in rows("areas.csv")}
    departments = {r["code"] for r in rows("departments.csv")}
    for project in rows("projects.csv"):
        assert project["target_stage"] in stages, project["code"]
        assert project["area"] in areas and project["department"] in departments, project["code"]
        if project["target_stage"] in ("完工", "投用"):
            assert project["start_month"] and project["finish_month"], project["code"]


@pytest.mark.parametrize(
    "name",
    [
        "茅湾涌防洪排涝整治工程一期",
        "鸦岗运河",
        "修缮古鹤村日东祠",
        "石岐鸽农业精品产业园",
        "综合养老服务中心",
        "污水处理厂扩建工程",
        "中心蓄洪湖",
        "谷都截洪沟",
        "妈坑水库截洪沟",
        "平南信道郑公祠",
        "务仁巷135号",
        "村史馆",
        "游三乡",
    ],
)
def test_named_works_are_projects(name):
    assert any(name in p["name"] for p in rows("projects.csv"))


def test_project_places_exist():
    places = {f["properties"]["code"] for f in json.loads((DATA / "places.geojson").read_text(encoding="utf-8"))["features"]}
    for project in rows("projects.csv"):
        assert not project["place"] or project["place"] in places, project["code"]


def test_demo_figures_name_known_metrics_and_places():
    metrics = {r["code"]: r for r in rows("metrics.csv")}
    places = {f["properties"]["code"] for f in json.loads((DATA / "places.geojson").read_text(encoding="utf-8"))["features"]}
    for row in rows("demo/figures.csv"):
        assert row["metric"] in metrics
        assert (row["place"] != "") == (metrics[row["metric"]]["per_place"] == "true")
        assert not row["place"] or row["place"] in places


def test_demo_data_is_reproducible(tmp_path):
    from tracker import demo

    figures, projects = demo.generate()
    again_figures, again_projects = demo.generate()
    assert figures == again_figures and projects == again_projects
    assert len(rows("demo/figures.csv")) == len(figures)
