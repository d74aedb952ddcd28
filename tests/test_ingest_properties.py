"""Property tests of the parser: whatever bytes or cells arrive, the result is a parse or an IngestError with a
Chinese message, never another exception (a traceback on the page). parse() wraps any unexpected exception in an
IngestError (so the page shows a sentence); that catch-all is a bug surfacing, so the properties refuse it."""

from __future__ import annotations

import io
import re

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tracker import ingest, store
from tracker.auth import User
from tracker.ingest.cells import Cell, CellError, parse_number

CJK = re.compile(r"[\u4e00-\u9fff]")
HEADERS = ["指标编码", "年", "月", "数值", "地点", "备注", "metric", "year", "month", "value", "情况说明", "", None]

cell_values = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**12), max_value=10**12),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=20),
    st.sampled_from(
        [
            "1,234",
            "１２３",
            "12%",
            " 5 ",
            "2023年",
            "5月",
            "#DIV/0!",
            "=1+1",
            "market_entities",
            "cultural_events",
            "RC01",
            "−3",
            "1e400",
            "1,2,3",
            "",
        ]
    ),
)


def _not_a_crash(error: ingest.IngestError) -> None:
    """An IngestError that says what is wrong with the file, not parse()'s catch-all around an unexpected
    exception (a KeyError inside _parse would otherwise pass as a 'clear error')."""
    cause = error.__cause__
    wrapped = ingest.UNEXPECTED_PARSE_ERROR.format(type(cause).__name__) if cause is not None else None
    assert str(error) != wrapped, f"unexpected {cause!r} inside the parser"


def _check(outcome) -> None:
    if isinstance(outcome, ingest.IngestError):
        _not_a_crash(outcome)
        assert CJK.search(str(outcome)), str(outcome)
    else:
        assert isinstance(outcome, ingest.Parsed)
        for issue in outcome.issues:
            assert CJK.search(issue.text())


def _run(data: bytes, name: str):
    try:
        return ingest.parse(data, name)
    except ingest.IngestError as exc:
        return exc


@settings(max_examples=300, deadline=None)
@given(data=st.binary(max_size=2000), name=st.sampled_from(["a.csv", "a.xlsx", "a.xls", "a", "数据.CSV"]))
def test_any_bytes_give_a_result_or_a_clear_error(data, name):
    _check(_run(data, name))


@settings(max_examples=150, deadline=None)
@given(data=st.binary(max_size=3000))
def test_corrupt_zip_bytes_after_the_xlsx_signature(data):
    _check(_run(b"PK\x03\x04" + data, "a.xlsx"))


@settings(max_examples=200, deadline=None)
@given(
    header=st.lists(st.sampled_from(HEADERS), min_size=0, max_size=8),
    rows=st.lists(st.lists(st.text(max_size=12), max_size=8), max_size=12),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "gbk"]),
)
def test_any_csv_cells(header, rows, encoding):
    lines = [",".join(h or "" for h in header)] + [",".join(r) for r in rows]
    text = "\n".join(lines)
    try:
        data = text.encode(encoding)
    except UnicodeEncodeError:
        data = text.encode("utf-8")
    _check(_run(data, "a.csv"))


def _xlsx(header, rows) -> bytes:
    book = openpyxl.Workbook()
    ws = book.active
    ws.append(header)
    for r in rows:
        try:
            ws.append(r)
        except (ValueError, TypeError):  # openpyxl refuses some values (control characters): not our concern
            ws.append([None] * len(r))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@settings(max_examples=120, deadline=None)
@given(header=st.lists(st.sampled_from(HEADERS), min_size=0, max_size=7), rows=st.lists(st.lists(cell_values, max_size=7), max_size=10))
def test_any_xlsx_cells(header, rows):
    rows = [[v if not (isinstance(v, str) and re.search(r"[\x00-\x08\x0b\x0c\x0e-\x1f]", v)) else "x" for v in r] for r in rows]
    _check(_run(_xlsx(header, rows), "a.xlsx"))


@settings(max_examples=300, deadline=None)
@given(value=cell_values, fmt=st.sampled_from(["General", "0%", "0.00"]))
def test_parse_number_raises_only_cell_errors(value, fmt):
    try:
        number, _ = parse_number(Cell(value, fmt))
    except CellError as exc:
        assert CJK.search(str(exc)) or "TRUE" in str(exc)
    else:
        assert number == number and abs(number) != float("inf")


@pytest.fixture(scope="module")
def checked_db(tmp_path_factory, demo_db_template):
    import shutil

    path = tmp_path_factory.mktemp("prop") / "tracker.duckdb"
    shutil.copy(demo_db_template, path)
    return path


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    rows=st.lists(
        st.tuples(
            st.sampled_from(
                ["market_entities", "cultural_events", "river_interception_pct", "nope", "ＣＵＬＴＵＲＡＬ_events", "当月开展文化活动", ""]
            ),
            st.one_of(st.integers(-5, 3000), st.text(max_size=6)),
            st.one_of(st.integers(-2, 14), st.text(max_size=4)),
            cell_values,
            st.sampled_from(["", "RC01", "三乡镇", "nope"]),
        ),
        max_size=12,
    )
)
def test_checks_never_crash(checked_db, rows):
    """Parsed rows of any content go through every database check without an exception, and nothing is written."""
    book = openpyxl.Workbook()
    ws = book.active
    ws.append(["指标编码", "年", "月", "数值", "地点"])
    for r in rows:
        safe = [v if not (isinstance(v, str) and re.search(r"[\x00-\x08\x0b\x0c\x0e-\x1f]", v)) else "x" for v in r]
        ws.append(safe)
    out = io.BytesIO()
    book.save(out)
    try:
        parsed = ingest.parse(out.getvalue(), "p.xlsx")
    except ingest.IngestError as exc:
        _not_a_crash(exc)
        return
    with store.connect(checked_db) as con:
        report = ingest.validate(con, parsed, User("a", "admin"))
    for issue in report.issues:
        assert CJK.search(issue.text())


FULL_WIDTH = str.maketrans("0123456789,.-%", "０１２３４５６７８９，．－％")


@settings(max_examples=300, deadline=None)
@given(
    n=st.integers(min_value=-(10**12), max_value=10**12),
    cents=st.integers(0, 99),
    full=st.booleans(),
    pad=st.sampled_from(["", " ", "  ", "\u3000", "\u00a0"]),
    percent=st.booleans(),
)
def test_written_numbers_read_back_exactly(n, cents, full, pad, percent):
    """Thousands separators, full-width digits, padding and a percent sign never change the number."""
    text = f"{n:,}.{cents:02d}" + ("%" if percent else "")
    if full:
        text = text.translate(FULL_WIDTH)
    value, was_percent = parse_number(Cell(pad + text + pad))
    expected = abs(n) + cents / 100
    assert value == pytest.approx(expected if n >= 0 else -expected)
    assert was_percent == percent


def test_the_catch_all_is_recognised():
    """The check above really fails on a wrapped crash (and not on a bad file's own message)."""
    try:
        raise ingest.IngestError(ingest.UNEXPECTED_PARSE_ERROR.format("KeyError")) from KeyError("x")
    except ingest.IngestError as exc:
        with pytest.raises(AssertionError):
            _not_a_crash(exc)
    try:
        ingest.parse(b"PK\x03\x04garbage", "a.xlsx")
    except ingest.IngestError as exc:
        _not_a_crash(exc)  # a readable message chained to the zip error is fine


def test_huge_number_in_a_percent_cell_is_a_cell_error():
    """Found by the property above: 1.8e306 in a 0% cell became inf after × 100."""
    with pytest.raises(CellError, match="超出范围"):
        parse_number(Cell(1.797693134862316e306, "0%"))
