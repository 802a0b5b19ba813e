"""Tables as files a spreadsheet in the region opens right: CSV in UTF-8 with a byte-order mark and
`;` between cells (Excel set up for Bosnia and Herzegovina uses the comma for decimals), and .xlsx.

Cells a spreadsheet would run as a formula are defused: an apostrophe before them in CSV, and
written as plain text in .xlsx."""
from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import TYPE_STRING
from openpyxl.utils import get_column_letter

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: Any) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in _FORMULA_START else text


def to_csv(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([v if isinstance(v, (int, float)) else _cell(v) for v in row])
    return "\ufeff".encode() + out.getvalue().encode("utf-8")


def to_xlsx(title: str, header: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = title[:31]
    sheet.append(list(header))
    for row in rows:
        sheet.append([v if isinstance(v, (int, float)) or v is None else str(v) for v in row])
        for cell in sheet[sheet.max_row]:
            if isinstance(cell.value, str):
                cell.data_type = TYPE_STRING  # "=..." stays text, never a formula
    for index, name in enumerate(header, start=1):
        longest = max([len(str(name))] + [len(str(c.value or "")) for c in sheet[get_column_letter(index)][1:200]])
        sheet.column_dimensions[get_column_letter(index)].width = min(60, max(8, longest + 2))
    sheet.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
