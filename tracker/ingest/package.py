"""An .xlsx package's parts read without trusting them: the zip's directory checked before anything is unpacked
(entries, sizes, compression ratio, encryption), each part streamed through the XML parser one record at a time
against a budget (``limits``): unpacked bytes, XML elements, cells. ``tracker.ingest.xlsx`` reads the workbook,
styles, shared strings and sheets through these."""

from __future__ import annotations

import io
import posixpath
import struct
import xml.etree.ElementTree as ET
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO, Any

from tracker.ingest.limits import (
    MAX_CELLS,
    MAX_MEMBER_BYTES,
    MAX_MEMBERS,
    MAX_RATIO,
    MAX_ROW_ELEMENTS,
    MAX_TOTAL_BYTES,
    MAX_XML_ELEMENTS,
    RATIO_FLOOR,
    XML_HEAD,
)
from tracker.ingest.model import IngestError

BROKEN = "无法打开 Excel 文件：文件可能已损坏，或不是 .xlsx 格式。请在 Excel 中打开后“另存为” .xlsx 再上传。"
_EOCD = b"PK\x05\x06"


def local(tag: str) -> str:
    """A tag or attribute without its namespace (transitional and strict OOXML name the same parts)."""
    return tag.rpartition("}")[2]


def too_many(what: str, limit: int, unit: str = "个") -> IngestError:
    return IngestError(f"文件过大或结构异常：{what}超过 {limit:,} {unit}（本系统的上限），请删去多余内容或拆分后分批上传。")


@dataclass
class Budget:
    """What reading this file may still cost: unpacked bytes, XML elements, values."""

    bytes_left: int = MAX_TOTAL_BYTES
    elements_left: int = MAX_XML_ELEMENTS
    cells_left: int = MAX_CELLS

    def element(self) -> None:
        self.elements_left -= 1
        if self.elements_left < 0:
            raise too_many("XML 元素", MAX_XML_ELEMENTS)

    def cell(self) -> None:
        self.cells_left -= 1
        if self.cells_left < 0:
            raise too_many("有内容的单元格", MAX_CELLS)


class Part(io.RawIOBase):
    """One zip part as a stream: counts unpacked bytes against the budget and refuses a DTD at its start."""

    def __init__(self, raw: IO[bytes], name: str, budget: Budget):
        self._raw, self._name, self._budget = raw, name, budget
        self._head = b""
        self._checked = False

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        data = self._raw.read(len(buffer))
        self._budget.bytes_left -= len(data)
        if self._budget.bytes_left < 0:
            raise too_many("解压后的内容", MAX_TOTAL_BYTES // (1024 * 1024), "MB")
        if not self._checked:
            self._head = (self._head + data)[:XML_HEAD]
            folded = self._head.lower().replace(b"\x00", b"")
            if b"<!doctype" in folded or b"<!entity" in folded:
                raise IngestError(f"{BROKEN}（{self._name} 含有文档类型声明，Excel 文件不会有）")
            self._checked = len(self._head) >= XML_HEAD or not data
        buffer[: len(data)] = data
        return len(data)


# ---------------------------------------------------------------- the zip


def member_count(data: bytes) -> int:
    """Entries in the zip's directory, from its end record (read before zipfile parses the directory)."""
    at = data.rfind(_EOCD, max(0, len(data) - 65_557))
    if at < 0 or at + 22 > len(data):
        raise IngestError(BROKEN)
    (entries,) = struct.unpack_from("<H", data, at + 10)
    return entries


def open_zip(data: bytes) -> zipfile.ZipFile:
    entries = member_count(data)
    if entries == 0xFFFF or entries > MAX_MEMBERS:
        raise too_many("压缩包里的文件数", MAX_MEMBERS)
    try:
        return zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zlib.error, ValueError, EOFError, struct.error, NotImplementedError) as exc:
        raise IngestError(BROKEN) from exc


def part_info(archive: zipfile.ZipFile, name: str, label: str) -> zipfile.ZipInfo | None:
    """The directory entry of a part, checked before it is unpacked: not encrypted, stored or deflated, and its
    declared size and compression ratio within the limits."""
    try:
        info = archive.getinfo(name)
    except KeyError:
        return None
    if info.flag_bits & 0x1:
        raise IngestError("文件设置了密码或被加密，无法读取：请在 Excel 中取消密码后另存为 .xlsx 再上传。")
    if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        raise IngestError(f"{BROKEN}（{label}使用了不支持的压缩方式）")
    if info.file_size > MAX_MEMBER_BYTES:
        raise too_many(f"{label}解压后的大小", MAX_MEMBER_BYTES // (1024 * 1024), "MB")
    if info.file_size > RATIO_FLOOR and info.file_size > MAX_RATIO * max(info.compress_size, 1):
        ratio = info.file_size / max(info.compress_size, 1)
        raise IngestError(
            f"文件结构异常：{label}的压缩比为 {ratio:,.0f} 倍，超过 {MAX_RATIO} 倍的上限（正常 Excel 文件不超过几十倍），"
            "可能是恶意构造的文件，已拒绝。"
        )
    return info


def walk(
    archive: zipfile.ZipFile, info: zipfile.ZipInfo, label: str, budget: Budget, record_depth: int
) -> Iterator[tuple[str, int, ET.Element]]:
    """(event, depth, element) of a part streamed through the XML parser (the root is depth 1). An element at depth
    ``record_depth`` or above is a complete record at its end event and is dropped from its parent after it is
    yielded, and a record may hold at most ``MAX_ROW_ELEMENTS`` elements: memory stays one record deep however
    large the part. Every element counts against the budget."""
    stack: list[ET.Element] = []
    inside = 0
    try:
        with archive.open(info) as raw:
            stream = io.BufferedReader(Part(raw, info.filename, budget), 64 * 1024)
            for event, element in ET.iterparse(stream, events=("start", "end")):
                if event == "start":
                    budget.element()
                    stack.append(element)
                    if len(stack) == record_depth:
                        inside = 0
                    elif len(stack) > record_depth:
                        inside += 1
                        if inside > MAX_ROW_ELEMENTS:
                            raise IngestError(f"{BROKEN}（{label}中有一行或一项的结构异常，元素过多）")
                    yield event, len(stack), element
                    continue
                depth = len(stack)
                stack.pop()
                yield event, depth, element
                if stack and depth <= record_depth:
                    stack[-1].remove(element)
    except ET.ParseError as exc:
        line = exc.position[0] if exc.position else "?"
        raise IngestError(f"{BROKEN}（{label}不是有效的 XML，第 {line} 行）") from exc
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError) as exc:
        raise IngestError(f"{BROKEN}（{label}已损坏）") from exc


def records(archive: zipfile.ZipFile, name: str | None, label: str, budget: Budget, depth: int) -> Iterator[ET.Element]:
    """The elements at ``depth`` and above of a part, each at its end (nothing when the part is absent)."""
    info = part_info(archive, name, label) if name else None
    if info is None:
        return
    for event, _depth, element in walk(archive, info, label, budget, depth):
        if event == "end":
            yield element


def relationships(archive: zipfile.ZipFile, part: str, budget: Budget) -> dict[str, tuple[str, str]]:
    """Id → (type, part name) of a part's relationships (``xl/_rels/workbook.xml.rels``), targets resolved."""
    folder, name = posixpath.split(part)
    out: dict[str, tuple[str, str]] = {}
    for rel in records(archive, posixpath.join(folder, "_rels", name + ".rels"), "关系表", budget, 2):
        if local(rel.tag) != "Relationship" or rel.get("TargetMode") == "External":
            continue
        target = rel.get("Target") or ""
        resolved = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join(folder, target))
        out[rel.get("Id") or ""] = (local(rel.get("Type") or "").rpartition("/")[2], resolved)
    return out
