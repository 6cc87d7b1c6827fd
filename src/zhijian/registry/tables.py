"""Reading register files as they come: CSV (UTF-8, UTF-8 with BOM, GB18030) and XLSX, streamed.

:func:`open_table` yields ``(row_number, {canonical_field: text})`` after finding the header row and
mapping Chinese headers to fields. Row numbers are the spreadsheet's own (1-based, header included),
so that an error points at the row a person sees in Excel.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import itertools
from collections.abc import Iterator
from dataclasses import dataclass
from operator import itemgetter
from pathlib import Path

XLSX_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0"
HEADER_SEARCH_ROWS = 10


class UnreadableFile(Exception):
    """The file cannot be read as a table at all (exit code 2). The message is Chinese."""


@dataclass(frozen=True)
class Column:
    field: str
    label: str
    required: bool
    synonyms: tuple[str, ...]


def _normalise_header(text: str) -> str:
    return "".join(str(text).split()).replace("(", "（").replace(")", "）")


@dataclass
class Table:
    encoding: str
    header_row: int
    columns: dict[str, int]  # field -> column index
    labels: dict[str, str]  # field -> header as written
    rows: Iterator[tuple[int, list[str]]]

    def records(self) -> Iterator[tuple[int, dict[str, str]]]:
        """``(row number, {field: text})`` of every row that is not blank; cells arrive stripped."""
        fields, indexes = tuple(self.columns), tuple(self.columns.values())
        width = max(indexes, default=-1) + 1
        # one C-level pick of the mapped cells per row (an import reads a million rows)
        pick = itemgetter(*indexes) if len(indexes) > 1 else (lambda cells: tuple(cells[i] for i in indexes))
        for number, cells in self.rows:
            if not any(cells):
                continue
            if len(cells) >= width:
                yield number, dict(zip(fields, pick(cells), strict=True))
            else:  # a short row: the missing cells are empty
                yield number, {f: (cells[i] if i < len(cells) else "") for f, i in self.columns.items()}


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _detect_text_encoding(path: Path) -> str:
    with path.open("rb") as handle:
        head = handle.read(4)
        if head.startswith(codecs.BOM_UTF8):
            return "utf-8-sig"
        if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            return "utf-16"
        handle.seek(0)
        # Decode the whole file incrementally: a GB18030 file may look like UTF-8 for megabytes.
        for encoding in ("utf-8", "gb18030"):
            decoder = codecs.getincrementaldecoder(encoding)()
            handle.seek(0)
            try:
                while chunk := handle.read(1 << 20):
                    if b"\x00" in chunk:
                        raise UnreadableFile("文件含有二进制内容，不是CSV或XLSX表格")
                    decoder.decode(chunk)
                decoder.decode(b"", final=True)
                return encoding
            except UnicodeDecodeError:
                continue
    raise UnreadableFile("无法识别文件编码：请使用UTF-8或GB18030编码的CSV，或XLSX")


def _text_rows(path: Path, encoding: str) -> Iterator[tuple[int, list[str]]]:
    with path.open("r", encoding=encoding, newline="") as handle:
        sample = handle.readline()
        delimiter = "\t" if sample.count("\t") > sample.count(",") else ","
        handle.seek(0)
        reader = csv.reader(handle, delimiter=delimiter)
        try:
            for number, cells in enumerate(reader, start=1):
                yield number, [c.strip() for c in cells]
        except csv.Error as exc:
            raise UnreadableFile(f"CSV格式错误（第{reader.line_num}行）：{exc}") from exc


def _xlsx_rows(path: Path) -> Iterator[tuple[int, list[str]]]:
    import openpyxl

    # Opened from a handle, not a path: openpyxl judges a path by its extension, and the content
    # (the ZIP magic) has already said this is a workbook whatever the file is called.
    handle = path.open("rb")
    try:
        try:
            book = openpyxl.load_workbook(handle, read_only=True, data_only=True)
        except Exception as exc:
            raise UnreadableFile(f"无法打开XLSX文件：{exc.__class__.__name__}") from exc
        try:
            sheet = book.worksheets[0]
            for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
                yield number, [_cell_text(v).strip() for v in values]
        finally:
            book.close()
    finally:
        handle.close()


def _match(names: list[str], columns: list[Column]) -> dict[str, int]:
    mapping: dict[str, int] = {}
    for column in columns:
        for i, name in enumerate(names):
            if name in column.synonyms and column.field not in mapping:
                mapping[column.field] = i
                break
    return mapping


def _find_header(
    rows: Iterator[tuple[int, list[str]]], columns: list[Column]
) -> tuple[int, dict[str, int], dict[str, str], list[tuple[int, list[str]]]]:
    """Find the header among the first rows: the row that names the most known columns.

    Excel exports often carry a merged title row above the header, and a header split over two
    rows by merged cells: a blank header cell takes the last text above it. Returns the header's row
    number, field → column index, field → header text, and the rows read past the header.
    """
    head: list[tuple[int, list[str]]] = []
    for item in rows:
        head.append(item)
        if len(head) >= HEADER_SEARCH_ROWS:
            break
    if not head:
        raise UnreadableFile("文件为空")
    best: int = -1
    best_mapping: dict[str, int] = {}
    best_names: list[str] = []
    for index, (_, cells) in enumerate(head):
        names = [_normalise_header(c) for c in cells]
        for _, above in reversed(head[:index]):
            for i, text in enumerate(above):
                if i < len(names) and not names[i] and text.strip():
                    names[i] = _normalise_header(text)
        mapping = _match(names, columns)
        if len(mapping) > len(best_mapping):
            best, best_mapping, best_names = index, mapping, names
    required = next(c for c in columns if c.required)
    if best < 0 or required.field not in best_mapping:
        raise UnreadableFile(f"前{HEADER_SEARCH_ROWS}行中找不到表头“{required.label}”")
    labels = {field: best_names[i] for field, i in best_mapping.items()}
    return head[best][0], best_mapping, labels, head[best + 1 :]


def open_table(path: Path, columns: list[Column]) -> Table:
    """Open ``path`` and map its header; raise :class:`UnreadableFile` when it is not a table."""
    path = Path(path)
    if not path.exists():
        raise UnreadableFile(f"文件不存在：{path}")
    with path.open("rb") as handle:
        magic = handle.read(4)
    if not magic:
        raise UnreadableFile("文件为空")
    if magic == OLE_MAGIC:
        raise UnreadableFile("不支持旧版Excel（.xls）文件，请另存为.xlsx或CSV")
    if magic == XLSX_MAGIC:
        encoding, rows = "xlsx", _xlsx_rows(path)
    else:
        encoding = _detect_text_encoding(path)
        rows = _text_rows(path, encoding)
    header_row, mapping, labels, pending = _find_header(rows, columns)
    return Table(
        encoding=encoding,
        header_row=header_row,
        columns=mapping,
        labels=labels,
        rows=itertools.chain(pending, rows),
    )
