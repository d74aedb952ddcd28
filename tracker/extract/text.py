"""Reading a report into sentences and clauses.

Offsets always point into the decoded text as the user gave it, so the page can highlight the very characters
an item was read from; matching runs on a width-folded copy of the same length (full-width digits and letters
become ASCII, nothing is inserted or removed).
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator

from tracker.errors import Refusal
from tracker.extract.records import Clause, Sentence


class ReportError(Refusal, ValueError):
    """The file cannot be read as a report. The message is Chinese, for users."""


# ---------------------------------------------------------------- decoding

MAX_BYTES = 20 * 1024 * 1024


def decode(data: bytes) -> str:
    """UTF-8 (with or without BOM) first, then GB18030, the superset of the GBK that Chinese Windows writes."""
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ReportError("无法识别文本编码：请保存为 UTF-8 或 GBK 编码的 .txt 文件。")


def docx_text(data: bytes) -> str:
    """Paragraphs and table cells of a Word file, one paragraph a line, in document order."""
    import docx

    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as exc:  # zip or xml errors: not a readable .docx
        raise ReportError("无法打开 Word 文件：文件可能已损坏，或不是 .docx 格式。") from exc
    lines = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            lines.extend(cell.text for cell in row.cells)
    return "\n".join(lines)


def read_report(data: bytes, file_name: str) -> str:
    """The report's text from an uploaded .txt or .docx (raises ReportError with a Chinese message)."""
    name = (file_name or "").lower()
    if not data:
        raise ReportError("文件是空的。")
    if len(data) > MAX_BYTES:
        raise ReportError(f"文件超过 {MAX_BYTES // 1024 // 1024} MB，请只上传政府工作报告正文。")
    if data[:4] == b"PK\x03\x04":
        if not name.endswith(".docx") and not _is_docx(data):
            raise ReportError("只支持 .txt 和 .docx 文件：请把报告另存为 Word（.docx）或纯文本（.txt）。")
        return docx_text(data)
    if name.endswith((".doc", ".pdf", ".wps")) or data[:5] == b"%PDF-" or data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise ReportError("只支持 .txt 和 .docx 文件：请把报告另存为 Word（.docx）或纯文本（.txt）。")
    text = decode(data)
    if "\x00" in text:
        raise ReportError("文件中含有无法识别的二进制内容，请上传纯文本（.txt）或 Word（.docx）文件。")
    return text


def _is_docx(data: bytes) -> bool:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return "word/document.xml" in archive.namelist()
    except zipfile.BadZipFile:
        return False


# ---------------------------------------------------------------- width folding

_FOLD = {c: c - 0xFEE0 for c in range(0xFF01, 0xFF5F)} | {0x3000: 0x20, 0x00A0: 0x20}


def fold(text: str) -> str:
    """Full-width ASCII to ASCII, one character for one, so offsets stay valid."""
    return text.translate(_FOLD)


def words(text: str) -> str:
    """Only the words: the report mixes full- and half-width punctuation, so compare sentences on this."""
    return re.sub(r"[\s,，。、;；:：()（）“”\"'‘’《》「」.．!！?？]", "", fold(text))


# ---------------------------------------------------------------- headings and sentences

_TOP_HEADING = re.compile(r"^\s*[一二三四五六七八九十]+、")
_SUB_HEADING = re.compile(r"^\s*[(（][一二三四五六七八九十]+[)）]")
_LIST_MARKER = re.compile(r"^\s*(?:\d{1,2}[.．、](?!\d)|[(（]\d{1,2}[)）]|[①-⑳])\s*")
_SENTENCE_END = re.compile(r"[。！？!?]+")
_YEAR = re.compile(r"(?<!\d)(20\d{2}|19\d{2})(?=年)")
_REPORT_YEAR = re.compile(r"(20\d{2})年[^\n。]{0,12}?(?:政府工作报告|工作安排|工作计划|主要预期目标)")
# Words that put a sentence in the past: the review of last year, not this year's plan.
_PAST_MARKERS = ("过去一年", "过去的一年", "去年", "一年来", "过去五年", "五年来", "回顾")
_FUTURE_MARKERS = ("今年", "年内", "全年", "力争", "确保", "将", "计划", "目标")
TITLE_MAX = 24  # a numbered paragraph's first sentence up to this length is its title


def detect_year(text: str) -> int | None:
    """The year the report plans for: "2023年政府工作报告", else "2023年工作安排"."""
    match = _REPORT_YEAR.search(fold(text))
    return int(match.group(1)) if match else None


def _lines(text: str) -> Iterator[tuple[int, str]]:
    offset = 0
    for line in text.splitlines(keepends=True):
        yield offset, line.rstrip("\r\n")
        offset += len(line)


def is_past(sentence: str, year: int | None) -> bool:
    """A sentence about an earlier year's results (2022年…完成…) or last year's review."""
    folded = fold(sentence)
    years = [int(y) for y in _YEAR.findall(folded)]
    if year is not None and years and max(years) < year:
        return True
    if any(m in folded for m in _PAST_MARKERS):
        return not any(m in folded for m in _FUTURE_MARKERS)
    return False


def _heading_is_past(heading: str, year: int | None) -> bool:
    years = [int(y) for y in _YEAR.findall(fold(heading))]
    if year is not None and years:
        return max(years) < year
    return "回顾" in heading or "过去" in heading


def sentences(text: str, year: int | None = None) -> list[Sentence]:
    """Every sentence of the report with its section; headings are context, not sentences."""
    out: list[Sentence] = []
    top, section, title = "", "", ""
    past_part = False
    for offset, line in _lines(text):
        stripped = line.strip()
        if not stripped:
            continue
        if _TOP_HEADING.match(line) and len(stripped) <= 40 and not _SENTENCE_END.search(stripped[:-1]):
            top, section, title = stripped, "", ""
            past_part = _heading_is_past(stripped, year)
            continue
        if _SUB_HEADING.match(line) and not _SENTENCE_END.search(stripped[:-1]):
            section, title = stripped, ""
            continue
        if not _SENTENCE_END.search(stripped) and len(stripped) <= 40:
            title = stripped  # a heading line with no full stop ("乡镇2023年政府工作报告-35篇(第24/65页)")
            continue
        marker = _LIST_MARKER.match(line)
        start = marker.end() if marker else len(line) - len(line.lstrip())
        first = True
        for piece_start, piece_end in _split_sentences(line, start):
            piece = line[piece_start:piece_end].strip()
            if not piece:
                continue
            lead = len(line[piece_start:piece_end]) - len(line[piece_start:piece_end].lstrip())
            is_title = bool(marker) and first and len(piece) <= TITLE_MAX
            if is_title:
                title = piece.rstrip("。")
            first = False
            out.append(
                Sentence(
                    text=piece,
                    start=offset + piece_start + lead,
                    end=offset + piece_start + lead + len(piece),
                    section=" ".join(s for s in (top, section, title) if s),
                    past=past_part or is_past(piece, year),
                    title=is_title,
                )
            )
    return out


_OPEN = "“‘《「(（【"
_CLOSE = "”’》」)）】"


def _split_sentences(line: str, start: int) -> Iterator[tuple[int, int]]:
    """Sentence spans of one line (a terminator belongs to its sentence); nothing inside quotes ends one."""
    depth, straight = 0, False
    quotes = line.count('"') % 2 == 0  # an unpaired straight quote is a typo, not a quotation
    begin = start
    i = start
    while i < len(line):
        ch = line[i]
        if ch == '"' and quotes:
            straight = not straight
        elif ch in _OPEN:
            depth += 1
        elif ch in _CLOSE:
            depth = max(0, depth - 1)
        elif ch in "。！？!?" and not depth and not straight:
            while i + 1 < len(line) and line[i + 1] in '。！？!?”"':
                i += 1
            yield begin, i + 1
            begin = i + 1
        i += 1
    if begin < len(line):
        yield begin, len(line)


_CLAUSE_BREAK = ",，;；:："


def clauses(sentence: Sentence) -> list[Clause]:
    """The sentence cut at commas, semicolons and colons outside quotes and brackets; "1,200" stays whole."""
    text = sentence.text
    out: list[Clause] = []
    depth, straight = 0, False
    quotes = text.count('"') % 2 == 0
    begin, opens = 0, ""
    for i, ch in enumerate(text):
        if ch == '"' and quotes:
            straight = not straight
        elif ch in _OPEN:
            depth += 1
        elif ch in _CLOSE:
            depth = max(0, depth - 1)
        elif ch in _CLAUSE_BREAK and not depth and not straight:
            if ch == "," and 0 < i < len(text) - 3 and text[i - 1].isdigit() and text[i + 1 : i + 4].isdigit():
                continue
            out.append(Clause(text[begin:i], sentence.start + begin, opens))
            begin, opens = i + 1, ch
    tail = text[begin:].rstrip("。！？!?")
    out.append(Clause(tail, sentence.start + begin, opens))
    return [c for c in out if c.text.strip()]
