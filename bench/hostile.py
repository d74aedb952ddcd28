"""Hostile uploads against the limits of ``tracker.ingest.limits``: the largest files an attacker can build under the
10 MB upload limit (zip bombs, lying zip sizes, 16,384 columns, floods of cells, elements and shared strings,
nesting, DTDs, CSV traps) and the largest legitimate ones. Each is checked in a fresh process exactly as the upload
page does (``ingest.prepare`` by an administrator, against a copy of the demo database); the time and the growth of
the process's peak memory are printed. No file is stored: each is built here, in memory.

    python bench/hostile.py           # every file: a table of size, outcome, seconds, peak memory growth
    python bench/hostile.py --json    # the same as JSON

Goal (issue 15): every file refused or accepted in ≤ 5 s with peak memory growth ≤ 200 MB.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import random
import struct
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tracker.ingest import limits  # noqa: E402

MB = 1024 * 1024
GOAL_SECONDS = 5.0
GOAL_MB = 200.0
NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
RELS_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
HEADER = ["指标编码", "年", "月", "数值", "地点", "备注"]


# ---------------------------------------------------------------- building xlsx parts by hand


def _workbook_parts(sheets: int = 1, shared: bool = False) -> dict[str, bytes]:
    names = "".join(f'<sheet name="S{i}" sheetId="{i + 1}" r:id="rId{i + 1}"/>' for i in range(sheets))
    rels = "".join(
        f'<Relationship Id="rId{i + 1}" Type="{RELS_NS}/worksheet" Target="worksheets/sheet{i + 1}.xml"/>' for i in range(sheets)
    )
    if shared:
        rels += f'<Relationship Id="rIdS" Type="{RELS_NS}/sharedStrings" Target="sharedStrings.xml"/>'
    return {
        "[Content_Types].xml": b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>',
        "_rels/.rels": (
            '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{RELS_NS}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
        ).encode(),
        "xl/workbook.xml": f'<?xml version="1.0"?><workbook {NS} xmlns:r="{RELS_NS}"><sheets>{names}</sheets></workbook>'.encode(),
        "xl/_rels/workbook.xml.rels": (
            f'<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">{rels}</Relationships>'
        ).encode(),
    }


def _header_row() -> str:
    cells = "".join(f'<c r="{chr(65 + i)}1" t="inlineStr"><is><t>{h}</t></is></c>' for i, h in enumerate(HEADER))
    return f'<row r="1">{cells}</row>'


def _zip(parts: dict[str, bytes], streamed: dict[str, Callable[[], Iterator[bytes]]] | None = None, level: int = 6) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as archive:
        for name, body in parts.items():
            archive.writestr(name, body)
        for name, chunks in (streamed or {}).items():
            with archive.open(name, "w", force_zip64=False) as fh:
                for chunk in chunks():
                    fh.write(chunk)
    return out.getvalue()


def _sheet(rows: Callable[[], Iterator[bytes]], head: str = "", tail: str = "") -> Callable[[], Iterator[bytes]]:
    def chunks() -> Iterator[bytes]:
        yield f'<?xml version="1.0"?>{head}<worksheet {NS}><sheetData>{_header_row()}'.encode()
        yield from rows()
        yield f"</sheetData>{tail}</worksheet>".encode()

    return chunks


def _batched(lines: Iterator[str], size: int = 2000) -> Iterator[bytes]:
    batch: list[str] = []
    for line in lines:
        batch.append(line)
        if len(batch) >= size:
            yield "".join(batch).encode()
            batch = []
    if batch:
        yield "".join(batch).encode()


# ---------------------------------------------------------------- the files


def xlsx_bomb_1gib() -> bytes:
    """A 3 MB .xlsx whose sheet unpacks to 1 GiB of rows (the reported 2.7 GiB-per-MB kind)."""
    row = b'<row><c t="inlineStr"><is><t>x</t></is></c><c><v>1</v></c></row>' * 20_000

    def rows() -> Iterator[bytes]:
        for _ in range((1 << 30) // len(row)):
            yield row

    return _zip(_workbook_parts(), {"xl/worksheets/sheet1.xml": _sheet(rows)}, level=9)


def xlsx_lying_size() -> bytes:
    """A sheet whose directory entry claims 1 KB while its data unpacks to 64 MiB (sizes patched after writing)."""
    row = b"".join(f"<row><c><v>{i}</v></c></row>".encode() for i in range(2000))
    data = bytearray(_zip(_workbook_parts(), {"xl/worksheets/sheet1.xml": _sheet(lambda: iter([row] * ((64 * MB) // len(row))))}, 9))
    name = b"xl/worksheets/sheet1.xml"
    for signature, offset in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        at = data.find(signature)
        while at >= 0:
            length = struct.unpack_from("<H", data, at + (26 if signature == b"PK\x03\x04" else 28))[0]
            start = at + (30 if signature == b"PK\x03\x04" else 46)
            if data[start : start + length] == name:
                struct.pack_into("<I", data, at + offset, 1024)
            at = data.find(signature, at + 4)
    return bytes(data)


def xlsx_ratio_bomb() -> bytes:
    """A sheet just under the per-part size limit that compresses 1,000 times: refused by its ratio, unread."""
    row = '<row><c><v>1</v></c><c t="inlineStr"><is><t>aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa</t></is></c></row>'

    def rows() -> Iterator[bytes]:
        block = (row * 1000).encode()
        for _ in range((limits.MAX_MEMBER_BYTES - MB) // len(block)):
            yield block

    return _zip(_workbook_parts(), {"xl/worksheets/sheet1.xml": _sheet(rows)}, level=9)


def xlsx_16384_columns() -> bytes:
    """Rows of 16,384 numbers each (the 28-second refusal), as much as fits in 10 MB."""
    rng = random.Random(1)

    def rows() -> Iterator[bytes]:
        for r in range(2, 60):
            yield "".join(f"<c><v>{rng.randint(0, 10**9)}</v></c>" for _ in range(16_384)).join((f'<row r="{r}">', "</row>")).encode()

    return _zip(_workbook_parts(), {"xl/worksheets/sheet1.xml": _sheet(rows)})


def xlsx_cell_flood() -> bytes:
    """64 columns of varied numbers per row until the per-part size limit: past the cell limit."""
    rng = random.Random(2)

    def rows() -> Iterator[bytes]:
        size = 0
        r = 1
        while size < limits.MAX_MEMBER_BYTES - 2 * MB:
            r += 1
            line = f'<row r="{r}">' + "".join(f"<c><v>{rng.random():.6f}</v></c>" for _ in range(64)) + "</row>"
            size += len(line)
            yield line.encode()

    return _zip(_workbook_parts(), {"xl/worksheets/sheet1.xml": _sheet(rows)})


def xlsx_element_flood() -> bytes:
    """Millions of small varied elements beside the sheet data (compressible just under the ratio limit)."""
    rng = random.Random(3)

    def rows() -> Iterator[bytes]:
        yield from _batched(f'<x n="{rng.randint(0, 99999)}"/>' for _ in range(limits.MAX_XML_ELEMENTS + 100_000))

    return _zip(_workbook_parts(), {"xl/worksheets/sheet1.xml": _sheet(rows)})


def xlsx_deep_row() -> bytes:
    """One row holding 100,000 nested elements (kept in memory until the row ends, without a bound)."""
    depth = 100_000

    def rows() -> Iterator[bytes]:
        yield b'<row r="2">'
        yield from _batched("<c>" for _ in range(depth))
        yield from _batched("</c>" for _ in range(depth))
        yield b"</row>"

    return _zip(_workbook_parts(), {"xl/worksheets/sheet1.xml": _sheet(rows)})


def xlsx_shared_strings_flood() -> bytes:
    """300,000 distinct shared strings (not declared in the count) and a sheet pointing at a few of them."""
    rng = random.Random(4)
    strings = "".join(f"<si><t>{rng.getrandbits(96):024x}{i}</t></si>" for i in range(limits.MAX_SHARED_STRINGS + 1))  # no count
    parts = _workbook_parts(shared=True)
    parts["xl/sharedStrings.xml"] = f'<?xml version="1.0"?><sst {NS}>{strings}</sst>'.encode()
    sheet = _sheet(lambda: iter([b'<row r="2"><c t="s"><v>5</v></c></row>']))
    return _zip(parts, {"xl/worksheets/sheet1.xml": sheet})


def xlsx_long_strings() -> bytes:
    """Shared strings of 40,000 random characters each (over a cell's limit), up to 12 million characters."""
    rng = random.Random(5)
    letters = "abcdefghijklmnopqrstuvwxyz"
    strings = "".join(f"<si><t>{''.join(rng.choices(letters, k=40_000))}</t></si>" for _ in range(300))
    parts = _workbook_parts(shared=True)
    parts["xl/sharedStrings.xml"] = f'<?xml version="1.0"?><sst {NS}>{strings}</sst>'.encode()
    cells = "".join(f'<row r="{r}"><c r="F{r}" t="s"><v>{r}</v></c></row>' for r in range(2, 300))
    return _zip(parts, {"xl/worksheets/sheet1.xml": _sheet(lambda: iter([cells.encode()]))})


def xlsx_billion_laughs() -> bytes:
    """Entities that expand to gigabytes, declared in a DTD in the sheet."""
    entities = "".join(f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">' for i in range(9))
    dtd = f'<!DOCTYPE worksheet [<!ENTITY a "aaaaaaaaaa">{entities}]>'
    row = b'<row r="2"><c t="inlineStr"><is><t>&j;</t></is></c></row>'
    return _zip(_workbook_parts(), {"xl/worksheets/sheet1.xml": _sheet(lambda: iter([row]), head=dtd)})


def xlsx_many_members() -> bytes:
    """Fifty thousand tiny entries in the zip's directory."""
    parts = _workbook_parts()
    parts |= {f"xl/media/x{i}.bin": b"" for i in range(50_000)}
    return _zip(parts, {"xl/worksheets/sheet1.xml": _sheet(lambda: iter(()))}, level=1)


def xlsx_all_limits() -> bytes:
    """Shared strings just under their limit, then rows of 12 cells pointing at them until a limit stops it."""
    rng = random.Random(6)
    count = limits.MAX_SHARED_STRINGS - 1
    strings = "".join(f"<si><t>{rng.getrandbits(64):016x}</t></si>" for _ in range(count))
    parts = _workbook_parts(shared=True)
    parts["xl/sharedStrings.xml"] = f'<?xml version="1.0"?><sst {NS} uniqueCount="{count}">{strings}</sst>'.encode()

    def rows() -> Iterator[bytes]:
        for r in range(2, limits.MAX_SHEET_ROWS):
            cells = "".join(f'<c t="s"><v>{rng.randrange(count)}</v></c>' for _ in range(12))
            yield f'<row r="{r}">{cells}</row>'.encode()

    return _zip(parts, {"xl/worksheets/sheet1.xml": _sheet(rows)})


def xlsx_every_row_wrong() -> bytes:
    """20,000 rows that are all wrong (unknown code, text for a number): one message per cell, 40,000 in all."""

    def rows() -> Iterator[bytes]:
        for r in range(2, limits.MAX_ROWS + 2):
            cells = f'<c t="inlineStr"><is><t>no_such_code_{r}</t></is></c><c><v>2023</v></c><c><v>1</v></c>'
            yield f'<row r="{r}">{cells}<c t="inlineStr"><is><t>x{r}</t></is></c></row>'.encode()

    return _zip(_workbook_parts(), {"xl/worksheets/sheet1.xml": _sheet(rows)})


def xlsx_largest_accepted() -> bytes:
    """The heaviest file that passes every check: 17,000 real figure rows (openpyxl, as Excel users send)."""
    from bench.upload import big_rows, big_xlsx

    return big_xlsx(big_rows(17_000, db_path=Path(os.environ["TRACKER_DB"])))


def csv_row_flood() -> bytes:
    """10 MB of plausible CSV rows: past the row limit."""
    lines = ["指标编码,年,月,数值,地点,备注"] + [f"cultural_events,2023,{1 + i % 12},{i},,第{i}行" for i in range(400_000)]
    return "\n".join(lines).encode()[: limits.MAX_FILE_BYTES - 1]


def csv_wide_row() -> bytes:
    """One line of five million two-character fields."""
    return ("指标编码,年,月,数值\n" + ",".join(["12"] * 3_000_000)).encode()


def csv_unbalanced_quote() -> bytes:
    """An opening quote that is never closed: the rest of the 10 MB file is one field."""
    return ('指标编码,年,月,数值\ncultural_events,2023,1,"' + "x" * (limits.MAX_FILE_BYTES - 100)).encode()


def csv_largest_accepted() -> bytes:
    """The heaviest CSV that passes: 17,000 real figure rows."""
    from bench.upload import big_rows

    rows = big_rows(17_000, db_path=Path(os.environ["TRACKER_DB"]))
    lines = [",".join(HEADER)] + [",".join("" if v is None else str(v) for v in r) for r in rows]
    return "\n".join(lines).encode()


FILES: dict[str, tuple[Callable[[], bytes], str]] = {
    "xlsx zip bomb (1 GiB sheet)": (xlsx_bomb_1gib, "bomb.xlsx"),
    "xlsx lying zip size (64 MiB)": (xlsx_lying_size, "lying.xlsx"),
    "xlsx ratio bomb (31 MiB, 1000x)": (xlsx_ratio_bomb, "ratio.xlsx"),
    "xlsx 16,384 columns": (xlsx_16384_columns, "wide.xlsx"),
    "xlsx cell flood (64 columns)": (xlsx_cell_flood, "cells.xlsx"),
    "xlsx element flood (1.6 M)": (xlsx_element_flood, "elements.xlsx"),
    "xlsx nesting (100,000 deep)": (xlsx_deep_row, "deep.xlsx"),
    "xlsx shared strings flood": (xlsx_shared_strings_flood, "strings.xlsx"),
    "xlsx long shared strings": (xlsx_long_strings, "long.xlsx"),
    "xlsx billion laughs (DTD)": (xlsx_billion_laughs, "laughs.xlsx"),
    "xlsx 50,000 zip entries": (xlsx_many_members, "members.xlsx"),
    "xlsx every limit at once": (xlsx_all_limits, "limits.xlsx"),
    "xlsx 20,000 wrong rows": (xlsx_every_row_wrong, "wrong.xlsx"),
    "xlsx largest accepted (17,000 rows)": (xlsx_largest_accepted, "big.xlsx"),
    "csv row flood (10 MB)": (csv_row_flood, "rows.csv"),
    "csv 3 M fields in a row": (csv_wide_row, "wide.csv"),
    "csv unbalanced quote (10 MB)": (csv_unbalanced_quote, "quote.csv"),
    "csv largest accepted (17,000 rows)": (csv_largest_accepted, "big.csv"),
}


# ---------------------------------------------------------------- measuring, one fresh process per file

CHILD = """
import json, os, resource, sys, time
from datetime import date
import psutil
from tracker import ingest
from tracker.auth import User
data = open(sys.argv[1], "rb").read()
name = sys.argv[2]
admin = User("bench", "admin", None)
ingest.prepare(b"metric,year,month,value\\ncultural_events,2024,1,1\\n", "warm.csv", admin, today=date(2024, 3, 20))


def high_water() -> int:
    # The kernel's peak resident size of this process (VmHWM), reset below so earlier peaks do not count.
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


try:
    with open("/proc/self/clear_refs", "w") as fh:
        fh.write("5")
except OSError:
    pass
before = psutil.Process().memory_info().rss
started, cpu_started = time.perf_counter(), time.process_time()
try:
    report = ingest.prepare(data, name, admin, today=date(2024, 3, 20))
    outcome = f"accepted: {len(report.preview):,} rows, {len(report.errors)} errors" if report.ok else f"refused: {report.errors[0].text()}"
except ingest.IngestError as exc:
    outcome = f"refused: {exc}"
seconds, cpu = time.perf_counter() - started, time.process_time() - cpu_started
peak = high_water()
found = {"seconds": seconds, "cpu_seconds": cpu, "peak_growth_mb": max(peak - before, 0) / 2**20, "outcome": outcome}
print(json.dumps(found, ensure_ascii=False))
"""


@dataclass(frozen=True)
class Result:
    name: str
    file_mb: float
    seconds: float  # wall-clock time of ingest.prepare
    cpu_seconds: float  # CPU time of the checking process (all its threads) meanwhile
    peak_growth_mb: float
    outcome: str

    @property
    def cost_seconds(self) -> float:
        """The time the check costs on an idle machine: wall time, unless other processes competed for the CPU
        (then its CPU time is the better measure; DuckDB's threads make CPU exceed wall time, never the reverse)."""
        return min(self.seconds, self.cpu_seconds)

    @property
    def within_goal(self) -> bool:
        return self.cost_seconds <= GOAL_SECONDS and self.peak_growth_mb <= GOAL_MB


def demo_copy(folder: Path) -> Path:
    """A private copy of the demo database (built from data/ once)."""
    from tracker import db

    path = folder / "tracker.duckdb"
    if not path.exists():
        db.build(path)
    return path


def measure(name: str, db_path: Path) -> Result:
    """Build one hostile file and check it in a fresh process against a copy of ``db_path``."""
    os.environ.setdefault("TRACKER_DB", str(db_path))
    build, file_name = FILES[name]
    data = build()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / file_name
        path.write_bytes(data)
        copy = Path(tmp) / "tracker.duckdb"
        copy.write_bytes(db_path.read_bytes())
        env = {**os.environ, "TRACKER_DB": str(copy)}
        run = subprocess.run(
            [sys.executable, "-c", CHILD, str(path), file_name], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
        )
    if run.returncode != 0:
        raise RuntimeError(f"{name}: {run.stderr[-2000:]}")
    found = json.loads(run.stdout.strip().splitlines()[-1])
    return Result(
        name,
        round(len(data) / MB, 2),
        round(found["seconds"], 2),
        round(found["cpu_seconds"], 2),
        round(found["peak_growth_mb"], 1),
        found["outcome"],
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--only", help="measure the files whose name contains this text")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db_path = demo_copy(Path(tmp))
        os.environ["TRACKER_DB"] = str(db_path)
        results = [measure(name, db_path) for name in FILES if not args.only or args.only in name]
    if args.json:
        print(json.dumps([asdict(r) for r in results], ensure_ascii=False, indent=2))
        return 0
    print(f"Goal: refused or accepted in ≤ {GOAL_SECONDS:g} s, peak memory growth ≤ {GOAL_MB:g} MB\n")
    print("| file | size MB | seconds | CPU seconds | peak growth MB | outcome |")
    print("|---|---:|---:|---:|---:|---|")
    for r in results:
        mark = "" if r.within_goal else " **over goal**"
        print(f"| {r.name} | {r.file_mb} | {r.seconds} | {r.cpu_seconds} | {r.peak_growth_mb} | {r.outcome[:110]}{mark} |")
    return 0 if all(r.within_goal for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
